"""Journal entries: create, read, update, delete, filter and search, over the encrypted database."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any, ParamSpec, TypeVar, cast, overload

from journal_app.errors import AmbiguousEntryId, EntryNotFound, InputTooLarge, InvalidEntry
from journal_app.folding import fold as fold  # used from here by the rest of the app
from journal_app.vault.packed import held_body, held_get, utf8
from journal_app.vault.storage import Database, VaultStorage, bulk
from journal_app.vault.words import other_texts

KINDS = ("free", "focusing", "reflection")
ROLES = ("facilitator", "participant", "scribe", "timekeeper", "other")
TABLE = "entries"
MAX_TEXT_CHARS = 2_000_000  # one entry; a 1 MB body fits with room to spare
MAX_TAGS = 50
MAX_PRACTICE_SECONDS = 24 * 3600  # one session, noted by the player (each step is bounded)

Clock = Callable[[], datetime]


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Meeting:
    name: str = ""
    date: date | None = None
    role: str = ""


@dataclass(frozen=True)
class FeltShift:
    """Felt-shift ratings from 0 to 10, before and after a practice."""

    before: int | None = None
    after: int | None = None


@dataclass(frozen=True)
class Practiced:
    """What the session player noted of a guided session: the active seconds it took (pauses
    left out, each step bounded) and whether it reached its end or was stopped early. Entries
    saved before the player noted it have none: their time is not known."""

    seconds: int = 0
    completed: bool = False


@dataclass(frozen=True, slots=True)  # slots: a journal holds one per entry while open
class Entry:
    id: str
    created: datetime
    updated: datetime
    kind: str = "free"
    title: str = ""
    body: str = ""
    answers: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    meeting: Meeting | None = None
    felt_shift: FeltShift | None = None
    language: str = "fr"
    pack_id: str = ""
    practiced: Practiced | None = None

    @property
    def headline(self) -> str:
        """The title, or else the first non-empty line of the body or of an answer."""
        if self.title.strip():
            return self.title.strip()
        for text in (self.body, *self.answers.values()):
            for line in text.splitlines():
                if line.strip():
                    return line.strip()
        return ""


def _text_kept_as_utf8(slot: Any) -> property:
    """An Entry's body: given as text (`str`), kept as the entry was given it. An entry made from
    its stored document keeps the document's own UTF-8 bytes (journal_app/vault/storage.py
    `StoredDoc`): a journal holds its bodies once, at about half the memory of text (« ’ » makes
    Python keep a text at two bytes a character). Made into text when read (about 1 µs)."""

    def read(entry: Entry) -> str:
        value = slot.__get__(entry, Entry)
        return value.decode("utf-8", "surrogatepass") if value.__class__ is bytes else value

    def keep(entry: Entry, value: str | bytes) -> None:
        slot.__set__(entry, value)  # only through `object.__setattr__`: the dataclass is frozen

    return property(read, keep, doc="The entry's text.")


setattr(Entry, "body", _text_kept_as_utf8(Entry.__dict__["body"]))  # noqa: B010 (mypy: a field replaced)
_BODY: property = Entry.__dict__["body"]


@dataclass(frozen=True)
class EntryFilter:
    kind: str | None = None
    tag: str | None = None
    since: date | None = None  # inclusive, by local date of creation
    until: date | None = None  # inclusive

    @property
    def dated_only(self) -> bool:
        """Whether it asks only for a range of days (or nothing): told by when each entry was
        written, without making the entries."""
        return not (self.kind or self.tag)

    def matches_day(self, day: date) -> bool:
        return not (self.since and day < self.since) and not (self.until and day > self.until)

    def matches(self, entry: Entry) -> bool:
        if self.kind and entry.kind != self.kind:
            return False
        if self.tag and fold(self.tag.lstrip("#@")) not in {fold(t) for t in entry.tags}:
            return False
        return self.matches_day(entry.created.date())


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags as typed in one field, the editor's or the command line's: "cercle, corps"."""
    return clean_tags(text.split(","))


