"""Unlock: the passphrase; the recovery key when it is forgotten; the backup when the file is damaged."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import flet as ft

from journal_app.errors import NotAVault, VaultDamaged
from journal_app.usecases.access import describe_rekeyed, opening_notes
from journal_app.vault import Rekeyed
from journal_app.views.context import AppContext
from journal_app.views.theme import heading, muted

# Seconds for a new screen to settle in the web client, then to report the cursor, asked again
# while it does not (a loaded machine took more than 1.5 s: the cursor was left nowhere); never
# once a letter was typed or the person moved the cursor away.
FOCUS_WAITS = (0.5, 1.0, 2.0, 4.0, 8.0)
# A cursor lost this soon after the field first had it was taken by the client settling the new
# screen (seen in Chromium under load: had, lost a third of a second later, never asked again),
# not by the person: it is asked for again.
SETTLING = 2.0


class UnlockScreen:
    has_cursor = moved_away = typed = False
    first_cursor: float | None = None
    def __init__(self, ctx: AppContext, on_unlocked: Callable[[], None]) -> None:
        self.ctx = ctx
        self.on_unlocked = on_unlocked
        self.mode = "unlock"  # or "recover"
        self.damaged = False
        self.root = ft.Column(spacing=16, scroll=ft.ScrollMode.AUTO, expand=True,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.render()

    def control(self) -> ft.Control:
        return ft.Container(content=self.root, padding=16)

    def render(self) -> None:
        self.root.controls = self._unlock() if self.mode == "unlock" else self._recover()

    def _unlock(self) -> list[ft.Control]:
        t = self.ctx.t
        self.has_cursor = self.moved_away = self.typed = False
        self.first_cursor = None
        self.passphrase = self.ctx.passphrase_field(t("unlock.passphrase"), autofocus=True, on_submit=self.unlock,
                                                    on_focus=lambda _: self._cursor(True),
                                                    on_blur=lambda _: self._cursor(False),
                                                    on_change=self._typed)
        self.button = ft.FilledButton(content=t("unlock.unlock"), icon=ft.Icons.LOCK_OPEN,
                                      on_click=self.unlock)
        self.error = ft.Text("", color=ft.Colors.ERROR)
        self.restore = ft.OutlinedButton(content=t("unlock.restore_backup"),
                                         icon=ft.Icons.RESTORE, visible=False,
                                         on_click=self.restore_backup)
        return [
            ft.Icon(ft.Icons.LOCK_OUTLINE, size=40, semantics_label=t("unlock.locked")),
            heading(t("unlock.title")),
            muted(t("unlock.text")),
            self.passphrase,
            self.error,
            ft.Row(wrap=True, controls=[self.button, self.restore]),
            ft.TextButton(content=t("unlock.forgot"), on_click=self._to_recover),
        ]

    async def focus(self) -> None:
        """Put the cursor where the person types: the passphrase (or the recovery key). After a
        lock, Flutter's autofocus left it nowhere, and a focus asked for while the new screen is
        still settling in the web client is lost (seen in Chromium): asked once it has settled,
        and again if the field does not say it has the cursor."""
        mode = self.mode
        field = self.passphrase if mode == "unlock" else self.key
        for wait in FOCUS_WAITS:
            await asyncio.sleep(wait)
            # Once the person has typed or moved the cursor, it is never asked again: a focus
            # asked for while letters arrive lost them in Chromium.
            if self.typed or self.moved_away or self.mode != mode or self.ctx.session.is_open:
                return
            if self.has_cursor:  # it may still be taken while the screen settles: looked at again
                continue
            try:
                await field.focus()  # type: ignore[no-untyped-call]
            except Exception:  # a client that cannot focus: the person taps the field
                return

    def _cursor(self, inside: bool) -> None:
        self.has_cursor = inside
        now = time.monotonic()
        if inside and self.first_cursor is None:
            self.first_cursor = now
        elif not inside and self.first_cursor is not None and now - self.first_cursor > SETTLING:
            self.moved_away = True

    def _typed(self, _: object = None) -> None:
        self.typed = True

    def _to_recover(self, _: object) -> None:
        self.mode = "recover"
        self.render()
        self.ctx.page.update()

    def _to_unlock(self, _: object) -> None:
        self.mode = "unlock"
        self.render()
        self.ctx.page.update()

    async def _attempt(self, action: Callable[[], None], error: ft.Text,
                       button: ft.FilledButton) -> bool:
        """Run a slow vault action off the event loop. It sends an update mid-handler, so the
        caller must call `page.update()` when done (Flet then skips its automatic one)."""
        button.disabled = True
        error.value = ""
        self.ctx.page.update()
        try:
            await asyncio.to_thread(action)
        except (VaultDamaged, NotAVault) as exc:  # damaged, or cut short: the backup may mend it
            self.damaged = True
            error.value = exc.message(self.ctx.lang)
            if self.mode == "unlock":
                self.restore.visible = self.ctx.session.backup_exists()
            return False
        except Exception as exc:
            error.value = self.ctx.message(exc)
            return False
        finally:
            button.disabled = False
        return True

    async def unlock(self, _: object = None) -> None:
        if self.button.disabled:  # Enter again while the vault is still opening: one attempt
            return
        phrase = self.passphrase.value
        if not phrase:
            self.error.value = self.ctx.t("unlock.empty")
            return
        if await self._attempt(lambda: self.ctx.session.unlock(phrase), self.error, self.button):
            self.passphrase.value = ""
            self.on_unlocked()
            self._tell_opening_notes()
        elif not self.damaged:
            self.passphrase.value = ""
        self.ctx.page.update()

    async def restore_backup(self, _: object = None) -> None:
        if self.button.disabled:
            return
        phrase = self.passphrase.value
        if not phrase:
            self.error.value = self.ctx.t("unlock.empty")
            return
        ok = await self._attempt(lambda: self.ctx.session.unlock(phrase, use_backup=True),
                                 self.error, self.button)
        if ok:
            self.passphrase.value = ""
            self.ctx.snack(self.ctx.t("unlock.restored"))
            self.on_unlocked()
            self._tell_opening_notes()
        self.ctx.page.update()

    def _tell_opening_notes(self) -> None:
        """A save cut short by a crash, or a file older than this device's last save: said once."""
        notes = opening_notes(self.ctx.session.database, self.ctx.lang)
        if notes:
            self.ctx.snack(" ".join(notes), seconds=20)

    def _recover(self) -> list[ft.Control]:
        t = self.ctx.t
        self.has_cursor = self.moved_away = self.typed = False
        self.first_cursor = None
        self.key = ft.TextField(label=t("unlock.recovery_key"), autofocus=True,
                                on_focus=lambda _: self._cursor(True), on_blur=lambda _: self._cursor(False),
                                on_change=self._typed,
                                hint_text="ABCD-EFGH-…", capitalization=ft.TextCapitalization.CHARACTERS)
        self.new = self.ctx.passphrase_field(t("unlock.new_passphrase"))
        self.again = self.ctx.passphrase_field(t("unlock.new_passphrase_again"), on_submit=self.recover)
        self.recover_error = ft.Text("", color=ft.Colors.ERROR)
        self.recover_button = ft.FilledButton(content=t("unlock.recover"), on_click=self.recover)
        return [
            heading(t("unlock.recover_title")),
            muted(t("unlock.recover_text")),
            self.key, self.new, self.again, self.recover_error,
            ft.Row(wrap=True, controls=[
                ft.TextButton(content=t("common.back"), on_click=self._to_unlock),
                self.recover_button]),
        ]

    async def recover(self, _: object = None) -> None:
        if self.recover_button.disabled:
            return
        if self.new.value != self.again.value:
            self.recover_error.value = self.ctx.t("onboarding.mismatch")
            return
        key, new = self.key.value, self.new.value
        rekeyed: list[Rekeyed] = []
        if await self._attempt(lambda: rekeyed.append(self.ctx.session.recover(key, new)), self.recover_error,
                               self.recover_button):
            self.key.value = self.new.value = self.again.value = ""
            # The same recovery key goes on working; copies from before still open the old way.
            told = [self.ctx.t("unlock.recovered"), *describe_rekeyed(rekeyed[0], self.ctx.lang)]
            self.ctx.snack(" ".join(line.strip() for line in told if line.strip()), seconds=20)
            self.on_unlocked()
        self.ctx.page.update()


