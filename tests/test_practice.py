"""The session engine with a fake clock."""

from __future__ import annotations

import pytest

from journal_app.practice import HANDLE_KEY, PracticeSession, State, WrongMoment
from journal_app.prompts.library import PackLibrary


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def six_steps():
    return PackLibrary().get("focusing-six-steps")


def test_pause_does_not_count_and_next_back_move_between_steps(six_steps):
    clock = Ticks()
    session = PracticeSession(six_steps, "fr", clock)
    session.start()
    clock.now += 100
    assert session.elapsed_in_step() == 100
    session.pause()
    clock.now += 1000  # a phone call: not counted
    assert session.elapsed_in_step() == 100
    session.resume()
    clock.now += 50
    assert session.remaining_in_step() == six_steps.steps[0].duration - 150
    clock.now += 10_000
    assert session.step_time_is_up()
    session.next()
    assert session.step.id == "felt-sense" and session.elapsed_in_step() == 0
    session.back()
    assert session.step.id == "clearing"
    session.back()
    assert session.index == 0  # nothing before the first step
    for _ in range(10):
        session.next()
    assert session.is_last and session.step.id == "receiving"
    assert 0 < session.progress() <= 1


def test_finish_makes_a_focusing_entry(six_steps, journal):
    clock = Ticks()
    session = PracticeSession(six_steps, "fr", clock)
    session.felt_before = 3
    session.start()
    session.set_note("Le budget, la fatigue.")
    session.next()
    session.set_note("Une boule dans le ventre.")
    session.handle = "caillou"
    session.felt_after = 7
    entry = session.finish(journal)
    assert session.state is State.FINISHED
    assert entry.kind == "focusing" and entry.pack_id == "focusing-six-steps"
    assert entry.answers == {"clearing": "Le budget, la fatigue.",
                             "felt-sense": "Une boule dans le ventre.", HANDLE_KEY: "caillou"}
    assert (entry.felt_shift.before, entry.felt_shift.after) == (3, 7)
    assert "caillou" in entry.title and journal.search("caillou") == [entry]
    with pytest.raises(WrongMoment):
        session.next()


def test_abandon_with_and_without_keeping_notes(six_steps, journal):
    kept = PracticeSession(six_steps, "en", Ticks())
    kept.start()
    kept.set_note("Something tight in the chest")
    entry = kept.abandon(journal, keep_notes=True)
    assert entry is not None and entry.answers["clearing"] == "Something tight in the chest"
    dropped = PracticeSession(six_steps, "en", Ticks())
    dropped.start()
    dropped.set_note("not kept")
    assert dropped.abandon(journal, keep_notes=False) is None
    assert dropped.state is State.ABANDONED
    assert [e.id for e in journal.entries()] == [entry.id]


def test_actions_out_of_order_are_refused(six_steps):
    session = PracticeSession(six_steps, "fr", Ticks())
    with pytest.raises(WrongMoment):
        session.pause()
    session.start()
    with pytest.raises(WrongMoment):
        session.resume()


def test_a_session_left_under_way_resumes_paused_at_its_step_in_the_same_entry(six_steps, journal, db):
    from journal_app.under_way import PracticesUnderWay

    clock = Ticks()
    session = PracticeSession(six_steps, "fr", clock, felt_before=4)
    session.start()
    session.set_note("Un poids.")
    session.next()
    clock.now += 40
    session.set_note("Serré.")
    kept = session.abandon(journal, keep_notes=True)  # the journal closes under it
    places = PracticesUnderWay(db)
    places.keep(session.under_way())
    where = places.get(six_steps.id)
    assert where is not None and where.entry_id == kept.id and where.place == 1 and where.elapsed == 40

    clock.now += 3600  # locked for an hour: not counted
    again = PracticeSession.resumed(six_steps, "fr", clock, where)
    assert again.state is State.PAUSED and again.step.id == "felt-sense" and again.elapsed_in_step() == 40
    again.resume()
    again.set_note("Serré, puis plus large.")
    entry = again.finish(journal)
    assert entry.id == kept.id and len(journal) == 1  # the same entry, never a second
    assert entry.answers == {"clearing": "Un poids.", "felt-sense": "Serré, puis plus large."}
    assert entry.felt_shift.before == 4
    places.forget(six_steps.id)
    assert places.get(six_steps.id) is None


