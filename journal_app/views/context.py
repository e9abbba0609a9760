"""What every screen needs: the page, the services, the settings, translation and messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import flet as ft

from journal_app.diagnostics import record
from journal_app.errors import RessentiError
from journal_app.i18n import parse_date, translate
from journal_app.journal import Meeting
from journal_app.session import AutoLock, JournalSession
from journal_app.settings import Settings, save_settings
from journal_app.views.theme import icon_button

WIDE_MIN_WIDTH = 900


@dataclass
class AppContext:
    page: ft.Page
    session: JournalSession
    settings: Settings
    data_dir: Path
    autosave_delay: float = 1.0  # seconds of quiet typing before the editor saves
    auto_lock: AutoLock = field(default_factory=AutoLock)
    on_settings_changed: Callable[[], None] | None = None
    clipboard: ft.Clipboard | None = None
    file_picker: ft.FilePicker | None = None
    bell: Any = None  # flet_audio.Audio playing assets/bell.wav
    wakelock: ft.Wakelock | None = None
    share: ft.Share | None = None  # the platform's share sheet (phones)
    relay: Any = None  # journal_app.views.relay_sync.RelaySync: when the app talks to a circle's relay
    devices: Any = None  # journal_app.views.device_sync.DeviceSync: the member's other devices, while open

    @property
    def lang(self) -> str:
        return self.settings.language

    def t(self, key: str, /, **params: Any) -> str:
        return translate(key, self.settings.language, **params)

    def passphrase_field(self, label: str, **options: Any) -> ft.TextField:
        """A hidden passphrase field with its own « Afficher » button, named for screen readers
        (Flutter's built-in eye has no name) and saying which way it goes."""
        field = ft.TextField(label=label, password=True, **options)

        def toggle(_: object) -> None:
            field.password = not field.password
            button.icon = eye()

        def eye() -> ft.Icon:
            if field.password:
                return ft.Icon(ft.Icons.VISIBILITY, semantics_label=self.t("common.show_passphrase"))
            return ft.Icon(ft.Icons.VISIBILITY_OFF, semantics_label=self.t("common.hide_passphrase"))

        button = ft.IconButton(icon=eye(), on_click=toggle)  # named by its icon, which says which way
        field.suffix_icon = button
        return field

    def message(self, exc: BaseException) -> str:
        """The one sentence a person sees for an error: translated, never a traceback. An
        error nobody foresaw is also written to the local log, and the screen offers to copy
        its diagnostic (which holds no word of the journal) for a bug report."""
        if isinstance(exc, RessentiError):
            return exc.message(self.lang)
        diagnostic = record(self.data_dir, exc)

        async def copy(_: object) -> None:
            if self.clipboard is not None:
                await self.clipboard.set(diagnostic)
            self.snack(self.t("error.diagnostic_copied"))

        text = self.t("error.unexpected", detail=type(exc).__name__)
        self.snack(text, action=self.t("error.copy_diagnostic"), on_action=copy, seconds=12)
        return text

    @property
    def wide(self) -> bool:
        return (self.page.width or 0) >= WIDE_MIN_WIDTH

    def activity(self) -> None:
        self.auto_lock.touch()

    def change_settings(self, settings: Settings) -> None:
        self.settings = settings.checked()
        self.auto_lock.minutes = self.settings.auto_lock_minutes
        try:
            save_settings(self.data_dir, self.settings)
        except RessentiError as exc:
            self.snack(self.message(exc))
        if self.on_settings_changed:
            self.on_settings_changed()

    async def save_bytes(self, file_name: str, data: bytes) -> bool:
        """Let the person choose where to save `data` (a download in the browser)."""
        if self.file_picker is None:
            return False
        try:
            with self.auto_lock.system_screen():
                path = await self.file_picker.save_file(file_name=file_name, src_bytes=data)
        except Exception as exc:
            self.snack(self.message(exc))
            return False
        return bool(path) or self.page.web

    @property
    def phone(self) -> bool:
        return self.page.platform in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS)

    async def _tablet_without_anchor(self) -> bool:
        """An iPad shows the share sheet as a popover that needs an anchor on screen, which a
        Flet control cannot give: there, saving the file is the sure way."""
        if self.page.platform != ft.PagePlatform.IOS:
            return False
        try:
            info = await self.page.get_device_info()
        except Exception:
            return True  # an iOS device we cannot name: saving works on all of them
        return "ipad" in str(getattr(info, "model", "")).lower()

    async def send_bytes(self, file_name: str, data: bytes, mime_type: str) -> bool:
        """Hand a file to the platform's share sheet on a phone (mail, messages, drive...);
        elsewhere, and on an iPad, let the person choose where to save it."""
        if not (self.phone and self.share) or await self._tablet_without_anchor():
            return await self.save_bytes(file_name, data)
        try:
            with self.auto_lock.system_screen():
                result = await self.share.share_files([ft.ShareFile.from_bytes(
                    data, mime_type=mime_type, name=file_name)])
        except Exception:  # no share sheet after all: the file still reaches the person
            return await self.save_bytes(file_name, data)
        return result is None or result.status != ft.ShareResultStatus.DISMISSED

    async def pick_files(self, title: str, extensions: list[str] | None = None) -> list[tuple[str, bytes]]:
        """Let the person pick files to read (uploaded by the browser in web mode): name, bytes.
        Raises what the picker raised; the caller shows it."""
        if self.file_picker is None:
            return []
        with self.auto_lock.system_screen():
            files = await self.file_picker.pick_files(
                allow_multiple=True, with_data=True, dialog_title=title,
                file_type=ft.FilePickerFileType.CUSTOM if extensions else ft.FilePickerFileType.ANY,
                allowed_extensions=extensions)
        return [(f.name, f.bytes if f.bytes is not None else
                 Path(f.path).read_bytes() if f.path else b"") for f in files or []]

    def date_field(self, label: str, value: str, on_change: Callable[[Any], Any],
                   on_blur: Callable[[Any], Any] | None = None) -> ft.TextField:
        """A date typed as a person writes it (« 28 novembre », 2026-11-28), or picked in a
        calendar from the button beside it."""
        field = ft.TextField(label=label, hint_text=self.t("editor.date_hint"), error_max_lines=3,
                             value=value, on_change=on_change, on_blur=on_blur)

        def picked(e: ft.Event[ft.DatePicker]) -> None:
            chosen = e.control.value
            if chosen is not None:
                field.value = (chosen.date() if isinstance(chosen, datetime) else chosen).isoformat()
                on_change(e)

        def open_picker(_: object) -> None:
            try:
                current = parse_date(field.value or "")
            except ValueError:
                current = date.today()
            self.show_dialog(ft.DatePicker(
                value=datetime.combine(current, datetime.min.time()), first_date=datetime(2000, 1, 1),
                last_date=datetime(date.today().year + 5, 12, 31), help_text=label,
                locale=ft.Locale(self.lang, "CA"), on_change=picked))

        field.suffix = icon_button(ft.Icons.CALENDAR_MONTH, self.t("editor.pick_date"), open_picker)
        return field

    def read_meeting(self, name: ft.TextField, day: ft.TextField, role: str,
                     *, date_alone_counts: bool = True) -> Meeting | None:
        """The meeting typed in a form; a malformed date is pointed out on its field, not kept."""
        text = (day.value or "").strip()
        when = None
        day.error = None
        if text:
            try:
                when = parse_date(text)
            except ValueError:
                day.error = self.t("editor.bad_date")
        title = (name.value or "").strip()
        if not (title or role or (when and date_alone_counts)):
            return None
        return Meeting(name=title, date=when, role=role)

    def snack(self, text: str, action: str | None = None,
              on_action: Callable[[Any], Any] | None = None, seconds: int = 5) -> ft.SnackBar:
        bar = ft.SnackBar(content=ft.Text(text), action=action, on_action=on_action,
                          duration=ft.Duration(seconds=seconds), show_close_icon=True)
        self.show_dialog(bar)
        return bar

    def ask(self, title: str, text: str, choices: list[tuple[str, Callable[[], None] | None]]) -> ft.AlertDialog:
        """A modal question whose buttons each close it and then act. The first tap answers:
        a second tap on a dialog still closing (a busy phone, a double tap) does nothing."""
        answered = False

        def choose(action: Callable[[], None] | None) -> Callable[[object], None]:
            def handler(_: object) -> None:
                nonlocal answered
                if answered:
                    return
                answered = True
                dialog.open = False
                try:
                    if action is not None:
                        action()
                finally:
                    self.page.update()  # the dialog closed, and whatever the action changed
            return handler

        dialog = ft.AlertDialog(modal=True, title=ft.Text(title), content=ft.Text(text),
                                actions=[ft.TextButton(content=label, on_click=choose(action))
                                         for label, action in choices])
        self.show_dialog(dialog)
        return dialog

    def close_dialog(self, dialog: ft.DialogControl) -> None:
        """Close this dialog (not whichever is on top, as page.pop_dialog would)."""
        if dialog.open:
            dialog.open = False
            self.page.update()

    def show_dialog(self, dialog: ft.DialogControl) -> None:
        """Show a dialog or snack bar and everything the handler changed before it: Flet's
        show_dialog sends only the dialog, and then skips its automatic update.
        A dialog is announced by its title: Flutter names an untitled one « Alert » on the web
        and on Android (m10)."""
        if isinstance(dialog, ft.AlertDialog) and dialog.semantics_label is None:
            title = dialog.title.value if isinstance(dialog.title, ft.Text) else dialog.title
            if isinstance(title, str) and title:
                dialog.semantics_label = title
        self.page.show_dialog(dialog)
        self.page.update()
