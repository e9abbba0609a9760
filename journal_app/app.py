"""The Flet app: one JournalSession per window or browser tab, over the same data folder.

`run` opens a desktop window where a display and the Flet desktop client are available, else
serves the web app on 127.0.0.1 (never beyond, unless a host is given).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path

import flet as ft

from journal_app.errors import NetworkNotAllowed, PortInUse, WebClientMissing
from journal_app.i18n import DEFAULT_LANGUAGE, environment_language, normalize_language, translate
from journal_app.paths import assets_dir, private_dir
from journal_app.paths import data_dir as default_data_dir
from journal_app.session import AutoLock, JournalSession
from journal_app.settings import FILE_NAME as SETTINGS_FILE
from journal_app.settings import load_settings
from journal_app.sharing import on_this_computer
from journal_app.views.context import AppContext
from journal_app.views.shell import Shell

DEFAULT_PORT = 8550
# The shells of this process's pages: a phone has one screen, so a new one takes over from any
# left by a UI the system rebuilt without a disconnect.
_shells: weakref.WeakSet[Shell] = weakref.WeakSet()


async def first_run_language(page: ft.Page) -> str:
    """The language a new journal starts in: the one the environment names, else the device's
    (a phone sets no LANG), else French."""
    named = environment_language()
    if named:
        return named
    try:
        info = await page.get_device_info()
    except Exception:  # a client that cannot say: French, as everywhere else
        return DEFAULT_LANGUAGE
    locales = getattr(info, "locales", None) or []
    return normalize_language(locales[0].language_code) if locales else DEFAULT_LANGUAGE


def build_app(page: ft.Page, data_dir: Path, *, autosave_delay: float = 1.0,
              fallback_language: str | None = None) -> Shell:
    """Set up one page: its services, its session and its shell (also used by the view tests).
    `fallback_language` is used when no settings were saved yet (a first run)."""
    import flet_audio

    if page.platform is not None and page.platform.is_mobile() and not page.web:
        for old in list(_shells):
            old.lock(show=False)
    settings = load_settings(data_dir, fallback_language=fallback_language)
    ctx = AppContext(page=page, session=JournalSession(data_dir), settings=settings,
                     data_dir=data_dir, autosave_delay=autosave_delay,
                     auto_lock=AutoLock(settings.auto_lock_minutes),
                     clipboard=ft.Clipboard(), file_picker=ft.FilePicker(),
                     bell=flet_audio.Audio(src="bell.wav", volume=0.6), wakelock=ft.Wakelock(),
                     share=ft.Share())
    from journal_app.views.relay_sync import RelaySync

    ctx.relay = RelaySync(ctx)
    from journal_app.views.device_sync import DeviceSync

    ctx.devices = DeviceSync(ctx)
    shell = Shell(ctx)
    _shells.add(shell)
    shell.start()
    return shell


def make_main(data_dir: Path) -> Callable[[ft.Page], Awaitable[None]]:
    async def main(page: ft.Page) -> None:
        language = None
        if not (data_dir / SETTINGS_FILE).exists():
            language = await first_run_language(page)
        shell = build_app(page, data_dir, fallback_language=language)
        page.update()
        await shell.watch_idle()

    return main


def _desktop_possible() -> bool:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        return False
    try:
        import flet_desktop  # noqa: F401
    except ImportError:
        return False
    return True


def _check_web_client() -> None:
    """The web app needs Flet's web client and its server (the `desktop` extra): said in one
    line before anything is announced, rather than a ModuleNotFoundError after."""
    for module in ("flet_web", "uvicorn"):
        try:
            __import__(module)
        except ImportError:
            raise WebClientMissing() from None


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind((host, port))
        except OSError:
            raise PortInUse(port=port, host=host) from None


def run(data_dir: Path, *, host: str | None = None, port: int | None = None, web: bool = False,
        lang: str = "fr", allow_network: bool = False, allowed_hosts: tuple[str, ...] = ()) -> int:
    """Start the app; returns the process exit status. A host other than this computer's own
    needs `allow_network`: the journal would be reachable by others, without login or TLS. The
    web app answers the names in `allowed_hosts` besides its own addresses (same_origin.py)."""
    host = host or "127.0.0.1"
    if not on_this_computer(host) and not allow_network:
        raise NetworkNotAllowed(host=host)
    data_dir = Path(data_dir)
    private_dir(data_dir)
    main = make_main(data_dir)
    logging.getLogger("flet").setLevel(logging.WARNING)
    if not web and _desktop_possible():
        try:
            ft.run(main, view=ft.AppView.FLET_APP, assets_dir=str(assets_dir()))
            return 0
        except Exception:  # no desktop client can be fetched here: the browser will do
            print(translate("app.desktop_unavailable", lang), file=sys.stderr)
    _check_web_client()
    port = port or DEFAULT_PORT
    _check_port_free(host, port)
    if on_this_computer(host):
        print(translate("app.serving", lang, url=f"http://{host}:{port}"), flush=True)
    else:
        print(translate("app.serving_network", lang, url=f"http://{host}:{port}"), file=sys.stderr, flush=True)
    serve_web(main, host, port, open_browser=web, allowed_hosts=allowed_hosts)
    return 0


def serve_web(main: Callable[[ft.Page], Awaitable[None]], host: str, port: int, *,
              open_browser: bool = False, allowed_hosts: tuple[str, ...] = ()) -> None:
    """Flet's web app behind SameOriginOnly (another site's page, or a domain rebound to this
    address, gets a 403), served by uvicorn as Flet itself serves it."""
    import uvicorn

    from journal_app.same_origin import SameOriginOnly, served_hosts
    from journal_app.web_fonts import FallbackFonts

    asgi = ft.run(main, export_asgi_app=True, assets_dir=str(assets_dir()), no_cdn=True,
                  web_renderer=ft.WebRenderer.CANVAS_KIT)
    # With no_cdn the client asks this server for Flutter's fallback fonts (emoji, syllabics,
    # Arabic, Chinese): FallbackFonts answers them from webfonts/ (journal_app/web_fonts.py).
    guarded = SameOriginOnly(FallbackFonts(asgi), served_hosts(host, port, allowed_hosts))
    url = f"http://{'localhost' if host in ('0.0.0.0', '::') else host}:{port}"

    async def opened() -> None:
        # Only where there is a screen: with none, Python's webbrowser would start a text
        # browser in this very terminal (Flet does not open one on a Linux server either).
        screen = sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") or \
            os.environ.get("WAYLAND_DISPLAY")
        if open_browser and screen:
            import webbrowser

            webbrowser.open(url)

    # A closed tab's session task can outlive its socket: stopping waits 5 s for it, not forever.
    config = uvicorn.Config(guarded, host=host, port=port, log_level=os.environ.get("RESSENTI_WEB_LOG", "warning"),
                            ws="websockets-sansio", access_log=False, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)

    async def serve() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            await opened()
        await serving

    asyncio.run(serve())


def run_packaged() -> None:
    """Start the app as `flet build` packages it (phones): main.py calls this; the data folder is
    the app storage the platform gives, the assets the folder the build ships."""
    ft.run(make_main(default_data_dir()), assets_dir=str(assets_dir()),
           no_cdn=True, web_renderer=ft.WebRenderer.CANVAS_KIT)  # for `flet run --web`
