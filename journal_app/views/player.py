"""The guided-session player: one step at a time, calm text, a progress ring, a soft bell."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import flet as ft

from journal_app.journal import Entry
from journal_app.practice import PracticeSession, State
from journal_app.prompts.packs import Pack
from journal_app.views.context import AppContext
from journal_app.views.theme import choice_chips, heading, muted, select_chip

TICK_SECONDS = 1.0


def clock_text(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class PlayerScreen:
    def __init__(self, ctx: AppContext, pack: Pack, on_done: Callable[[Entry | None], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ctx = ctx
        self.on_done = on_done
        self.session = PracticeSession(pack, ctx.lang, clock)
        self.phase = "before"  # before, running, after
        self.active = True
        self.bell_rung_for: int | None = None
        self.root = ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=16,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.render()

    def control(self) -> ft.Control:
        return ft.Container(content=self.root, padding=8, expand=True)

    # -- screens ------------------------------------------------------------------------------
    def _rating(self, value: int | None, on_pick: Callable[[int | None], None]) -> tuple[ft.Row, ft.Control]:
        """Eleven numbers, 0 to 10, none chosen until the person taps one (a slider would sit
        on a preset value); tapping the chosen one again, or « Ne pas noter », clears it.
        Each number is announced with its value and whether it is chosen. Returns the row of
        numbers and the block to show."""
        t = self.ctx.t
        chosen = ft.Text(t("player.rating_value", value=value) if value is not None else t("player.no_rating"))
        clear = ft.TextButton(content=t("player.clear_rating"), visible=value is not None)

        def show(number: int | None) -> None:
            chosen.value = (t("player.rating_value", value=number) if number is not None
                            else t("player.no_rating"))
            clear.visible = number is not None
            on_pick(number)

        def picked(number: int | None) -> None:
            self.ctx.activity()
            show(number)

        def cleared(_: object) -> None:
            select_chip(row, None)
            show(None)

        row = choice_chips([(n, str(n)) for n in range(11)], value, picked, allow_none=True)
        clear.on_click = cleared
        block = ft.Column(spacing=4, controls=[
            ft.Semantics(label=t("player.rating_label"), container=True, content=row),
            ft.Row(wrap=True, spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER,
                   controls=[chosen, clear])])
        return row, block

    def _pick_before(self, value: int | None) -> None:
        self.session.felt_before = value

    def _pick_after(self, value: int | None) -> None:
        self.session.felt_after = value

    def render(self) -> None:
        t, lang, pack = self.ctx.t, self.ctx.lang, self.session.pack
        if self.phase == "before":
            self.before, block = self._rating(self.session.felt_before, self._pick_before)
            self.root.controls = [
                heading(pack.title.get(lang)), ft.Text(pack.description.get(lang)),
                ft.Text(t("player.before_question")), block,
                muted(t("player.scale_help")),
                ft.FilledButton(content=t("player.start"), icon=ft.Icons.PLAY_ARROW,
                                on_click=self.start),
                ft.TextButton(content=t("common.back"), on_click=lambda _: self.leave_to(None)),
                muted(t("practice.care"), size=13),
            ]
        elif self.phase == "running":
            self._render_step()
        else:
            self.after, block = self._rating(self.session.felt_after, self._pick_after)
            self.handle = ft.TextField(label=t("player.handle"), helper=t("player.handle_help"),
                                       helper_max_lines=3, value=self.session.handle)
            self.save_error = ft.Text("", color=ft.Colors.ERROR)
            self.root.controls = [
                heading(t("player.after_title")), ft.Text(t("player.after_question")), block,
                self.handle, self.save_error,
                ft.FilledButton(content=t("player.save"), icon=ft.Icons.CHECK, on_click=self.save),
            ]

    def _render_step(self) -> None:
        t, lang, s = self.ctx.t, self.ctx.lang, self.session
        self.ring = ft.ProgressRing(value=0, width=120, height=120, stroke_width=6,
                                    bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
                                    semantics_label=t("player.time_left"))
        self.remaining = ft.Text("", size=22)
        self.bell_note = muted("")
        self.notes = ft.TextField(label=t("player.notes"), multiline=True, min_lines=3,
                                  value=s.notes.get(s.step.id, ""), on_change=self._note)
        self.pause_button = ft.OutlinedButton(
            content=t("player.pause") if s.state is State.RUNNING else t("player.resume"),
            icon=ft.Icons.PAUSE if s.state is State.RUNNING else ft.Icons.PLAY_ARROW,
            on_click=self.toggle_pause)
        forward = (ft.FilledButton(content=t("player.finish"), icon=ft.Icons.CHECK,
                                   on_click=self.finish) if s.is_last else
                   ft.FilledButton(content=t("player.next"), icon=ft.Icons.ARROW_FORWARD,
                                   on_click=self.next))
        self.root.controls = [
            muted(t("player.step_of", n=s.index + 1, total=len(s.pack.steps))),
            ft.Text(s.step.title.get(lang), size=26, weight=ft.FontWeight.W_500),
            ft.Text(s.step.text.get(lang), size=20),
            ft.Row(alignment=ft.MainAxisAlignment.CENTER, controls=[ft.Stack(
                width=120, height=120, alignment=ft.Alignment.CENTER,
                controls=[self.ring, self.remaining])]),
            self.bell_note,
            self.notes,
            ft.Row(wrap=True, spacing=8, controls=[
                ft.OutlinedButton(content=t("player.back"), icon=ft.Icons.ARROW_BACK,
                                  on_click=self.back, disabled=s.index == 0),
                self.pause_button, forward]),
            ft.TextButton(content=t("player.stop"), on_click=self.ask_abandon),
        ]
        self.tick()

    # -- time ---------------------------------------------------------------------------------
    def tick(self) -> None:
        """Refresh the ring and the time left; ring the bell once when the step's time is up."""
        s = self.session
        duration = s.step.duration or 1
        self.ring.value = min(1.0, s.elapsed_in_step() / duration)
        self.remaining.value = clock_text(s.remaining_in_step())
        if s.step_time_is_up() and self.bell_rung_for != s.index:
            self.bell_rung_for = s.index
            self.bell_note.value = self.ctx.t("player.time_up")
            self.ctx.page.run_task(self.ring_bell)

    async def ring_bell(self) -> None:
        if self.ctx.bell is not None:
            try:
                await self.ctx.bell.play()
            except Exception:  # a bell that cannot play must not stop the practice
                pass

    async def run_clock(self) -> None:
        while self.active and self.phase == "running":
            await asyncio.sleep(TICK_SECONDS)
            if self.active and self.phase == "running" and self.session.state is State.RUNNING:
                self.tick()
                self.ctx.page.update()

    async def _keep_awake(self, on: bool) -> None:
        if self.ctx.wakelock is None:
            return
        try:
            await (self.ctx.wakelock.enable() if on else self.ctx.wakelock.disable())  # type: ignore[no-untyped-call]
        except Exception:  # not every platform lets an app keep the screen on
            pass

    # -- actions ------------------------------------------------------------------------------
    def start(self, _: object = None) -> None:
        self.ctx.activity()
        self.session.start()
        self.phase = "running"
        self.render()
        self.ctx.page.run_task(self.run_clock)
        self.ctx.page.run_task(self._keep_awake, True)

    def _note(self, _: object) -> None:
        self.ctx.activity()
        self.session.set_note(self.notes.value or "")

    def toggle_pause(self, _: object = None) -> None:
        self.ctx.activity()
        if self.session.state is State.RUNNING:
            self.session.pause()
        else:
            self.session.resume()
        self._render_step()

    def next(self, _: object = None) -> None:
        self.ctx.activity()
        self.session.next()
        self._render_step()

    def back(self, _: object = None) -> None:
        self.ctx.activity()
        self.session.back()
        self._render_step()

    def finish(self, _: object = None) -> None:
        self.ctx.activity()
        if self.session.state is State.RUNNING:
            self.session.pause()
        self.phase = "after"
        self.render()

    def save(self, _: object = None) -> None:
        self.session.handle = self.handle.value or ""
        try:
            entry = self.session.finish(self.ctx.session.journal)
        except Exception as exc:
            self.save_error.value = self.ctx.message(exc)
            return
        self.leave_to(entry)

    def ask_abandon(self, _: object = None) -> None:
        t = self.ctx.t
        was_running = self.session.state is State.RUNNING
        if was_running:
            self.session.pause()
            self._render_step()

        def resume() -> None:
            if was_running and self.active and self.session.state is State.PAUSED:
                self.toggle_pause()

        self.dialog = self.ctx.ask(t("player.stop_title"), t("player.stop_text"), [
            (t("player.keep_notes"), lambda: self.abandon(True)),
            (t("player.drop_notes"), lambda: self.abandon(False)),
            (t("player.resume_session"), resume)])

    def abandon(self, keep_notes: bool) -> None:
        if not self.active:
            return  # already left (the session ended on another tap)
        if self.phase == "running":
            self.session.set_note(self.notes.value or "")
        entry = self.session.abandon(self.ctx.session.journal, keep_notes=keep_notes)
        self.leave_to(entry)

    def leave_to(self, entry: Entry | None) -> None:
        self.active = False
        self.ctx.page.run_task(self._keep_awake, False)
        self.on_done(entry)

    def leave(self) -> bool:
        """Another screen is taking over (navigation, lock): stop the clock, keep the notes."""
        if self.phase == "running" and self.session.state in (State.RUNNING, State.PAUSED):
            self.session.abandon(self.ctx.session.journal, keep_notes=True)
        self.active = False
        return True
