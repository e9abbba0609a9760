"""My progress: practices per week, and the felt shift before and after, over time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import flet as ft
import flet_charts as fc

from journal_app.i18n import format_number, format_short_date
from journal_app.progress import felt_shifts, practice_weeks
from journal_app.views.context import AppContext
from journal_app.views.theme import heading, muted


class ProgressScreen:
    def __init__(self, ctx: AppContext, on_back: Callable[[], None], on_skills: Callable[[], object] | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self.ctx = ctx
        self.on_back = on_back
        self.on_skills = on_skills
        entries = ctx.session.journal.entries()
        self.weeks = practice_weeks(entries, today())
        self.shifts = felt_shifts(entries)[-30:]

    def _skills(self, _: object) -> None:
        if self.on_skills is not None:
            self.on_skills()

    def _week_label(self, day: date) -> str:
        return format_short_date(day, self.ctx.lang)

    @staticmethod
    def _legend(text: str, color: str) -> ft.Control:
        """A drawn swatch, not a box-drawing character the font may lack."""
        return ft.Row(spacing=6, tight=True, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
            ft.Container(width=24, height=4, bgcolor=color, border_radius=2), ft.Text(text)])

    def _whole_numbers(self, top: int) -> fc.ChartAxis:
        """The left axis in whole numbers, written the reader's way (no « 0.5 » of a practice)."""
        step = max(1, -(-top // 5))
        return fc.ChartAxis(label_size=30, labels=[
            fc.ChartAxisLabel(value=v, label=ft.Text(format_number(v, self.ctx.lang), size=10))
            for v in range(0, top + 1, step)])

    def _counted(self) -> list[ft.Control]:
        """The weeks in words: practices taken to their end, the time noted, and apart, what
        was started and not finished (never counted)."""
        t = self.ctx.t
        seconds = sum(w.seconds for w in self.weeks)
        untimed = sum(w.untimed for w in self.weeks)
        stopped = sum(w.stopped for w in self.weeks)
        lines: list[ft.Control] = [ft.Text(t("progress.done", count=sum(w.practices for w in self.weeks)))]
        if round(seconds / 60):
            lines.append(ft.Text(t("progress.time.minutes", n=format_number(round(seconds / 60), self.ctx.lang))))
        elif seconds:
            lines.append(ft.Text(t("progress.time.under_a_minute")))
        if untimed:
            lines.append(muted(t("progress.untimed", count=untimed)))
        if stopped:
            lines.append(muted(t("progress.stopped", count=stopped)))
        return lines

    def control(self) -> ft.Control:
        t = self.ctx.t
        top = max([w.practices for w in self.weeks] + [1])
        bars = fc.BarChart(
            height=220, max_y=top + 1, interactive=True,
            # No per-bar tooltip: flet-charts rebuilds a string tooltip on every update, which
            # would resend the whole chart each time; the Semantics label below sums it up.
            groups=[fc.BarChartGroup(x=i, rods=[fc.BarChartRod(
                from_y=0, to_y=w.practices, width=14, color=ft.Colors.PRIMARY)])
                for i, w in enumerate(self.weeks)],
            bottom_axis=fc.ChartAxis(labels=[
                fc.ChartAxisLabel(value=i, label=ft.Text(self._week_label(w.week_start), size=10))
                for i, w in enumerate(self.weeks) if i % 3 == 0]),
            left_axis=self._whole_numbers(top + 1))
        parts: list[ft.Control] = [
            heading(t("progress.title")),
            *([ft.Row(wrap=True, controls=[ft.FilledButton(
                content=t("badge.title"), icon=ft.Icons.WORKSPACE_PREMIUM, on_click=self._skills)]),
               muted(t("badge.progress_help"))] if self.on_skills is not None else []),
            ft.Text(t("progress.per_week")),
            ft.Semantics(label=t("progress.per_week_summary",
                                 count=sum(w.practices for w in self.weeks)), content=bars),
            *self._counted(),
            ft.Text(t("progress.shift")),
        ]
        if self.shifts:
            # Every session is a dot (one session alone draws no line), on an x range that
            # leaves room around the first and the last; the dates under them, a few at most.
            step = max(1, len(self.shifts) // 5)
            line = fc.LineChart(
                height=220, min_y=0, max_y=10, min_x=-0.5, max_x=len(self.shifts) - 0.5, interactive=True,
                data_series=[
                    fc.LineChartData(points=[fc.LineChartDataPoint(i, p.before)
                                             for i, p in enumerate(self.shifts)],
                                     color=ft.Colors.OUTLINE, stroke_width=2, point=True),
                    fc.LineChartData(points=[fc.LineChartDataPoint(i, p.after)
                                             for i, p in enumerate(self.shifts)],
                                     color=ft.Colors.PRIMARY, stroke_width=3, point=True)],
                bottom_axis=fc.ChartAxis(labels=[
                    fc.ChartAxisLabel(value=i, label=ft.Text(format_short_date(p.day, self.ctx.lang), size=10))
                    for i, p in enumerate(self.shifts) if i % step == 0]),
                left_axis=self._whole_numbers(10))
            last = self.shifts[-1]
            parts += [ft.Semantics(label=t("progress.shift_summary", count=len(self.shifts)), content=line),
                      ft.Row(wrap=True, spacing=16, controls=[
                          self._legend(t("progress.before"), ft.Colors.OUTLINE),
                          self._legend(t("progress.after"), ft.Colors.PRIMARY)]),
                      muted(t("progress.shift_latest", day=format_short_date(last.day, self.ctx.lang),
                              before=last.before, after=last.after))]
        else:
            parts.append(muted(t("progress.no_shift")))
        return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=12,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=parts)
