"""The app's frame: which screen shows, navigation (bottom bar on phones, rail on wide
screens, list and detail side by side), auto-lock, and locking when the app is hidden."""

from __future__ import annotations

import asyncio
import contextlib

import flet as ft

from journal_app.journal import Entry
from journal_app.prompts.packs import Pack
from journal_app.views.context import AppContext
from journal_app.views.editor import EditorScreen
from journal_app.views.facilitator import FacilitatorScreen
from journal_app.views.journal_list import JournalScreen
from journal_app.views.onboarding import OnboardingScreen
from journal_app.views.player import PlayerScreen
from journal_app.views.practice_library import PracticeLibraryScreen
from journal_app.views.progress_screen import ProgressScreen
from journal_app.views.settings_screen import SettingsScreen
from journal_app.views.share import OutboxScreen, ShareScreen
from journal_app.views.theme import apply_theme, icon_button
from journal_app.views.unlock import UnlockScreen
from journal_app.views.wizard import WizardScreen

NAV_JOURNAL, NAV_WRITE, NAV_PRACTICE, NAV_SETTINGS = 0, 1, 2, 3
AUTO_LOCK_CHECK_SECONDS = 15


class Shell:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.page = ctx.page
        self.screen: object | None = None  # onboarding, unlock, journal, editor or settings
        self.journal_screen: JournalScreen | None = None
        self.editor: EditorScreen | None = None
        self.nav = NAV_JOURNAL
        self._was_wide = ctx.wide
        ctx.on_settings_changed = self._settings_changed
        self.page.on_resize = self._resized
        self.page.on_app_lifecycle_state_change = self._lifecycle
        self.page.on_keyboard_event = lambda _: ctx.activity()
        self.page.on_disconnect = lambda _: self.lock(show=False)
        # A phone that rebuilds its UI but keeps the process closes the old session without a
        # disconnect: its vault lock must go with it.
        self.page.on_close = lambda _: self.lock(show=False)
        self.page.on_connect = lambda _: self.start()

    # -- entry points -------------------------------------------------------------------------
    def start(self) -> None:
        apply_theme(self.page, self.ctx.settings.theme)
        self.page.title = "Ressenti"
        if not self.ctx.session.exists():
            self.show_onboarding()
        elif not self.ctx.session.is_open:
            self.show_unlock()
        else:
            self.show_journal()

    async def watch_idle(self) -> None:
        """Lock after the chosen idle time; runs for the life of the page."""
        while True:
            await asyncio.sleep(AUTO_LOCK_CHECK_SECONDS)
            self.check_idle()

    def check_idle(self) -> None:
        if self.ctx.session.is_open and self.ctx.auto_lock.due():
            self.lock()
            self.page.update()

    # -- screens ------------------------------------------------------------------------------
    def _leave_editor(self) -> bool:
        """Let the screen being left save what it holds; False keeps the person there."""
        if self.editor is not None and not self.editor.leave():
            return False
        self.editor = None
        if isinstance(self.screen, (PlayerScreen, WizardScreen)):
            leaving, self.screen = self.screen, None
            if not leaving.leave():
                self.screen = leaving
                return False
        return True

    def _frame(self, body: ft.Control, *, navigation: bool) -> None:
        t = self.ctx.t
        bar = None
        places = [(ft.Icons.BOOK_OUTLINED, ft.Icons.BOOK, t("nav.journal")),
                  (ft.Icons.EDIT_OUTLINED, ft.Icons.EDIT, t("nav.write")),
                  (ft.Icons.SELF_IMPROVEMENT_OUTLINED, ft.Icons.SELF_IMPROVEMENT, t("nav.practice")),
                  (ft.Icons.SETTINGS_OUTLINED, ft.Icons.SETTINGS, t("nav.settings"))]
        if navigation and not self.ctx.wide:
            bar = ft.NavigationBar(selected_index=self.nav, on_change=self._navigate, destinations=[
                ft.NavigationBarDestination(icon=icon, selected_icon=selected, label=label)
                for icon, selected, label in places])
        if navigation and self.ctx.wide:
            rail = ft.NavigationRail(
                selected_index=self.nav, on_change=self._navigate,
                label_type=ft.NavigationRailLabelType.ALL, destinations=[
                    ft.NavigationRailDestination(icon=icon, selected_icon=selected, label=label)
                    for icon, selected, label in places])
            body = ft.Row(expand=True, vertical_alignment=ft.CrossAxisAlignment.STRETCH,
                          controls=[rail, ft.VerticalDivider(width=1), body])
        appbar = ft.AppBar(
            title=ft.Text("Ressenti"),
            actions=[icon_button(ft.Icons.LOCK_OUTLINE, t("nav.lock"), lambda _: self.lock())]
            if navigation else [],
        )
        self.page.views.clear()
        self.page.views.append(ft.View(route="/", appbar=appbar, navigation_bar=bar,
                                       controls=[body], padding=12))
        # The control whose handler got here has just left the page, so Flet's automatic
        # update after the handler would not reach the new screen: send it now.
        self.page.update()

    def show_onboarding(self) -> None:
        screen = OnboardingScreen(self.ctx, on_done=self.show_journal)
        self.screen = screen
        self._frame(ft.Container(content=screen.control(), expand=True, width=640),
                    navigation=False)

    def show_unlock(self) -> None:
        screen = UnlockScreen(self.ctx, on_unlocked=self._unlocked)
        self.screen = screen
        self._frame(ft.Container(content=screen.control(), expand=True, width=640),
                    navigation=False)

    def _unlocked(self) -> None:
        self.ctx.activity()
        self.show_journal()
        # With thousands of entries the first search would pause to build its index: do it now.
        self.page.run_thread(self.ctx.session.journal.warm_up)

    def show_journal(self, select: str | None = None) -> None:
        if not self._leave_editor():
            return
        self.nav = NAV_JOURNAL
        self.journal_screen = JournalScreen(self.ctx, on_open=self.open_entry)
        self.screen = self.journal_screen
        if self.ctx.wide:
            self.editor = self._new_editor(select) if select else None
            detail = self.editor.control() if self.editor else self._placeholder()
            self.detail = ft.Container(content=detail, expand=True)
            body: ft.Control = ft.Row(expand=True, vertical_alignment=ft.CrossAxisAlignment.STRETCH,
                                      controls=[ft.Container(content=self.journal_screen.control(),
                                                             width=380),
                                                ft.VerticalDivider(width=1), self.detail])
        else:
            body = ft.Container(content=self.journal_screen.control(), expand=True)
        self._frame(body, navigation=True)

    def _placeholder(self) -> ft.Control:
        return ft.Container(alignment=ft.Alignment.CENTER, content=ft.Text(
            self.ctx.t("journal.pick_one"), color=ft.Colors.ON_SURFACE_VARIANT))

    def _new_editor(self, entry_id: str | None) -> EditorScreen:
        return EditorScreen(self.ctx, entry_id, on_close=self._editor_closed,
                            on_deleted=self._deleted, on_saved=self._saved,
                            on_share=self.open_share)

    def _saved(self, _: Entry) -> None:
        """Side by side, the list shows the entry as it is being written."""
        if self.ctx.wide and self.journal_screen is not None and self.screen is self.journal_screen:
            self.journal_screen.refresh()

    def open_entry(self, entry_id: str | None) -> None:
        """Open an entry (None: a new one) in the editor."""
        self.ctx.activity()
        if not self._leave_editor():
            return
        self.editor = self._new_editor(entry_id)
        if self.ctx.wide and self.journal_screen is not None and self.screen is self.journal_screen:
            self.nav = NAV_WRITE if entry_id is None else NAV_JOURNAL
            self.detail.content = self.editor.control()
            self.page.update()
            return
        self.nav = NAV_WRITE if entry_id is None else NAV_JOURNAL
        self.screen = self.editor
        self._frame(ft.Container(content=self.editor.control(), expand=True), navigation=True)

    def _editor_closed(self) -> None:
        self.editor = None
        self.show_journal()

    def _deleted(self, entry: Entry) -> None:
        self.editor = None
        self.show_journal()

        def undo(_: object) -> None:
            self.ctx.session.journal.put(entry)
            self.show_journal(select=entry.id if self.ctx.wide else None)

        self.ctx.snack(self.ctx.t("editor.deleted"), action=self.ctx.t("editor.undo"),
                       on_action=undo, seconds=8)

    def show_settings(self) -> None:
        if not self._leave_editor():
            return
        self.nav = NAV_SETTINGS
        screen = SettingsScreen(self.ctx, on_lock=self.lock, on_imported=lambda: None,
                                on_outbox=self.show_outbox, on_facilitate=self.show_facilitator)
        self.screen = screen
        self._frame(ft.Container(content=screen.control(), expand=True), navigation=True)

    def _navigate(self, e: ft.Event[ft.NavigationBar]) -> None:
        self.ctx.activity()
        index = int(e.control.selected_index or 0)
        if index == NAV_JOURNAL:
            self.show_journal()
        elif index == NAV_WRITE:
            if self.ctx.wide and not isinstance(self.screen, JournalScreen):
                self.show_journal()
            self.open_entry(None)
        elif index == NAV_PRACTICE:
            self.show_practices()
        else:
            self.show_settings()

    # -- practices ----------------------------------------------------------------------------
    def show_practices(self) -> None:
        if not self._leave_editor():
            return
        self.nav = NAV_PRACTICE
        screen = PracticeLibraryScreen(self.ctx, on_pick=self.open_pack,
                                       on_progress=self.show_progress)
        self.screen = screen
        self._frame(ft.Container(content=screen.control(), expand=True), navigation=True)

    def open_pack(self, pack: Pack) -> None:
        self.ctx.activity()
        self.nav = NAV_PRACTICE
        if pack.kind == "session":
            screen: PlayerScreen | WizardScreen = PlayerScreen(self.ctx, pack, self._practice_done)
        else:
            screen = WizardScreen(self.ctx, pack, self._practice_done)
        self.screen = screen
        self._frame(ft.Container(content=screen.control(), expand=True, width=760),
                    navigation=True)

    def _practice_done(self, entry: Entry | None) -> None:
        self.screen = None
        if entry is None:
            self.show_practices()
            return
        self.show_journal(select=entry.id if self.ctx.wide else None)
        self.ctx.snack(self.ctx.t("practice.saved"))

    # -- sharing ------------------------------------------------------------------------------
    def open_share(self, entry: Entry) -> None:
        if not self._leave_editor():
            return
        screen = ShareScreen(self.ctx, entry, on_done=lambda: self.show_journal(
            select=entry.id if self.ctx.wide else None))
        self.screen = screen
        self._frame(ft.Container(content=screen.control(), expand=True, width=760),
                    navigation=True)

    def show_outbox(self) -> None:
        if not self._leave_editor():
            return
        self.nav = NAV_SETTINGS
        screen = OutboxScreen(self.ctx, on_back=self.show_settings)
        self.screen = screen
        self._frame(ft.Container(content=screen.control(), expand=True, width=760),
                    navigation=True)

    def show_facilitator(self) -> None:
        if not self._leave_editor():
            return
        self.nav = NAV_SETTINGS
        screen = FacilitatorScreen(self.ctx, on_back=self.show_settings)
        self.screen = screen
        self._frame(ft.Container(content=screen.control(), expand=True, width=900),
                    navigation=True)

    def show_progress(self) -> None:
        self.nav = NAV_PRACTICE
        screen = ProgressScreen(self.ctx, on_back=self.show_practices)
        self.screen = screen
        self._frame(ft.Container(content=screen.control(), expand=True), navigation=True)

    # -- locking ------------------------------------------------------------------------------
    def lock(self, show: bool = True) -> None:
        if self.ctx.session.is_open:
            self._leave_editor()  # what was typed is saved before the vault closes
        self.editor = None
        self.journal_screen = None
        self.ctx.session.lock()
        if show and self.ctx.session.exists():
            self.show_unlock()

    def _lifecycle(self, e: ft.AppLifecycleStateChangeEvent) -> None:
        """Going to the background locks at once, unless the app itself opened the screen in
        front (a file picker, a share sheet); the idle time still applies then."""
        if e.state in (ft.AppLifecycleState.HIDE, ft.AppLifecycleState.PAUSE) and \
                self.ctx.session.is_open and not self.ctx.auto_lock.in_system_screen:
            self.lock()

    # -- changes ------------------------------------------------------------------------------
    def _settings_changed(self) -> None:
        apply_theme(self.page, self.ctx.settings.theme)
        self._rerender()

    def _resized(self, _: object) -> None:
        if self.ctx.wide != self._was_wide:
            self._was_wide = self.ctx.wide
            self._rerender()

    def _rerender(self) -> None:
        """Build the current screen again (new language or layout), keeping what was typed."""
        if isinstance(self.screen, OnboardingScreen):
            with contextlib.suppress(Exception):
                self.screen.render()
            self._frame(ft.Container(content=self.screen.control(), expand=True, width=640),
                        navigation=False)
        elif isinstance(self.screen, UnlockScreen):
            self.show_unlock()
        elif isinstance(self.screen, SettingsScreen):
            self.show_settings()
        elif isinstance(self.screen, FacilitatorScreen):
            self.show_facilitator()
        elif isinstance(self.screen, (ShareScreen, OutboxScreen)):
            self.show_journal()
        elif isinstance(self.screen, (PracticeLibraryScreen, ProgressScreen)):
            self.show_practices()
        elif isinstance(self.screen, (PlayerScreen, WizardScreen)):
            self.screen.render()  # the session goes on, in the new language or layout
            self._frame(ft.Container(content=self.screen.control(), expand=True, width=760),
                        navigation=True)
        elif self.ctx.session.is_open:
            entry = self.editor.entry.id if self.editor and self.editor.entry else None
            if isinstance(self.screen, EditorScreen) and not self.ctx.wide:
                self.open_entry(entry)
            else:
                self.show_journal(select=entry)