def tag_name(tag: str) -> str:
    """A tag as kept: trimmed, single spaces, no '#'/'@' prefix. `fold` of it compares two tags."""
    return " ".join(tag.strip().lstrip("#@").split())


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Trim, drop '#'/'@' prefixes and empties, keep the first spelling of each folded tag."""
    seen: dict[str, str] = {}
    for tag in tags:
        name = tag_name(tag)
        if name and fold(name) not in seen:
            seen[fold(name)] = name
    return tuple(seen.values())


# --- (de)serialization -----------------------------------------------------------------------
def entry_to_doc(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created": entry.created.isoformat(),
        "updated": entry.updated.isoformat(),
        "kind": entry.kind,
        "title": entry.title,
        "body": entry.body,
        "answers": dict(entry.answers),
        "tags": list(entry.tags),
        "meeting": None if entry.meeting is None else {
            "name": entry.meeting.name,
            "date": entry.meeting.date.isoformat() if entry.meeting.date else None,
            "role": entry.meeting.role,
        },
        "felt_shift": None if entry.felt_shift is None else {
            "before": entry.felt_shift.before, "after": entry.felt_shift.after},
        "language": entry.language,
        "pack_id": entry.pack_id,
        "practiced": None if entry.practiced is None else {
            "seconds": entry.practiced.seconds, "completed": entry.practiced.completed},
    }


class _NoAnswers(dict):  # type: ignore[type-arg]
    """The answers of an entry that has none: one empty mapping that every such entry shares,
    so it refuses to be changed (an entry is never changed in place)."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("an entry's answers are not changed in place")

    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = __ior__ = _refuse


NO_ANSWERS: Mapping[str, str] = _NoAnswers()


def _zone_kept(moment: datetime, shared: dict[Any, Any]) -> datetime:
    """`moment` with the time zone object other entries of the same offset already use."""
    zone = moment.tzinfo
    if zone is None:
        return moment
    kept = shared.setdefault(zone, zone)
    return moment if kept is zone else moment.replace(tzinfo=kept)


def entry_from_doc(doc: Mapping[str, Any], shared: dict[Any, Any] | None = None) -> Entry:
    """The entry a stored document holds. With `shared` (a journal making all its entries), the
    values many entries repeat (time zones, lists of tags) are made once and shared: they
    cannot change, and a large journal holds one entry per document while it is open."""
    get = held_get(doc)  # the body as the document holds it: the entry keeps the same bytes
    meeting = get("meeting")
    shift = get("felt_shift")
    practiced = get("practiced")
    answers = get("answers")
    created_at, updated_at = get("created"), get("updated")
    if created_at is None or updated_at is None:
        raise KeyError("created" if created_at is None else "updated")
    created = datetime.fromisoformat(created_at)
    updated = created if updated_at == created_at else datetime.fromisoformat(updated_at)
    tags = tuple(get("tags") or ())
    if shared is not None:
        created, updated = _zone_kept(created, shared), _zone_kept(updated, shared)
        tags = shared.setdefault(tags, tags)
    entry_id = get("id")
    if entry_id is None:
        raise KeyError("id")
    return Entry(
        id=entry_id,
        created=created,
        updated=updated,
        kind=get("kind", "free"),
        title=get("title", ""),
        body=get("body", ""),
        answers=dict(answers) if answers else NO_ANSWERS,
        tags=tags,
        meeting=None if not meeting else Meeting(
            name=meeting.get("name", ""),
            date=date.fromisoformat(meeting["date"]) if meeting.get("date") else None,
            role=meeting.get("role", ""),
        ),
        felt_shift=None if not shift else FeltShift(shift.get("before"), shift.get("after")),
        language=get("language", "fr"),
        pack_id=get("pack_id", ""),
        practiced=None if not practiced else Practiced(practiced.get("seconds", 0), practiced.get("completed", False)),
    )


_ENTRY_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")


