"""The guided-session player: one step at a time, calm text, a progress ring, a soft bell."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import flet as ft

from journal_app.journal import Entry
from journal_app.practice import PracticeSession, State
from journal_app.prompts.packs import Pack
from journal_app.under_way import PracticesUnderWay
from journal_app.views.context import AppContext
from journal_app.views.theme import choice_chips, heading, muted, select_chip, with_phone_links

TICK_SECONDS = 1.0


def clock_text(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def time_left_said(seconds: float, t: Callable[..., str]) -> str:
    """The time left as a screen reader says it: « 1 min 58 s restantes », not a percentage."""
    whole = int(round(seconds))
    minutes, rest = divmod(whole, 60)
    if whole == 0:
        return t("player.time_left_none")
    if not minutes:
        return t("player.time_left_seconds", count=rest)
    if not rest:
        return t("player.time_left_minutes", count=minutes)
    return t("player.time_left", minutes=minutes, seconds=rest)


class PlayerScreen:
    """One step at a time, the step's text and notes scrolling above a bar that stays on
    screen (the time left, Précédent · Pause · Suivant · Arrêter), at any text size. A session
    the journal closed under (a reload, the auto-lock) resumes at its step, paused."""

    def __init__(self, ctx: AppContext, pack: Pack, on_done: Callable[[Entry | None], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ctx = ctx
        self.on_done = on_done
        self.under_way = PracticesUnderWay(ctx.session.database)
        where = self.under_way.get(pack.id)
        self.resumed = where is not None
        if where is not None:
            self.session = PracticeSession.resumed(pack, ctx.lang, clock, where)
            self.phase = where.phase  # running, or after
        else:
            self.session = PracticeSession(pack, ctx.lang, clock)
            self.phase = "before"  # before, running, after
        self.active = True
        self.bell_rung_for: int | None = None
        self.body = ft.Column()
        self._build_bar()
        self.root = ft.Column(expand=True, spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                              controls=[self.body, self.bar])
        self.render()
        if self.phase == "running":
            ctx.page.run_task(self.run_clock)

    def control(self) -> ft.Control:
        return ft.Container(content=self.root, padding=8, expand=True)

    def _build_bar(self) -> None:
        """The bar's controls are made once and only changed afterwards, so the button the
        person pressed keeps the keyboard focus from step to step."""
        t = self.ctx.t
        self.ring = ft.ProgressRing(value=0, width=36, height=36, stroke_width=5,
                                    bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST)
        self.remaining = ft.Text("", size=20, weight=ft.FontWeight.W_500)
        self.timer = ft.Semantics(label="", exclude_semantics=True, content=ft.Row(
            tight=True, spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER,
            controls=[self.ring, self.remaining]))
        self.previous_button = ft.OutlinedButton(content=t("player.back"), on_click=self.back)
        self.pause_button = ft.OutlinedButton(content=t("player.pause"), on_click=self.toggle_pause)
        self.forward = ft.FilledButton(content=t("player.next"), icon=ft.Icons.ARROW_FORWARD,
                                       on_click=self.next)
        self.stop_button = ft.TextButton(content=t("player.stop"), icon=ft.Icons.STOP_CIRCLE_OUTLINED,
                                         on_click=self.ask_abandon)
        self.bar = ft.Container(
            visible=False, padding=ft.Padding(0, 8, 0, 0),
            border=ft.Border(top=ft.BorderSide(1, ft.Colors.OUTLINE_VARIANT)),
            content=ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
                ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
                    self.previous_button, self.pause_button, self.forward]),
                ft.Row(wrap=True, spacing=16, run_spacing=8, alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                       vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                           self.timer, self.stop_button])]))

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

        row = choice_chips([(n, str(n)) for n in range(11)], value, picked, allow_none=True, square=True)
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
        self.bar.visible = self.phase == "running"
        if self.phase == "before":
            self.before, block = self._rating(self.session.felt_before, self._pick_before)
            self._show_body([
                heading(pack.title.get(lang)), ft.Text(pack.description.get(lang)),
                # p16: the scale is said before its chips, where the eyes arrive first
                ft.Text(t("player.before_question")), muted(t("player.scale_help")), block,
                ft.FilledButton(content=t("player.start"), icon=ft.Icons.PLAY_ARROW,
                                on_click=self.start),
                # No « Retour » here: the app bar's arrow is the screen's one way back (p1).
                with_phone_links(t("practice.care"), size=13),
            ])
        elif self.phase == "running":
            self._render_step()
        else:
            self.after, block = self._rating(self.session.felt_after, self._pick_after)
            self.handle = ft.TextField(label=t("player.handle"), helper=t("player.handle_help"),
                                       helper_max_lines=3, value=self.session.handle)
            self.save_error = ft.Text("", color=ft.Colors.ERROR)
            self._show_body([
                *([muted(t("player.resumed_after"))] if self.resumed else []),
                heading(t("player.after_title")), ft.Text(t("player.after_question")), block,
                self.handle, self.save_error,
                ft.FilledButton(content=t("player.save"), icon=ft.Icons.CHECK, on_click=self.save),
            ])

    def _show_body(self, controls: list[ft.Control]) -> None:
        """A new step or phase shows from its top: a new column, not the last one scrolled."""
        self.body = ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=16,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=controls)
        self.root.controls[0] = self.body

    def _render_step(self) -> None:
        t, lang, s = self.ctx.t, self.ctx.lang, self.session
        self.bell_note = muted("")
        self.notes = ft.TextField(label=t("player.notes"), multiline=True, min_lines=3,
                                  value=s.notes.get(s.step.id, ""), on_change=self._note)
        self._show_body([
            *([muted(t("player.resumed"))] if self.resumed else []),
            muted(t("player.step_of", n=s.index + 1, total=len(s.pack.steps))),
            # A live region: a screen reader reads the new step's title when it comes.
            ft.Semantics(live_region=True, header=True, content=ft.Text(
                s.step.title.get(lang), size=26, weight=ft.FontWeight.W_500)),
            ft.Text(s.step.text.get(lang), size=20),
            self.bell_note,
            self.notes,
        ])
        self.previous_button.content = t("player.back")
        self.previous_button.disabled = s.index == 0
        self._show_pause()
        self.stop_button.content = t("player.stop")
        if s.is_last:
            self.forward.content, self.forward.icon, self.forward.on_click = (
                t("player.finish"), ft.Icons.CHECK, self.finish)
        else:
            self.forward.content, self.forward.icon, self.forward.on_click = (
                t("player.next"), ft.Icons.ARROW_FORWARD, self.next)
        self.tick()

    def _show_pause(self) -> None:
        running = self.session.state is State.RUNNING
        self.pause_button.content = self.ctx.t("player.pause") if running else self.ctx.t("player.resume")

    def _focus(self, button: ft.OutlinedButton | ft.FilledButton) -> None:
        """Keep the keyboard on the bar after a step (Flutter would else give it to the first
        control of the page, « Verrouiller »): on the button pressed, or on the way forward
        once it cannot be pressed again."""
        target = button if not button.disabled else self.forward

        async def focus() -> None:
            try:
                await target.focus()  # type: ignore[no-untyped-call]
            except Exception:  # a client that cannot focus: the person still has the bar
                pass

        self.ctx.page.run_task(focus)

    # -- time ---------------------------------------------------------------------------------
    def tick(self) -> None:
        """Refresh the ring and the time left; ring the bell once when the step's time is up."""
        s = self.session
        duration = s.step.duration or 1
        self.ring.value = min(1.0, s.elapsed_in_step() / duration)
        self.remaining.value = clock_text(s.remaining_in_step())
        self.timer.label = time_left_said(s.remaining_in_step(), self.ctx.t)
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
        self._focus(self.forward)

    def _note(self, _: object) -> None:
        self.ctx.activity()
        self.session.set_note(self.notes.value or "")

    def toggle_pause(self, _: object = None) -> None:
        self.ctx.activity()
        if self.session.state is State.RUNNING:
            self.session.pause()
        else:
            self.session.resume()
            # After a lock the session comes back paused: keep the screen awake once more.
            self.ctx.page.run_task(self._keep_awake, True)
        self._show_pause()
        self.tick()

    def next(self, _: object = None) -> None:
        self.ctx.activity()
        self.session.next()
        self.resumed = False
        self._render_step()
        self._focus(self.forward)

    def back(self, _: object = None) -> None:
        self.ctx.activity()
        self.session.back()
        self.resumed = False
        self._render_step()
        self._focus(self.previous_button)

    def finish(self, _: object = None) -> None:
        self.ctx.activity()
        self.session.end_steps()  # the session is complete, rated after or not
        self.phase = "after"
        self.resumed = False
        self.render()

    def save(self, _: object = None) -> None:
        self.session.handle = self.handle.value or ""
        try:
            entry = self.session.finish(self.ctx.session.journal)
            self.under_way.forget(self.session.pack.id)
        except Exception as exc:
            self.save_error.value = self.ctx.message(exc)
            return
        self.leave_to(entry)

    def ask_abandon(self, _: object = None, then: Callable[[], None] | None = None) -> None:
        """« Arrêter », or a way out of the session (Back): keep the notes, drop them, or go on.
        `then` is where to go once stopped (else the practices, or the entry kept)."""
        t = self.ctx.t
        was_running = self.session.state is State.RUNNING
        if was_running:
            self.session.pause()
            self._show_pause()

        def resume() -> None:
            if was_running and self.active and self.session.state is State.PAUSED:
                self.toggle_pause()

        self.dialog = self.ctx.ask(t("player.stop_title"), t("player.stop_text"), [
            (t("player.keep_notes"), lambda: self.abandon(True, then)),
            (t("player.drop_notes"), lambda: self.abandon(False, then)),
            (t("player.resume_session"), resume)])

    def abandon(self, keep_notes: bool, then: Callable[[], None] | None = None) -> None:
        if not self.active:
            return  # already left (the session ended on another tap)
        self._take_fields()
        entry = self.session.abandon(self.ctx.session.journal, keep_notes=keep_notes)
        self.under_way.forget(self.session.pack.id)
        self.leave_to(entry, then)

    def _take_fields(self) -> None:
        """What is typed on screen, into the session."""
        if self.phase == "running":
            self.session.set_note(self.notes.value or "")
        elif self.phase == "after":
            self.session.handle = self.handle.value or ""

    def leave_to(self, entry: Entry | None, then: Callable[[], None] | None = None) -> None:
        self.active = False
        self.ctx.page.run_task(self._keep_awake, False)
        if then is not None:
            then()
        else:
            self.on_done(entry)

    def confirm_leave(self, go_on: Callable[[], None]) -> bool:
        """Back, during a session: asked like « Arrêter » (True: nothing under way, go)."""
        if not self.active or self.phase == "before":
            return True
        self.ask_abandon(then=go_on)
        return False

    def leave(self) -> bool:
        """The journal is closing under the session (a lock, a reload, the tab closed): keep
        the notes in the journal and where the session stands, to resume it there."""
        if self.active and self.phase in ("running", "after") and \
                self.session.state in (State.RUNNING, State.PAUSED):
            self._take_fields()
            phase = self.phase
            self.session.abandon(self.ctx.session.journal, keep_notes=True)
            self.under_way.keep(self.session.under_way(phase))
        self.active = False
        return True
