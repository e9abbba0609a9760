"""The journal: entries by day, newest first; live search; filters; built a page at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import flet as ft

from journal_app.i18n import format_date, format_number, format_time, months, parse_date, weekday_initials
from journal_app.journal import KINDS, Entry, EntryFilter, match_spans, preview
from journal_app.views.context import AppContext
from journal_app.views.theme import KIND_ICONS, choice_chips, heading, icon_button, muted, select_chip

PAGE_SIZE = 25  # tiles sent at a time; more as the list is scrolled near its end
MAX_TAG_CHIPS = 20  # the most used tags; the others are reached by searching
PERIODS = {"all": None, "week": 7, "month": 30, "year": 365}


class JournalScreen:
    def __init__(self, ctx: AppContext, on_open: Callable[[str | None], None],
                 today: Callable[[], date] = date.today) -> None:
        self.ctx = ctx
        self.on_open = on_open
        self.today = today
        self.results: Sequence[Entry] = []
        self.shown = 0
        self.selected: str | None = None  # the entry open beside the list, on a wide screen
        t = ctx.t
        self.clear_search = icon_button(ft.Icons.CLOSE, t("journal.clear_search"), self._clear_search)
        self.clear_search.visible = False
        self.search = ft.TextField(label=t("journal.search"), prefix_icon=ft.Icons.SEARCH,
                                   on_change=self._changed, dense=True,
                                   tooltip=t("journal.search_help"),
                                   suffix=self.clear_search)
        self.kind_value, self.tag_value, self.period_value = "all", "", "all"
        self.kind = choice_chips(
            [("all", t("journal.all_kinds"))] + [(k, t(f"kind.{k}")) for k in KINDS], "all",
            lambda v: self._set("kind_value", v))
        self.period = choice_chips([(k, t(f"journal.period_{k}")) for k in PERIODS], "all",
                                   lambda v: self._set("period_value", v))
        self.tags_row = ft.Row(wrap=True)
        self.since_field = ft.TextField(label=t("journal.since"), hint_text=t("editor.date_hint"),
                                        width=170, dense=True, on_change=self._changed)
        self.until_field = ft.TextField(label=t("journal.until"), hint_text=t("editor.date_hint"),
                                        width=170, dense=True, on_change=self._changed)
        self.filters = ft.ExpansionTile(
            title=ft.Text(t("journal.filters")), leading=ft.Icon(ft.Icons.FILTER_LIST),
            on_change=self._filters_opened,
            controls=[ft.Column(spacing=6, controls=[
                muted(t("journal.kind")), self.kind,
                muted(t("journal.tag")), self.tags_row,
                muted(t("journal.period")), self.period,
                ft.Row(wrap=True, controls=[self.since_field, self.until_field])])])
        self.active = ft.Text("", weight=ft.FontWeight.W_600, color=ft.Colors.PRIMARY)
        self.clear_filters = ft.TextButton(content=t("journal.clear_filters"), icon=ft.Icons.FILTER_LIST_OFF,
                                           on_click=self._clear_filters)
        self.active_row = ft.Row(wrap=True, spacing=8, visible=False,
                                 vertical_alignment=ft.CrossAxisAlignment.CENTER,
                                 controls=[self.active, self.clear_filters])
        self.memories = ft.Column(spacing=0, visible=False)  # « Il y a un an »: this day, years ago
        self.month = today().replace(day=1)  # the month the calendar shows
        self.calendar = ft.Column(spacing=4, visible=False)
        self.calendar_button = ft.TextButton(content=t("journal.calendar"), icon=ft.Icons.CALENDAR_MONTH,
                                             on_click=self._toggle_calendar)
        self.count = muted("")
        self.list = ft.ListView(expand=True, spacing=0, on_scroll=self._scrolled,
                                scroll_interval=100)
        self.refresh()

    def control(self) -> ft.Control:
        return ft.Column(expand=True, spacing=8,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            self.search,
            self.filters,
            self.active_row,
            self.calendar_button,
            self.calendar,
            self.memories,
            self.count,
            self.list,
        ])

    def _day(self, field: ft.TextField) -> date | None:
        """The date typed in a range field, or None; a malformed one is pointed out, not used."""
        text = (field.value or "").strip()
        field.error = None
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            field.error = self.ctx.t("editor.bad_date")
            return None

    def where(self) -> EntryFilter:
        days = PERIODS.get(self.period_value)
        since = self._day(self.since_field)
        if days:
            since = max(filter(None, (since, self.today() - timedelta(days=days))))
        return EntryFilter(
            kind=None if self.kind_value == "all" else self.kind_value,
            tag=self.tag_value or None, since=since, until=self._day(self.until_field))

    def active_filters(self) -> int:
        """How many filters narrow the list (folded away, they must still say so); a day
        chosen in the calendar is one."""
        dates = (bool((self.since_field.value or "").strip()) + bool((self.until_field.value or "").strip())
                 if self._chosen_day() is None else 1)
        return sum([self.kind_value != "all", bool(self.tag_value), self.period_value != "all"]) + dates

    def _chosen_day(self) -> date | None:
        """The day tapped in the calendar (the range from and to that day), if that is the range."""
        since, until = (self.since_field.value or "").strip(), (self.until_field.value or "").strip()
        if not since or since != until:
            return None
        try:
            return parse_date(since)
        except ValueError:
            return None

    def _clear_filters(self, _: object = None) -> None:
        self.kind_value, self.tag_value, self.period_value = "all", "", "all"
        self.since_field.value = self.until_field.value = ""
        select_chip(self.kind, "all")
        select_chip(self.period, "all")
        self._changed()

    def _clear_search(self, _: object = None) -> None:
        self.search.value = ""
        self._changed()

    # -- calendar ---------------------------------------------------------------------------
    def _toggle_calendar(self, _: object = None) -> None:
        self.calendar.visible = not self.calendar.visible
        self._render_calendar()

    def _turn(self, months: int) -> None:
        year, month = divmod(self.month.month - 1 + months, 12)
        self.month = date(self.month.year + year, month + 1, 1)
        self._render_calendar()

    def _pick_day(self, day: date) -> None:
        """The entries of one day: the date range filter, from and to that day."""
        self.since_field.value = self.until_field.value = day.isoformat()
        self._changed()

    def _render_calendar(self) -> None:
        """A month, weeks from Sunday (as in Canada); days with entries stand out, and each day
        is a button named by its date and its count."""
        if not self.calendar.visible:
            return
        t, lang = self.ctx.t, self.ctx.lang
        counts = self.ctx.session.journal.days_with_entries(self.month.year, self.month.month)
        title = t("journal.month_title", month=months(lang)[self.month.month - 1], year=self.month.year)
        head = ft.Row(alignment=ft.MainAxisAlignment.SPACE_BETWEEN, controls=[
            icon_button(ft.Icons.CHEVRON_LEFT, t("journal.previous_month"), lambda _: self._turn(-1)),
            ft.Text(title, weight=ft.FontWeight.W_600),
            icon_button(ft.Icons.CHEVRON_RIGHT, t("journal.next_month"), lambda _: self._turn(1))])
        initials = ft.Row(spacing=2, controls=[
            ft.Container(width=44, alignment=ft.Alignment.CENTER, content=muted(d))
            for d in weekday_initials(lang)])
        cells: list[ft.Control] = [ft.Container(width=44, height=44)
                                   for _ in range((self.month.weekday() + 1) % 7)]  # Sunday first
        day = self.month
        chosen = self._chosen_day()
        while day.month == self.month.month:
            n = counts.get(day.day, 0)
            label = t("journal.day_entries", date=format_date(day, lang), count=n)
            # Named once: the day's number is drawn, its date and count are what is heard. The
            # day chosen is ringed, and said to be chosen.
            cells.append(ft.Semantics(button=True, selected=day == chosen, content=ft.Container(
                width=44, height=44, border_radius=22, alignment=ft.Alignment.CENTER,
                border=ft.Border.all(2, ft.Colors.PRIMARY) if day == chosen else None,
                bgcolor=ft.Colors.PRIMARY_CONTAINER if n else None,
                on_click=lambda _, d=day: self._pick_day(d),
                content=ft.Text(str(day.day), weight=ft.FontWeight.BOLD if n else None, semantics_label=label,
                                color=ft.Colors.ON_PRIMARY_CONTAINER if n else None))))
            day += timedelta(days=1)
        weeks = [ft.Row(spacing=2, controls=cells[i:i + 7]) for i in range(0, len(cells), 7)]
        self.calendar.controls = [head, initials, *weeks]

    def _show_memories(self, wanted: bool) -> None:
        """Entries of this day in earlier years, above the list while nothing narrows it."""
        today = self.today()
        past = self.ctx.session.journal.on_this_day(today)[:3] if wanted else []
        self.memories.visible = bool(past)
        if not past:
            self.memories.controls = []
            return
        t = self.ctx.t

        def years(entry: Entry) -> str:
            return t("journal.years_ago", count=today.year - entry.created.year)

        self.memories.controls = [
            ft.Text(years(past[0]), weight=ft.FontWeight.W_600, color=ft.Colors.PRIMARY),
            *(ft.ListTile(leading=ft.Icon(ft.Icons.HISTORY, semantics_label=years(e)),
                          title=ft.Text(e.headline or t("journal.untitled"), max_lines=1,
                                        overflow=ft.TextOverflow.ELLIPSIS),
                          subtitle=muted(format_date(e.created.date(), self.ctx.lang)),
                          on_click=lambda _, entry_id=e.id: self.on_open(entry_id))
              for e in past),
            ft.Divider()]

    def select(self, entry_id: str | None) -> None:
        """Mark the entry open beside the list, on the tiles already shown (no new search)."""
        self.selected = entry_id
        for tile in self.list.controls:
            if isinstance(tile, ft.ListTile) and tile.data is not None:
                tile.selected = tile.data == entry_id

    def _set(self, name: str, value: str) -> None:
        setattr(self, name, value)
        self._changed()

    def _changed(self, _: object = None) -> None:
        self.ctx.activity()
        self.refresh()

    def _filters_opened(self, e: ft.Event[ft.ExpansionTile]) -> None:
        self.filters.expanded = str(e.data).lower() == "true"
        self._render_tags()

    def _render_tags(self) -> None:
        """The most used tags as chips, counted only once the filters are unfolded (counting
        them over a large journal would slow the opening of the journal for nothing)."""
        if not (self.filters.expanded or self.tag_value):
            return
        t, journal = self.ctx.t, self.ctx.session.journal
        tags = journal.tags()[:MAX_TAG_CHIPS]
        if self.tag_value and self.tag_value not in {name for name, _ in tags}:
            self.tag_value = ""
        self.tags_row.controls = choice_chips(
            [("", t("journal.all_tags"))] + [(name, f"{name} ({n})") for name, n in tags],
            self.tag_value, lambda v: self._set("tag_value", v)).controls

    def refresh(self) -> None:
        """Search again with the current query and filters, and show the first page."""
        journal = self.ctx.session.journal
        t = self.ctx.t
        self._render_tags()
        self.results = journal.search(self.search.value or "", self.where())
        active = self.active_filters()
        day = self._chosen_day()
        self.active.value = (t("journal.day_shown", date=format_date(day, self.ctx.lang)) if day and active == 1
                             else t("journal.active_filters", count=active))
        self.active_row.visible = active > 0
        self.clear_search.visible = bool(self.search.value)
        self._show_memories(not active and not (self.search.value or "").strip())
        self._render_calendar()
        self.shown = 0
        self.list.controls = []
        total = len(journal)
        if total == 0:
            self.count.value = ""
            self.list.controls = [self._welcome()]
            return
        shown = len(self.results)
        self.count.value = (t("journal.count_all", count=total, n=format_number(total, self.ctx.lang))
                            if shown == total else
                            t("journal.count_some", count=shown, n=format_number(shown, self.ctx.lang),
                              total=format_number(total, self.ctx.lang)))
        if not self.results:
            empty = (t("journal.no_entry_that_day", date=format_date(day, self.ctx.lang))
                     if day and active == 1 and not (self.search.value or "").strip() else t("journal.no_results"))
            self.list.controls = [ft.Container(padding=24, content=muted(empty))]
            return
        self.show_more()

    def more_clicked(self, _: object) -> None:
        self.show_more()
        self.ctx.page.update()  # the clicked button has left the list: no automatic update

    def show_more(self) -> None:
        controls = [c for c in self.list.controls if not isinstance(c, ft.TextButton)]
        previous = self.results[self.shown - 1].created.date() if self.shown else None
        for entry in self.results[self.shown:self.shown + PAGE_SIZE]:
            day = entry.created.date()
            if day != previous:
                controls.append(ft.Container(
                    padding=ft.Padding.only(left=8, top=12, bottom=4),
                    content=ft.Text(format_date(day, self.ctx.lang), weight=ft.FontWeight.W_600,
                                    color=ft.Colors.PRIMARY)))
                previous = day
            controls.append(self.tile(entry))
        self.shown = min(len(self.results), self.shown + PAGE_SIZE)
        if self.shown < len(self.results):
            controls.append(ft.TextButton(content=self.ctx.t("journal.more"),
                                          on_click=self.more_clicked))
        self.list.controls = controls

    def _scrolled(self, e: ft.OnScrollEvent) -> None:
        if (e.max_scroll_extent and e.pixels >= e.max_scroll_extent - 400
                and self.shown < len(self.results)):
            self.show_more()

    def _marked(self, text: str, **style: object) -> ft.Text:
        """The text with the searched words in bold (found as search finds them)."""
        spans, at = [], 0
        for start, end in match_spans(text, self.search.value or ""):
            spans += [ft.TextSpan(text[at:start]),
                      ft.TextSpan(text[start:end], style=ft.TextStyle(weight=ft.FontWeight.BOLD,
                                                                       color=ft.Colors.PRIMARY))]
            at = end
        if not spans:
            return ft.Text(text, **style)  # type: ignore[arg-type]
        return ft.Text(spans=[*spans, ft.TextSpan(text[at:])], **style)  # type: ignore[arg-type]

    def tile(self, entry: Entry) -> ft.ListTile:
        t = self.ctx.t
        details = [format_time(entry.created, self.ctx.lang)]
        if entry.tags:
            details.append(" ".join(f"#{tag}" for tag in entry.tags))
        shown = preview(entry, self.search.value or "")
        lines: list[ft.Control] = [muted(" · ".join(details))]
        if shown:
            lines.insert(0, self._marked(shown, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS))
        return ft.ListTile(
            leading=ft.Icon(KIND_ICONS.get(entry.kind, ft.Icons.NOTES),
                            semantics_label=t(f"kind.{entry.kind}")),
            title=self._marked(entry.headline or t("journal.untitled"), max_lines=1,
                               overflow=ft.TextOverflow.ELLIPSIS),
            subtitle=ft.Column(spacing=2, tight=True, controls=lines),
            on_click=lambda _, entry_id=entry.id: self.on_open(entry_id),
            data=entry.id,
            selected=entry.id == self.selected,
            selected_tile_color=ft.Colors.SECONDARY_CONTAINER, selected_color=ft.Colors.ON_SECONDARY_CONTAINER,
        )

    def _welcome(self) -> ft.Control:
        t = self.ctx.t
        return ft.Container(padding=24, content=ft.Column(spacing=12, controls=[
            ft.Icon(ft.Icons.SPA_OUTLINED, size=48, color=ft.Colors.PRIMARY),  # drawn only: the heading says it
            heading(t("journal.empty_title")),
            ft.Text(t("journal.empty_text")),
            ft.FilledButton(content=t("journal.first_entry"), icon=ft.Icons.EDIT,
                            on_click=lambda _: self.on_open(None)),
        ]))