def test_keep_nothing_after_a_resume_removes_what_the_lock_had_kept(six_steps, journal, db):
    from journal_app.under_way import UnderWay

    kept = journal.add(kind="focusing", title="partielle", answers={"clearing": "x"})
    session = PracticeSession.resumed(six_steps, "fr", Ticks(), UnderWay(six_steps.id, entry_id=kept.id))
    assert session.abandon(journal, keep_notes=False) is None
    assert len(journal) == 0


def test_a_place_this_version_cannot_read_starts_the_practice_anew(db):
    from journal_app.under_way import TABLE, PracticesUnderWay

    db.table(TABLE).insert_doc("orid", {"place": "deux", "notes": ["pas", "un", "dict"]})
    assert PracticesUnderWay(db).get("orid") is None


def test_the_entry_notes_the_active_time_pauses_left_out_and_a_step_left_open_bounded(six_steps, journal):
    """M7: the time a session took, as spent; a phone left open overnight on a step does not
    count as hours, and the entry says the session reached its end."""
    from journal_app.practice import step_bound

    clock = Ticks()
    session = PracticeSession(six_steps, "fr", clock)
    session.start()
    clock.now += 100
    session.pause()
    clock.now += 5000  # paused: not counted
    session.resume()
    clock.now += 20
    session.next()
    clock.now += 8 * 3600  # the phone left open on the second step all night
    session.next()
    clock.now += 30
    session.end_steps()  # « Terminer »: the rating after comes next
    clock.now += 600  # the questions after the steps are not practice time
    entry = session.finish(journal)
    bound = step_bound(six_steps.steps[1])
    assert bound == 600  # twice the step's 300 s
    assert entry.practiced is not None and entry.practiced.completed
    assert entry.practiced.seconds == 100 + 20 + bound + 30


def test_a_session_stopped_early_is_noted_as_not_completed(six_steps, journal):
    clock = Ticks()
    session = PracticeSession(six_steps, "fr", clock)
    session.start()
    clock.now += 12
    session.next()
    clock.now += 8
    session.set_note("Pas aujourd’hui.")
    entry = session.abandon(journal, keep_notes=True)
    assert entry is not None and entry.practiced is not None
    assert (entry.practiced.seconds, entry.practiced.completed) == (20, False)


def test_a_session_resumed_after_a_lock_adds_its_time_to_the_same_entry(six_steps, journal, db):
    from journal_app.under_way import PracticesUnderWay

    clock = Ticks()
    session = PracticeSession(six_steps, "fr", clock)
    session.start()
    clock.now += 60
    session.next()
    clock.now += 400  # longer than the step's 300 s: lingering counts (up to its bound)
    session.set_note("Serré.")
    kept = session.abandon(journal, keep_notes=True)  # the journal closes under it
    assert (kept.practiced.seconds, kept.practiced.completed) == (460, False)
    places = PracticesUnderWay(db)
    places.keep(session.under_way())
    clock.now += 3600  # locked: not counted
    again = PracticeSession.resumed(six_steps, "fr", clock, places.get(six_steps.id))
    again.resume()
    clock.now += 40
    again.next()
    clock.now += 50
    entry = again.finish(journal)
    assert entry.id == kept.id and len(journal) == 1
    assert (entry.practiced.seconds, entry.practiced.completed) == (60 + 400 + 40 + 50, True)


def test_a_session_locked_after_its_last_step_is_complete(six_steps, journal, db):
    """Locked on the questions after the steps (« Et maintenant »): it reached its end."""
    from journal_app.under_way import PracticesUnderWay

    clock = Ticks()
    session = PracticeSession(six_steps, "fr", clock)
    session.start()
    clock.now += 70
    session.end_steps()
    session.handle = "galet"
    kept = session.abandon(journal, keep_notes=True)
    assert kept.practiced.completed and kept.practiced.seconds == 70
    PracticesUnderWay(db).keep(session.under_way("after"))
    again = PracticeSession.resumed(six_steps, "fr", clock, PracticesUnderWay(db).get(six_steps.id))
    assert again.reached_end and again.finish(journal).practiced.seconds == 70