def validate(entry: Entry) -> Entry:
    """Check an entry before it is stored; returns it with tags cleaned. An imported file can
    hold anything: an id that is not a short text of its own shape, or text fields that are not
    text, would break every later listing."""
    if not isinstance(entry.id, str) or not _ENTRY_ID.match(entry.id):
        raise InvalidEntry(field="id", value=repr(entry.id)[:40])
    texts = [entry.title, entry.body, entry.language, entry.pack_id, *entry.tags,
             *entry.answers.keys(), *entry.answers.values()]
    if not all(isinstance(t, str) for t in texts):
        raise InvalidEntry(field="text", value="")
    if entry.kind not in KINDS:
        raise InvalidEntry(field="kind", value=entry.kind)
    if entry.created.tzinfo is None or entry.updated.tzinfo is None:
        raise InvalidEntry(field="created", value=str(entry.created))
    size = len(entry.title) + len(entry.body) + sum(len(k) + len(v) for k, v in entry.answers.items())
    if size > MAX_TEXT_CHARS:
        raise InputTooLarge(size=size, limit=MAX_TEXT_CHARS)
    tags = clean_tags(entry.tags)
    if len(tags) > MAX_TAGS:
        raise InvalidEntry(field="tags", value=len(tags))
    if entry.meeting and entry.meeting.role and entry.meeting.role not in ROLES:
        raise InvalidEntry(field="role", value=entry.meeting.role)
    if entry.felt_shift:
        for value in (entry.felt_shift.before, entry.felt_shift.after):
            if value is not None and not (isinstance(value, int) and 0 <= value <= 10):
                raise InvalidEntry(field="felt_shift", value=value)
    if entry.practiced is not None:
        seconds, completed = entry.practiced.seconds, entry.practiced.completed
        if not (isinstance(seconds, int) and not isinstance(seconds, bool) and 0 <= seconds <= MAX_PRACTICE_SECONDS
                and isinstance(completed, bool)):
            raise InvalidEntry(field="practiced", value=repr(seconds)[:40])
    return entry if tags == entry.tags else replace(entry, tags=tags)


PREVIEW_CHARS = 180


def preview(entry: Entry, query: str = "") -> str:
    """The start of what the entry says, on one line, without repeating its headline; with a
    search, the passage around the first word found, when it is further on."""
    parts = [entry.body, *(v for k, v in entry.answers.items() if not k.startswith(":"))]
    text = " ".join(" ".join(parts).split())
    if not entry.title.strip() and text.startswith(entry.headline):
        text = text[len(entry.headline):].strip()
    if len(text) <= PREVIEW_CHARS:
        return text
    spans = match_spans(text, query) if query.strip() else []
    if spans and spans[0][1] > PREVIEW_CHARS - 20:
        start = max(0, spans[0][0] - 40)
        start = text.rfind(" ", 0, start) + 1 if start else 0  # at a word's beginning
        passage = text[start : start + PREVIEW_CHARS - 2].rstrip()
        return "…" + passage + ("…" if start + PREVIEW_CHARS - 2 < len(text) else "")
    return text[:PREVIEW_CHARS].rstrip() + "…"


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the words of `query` occur in `text`, ignoring case and accents as search does:
    (start, end) in `text`, sorted, not overlapping."""
    terms = [t for t in fold(query).split() if t]
    if not terms:
        return []
    folded, origin = [], []  # each folded character, and the index of the character it came from
    for i, ch in enumerate(text):
        for f in fold(ch):
            folded.append(f)
            origin.append(i)
    haystack = "".join(folded)
    spans = []
    for term in terms:
        start = haystack.find(term)
        while start >= 0:
            spans.append((origin[start], origin[start + len(term) - 1] + 1))
            start = haystack.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def search_text(entry: Entry) -> str:
    return fold("\n".join([entry.title, entry.body, *entry.answers.values(), *entry.tags,
                           entry.meeting.name if entry.meeting else ""]))


def _typed(doc: Mapping[str, Any]) -> tuple[bytes, str, str]:
    """The texts search reads in an entry's document, as typed: body (as UTF-8), title, the rest
    joined (none of the spellings searched holds a space: looking in each is looking in them
    joined)."""
    get = held_get(doc)
    if get("answers") or get("meeting"):
        rest = "\n".join(other_texts(doc))
    else:
        rest = "\n".join(get("tags") or ())
    return held_body(doc), get("title", ""), rest


def _holds(doc: Mapping[str, Any], spellings: tuple[tuple[str, bytes], ...]) -> bool:
    """Whether an entry's document holds one of `spellings` (each as text and as UTF-8, the body
    being searched as it is held) in a text search reads."""
    get = held_get(doc)
    body, title = held_body(doc), get("title", "")  # (a document not stored yet: its body made UTF-8)
    for spelling, encoded in spellings:
        if encoded in body or spelling in title:
            return True
    if not (get("answers") or get("tags") or get("meeting")):
        return False
    rest = _typed(doc)[2]
    return any(spelling in rest for spelling, _ in spellings)


def _moment(when: datetime) -> float:
    """When an entry was written, as a number that sorts as the moments do (whatever their
    offsets: a journal kept across daylight saving time has two)."""
    return (when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)).timestamp()


class Newest(Sequence[Entry]):
    """A journal's entries newest first, each made when it is first read. Unlocking a large
    journal shows its first page without making the entries nobody has scrolled to yet (at
    50,000 entries, making them all takes a quarter of a second). It reads the documents as they
    were when it was made: an entry deleted since reads as it was, as in a list of entries."""

    __slots__ = ("_journal", "_docs")

    def __init__(self, journal: Journal, docs: list[tuple[str, Mapping[str, Any]]]) -> None:
        self._journal = journal
        self._docs = docs

    def __len__(self) -> int:
        return len(self._docs)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            with self._journal._lock:
                return [self._journal._entry_of(doc_id, doc) for doc_id, doc in self._docs[index]]
        doc_id, doc = self._docs[index]
        with self._journal._lock:
            return self._journal._entry_of(doc_id, doc)

    def __iter__(self) -> Iterator[Entry]:
        """Every entry: all are made at once (sharing their time zones and tags), when the
        journal has not made them yet."""
        journal = self._journal
        with journal._lock:
            made = journal._entries
        for doc_id, doc in self._docs:
            entry = made.get(doc_id)
            if entry is None:
                with journal._lock:
                    entry = journal._entry_of(doc_id, doc)
            yield entry

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<{len(self)} entries, newest first>"


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """A method of Journal run under the storage's lock (see `Journal`)."""

    @functools.wraps(method)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with cast(Journal, args[0])._lock:
            return method(*args, **kwargs)

    return run


