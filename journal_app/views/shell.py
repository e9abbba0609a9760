"""The app's frame: routes and the views stack (so the phone's and the browser's back buttons go
back, and a reload lands on the same screen), navigation (bottom bar on phones, rail on wide
screens, list and entry side by side), auto-lock, and locking when the app is hidden.

Screens are registered in `views/routes.py`. A screen may have `leave() -> bool` (save what it
holds; False keeps the person there), `confirm_leave(go_on) -> bool` (False: it asks the person
first, and calls `go_on` if they choose to go; a lock does not ask) and `render()` (build again
in a new language or layout, keeping its state).
"""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass
from typing import Any

import flet as ft

from journal_app.errors import RessentiError
from journal_app.journal import Entry, Journal
from journal_app.prompts.packs import Pack
from journal_app.usecases.entries import restore_entry
from journal_app.views.context import AppContext
from journal_app.views.editor import EditorScreen
from journal_app.views.journal_list import JournalScreen
from journal_app.views.onboarding import OnboardingScreen
from journal_app.views.routes import (
    DESTINATIONS,
    HOME,
    NAV_JOURNAL,
    NAV_PRACTICE,
    NAV_SETTINGS,
    NAV_WRITE,
    Route,
    chain,
)
from journal_app.views.theme import apply_theme, icon_button
from journal_app.views.unlock import UnlockScreen

__all__ = ["NAV_JOURNAL", "NAV_PRACTICE", "NAV_SETTINGS", "NAV_WRITE", "JournalPage", "Shell"]

AUTO_LOCK_CHECK_SECONDS = 15
LOCK_SCREEN_WIDTH = 640
JOURNAL_ROUTES = ("/entry/{id}", "/write")


@dataclass
class Shown:
    """One view of the stack: its address, its screen and the Flet view that holds it."""

    address: str
    route: Route
    screen: Any
    view: ft.View


READING_WIDTH = 640  # about 75 characters of 16 px Roboto a line


class JournalPage:
    """On a wide screen: the journal list, with the open entry beside it."""

    def __init__(self, shell: Shell, select: str | None) -> None:
        self.shell = shell
        self.list = JournalScreen(shell.ctx, on_open=shell.open_entry)
        self.editor: EditorScreen | None = None
        self.detail = ft.Container(expand=True)
        self.open(select)

    def open(self, select: str | None) -> bool:
        """Show an entry beside the list (None: nothing; "": a new one)."""
        if self.editor is not None and not self.editor.leave():
            return False
        try:
            self.editor = self.shell.new_editor(select or None) if select is not None else None
        except RessentiError:  # an address naming an entry deleted since: the list alone
            self.editor = None
        # The text at a readable measure (about 75 characters a line), however wide the window.
        self.detail.content = ft.Row(vertical_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            ft.Container(content=self.editor.control(), width=READING_WIDTH)]) if self.editor else ft.Container(
            alignment=ft.Alignment.CENTER, content=ft.Text(
                self.shell.ctx.t("journal.pick_one"), color=ft.Colors.ON_SURFACE_VARIANT))
        self.list.select(self.editor.entry.id if self.editor and self.editor.entry else None)
        return True

    def control(self) -> ft.Control:
        return ft.Row(expand=True, vertical_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            ft.Container(content=self.list.control(), width=380), ft.VerticalDivider(width=1),
            self.detail])

    def leave(self) -> bool:
        return self.editor.leave() if self.editor is not None else True


