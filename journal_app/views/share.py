"""Sharing an insight: the consent preview, and the outbox with withdraw and export.

Nothing is sealed until the member confirms, after seeing exactly the text that would leave,
every redaction marked; a tap redacts a word, or restores a redaction.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import date

import flet as ft

from journal_app.anonymize import Anonymized, Span
from journal_app.circles import Circles
from journal_app.i18n import format_date, format_week
from journal_app.journal import Entry
from journal_app.practice import HANDLE_KEY
from journal_app.prompts.library import PackLibrary
from journal_app.usecases.sharing import consent_text, share_insight, withdraw_insight
from journal_app.views.context import AppContext
from journal_app.views.theme import heading, muted, radio_row

_WORD = re.compile(r"\S+")


class ShareScreen:
    def __init__(self, ctx: AppContext, entry: Entry, on_done: Callable[[], None],
                 today: Callable[[], date] = date.today,
                 on_see_outbox: Callable[[], None] = lambda: None) -> None:
        self.ctx = ctx
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
        self.code = ft.TextField(label=t("share.invitation"), on_submit=self.join)
        self.circle_area = ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.preview = ft.Row(wrap=True, spacing=2, run_spacing=4)
        self.confirm = ft.FilledButton(content=t("share.confirm"), icon=ft.Icons.SEND,
                                       on_click=self.confirm_share, disabled=not joined)
        self.message = ft.Text("")
        self.result = self._anonymize()
        self.render_preview()

    def _anonymize(self) -> Anonymized:
        return consent_text(self.circles, self.entry, self.source, self.ctx.lang)

    def control(self) -> ft.Control:
        t = self.ctx.t
        parts: list[ft.Control] = [heading(t("share.title")), muted(t("share.intro"))]
        if len(self.sources) > 1:
            parts += [muted(t("share.source")),
                      radio_row(self.sources, self.source, self._source)]
        parts += [ft.Container(content=self.preview, padding=12, border_radius=8,
                               bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST),
                  muted(t("share.tap_help"))]
        self._fill_circle_area()
        parts += [self.circle_area, self.message, ft.Row(wrap=True, spacing=8, controls=[
            ft.TextButton(content=t("share.cancel"), on_click=lambda _: self.on_done()),
            self.confirm])]
        return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=12,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=parts)

    def _fill_circle_area(self) -> None:
        t = self.ctx.t
        joined = self.circles.joined()
        if joined:
            self.circle_area.controls = [muted(t("share.circle")), radio_row(
                [(c.circle_id, c.name) for c in joined], self.circle_id, self._circle)]
        else:
            self.circle_area.controls = [
                ft.Text(t("share.no_circle")), muted(t("share.scan_help")), self.code,
                ft.Row(wrap=True, spacing=8, controls=[
                    ft.OutlinedButton(content=t("share.paste"), icon=ft.Icons.CONTENT_PASTE,
                                      on_click=lambda _: self.ctx.page.run_task(self.paste)),
                    ft.OutlinedButton(content=t("share.join"), on_click=self.join)])]

    # -- the preview --------------------------------------------------------------------------
    def render_preview(self) -> None:
        """Words and redactions as tappable pieces: exactly the text that would leave."""
        t = self.ctx.t
        pieces: list[ft.Control] = []
        original, last = self.result.original, 0

        def words(start: int, end: int) -> None:
            for m in _WORD.finditer(original, start, end):
                pieces.append(ft.Container(
                    content=ft.Text(m.group()), padding=ft.Padding.symmetric(horizontal=2),
                    on_click=lambda _, s=m.start(), e=m.end(): self.redact(s, e),
                    tooltip=t("share.tap_to_redact")))

        for span in self.result.spans:
            words(last, span.start)
            pieces.append(ft.Container(
                content=ft.Text(span.replacement, weight=ft.FontWeight.W_600,
                                color=ft.Colors.ON_TERTIARY_CONTAINER),
                bgcolor=ft.Colors.TERTIARY_CONTAINER, border_radius=4,
                padding=ft.Padding.symmetric(horizontal=4),
                on_click=lambda _, s=span: self.restore(s),
                tooltip=t("share.tap_to_restore", text=original[span.start:span.end])))
            last = span.end
        words(last, len(original))
        self.preview.controls = pieces

    @property
    def outgoing_text(self) -> str:
        return self.result.text

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
        self.result = self._anonymize()
        self.render_preview()

    def _circle(self, value: str) -> None:
        self.circle_id = value

    # -- actions ------------------------------------------------------------------------------
    def join(self, _: object = None) -> None:
        try:
            invitation = self.circles.join(self.code.value or "")
        except Exception as exc:
            self.message.value = self.ctx.message(exc)
            self.message.color = ft.Colors.ERROR
            return
        self.circle_id = invitation.circle_id
        self._fill_circle_area()
        self.confirm.disabled = False
        self.message.value = self.ctx.t("share.joined", name=invitation.name)
        self.message.color = None

    async def paste(self) -> None:
        """The code copied from the phone's camera (which reads the QR image) or a message."""
        text = await self.ctx.clipboard.get() if self.ctx.clipboard else None
        self.code.value = (text or "").strip()
        self.join()
        self.ctx.page.update()

    async def confirm_share(self, _: object = None) -> None:
        if not self.circle_id or not self.outgoing_text.strip():
            return
        try:  # sealed and saved in a worker thread: the vault may be large
            await asyncio.to_thread(share_insight, self.circles, self.circle_id, self.outgoing_text,
                                    self.entry, self.source, self.ctx.lang, self.today())
        except Exception as exc:
            self.message.value = self.ctx.message(exc)
            self.message.color = ft.Colors.ERROR
            return
        self.ctx.snack(self.ctx.t("share.done"), action=self.ctx.t("share.see_outbox"),
                       on_action=lambda _: self.on_see_outbox(), seconds=10)
        self.on_done()


