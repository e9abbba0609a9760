"""The progress figures and the bell asset."""

from __future__ import annotations

import wave
from datetime import date, timedelta
from io import BytesIO

from journal_app.bell import ASSET, RATE, bell_wav
from journal_app.journal import FeltShift
from journal_app.progress import felt_shifts, practice_weeks


def test_the_committed_bell_is_what_the_code_makes():
    data = bell_wav()
    assert ASSET.read_bytes() == data
    with wave.open(BytesIO(data)) as w:
        assert (w.getnchannels(), w.getframerate()) == (1, RATE)
        frames = w.readframes(w.getnframes())
    samples = [int.from_bytes(frames[i:i + 2], "little", signed=True) for i in range(0, len(frames), 2)]
    assert max(abs(s) for s in samples) < 0.6 * 32767  # soft
    head, tail = samples[: RATE // 10], samples[-RATE // 10:]
    assert max(map(abs, tail)) < max(map(abs, head)) / 4  # it fades away


def test_practices_per_week_and_felt_shift(journal, clock):
    today = clock.now.date()
    for days_ago, kind, shift in ((0, "focusing", (3, 7)), (1, "reflection", None),
                                  (8, "focusing", (5, 6)), (200, "focusing", (1, 2)),
                                  (0, "free", None)):
        when = clock.now - timedelta(days=days_ago)
        journal.add("x", kind=kind, created=when, felt_shift=FeltShift(*shift) if shift else None)
    weeks = practice_weeks(journal.entries(), today)
    assert len(weeks) == 12 and weeks[-1].week_start <= today
    assert sum(w.practices for w in weeks) == 3  # the free entry and the old one are not counted
    assert weeks[-1].practices == sum(1 for d in (0, 1) if (today - timedelta(days=d)).isocalendar()[1]
                                      == today.isocalendar()[1])
    points = felt_shifts(journal.entries())
    assert [(p.before, p.after) for p in points] == [(1, 2), (5, 6), (3, 7)]
    assert points[0].day < points[-1].day


def test_weeks_start_on_monday():
    weeks = practice_weeks([], date(2026, 11, 27), weeks=2)
    assert [w.week_start for w in weeks] == [date(2026, 11, 16), date(2026, 11, 23)]
    assert all(w.week_start.weekday() == 0 for w in weeks)
