"""The reflection wizard: the meeting, then the questions, saved into the vault as you write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import flet as ft

from journal_app.errors import RessentiError
from journal_app.journal import ROLES, Entry, Meeting, Practiced
from journal_app.prompts.packs import Pack
from journal_app.under_way import PracticesUnderWay, UnderWay
from journal_app.views.autosave import Autosave
from journal_app.views.context import AppContext
from journal_app.views.theme import heading, muted, radio_row

ANSWER_LINES = 5  # an answer box a few sentences high, not three lines


class WizardScreen:
    """One question a screen on a phone; everything on one page on a wide screen. The page
    scrolls above a bar that stays on screen (Arrêter · Précédent · Suivant). A reflection the
    journal closed under (a reload, the auto-lock) opens again where it was, with its answers
    and in the same draft."""

    def __init__(self, ctx: AppContext, pack: Pack, on_done: Callable[[Entry | None], None],
                 today: Callable[[], date] = date.today) -> None:
        self.ctx = ctx
        self.pack = pack
        self.on_done = on_done
        self.entry: Entry | None = None  # the draft, created at the first word
        self.autosave = Autosave(ctx, self._write)
        self.under_way = PracticesUnderWay(ctx.session.database)
        self.page_index = 0  # 0: the meeting; 1..n: the questions (phone only)
        self.active = True
        t = ctx.t
        self.meeting_name = ft.TextField(label=t("editor.meeting_name"), on_change=self._changed)
        self.meeting_date = ctx.date_field(t("editor.meeting_date"), today().isoformat(), self._changed)
        self.role_value = ""
        self.answers = {step.id: ft.TextField(label=step.title.get(ctx.lang), multiline=True,
                                              min_lines=ANSWER_LINES, on_change=self._changed,
                                              on_blur=lambda _: self.autosave.flush())
                        for step in pack.steps}
        where = self.under_way.get(pack.id)
        self.resumed = where is not None
        if where is not None:
            self._resume(where)
        self.role = radio_row([("", t("editor.no_role"))] + [(r, t(f"role.{r}")) for r in ROLES],
                              self.role_value, self._role)
        self.status = muted("")
        self.body = ft.Column()
        self.stop_button = ft.TextButton(content=t("wizard.stop"), icon=ft.Icons.STOP_CIRCLE_OUTLINED,
                                         on_click=self.ask_stop)
        self.previous_button = ft.OutlinedButton(content=t("player.back"), on_click=self.previous)
        self.forward = ft.FilledButton(content=t("player.next"), icon=ft.Icons.ARROW_FORWARD,
                                       on_click=self.forward_page)
        self.bar = ft.Container(
            padding=ft.Padding(0, 8, 0, 0), border=ft.Border(top=ft.BorderSide(1, ft.Colors.OUTLINE_VARIANT)),
            content=ft.Row(wrap=True, spacing=8, run_spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER,
                           controls=[self.stop_button, self.previous_button, self.forward]))
        self.root = ft.Column(expand=True, spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                              controls=[self.body, self.bar])
        self.render()

    def control(self) -> ft.Control:
        return ft.Container(content=self.root, padding=8, expand=True)

    def _resume(self, where: UnderWay) -> None:
        for sid, text in where.notes.items():
            if sid in self.answers:
                self.answers[sid].value = text
        self.meeting_name.value = where.meeting.get("name", "")
        self.meeting_date.value = where.meeting.get("date", self.meeting_date.value)
        self.role_value = where.meeting.get("role", "") if where.meeting.get("role", "") in ROLES else ""
        self.page_index = min(where.place, len(self.pack.steps))
        if where.entry_id is not None:
            try:
                self.entry = self.ctx.session.journal.get(where.entry_id)
            except RessentiError:  # the draft was deleted since: a new one at the next word
                self.entry = None

    # -- pages --------------------------------------------------------------------------------
    def _meeting_part(self) -> list[ft.Control]:
        t = self.ctx.t
        return [muted(t("wizard.skip_hint")), muted(t("wizard.meeting_intro")), self.meeting_name,
                self.meeting_date, muted(t("editor.meeting_role")), self.role]

    def _question(self, index: int) -> list[ft.Control]:
        step = self.pack.steps[index]
        return [ft.Text(step.text.get(self.ctx.lang), size=18), self.answers[step.id]]

    def render(self) -> None:
        t, lang = self.ctx.t, self.ctx.lang
        head: list[ft.Control] = [heading(self.pack.title.get(lang)), self.status]
        if self.resumed:
            head.append(muted(t("wizard.resumed")))
        self.stop_button.content = t("wizard.stop")
        self.previous_button.content = t("player.back")
        last = len(self.pack.steps)
        if self.ctx.wide:
            body: list[ft.Control] = self._meeting_part()
            for i in range(len(self.pack.steps)):
                body += [ft.Divider(), *self._question(i)]
            self._show_body(head + body)
            self.previous_button.visible = False
            self._forward_is_done(True)
            return
        body = self._meeting_part() if self.page_index == 0 else self._question(self.page_index - 1)
        counter = muted(t("wizard.page_of", n=self.page_index, total=last)) if self.page_index else None
        self._show_body(head + ([counter] if counter else []) + body)
        # Disabled rather than hidden on the first page: « Suivant » stays where the finger is.
        self.previous_button.visible = True
        self.previous_button.disabled = self.page_index == 0
        self._forward_is_done(self.page_index == last)

    def _show_body(self, controls: list[ft.Control]) -> None:
        """A new page shows from its top: a new column, not the last one scrolled."""
        self.body = ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=14,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=controls)
        self.root.controls[0] = self.body

    def _forward_is_done(self, done: bool) -> None:
        t = self.ctx.t
        if done:
            self.forward.content, self.forward.icon, self.forward.on_click = (
                t("wizard.done"), ft.Icons.CHECK, self.done)
        else:
            self.forward.content, self.forward.icon, self.forward.on_click = (
                t("player.next"), ft.Icons.ARROW_FORWARD, self.forward_page)

    def _focus_page(self) -> None:
        """The cursor where the person types next: the question's answer (or the meeting's name)."""
        field = (self.meeting_name if self.page_index == 0 or self.ctx.wide
                 else self.answers[self.pack.steps[self.page_index - 1].id])

        async def focus() -> None:
            try:
                await field.focus()  # type: ignore[no-untyped-call]
            except Exception:  # a client that cannot focus: the person taps the field
                pass

        self.ctx.page.run_task(focus)

    def forward_page(self, _: object = None) -> None:
        self.autosave.flush()
        self.page_index = min(len(self.pack.steps), self.page_index + 1)
        self.resumed = False
        self.render()
        self._focus_page()

    def previous(self, _: object = None) -> None:
        self.autosave.flush()
        self.page_index = max(0, self.page_index - 1)
        self.resumed = False
        self.render()
        self._focus_page()

    # -- saving -------------------------------------------------------------------------------
    def _role(self, value: str) -> None:
        self.role_value = value
        self._changed()

    def _changed(self, _: object = None) -> None:
        self.status.value = self.ctx.t("editor.unsaved")
        self.autosave.changed()

    def _meeting(self) -> Meeting | None:
        # The date is filled in with today: on its own it does not make a meeting.
        return self.ctx.read_meeting(self.meeting_name, self.meeting_date, self.role_value,
                                     date_alone_counts=False)

    def _write(self) -> bool:
        answers = {sid: field.value for sid, field in self.answers.items() if (field.value or "").strip()}
        journal = self.ctx.session.journal
        meeting = self._meeting()
        title = self.pack.title.get(self.ctx.lang)
        if meeting and meeting.name:
            title = f"{title} — {meeting.name}"
        try:
            if self.entry is None:
                if not answers:
                    return True  # nothing written yet: nothing to keep
                # Begun, not finished: it counts as a practice once « Terminer » says so (M7).
                self.entry = journal.add(kind="reflection", title=title, answers=answers,
                                         meeting=meeting, pack_id=self.pack.id, language=self.ctx.lang,
                                         practiced=Practiced(0, completed=False))
            else:
                self.entry = journal.update(self.entry.id, title=title, answers=answers, meeting=meeting)
        except Exception as exc:
            self.status.value = self.ctx.message(exc)
            return False
        self.status.value = self.ctx.t("wizard.draft_saved")
        return True

    def done(self, _: object = None) -> None:
        """« Terminer »: the reflection is finished, and from now on it counts as a practice."""
        if not self.autosave.flush():
            return
        if self.entry is not None:
            try:
                self.entry = self.ctx.session.journal.update(self.entry.id, practiced=Practiced(0, completed=True))
            except Exception as exc:
                self.status.value = self.ctx.message(exc)
                return
        self._end()
        self.on_done(self.entry)

    def _end(self) -> None:
        self.active = False
        self.under_way.forget(self.pack.id)

    def ask_stop(self, _: object = None, then: Callable[[], None] | None = None) -> None:
        """« Arrêter », or a way out of the reflection (Back): keep, drop, or go on writing.
        `then` is where to go once stopped (else the practices, or the draft kept)."""
        t = self.ctx.t

        def stop(keep: bool) -> None:
            if not self.active:
                return
            if keep:
                self.autosave.flush()
            else:
                self.autosave.cancel()
                if self.entry is not None:
                    try:
                        self.ctx.session.journal.delete(self.entry.id)
                    except RessentiError:  # deleted already
                        pass
                    self.entry = None
            self._end()
            if then is not None:
                then()
            else:
                self.on_done(self.entry)

        self.ctx.ask(t("wizard.stop_title"), t("wizard.stop_text"), [
            (t("player.keep_notes"), lambda: stop(True)),
            (t("player.drop_notes"), lambda: stop(False)),
            (t("wizard.resume"), None)])

    def _typed(self) -> bool:
        return (self.entry is not None or bool((self.meeting_name.value or "").strip()) or bool(self.role_value)
                or any((f.value or "").strip() for f in self.answers.values()))

    def confirm_leave(self, go_on: Callable[[], None]) -> bool:
        """Back, during a reflection: asked like « Arrêter » (True: nothing written, go)."""
        if not self.active or not self._typed():
            return True
        self.ask_stop(then=go_on)
        return False

    def leave(self) -> bool:
        """Save what is typed; when the journal closes under the reflection (a lock, a reload),
        also where it stands, to open it there again."""
        saved = self.autosave.flush()
        if self.active and self._typed():
            self.under_way.keep(UnderWay(
                pack_id=self.pack.id, entry_id=self.entry.id if self.entry else None, place=self.page_index,
                notes={sid: f.value or "" for sid, f in self.answers.items() if (f.value or "").strip()},
                meeting={"name": self.meeting_name.value or "", "date": self.meeting_date.value or "",
                         "role": self.role_value}))
        return saved
