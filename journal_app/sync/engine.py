"""Changes out, changes in: what a save changed in the tables that follow the member from device
to device, stamped and queued to send; another device's changes taken in without losing a word
(docs/sync.md).

Every synced document carries, in the table `sync_meta`, the stamp of its last change and the
stamp that change was based on. A change received that was based on the version held here simply
replaces it. Two changes made apart on the same document are merged the same way on every
device, so all converge without sending anything more: for an entry, the later text stays and
the other is kept on the same entry as a « version en conflit » (never a second entry), tags are
merged, and an edit beats a delete; elsewhere, the later change wins, and an edit beats a delete.
A batch that would delete more than a quarter of the journal stops and asks.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from journal_app.errors import RessentiError
from journal_app.sync.clock import Clock, Stamp
from journal_app.vault.storage import Database, Tables, VaultStorage

# What follows the member from device to device. What stays per device: `under_way` (a session
# open on this screen), `sync_*` themselves, the outbox of envelopes already sealed for a
# circle's relay, a facilitator's received insights and theme boards (they live where the
# facilitator gathers them).
SYNCED = frozenset({"entries", "packs", "circles_joined", "circles_owned", "badge_identities", "badge_skills",
                    "badge_credentials", "people"})
META, OUT, DEVICE = "sync_meta", "sync_out", "sync_device"
ENTRIES = "entries"
MASS_DELETION_SHARE = 0.25
_TEXT_FIELDS = ("title", "body", "answers")


class MassDeletion(RessentiError):
    """Changes received would delete more than a quarter of the journal: asked first."""

    key = "error.sync_mass_deletion"


def _meta_key(table: str, doc_id: str) -> str:
    return f"{table}\x1f{doc_id}"


@dataclass
class Change:
    table: str
    id: str
    doc: dict[str, Any] | None  # None: deleted
    stamp: Stamp
    base: Stamp | None  # the version it was made from, None for a new document
    # Each device's latest change in this version's history (this one included): a change whose
    # stamp is not later than its device's here was seen already, however far back.
    seen: dict[str, Stamp] = field(default_factory=dict)

    def pack(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.id, "doc": self.doc, "stamp": self.stamp.pack(),
                "base": self.base.pack() if self.base else None, "seen": _pack_seen(self.seen)}

    @classmethod
    def unpack(cls, raw: dict[str, Any]) -> Change:
        stamp = Stamp.unpack(raw.get("stamp"))
        doc = raw.get("doc")
        if (stamp is None or not isinstance(raw.get("table"), str) or not isinstance(raw.get("id"), str)
                or not (doc is None or isinstance(doc, dict))):
            raise ValueError("not a change")
        return cls(raw["table"], raw["id"], doc, stamp, Stamp.unpack(raw.get("base")),
                   _with(_unpack_seen(raw.get("seen")), stamp))


def _pack_seen(seen: dict[str, Stamp]) -> dict[str, Any]:
    return {device: stamp.pack() for device, stamp in sorted(seen.items())}


def _unpack_seen(raw: object) -> dict[str, Stamp]:
    seen: dict[str, Stamp] = {}
    if isinstance(raw, dict):
        for device, packed in raw.items():
            stamp = Stamp.unpack(packed)
            if isinstance(device, str) and stamp is not None and stamp.device == device:
                seen[device] = stamp
    return seen


def _with(seen: dict[str, Stamp], *stamps: Stamp | None, more: dict[str, Stamp] | None = None) -> dict[str, Stamp]:
    """`seen` with these stamps and `more` added, each device's latest kept."""
    out = dict(seen)
    for stamp in [*stamps, *(more or {}).values()]:
        if stamp is not None and (stamp.device not in out or out[stamp.device] < stamp):
            out[stamp.device] = stamp
    return out