class Journal:
    """The member's entries. Reads come from memory; every change is saved before it returns.

    Threads share it: the app's event loop lists, searches and saves while the warm-up thread
    folds every entry (`warm_up`) and a device-sync round takes in another device's changes
    (journal_app/sync, in a worker thread). What it keeps (the entries made, the texts a search
    reads, the word list) and the storage's documents are read and changed under one lock, the
    storage's writer lock: a search never reads a table or a cache a save is changing, and a save
    never leaves a cache half-updated for a search to read (tests/test_search_concurrent.py).
    Only folding, the long part of `warm_up`, runs outside it."""

    def __init__(self, db: Database, clock: Clock = local_now) -> None:
        self.database = db
        self._table = db.table(TABLE)
        self._clock = clock
        self._cache: dict[str, Entry] | None = None
        self._hits: dict[str, Entry] = {}  # entries a search made before `_cache` was (see `_search_words`)
        self._texts: dict[str, tuple[bytes, str, str]] = {}  # entry id -> its texts as typed (`_typed`)
        self._searches = 0  # through the word list
        self._storage = cast(VaultStorage, db.storage)
        self._lock = self._storage.writing
        self._outside = self._outside_changes()  # changes made by another device, taken in
        # entry id -> (the entry as it was folded, its folded text). Keeping the entry lets a
        # reader tell a stale text from a fresh one without a lock (see `warm_up`).
        self._folded: dict[str, tuple[Entry, str]] = {}
        self._tags: list[tuple[str, int]] | None = None  # dropped at every change
        # entry id -> when it was written, read from the documents (`_written_at`), and the ids
        # newest first: what the list, the calendar and « ce jour-là » need, without the entries.
        self._written: dict[str, datetime] | None = None
        self._newest: list[str] | None = None  # dropped at every change

    # -- reading ------------------------------------------------------------------------------
    @property
    def _entries(self) -> dict[str, Entry]:
        self._follow_outside()
        if self._cache is None:
            hits = self._hits
            shared: dict[Any, Any] = {}
            with bulk(kept=True):  # from the stored documents themselves (TinyDB's iteration copies each)
                if hits:  # entries a search made already
                    self._cache = {doc_id: hits.get(doc_id) or entry_from_doc(doc, shared)
                                   for doc_id, doc in self._stored().items()}
                else:
                    self._cache = {doc_id: entry_from_doc(doc, shared) for doc_id, doc in self._stored().items()}
            self._hits = {}
        return self._cache

    def _follow_outside(self) -> None:
        """Another device's changes came in (sync): what was made from the documents is dropped."""
        if self._outside != self._outside_changes():
            self._outside = self._outside_changes()
            self._cache, self._folded, self._tags, self._hits, self._texts = None, {}, None, {}, {}
            self._written = self._newest = None

    def _entry_of(self, doc_id: str, doc: Mapping[str, Any]) -> Entry:
        """The entry of one document, made now if it was not (under the lock). Kept only if the
        document is still the stored one."""
        self._follow_outside()
        made = self._cache if self._cache is not None else self._hits
        entry = made.get(doc_id)
        if entry is None:
            entry = entry_from_doc(doc)
            if self._stored().get(doc_id) is doc:
                made[doc_id] = entry
        return entry

    def _written_at(self) -> dict[str, datetime]:
        """Entry id -> when it was written, from the documents (under the lock)."""
        self._follow_outside()
        if self._written is None:
            written: dict[str, datetime] = {}
            for doc_id, doc in self._stored().items():
                created = held_get(doc)("created")
                if created is None:
                    raise KeyError("created")
                written[doc_id] = datetime.fromisoformat(created)
            self._written = written
        return self._written

    def _newest_ids(self) -> list[str]:
        """Every entry's id, newest first (ties in the order stored, as a stable sort leaves them)."""
        written = self._written_at()
        if self._newest is None:
            moments = {doc_id: _moment(when) for doc_id, when in written.items()}
            self._newest = sorted(moments, key=moments.__getitem__, reverse=True)
        return self._newest

    def _outside_changes(self) -> int:
        return self._storage.outside_changes

    @_locked
    def __len__(self) -> int:
        self._follow_outside()
        return len(self._stored())

    @_locked
    def get(self, entry_id: str) -> Entry:
        """The entry with this id, or with the only id that starts with it (as `git` does)."""
        self._follow_outside()
        stored = self._stored()
        doc = stored.get(entry_id)
        if doc is not None:
            return self._entry_of(entry_id, doc)
        matches = [key for key in stored if key.startswith(entry_id)] if entry_id else []
        if len(matches) > 1:
            raise AmbiguousEntryId(id=entry_id, count=len(matches))
        if not matches:
            raise EntryNotFound(id=entry_id)
        return self._entry_of(matches[0], stored[matches[0]])

    @_locked
    def entries(self, where: EntryFilter | None = None) -> Sequence[Entry]:
        """Entries newest first, optionally filtered. Without a filter, or one of days only, the
        entries are made as they are read (`Newest`)."""
        if where is None or where.dated_only:
            stored, written = self._stored(), self._written_at()
            ids = self._newest_ids()
            if where is not None and (where.since or where.until):
                ids = [doc_id for doc_id in ids if where.matches_day(written[doc_id].date())]
            return Newest(self, [(doc_id, stored[doc_id]) for doc_id in ids])
        chosen = filter(where.matches, self._entries.values())
        return sorted(chosen, key=lambda e: e.created, reverse=True)

    @_locked
    def days_with_entries(self, year: int, month: int) -> dict[int, int]:
        """For a calendar: day of the month -> how many entries were written that day."""
        counts: dict[int, int] = {}
        for when in self._written_at().values():
            if when.year == year and when.month == month:
                counts[when.day] = counts.get(when.day, 0) + 1
        return counts

    @_locked
    def on_this_day(self, today: date) -> list[Entry]:
        """Entries written on this day of the year in earlier years, the most recent first."""
        stored = self._stored()
        found = [self._entry_of(doc_id, stored[doc_id]) for doc_id, when in self._written_at().items()
                 if (when.month, when.day) == (today.month, today.day) and when.year < today.year]
        return sorted(found, key=lambda e: _moment(e.created), reverse=True)

    @_locked
    def search(self, query: str, where: EntryFilter | None = None) -> Sequence[Entry]:
        """Entries holding every word of `query`, ignoring case and accents, newest first."""
        terms = fold(query).split()
        if not terms:
            return self.entries(where)
        folded_all = bool(self._folded) and len(self._folded) == len(self)  # as fast (`warm_up`)
        found = None if folded_all else self._search_words(terms, where)
        if found is not None:
            return sorted(found, key=lambda e: e.created, reverse=True)
        with bulk(kept=True):  # without the word list, the first search folds every entry
            found = [entry for entry in list(self._entries.values())
                     if all(term in self._folded_text(entry) for term in terms)
                     and (where is None or where.matches(entry))]
        return sorted(found, key=lambda e: e.created, reverse=True)

    def _search_words(self, terms: list[str], where: EntryFilter | None) -> list[Entry] | None:
        """The search through the vault's word list (journal_app/vault/words.py): each term
        and the spellings of it the journal has, looked for in the entries' text as typed,
        nothing folded. None when the list cannot say (the slow way then)."""
        tables = self._storage.read()
        asked = [self._storage.spellings(term) for term in terms]
        if any(s is None for s in asked):
            return None
        spellings = cast(list[tuple[str, ...]], asked)
        self._follow_outside()
        # Without the entries made yet (a command's search, the first after opening), only the
        # entries found are made (`_entry_of`), and kept for the next search and for the entries' cache.
        table = tables.get(TABLE, {})
        self._searches += 1
        # Each spelling as text and as UTF-8: bodies are searched as they are held.
        encoded = [tuple((s, utf8(s)) for s in spelled) for spelled in spellings]
        if self._searches == 1:  # the first (a command's only one): the documents read as they are
            docs = list(table.items())
            for pairs in encoded:
                docs = [(doc_id, doc) for doc_id, doc in docs if _holds(doc, pairs)]
        else:  # the next ones: each entry's texts kept at hand (`_typed`)
            texts = self._texts
            for doc_id in texts.keys() - table.keys():
                del texts[doc_id]
            for doc_id in table.keys() - texts.keys():
                texts[doc_id] = _typed(table[doc_id])
            matched: Iterable[tuple[str, tuple[bytes, str, str]]] = texts.items()
            for pairs in encoded:
                if len(pairs) == 1:
                    one, one_utf8 = pairs[0]
                    matched = [(k, t) for k, t in matched if one_utf8 in t[0] or one in t[1] or one in t[2]]
                else:
                    matched = [(k, t) for k, t in matched
                               if any(b in t[0] or x in t[1] or x in t[2] for x, b in pairs)]
            hits = {doc_id for doc_id, _ in matched}
            docs = [(doc_id, doc) for doc_id, doc in table.items() if doc_id in hits]  # in the table's order
        found = []
        with bulk(kept=True):
            for doc_id, doc in docs:
                entry = self._entry_of(doc_id, doc)
                if where is None or where.matches(entry):
                    found.append(entry)
        return found

    def _folded_text(self, entry: Entry) -> str:
        cached = self._folded.get(entry.id)
        if cached is not None and cached[0] is entry:
            return cached[1]
        text = search_text(entry)
        self._folded[entry.id] = (entry, text)
        return text

    def warm_up(self) -> None:
        """Fold every entry ahead of searches (the app runs it in a thread, a second after
        unlocking): a search typed before it ends goes through the vault's word list, the
        ones after through the folded texts (a few times faster on accented words)."""
        with self._lock:
            entries = list(self._entries.values())
        with bulk(kept=True):  # `_folded_text` needs no lock: a text is kept with its entry
            for entry in entries:
                self._folded_text(entry)

    @_locked
    def tags(self) -> list[tuple[str, int]]:
        """Every tag with how many entries carry it, most used first."""
        if self._tags is None:
            self._tags = self._count_tags()
        return list(self._tags)

    def _count_tags(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        names: dict[str, str] = {}
        for entry in self._entries.values():
            for tag in entry.tags:
                key = fold(tag)
                names.setdefault(key, tag)
                counts[key] = counts.get(key, 0) + 1
        return sorted(((names[k], n) for k, n in counts.items()), key=lambda t: (-t[1], fold(t[0])))

    # -- writing ------------------------------------------------------------------------------
    def new_entry(self, body: str = "", *, title: str = "", kind: str = "free",
                  tags: Iterable[str] = (), answers: Mapping[str, str] | None = None,
                  meeting: Meeting | None = None, felt_shift: FeltShift | None = None,
                  language: str = "fr", pack_id: str = "", created: datetime | None = None,
                  practiced: Practiced | None = None) -> Entry:
        """A checked entry with a fresh id, not stored yet."""
        now = self._clock()
        return validate(Entry(
            id=str(uuid.uuid4()), created=created or now, updated=now, kind=kind, title=title,
            body=body, answers=dict(answers or {}), tags=tuple(tags), meeting=meeting,
            felt_shift=felt_shift, language=language, pack_id=pack_id, practiced=practiced))

    def add(self, body: str = "", **fields: Any) -> Entry:
        """Create and save an entry (see `new_entry` for the fields)."""
        return self._put_checked(self.new_entry(body, **fields))  # `new_entry` checked it

    def put(self, entry: Entry) -> Entry:
        """Store a whole entry, new or existing (used by the editor, import and undo)."""
        return self._put_checked(validate(entry))

    @_locked
    def _put_checked(self, entry: Entry) -> Entry:
        doc = entry_to_doc(entry)
        if entry.id in self._stored():
            self._table.update_doc(entry.id, doc)
        else:
            self._table.insert_doc(entry.id, doc)
        self._remember(entry)
        return entry

    @_locked
    def put_new(self, entries: Iterable[Entry]) -> list[Entry]:
        """Store many new entries with a single save (import). Ids must not exist yet."""
        checked = [validate(e) for e in entries]
        stored = self._stored()
        if any(e.id in stored for e in checked):
            raise InvalidEntry(field="id", value="duplicate")
        if checked:
            self._table.insert_docs((e.id, entry_to_doc(e)) for e in checked)
        for entry in checked:
            self._remember(entry)
        return checked

    @_locked
    def contains(self, entry_id: str) -> bool:
        self._follow_outside()
        return entry_id in self._stored()

    def _stored(self) -> Mapping[str, Any]:
        """The entries' documents as stored: whether an entry exists, without making every entry."""
        return cast(Mapping[str, Any], self._storage.read().get(TABLE, {}))

    def _remember(self, entry: Entry) -> None:
        self._follow_outside()
        held = held_get(self._stored().get(entry.id) or {})("body")
        if held.__class__ is bytes:  # kept with its stored document's UTF-8, not a text of its own:
            # the same text, read back from the bytes (`_text_kept_as_utf8`); set in place, as
            # whoever holds this entry reads the same body either way (a copy cost 7 µs a save)
            _BODY.__set__(entry, held)
        if self._cache is not None:
            self._cache[entry.id] = entry
        else:  # the entries are not made yet (a command): made when first needed
            self._hits[entry.id] = entry
        self._folded.pop(entry.id, None)
        self._texts.pop(entry.id, None)
        self._tags = None
        if self._written is not None:
            self._written[entry.id] = entry.created
        self._newest = None

    @_locked
    def update(self, entry_id: str, **changes: Any) -> Entry:
        """Change some fields of an entry; `updated` is set to now."""
        current = self.get(entry_id)
        unknown = set(changes) - {"title", "body", "kind", "tags", "answers", "meeting",
                                  "felt_shift", "language", "created", "pack_id", "practiced"}
        if unknown:
            raise InvalidEntry(field=", ".join(sorted(unknown)), value="?")
        return self.put(replace(current, **changes, updated=self._clock()))

    @_locked
    def delete(self, entry_id: str) -> Entry:
        """Delete an entry and return it, so the caller can offer to undo with `put`."""
        entry = self.get(entry_id)
        self._table.remove_docs([entry.id])
        for kept in (self._cache or {}, self._hits, self._written or {}, self._folded, self._texts):
            kept.pop(entry.id, None)
        self._tags = self._newest = None
        return entry
