"""Settings: language, theme, auto-lock, passphrase, import/export, about."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

import flet as ft

from journal_app import __version__
from journal_app.errors import RessentiError
from journal_app.kdf import crypto_versions
from journal_app.settings import AUTO_LOCK_CHOICES, THEMES
from journal_app.usecases.access import old_copies_warning
from journal_app.usecases.exporting import export_journal
from journal_app.usecases.importing import describe_import, import_files
from journal_app.vault import Rekeyed
from journal_app.views.context import AppContext
from journal_app.views.theme import choice_chips, heading, muted, radio_row, recovery_key_block


class SettingsScreen:
    def __init__(self, ctx: AppContext, on_lock: Callable[[], None],
                 on_imported: Callable[[], None],
                 on_outbox: Callable[[], None] | None = None,
                 on_facilitate: Callable[[], None] | None = None,
                 on_devices: Callable[[], object] | None = None) -> None:
        self.ctx = ctx
        self.on_lock = on_lock
        self.on_imported = on_imported
        self.on_outbox = on_outbox
        self.on_facilitate = on_facilitate
        self.on_devices = on_devices
        t = ctx.t
        s = ctx.settings
        # Chips, not a segmented button: at twice the text size, they wrap rather than cut a word.
        self.language = choice_chips([("fr", "Français"), ("en", "English")], s.language, self._language)
        self.theme = choice_chips([(k, t(f"settings.theme_{k}")) for k in THEMES], s.theme, self._theme)
        self.auto_lock = radio_row([(str(m), t("settings.minutes", n=m)) for m in AUTO_LOCK_CHOICES],
                                   str(s.auto_lock_minutes), self._auto_lock)
        self.current = self.ctx.passphrase_field(t("settings.current_passphrase"))
        self.new = self.ctx.passphrase_field(t("settings.new_passphrase"))
        self.again = self.ctx.passphrase_field(t("settings.new_passphrase_again"), on_submit=self.change_passphrase)
        self.passphrase_status = ft.Text("")
        self.rekey_area = ft.Column(spacing=8)  # the new recovery key, shown once
        self.change_button = ft.FilledButton(content=t("settings.change_passphrase"),
                                             on_click=self.change_passphrase)
        self.recovery_button = ft.OutlinedButton(content=t("settings.new_recovery_key"), icon=ft.Icons.KEY,
                                                 on_click=self.new_recovery_key)
        self.import_status = ft.Text("")

    def control(self) -> ft.Control:
        t = self.ctx.t
        crypto = crypto_versions()  # named in « À propos » for bug reports

        def section(text: str) -> ft.Text:
            return heading(text, 18)

        return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=14,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            heading(t("settings.title")),
            # Circles first: a facilitator looks for « Animer un cercle » here (m9).
            section(t("share.circles")),
            muted(t("share.circles_help")),
            ft.Row(wrap=True, spacing=12, controls=[
                ft.OutlinedButton(content=t("share.outbox"), icon=ft.Icons.OUTBOX,
                                  on_click=lambda _: self.on_outbox and self.on_outbox()),
                ft.OutlinedButton(content=t("facilitator.open"), icon=ft.Icons.GROUPS,
                                  on_click=lambda _: self.on_facilitate and self.on_facilitate())]),
            section(t("devices.screen_title")),
            ft.Row(wrap=True, spacing=12, controls=[
                ft.OutlinedButton(content=t("devices.screen_title"), icon=ft.Icons.DEVICES,
                                  on_click=lambda _: self.on_devices and self.on_devices())]),
            section(t("settings.language")), self.language,
            section(t("settings.appearance")),
            muted(t("settings.theme")), self.theme,
            section(t("settings.privacy")),
            muted(t("settings.auto_lock")), self.auto_lock,
            muted(t("settings.auto_lock_help")),
            ft.OutlinedButton(content=t("settings.lock_now"), icon=ft.Icons.LOCK,
                              on_click=lambda _: self.on_lock()),
            section(t("settings.passphrase")),
            self.current, self.new, self.again, self.passphrase_status, self.rekey_area, self.change_button,
            muted(t("settings.new_recovery_key_help")), self.recovery_button,
            section(t("settings.import_export")),
            muted(t("settings.import_help")),
            ft.OutlinedButton(content=t("settings.import"), icon=ft.Icons.UPLOAD_FILE,
                              on_click=self.pick_import),
            self.import_status,
            ft.Container(padding=12, border_radius=8, bgcolor=ft.Colors.ERROR_CONTAINER,
                         content=ft.Text(t("export.unencrypted_warning"),
                                         color=ft.Colors.ON_ERROR_CONTAINER)),
            ft.Row(wrap=True, spacing=12, controls=[
                ft.OutlinedButton(content=t("settings.export_json"), icon=ft.Icons.DOWNLOAD,
                                  on_click=lambda _: self.ctx.page.run_task(self.export, "json")),
                ft.OutlinedButton(content=t("settings.export_markdown"), icon=ft.Icons.DOWNLOAD,
                                  on_click=lambda _: self.ctx.page.run_task(self.export, "markdown")),
            ]),
            section(t("settings.about")),
            ft.Text(t("settings.about_text", version=__version__)),
            muted(t("settings.data_location", path=str(self.ctx.data_dir))),
            ft.Text(t("settings.crypto", cryptography=crypto.cryptography, openssl=crypto.openssl,
                      argon2=crypto.argon2), size=12,
                    color=ft.Colors.ON_SURFACE_VARIANT),
            muted(t("settings.licence")),
        ])

    # -- preferences --------------------------------------------------------------------------
    def _language(self, value: str) -> None:
        self.ctx.change_settings(replace(self.ctx.settings, language=value))

    def _theme(self, value: str) -> None:
        self.ctx.change_settings(replace(self.ctx.settings, theme=value))

    def _auto_lock(self, value: str) -> None:
        self.ctx.change_settings(replace(self.ctx.settings, auto_lock_minutes=int(value)))

    # -- passphrase ---------------------------------------------------------------------------
    async def change_passphrase(self, _: object = None) -> None:
        t = self.ctx.t
        self.ctx.activity()
        if self.new.value != self.again.value:
            self._passphrase_said(t("onboarding.mismatch"), error=True)
            return
        current, new = self.current.value, self.new.value
        self.change_button.disabled = True
        self.ctx.page.update()
        try:
            rekeyed = await asyncio.to_thread(self.ctx.session.change_passphrase, current, new)
        except Exception as exc:
            self._passphrase_said(self.ctx.message(exc), error=True)
        else:
            self.current.value = self.new.value = self.again.value = ""
            self._passphrase_said(t("settings.passphrase_changed"), error=False)
            self._show_rekeyed(rekeyed)
        self.change_button.disabled = False
        self.ctx.page.update()  # an update went out mid-handler: Flet will not send this one

    async def new_recovery_key(self, _: object = None) -> None:
        """A lost recovery key: the passphrase typed again above, then a new key shown once."""
        t = self.ctx.t
        self.ctx.activity()
        current = self.current.value or ""
        if not current:
            self._passphrase_said(t("settings.type_current_first"), error=True)
            return
        self.recovery_button.disabled = True
        self.ctx.page.update()
        try:
            rekeyed = await asyncio.to_thread(self.ctx.session.new_recovery_key, current)
        except Exception as exc:
            self._passphrase_said(self.ctx.message(exc), error=True)
        else:
            self.current.value = ""
            self._passphrase_said(t("settings.recovery_key_replaced"), error=False)
            self._show_rekeyed(rekeyed)
        self.recovery_button.disabled = False
        self.ctx.page.update()  # an update went out mid-handler: Flet will not send this one

    def _show_rekeyed(self, rekeyed: Rekeyed) -> None:
        """The new recovery key, once, with a way to copy it; and the old copies' warning."""
        t = self.ctx.t
        key = rekeyed.recovery_key or ""

        async def copy(_: object) -> None:
            if self.ctx.clipboard is not None:
                await self.ctx.clipboard.set(key)
            self.ctx.snack(t("onboarding.copied"))

        warning: list[ft.Control] = [muted(line) for line in old_copies_warning(rekeyed, self.ctx.lang)]
        self.rekey_area.controls = [
            ft.Text(t("rekey.new_recovery_key")),
            recovery_key_block(key, lambda spelled: t("onboarding.recovery_key_said", spelled=spelled)),
            ft.OutlinedButton(content=t("onboarding.copy"), icon=ft.Icons.COPY, on_click=copy),
            *warning,
        ] if key else warning

    def _passphrase_said(self, text: str, *, error: bool) -> None:
        self.passphrase_status.value = text
        self.passphrase_status.color = ft.Colors.ERROR if error else ft.Colors.PRIMARY

    # -- import / export ----------------------------------------------------------------------
    async def pick_import(self, _: object = None) -> None:
        try:
            files = await self.ctx.pick_files(self.ctx.t("settings.import"))
        except Exception as exc:
            self.import_status.value = self.ctx.message(exc)
            return
        if files:  # a 200 MB export takes a while: read aside, a word on screen meanwhile
            self.import_status.value = self.ctx.t("facilitator.working")
            self.ctx.page.update()
            await asyncio.to_thread(self.import_files, files)
            self.ctx.page.update()  # an update went out mid-handler: Flet will not send this one

    def import_files(self, files: list[tuple[str, bytes]]) -> None:
        """Import picked files and say, for each, what was added and skipped, and why."""
        try:
            batch = import_files(self.ctx.session.journal, files)
        except RessentiError as exc:  # the journal locked while the picker was open
            self.import_status.value = self.ctx.message(exc)
            return
        self.import_status.value = "\n".join(describe_import(batch, self.ctx.lang))
        if batch.files:
            self.on_imported()

    def export_bytes(self, fmt: str) -> tuple[str, bytes]:
        export = export_journal(self.ctx.session.journal, fmt, lang=self.ctx.lang)
        return export.name, export.text.encode("utf-8", "surrogatepass")

    async def export(self, fmt: str) -> None:
        self.ctx.activity()
        name, data = await asyncio.to_thread(self.export_bytes, fmt)  # 10,000 entries take a while
        if await self.ctx.save_bytes(name, data):
            self.ctx.snack(self.ctx.t("settings.exported"))
