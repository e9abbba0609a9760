"""« Ce que le cercle a récolté »: what the facilitator gave back to the circle, signed with the
circle's key and checked before it is shown: themes of at least k insights, with quotes, those
in the member's language first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import flet as ft

from journal_app.circle_messages import harvest_of
from journal_app.circles import Circles
from journal_app.errors import RessentiError
from journal_app.i18n import format_date
from journal_app.views.context import AppContext
from journal_app.views.theme import muted, subscreen


class HarvestScreen:
    def __init__(self, ctx: AppContext, circle_id: str, on_back: Callable[[], None]) -> None:
        self.ctx, self.circle_id, self.on_back = ctx, circle_id, on_back
        self.circles = Circles(ctx.session.database)
        self.body = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        if ctx.relay is not None:
            ctx.relay.listen(self._refreshed)
        self.refresh()

    def control(self) -> ft.Control:
        t = self.ctx.t
        return subscreen(t("common.back"), self.on_back, t("harvest.title"), self.body,
                         ft.Row(controls=[ft.OutlinedButton(content=t("harvest.check"), icon=ft.Icons.REFRESH,
                                                            on_click=lambda _: self.check())]))

    def check(self) -> None:
        if self.ctx.relay is not None:
            self.ctx.relay.now()
            self.ctx.snack(self.ctx.t("harvest.checking"))

    def _refreshed(self) -> None:
        self.refresh()
        self.ctx.page.update()

    def refresh(self) -> None:
        t, lang = self.ctx.t, self.ctx.lang
        try:
            name = self.circles.joined_circle(self.circle_id).name
            message = self.circles.circle_message(self.circle_id, "harvest")
        except RessentiError as exc:
            self.body.controls = [ft.Text(self.ctx.message(exc), color=ft.Colors.ERROR)]
            return
        if message is None:
            self.body.controls = [muted(t("harvest.nothing_yet", name=name))]
            return
        harvest = harvest_of(message)
        controls: list[ft.Control] = [
            muted(t("harvest.intro", name=harvest.name,
                    day=format_date(date.fromisoformat(message.day), lang), k=harvest.k, total=harvest.total))]
        if not harvest.themes:
            controls.append(muted(t("harvest.no_theme", k=harvest.k)))
        for theme in harvest.themes:
            quotes = sorted(theme.quotes, key=lambda q: q[1] != lang)  # the member's language first
            controls.append(ft.Card(content=ft.Container(padding=12, content=ft.Column(spacing=6, controls=[
                ft.Text(t("harvest.theme", label=theme.name(lang), count=theme.count), weight=ft.FontWeight.W_600),
                *(ft.Text(t("facilitator.quote", text=text), italic=True) for text, _ in quotes),
            ]))))
        self.body.controls = controls