class OutboxScreen:
    """What this member shared, with withdraw, and the bundle to send."""

    def __init__(self, ctx: AppContext, on_back: Callable[[], None]) -> None:
        self.ctx = ctx
        self.on_back = on_back
        self.circles = Circles(ctx.session.database)
        self.list = ft.Column(spacing=8)
        self.refresh()

    def control(self) -> ft.Control:
        t = self.ctx.t
        exports = [ft.OutlinedButton(content=t("share.export_for", name=c.name), icon=ft.Icons.OUTBOX,
                                     on_click=lambda _, cid=c.circle_id: self.ctx.page.run_task(
                                         self.export, cid))
                   for c in self.circles.joined()]
        return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=12,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            ft.Row(controls=[ft.TextButton(content=t("common.back"), icon=ft.Icons.ARROW_BACK,
                                           on_click=lambda _: self.on_back())]),
            heading(t("share.outbox")), muted(t("share.outbox_help")), *exports, self.list])

    def refresh(self) -> None:
        t = self.ctx.t
        names = {c.circle_id: c.name for c in self.circles.joined()}
        items: list[ft.Control] = []
        for item in self.circles.outbox():
            insight = item.shared.insight
            if item.withdrawn:
                status = t("share.withdrawn")
            elif item.exported:
                status = t("share.exported_on", date=format_date(date.fromisoformat(item.exported), self.ctx.lang))
            else:
                status = t("share.waiting_to_send")
            week = format_week(insight.week, self.ctx.lang)
            items.append(ft.Card(content=ft.Container(padding=12, content=ft.Column(spacing=6, controls=[
                muted(f"{names.get(item.shared.circle_id, '?')} · {week} · {status}"),
                ft.Text(insight.text),
                *([] if item.withdrawn else [ft.TextButton(
                    content=t("share.withdraw"), icon=ft.Icons.UNDO,
                    on_click=lambda _, i=insight.id: self.withdraw(i))]),
            ]))))
        self.list.controls = items or [muted(t("share.empty"))]

    def withdraw(self, insight_id: str) -> None:
        withdraw_insight(self.circles, insight_id)
        self.refresh()
        self.ctx.snack(self.ctx.t("share.withdrawal_ready"))

    async def export(self, circle_id: str) -> None:
        if await self.ctx.send_bytes(f"ressenti-idees-partagees-{date.today().isoformat()}.json",
                                     self.circles.outbox_bundle(circle_id), "application/json"):
            self.circles.mark_exported(circle_id, date.today())
            self.refresh()
            self.ctx.snack(self.ctx.t("share.exported"))
