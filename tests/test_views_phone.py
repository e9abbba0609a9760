"""The app as a phone runs it: the system file picker and share sheet hide and pause the app
without locking the journal, a UI rebuilt by the system takes over the journal, the device's
language at first run, and an iPad saves instead of sharing."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import flet as ft

from journal_app.app import build_app, make_main
from journal_app.circles import Circles
from journal_app.session import JournalSession
from journal_app.sharing import CircleKeys
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.flet_harness import new_harness, run_ui
from tests.test_views import app, make_journal, unlock

JRNL = Path(__file__).parent / "fixtures" / "jrnl-export.json"


def ios_device(model: str) -> dict:
    """What an iOS client answers to get_device_info (model: "iPad" or "iPhone")."""
    return {"locales": [{"language_code": "fr", "country_code": "CA"}],
            "available_ram_size": 2**31, "free_disk_size": 2**34, "is_ios_app_on_mac": False,
            "is_physical_device": True, "localized_model": model, "model": model,
            "model_name": f"{model} (10th generation)", "name": f"{model} de Sophie",
            "physical_ram_size": 2**32, "system_name": "iPadOS" if model == "iPad" else "iOS",
            "system_version": "26.1", "total_disk_size": 2**36,
            "utsname": {"machine": f"{model}13,1", "node_name": "sophie", "release": "25.1.0",
                        "sys_name": "Darwin", "version": "Darwin Kernel Version 25.1.0"}}


def picked(path: Path) -> list[dict]:
    """What the client sends back when the person picks one file (with its bytes)."""
    data = path.read_bytes()
    return [{"id": 0, "name": path.name, "size": len(data), "bytes": data}]


async def lifecycle(h, state: str) -> None:
    await h.fire(h.page, "app_lifecycle_state_change", {"state": state})


async def open_settings(h) -> None:
    bar = h.page.views[-1].navigation_bar
    h.client_sets(bar, selected_index=3)
    await h.fire(bar, "change")


def test_the_file_picker_hides_the_app_and_the_import_still_lands(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        h.page.platform = ft.PagePlatform.ANDROID
        await unlock(h)
        await open_settings(h)
        h.conn.held.add("pick_files")
        picking = await h.click_and_wait_on_client(ft.OutlinedButton, "Importer des fichiers")
        assert h.conn.is_open("pick_files")
        # Android's picker is another activity: ours is hidden, then paused, then comes back.
        for state in ("inactive", "hide", "pause"):
            await lifecycle(h, state)
        assert shell.ctx.session.is_open and not h.has_text("Déverrouiller")
        h.conn.answer("pick_files", picked(JRNL))
        for state in ("resume", "show"):
            await lifecycle(h, state)
        await picking
        await h.wait_for(lambda: h.has_text("ajoutées : 3"))
        assert len(shell.ctx.session.journal.entries()) == 3
        # Going to the background on one's own still locks at once.
        await lifecycle(h, "hide")
        assert not shell.ctx.session.is_open and h.has_text("Déverrouiller")

    run_ui(body)


def test_the_idle_time_still_locks_while_a_picker_is_open(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        now = [1000.0]
        shell.ctx.auto_lock._clock = lambda: now[0]
        await unlock(h)
        await open_settings(h)
        h.conn.held.add("pick_files")
        picking = await h.click_and_wait_on_client(ft.OutlinedButton, "Importer des fichiers")
        await lifecycle(h, "hide")
        assert shell.ctx.session.is_open
        now[0] += 5 * 60 + 1
        shell.check_idle()  # what the page's idle watcher does every 15 seconds
        assert not shell.ctx.session.is_open
        h.conn.answer("pick_files", picked(JRNL))
        await picking
        await h.wait_for(lambda: h.has_text("Déverrouiller"))
        assert not h.conn.crashes
        await unlock(h)
        assert shell.ctx.session.journal.entries() == []  # nothing was written while locked

    run_ui(body)


def test_a_pack_file_of_any_type_can_be_picked_and_is_checked(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        bar = h.page.views[-1].navigation_bar
        h.client_sets(bar, selected_index=2)
        await h.fire(bar, "change")
        h.conn.answers["pick_files"] = picked(Path(__file__).parent / "fixtures" / "2024-05-01-marche.md")
        await h.click(ft.OutlinedButton, "Importer une pratique")
        args = [a for name, a in h.conn.invoked_args if name == "pick_files"][-1]
        assert args["file_type"] == ft.FilePickerFileType.ANY and not args["allowed_extensions"]
        await h.wait_for(lambda: h.has_text("2024-05-01-marche.md"))
        shell.lock()

    run_ui(body)


def test_closing_the_session_lets_go_of_the_journal(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await h.fire(h.page, "close")
        assert not shell.ctx.session.is_open
        other = JournalSession(tmp_path, kdf=FAST_KDF)
        other.unlock(PASSPHRASE)  # no « already open »
        other.lock()

    run_ui(body)


def test_a_ui_rebuilt_by_the_phone_takes_over_the_journal_and_keeps_what_was_typed(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        h.page.platform, h.page.web = ft.PagePlatform.ANDROID, False
        await unlock(h)
        bar = h.page.views[-1].navigation_bar
        h.client_sets(bar, selected_index=1)
        await h.fire(bar, "change")
        text = next(f for f in h.find_all(ft.TextField) if f.multiline)
        h.client_sets(text, value="Écrit juste avant que le téléphone reconstruise l’écran")
        await h.fire(text, "change")
        # Android rebuilds the UI in the same process; the old session is never disconnected.
        h2 = await new_harness()
        h2.page.platform, h2.page.web = ft.PagePlatform.ANDROID, False
        shell2 = build_app(h2.page, tmp_path, autosave_delay=0.01)
        shell2.ctx.session._kdf = FAST_KDF
        h2.page.update()
        assert not shell.ctx.session.is_open
        await unlock(h2)
        assert not h2.has_text("déjà ouvert")
        bodies = [e.body for e in shell2.ctx.session.journal.entries()]
        assert "Écrit juste avant que le téléphone reconstruise l’écran" in bodies
        shell2.lock()

    run_ui(body)


def test_a_first_run_speaks_the_device_language(tmp_path, monkeypatch):
    for var in ("JOURNAL_APP_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)

    async def body():
        h = await new_harness()
        h.conn.answers["get_device_info"] = {
            "browser_name": "chrome", "locales": [{"language_code": "en", "country_code": "CA"}]}
        running = asyncio.create_task(make_main(tmp_path)(h.page))
        try:
            await h.wait_for(lambda: h.has_text("Welcome"))
            assert not h.has_text("Bienvenue")
        finally:
            running.cancel()

    run_ui(body)


def test_a_first_run_without_device_language_is_in_french(tmp_path, monkeypatch):
    for var in ("JOURNAL_APP_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)

    async def body():
        h = await new_harness()  # the client answers nothing
        running = asyncio.create_task(make_main(tmp_path)(h.page))
        try:
            await h.wait_for(lambda: h.has_text("Bienvenue"))
        finally:
            running.cancel()

    run_ui(body)


def test_an_ipad_saves_the_file_instead_of_sharing_it(tmp_path):
    make_journal(tmp_path)
    facilitator = CircleKeys.create("Cercle du jeudi")

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        circles = Circles(shell.ctx.session.database)
        circles.join(facilitator.invitation.code())
        circles.share(facilitator.invitation.circle_id, "Un extrait", day=date(2026, 11, 27), kind="free")
        shell.show_outbox()
        h.page.platform, h.page.web = ft.PagePlatform.IOS, False
        h.conn.answers["get_device_info"] = ios_device("iPad")
        h.conn.answers["save_file"] = "/private/var/mobile/ressenti-partages.json"
        await h.click(ft.OutlinedButton, "Exporter le fichier de partage")
        await h.wait_for(lambda: "save_file" in h.conn.invoked)
        assert "share_files" not in h.conn.invoked
        # An iPhone gets the share sheet.
        h.conn.answers["get_device_info"] = ios_device("iPhone")
        await h.click(ft.OutlinedButton, "Exporter le fichier de partage")
        await h.wait_for(lambda: "share_files" in h.conn.invoked)
        shell.lock()

    run_ui(body)


def test_about_names_the_cryptography_in_use(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await open_settings(h)
        line = next(t for t in h.texts() if t.startswith("Chiffrement"))
        assert "cryptography " in line and "OpenSSL" in line and "argon2-cffi" in line
        shell.lock()

    run_ui(body)
