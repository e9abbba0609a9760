"""What the journal already knows of a member's practice, counted: practices per pack, meetings
reflected on and the roles held, per month; and the skills list the member starts from.

Counted honestly: a guided session counts once it reached its end, for the time the player noted
(pauses left out, each step bounded), never the pack's nominal duration; a reflection once
« Terminer » was tapped; a practice stopped early is shown apart and never counted; one saved
before the journal noted this counts (a session's time then « non notée »). Only counts leave
the journal, and only those the member ticks on a claim."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from journal_app.i18n import format_date, format_number, translate
from journal_app.journal import ROLES, Entry
from journal_app.prompts.packs import Pack

# The collective's own domains: the list a member starts from (renamed, removed or added to).
SKILL_DOMAINS = ("self_governance", "collective_intelligence", "u_process", "systemic", "peer_to_peer",
                 "open_source", "mapping_4d", "spt", "wholebody_focusing", "focusing")


@dataclass(frozen=True)
class PackCount:
    pack_id: str
    practices: int  # completed sessions (and reflections); never the ones stopped early
    minutes: int  # the active time noted in the completed sessions, rounded
    last: date  # the last one counted (the last one started, when none is)
    before: float | None  # mean felt-shift rating before, where rated
    after: float | None
    seconds: int = 0  # the same time, in seconds as noted
    untimed: int = 0  # counted sessions saved before the player noted time: « durée non notée »
    stopped: int = 0  # sessions and reflections begun and stopped before their end: shown, never counted


@dataclass(frozen=True)
class MonthCount:
    month: str  # "2026-11"
    practices: int
    meetings: int


@dataclass(frozen=True)
class Fact:
    """One count a member may tick onto a claim: an id, and its sentence in a language."""

    id: str
    name: str
    text: str


@dataclass(frozen=True)
class Practice:
    packs: tuple[PackCount, ...]
    meetings: int  # entries that reflect on a meeting
    roles: Mapping[str, int]  # meetings per role held
    months: tuple[MonthCount, ...]  # newest first


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _counted(entry: Entry) -> bool:
    """A practice that counts: a session or a reflection taken to its end, or one saved before
    the journal noted whether it was (then a session's time is not known)."""
    return entry.practiced is None or entry.practiced.completed


def count_practice(entries: Iterable[Entry], packs: Mapping[str, Pack]) -> Practice:
    by_pack: dict[str, list[Entry]] = defaultdict(list)
    roles: Counter[str] = Counter()
    meetings = 0
    practices_month: Counter[str] = Counter()
    meetings_month: Counter[str] = Counter()
    for entry in entries:
        month = entry.created.strftime("%Y-%m")
        if entry.kind != "free" and entry.pack_id:
            by_pack[entry.pack_id].append(entry)
            if _counted(entry):
                practices_month[month] += 1
        if entry.meeting is not None:
            meetings += 1
            meetings_month[month] += 1
            if entry.meeting.role in ROLES:
                roles[entry.meeting.role] += 1
    counts = []
    for pack_id, begun in by_pack.items():
        done = [e for e in begun if _counted(e)]
        sessions = [e for e in done if e.kind == "focusing"]
        seconds = sum(e.practiced.seconds for e in sessions if e.practiced is not None)
        shifts = [e.felt_shift for e in done if e.felt_shift is not None]
        counts.append(PackCount(
            pack_id, len(done), round(seconds / 60), max(e.created.date() for e in (done or begun)),
            _mean([s.before for s in shifts if s.before is not None]),
            _mean([s.after for s in shifts if s.after is not None]),
            seconds=seconds, untimed=sum(1 for e in sessions if e.practiced is None),
            stopped=len(begun) - len(done)))
    counts.sort(key=lambda c: (-c.practices, -c.stopped, c.pack_id))
    months = sorted(set(practices_month) | set(meetings_month), reverse=True)
    return Practice(tuple(counts), meetings, dict(roles),
                    tuple(MonthCount(m, practices_month[m], meetings_month[m]) for m in months))


def _title(pack_id: str, packs: Mapping[str, Pack], lang: str) -> str:
    pack = packs.get(pack_id)
    return pack.title.get(lang) if pack is not None else pack_id


def facts(practice: Practice, packs: Mapping[str, Pack], lang: str) -> list[Fact]:
    """The counts as sentences a claim can carry, in the claim's language: completed practices
    and the time noted, never a session stopped early (see `unfinished`)."""
    found = []
    for count in practice.packs:
        if not count.practices:
            continue
        text = translate("badge.fact.practices", lang, count=count.practices, last=format_date(count.last, lang))
        if count.minutes:
            text += " " + translate("badge.fact.minutes", lang, n=format_number(count.minutes, lang))
        elif count.seconds:
            text += " " + translate("badge.fact.under_a_minute", lang)
        if count.untimed:
            text += " " + translate("badge.fact.untimed", lang, count=count.untimed)
        if count.before is not None and count.after is not None:
            text += " " + translate("badge.fact.shift", lang, before=format_number(count.before, lang, 1),
                                    after=format_number(count.after, lang, 1))
        found.append(Fact(f"pack:{count.pack_id}", _title(count.pack_id, packs, lang), text))
    if practice.meetings:
        found.append(Fact("meetings", translate("badge.fact.meetings_name", lang),
                          translate("badge.fact.meetings", lang, count=practice.meetings)))
    for role in ROLES:
        if practice.roles.get(role):
            found.append(Fact(f"role:{role}", translate(f"role.{role}", lang),
                              translate(f"badge.fact.role.{role}", lang, count=practice.roles[role])))
    return found


def unfinished(practice: Practice, packs: Mapping[str, Pack], lang: str) -> list[Fact]:
    """Sessions and reflections begun and stopped before their end, per pack: shown to the
    member apart from the counts, never offered for a claim."""
    return [Fact(f"stopped:{c.pack_id}", _title(c.pack_id, packs, lang),
                 translate("badge.fact.stopped", lang, count=c.stopped))
            for c in practice.packs if c.stopped]