@dataclass
class Taken:
    """What taking in a batch did."""

    replaced: int = 0  # changes made on the version held here
    merged: int = 0  # changes made apart, merged
    conflicts: list[str] = field(default_factory=list)  # entries now holding a version en conflit
    already: int = 0  # seen before


class Sync:
    """The sync state of one vault (one device)."""

    def __init__(self, db: Database, wall: Callable[[], float] = time.time) -> None:
        self._db = db
        self._wall = wall
        self._applying = False
        storage = cast(VaultStorage, db.storage)
        storage.before_save = self._capture

    def _stored(self) -> Tables:
        return cast(VaultStorage, self._db.storage).read()

    # -- this device ---------------------------------------------------------------------------
    def _clock(self, tables: Tables) -> Clock:
        device = tables.get(DEVICE, {}).get("self")
        if device is None:
            device = {"id": secrets.token_hex(8), "last": None}
            tables.setdefault(DEVICE, {})["self"] = device
        return Clock(device["id"], Stamp.unpack(device.get("last")), self._wall)

    def _keep_clock(self, tables: Tables, clock: Clock) -> None:
        device = tables[DEVICE]["self"]
        tables[DEVICE]["self"] = {**device, "last": clock.last.pack()}

    def ensure_device(self) -> str:
        """This device's id, made (with its clock) if the vault had none yet."""
        if not self.device:
            def update(tables: dict[str, dict[str, Any]]) -> None:
                self._clock(cast(Tables, tables))

            self._db.change(update)
        return self.device

    @property
    def database(self) -> Database:
        return self._db

    @property
    def device(self) -> str:
        device = self._stored().get(DEVICE, {}).get("self")
        return str(device["id"]) if device else ""

    # -- changes out ---------------------------------------------------------------------------
    def _capture(self, tables: Tables) -> None:
        """Before a save: stamp what it changes in the synced tables and queue it to send, in
        the same save (a change is kept and queued, or neither)."""
        if self._applying:
            return
        changed = sorted(key for key in tables.changed if key[0] in SYNCED)
        if not changed:
            return
        clock = self._clock(tables)
        meta = tables.setdefault(META, {})
        out = tables.setdefault(OUT, {})
        for table, doc_id in changed:
            doc = tables.get(table, {}).get(doc_id)
            held = meta.get(_meta_key(table, doc_id))
            base = Stamp.unpack(held["stamp"]) if held else None
            history = _unpack_seen(held.get("seen")) if held else {}
            # A change of this document still waiting to leave is replaced by this one, made
            # from what the other devices last received (an autosave storm sends one change, and
            # a deleted entry's earlier text does not wait in the queue).
            for key, queued in list(out.items()):
                if queued["table"] == table and queued["id"] == doc_id:
                    base = Stamp.unpack(queued.get("base"))
                    out.pop(key)
            stamp = clock.now()
            seen = _with(history, held and Stamp.unpack(held["stamp"]), stamp)
            meta[_meta_key(table, doc_id)] = {"stamp": stamp.pack(), "base": base.pack() if base else None,
                                              "seen": _pack_seen(seen)}
            change = Change(table, doc_id, dict(doc) if doc is not None else None, stamp, base, seen)
            out[f"{stamp.wall_ms:015d}-{stamp.counter:06d}-{stamp.device}"] = change.pack()
        self._keep_clock(tables, clock)

    def pending(self) -> list[Change]:
        """What waits to be sent to the member's other devices, oldest first."""
        out = self._stored().get(OUT, {})
        return [Change.unpack(out[key]) for key in sorted(out)]

    def sent(self, changes: Iterable[Change]) -> None:
        """Forget what every other device has received."""
        keys = {f"{c.stamp.wall_ms:015d}-{c.stamp.counter:06d}-{c.stamp.device}" for c in changes}

        def update(tables: dict[str, dict[str, Any]]) -> None:
            out = tables.get(OUT, {})
            for key in keys & set(out):
                out.pop(key)

        self._db.change(update)

    def queue(self, changes: Iterable[Change]) -> None:
        """Queue these changes, as they are (stamps kept), to leave for the other devices (what a
        device held before it was paired)."""
        changes = list(changes)

        def update(tables: dict[str, dict[str, Any]]) -> None:
            out = tables.setdefault(OUT, {})
            for change in changes:
                out[f"{change.stamp.wall_ms:015d}-{change.stamp.counter:06d}-{change.stamp.device}"] = change.pack()

        if changes:
            self._apply(update)

    def snapshot(self, deleted: bool = False) -> list[Change]:
        """Every document of the synced tables as a change, for a new device (pairing): each
        with the stamps of its last change; a document saved before sync was set up is stamped
        now (in one save that queues nothing: it goes to the new device in the snapshot, and
        the devices already paired hold it as it is). With `deleted`, the documents deleted
        here too, as deletions with their stamps (for a device that missed changes: it deletes
        them too, unless it edited them since)."""
        changes: list[Change] = []

        def update(tables: dict[str, dict[str, Any]]) -> None:
            typed = cast(Tables, tables)
            clock = self._clock(typed)
            meta = typed.setdefault(META, {})
            for table in sorted(SYNCED):
                for doc_id, doc in sorted(typed.get(table, {}).items()):
                    key = _meta_key(table, doc_id)
                    if key not in meta:
                        stamp = clock.now()
                        meta[key] = {"stamp": stamp.pack(), "base": None, "seen": _pack_seen({stamp.device: stamp})}
                    held = meta[key]
                    stamp = cast(Stamp, Stamp.unpack(held["stamp"]))
                    changes.append(Change(table, doc_id, dict(doc), stamp, Stamp.unpack(held.get("base")),
                                          _with(_unpack_seen(held.get("seen")), stamp)))
            if deleted:
                for key, held in sorted(meta.items()):
                    table, _, doc_id = key.partition("\x1f")
                    if table in SYNCED and doc_id not in typed.get(table, {}):
                        stamp = cast(Stamp, Stamp.unpack(held["stamp"]))
                        changes.append(Change(table, doc_id, None, stamp, Stamp.unpack(held.get("base")),
                                              _with(_unpack_seen(held.get("seen")), stamp)))
            self._keep_clock(typed, clock)

        self._apply(update)
        return changes

    # -- changes in ----------------------------------------------------------------------------
    def take(self, changes: Iterable[Change], *, allow_mass_deletion: bool = False) -> Taken:
        """Take in another device's changes, in one save."""
        batch = sorted(changes, key=lambda c: c.stamp)
        tables = self._stored()
        entries = tables.get(ENTRIES, {})
        deleting = {c.id for c in batch if c.table == ENTRIES and c.doc is None and c.id in entries}
        if not allow_mass_deletion and len(deleting) > 1 and len(deleting) > MASS_DELETION_SHARE * len(entries):
            raise MassDeletion(count=len(deleting), total=len(entries))
        taken = Taken()

        def update(tables: dict[str, dict[str, Any]]) -> None:
            typed = cast(Tables, tables)
            clock = self._clock(typed)
            for change in batch:
                if change.table in SYNCED:
                    self._take_one(typed, clock, change, taken)
            self._keep_clock(typed, clock)

        self._apply(update, outside=True)
        return taken

    def _apply(self, update: Callable[[dict[str, dict[str, Any]]], None], *, outside: bool = False) -> None:
        """One save of changes this engine makes itself (not stamped again as this device's);
        `outside`: changes of another device, which readers must see (Journal reloads)."""
        storage = cast(VaultStorage, self._db.storage)
        self._applying = True
        try:
            with storage.writing:  # a reader under the same lock sees the change and its count together
                try:
                    self._db.change(update)
                finally:
                    if outside:
                        storage.outside_changes += 1
        finally:
            self._applying = False

    def _take_one(self, tables: Tables, clock: Clock, change: Change, taken: Taken) -> None:
        clock.receive(change.stamp)
        meta = tables.setdefault(META, {})
        key = _meta_key(change.table, change.id)
        held_meta = meta.get(key)
        held = Stamp.unpack(held_meta["stamp"]) if held_meta else None
        held_base = Stamp.unpack(held_meta.get("base")) if held_meta else None
        held_seen = _with(_unpack_seen(held_meta.get("seen")) if held_meta else {}, held, held_base)
        table = tables.setdefault(change.table, {})
        mine = held_seen.get(change.stamp.device)
        if mine is not None and change.stamp <= mine and all(
                device in held_seen and stamp <= held_seen[device] for device, stamp in change.seen.items()):
            taken.already += 1  # seen: the version here, or one it was made from, however far back
            return
        # (A version that holds a change not seen here, stamped with one seen here — another
        # device's merge, sent in a snapshot when the change itself was lost — is merged below.)
        # Made on the version held here: from it (its base), or from a later one of the same
        # history (what it has seen covers everything held here, each device's latest change).
        # The second: a queued change replaced by a newer edit keeps the queued one's base, and
        # the queued one may have reached this device already (the relay took it, the sender
        # stopped before marking it sent).
        if held is None or held == change.base or all(
                device in change.seen and stamp <= change.seen[device] for device, stamp in held_seen.items()):
            _put(table, change.id, change.doc)
            meta[key] = {"stamp": change.stamp.pack(), "base": change.base.pack() if change.base else None,
                         "seen": _pack_seen(_with(change.seen, change.stamp, more=held_seen))}
            taken.replaced += 1
            return
        # Made apart: merged the same way on every device.
        mine = table.get(change.id)
        later, earlier = ((change.doc, mine) if change.stamp > held else (mine, change.doc))
        if change.table == ENTRIES:
            merged = merge_entries(later, earlier, min(change.stamp, held))
            if merged is not None and later is not None and earlier is not None and merged.get("conflicts"):
                taken.conflicts.append(change.id)
        else:
            merged = later if later is not None else earlier  # an edit beats a delete
        _put(table, change.id, merged)
        top = max(change.stamp, held)
        meta[key] = {"stamp": top.pack(), "base": None,
                     "seen": _pack_seen(_with(change.seen, change.stamp, more=held_seen))}
        taken.merged += 1


