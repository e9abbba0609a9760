"""The guided-session engine: a plain state machine driven by an injected clock.

start → (pause ⇄ resume, next, back)* → finish, or abandon (keeping the notes or not).
Time spent paused does not count. A finished session becomes an Entry of kind `focusing`, which
notes the active time it took (each step counted up to `step_bound`, so a phone left open on a
step does not count for hours) and whether it reached its end or was stopped early.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from journal_app.errors import EntryNotFound, InvalidEntry
from journal_app.i18n import translate
from journal_app.journal import MAX_PRACTICE_SECONDS, Entry, FeltShift, Journal, Practiced
from journal_app.prompts.packs import Pack, Step
from journal_app.under_way import UnderWay

HANDLE_KEY = ":handle"  # the colon keeps it apart from any step id


UNTIMED_STEP_BOUND = 600  # a step with no suggested duration counts at most 10 minutes
STEP_SLACK = 300  # a timed step counts at most twice its time, and never less than 5 minutes more


def step_bound(step: Step) -> float:
    """The most one visit to a step counts: lingering is practice, a phone left open is not."""
    if not step.duration:
        return float(UNTIMED_STEP_BOUND)
    return float(max(2 * step.duration, step.duration + STEP_SLACK))


class State(Enum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    ABANDONED = "abandoned"


class WrongMoment(InvalidEntry):
    """An action that the session's current state does not allow (a bug in the caller)."""


