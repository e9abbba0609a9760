"""The facilitator's dashboard: create a circle, import bundles, curate themes, export a report."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import date, timedelta
from typing import Any

import flet as ft

from journal_app.circles import CircleNameMissing, Circles, PublishedHarvest
from journal_app.harvest import MIN_K, Harvest
from journal_app.i18n import format_week
from journal_app.journal import KINDS
from journal_app.prompts.library import PackLibrary
from journal_app.sharing import Invitation
from journal_app.themes import ThemeBoard, ThemeView
from journal_app.usecases.bundles import describe_bundles, import_bundles
from journal_app.usecases.reports import themes_report
from journal_app.views.context import AppContext
from journal_app.views.theme import (
    MONOSPACE,
    choice_chips,
    icon_button,
    muted,
    qr_picture,
    radio_row,
    room,
    subscreen,
)

ALL = "*"
QR_MOST = 560  # pixels an invitation's QR code may take on a wide screen
SPARK_HEIGHT = 24  # px: a theme's weeks as an inline sparkline (a bar chart took about 100 px, p12)
SPARK_WEEKS = 12  # the most weeks a sparkline shows, the last ones


def _monday(iso_week: str) -> date:
    year, _, week = iso_week.partition("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def _iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_series(weeks: list[tuple[str, int]], most: int = SPARK_WEEKS) -> list[tuple[str, int]]:
    """A theme's insights per week from its first week to its last, a week without any at 0
    (a sparkline with gaps closed up would lie about the rhythm), the last `most` weeks."""
    try:
        counts = {_monday(w): n for w, n in weeks}
    except ValueError:  # not an ISO week: shown as it came
        return weeks[-most:]
    if not counts:
        return []
    first, last = min(counts), max(counts)
    first = max(first, last - timedelta(weeks=most - 1))
    return [(_iso_week(first + timedelta(weeks=i)), counts.get(first + timedelta(weeks=i), 0))
            for i in range((last - first).days // 7 + 1)]


def trend_line(weeks: list[tuple[str, int]], today: date, t: Callable[..., str], lang: str) -> str:
    """A theme's last week in one line: « 3 cette semaine · 5 la précédente », « 2 la semaine 45 »."""
    series = week_series(weeks)
    if not series:
        return ""
    last, n = series[-1]
    this_monday = today - timedelta(days=today.weekday())
    try:
        ago = (this_monday - _monday(last)).days // 7
    except ValueError:
        ago = -1
    line = (t("facilitator.trend_this_week", n=n) if ago == 0 else t("facilitator.trend_last_week", n=n)
            if ago == 1 else t("facilitator.trend_week", n=n, week=format_week(last, lang, today)))
    if len(series) > 1:
        line += " · " + t("facilitator.trend_before", n=series[-2][1])
    return line


