"""What the journal already knows of a member's practice, counted: practices per pack, meetings
reflected on and the roles held, per month; and the skills list the member starts from.

Only counts leave the journal, and only those the member ticks on a claim."""

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
    practices: int
    minutes: int
    last: date
    before: float | None  # mean felt-shift rating before, where rated
    after: float | None


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
            practices_month[month] += 1
        if entry.meeting is not None:
            meetings += 1
            meetings_month[month] += 1
            if entry.meeting.role in ROLES:
                roles[entry.meeting.role] += 1
    counts = []
    for pack_id, done in by_pack.items():
        pack = packs.get(pack_id)
        seconds = pack.total_seconds if pack is not None and pack.kind == "session" else 0
        shifts = [e.felt_shift for e in done if e.felt_shift is not None]
        counts.append(PackCount(
            pack_id, len(done), round(seconds * len(done) / 60), max(e.created.date() for e in done),
            _mean([s.before for s in shifts if s.before is not None]),
            _mean([s.after for s in shifts if s.after is not None])))
    counts.sort(key=lambda c: (-c.practices, c.pack_id))
    months = sorted(set(practices_month) | set(meetings_month), reverse=True)
    return Practice(tuple(counts), meetings, dict(roles),
                    tuple(MonthCount(m, practices_month[m], meetings_month[m]) for m in months))


def facts(practice: Practice, packs: Mapping[str, Pack], lang: str) -> list[Fact]:
    """The counts as sentences a claim can carry, in the claim's language."""
    found = []
    for count in practice.packs:
        pack = packs.get(count.pack_id)
        title = pack.title.get(lang) if pack is not None else count.pack_id
        text = translate("badge.fact.practices", lang, count=count.practices, last=format_date(count.last, lang))
        if count.minutes:
            text += " " + translate("badge.fact.minutes", lang, n=format_number(count.minutes, lang))
        if count.before is not None and count.after is not None:
            text += " " + translate("badge.fact.shift", lang, before=format_number(count.before, lang, 1),
                                    after=format_number(count.after, lang, 1))
        found.append(Fact(f"pack:{count.pack_id}", title, text))
    if practice.meetings:
        found.append(Fact("meetings", translate("badge.fact.meetings_name", lang),
                          translate("badge.fact.meetings", lang, count=practice.meetings)))
    for role in ROLES:
        if practice.roles.get(role):
            found.append(Fact(f"role:{role}", translate(f"role.{role}", lang).capitalize(),
                              translate(f"badge.fact.role.{role}", lang, count=practice.roles[role])))
    return found