@dataclass
class PracticeSession:
    pack: Pack
    lang: str = "fr"
    clock: Callable[[], float] = time.monotonic
    state: State = State.READY
    index: int = 0
    notes: dict[str, str] = field(default_factory=dict)
    felt_before: int | None = None
    felt_after: int | None = None
    handle: str = ""
    entry_id: str | None = None  # the entry already holding this session (resumed after a lock)
    reached_end: bool = False  # the last step was ended (« Terminer »): the session is complete
    spent: float = 0.0  # active seconds counted in the steps already left (each bounded)
    _step_elapsed: float = 0.0  # seconds counted in the current step before the last resume
    _running_since: float | None = None

    @classmethod
    def resumed(cls, pack: Pack, lang: str, clock: Callable[[], float], where: UnderWay) -> PracticeSession:
        """The session as it was left (see `under_way`), paused: the time the journal stayed
        locked does not count, and the person takes it up again when ready."""
        index = min(where.place, len(pack.steps) - 1)
        elapsed = min(where.elapsed, step_bound(pack.steps[index]))  # counted as it was, bounded
        return cls(pack, lang, clock, state=State.PAUSED, index=index, notes=dict(where.notes),
                   felt_before=where.felt_before, felt_after=where.felt_after, handle=where.handle,
                   entry_id=where.entry_id, reached_end=where.phase == "after", spent=where.spent,
                   _step_elapsed=elapsed)

    def under_way(self, phase: str = "running") -> UnderWay:
        """Where the session stands, to resume it there (journal_app/under_way.py)."""
        return UnderWay(pack_id=self.pack.id, entry_id=self.entry_id, place=self.index,
                        elapsed=self.elapsed_in_step(), phase=phase, notes=dict(self.notes),
                        felt_before=self.felt_before, felt_after=self.felt_after, handle=self.handle,
                        spent=self.spent)

    # -- reading ------------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.pack.steps[self.index]

    @property
    def is_last(self) -> bool:
        return self.index == len(self.pack.steps) - 1

    def elapsed_in_step(self) -> float:
        running = self.clock() - self._running_since if self._running_since is not None else 0.0
        return self._step_elapsed + running

    def active_seconds(self) -> int:
        """The time actually spent in the steps so far: pauses left out, each visit to a step
        counted up to its bound, a session resumed after a lock counting what came before."""
        seconds = self.spent + min(self.elapsed_in_step(), step_bound(self.step))
        return min(MAX_PRACTICE_SECONDS, int(round(seconds)))  # never a time the entry would refuse

    def remaining_in_step(self) -> float:
        return max(0.0, (self.step.duration or 0) - self.elapsed_in_step())

    def step_time_is_up(self) -> bool:
        """True once the step's suggested duration has passed (the player rings the bell)."""
        return bool(self.step.duration) and self.remaining_in_step() == 0.0

    def progress(self) -> float:
        """Share of the whole session's suggested time already spent, 0 to 1."""
        total = self.pack.total_seconds
        if not total:
            return self.index / len(self.pack.steps)
        before = sum(s.duration or 0 for s in self.pack.steps[: self.index])
        return min(1.0, (before + min(self.elapsed_in_step(), self.step.duration or 0)) / total)

    # -- acting -------------------------------------------------------------------------------
    def _require(self, *states: State) -> None:
        if self.state not in states:
            raise WrongMoment(field="state", value=self.state.value)

    def _stop_clock(self) -> None:
        if self._running_since is not None:
            self._step_elapsed += self.clock() - self._running_since
            self._running_since = None

    def start(self) -> None:
        self._require(State.READY)
        self.state = State.RUNNING
        self._running_since = self.clock()

    def pause(self) -> None:
        self._require(State.RUNNING)
        self._stop_clock()
        self.state = State.PAUSED

    def resume(self) -> None:
        self._require(State.PAUSED)
        self.state = State.RUNNING
        self._running_since = self.clock()

    def _move(self, index: int) -> None:
        self._require(State.RUNNING, State.PAUSED)
        running = self.state is State.RUNNING
        self._stop_clock()
        self.spent += min(self._step_elapsed, step_bound(self.step))
        self.index = index
        self._step_elapsed = 0.0
        if running:
            self._running_since = self.clock()

    def next(self) -> None:
        if not self.is_last:
            self._move(self.index + 1)

    def back(self) -> None:
        if self.index > 0:
            self._move(self.index - 1)

    def end_steps(self) -> None:
        """The last step is done (« Terminer »): the clock stops, the session is complete even
        if the last questions (the rating after, a handle word) are never answered."""
        self._require(State.RUNNING, State.PAUSED)
        if self.state is State.RUNNING:
            self.pause()
        self.reached_end = True

    def set_note(self, text: str, step_id: str | None = None) -> None:
        self.notes[step_id or self.step.id] = text

    def finish(self, journal: Journal) -> Entry:
        """End the session and save it as a `focusing` entry."""
        self._require(State.RUNNING, State.PAUSED)
        self._stop_clock()
        self.state = State.FINISHED
        self.reached_end = True
        return self._save(journal)

    def abandon(self, journal: Journal, *, keep_notes: bool) -> Entry | None:
        """Stop early. With `keep_notes`, what was written so far is saved; else nothing is."""
        self._require(State.READY, State.RUNNING, State.PAUSED)
        self._stop_clock()
        self.state = State.ABANDONED
        if keep_notes and (any(n.strip() for n in self.notes.values()) or self.handle.strip()):
            return self._save(journal)
        if not keep_notes and self.entry_id is not None:  # what a lock had kept goes too
            try:
                journal.delete(self.entry_id)
            except EntryNotFound:
                pass
            self.entry_id = None
        return None

    def _save(self, journal: Journal) -> Entry:
        """The session as a `focusing` entry: the notes under their step, the handle word and
        the felt shift."""
        answers = {k: v for k, v in self.notes.items() if v.strip()}
        if self.handle.strip():
            answers[HANDLE_KEY] = self.handle.strip()
        title = self.pack.title.get(self.lang)
        if self.handle.strip():
            title = translate("practice.entry_title", self.lang, title=title, handle=self.handle.strip())
        shift = None
        if self.felt_before is not None or self.felt_after is not None:
            shift = FeltShift(self.felt_before, self.felt_after)
        practiced = Practiced(self.active_seconds(), self.reached_end)
        if self.entry_id is not None:  # resumed: the same entry, never a second one beside it
            try:
                return journal.update(self.entry_id, title=title, answers=answers, felt_shift=shift,
                                      practiced=practiced)
            except EntryNotFound:  # deleted meanwhile: the words still go somewhere
                pass
        entry = journal.add(kind="focusing", title=title, answers=answers, felt_shift=shift,
                            pack_id=self.pack.id, language=self.lang, practiced=practiced)
        self.entry_id = entry.id
        return entry
