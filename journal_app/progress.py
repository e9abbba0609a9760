"""Figures for the progress view: practices per week, felt shift before and after over time.

A practice counts once it reached its end (a session or a reflection stopped early is counted
apart), for the time the session player noted, never a pack's nominal duration (see
recognition/portfolio.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from journal_app.journal import Entry


@dataclass(frozen=True)
class WeekCount:
    week_start: date  # the Monday
    practices: int  # taken to their end (sessions saved before the player noted it count too)
    seconds: int = 0  # active time noted in the completed sessions
    untimed: int = 0  # completed sessions with no time noted (saved before it was)
    stopped: int = 0  # sessions and reflections started and stopped early: never in `practices`


@dataclass(frozen=True)
class ShiftPoint:
    day: date
    before: int
    after: int


def practice_weeks(entries: Iterable[Entry], today: date, weeks: int = 12) -> list[WeekCount]:
    """Guided practices (sessions and reflections) per ISO week, the last `weeks` weeks."""
    this_monday = today - timedelta(days=today.weekday())
    starts = [this_monday - timedelta(weeks=w) for w in reversed(range(weeks))]
    counts: dict[date, list[int]] = {s: [0, 0, 0, 0] for s in starts}  # done, seconds, untimed, stopped
    for entry in entries:
        if entry.kind == "free":
            continue
        day = entry.created.date()
        week = counts.get(day - timedelta(days=day.weekday()))
        if week is None:
            continue
        if entry.practiced is None:  # saved before the journal noted whether it was finished
            week[0] += 1
            week[2] += int(entry.kind == "focusing")
        elif entry.practiced.completed:
            week[0] += 1
            week[1] += entry.practiced.seconds
        else:
            week[3] += 1
    return [WeekCount(s, *counts[s]) for s in starts]


def felt_shifts(entries: Iterable[Entry]) -> list[ShiftPoint]:
    """Every practice rated before and after, oldest first."""
    points = [ShiftPoint(e.created.date(), e.felt_shift.before, e.felt_shift.after)
              for e in entries
              if e.felt_shift and e.felt_shift.before is not None and e.felt_shift.after is not None]
    return sorted(points, key=lambda p: p.day)