class FacilitatorScreen:
    def __init__(self, ctx: AppContext, on_back: Callable[[], None], circle_id: str | None = None,
                 on_recognize: Callable[[], object] | None = None) -> None:
        self.ctx = ctx
        self.on_back = on_back
        self.on_recognize = on_recognize
        self.db = ctx.session.database
        self.circles = Circles(self.db)
        self.harvest = Harvest(self.db)
        owned = [k.invitation.circle_id for k in self.circles.owned()]
        self.circle_id = circle_id if circle_id in owned else (owned[0] if owned else None)
        self.kind = ALL
        self.prompt = ALL
        self.report_lang: str | None = None  # chosen by the facilitator; else the circle's language
        self.board: ThemeBoard | None = None
        self.loading = False
        self.busy = False  # a change is being made in a worker thread
        self.load_error = ""
        self.body = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.message = ft.Text("")
        self.new_name = ft.TextField(label=ctx.t("facilitator.circle_name"), on_submit=self.create)
        self.new_relay = ft.TextField(label=ctx.t("facilitator.relay_url"), hint_text="https://…",
                                      helper=ctx.t("facilitator.relay_url_help"), helper_max_lines=3,
                                      on_submit=self.create)
        # A relay asks for its registration token by default (docs/relay.md): its operator gives it.
        self.new_token = ft.TextField(label=ctx.t("facilitator.relay_token"), password=True,
                                      can_reveal_password=True, helper=ctx.t("facilitator.relay_token_help"),
                                      helper_max_lines=3, on_submit=self.create)
        self.question_fr = ft.TextField(label=ctx.t("facilitator.question_fr"), max_length=300)
        self.question_en = ft.TextField(label=ctx.t("facilitator.question_en"), max_length=300)
        self.questions_open = False  # « Les questions du cercle » stays open while questions are added
        self.questions_said = ""  # « Question ajoutée… » under the fields
        self.seed_field = ft.TextField(label=ctx.t("facilitator.seed_label"),
                                       hint_text=ctx.t("facilitator.seed_hint"), on_submit=self.seed)
        self.refresh()

    def control(self) -> ft.Control:
        t = self.ctx.t
        return subscreen(t("common.back"), self.on_back, t("facilitator.title"), muted(t("facilitator.help")),
                         self.message, self.body)

    # -- building -----------------------------------------------------------------------------
    def refresh(self) -> None:
        t = self.ctx.t
        owned = self.circles.owned()
        parts: list[ft.Control] = []
        if len(owned) > 1:
            parts.append(choice_chips([(k.invitation.circle_id, k.invitation.name) for k in owned],
                                      self.circle_id or "", self.choose_circle))
        if self.circle_id is None:
            parts += [muted(t("facilitator.no_circle")), self.new_name, self.new_relay, self.new_token,
                      ft.FilledButton(content=t("facilitator.create"), icon=ft.Icons.GROUPS,
                                      on_click=lambda _: self.ctx.page.run_task(self.create_async))]
            self.body.controls = parts
            return
        keys = self.circles.owned_circle(self.circle_id)
        k = self.harvest.k(self.circle_id)
        parts += [
            ft.Text(keys.invitation.name, size=18, weight=ft.FontWeight.W_600),
            *self._section(t("facilitator.section_setup")),
            ft.ExpansionTile(title=ft.Text(t("facilitator.invite")), controls=[
                muted(t("facilitator.invite_help")),
                ft.SelectionArea(content=ft.Text(keys.invitation.code(), size=12, font_family=MONOSPACE)),
                ft.Row(wrap=True, controls=[
                    ft.OutlinedButton(content=t("facilitator.copy_code"), icon=ft.Icons.COPY,
                                      on_click=lambda _: self.ctx.page.run_task(self.copy_code)),
                    ft.OutlinedButton(content=t("facilitator.save_qr"), icon=ft.Icons.QR_CODE,
                                      on_click=lambda _: self.ctx.page.run_task(self.save_qr))]),
                muted(t("facilitator.qr_help")),
                self._invitation_qr(keys.invitation)]),
            *([muted(t("facilitator.on_relay", url=keys.invitation.relay.url))] if keys.invitation.relay else []),
            ft.Row(spacing=0, controls=[
                icon_button(ft.Icons.REMOVE, t("facilitator.k_less"), self.set_k(k - 1), disabled=k <= MIN_K),
                ft.Text(t("facilitator.k", k=k)),
                icon_button(ft.Icons.ADD, t("facilitator.k_more"), self.set_k(k + 1))]),
            muted(t("facilitator.k_limits")),
            *([ft.Row(wrap=True, controls=[ft.OutlinedButton(
                content=t("badge.circle_badge_button"), icon=ft.Icons.WORKSPACE_PREMIUM,
                on_click=self._recognize)]), muted(t("badge.circle_badge_help"))] if self.on_recognize else []),
            *([*self._section(t("facilitator.section_questions")), self._questions()]
              if keys.invitation.relay else []),
            *self._section(t("facilitator.section_received")),
            ft.Row(wrap=True, spacing=12, controls=[
                *([ft.FilledButton(content=t("facilitator.receive"), icon=ft.Icons.DOWNLOAD_FOR_OFFLINE,
                                   on_click=lambda _: self.ctx.page.run_task(self.receive))]
                  if keys.invitation.relay else []),
                (ft.OutlinedButton if keys.invitation.relay else ft.FilledButton)(
                    content=t("facilitator.import"), icon=ft.Icons.MOVE_TO_INBOX,
                    on_click=lambda _: self.ctx.page.run_task(self.import_bundles))]),
        ]
        released = self.harvest.released(self.circle_id)
        waiting = self.harvest.waiting(self.circle_id)
        if waiting:
            parts.append(muted(t("facilitator.waiting", count=waiting, k=k)))
        if not released:
            parts.append(muted(t("facilitator.nothing_yet", k=k)))
            self.body.controls = parts
            return
        if self.board is None:
            # Reading hundreds of new insights takes seconds: done aside, with a word on screen.
            parts.append(ft.Row(controls=[ft.ProgressRing(width=20, height=20),
                                          ft.Text(self.ctx.t("facilitator.grouping"))]))
            if self.load_error:
                parts[-1] = ft.Text(self.load_error, color=ft.Colors.ERROR)
            elif not self.loading:
                self.loading = True
                self.ctx.page.run_task(self._load_board, self.circle_id)
            self.body.controls = parts
            return
        parts += self._themes(k)
        self.body.controls = parts

    def _questions(self) -> ft.Control:
        """The circle's questions, in French and English, and publishing them, signed."""
        assert self.circle_id is not None
        t = self.ctx.t
        questions = self.circles.questions(self.circle_id)
        # Each question its own block, its French and English lines apart, the pairs spaced (p13).
        rows: list[ft.Control] = [ft.Container(padding=ft.Padding.symmetric(vertical=6), content=ft.Row(
            vertical_alignment=ft.CrossAxisAlignment.START, controls=[
                ft.Column(spacing=6, expand=True, controls=[
                    ft.Text(t("facilitator.question_in_fr", text=q.fr)),
                    muted(t("facilitator.question_in_en", text=q.en))]),
                ft.TextButton(content=t("facilitator.question_remove"), icon=ft.Icons.DELETE_OUTLINE,
                              on_click=lambda _, qid=q.id: self.remove_question(qid))]))
            for q in questions]
        spaced: list[ft.Control] = []
        for row in rows:
            spaced += [*([ft.Divider(height=1)] if spaced else []), row]
        said = [ft.Text(self.questions_said, color=ft.Colors.PRIMARY)] if self.questions_said else []
        return ft.ExpansionTile(title=ft.Text(t("facilitator.questions_title", count=len(questions))),
                                expanded=self.questions_open, on_change=self._questions_folded, controls=[
            muted(t("facilitator.questions_help")), *spaced, self.question_fr, self.question_en, *said,
            ft.Row(wrap=True, spacing=8, controls=[
                ft.OutlinedButton(content=t("facilitator.question_add"), icon=ft.Icons.ADD,
                                  on_click=lambda _: self.add_question()),
                ft.FilledButton(content=t("facilitator.questions_publish"), icon=ft.Icons.CAMPAIGN,
                                disabled=not questions,
                                on_click=self.acting(self._publish_questions))])])

    def _questions_folded(self, e: ft.Event[ft.ExpansionTile]) -> None:
        self.questions_open = e.data in (True, "true") if e.data is not None else bool(e.control.expanded)

    def _section(self, title: str) -> list[ft.Control]:
        """A part of the screen (setup, questions, themes, reports) set apart by a line and its heading."""
        return [ft.Divider(height=24), ft.Semantics(header=True, content=ft.Text(
            title, size=18, weight=ft.FontWeight.W_600, color=ft.Colors.PRIMARY))]

    def add_question(self) -> None:
        if self.circle_id is None:
            return
        self.questions_open, self.questions_said = True, ""
        fr, en = (self.question_fr.value or "").strip(), (self.question_en.value or "").strip()
        if not (fr and en):
            self.question_en.error = self.ctx.t("facilitator.question_both")
            return
        try:
            self.circles.add_question(self.circle_id, fr, en)
        except Exception as exc:
            self.question_en.error = self.ctx.message(exc)
            return
        self.question_fr.value = self.question_en.value = ""
        self.question_en.error = None
        self.questions_said = self.ctx.t("facilitator.question_added")
        self.refresh()

    def remove_question(self, question_id: str) -> None:
        self.questions_open, self.questions_said = True, ""
        if self.circle_id is not None:
            self.circles.set_questions(self.circle_id, [q for q in self.circles.questions(self.circle_id)
                                                        if q.id != question_id])
            self.refresh()

    def _publish_questions(self) -> None:
        from datetime import date

        from journal_app.usecases.relay import publish_questions

        assert self.circle_id is not None
        count = publish_questions(self.db, self.circle_id, date.today())
        self.ctx.snack(self.ctx.t("cli.questions_published", count=count))

    def _publish_harvest(self, draft: PublishedHarvest) -> None:
        """Publish the very draft the facilitator was shown (`preview_harvest`)."""
        from datetime import date

        from journal_app.usecases.relay import publish_harvest

        assert self.circle_id is not None
        harvest = publish_harvest(self.db, self.circle_id, self.ctx.lang, date.today(), draft=draft)
        self.ctx.snack(self.ctx.t("cli.harvest_published", count=len(harvest.themes), k=harvest.k))

    async def preview_harvest(self) -> None:
        """Before « Publier »: exactly what members will see (themes, counts, quotes), and a nudge
        for themes still named by the app's keywords (M5). Nothing leaves before « Publier »."""
        from journal_app.circle_messages import harvest_from_body
        from journal_app.usecases.relay import draft_harvest

        if self.circle_id is None or self.busy:
            return
        circle_id, t = self.circle_id, self.ctx.t
        self.busy = True  # a second tap while the draft is made opens no second dialog
        try:
            if self.board is not None and self.board.unsaved:
                await asyncio.to_thread(self.board.save)
            draft = await asyncio.to_thread(draft_harvest, self.db, circle_id, self.ctx.lang)
        except Exception as exc:  # the vault locked meanwhile, the themes' extra missing: one sentence
            self.message.value, self.message.color = self.ctx.message(exc), ft.Colors.ERROR
            self.ctx.page.update()
            return
        finally:
            self.busy = False
        harvest = harvest_from_body(draft.body)
        lang, other = self.ctx.lang, "en" if self.ctx.lang == "fr" else "fr"
        automatic = {th.name(lang) for th in (self.board.board.themes if self.board else [])
                     if not th.named and th.origin == "suggested"}
        lines: list[ft.Control] = [muted(t("facilitator.harvest_preview_help", k=harvest.k))]
        for theme in harvest.themes:  # each name as members read it, in their language
            lines.append(ft.Text(f"{theme.name(lang)} ({theme.count})", weight=ft.FontWeight.W_600))
            if theme.name(other) != theme.name(lang):
                lines.append(muted(t("facilitator.name_in_other_language", name=theme.name(other))))
            lines += [muted(t("facilitator.quote", text=text)) for text, _ in theme.quotes]
        if not harvest.themes:
            lines.append(ft.Text(t("facilitator.harvest_preview_empty", k=harvest.k)))
        named_by_app = [th.name(lang) for th in harvest.themes if th.name(lang) in automatic]
        if named_by_app:
            lines.append(ft.Text(t("facilitator.harvest_unnamed", names=", ".join(named_by_app)),
                                 color=ft.Colors.TERTIARY))

        async def publish(_: object) -> AsyncIterator[None]:
            self.ctx.page.pop_dialog()
            async for step in self.act(self._publish_harvest, draft):
                yield step

        self.ctx.show_dialog(ft.AlertDialog(
            title=ft.Text(t("facilitator.harvest_preview")),
            content=ft.Column(lines, scroll=ft.ScrollMode.AUTO, tight=True, width=560),
            actions=[ft.TextButton(content=t("common.cancel"), on_click=lambda _: self.close()),
                     ft.FilledButton(content=t("facilitator.harvest_confirm"), on_click=publish)]))

    async def receive(self) -> None:
        """« Recevoir »: what members sent to the relay, through the same import as files."""
        from journal_app.usecases.relay import describe_receive, receive

        if self.loading or self.circle_id is None:
            return
        circle_id = self.circle_id
        self.message.value, self.message.color = self.ctx.t("facilitator.receiving"), None
        self.ctx.page.update()
        try:
            report = await asyncio.to_thread(receive, self.db, circle_id)
        except Exception as exc:  # the relay unreachable, or refused: one sentence, nothing lost
            self.message.value, self.message.color = self.ctx.message(exc), ft.Colors.ERROR
        else:
            self.message.value, self.message.color = "\n".join(describe_receive(report, self.ctx.lang)), None
        self.board = None
        self.refresh()
        self.ctx.page.update()

    def _read_board(self, circle_id: str) -> ThemeBoard:
        board = ThemeBoard(self.db, circle_id, self.ctx.lang)
        if board.unsaved:  # the insights released since are placed: keep where they went
            board.save()
        return board

    async def _load_board(self, circle_id: str) -> None:
        """The grouping runs in a worker thread; the screen changes here, on the event loop,
        all at once with the update that shows it."""
        board: ThemeBoard | None
        try:
            board = await asyncio.to_thread(self._read_board, circle_id)
        except Exception as exc:  # the extra is missing, most likely: say how to install it
            self.load_error = self.ctx.message(exc)
            board = None
        self.loading = False
        if circle_id != self.circle_id or not self.ctx.session.is_open:
            return  # another circle was chosen, or the journal was locked meanwhile
        self.board = board
        self.refresh()
        self.ctx.page.update()

    def _filters(self) -> list[ft.Control]:
        assert self.board is not None
        t = self.ctx.t
        kinds = [(ALL, t("facilitator.all"))] + [(k, t(f"kind.{k}")) for k in KINDS
                                                  if any(i.kind == k for i in self.board.insights.values())]
        prompts = sorted({i.prompt_id for i in self.board.insights.values() if i.prompt_id})
        out: list[ft.Control] = [choice_chips(kinds, self.kind, self.filter_kind)]
        if prompts:
            library = PackLibrary(self.ctx.session.database)
            named = [(p, library.question_label(p, self.ctx.lang) or t("facilitator.other_question"))
                     for p in prompts]
            out.append(choice_chips([(ALL, t("facilitator.all_prompts"))] + named, self.prompt, self.filter_prompt))
        return out

    def _themes(self, k: int) -> list[ft.Control]:
        assert self.board is not None
        t = self.ctx.t
        views, unsorted = self.board.views(None if self.kind == ALL else self.kind,
                                           None if self.prompt == ALL else self.prompt)
        parts: list[ft.Control] = [
            ft.Text(t("facilitator.themes", count=len(views)), size=16, weight=ft.FontWeight.W_600),
            *self._filters(),
            ft.Row(wrap=True, spacing=8, controls=[
                ft.OutlinedButton(content=t("facilitator.suggest"), icon=ft.Icons.AUTO_AWESOME,
                                  on_click=self.acting(self._board().suggest))]),
            ft.Row(wrap=True, vertical_alignment=ft.CrossAxisAlignment.END, controls=[
                ft.Container(content=self.seed_field, width=420),
                ft.OutlinedButton(content=t("facilitator.seed"), icon=ft.Icons.LABEL, on_click=self.seed)]),
        ]
        parts += [self._theme_card(view, views, k) for view in views]
        if unsorted:
            parts.append(ft.Card(content=ft.Container(padding=12, content=ft.Column(spacing=6, controls=[
                ft.Text(t("facilitator.unsorted", count=len(unsorted)), weight=ft.FontWeight.W_600),
                *[self._insight_row(i.id, i.text, views) for i in unsorted[:20]]]))))
        parts += [
            *self._section(t("facilitator.section_reports")),
            ft.Row(wrap=True, spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                ft.Text(t("facilitator.report_language")),
                choice_chips([("fr", "Français"), ("en", "English")], self._report_lang(), self.choose_report_lang)]),
            ft.Row(wrap=True, spacing=8, controls=[
                ft.OutlinedButton(content=t("facilitator.export_markdown"), icon=ft.Icons.DOWNLOAD,
                                  on_click=lambda _: self.ctx.page.run_task(self.export, "markdown")),
                ft.OutlinedButton(content=t("facilitator.export_csv"), icon=ft.Icons.DOWNLOAD,
                                  on_click=lambda _: self.ctx.page.run_task(self.export, "csv"))]),
            muted(t("facilitator.report_help", k=k)),
            *([ft.Row(wrap=True, spacing=8, controls=[
                ft.FilledButton(content=t("facilitator.harvest_publish"), icon=ft.Icons.SPA,
                                on_click=lambda _: self.ctx.page.run_task(self.preview_harvest))]),
               muted(t("facilitator.harvest_help", k=k))]
              if self.circle_id and self.circles.owned_circle(self.circle_id).invitation.relay else []),
        ]
        return parts

    def _invitation_qr(self, invitation: Invitation) -> ft.Control:
        """Shown to be read by members' phones across a room or a video call: as large as the
        screen allows (modules of 3 px on a phone, 8 on a laptop)."""
        qr = invitation.qr_image(room(self.ctx.page, QR_MOST))
        return qr_picture(qr.png, qr.side, self.ctx.t("facilitator.qr_label"))

    def _trend(self, view: ThemeView) -> ft.Control:
        """One line and, for more than one week, a sparkline one line high; a screen reader
        hears every week's count instead (p12: a bar chart took about 100 px a theme)."""
        series = week_series(view.weeks)
        top = max([n for _, n in series] + [1])
        spark = ft.Row(spacing=2, tight=True, height=SPARK_HEIGHT, vertical_alignment=ft.CrossAxisAlignment.END,
                       controls=[ft.Container(width=5, border_radius=1,
                                              height=max(2, round(SPARK_HEIGHT * n / top)) if n else 1,
                                              bgcolor=ft.Colors.PRIMARY if n else ft.Colors.OUTLINE)
                                 for _, n in series])
        line = muted(trend_line(view.weeks, date.today(), self.ctx.t, self.ctx.lang))
        summary = ", ".join(self.ctx.t("facilitator.week_count", week=format_week(w, self.ctx.lang), n=n)
                            for w, n in view.weeks)
        return ft.Semantics(label=self.ctx.t("facilitator.trend", weeks=summary), exclude_semantics=True,
                            content=ft.Row(spacing=10, wrap=True, vertical_alignment=ft.CrossAxisAlignment.CENTER,
                                           controls=[*([spark] if len(series) > 1 else []), line]))

    def _theme_card(self, view: ThemeView, views: list[ThemeView], k: int) -> ft.Control:
        t = self.ctx.t
        theme = view.theme
        small = view.count < k
        lang, other = self.ctx.lang, "en" if self.ctx.lang == "fr" else "fr"
        title = ft.Row(wrap=True, controls=[
            *([ft.Icon(ft.Icons.PUSH_PIN, size=16)] if theme.pinned else []),
            ft.Text(f"{theme.name(lang)} ({view.count})", size=16, weight=ft.FontWeight.W_600),
            *([muted(t("facilitator.name_in_other_language", name=theme.name(other)))]
              if theme.name(other) != theme.name(lang) else []),
            *([muted(t("facilitator.below_k", k=k))] if small else [])])
        others = [v for v in views if v.theme.id != theme.id]
        actions = ft.Row(wrap=True, spacing=0, controls=[
            ft.TextButton(content=t("facilitator.rename"), icon=ft.Icons.EDIT,
                          on_click=lambda _: self.rename_dialog(theme.id)),
            ft.TextButton(content=t("facilitator.unpin" if theme.pinned else "facilitator.pin"),
                          icon=ft.Icons.PUSH_PIN,
                          on_click=self.acting(self._board().pin, theme.id, not theme.pinned)),
            *([ft.TextButton(content=t("facilitator.split"), icon=ft.Icons.CALL_SPLIT,
                             on_click=self.acting(self._board().split, theme.id))]
              if len(theme.members) >= 2 else []),
            *([ft.TextButton(content=t("facilitator.merge"), icon=ft.Icons.MERGE,
                             on_click=lambda _: self.choose_dialog(
                                 t("facilitator.merge_into", name=theme.name(lang)),
                                 [(o.theme.id, f"{o.theme.name(lang)} ({o.count})") for o in others],
                                 lambda target: self._board().merge(theme.id, target)))]
              if others else []),
            ft.TextButton(content=t("facilitator.dissolve"), icon=ft.Icons.CLEAR_ALL,
                          on_click=self.acting(self._board().dissolve, theme.id))])
        quotes = [ft.Text(t("facilitator.quote", text=q.text), italic=True) for q in view.quotes]
        members = ft.ExpansionTile(title=ft.Text(t("facilitator.members", count=view.count)), controls=[
            self._insight_row(i.id, i.text, views) for i in view.insights])
        return ft.Card(content=ft.Container(padding=12, content=ft.Column(spacing=6, controls=[
            title, *([muted(theme.description)] if theme.description else []),
            *([self._trend(view)] if view.weeks else []), *quotes, actions, members])))

    def _board(self) -> ThemeBoard:
        """The board the actions apply to (their buttons only show once it is built)."""
        assert self.board is not None
        return self.board

    def _insight_row(self, insight_id: str, text: str, views: list[ThemeView]) -> ft.Control:
        t = self.ctx.t
        targets = [(v.theme.id, f"{v.theme.name(self.ctx.lang)} ({v.count})") for v in views] + [
            ("", t("facilitator.unsorted_short"))]
        return ft.Row(vertical_alignment=ft.CrossAxisAlignment.START, wrap=True, controls=[
            ft.Text(text, expand=True, size=13),
            ft.TextButton(content=t("facilitator.move"), on_click=lambda _: self.choose_dialog(
                t("facilitator.move_to"), targets,
                lambda target: self._board().move(insight_id, target or None))),
            ft.TextButton(content=t("facilitator.set_aside"), tooltip=t("facilitator.set_aside_help"),
                          on_click=lambda _: self.set_aside_dialog(insight_id))])

    def set_aside_dialog(self, insight_id: str) -> None:
        """One received insight set aside (it breaks something, or should not be there)."""
        from journal_app.usecases.relay import set_aside_insight

        assert self.circle_id is not None
        circle_id = self.circle_id

        def apply() -> None:
            set_aside_insight(self.db, circle_id, insight_id)
            self.board = None  # read again without it

        async def run() -> None:
            async for _ in self.act(apply):
                self.ctx.page.update()

        self.ctx.ask(self.ctx.t("facilitator.set_aside_title"), self.ctx.t("facilitator.set_aside_text"), [
            (self.ctx.t("common.cancel"), None),
            (self.ctx.t("facilitator.set_aside"), lambda: self._run(run))])

    def _run(self, task: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self.ctx.page.run_task(task)

    # -- actions ------------------------------------------------------------------------------
    def choose_circle(self, circle_id: str) -> None:
        self.circle_id, self.board, self.report_lang = circle_id, None, None
        self.refresh()

    def _report_lang(self) -> str:
        """The report's language: the facilitator's choice, else the circle's (m23)."""
        from journal_app.usecases.reports import circle_language

        if self.report_lang is None and self.circle_id is not None:
            self.report_lang = circle_language(self.db, self.circle_id, self.ctx.lang)
        return self.report_lang or self.ctx.lang

    def choose_report_lang(self, lang: str) -> None:
        self.report_lang = lang

    def filter_kind(self, kind: str) -> None:
        self.kind = kind
        self.refresh()

    def filter_prompt(self, prompt: str) -> None:
        self.prompt = prompt
        self.refresh()

    def acting(self, action: Callable[..., object], *args: object) -> Callable[[object], AsyncIterator[None]]:
        """A handler that runs `action` through `act`."""
        async def handler(_: object) -> AsyncIterator[None]:
            async for step in self.act(action, *args):
                yield step
        return handler

    async def act(self, action: Callable[..., object], *args: object) -> AsyncIterator[None]:
        """Run a change of the board or the circle in a worker thread (grouping again, splitting
        or labelling take seconds with thousands of insights), « Un instant… » on screen: the
        event loop, and every other open tab, go on answering meanwhile."""
        if self.busy:
            return
        self.busy = True
        self.message.value, self.message.color = self.ctx.t("facilitator.working"), None
        yield  # the word reaches the screen before the work starts
        try:
            await asyncio.to_thread(action, *args)
        except Exception as exc:  # shown as one sentence, never a traceback
            self.message.value = self.ctx.message(exc)
            self.message.color = ft.Colors.ERROR
        else:
            self.message.value = ""
        finally:
            self.busy = False
        self.refresh()
        self.ctx.page.update()

    def create(self, _: object = None) -> None:
        self.ctx.page.run_task(self.create_async)

    async def create_async(self) -> None:
        """A new circle; with a relay address, its mailbox is made on the relay first (in a worker
        thread: the network may be slow), and nothing is kept if the relay cannot be reached."""
        from journal_app.relay_client import RelayRefused
        from journal_app.usecases.relay import create_circle

        relay = (self.new_relay.value or "").strip() or None
        token = (self.new_token.value or "").strip() or None
        self.new_name.error = self.new_relay.error = self.new_token.error = None
        self.ctx.page.update()  # the last attempt's error goes while the relay is asked
        try:
            keys = await asyncio.to_thread(create_circle, self.db, self.new_name.value or "", relay, token=token)
        except CircleNameMissing as exc:
            self.new_name.error = self.ctx.message(exc)
            self.ctx.page.update()
            return
        except RelayRefused as exc:
            token_refused = exc.reason in ("registration_refused", "registration_token_missing")
            (self.new_token if token_refused else self.new_relay).error = self.ctx.message(exc)
            self.ctx.page.update()
            return
        except Exception as exc:  # the relay's address, or the relay itself
            (self.new_relay if relay else self.new_name).error = self.ctx.message(exc)
            self.ctx.page.update()
            return
        self.new_token.value = ""
        self.circle_id, self.board = keys.invitation.circle_id, None
        self.refresh()
        self.ctx.page.update()

    def set_k(self, k: int) -> Callable[[object], AsyncIterator[None]]:
        async def handler(_: object) -> AsyncIterator[None]:
            if self.circle_id:
                self.board = None  # newly released insights join the themes
                async for step in self.act(self.harvest.set_k, self.circle_id, k):
                    yield step
        return handler

    async def seed(self, _: object = None) -> AsyncIterator[None]:
        name, _sep, description = (self.seed_field.value or "").partition(":")
        if not name.strip() or self.board is None:
            self.seed_field.error = self.ctx.t("facilitator.seed_hint")
            return
        self.seed_field.error = None
        self.seed_field.value = ""
        async for step in self.act(self.board.seed, name, description):
            yield step

    def _recognize(self, _: object) -> None:
        if self.on_recognize is not None:
            self.on_recognize()

    async def copy_code(self) -> None:
        if self.ctx.clipboard and self.circle_id:
            await self.ctx.clipboard.set(self.circles.owned_circle(self.circle_id).invitation.code())
            self.ctx.snack(self.ctx.t("facilitator.copied"))

    async def save_qr(self) -> None:
        if self.circle_id and await self.ctx.send_bytes(
                "ressenti-invitation.png", self.circles.owned_circle(self.circle_id).invitation.qr_png(),
                "image/png"):
            self.ctx.snack(self.ctx.t("facilitator.qr_saved"))

    async def import_bundles(self) -> None:
        t = self.ctx.t
        if self.loading:
            return
        try:
            files = await self.ctx.pick_files(t("facilitator.import"), ["json"])
            self.message.value, self.message.color = t("facilitator.working"), None
            self.ctx.page.update()
            batch = await asyncio.to_thread(import_bundles, self.db, files)
        except Exception as exc:  # the picker failed, or the journal locked meanwhile: one sentence
            self.message.value, self.message.color = self.ctx.message(exc), ft.Colors.ERROR
        else:
            self.message.value = "\n".join(describe_bundles(batch, self.ctx.lang))
            self.message.color = ft.Colors.ERROR if batch.failed else None
        self.board = None  # new insights are placed aside, with the word on screen
        self.refresh()
        self.ctx.page.update()

    async def export(self, fmt: str) -> None:
        if self.board is None or self.circle_id is None:
            return
        report = themes_report(self.db, self.circle_id, self._report_lang(), fmt=fmt, board=self.board)
        if await self.ctx.send_bytes(report.name, report.text.encode(), report.mime_type):
            self.ctx.snack(self.ctx.t("facilitator.exported"))

    # -- dialogs ------------------------------------------------------------------------------
    def rename_dialog(self, theme_id: str) -> None:
        """A name in French and one in English, as the circle's questions have: members read the
        one in their language; a name given in one language only shows in both."""
        t = self.ctx.t
        theme = self._board().board.theme(theme_id)
        # The app's keywords are offered in the screen's language only: a name typed there alone
        # then shows in both languages, with no keywords left in the other.
        names = theme.names if theme.named else {self.ctx.lang: theme.name(self.ctx.lang)}

        async def done(_: object) -> AsyncIterator[None]:
            self.ctx.page.pop_dialog()
            async for step in self.act(lambda: self._board().rename(
                    theme_id, fr=fields["fr"].value or "", en=fields["en"].value or "")):
                yield step

        fields = {lang: ft.TextField(label=t(f"facilitator.new_name_{lang}"), value=names.get(lang, ""),
                                     autofocus=lang == self.ctx.lang, max_length=120, on_submit=done)
                  for lang in ("fr", "en")}

        content = ft.Column(tight=True, width=480, controls=[muted(t("facilitator.rename_help")), *fields.values()])
        self.ctx.show_dialog(ft.AlertDialog(title=ft.Text(self.ctx.t("facilitator.rename")), content=content,
                                            actions=[ft.TextButton(content=self.ctx.t("common.cancel"),
                                                                   on_click=lambda _: self.close()),
                                                     ft.FilledButton(content=self.ctx.t("facilitator.ok"),
                                                                     on_click=done)]))

    def choose_dialog(self, title: str, options: list[tuple[str, str]], apply: Callable[[str], object]) -> None:
        chosen: dict[str, str] = {}
        group = radio_row(options, "", lambda value: chosen.update(value=value))
        choices = group.content
        assert isinstance(choices, ft.Row)
        # As tall as its choices (a scrolling column took the whole screen's height), each
        # choice with its count.
        group.content = ft.Column(controls=choices.controls, scroll=ft.ScrollMode.AUTO, tight=True,
                                  spacing=0, width=420)

        async def done(_: object) -> AsyncIterator[None]:
            self.ctx.page.pop_dialog()
            if "value" in chosen:
                async for step in self.act(apply, chosen["value"]):
                    yield step

        self.ctx.show_dialog(ft.AlertDialog(title=ft.Text(title), content=group, actions=[
            ft.TextButton(content=self.ctx.t("common.cancel"), on_click=lambda _: self.close()),
            ft.FilledButton(content=self.ctx.t("facilitator.ok"), on_click=done)]))

    def close(self) -> None:
        self.ctx.page.pop_dialog()
        self.ctx.page.update()
