"""« Compétences » (in « Mon parcours »): the member's skills, what the journal counted, the
credentials received; a skill's page (the statement, the counts to include, exactly what will
leave, then the request to show a peer); « Reconnaître un pair » (read a request, endorse it,
or give the circle's badge when this journal animates that circle); « Vérifier »."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import flet as ft

from journal_app.errors import RessentiError
from journal_app.i18n import format_short_date
from journal_app.recognition.credentials import Checked
from journal_app.recognition.exchange import Message, qr_image, read_message, to_code, to_json
from journal_app.recognition.portfolio import facts, unfinished
from journal_app.recognition.wallet import (
    ENDORSEMENTS_FOR_BADGE,
    Held,
    NotEnoughEndorsements,
    Recognition,
    Review,
)
from journal_app.usecases.recognition import (
    credential_text,
    describe_credential,
    endorse_request,
    portfolio_facts,
    practice,
    review_lines,
    short_did,
    sign_skill,
    verify_message,
)
from journal_app.views.context import AppContext
from journal_app.views.theme import MONOSPACE, heading, muted, qr_picture, room, subscreen

QR_MOST = 720  # pixels a QR code may take on a wide screen (its modules are then 5 px or more)
# Above that a QR code is too dense for a phone camera: the code and the file remain. A request with
# three endorsements is about 2,050 (each endorsement carries its claim's digest since round 4).
QR_MAX_CHARS = 2_200


def _lines(lines: list[str]) -> ft.Container:
    """What a credential says, in a framed block (the first line is the verdict)."""
    return ft.Container(padding=12, border_radius=8, border=ft.Border.all(1, ft.Colors.OUTLINE),
                        content=ft.Column(spacing=4, controls=[
                            ft.Text(lines[0], weight=ft.FontWeight.W_600), *[ft.Text(x) for x in lines[1:]]]))


class CodePanel:
    """A request or reply to hand over: the code (to copy and paste), its QR code where small
    enough, and the file."""

    def __init__(self, ctx: AppContext, message: Message, file_name: str) -> None:
        self.ctx, self.message, self.file_name = ctx, message, file_name
        self.code = to_code(message)

    def control(self) -> ft.Control:
        t = self.ctx.t
        parts: list[ft.Control] = [
            ft.Row(wrap=True, spacing=8, controls=[
                ft.OutlinedButton(content=t("badge.copy_code"), icon=ft.Icons.COPY,
                                  on_click=lambda _: self.ctx.page.run_task(self.copy)),
                ft.OutlinedButton(content=t("badge.save_file"), icon=ft.Icons.SAVE_ALT,
                                  on_click=lambda _: self.ctx.page.run_task(self.save))])]
        if len(self.code) <= QR_MAX_CHARS:
            qr = qr_image(self.message, room(self.ctx.page, QR_MOST))
            parts.append(qr_picture(qr.png, qr.side, t("badge.qr_label")))
        parts.append(ft.ExpansionTile(title=ft.Text(t("badge.show_code")), controls=[
            ft.SelectionArea(content=ft.Text(self.code, size=11, font_family=MONOSPACE))]))
        return ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=parts)

    async def copy(self) -> None:
        if self.ctx.clipboard is not None:
            await self.ctx.clipboard.set(self.code)
            self.ctx.snack(self.ctx.t("badge.copied"))

    async def save(self) -> None:
        if await self.ctx.send_bytes(self.file_name, to_json(self.message), "application/json"):
            self.ctx.snack(self.ctx.t("badge.saved"))


class Incoming:
    """Where a code is pasted (or a file opened): the one way in for requests and replies."""

    def __init__(self, ctx: AppContext, label: str, on_read: Callable[[Message], Any]) -> None:
        self.ctx, self.on_read = ctx, on_read
        self.field = ft.TextField(label=label, multiline=True, min_lines=2, max_lines=4)  # size: read_message
        self.error = ft.Text("", color=ft.Colors.ERROR)

    def control(self) -> ft.Control:
        t = self.ctx.t
        return ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            self.field, self.error, ft.Row(wrap=True, spacing=8, controls=[
                ft.OutlinedButton(content=t("badge.paste"), icon=ft.Icons.CONTENT_PASTE,
                                  on_click=lambda _: self.ctx.page.run_task(self.paste)),
                ft.OutlinedButton(content=t("badge.open_file"), icon=ft.Icons.FILE_OPEN,
                                  on_click=lambda _: self.ctx.page.run_task(self.open_file)),
                ft.FilledButton(content=t("badge.read"), icon=ft.Icons.CHECK,
                                on_click=lambda _: self.read_text())])])

    async def paste(self) -> None:
        text = await self.ctx.clipboard.get() if self.ctx.clipboard else None
        self.field.value = (text or "").strip()
        self.read_text()

    async def open_file(self) -> None:
        try:
            files = await self.ctx.pick_files(self.ctx.t("badge.open_file"), ["json"])
        except Exception as exc:
            self.error.value = self.ctx.message(exc)
            self.ctx.page.update()
            return
        if files:
            self._read(files[0][1])
            self.ctx.page.update()

    def read_text(self) -> None:
        self._read((self.field.value or "").strip())
        self.ctx.page.update()  # the screen around changed too, not only this button

    def _read(self, data: bytes | str) -> None:
        self.error.value = ""
        if not data:
            return
        try:
            message = read_message(data)
        except RessentiError as exc:
            self.error.value = exc.message(self.ctx.lang)
            return
        try:
            self.on_read(message)
        except RessentiError as exc:
            self.error.value = exc.message(self.ctx.lang)
            return
        self.field.value = ""


class SkillsScreen:
    def __init__(self, ctx: AppContext, on_back: Callable[[], object], on_skill: Callable[[str], object],
                 on_recognize: Callable[[], object], on_verify: Callable[[], object]) -> None:
        self.ctx, self.on_back, self.on_skill = ctx, on_back, on_skill
        self.on_recognize, self.on_verify = on_recognize, on_verify
        self.recognition = Recognition(ctx.session.database)
        self.new_skill = ft.TextField(label=ctx.t("badge.new_skill"), max_length=120, on_submit=self.add)
        self.message = ft.Text("")
        self.body = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.refresh()

    def control(self) -> ft.Control:
        t = self.ctx.t
        return subscreen(t("common.back"), self.on_back, t("badge.title"), muted(t("badge.intro")),
                         ft.Row(wrap=True, spacing=8, controls=[
                             ft.FilledButton(content=t("badge.recognize"), icon=ft.Icons.HANDSHAKE,
                                             on_click=lambda _: self.on_recognize()),
                             ft.OutlinedButton(content=t("badge.verify"), icon=ft.Icons.VERIFIED,
                                               on_click=lambda _: self.on_verify())]),
                         self.body)

    def refresh(self) -> None:
        t, lang = self.ctx.t, self.ctx.lang
        entries = self.ctx.session.journal.entries()
        counted, packs = practice(self.ctx.session.database, entries)  # counted once, for both lists
        held = self.recognition.held()
        claims = [h for h in held if h.role == "claim"]
        skills: list[ft.Control] = []
        for skill in self.recognition.skills(lang):
            mine = [c for c in claims if c.skill == skill.id]
            endorsed = sum(len(self.recognition.endorsements_of(c.id)) for c in mine)
            badges = sum(len(self.recognition.badges_of(c)) for c in mine)
            state = (t("badge.state_badge") if badges else t("badge.state_endorsed", count=endorsed) if endorsed
                     else t("badge.state_requested") if any(c.requested for c in mine)
                     else t("badge.state_written") if skill.written else t("badge.state_empty"))
            skills.append(ft.ListTile(title=ft.Text(skill.name), subtitle=ft.Text(state),
                                      trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
                                      on_click=lambda _, sid=skill.id: self.on_skill(sid)))
        found = facts(counted, packs, lang)
        stopped = unfinished(counted, packs, lang)  # shown apart: never in a claim
        months: list[ft.Control] = [ft.Text(t("badge.month", month=_month(m.month, lang), practices=m.practices,
                            meetings=m.meetings)) for m in counted.months[:12]]
        received = [h for h in held if h.role in ("endorsement", "badge")]
        self.body.controls = [
            heading(t("badge.skills"), size=18), *skills,
            ft.Row(wrap=True, spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                ft.Container(content=self.new_skill, width=320),
                ft.OutlinedButton(content=t("badge.add_skill"), icon=ft.Icons.ADD, on_click=self.add)]),
            self.message,
            heading(t("badge.counted"), size=18), muted(t("badge.counted_help")),
            *([ft.Text(f"{f.name} — {f.text}") for f in found] or [muted(t("cli.badge.no_facts"))]),
            *([muted(t("badge.unfinished_help")), *[muted(f"{f.name} — {f.text}") for f in stopped]]
              if stopped else []),
            *([ft.ExpansionTile(title=ft.Text(t("badge.per_month")), controls=months)] if months else []),
            heading(t("badge.received_title"), size=18),
            *([self._held(h) for h in received] or [muted(t("badge.none_received"))])]

    def _held(self, held: Held) -> ft.Control:
        checked = held.checked()
        who = checked.issuer_name or self.ctx.t("badge.no_name")
        return ft.ListTile(title=ft.Text(checked.title), subtitle=ft.Text(
            f"{self.ctx.t('badge.role.' + held.role)} · {who} · {checked.text}" if checked.text
            else f"{self.ctx.t('badge.role.' + held.role)} · {who}"))

    def add(self, _: object = None) -> None:
        try:
            skill_id = self.recognition.add_skill(self.new_skill.value or "")
        except RessentiError as exc:
            self.message.value = exc.message(self.ctx.lang)
            return
        self.new_skill.value, self.message.value = "", ""
        self.on_skill(skill_id)


def _month(month: str, lang: str) -> str:
    from journal_app.i18n import months

    year, number = month.split("-")
    return f"{months(lang)[int(number) - 1]} {year}"


class SkillScreen:
    def __init__(self, ctx: AppContext, skill_id: str, on_back: Callable[[], object]) -> None:
        self.ctx, self.on_back = ctx, on_back
        t = ctx.t
        self.recognition = Recognition(ctx.session.database)
        self.skill = self.recognition.skill(skill_id, ctx.lang)
        circles = self.recognition.circles()
        self.circle_id = circles[0][0] if circles else ""
        known = self.recognition.identity(self.circle_id) if self.circle_id else None
        self.name = ft.TextField(label=t("badge.display_name"), value=known.name if known else "", max_length=120,
                                 on_change=lambda _: self.render_preview())
        self.title = heading(self.skill.name)
        self.skill_name = ft.TextField(label=t("badge.skill_name"), value=self.skill.name, max_length=120,
                                       on_submit=self.rename)
        self.statement = ft.TextField(label=t("badge.statement"), value=self.skill.statement(self.circle_id),
                                      multiline=True,
                                      min_lines=3, max_length=4000, on_change=lambda _: self.render_preview())
        self.facts = portfolio_facts(ctx.session.database, ctx.session.journal.entries(), ctx.lang)
        self.ticks = [ft.Checkbox(label=f.name, value=False, on_change=lambda _: self.render_preview())
                      for f in self.facts]
        recent = ctx.session.journal.entries()[:30]
        self.evidence = [ft.Checkbox(label=f"{format_short_date(e.created.date(), ctx.lang)} · "
                                           f"{(e.headline or ctx.t('journal.untitled'))[:60]}",
                                     value=e.id in self.skill.entries, data=e.id, on_change=self._evidence)
                         for e in recent]
        self.preview = ft.Column(spacing=4)
        self.message = ft.Text("")
        self.request_area = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.incoming = Incoming(ctx, t("badge.reply_code"), self.receive)
        self.render_preview()
        self._show_request()

    def control(self) -> ft.Control:
        t = self.ctx.t
        circles = self.recognition.circles()
        from journal_app.views.theme import radio_row

        signed_before = self._latest_claim() is not None
        # Coming back to a skill already signed, its request and replies come first; signing
        # for the first time, they appear under the button just tapped.
        parts: list[ft.Control] = [self.request_area] if signed_before else []
        parts.append(muted(t("badge.skill_help")))
        if not circles:
            parts.append(ft.Text(t("badge.join_first")))
        elif len(circles) > 1:
            parts += [muted(t("badge.which_circle")), radio_row(circles, self.circle_id, self._circle)]
        parts += [self.name, muted(t("badge.display_name_help")), self.statement,
                  muted(t("badge.include")),
                  *[ft.Column(spacing=0, controls=[box, ft.Container(content=muted(fact.text), padding=ft.Padding.only(
                      left=48))]) for box, fact in zip(self.ticks, self.facts, strict=True)],
                  *([] if self.ticks else [muted(t("cli.badge.no_facts"))]),
                  *([ft.ExpansionTile(title=ft.Text(t("badge.evidence_title")), controls=[
                      muted(t("badge.evidence_help")), *self.evidence])] if self.evidence else []),
                  muted(t("badge.leaving")),
                  ft.Container(content=self.preview, padding=12, border_radius=8,
                               bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST),
                  self.message,
                  ft.Row(wrap=True, spacing=8, controls=[
                      ft.OutlinedButton(content=t("badge.save_statement"), icon=ft.Icons.SAVE,
                                        on_click=self.save_statement),
                      ft.FilledButton(content=t("badge.sign_and_ask"), icon=ft.Icons.DRAW,
                                      on_click=lambda _: self.ctx.page.run_task(self.sign),
                                      disabled=not circles),
                      ft.TextButton(content=t("badge.remove_skill"), icon=ft.Icons.DELETE_OUTLINE,
                                    on_click=self.remove)]),
                  ft.ExpansionTile(title=ft.Text(t("badge.rename_title")), controls=[
                      self.skill_name, ft.Row(controls=[ft.OutlinedButton(
                          content=t("badge.rename"), icon=ft.Icons.EDIT, on_click=self.rename)])]),
                  *([] if signed_before else [self.request_area])]
        return subscreen(t("common.back"), self.on_back, self.title, *parts)

    def _circle(self, value: str) -> None:
        typed = (self.statement.value or "").strip()
        if self.circle_id and typed and typed != self.skill.statement(self.circle_id):
            try:  # the words typed for the circle left behind are kept for it, not lost
                self.recognition.set_statement(self.skill.id, typed, circle_id=self.circle_id)
            except RessentiError as exc:
                self.message.value = exc.message(self.ctx.lang)
                self.ctx.page.update()
                return
        self.circle_id = value
        known = self.recognition.identity(value)
        self.name.value = known.name if known else ""
        self.skill = self.recognition.skill(self.skill.id, self.ctx.lang)
        self.statement.value = self.skill.statement(value)  # each circle has its own words
        self.render_preview()
        self.ctx.page.update()

    def _chosen(self) -> list[Any]:
        return [f for f, box in zip(self.facts, self.ticks, strict=True) if box.value]

    def render_preview(self) -> None:
        """Exactly what the credential will say, before anything is signed."""
        t = self.ctx.t
        lines = [t("badge.line.issuer", name=(self.name.value or "").strip() or t("badge.no_name"),
                   key=t("badge.your_key")),
                 t("badge.line.what", title=self.skill.name)]
        if (self.statement.value or "").strip():
            lines.append(t("badge.line.statement", text=(self.statement.value or "").strip()))
        lines += [t("badge.line.evidence", name=f.name, text=f.text) for f in self._chosen()]
        self.preview.controls = [*[ft.Text(x) for x in lines], muted(t("badge.never_leaves"))]

    def _evidence(self, _: object) -> None:
        """Entries the member points to for this skill: kept in the vault, never in a credential."""
        try:
            self.recognition.set_statement(self.skill.id, self.statement.value or "",
                                           [str(box.data) for box in self.evidence if box.value],
                                           circle_id=self.circle_id)
        except RessentiError as exc:
            self.message.value = exc.message(self.ctx.lang)

    def save_statement(self, _: object = None) -> None:
        try:
            self.recognition.set_statement(self.skill.id, self.statement.value or "", circle_id=self.circle_id)
        except RessentiError as exc:
            self.message.value = exc.message(self.ctx.lang)
            return
        self.message.value = self.ctx.t("badge.statement_saved")

    async def sign(self) -> None:
        try:  # signed and saved in a worker thread: the vault may be large
            await asyncio.to_thread(sign_skill, self.recognition, self.skill.id, self.circle_id, self._chosen(),
                                    self.ctx.lang, statement=self.statement.value or "", name=self.name.value or "")
        except RessentiError as exc:
            self.message.value = exc.message(self.ctx.lang)
            self.ctx.page.update()
            return
        self.message.value = self.ctx.t("badge.signed")
        self._show_request()
        self.ctx.page.update()

    def _latest_claim(self) -> Held | None:
        claims = [h for h in self.recognition.held() if h.role == "claim" and h.skill == self.skill.id]
        return claims[0] if claims else None

    def _show_request(self) -> None:
        t = self.ctx.t
        claim = self._latest_claim()
        if claim is None:
            self.request_area.controls = []
            return
        endorsements = self.recognition.endorsements_of(claim.id)
        badges = self.recognition.badges_of(claim)
        self.request_area.controls = [
            heading(t("badge.request_title"), size=18), muted(t("badge.request_help")),
            CodePanel(self.ctx, self.recognition.request(claim.id), "ressenti-demande.json").control(),
            heading(t("badge.replies_title"), size=18),
            *[_lines(describe_credential(h.checked(), self.ctx.lang)) for h in endorsements],
            *[c for h in badges for c in (_lines(describe_credential(
                h.checked(), self.ctx.lang, self.recognition.circle_of_did(h.checked().issuer_id))), self._exports(h))],
            *([] if endorsements or badges else [muted(t("badge.none_yet"))]),
            muted(t("badge.reply_help")), self.incoming.control(),
            heading(t("badge.export_title"), size=18), muted(t("badge.export_help")), self._exports(claim)]

    def _exports(self, held: Held) -> ft.Control:
        t = self.ctx.t
        return ft.Row(wrap=True, spacing=8, controls=[
            ft.OutlinedButton(content=t("badge.export_json"), icon=ft.Icons.DATA_OBJECT,
                              on_click=lambda _: self.ctx.page.run_task(self.export, held, False)),
            ft.OutlinedButton(content=t("badge.export_html"), icon=ft.Icons.PRINT,
                              on_click=lambda _: self.ctx.page.run_task(self.export, held, True))])

    async def export(self, held: Held, printable: bool) -> None:
        """The credential as its JSON (what anyone verifies), or as a page that prints well."""
        name, mime = (("ressenti-certificat.html", "text/html") if printable
                      else ("ressenti-justificatif.json", "application/json"))
        data = credential_text(held, self.recognition, self.ctx.lang, printable=printable).encode("utf-8")
        if await self.ctx.send_bytes(name, data, mime):
            self.ctx.snack(self.ctx.t("badge.exported"))

    def receive(self, message: Message) -> None:
        held = self.recognition.receive(message)
        self.ctx.snack(self.ctx.t("cli.badge.received", title=held.checked().title))
        self._show_request()

    def rename(self, _: object = None) -> None:
        """The skill's name in the list and on what is signed from now on (signed ones keep theirs)."""
        try:
            self.recognition.rename_skill(self.skill.id, self.skill_name.value or "")
        except RessentiError as exc:
            self.message.value = exc.message(self.ctx.lang)
            return
        self.skill = self.recognition.skill(self.skill.id, self.ctx.lang)
        self.title.value = self.skill.name
        self.message.value = self.ctx.t("badge.renamed", name=self.skill.name)
        self.render_preview()

    def remove(self, _: object = None) -> None:
        def confirmed() -> None:
            self.recognition.remove_skill(self.skill.id)
            self.on_back()

        self.ctx.ask(self.ctx.t("badge.remove_title"), self.ctx.t("badge.remove_text", name=self.skill.name),
                     [(self.ctx.t("common.cancel"), None), (self.ctx.t("badge.remove_skill"), confirmed)])