def _put(table: dict[str, Any], doc_id: str, doc: dict[str, Any] | None) -> None:
    if doc is None:
        table.pop(doc_id, None)
    else:
        table[doc_id] = dict(doc)


def merge_entries(later: dict[str, Any] | None, earlier: dict[str, Any] | None,
                  earlier_stamp: Stamp) -> dict[str, Any] | None:
    """Two versions of one entry written apart. An edit beats a delete; with both, the later
    text stays and the earlier one is kept on the entry as a version en conflit (compared and
    chosen by the person), unless the words are the same; tags merge."""
    if later is None or earlier is None:
        return later if later is not None else earlier
    merged = dict(later)
    conflicts = {_conflict_key(c): c for c in [*(later.get("conflicts") or []), *(earlier.get("conflicts") or [])]}
    if any(later.get(f) != earlier.get(f) for f in _TEXT_FIELDS):
        version = {f: earlier.get(f) for f in _TEXT_FIELDS} | {"updated": earlier.get("updated"),
                                                                "stamp": earlier_stamp.pack()}
        conflicts[_conflict_key(version)] = version
    if conflicts:
        merged["conflicts"] = [conflicts[k] for k in sorted(conflicts)]
    tags = list(later.get("tags") or [])
    tags += [t for t in earlier.get("tags") or [] if t not in tags]
    merged["tags"] = tags
    return merged


def _conflict_key(version: dict[str, Any]) -> str:
    stamp = version.get("stamp") or [0, 0, ""]
    return f"{stamp[0]:015d}-{stamp[1]:06d}-{stamp[2]}"
