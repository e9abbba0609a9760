"""The reflection wizard: the meeting, then the questions, saved into the vault as you write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import flet as ft

from journal_app.journal import ROLES, Entry, Meeting
from journal_app.prompts.packs import Pack
from journal_app.views.autosave import Autosave
from journal_app.views.context import AppContext
from journal_app.views.theme import heading, muted, radio_row


class WizardScreen:
    """One question a screen on a phone; everything on one page on a wide screen."""

    def __init__(self, ctx: AppContext, pack: Pack, on_done: Callable[[Entry | None], None],
                 today: Callable[[], date] = date.today) -> None:
        self.ctx = ctx
        self.pack = pack
        self.on_done = on_done
        self.entry: Entry | None = None  # the draft, created at the first word
        self.autosave = Autosave(ctx, self._write)
        self.page_index = 0  # 0: the meeting; 1..n: the questions (phone only)
        t = ctx.t
        self.meeting_name = ft.TextField(label=t("editor.meeting_name"), on_change=self._changed)
        self.meeting_date = ctx.date_field(t("editor.meeting_date"), today().isoformat(), self._changed)
        self.role_value = ""
        self.role = radio_row([("", t("editor.no_role"))] + [(r, t(f"role.{r}")) for r in ROLES],
                              "", self._role)
        self.answers = {step.id: ft.TextField(label=step.title.get(ctx.lang), multiline=True,
                                              min_lines=3, on_change=self._changed,
                                              on_blur=lambda _: self.autosave.flush())
                        for step in pack.steps}
        self.status = muted("")
        self.root = ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=14,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.render()

    def control(self) -> ft.Control:
        return ft.Container(content=self.root, padding=8, expand=True)

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
        stop = ft.TextButton(content=t("wizard.stop"), on_click=self.ask_stop)
        done = ft.FilledButton(content=t("wizard.done"), icon=ft.Icons.CHECK, on_click=self.done)
        if self.ctx.wide:
            body: list[ft.Control] = self._meeting_part()
            for i in range(len(self.pack.steps)):
                body += [ft.Divider(), *self._question(i)]
            self.root.controls = head + body + [ft.Row(wrap=True, controls=[stop, done])]
            return
        last = len(self.pack.steps)
        body = self._meeting_part() if self.page_index == 0 else self._question(self.page_index - 1)
        counter = muted(t("wizard.page_of", n=self.page_index, total=last)) if self.page_index else None
        buttons: list[ft.Control] = [stop]
        if self.page_index > 0:
            buttons.append(ft.OutlinedButton(content=t("player.back"), icon=ft.Icons.ARROW_BACK,
                                             on_click=self.previous))
        buttons.append(done if self.page_index == last else
                       ft.FilledButton(content=t("player.next"), icon=ft.Icons.ARROW_FORWARD,
                                       on_click=self.forward))
        self.root.controls = head + ([counter] if counter else []) + body + [
            ft.Row(wrap=True, spacing=8, controls=buttons)]

    def forward(self, _: object = None) -> None:
        self.autosave.flush()
        self.page_index = min(len(self.pack.steps), self.page_index + 1)
        self.render()

    def previous(self, _: object = None) -> None:
        self.autosave.flush()
        self.page_index = max(0, self.page_index - 1)
        self.render()

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
                self.entry = journal.add(kind="reflection", title=title, answers=answers,
                                         meeting=meeting, pack_id=self.pack.id, language=self.ctx.lang)
            else:
                self.entry = journal.update(self.entry.id, title=title, answers=answers, meeting=meeting)
        except Exception as exc:
            self.status.value = self.ctx.message(exc)
            return False
        self.status.value = self.ctx.t("wizard.draft_saved")
        return True

    def done(self, _: object = None) -> None:
        if self.autosave.flush():
            self.on_done(self.entry)

    def ask_stop(self, _: object = None) -> None:
        t = self.ctx.t

        def stop(keep: bool) -> None:
            if keep:
                self.autosave.flush()
            else:
                self.autosave.cancel()
                if self.entry is not None:
                    self.ctx.session.journal.delete(self.entry.id)
                    self.entry = None
            self.on_done(self.entry)

        self.ctx.ask(t("wizard.stop_title"), t("wizard.stop_text"), [
            (t("player.keep_notes"), lambda: stop(True)),
            (t("player.drop_notes"), lambda: stop(False)),
            (t("wizard.resume"), None)])

    def leave(self) -> bool:
        return self.autosave.flush()
