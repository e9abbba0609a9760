"""Figures for the progress view: practices per week, felt shift before and after over time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from journal_app.journal import Entry


@dataclass(frozen=True)
class WeekCount:
    week_start: date  # the Monday
    practices: int


@dataclass(frozen=True)
class ShiftPoint:
    day: date
    before: int
    after: int


def practice_weeks(entries: Iterable[Entry], today: date, weeks: int = 12) -> list[WeekCount]:
    """Guided practices (sessions and reflections) per ISO week, the last `weeks` weeks."""
    this_monday = today - timedelta(days=today.weekday())
    starts = [this_monday - timedelta(weeks=w) for w in reversed(range(weeks))]
    counts = dict.fromkeys(starts, 0)
    for entry in entries:
        if entry.kind == "free":
            continue
        day = entry.created.date()
        monday = day - timedelta(days=day.weekday())
        if monday in counts:
            counts[monday] += 1
    return [WeekCount(s, counts[s]) for s in starts]


def felt_shifts(entries: Iterable[Entry]) -> list[ShiftPoint]:
    """Every practice rated before and after, oldest first."""
    points = [ShiftPoint(e.created.date(), e.felt_shift.before, e.felt_shift.after)
              for e in entries
              if e.felt_shift and e.felt_shift.before is not None and e.felt_shift.after is not None]
    return sorted(points, key=lambda p: p.day)
