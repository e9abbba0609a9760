"""First run: language, a passphrase with strength feedback, the recovery key shown once; and,
for « J'ai déjà un journal sur un autre appareil », the pairing code pasted and the journal
received (journal_app/views/devices.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import flet as ft

from journal_app.passphrase import estimate
from journal_app.views.context import AppContext
from journal_app.views.devices import JoinDevice
from journal_app.views.theme import heading, muted, recovery_key_block

_STRENGTH_COLORS = [ft.Colors.ERROR, ft.Colors.ORANGE_700, ft.Colors.AMBER_700,
                    ft.Colors.GREEN_700, ft.Colors.GREEN_800]


class OnboardingScreen:
    """Three steps; `on_done` is called once the person confirms the recovery key is kept."""

    def __init__(self, ctx: AppContext, on_done: Callable[[], None]) -> None:
        self.ctx = ctx
        self.on_done = on_done
        self.recovery_key = ""
        self.step = "language"
        self.joining = False  # « J'ai déjà un journal sur un autre appareil »
        self.join: JoinDevice | None = None
        self.root = ft.Column(spacing=16, scroll=ft.ScrollMode.AUTO, expand=True,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.render()

    def control(self) -> ft.Control:
        return ft.Container(content=self.root, padding=16, alignment=ft.Alignment.TOP_CENTER)

    def render(self) -> None:
        builder = {"language": self._language, "passphrase": self._passphrase,
                   "recovery": self._recovery, "join": self._join}[self.step]
        self.root.controls = builder()

    def go(self, step: str) -> None:
        self.step = step
        self.render()
        self.ctx.page.update()

    # -- step 1 -------------------------------------------------------------------------------
    def _language(self) -> list[ft.Control]:
        t = self.ctx.t

        def choose(lang: str) -> Callable[[object], None]:
            def handler(_: object) -> None:
                self.ctx.change_settings(type(self.ctx.settings)(
                    language=lang, theme=self.ctx.settings.theme,
                    auto_lock_minutes=self.ctx.settings.auto_lock_minutes))
                self.go("passphrase")
            return handler

        return [
            heading(t("onboarding.welcome_title"), 26),
            ft.Text(t("onboarding.welcome_text")),
            muted(t("onboarding.choose_language")),
            ft.Row(wrap=True, spacing=12, controls=[
                ft.FilledButton(content="Français", on_click=choose("fr"),
                                tooltip="Continuer en français"),
                ft.OutlinedButton(content="English", on_click=choose("en"),
                                  tooltip="Continue in English"),
            ]),
        ]

    # -- step 2 -------------------------------------------------------------------------------
    def _passphrase(self) -> list[ft.Control]:
        t = self.ctx.t
        self.first = self.ctx.passphrase_field(t("onboarding.passphrase"), autofocus=True,
                                               helper=t("onboarding.passphrase_help"), helper_max_lines=3,
                                               on_change=self._check)
        self.second = self.ctx.passphrase_field(t("onboarding.passphrase_again"), error_max_lines=3,
                                                on_change=self._check, on_submit=self._create,
                                                on_blur=lambda _: self._check(finished=True))
        self.meter = ft.ProgressBar(value=0, semantics_label=t("onboarding.strength_label"))
        self.meter_text = muted("")  # nothing to judge before anything is typed
        self.create_button = ft.FilledButton(content=t("onboarding.create"), disabled=True,
                                             on_click=self._create)
        self.error = ft.Text("", color=ft.Colors.ERROR)
        return [
            heading(t("onboarding.passphrase_title")),
            ft.Text(t("onboarding.passphrase_text", example=t("onboarding.passphrase_example"))),
            # The bar (one fixed height) stays under the first; its words go under the second:
            # they change length while the first is typed (one to three lines at large text
            # sizes), and above the second they moved that field under the finger about to tap
            # it, while the app caught up with the letters typed.
            self.first,
            # room for the next field's label, which rises above its border (two lines at 2×)
            ft.Container(content=self.meter, padding=ft.Padding.only(bottom=12)),
            self.second, self.meter_text, self.error,
            ft.Row(wrap=True, controls=[
                ft.TextButton(content=t("common.back"), on_click=lambda _: self.go("language")),
                self.create_button]),
            # A new device of a member who journals elsewhere: its own passphrase first (each
            # device keeps its own), then the other device's pairing code.
            ft.Checkbox(label=t("devices.join_offer"), value=self.joining, on_change=self._joining_changed),
            muted(t("devices.join_offer_chosen") if self.joining else t("devices.join_offer_help")),
        ]

    def _joining_changed(self, e: ft.Event[ft.Checkbox]) -> None:
        self.joining = bool(e.control.value)
        first, second = self.first.value, self.second.value
        self.render()  # the line under the box says what comes next
        self.first.value, self.second.value = first, second
        self._check()

    def _check(self, _: object = None, *, finished: bool = False) -> None:
        """`finished`: the person left the second field or pressed Enter: a beginning of the
        first is no longer « being typed », it is different."""
        first, second = self.first.value or "", self.second.value or ""
        strength = estimate(first)
        self.meter.value = strength.score / 4
        self.meter.color = _STRENGTH_COLORS[strength.score]
        self.meter_text.value = self.ctx.t(strength.key) if first else ""
        same = first == second
        # While the second is a true beginning of the first, it is being typed, not wrong.
        typing = first.startswith(second) and not (finished and second)
        self.second.error = None if same or typing else self.ctx.t("onboarding.mismatch")
        self.create_button.disabled = not (strength.acceptable and same)

    async def _create(self, _: object = None) -> None:
        self._check(finished=True)
        if self.create_button.disabled:
            self.ctx.page.update()
            return
        self.create_button.disabled = True
        self.error.value = ""
        self.create_button.content = self.ctx.t("onboarding.creating")
        self.ctx.page.update()
        try:
            self.recovery_key = await asyncio.to_thread(self.ctx.session.create, self.first.value)
        except Exception as exc:  # shown as one sentence, never a traceback
            self.error.value = self.ctx.message(exc)
            self.create_button.content = self.ctx.t("onboarding.create")
            self.create_button.disabled = False
            self.ctx.page.update()
            return
        self.first.value = self.second.value = ""
        self.go("recovery")

    # -- step 3 -------------------------------------------------------------------------------
    def _recovery(self) -> list[ft.Control]:
        t = self.ctx.t
        self.kept = ft.Checkbox(label=t("onboarding.recovery_kept"), on_change=self._kept_changed)
        self.continue_button = ft.FilledButton(content=t("common.continue"), disabled=True,
                                               on_click=self._finish)
        return [
            heading(t("onboarding.recovery_title")),
            ft.Text(t("onboarding.recovery_text")),
            recovery_key_block(self.recovery_key, lambda spelled: t("onboarding.recovery_key_said", spelled=spelled)),
            ft.Row(wrap=True, controls=[
                ft.OutlinedButton(content=t("onboarding.copy"), icon=ft.Icons.COPY,
                                  on_click=self._copy),
                ft.OutlinedButton(content=t("onboarding.save_file"), icon=ft.Icons.SAVE_ALT,
                                  on_click=self._save_file),
            ]),
            muted(t("onboarding.recovery_warning")),
            self.kept,
            self.continue_button,
        ]

    def _kept_changed(self, _: object) -> None:
        self.continue_button.disabled = not self.kept.value

    async def _copy(self, _: object) -> None:
        if self.ctx.clipboard is not None:
            await self.ctx.clipboard.set(self.recovery_key)
        self.ctx.snack(self.ctx.t("onboarding.copied"))

    def recovery_file_text(self) -> str:
        return self.ctx.t("onboarding.recovery_file", key=self.recovery_key) + "\n"

    async def _save_file(self, _: object) -> None:
        data = self.recovery_file_text().encode("utf-8")
        if await self.ctx.save_bytes(self.ctx.t("onboarding.recovery_file_name"), data):
            self.ctx.snack(self.ctx.t("onboarding.saved"))

    def _finish(self, _: object) -> None:
        if not self.kept.value:
            return
        self.recovery_key = ""  # shown once: not kept in memory after this
        if self.joining:
            self.go("join")
            return
        self.on_done()

    # -- step 4, for a new device of a journal kept elsewhere ----------------------------------
    def _join(self) -> list[ft.Control]:
        if self.join is None:
            self.join = JoinDevice(self.ctx, on_done=self.on_done, on_skip=self.on_done)
        else:
            self.join.render()
        return [self.join.control()]