class Shell:
    ctx: AppContext
    page: ft.Page

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.page = ctx.page
        self.stack: list[Shown] = []
        self.route = HOME  # the address shown, or wanted while the journal is locked
        self.lock_screen: OnboardingScreen | UnlockScreen | None = None
        self._pushed: list[str] = []  # addresses sent to the client whose echo has not come back
        self._focus_when_there: EditorScreen | None = None  # a new entry's text, once at its address
        self._was_wide = ctx.wide
        ctx.on_settings_changed = self._settings_changed
        self.page.on_resize = self._resized
        self.page.on_app_lifecycle_state_change = self._lifecycle
        self.page.on_keyboard_event = lambda _: ctx.activity()
        self.page.on_route_change = self._route_changed
        self.page.on_view_pop = lambda _: self.go_back()
        self.page.on_disconnect = lambda _: self.lock(show=False)
        # A phone that rebuilds its UI but keeps the process closes the old session without a
        # disconnect: its vault lock must go with it.
        self.page.on_close = lambda _: self.lock(show=False)
        self.page.on_connect = lambda _: self.start()

    # -- what is shown ------------------------------------------------------------------------
    @property
    def screen(self) -> Any:
        """The screen in front: a lock screen, or the top of the stack."""
        if self.lock_screen is not None:
            return self.lock_screen
        return self.stack[-1].screen if self.stack else None

    @property
    def editor(self) -> EditorScreen | None:
        top = self.screen
        return top.editor if isinstance(top, JournalPage) else top if isinstance(top, EditorScreen) else None

    @property
    def nav(self) -> int:
        return self.stack[-1].route.nav if self.stack else NAV_JOURNAL

    # -- entry points -------------------------------------------------------------------------
    def start(self) -> None:
        apply_theme(self.page, self.ctx.settings.theme, self.ctx.lang)
        self.page.title = "Ressenti"
        self.route = self.page.route if self.page.route not in ("", "/") else HOME
        self.stack = []
        self.render()

    async def watch_idle(self) -> None:
        """Lock after the chosen idle time; runs for the life of the page."""
        while True:
            await asyncio.sleep(AUTO_LOCK_CHECK_SECONDS)
            self.check_idle()

    def check_idle(self) -> None:
        if self.ctx.session.is_open and self.ctx.auto_lock.due():
            self.lock()
            self.page.update()

    def render(self) -> None:
        """Show the wanted address, or first the screen that opens the journal."""
        if not self.ctx.session.exists():
            self._lock_screen(OnboardingScreen(self.ctx, on_done=self._opened))
        elif not self.ctx.session.is_open:
            self._lock_screen(UnlockScreen(self.ctx, on_unlocked=self._unlocked))
        else:
            self.lock_screen = None
            self._show(self.route, rebuild=True)

    # -- moving about -------------------------------------------------------------------------
    def go(self, address: str, *, rebuild: bool = False, push: bool = True) -> bool:
        """Show `address` (its parents under it, for the back button). False when the screen
        being left could not save, and keeps the person there."""
        self.ctx.activity()
        if not self.ctx.session.is_open:
            self.route = address
            self.render()
            return True
        shown = self._show(address, rebuild=rebuild)
        if shown and push:
            self._push(self.route)
        editor = self.editor
        if shown and editor is not None and editor.entry is None:
            # « Écrire »: the cursor in the text, so what is typed next is written (M3). The
            # client's move to the new address takes the focus away as it lands (seen in
            # Chromium): once it is there, then.
            if self._pushed:
                self._focus_when_there = editor
            else:
                self.page.run_task(editor.focus_text)
        return shown

    def _push(self, address: str) -> None:
        """Put the address in the browser's bar and history (the client then reports it)."""
        if self.page.route != address or self._pushed:
            self._pushed.append(address)
            self.page.navigate(address)

    def go_back(self) -> None:
        self.go(self.stack[-2].address if len(self.stack) > 1 else HOME)

    def _chain(self, address: str) -> list[tuple[Route, dict[str, str]]]:
        routes = chain(address)
        if self.ctx.wide and routes[-1][0].pattern in JOURNAL_ROUTES:
            routes = routes[-1:]  # list and entry side by side: one view
        return routes

    def _show(self, address: str, *, rebuild: bool = False) -> bool:
        routes = self._chain(address)
        addresses = [route.address(params) for route, params in routes]
        top = self.stack[-1] if self.stack else None
        # Side by side, another entry opens beside the same list.
        if (not rebuild and top is not None and isinstance(top.screen, JournalPage)
                and len(routes) == 1 and routes[0][0].pattern in JOURNAL_ROUTES + ("/journal",)):
            if not top.screen.open(routes[0][1].get("id", "" if routes[0][0].pattern == "/write" else None)):
                return False
            top.address = top.view.route = addresses[0]
            top.route = routes[0][0]
            self._place(addresses[-1])
            return True
        keep = 0
        if not rebuild:
            while (keep < min(len(self.stack), len(addresses))
                   and self.stack[keep].address == addresses[keep]):
                keep += 1
            if keep == len(addresses) == len(self.stack):
                return True  # already there
        for shown in reversed(self.stack[keep:]):
            # A practice under way asks first, as its own « Arrêter » does, then goes on.
            confirm = getattr(shown.screen, "confirm_leave", None)
            if confirm is not None and not confirm(lambda: self.go(address, rebuild=rebuild)):
                return False
        for shown in reversed(self.stack[keep:]):
            leave = getattr(shown.screen, "leave", None)
            if leave is not None and not leave():
                return False
        stack = self.stack[:keep]
        for (route, params), where in list(zip(routes, addresses, strict=True))[keep:]:
            try:
                screen = route.build(self, params)
            except RessentiError as exc:  # an address that names nothing (anymore)
                self.stack = stack
                if where == HOME:
                    raise
                self.ctx.snack(self.ctx.message(exc))
                return self._show(HOME)
            stack.append(Shown(where, route, screen, self._view(where, route, screen, back=bool(stack))))
        self.stack = stack
        if keep == len(addresses):  # back to a screen kept under the one left: show it as it is now
            refresh = getattr(stack[-1].screen, "refresh", None)
            if refresh is not None:
                refresh()
        self._place(addresses[-1])
        return True

    def _place(self, address: str) -> None:
        self.route = address
        for shown in self.stack:
            bar = shown.view.navigation_bar
            if isinstance(bar, ft.NavigationBar):
                bar.selected_index = shown.route.nav
        self.page.views[:] = [shown.view for shown in self.stack]
        # The control whose handler got here may have just left the page, so Flet's automatic
        # update after the handler would not reach the new screen: send it now.
        self.page.update()

    def _view(self, address: str, route: Route, screen: Any, *, back: bool = False) -> ft.View:
        body: ft.Control = ft.Container(content=screen.control(), expand=True, width=route.width)
        return self._frame(address, body, navigation=not route.focus, nav=route.nav, lock=True, back=back)

    def _frame(self, address: str, body: ft.Control, *, navigation: bool, nav: int = NAV_JOURNAL,
               lock: bool | None = None, centred: bool = False, back: bool = False) -> ft.View:
        """A screen in its frame: the app bar (with « Verrouiller » when the journal is open)
        and, unless `navigation` is off (locked, or a practice under way), the navigation."""
        t = self.ctx.t
        bar = None
        places = [(ft.Icons.BOOK_OUTLINED, ft.Icons.BOOK, t("nav.journal")),
                  (ft.Icons.EDIT_OUTLINED, ft.Icons.EDIT, t("nav.write")),
                  (ft.Icons.SELF_IMPROVEMENT_OUTLINED, ft.Icons.SELF_IMPROVEMENT, t("nav.practice")),
                  (ft.Icons.SETTINGS_OUTLINED, ft.Icons.SETTINGS, t("nav.settings"))]
        if navigation and not self.ctx.wide:
            bar = ft.NavigationBar(selected_index=nav, on_change=self._navigate, destinations=[
                ft.NavigationBarDestination(icon=icon, selected_icon=selected, label=label)
                for icon, selected, label in places])
        if navigation and self.ctx.wide:
            rail = ft.NavigationRail(
                selected_index=nav, on_change=self._navigate,
                label_type=ft.NavigationRailLabelType.ALL, destinations=[
                    ft.NavigationRailDestination(icon=icon, selected_icon=selected, label=label)
                    for icon, selected, label in places])
            body = ft.Row(expand=True, vertical_alignment=ft.CrossAxisAlignment.STRETCH,
                          controls=[rail, ft.VerticalDivider(width=1), body])
        appbar = ft.AppBar(
            # Our own back button: Flutter's reads its name twice (« Retour Retour ») on the web.
            leading=icon_button(ft.Icons.ARROW_BACK, t("common.back"), lambda _: self.go_back()) if back else None,
            automatically_imply_leading=False,
            title=ft.Text("Ressenti"),
            actions=[icon_button(ft.Icons.LOCK_OUTLINE, t("nav.lock"), lambda _: self.lock())]
            if (navigation if lock is None else lock) else [],
        )
        return ft.View(route=address, appbar=appbar, navigation_bar=bar, controls=[body], padding=12,
                       horizontal_alignment=ft.CrossAxisAlignment.CENTER if centred else ft.CrossAxisAlignment.START)

    def _lock_screen(self, screen: OnboardingScreen | UnlockScreen) -> None:
        self.lock_screen = screen
        self.stack = []
        view = self._frame(self.route, ft.Container(content=screen.control(), expand=True,
                                                    width=LOCK_SCREEN_WIDTH), navigation=False, centred=True)
        self.page.views[:] = [view]
        self.page.update()
        focus = getattr(screen, "focus", None)
        if focus is not None:  # the cursor in the passphrase field: Flutter's autofocus alone left it nowhere
            self.page.run_task(focus)

    def _navigate(self, e: ft.Event[Any]) -> None:
        index = int(e.control.selected_index or 0)
        if not self.go(DESTINATIONS[index], rebuild=index == NAV_WRITE):
            e.control.selected_index = self.nav  # the screen being left kept the person there

    def _route_changed(self, e: ft.RouteChangeEvent) -> None:
        """The browser's back or forward button, or an address typed or reloaded. The echo of
        an address this shell pushed is not one: a late echo must not undo a newer move."""
        if e.route in self._pushed:
            del self._pushed[:self._pushed.index(e.route) + 1]
            editor, self._focus_when_there = self._focus_when_there, None
            if editor is not None and editor is self.editor and not self._pushed:
                self.page.run_task(editor.focus_text)
            return
        if e.route != self.route and not self.go(e.route, push=False) and self.ctx.session.is_open:
            self._push(self.route)  # the screen stayed (it asks first): its address comes back

    # -- the journal --------------------------------------------------------------------------
    def journal_page(self, select: str | None) -> Any:
        """The journal list; `select` an entry id ("" a new entry) opens it, beside the list on
        a wide screen."""
        if self.ctx.wide:
            return JournalPage(self, select)
        if select is None:
            return JournalScreen(self.ctx, on_open=self.open_entry)
        return self.new_editor(select or None)

    def new_editor(self, entry_id: str | None) -> EditorScreen:
        return EditorScreen(self.ctx, entry_id, on_close=self.show_journal,
                            on_deleted=self._deleted, on_saved=self._saved,
                            on_share=lambda entry: self.open_share(entry.id),
                            on_see_outbox=self.show_outbox)

    def open_entry(self, entry_id: str | None) -> None:
        """Open an entry (None: a new one) in the editor."""
        self.go(f"/entry/{entry_id}" if entry_id else "/write", rebuild=entry_id is None)

    def _saved(self, entry: Entry) -> None:
        """A new entry now has an address; side by side, the list shows it as it is written.
        The browser's address bar is not changed while the person writes: in the web client,
        a navigation then lost the focus and the letters being typed in the text (seen on a
        desktop: the first autosave of the title, then only « J’a » of the text was kept). Nor
        is the view's route: the client keys its page by it, and a new key drew the screen anew,
        which took the cursor out of the text and lost the letters typed then (M3)."""
        top = self.stack[-1] if self.stack else None
        if top is not None and top.address == "/write":
            top.address = self.route = f"/entry/{entry.id}"
        if top is not None and isinstance(top.screen, JournalPage):
            top.screen.list.selected = entry.id
            top.screen.list.refresh()  # the new entry joins the list, marked

    def _deleted(self, entry: Entry) -> None:
        self.go(HOME, rebuild=True)

        def undo(_: object) -> None:
            restore_entry(self.ctx.session.journal, entry)
            self.go(f"/entry/{entry.id}" if self.ctx.wide else HOME, rebuild=True)

        self.ctx.snack(self.ctx.t("editor.deleted"), action=self.ctx.t("editor.undo"),
                       on_action=undo, seconds=8)

    # -- practices ----------------------------------------------------------------------------
    def open_pack(self, pack: Pack) -> None:
        self.go(f"/practice/{pack.id}" if pack.kind == "session" else f"/reflect/{pack.id}")

    def practice_done(self, entry: Entry | None) -> None:
        if entry is None:
            self.go("/practices")
            return
        self.go(f"/entry/{entry.id}" if self.ctx.wide else HOME, rebuild=True)
        self.ctx.snack(self.ctx.t("practice.saved"))

    # -- named moves, for screens' callbacks and for tests ------------------------------------
    def show_journal(self) -> None:
        self.go(HOME)

    def open_share(self, entry_id: str) -> None:
        self.go(f"/share/{entry_id}")

    def show_progress(self) -> None:
        self.go("/progress")

    def show_facilitator(self) -> None:
        self.go("/circles")

    def show_settings(self) -> None:
        self.go("/settings")

    def show_outbox(self) -> None:
        self.go("/shares")

    def show_practices(self) -> None:
        self.go("/practices")

    # -- locking ------------------------------------------------------------------------------
    def _opened(self) -> None:
        """The first run is over: the journal is open."""
        self.lock_screen = None
        self.go(HOME)
        self._start_device_sync()  # a journal received from another device at the first run

    def _warm_up_soon(self, journal: Journal) -> None:
        time.sleep(1.0)
        if self.ctx.session.is_open and self.ctx.session.journal is journal:
            journal.warm_up()

    def _unlocked(self) -> None:
        self.ctx.activity()
        self.lock_screen = None
        self._show(self.route, rebuild=True)
        self._push(self.route)
        # With thousands of entries the first search would pause to build its index: do it now,
        # once the list is on screen (begun at once, it held Python's lock while the first
        # screen was being sent).
        self.page.run_thread(self._warm_up_soon, self.ctx.session.journal)
        if self.ctx.relay is not None:  # what waits for a circle's relay, and what the circle said
            self.ctx.relay.soon()
        self._start_device_sync()  # the member's other devices: what they wrote, what waits here

    def _start_device_sync(self) -> None:
        if self.ctx.devices is not None:
            self.ctx.devices.on_received = self._changes_arrived
            self.ctx.devices.start()

    def _changes_arrived(self) -> None:
        """Another device's changes came in: the journal's list shows them, and « Mes appareils »
        how far the journal's first arrival came (other screens keep what the person is doing; they
        read the new entries when next shown)."""
        refresh = getattr(self.screen, "refresh", None)
        if self.lock_screen is None and refresh is not None and self.route in (HOME, "/devices"):
            refresh()
            self.page.update()

    def lock(self, show: bool = True) -> None:
        try:
            if self.ctx.session.is_open:
                for shown in reversed(self.stack):  # what was typed is saved before the vault closes
                    leave = getattr(shown.screen, "leave", None)
                    if leave is not None:
                        leave()
        finally:  # whatever a screen did on leaving, the vault closes and lets go of its lock
            self.stack = []
            if self.ctx.relay is not None:
                self.ctx.relay.stop()
            if self.ctx.devices is not None:
                self.ctx.devices.stop()
            self.ctx.session.lock()
        if show and self.ctx.session.exists():
            self.render()
        self._forget_screens_left()

    @staticmethod
    def _forget_screens_left() -> None:
        """The screens just left hold the entries' words in reference cycles (a screen, its
        controls, their handlers bound to the screen), which Python frees only when its cyclic
        collector next runs: in a web server left open, possibly long after the lock. Collect
        now, and once more when the tap that locked has let go of the screen it was on. (The
        words' bytes stay in freed memory until it is reused: a str cannot be wiped in Python;
        docs/vault-format.md.)"""
        gc.collect()
        try:
            asyncio.get_running_loop().call_later(0.2, gc.collect)
        except RuntimeError:  # locked from outside the event loop: nothing is handling a tap
            pass

    def _lifecycle(self, e: ft.AppLifecycleStateChangeEvent) -> None:
        """Going to the background locks at once, unless the app itself opened the screen in
        front (a file picker, a share sheet); the idle time still applies then."""
        if e.state in (ft.AppLifecycleState.HIDE, ft.AppLifecycleState.PAUSE) and \
                self.ctx.session.is_open and not self.ctx.auto_lock.in_system_screen:
            self.lock()

    # -- changes ------------------------------------------------------------------------------
    def _settings_changed(self) -> None:
        apply_theme(self.page, self.ctx.settings.theme, self.ctx.lang)
        self._rerender()

    def _resized(self, _: object) -> None:
        if self.ctx.wide != self._was_wide:
            self._was_wide = self.ctx.wide
            self._rerender()

    def _rerender(self) -> None:
        """Build the screens again (new language or layout), keeping what was typed: screens
        that can render again keep their state; the others save and are built anew."""
        if self.lock_screen is not None:
            render = getattr(self.lock_screen, "render", None)
            if isinstance(self.lock_screen, OnboardingScreen) and render is not None:
                render()
                self._lock_screen(self.lock_screen)
            else:
                self.render()
            return
        kept = {shown.address: shown.screen for shown in self.stack if hasattr(shown.screen, "render")}
        if not kept:
            self._show(self.route, rebuild=True)
            return
        for shown in self.stack:
            if shown.address in kept:
                shown.screen.render()  # the session goes on, in the new language or layout
                shown.view = self._view(shown.address, shown.route, shown.screen)
            else:
                leave = getattr(shown.screen, "leave", None)
                if leave is not None:
                    leave()
                shown.screen = shown.route.build(self, shown.route.match(shown.address) or {})
                shown.view = self._view(shown.address, shown.route, shown.screen)
        self._place(self.route)
