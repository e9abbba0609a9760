"""Sharing an insight: the consent preview, and the outbox with withdraw and export.

Nothing is sealed until the member confirms, after seeing exactly the text that would leave,
every redaction marked; a tap redacts a word, or restores a redaction.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import date
from functools import partial

import flet as ft

from journal_app.anonymize import Anonymized, Span
from journal_app.circles import Circles, OutboxItem
from journal_app.errors import RessentiError
from journal_app.i18n import format_date, format_week
from journal_app.journal import Entry
from journal_app.practice import HANDLE_KEY
from journal_app.prompts.library import PackLibrary
from journal_app.sharing import Invitation
from journal_app.usecases.sharing import consent_text, share_insight, withdraw_insight
from journal_app.views.context import AppContext
from journal_app.views.join_circle import JoinCircle
from journal_app.views.theme import choice_chips, heading, muted, radio_row, subscreen

_WORD = re.compile(r"\S+")
MIN_TARGET = 44  # px a side: a word to touch in « Mot par mot » (WCAG 2.5.5, as on a phone)
WORD_GAP = 3  # px on each side of a word, inside its target


def _doubt_keep(t: Callable[..., str], result: Anonymized, start: int, end: int) -> str:
    """What a kept doubt says: a word may be a name; a description may tell someone (« Mon médecin
    à la clinique »), as the anonymizer says (`Anonymized.described`)."""
    key = "share.doubt_keep_someone" if (start, end) in result.described else "share.doubt_keep"
    return t(key, word=result.original[start:end])


def status_text(ctx: AppContext, item: OutboxItem) -> str:
    """« en attente d’envoi », « envoyée le 3 décembre 2026 » (the relay took it), « exportée
    le 27 novembre 2026 » (a share file carried it) or « retirée »."""
    if item.withdrawn:
        return ctx.t("share.withdrawn")
    if item.sent:
        return ctx.t("share.sent_on", date=format_date(date.fromisoformat(item.sent), ctx.lang))
    if item.exported:
        return ctx.t("share.exported_on", date=format_date(date.fromisoformat(item.exported), ctx.lang))
    by_relay = Circles(ctx.session.database).joined_circle(item.shared.circle_id).relay is not None
    if by_relay and ctx.relay is not None and ctx.relay.last_error is None:
        return ctx.t("share.leaving_soon")  # the privacy delay, not a failure
    return ctx.t("share.waiting_to_send")


class SharedNote:
    """On an entry: what was shared from it, with whom, and where it is now, said again after
    each round with the relay (« partira dans quelques instants », then « envoyée le … »)."""

    def __init__(self, ctx: AppContext, entry: Entry, on_see_outbox: Callable[[], None]) -> None:
        self.ctx, self.entry, self.on_see_outbox = ctx, entry, on_see_outbox
        self.box = ft.Container()
        self.fill()
        if ctx.relay is not None:
            ctx.relay.listen(self._relay_round_done)

    def fill(self) -> None:
        note = shared_note(self.ctx, self.entry, self.on_see_outbox)
        self.box.content, self.box.visible = note, note.visible

    def _relay_round_done(self) -> None:
        self.fill()
        self.ctx.page.update()


def shared_note(ctx: AppContext, entry: Entry, on_see_outbox: Callable[[], None]) -> ft.Control:
    """On an entry: what was shared from it, with whom, and where it is now."""
    circles = Circles(ctx.session.database)
    items = circles.shared_from(entry.id)
    names = {c.circle_id: c.name for c in circles.joined()}
    lines: list[ft.Control] = [
        ft.Text(ctx.t("share.from_entry", circle=names.get(item.shared.circle_id, "?"),
                      status=status_text(ctx, item))) for item in items]
    return ft.Container(
        visible=bool(items), padding=ft.Padding.symmetric(horizontal=12, vertical=8), border_radius=8,
        bgcolor=ft.Colors.SECONDARY_CONTAINER, content=ft.Row(
            spacing=12, vertical_alignment=ft.CrossAxisAlignment.START, controls=[
                ft.Icon(ft.Icons.IOS_SHARE, color=ft.Colors.ON_SECONDARY_CONTAINER),
                ft.Column(spacing=2, expand=True, controls=[
                    *lines,
                    ft.TextButton(content=ctx.t("share.see_outbox"), on_click=lambda _: on_see_outbox())])]))


class ShareScreen:
    def __init__(self, ctx: AppContext, entry: Entry, on_done: Callable[[], None],
                 today: Callable[[], date] = date.today,
                 on_see_outbox: Callable[[], None] = lambda: None,
                 on_shared: Callable[[], object] | None = None) -> None:
        self.ctx = ctx
        self.on_shared = on_shared or on_done  # the entry, shown again: it now says it was shared
        self.entry = entry
        self.on_done = on_done
        self.on_see_outbox = on_see_outbox
        self.today = today
        self.circles = Circles(ctx.session.database)
        t = ctx.t
        # What can be shared: the text, or one answer of a guided entry.
        labels = PackLibrary(ctx.session.database).answer_labels(entry.pack_id, ctx.lang)
        self.sources = ([("", t("share.source_body"))] if entry.body.strip() else []) + [
            (key, labels.get(key, t("editor.other_answer"))) for key, text in entry.answers.items()
            if text.strip() and key != HANDLE_KEY]
        self.source = self.sources[0][0] if self.sources else ""
        joined = self.circles.joined()
        self.circle_id = joined[0].circle_id if joined else ""
        self.question = ""  # the circle's question this insight answers, if the member picks one
        self.question_area = ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.joiner = JoinCircle(ctx, self.circles, self._joined)
        self.circle_area = ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.mode = "sentences"  # one control per sentence; "words": one per word
        self.left_out: set[int] = set()  # where the sentences left on the device begin
        self.preview = ft.Column(spacing=4, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        # The words the anonymizer doubts (maybe a name), shown apart in both modes, one tap each.
        self.doubts = ft.Column(spacing=6, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        # Said to a phone or typed without capitals: the anonymizer misses more; the member reads closely.
        self.caution = ft.Container(
            visible=False, padding=12, border_radius=8, border=ft.Border.all(2, ft.Colors.AMBER_800),
            content=ft.Row(spacing=8, controls=[
                ft.Icon(ft.Icons.WARNING_AMBER_ROUNDED, color=ft.Colors.AMBER_900),
                ft.Text(t("share.without_capitals"), expand=True)]))
        self.help = muted("")
        self.leaving = ft.Text("")
        self.confirm = ft.FilledButton(content=t("share.confirm"), icon=ft.Icons.SEND,
                                       on_click=self.confirm_share, disabled=not joined)
        self.message = ft.Text("")
        # The controls of the preview, kept from one tap to the next (by where their text
        # begins): redrawn in place, the one a keyboard has the focus on keeps it (M2).
        self._sentences: dict[int, ft.Semantics] = {}
        self._words: dict[int, ft.Semantics] = {}
        self._word_row = ft.Row(wrap=True, spacing=0, run_spacing=0)
        self._chips: dict[tuple[int, int], ft.Semantics] = {}
        self.result = self._anonymize()
        self.render_preview()

    def _anonymize(self) -> Anonymized:
        return consent_text(self.circles, self.entry, self.source, self.ctx.lang, self.ctx.session.journal)

    def control(self) -> ft.Control:
        t = self.ctx.t
        parts: list[ft.Control] = [heading(t("share.title")), muted(t("share.intro"))]
        before = self.circles.shared_from(self.entry.id)
        if before:  # sharing again (perhaps a sentence already withdrawn): said first (m17)
            names = {c.circle_id: c.name for c in self.circles.joined()}
            parts.append(ft.Text(t("share.already_shared", count=len(before), statuses="; ".join(
                f"{names.get(i.shared.circle_id, '?')}, {status_text(self.ctx, i)}" for i in before)),
                color=ft.Colors.TERTIARY))
        if len(self.sources) > 1:
            parts += [muted(t("share.source")),
                      radio_row(self.sources, self.source, self._source)]
        parts += [muted(t("share.choose_how")),
                  choice_chips([("sentences", t("share.by_sentence")), ("words", t("share.by_word"))],
                               self.mode, self._mode),
                  self.help,
                  self.caution,
                  self.doubts,
                  ft.Container(content=self.preview, padding=12, border_radius=8,
                               bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST),
                  muted(t("share.leaving")),
                  ft.Container(content=self.leaving, padding=12, border_radius=8,
                               border=ft.Border.all(1, ft.Colors.OUTLINE)),
                  muted(t("share.tap_help")),
                  muted(t("share.quoted_to_circle"))]  # where the words may end up (M6)
        self._fill_circle_area()
        parts += [self.circle_area, self.question_area, self.message, ft.Row(wrap=True, spacing=8, controls=[
            ft.TextButton(content=t("share.cancel"), on_click=lambda _: self.on_done()),
            self.confirm])]
        return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=12,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=parts)

    def _fill_circle_area(self) -> None:
        t = self.ctx.t
        joined = self.circles.joined()
        self._fill_questions()
        if joined:
            self.circle_area.controls = [muted(t("share.circle")), radio_row(
                [(c.circle_id, c.name) for c in joined], self.circle_id, self._circle)]
        else:
            self.circle_area.controls = self.joiner.controls(t("share.no_circle"))

    def _fill_questions(self) -> None:
        """The circle's questions (signed by its facilitator), to attach the insight to one;
        none is chosen for the member."""
        t = self.ctx.t
        try:
            questions = self.circles.circle_questions(self.circle_id) if self.circle_id else []
        except RessentiError:  # a message that no longer checks out: shown nowhere
            questions = []
        if self.question not in {q.id for q in questions}:
            self.question = ""
        self.question_area.visible = bool(questions)
        self.question_area.controls = [
            muted(t("share.question")),
            choice_chips([("", t("share.no_question")), *((q.id, q.text(self.ctx.lang)) for q in questions)],
                         self.question, self._question)] if questions else []

    def _question(self, value: str) -> None:
        self.question = value

    # -- the preview --------------------------------------------------------------------------
    def kept(self) -> list[tuple[int, int]]:
        return [(a, b) for a, b in self.result.sentences() if a not in self.left_out]

    def render_preview(self) -> None:
        """Sentences to keep or leave out, or every word to redact: and below, exactly the
        text that would leave."""
        t = self.ctx.t
        if self.mode == "sentences":
            self.help.value = t("share.sentence_help")
            self.preview.controls = [self._sentence(a, b) for a, b in self.result.sentences()]
        else:
            self.help.value = t("share.word_help")
            pieces: list[ft.Control] = []
            previous: int | None = None
            for a, b in self.kept():
                if previous is not None and self.result.original[previous:a].strip():
                    pieces.append(ft.Container(content=muted("[…]"), padding=ft.Padding.symmetric(vertical=12)))
                pieces += self._word_pieces(a, b)
                previous = b
            self._word_row.controls = pieces
            self.preview.controls = [self._word_row]
        self._render_doubts()
        self.caution.visible = self.result.written_without_capitals
        outgoing = self.outgoing_text
        self.leaving.value = outgoing or t("share.nothing_selected")
        self.leaving.color = None if outgoing else ft.Colors.ON_SURFACE_VARIANT
        self._update_confirm(outgoing)

    def doubted(self) -> list[tuple[int, int, Span | None]]:
        """The doubted words of the kept sentences, each with its redaction if the member made one."""
        kept = self.kept()
        out = []
        for a, b in self.result.doubts:
            if any(s <= a < e for s, e in kept):
                span = next((sp for sp in self.result.spans if sp.start < b and a < sp.end), None)
                if span is None or (span.start, span.end) == (a, b):  # not inside a longer redaction
                    out.append((a, b, span))
        return out

    def _render_doubts(self) -> None:
        """A chip for each doubted word, amber with a question mark (kept) or crossed out with a
        check (removed): one tap, or Tab then Space, decides, and the chip says so to a screen
        reader."""
        t = self.ctx.t
        chips: list[ft.Control] = []
        for a, b, span in self.doubted():
            word = self.result.original[a:b]
            removed = span is not None
            label = t("share.doubt_removed", word=word) if removed else _doubt_keep(t, self.result, a, b)
            chip = self._chips.get((a, b))
            if chip is None:
                mark = ft.Icon(ft.Icons.HELP_OUTLINE, size=18, color=ft.Colors.AMBER_900)
                shown = ft.Text(word, color=ft.Colors.BLACK)
                chip = self._chips[(a, b)] = ft.Semantics(container=True, content=ft.Container(
                    ink=True, padding=ft.Padding.symmetric(horizontal=8, vertical=11), border_radius=16,
                    border=ft.Border.all(2, ft.Colors.AMBER_800), data=("doubt", a, b),
                    on_click=lambda _, a=a, b=b: self.toggle_doubt(a, b),
                    content=ft.Row(spacing=4, tight=True, controls=[mark, shown])))
            box = chip.content
            assert isinstance(box, ft.Container) and isinstance(box.content, ft.Row)
            icon, text = box.content.controls
            assert isinstance(icon, ft.Icon) and isinstance(text, ft.Text)
            chip.label, chip.checked = label, removed
            box.bgcolor = ft.Colors.SURFACE if removed else ft.Colors.AMBER_100
            box.tooltip = ft.Tooltip(message=label, exclude_from_semantics=True)
            icon.icon = ft.Icons.CHECK if removed else ft.Icons.HELP_OUTLINE
            text.semantics_label = ""  # the chip's label says the word, once
            text.style = ft.TextStyle(
                decoration=ft.TextDecoration.LINE_THROUGH if removed else ft.TextDecoration.UNDERLINE,
                decoration_style=ft.TextDecorationStyle.DOTTED)
            chips.append(chip)
        self.doubts.visible = bool(chips)
        self.doubts.controls = [muted(t("share.doubts_title")),
                                ft.Row(wrap=True, spacing=6, run_spacing=6, controls=chips)] if chips else []

    def toggle_doubt(self, start: int, end: int) -> None:
        """Remove a doubted word (as a name: the placeholder reads as one), or put it back."""
        span = next((s for s in self.result.spans if s.start == start and s.end == end), None)
        if span is not None:
            self.result = self.result.without(span)
        else:
            self.result = self.result.with_redaction(start, end)
        self.render_preview()

    def _sentence(self, start: int, end: int) -> ft.Control:
        """One sentence, kept or left out by a tap, or by Tab then Space or Enter: a single
        control, announced with its text (redactions included) and whether it is checked."""
        kept = start not in self.left_out
        tile = self._sentences.get(start)
        if tile is None:
            tile = self._sentences[start] = ft.Semantics(container=True, content=ft.Container(
                ink=True, padding=ft.Padding.symmetric(horizontal=8, vertical=10), border_radius=8,
                data=("sentence", start), on_click=lambda _: self.toggle_sentence(start),
                content=ft.Row(spacing=8, vertical_alignment=ft.CrossAxisAlignment.START, controls=[
                    ft.Icon(ft.Icons.CHECK_BOX), ft.Text("", expand=True)])))
        box = tile.content
        assert isinstance(box, ft.Container) and isinstance(box.content, ft.Row)
        icon, text = box.content.controls
        assert isinstance(icon, ft.Icon) and isinstance(text, ft.Text)
        tile.checked = kept
        box.bgcolor = ft.Colors.SURFACE if kept else None
        icon.icon = ft.Icons.CHECK_BOX if kept else ft.Icons.CHECK_BOX_OUTLINE_BLANK
        icon.color = ft.Colors.PRIMARY if kept else ft.Colors.ON_SURFACE_VARIANT
        text.value = self.result.part(start, end)
        text.color = None if kept else ft.Colors.ON_SURFACE_VARIANT
        text.style = None if kept else ft.TextStyle(decoration=ft.TextDecoration.LINE_THROUGH)
        return tile

    def _word(self, start: int, text: str, *, kept: bool, said: str | None, tip: str,
              on_click: Callable[[], None], doubt: bool = False) -> ft.Semantics:
        """One word (or one replacement) of « Mot par mot »: reached with Tab, toggled with a tap,
        Space or Enter; at least 44 × 44 px to touch (m12); read as the word and whether it
        leaves (checked) or not."""
        piece = self._words.get(start)
        if piece is None:
            label = ft.Text("")
            doubted = ft.Icon(ft.Icons.HELP_OUTLINE, size=14, color=ft.Colors.AMBER_900)
            # Two empty boxes give the touch target its minimum size, whatever the word's.
            piece = self._words[start] = ft.Semantics(container=True, content=ft.Container(
                ink=True, border_radius=4, padding=ft.Padding.symmetric(horizontal=WORD_GAP), data=("word", start),
                content=ft.Row(tight=True, spacing=2, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                    ft.Container(width=0, height=MIN_TARGET),
                    ft.Column(tight=True, spacing=0, horizontal_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                        label, ft.Container(width=MIN_TARGET - 2 * WORD_GAP, height=0)]),
                    doubted])))
        box = piece.content
        assert isinstance(box, ft.Container) and isinstance(box.content, ft.Row)
        _, column, mark = box.content.controls
        assert isinstance(column, ft.Column) and isinstance(mark, ft.Icon)
        word = column.controls[0]
        assert isinstance(word, ft.Text)
        piece.checked = kept
        box.on_click = lambda _: on_click()
        box.tooltip = ft.Tooltip(message=tip, exclude_from_semantics=True)
        box.bgcolor = (ft.Colors.AMBER_100 if doubt else None) if kept else ft.Colors.TERTIARY_CONTAINER
        mark.visible = doubt
        word.value, word.semantics_label = text, said
        word.weight = None if kept else ft.FontWeight.W_600
        word.color = (ft.Colors.BLACK if doubt else None) if kept else ft.Colors.ON_TERTIARY_CONTAINER
        word.style = ft.TextStyle(decoration=ft.TextDecoration.UNDERLINE, decoration_color=ft.Colors.AMBER_900,
                                  decoration_style=ft.TextDecorationStyle.DOTTED) if doubt else None
        return piece

    def _word_pieces(self, start: int, end: int) -> list[ft.Control]:
        """Words and redactions of one sentence as pieces to toggle."""
        t = self.ctx.t
        pieces: list[ft.Control] = []
        original, last = self.result.original, start

        def words(a: int, b: int) -> None:
            for m in _WORD.finditer(original, a, b):
                doubt = next(((x, y) for x, y in self.result.open_doubts if m.start() <= x < m.end()), None)
                if doubt is not None:  # doubted: amber, dotted underline, a question mark
                    label = _doubt_keep(t, self.result, *doubt)
                    pieces.append(self._word(m.start(), m.group(), kept=True, said=label, tip=label, doubt=True,
                                             on_click=partial(self.toggle_doubt, *doubt)))
                    continue
                pieces.append(self._word(m.start(), m.group(), kept=True, said=None, tip=t("share.tap_to_redact"),
                                         on_click=partial(self.redact, m.start(), m.end())))

        for span in self.result.spans:
            if not start <= span.start < end:
                continue
            words(last, span.start)
            removed = original[span.start:span.end]
            pieces.append(self._word(span.start, span.replacement, kept=False,
                                     said=t("share.word_replaced", word=removed, replacement=span.replacement),
                                     tip=t("share.tap_to_restore", text=removed),
                                     on_click=partial(self.restore, span)))
            last = span.end
        words(last, end)
        return pieces

    @property
    def outgoing_text(self) -> str:
        if not self.left_out:
            return self.result.text.strip()
        return self.result.passage(self.kept())

    def toggle_sentence(self, start: int) -> None:
        self.left_out ^= {start}
        self.render_preview()

    def _mode(self, value: str) -> None:
        self.mode = value
        self._forget_controls()
        self.render_preview()

    def _forget_controls(self) -> None:
        self._sentences.clear()
        self._words.clear()
        self._chips.clear()

    def _update_confirm(self, outgoing: str | None = None) -> None:
        outgoing = self.outgoing_text if outgoing is None else outgoing
        self.confirm.disabled = not (self.circle_id and outgoing.strip())

    def redact(self, start: int, end: int) -> None:
        word = self.result.original[start:end]
        if word[:1].isupper():  # most likely a name: remember it for the next insights too
            self.circles.mark_name(word)
        self.result = self.result.with_redaction(start, end)
        self.render_preview()

    def restore(self, span: Span) -> None:
        self.result = self.result.without(span)
        self.render_preview()

    def _source(self, value: str) -> None:
        self.source = value
        self.left_out = set()
        self._forget_controls()
        self.result = self._anonymize()
        self.render_preview()

    def _circle(self, value: str) -> None:
        self.circle_id = value
        self._fill_questions()

    # -- actions ------------------------------------------------------------------------------
    def _joined(self, invitation: Invitation) -> None:
        self.circle_id = invitation.circle_id
        self._fill_circle_area()
        self._update_confirm()
        self.message.value = self.ctx.t("share.joined", name=invitation.name)
        self.message.color = None

    async def confirm_share(self, _: object = None) -> None:
        if not self.circle_id or not self.outgoing_text.strip():
            return
        try:  # sealed and saved in a worker thread: the vault may be large
            await asyncio.to_thread(share_insight, self.circles, self.circle_id, self.outgoing_text,
                                    self.entry, self.source, self.ctx.lang, self.today(), self.question)
        except Exception as exc:
            self.message.value = self.ctx.message(exc)
            self.message.color = ft.Colors.ERROR
            return
        by_relay = self.circles.joined_circle(self.circle_id).relay is not None
        if by_relay and self.ctx.relay is not None:
            self.ctx.relay.soon()  # in a few seconds, so the relay's order says less
        self.ctx.snack(self.ctx.t("share.done_relay" if by_relay else "share.done"),
                       action=self.ctx.t("share.see_outbox"), on_action=lambda _: self.on_see_outbox(), seconds=10)
        self.on_shared()


class OutboxScreen:
    """What this member shared, with withdraw, and the bundle to send."""

    def __init__(self, ctx: AppContext, on_back: Callable[[], None],
                 on_harvest: Callable[[str], object] = lambda circle_id: None) -> None:
        self.ctx = ctx
        self.on_back = on_back
        self.on_harvest = on_harvest
        self.circles = Circles(ctx.session.database)
        self.list = ft.Column(spacing=8)
        self.circle_buttons = ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.joiner = JoinCircle(ctx, self.circles, lambda _: self._fill_circle_buttons())
        self.relay_state = ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.retry = ft.OutlinedButton(content=ctx.t("share.retry"), icon=ft.Icons.REFRESH,
                                       on_click=lambda _: self.retry_now())
        if ctx.relay is not None:  # statuses change when a round ends, while this screen is shown
            ctx.relay.listen(self._relay_round_done)
        self.refresh()

    def control(self) -> ft.Control:
        t = self.ctx.t
        self._fill_circle_buttons()
        return subscreen(t("common.back"), self.on_back, t("share.outbox"), self.circle_buttons, self.list,
                         ft.Divider(), heading(t("share.join_title")),
                         *self.joiner.controls(t("share.join_help")))

    def _fill_circle_buttons(self) -> None:
        """Per circle joined: its harvest (with a relay) and its share file; a new circle adds its own."""
        t = self.ctx.t
        joined = self.circles.joined()
        exports = [ft.OutlinedButton(content=t("share.export_for", name=c.name), icon=ft.Icons.OUTBOX,
                                     on_click=lambda _, cid=c.circle_id: self.ctx.page.run_task(
                                         self.export, cid))
                   for c in joined]
        harvests = [ft.OutlinedButton(content=t("harvest.open", name=c.name), icon=ft.Icons.SPA,
                                      on_click=lambda _, cid=c.circle_id: self.on_harvest(cid))
                    for c in joined if c.relay is not None]
        any_relay = any(c.relay is not None for c in joined)
        self.circle_buttons.controls = [
            muted(t("share.outbox_help_relay" if any_relay else "share.outbox_help")), self.relay_state,
            *harvests, *([muted(t("share.files_fallback"))] if any_relay else []), *exports]

    def _relay_round_done(self) -> None:
        self.refresh()
        self.ctx.page.update()

    def retry_now(self) -> None:
        if self.ctx.relay is not None:
            self.ctx.relay.now()
            self.ctx.snack(self.ctx.t("share.retrying"))

    def _fill_relay_state(self) -> None:
        from journal_app.usecases.relay import waiting_for_relay

        t = self.ctx.t
        waiting = waiting_for_relay(self.ctx.session.database)
        error = self.ctx.relay.last_error if self.ctx.relay is not None else None
        lines: list[ft.Control] = []
        if waiting and error is None:  # the privacy delay, not a failure: calm words, no button
            lines.append(ft.Text(t("share.relay_leaving_soon", count=waiting)))
        elif waiting and error is not None:
            lines.append(ft.Text(t("share.relay_waiting", count=waiting)))
            lines.append(ft.Text(self.ctx.message(error), color=ft.Colors.ERROR))
            lines.append(ft.Row(controls=[self.retry]))
        self.relay_state.controls = lines
        self.relay_state.visible = bool(lines)

    def refresh(self) -> None:
        self._fill_relay_state()
        t = self.ctx.t
        names = {c.circle_id: c.name for c in self.circles.joined()}
        items: list[ft.Control] = []
        for item in self.circles.outbox():
            insight = item.shared.insight
            status = status_text(self.ctx, item)
            week = format_week(insight.week, self.ctx.lang)
            items.append(ft.Card(content=ft.Container(padding=12, content=ft.Column(spacing=6, controls=[
                muted(f"{names.get(item.shared.circle_id, '?')} · {week} · {status}"),
                ft.Text(insight.text),
                *([] if item.withdrawn else [ft.TextButton(
                    content=t("share.withdraw"), icon=ft.Icons.UNDO,
                    on_click=lambda _, i=insight.id: self.ask_withdraw(i))]),
            ]))))
        self.list.controls = items or [muted(t("share.empty"))]

    def ask_withdraw(self, insight_id: str) -> None:
        """p9: one tap withdrew at once, with no way back: asked first, saying what follows."""
        t = self.ctx.t
        self.ctx.ask(t("share.withdraw_title"), t("share.withdraw_text"), [
            (t("share.withdraw_confirm"), lambda: self.withdraw(insight_id)),
            (t("share.withdraw_keep"), None)])

    def withdraw(self, insight_id: str) -> None:
        withdraw_insight(self.circles, insight_id)
        item = next(i for i in self.circles.outbox() if i.shared.insight.id == insight_id)
        by_relay = self.circles.joined_circle(item.shared.circle_id).relay is not None
        if by_relay and self.ctx.relay is not None and item.left:
            self.ctx.relay.soon()
        self.refresh()
        self.ctx.snack(self.ctx.t("share.withdrawal_ready_relay" if by_relay and item.left else
                                  "share.withdrawal_ready" if item.left else "share.withdrawn_before_leaving"))

    async def export(self, circle_id: str) -> None:
        file = self.circles.outbox_file(circle_id)
        if await self.ctx.send_bytes(f"ressenti-idees-partagees-{date.today().isoformat()}.json",
                                     file.data, "application/json"):
            self.circles.mark_exported(circle_id, date.today(), file.carried)
            self.refresh()
            self.ctx.snack(self.ctx.t("share.exported"))