class RecognizeScreen:
    """A peer's request: shown exactly, then endorsed; or, opened from a circle this journal
    animates (`circle_id`), the circle's badge, once the facilitator has seen who endorsed it
    and said yes. The request's own `circle` field (not signed) chooses neither silently."""

    def __init__(self, ctx: AppContext, on_back: Callable[[], object], circle_id: str = "") -> None:
        self.ctx, self.on_back, self.circle_id = ctx, on_back, circle_id
        t = ctx.t
        self.recognition = Recognition(ctx.session.database)
        self.incoming = Incoming(ctx, t("badge.request_code"), self.read)
        self.body = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.name = ft.TextField(label=t("badge.display_name"), max_length=120)
        self.comment = ft.TextField(label=t("badge.comment"), multiline=True, min_lines=3, max_length=4000,
                                    on_change=lambda _: self._preview())
        self.leaving = ft.Text("")
        self.message = ft.Text("")
        self.request: Message | None = None
        self.claim: Checked | None = None
        self.review: Review | None = None
        self.signing_circle = ""  # the member's circle whose identity signs an endorsement

    def control(self) -> ft.Control:
        t = self.ctx.t
        return subscreen(t("common.back"), self.on_back, t("badge.recognize"), muted(t("badge.recognize_help")),
                         self.incoming.control(), self.body)

    def read(self, message: Message) -> None:
        claim = self.recognition.read_request(message)  # a request at all, and it holds
        if self.circle_id:
            self.recognition.check_award_circle(self.circle_id, message)
            self.review = self.recognition.review(message)
        self.claim = claim
        self.request = message
        self.message.value = ""
        joined = [c for c, _ in self.recognition.circles()]
        self.signing_circle = message.circle if message.circle in joined else (joined[0] if joined else "")
        self._known_name()
        self.render()

    def _known_name(self) -> None:
        known = self.recognition.identity(self.signing_circle) if self.signing_circle else None
        self.name.value = known.name if known else ""

    def _choose_circle(self, value: str) -> None:
        self.signing_circle = value
        self._known_name()
        self._preview()
        self.ctx.page.update()

    def render(self) -> None:
        t = self.ctx.t
        assert self.claim is not None and self.request is not None
        parts: list[ft.Control] = [heading(t("badge.their_request"), size=18),
                                   _lines(describe_credential(self.claim, self.ctx.lang))]
        if self.review is not None:
            parts += [*[ft.Text(line) for line in review_lines(self.review, self.ctx.lang)],
                      self.message,
                      ft.FilledButton(content=t("badge.award"), icon=ft.Icons.WORKSPACE_PREMIUM,
                                      on_click=lambda _: self.ask_award())]
        else:
            self._preview()
            circles = self.recognition.circles()
            if len(circles) > 1:
                from journal_app.views.theme import radio_row

                parts += [muted(t("badge.which_circle")), radio_row(circles, self.signing_circle, self._choose_circle)]
            parts += [self.name, muted(t("badge.display_name_help")), self.comment, muted(t("badge.leaving")),
                      ft.Container(content=self.leaving, padding=12, border_radius=8,
                                   border=ft.Border.all(1, ft.Colors.OUTLINE)),
                      self.message,
                      ft.FilledButton(content=t("badge.endorse_confirm"), icon=ft.Icons.DRAW,
                                      on_click=lambda _: self.endorse())]
        self.body.controls = parts

    def _preview(self) -> None:
        t = self.ctx.t
        title = self.claim.title if self.claim else ""
        self.leaving.value = "\n".join([
            t("badge.line.endorses", title=title),
            t("badge.line.comment", text=(self.comment.value or "").strip()),
            t("badge.signing_in", circle=self.recognition.circle_name(self.signing_circle) or "—")])

    def endorse(self) -> None:
        assert self.request is not None
        try:
            reply = endorse_request(self.recognition, self.request, self.comment.value or "", self.ctx.lang,
                                    self.signing_circle, name=self.name.value or "")
        except RessentiError as exc:
            self.message.value = exc.message(self.ctx.lang)
            return
        self._given(reply, t_key="badge.endorsed")

    def ask_award(self) -> None:
        """Who endorsed, by name and key, and what the circle will sign: then yes or no."""
        t = self.ctx.t
        assert self.review is not None and self.claim is not None
        peers = self.review.peers
        if len(peers) < ENDORSEMENTS_FOR_BADGE:
            self.message.value = NotEnoughEndorsements(count=len(peers), needed=ENDORSEMENTS_FOR_BADGE
                                                       ).message(self.ctx.lang)
            self.ctx.page.update()
            return
        from journal_app.circles import Circles

        circle = Circles(self.ctx.session.database).owned_circle(self.circle_id).invitation.name
        listed = "\n".join(t("badge.peer_line", name=p.issuer_name or t("badge.no_name"), key=short_did(p.issuer_id),
                             text=p.text) for p in peers)
        self.ctx.ask(t("badge.award_title"), t("badge.award_text", circle=circle, title=self.claim.title,
                                                name=self.claim.issuer_name or t("badge.no_name"), peers=listed),
                     [(t("common.cancel"), None), (t("badge.award_sign"), self.award)])

    def award(self) -> None:
        assert self.request is not None
        try:
            reply = self.recognition.award(self.circle_id, self.request, self.ctx.lang)
        except RessentiError as exc:
            self.message.value = exc.message(self.ctx.lang)
            return
        self._given(reply, t_key="badge.awarded")

    def _given(self, reply: Message, t_key: str) -> None:
        t = self.ctx.t
        self.body.controls = [ft.Text(t(t_key), weight=ft.FontWeight.W_600), muted(t("badge.give_back")),
                              CodePanel(self.ctx, reply, "ressenti-reconnaissance.json").control()]


class VerifyScreen:
    def __init__(self, ctx: AppContext, on_back: Callable[[], object]) -> None:
        self.ctx, self.on_back = ctx, on_back
        self.recognition = Recognition(ctx.session.database)
        self.incoming = Incoming(ctx, ctx.t("badge.verify_code"), self.show)
        self.body = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)

    def control(self) -> ft.Control:
        t = self.ctx.t
        return subscreen(t("common.back"), self.on_back, t("badge.verify"), muted(t("badge.verify_help")),
                         self.incoming.control(), self.body)

    def show(self, message: Message) -> None:
        self.body.controls = [_lines(lines) for _, lines in
                              verify_message(message, self.ctx.lang, self.recognition.circle_of_did)]

