"""The member's devices (docs/sync.md): « Mes appareils » (the list, « Synchroniser »),
« Ajouter un appareil » (the code, its QR image, the six digits, the journal sent) and, on a new
device's first run, « J'ai déjà un journal sur un autre appareil » (the code pasted, the six
digits, the journal received).

Every wait on the relay runs in a worker thread (`asyncio.to_thread`): the screen stays live,
and « Annuler » stops a wait at its next look at the relay (usecases/devices.py `_Cancellable`)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import flet as ft

from journal_app.qr import qr_image
from journal_app.sync.engine import MassDeletion
from journal_app.usecases.devices import (
    PairingCancelled,
    arrival_line,
    arrival_under_way,
    device_line,
    device_list,
    devices,
    privacy_delay,
    spaced_digits,
    start_adding,
    start_joining,
    sync_line,
    sync_now,
)
from journal_app.views.context import AppContext
from journal_app.views.theme import heading, muted, qr_picture, room

QR_MOST = 420  # pixels the pairing code's QR image may take


def _waiting(text: str) -> ft.Row:
    """A spinner and what the app waits for."""
    return ft.Row([ft.ProgressRing(width=20, height=20), muted(text)])


def _big_digits(digits: str) -> ft.Text:
    return ft.Text(spaced_digits(digits), size=44, weight=ft.FontWeight.BOLD, selectable=True,
                   semantics_label=" ".join(digits))


class DevicesScreen:
    """Réglages → « Mes appareils »."""

    def __init__(self, ctx: AppContext, on_add: Callable[[], object], *,
                 delay: Callable[[], None] = privacy_delay) -> None:
        self.ctx, self.on_add, self.delay = ctx, on_add, delay
        self.arriving_shown = False  # « pas encore tout arrivé » was shown here: its end is said once
        self.rows = ft.Column(spacing=4)
        self.status = ft.Text("")
        self.working = ft.ProgressRing(width=20, height=20, visible=False)
        self.sync_button = ft.FilledButton(content=ctx.t("devices.sync_button"), icon=ft.Icons.SYNC,
                                           on_click=lambda _: self.ctx.page.run_task(self.synchronize))
        self.refresh()

    def control(self) -> ft.Control:
        t = self.ctx.t
        return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=14,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            heading(t("devices.screen_title")), muted(t("devices.screen_help")), self.rows,
            ft.Row(wrap=True, spacing=12, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                self.sync_button, self.working,
                ft.OutlinedButton(content=t("devices.add_button"), icon=ft.Icons.ADD_TO_HOME_SCREEN,
                                  on_click=lambda _: self.on_add())]),
            self.status])

    def refresh(self) -> None:
        t, lang = self.ctx.t, self.ctx.lang
        rows = device_list(self.ctx.session.database, lang)
        lines: list[ft.Control] = []
        for row in rows:
            lines.append(ft.ListTile(leading=ft.Icon(ft.Icons.DEVICES), title=ft.Text(device_line(row, lang))))
        if len(rows) < 2:
            lines.append(muted(t("devices.none_yet")))
        arriving = arrival_under_way(self.ctx.session.database)
        if arriving is not None:  # said until the journal has all arrived here
            lines.append(muted(arrival_line(arriving, lang)))
            self.arriving_shown = True
        elif self.arriving_shown:  # it all came while this screen was shown (the app's own round)
            lines.append(muted(t("devices.arrived_complete")))
        self.rows.controls = lines
        self.sync_button.disabled = len(rows) < 2

    async def synchronize(self, allow_mass_deletion: bool = False) -> None:
        self.ctx.activity()
        self.sync_button.disabled, self.working.visible = True, True
        self.status.value, self.status.color = self.ctx.t("devices.syncing"), None
        self.ctx.page.update()
        db = self.ctx.session.database
        try:
            round_ = await asyncio.to_thread(sync_now, db, delay=self.delay, allow_mass_deletion=allow_mass_deletion)
        except MassDeletion as exc:  # nothing deleted: the person decides
            self.status.value, self.status.color = self.ctx.message(exc), ft.Colors.ERROR

            def take_them() -> None:
                self.ctx.page.run_task(self.synchronize, True)

            self.ctx.ask(self.ctx.t("devices.mass_deletion_title"), self.ctx.message(exc), [
                (self.ctx.t("devices.cancel"), None), (self.ctx.t("devices.mass_deletion_yes"), take_them)])
        except Exception as exc:  # the journal locked meanwhile
            self.status.value, self.status.color = self.ctx.message(exc), ft.Colors.ERROR
        else:
            if round_.arrival is not None and round_.arrival.complete:
                self.arriving_shown = False  # the round's line says it: once
            self.status.value = sync_line(round_, self.ctx.lang)
            self.status.color = ft.Colors.ERROR if round_.error is not None else ft.Colors.PRIMARY
        self.working.visible = False
        if self.ctx.session.is_open:
            self.refresh()  # a device announced by another may have joined the list
        self.ctx.page.update()


class _Bar:
    """A progress bar with its line (done of total)."""

    def __init__(self, ctx: AppContext, label: str) -> None:
        self.ctx = ctx
        self.bar = ft.ProgressBar(value=None, semantics_label=label)
        self.text = muted(label)

    def controls(self) -> list[ft.Control]:
        return [self.text, self.bar]

    def tell(self, done: int, total: int) -> None:
        """Called from the worker thread: the value is set and sent from the event loop (set
        here, a change would sit unsent while the loop did something else)."""
        self.ctx.page.run_task(self.show, done, total)

    async def show(self, done: int, total: int) -> None:
        self.bar.value = (done / total) if total else 1.0
        self.ctx.page.update()


class _Steps:
    """A screen that goes from step to step (what it shows is `render`'s)."""

    ctx: AppContext
    step: str
    error: str

    def render(self) -> None:
        raise NotImplementedError

    def _go(self, step: str, error: str = "") -> None:
        self.step, self.error = step, error
        self.render()
        self.ctx.page.update()


class AddDeviceScreen(_Steps):
    """« Ajouter un appareil », on the device that holds the journal."""

    def __init__(self, ctx: AppContext, on_back: Callable[[], object]) -> None:
        self.ctx, self.on_back = ctx, on_back
        self.cancel = threading.Event()
        self.pairing: Any = None
        self.code = ""
        self.digits = ""
        self.step = "starting"
        self.error = ""
        self.bar = _Bar(ctx, ctx.t("devices.sending_bar"))
        self.root = ft.Column(spacing=14, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.render()
        self.task = ctx.page.run_task(self.run)

    def control(self) -> ft.Control:
        return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, controls=[self.root],
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH)

    def render(self) -> None:
        t = self.ctx.t
        cancel = ft.TextButton(content=t("devices.cancel"), on_click=lambda _: self.ctx.page.run_task(self.stop))
        out: list[ft.Control] = [heading(t("devices.add_title"))]
        if self.step == "starting":
            out += [_waiting(t("devices.preparing")), cancel]
        elif self.step == "waiting":
            qr = qr_image(self.code, room(self.ctx.page, QR_MOST))
            out += [ft.Text(t("devices.add_intro")),
                    ft.TextField(label=t("devices.code_label"), value=self.code, read_only=True,
                                 multiline=True, text_size=13),
                    ft.Row(wrap=True, controls=[ft.FilledButton(
                        content=t("devices.copy_code"), icon=ft.Icons.COPY,
                        on_click=lambda _: self.ctx.page.run_task(self.copy))]),
                    qr_picture(qr.png, qr.side, t("devices.qr_label")),
                    _waiting(t("devices.join_waiting")), cancel]
        elif self.step == "digits":
            out += [ft.Text(t("devices.digits_question"), size=18), _big_digits(self.digits),
                    ft.Row(wrap=True, spacing=12, controls=[
                        ft.FilledButton(content=t("devices.same"), icon=ft.Icons.CHECK,
                                        on_click=lambda _: self.ctx.page.run_task(self.confirm)),
                        ft.OutlinedButton(content=t("devices.different"),
                                          on_click=lambda _: self.ctx.page.run_task(self.refuse))])]
        elif self.step == "sending":
            out += self.bar.controls()
        elif self.step == "done":
            out += [ft.Text(t("devices.done_added"), color=ft.Colors.PRIMARY)]
        if self.error:
            out.append(ft.Text(self.error, color=ft.Colors.ERROR))
        if self.step in ("done", "failed"):
            out.append(ft.Row([ft.FilledButton(content=t("devices.close"),
                                               on_click=lambda _: self.on_back())]))
        self.root.controls = out

    def _failed(self, exc: BaseException) -> None:
        self._go("failed", self.ctx.message(exc))

    async def run(self) -> None:
        db = self.ctx.session.database
        try:
            self.pairing = await asyncio.to_thread(start_adding, db, self.cancel)
            self.code = await asyncio.to_thread(self.pairing.start)
            if self.cancel.is_set():
                raise PairingCancelled()
            self._go("waiting")
            self.digits = await asyncio.to_thread(self.pairing.digits)
        except Exception as exc:
            self._failed(exc)
            return
        self._go("digits")

    async def copy(self) -> None:
        if self.ctx.clipboard is not None:
            await self.ctx.clipboard.set(self.code)
        self.ctx.snack(self.ctx.t("devices.code_copied"))

    async def stop(self) -> None:
        """« Annuler »: the wait ends at its next look at the relay; the new device hears no."""
        self.cancel.set()
        if self.pairing is not None and self.pairing.code is not None:
            try:
                await asyncio.to_thread(self.pairing.refuse)
            except Exception:  # the relay down: the code simply expires
                pass
        self.on_back()

    async def refuse(self) -> None:
        try:
            await asyncio.to_thread(self.pairing.refuse)
        except Exception as exc:
            self._failed(exc)
            return
        self._go("failed", self.ctx.t("devices.refused"))

    async def confirm(self) -> None:
        self.ctx.activity()
        self._go("sending")
        try:
            await asyncio.to_thread(self.pairing.confirm, progress=self.bar.tell)
        except Exception as exc:
            self._failed(exc)
            return
        self._go("done")

    def leave(self) -> bool:
        self.cancel.set()  # a wait still under way stops at its next look at the relay
        return True


class JoinDevice(_Steps):
    """On a new device (its own vault just made, open): the code pasted, the six digits, the
    journal received. `on_done` once it has arrived; `on_skip` for a new journal instead."""

    def __init__(self, ctx: AppContext, on_done: Callable[[], None], on_skip: Callable[[], None]) -> None:
        self.ctx, self.on_done, self.on_skip = ctx, on_done, on_skip
        self.cancel = threading.Event()
        self.field = ft.TextField(label=ctx.t("devices.code_label"), multiline=True, min_lines=2, text_size=13,
                                  on_submit=lambda _: self.ctx.page.run_task(self.pair))
        self.step = "code"
        self.digits = ""
        self.error = ""
        self.bar = _Bar(ctx, ctx.t("devices.receiving_bar"))
        self.root = ft.Column(spacing=14, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.render()

    def control(self) -> ft.Column:
        return self.root

    def render(self) -> None:
        t = self.ctx.t
        out: list[ft.Control] = [heading(t("devices.join_title"))]
        if self.step == "code":
            out += [ft.Text(t("devices.join_intro")), self.field,
                    ft.Row(wrap=True, spacing=12, controls=[
                        ft.OutlinedButton(content=t("devices.paste"), icon=ft.Icons.CONTENT_PASTE,
                                          on_click=lambda _: self.ctx.page.run_task(self.paste)),
                        ft.FilledButton(content=t("devices.pair_button"),
                                        on_click=lambda _: self.ctx.page.run_task(self.pair))])]
        elif self.step == "waiting":
            out += [_waiting(t("devices.join_waiting"))]
        elif self.step == "digits":
            out += [_big_digits(self.digits), ft.Text(t("devices.join_confirm_there"), size=18),
                    _waiting(t("devices.join_waiting"))]
        elif self.step == "receiving":
            out += self.bar.controls()
        if self.error:
            out.append(ft.Text(self.error, color=ft.Colors.ERROR))
        if self.step == "code":
            out.append(ft.TextButton(content=t("devices.skip_join"), on_click=lambda _: self.on_skip()))
        self.root.controls = out

    async def paste(self) -> None:
        """The code copied from the other device, or the text the phone's camera read."""
        text = await self.ctx.clipboard.get() if self.ctx.clipboard else None
        self.field.value = (text or "").strip()
        await self.pair()

    async def pair(self) -> None:
        self.ctx.activity()
        code = self.field.value or ""
        db = self.ctx.session.database
        try:
            pairing = start_joining(db, code, self.cancel)  # a mistyped code: said at once
        except Exception as exc:
            self._go("code", self.ctx.message(exc))
            return
        self._go("waiting")
        try:
            self.digits = await asyncio.to_thread(pairing.digits)
            self._go("digits")
            await asyncio.to_thread(self._receive, pairing)
        except Exception as exc:
            if devices(db)[0] is not None:
                # Paired, but the journal stopped arriving (the relay gone meanwhile): what came
                # is here, the rest waits in this device's mailbox for « Synchroniser ».
                self.ctx.snack(self.ctx.message(exc))
                self.on_done()
                return
            # Declined, expired, another code: one sentence, and the code can be pasted again
            # (nothing of the other journal was kept: the link is only kept once secrets came).
            self._go("code", self.ctx.message(exc))
            return
        self.step = "done"  # a step of its arrival still on its way to the loop shows nothing now
        self.on_done()

    def _receive(self, pairing: Any) -> None:
        """In the worker thread: each step of the journal's arrival is shown from the loop."""
        pairing.receive(progress=lambda done, total: self.ctx.page.run_task(self._arriving, done, total))

    async def _arriving(self, done: int, total: int) -> None:
        if self.step == "digits":  # the person confirmed there: the journal is on its way
            self.step = "receiving"
            self.render()
        if self.step == "receiving":  # not once it has all come (a late step is not shown then)
            await self.bar.show(done, total)
