"""TinyDB on top of the encrypted vault.

The TinyDB document lives in memory after opening. Each stored document is one item of the
vault, its key the table and the document's id, its value the document as JSON
(docs/vault-format.md). A write saves only the documents that changed since the last write:
tables and documents note their own changes (`Tables`, `Tracked`, `StoredDoc`), so a save costs
what it changed, not the size of the journal.
"""

from __future__ import annotations

import gc
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from journal_app.errors import SaveFailed, VaultDamaged
from journal_app.vault.container import Opened, Rekeyed, Vault
from journal_app.vault.keys import KdfParams
from journal_app.vault.packed import PACKED, packed, shown
from journal_app.vault.seen import remember_seen
from journal_app.vault.words import WordList

DOCUMENT_FORMAT = "ressenti-document"
DOCUMENT_VERSION = 1
# Deleting from these tables rewrites the log at once (and its backup): the text must be gone
# from the file when the delete returns.
FORGET_ON_DELETE = frozenset({"entries"})

Key = tuple[str, str]


def item_key(table: str, doc_id: str) -> bytes:
    """A document's key in the vault: the table's name, a zero byte, the document's id (TinyDB
    gives counters to documents inserted without one: they come back as strings)."""
    return table.encode("utf-8") + b"\x00" + str(doc_id).encode("utf-8", "surrogatepass")


def split_key(key: bytes) -> Key:
    table, sep, doc_id = key.partition(b"\x00")
    if not sep:
        raise VaultDamaged()
    return table.decode("utf-8"), doc_id.decode("utf-8", "surrogatepass")


# json.dumps with these options makes a new encoder at every call: one, made once.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def encode_value(doc: dict[str, Any]) -> bytes:
    """A stored document as the vault keeps it: compact JSON in UTF-8 (its body as text)."""
    if isinstance(doc, StoredDoc):
        doc = doc.plain()
    # surrogatepass: a lone surrogate typed or pasted somewhere must not make a save fail.
    return _encode(doc).encode("utf-8", "surrogatepass")


class Changes(set[Key]):
    """The documents changed since the last save, by key; and, for the tables whose deletions
    must leave the file (FORGET_ON_DELETE), each such document as it was before its first change
    since then (`before`; None: it did not exist). The search word list reads them: a deleted
    entry's words, and the words an edit took out, may have to leave it
    (journal_app/vault/words.py)."""

    __slots__ = ("before",)

    def __init__(self) -> None:
        super().__init__()
        self.before: dict[Key, dict[str, Any] | None] = {}

    def note(self, key: Key, doc: Any) -> None:
        """`key`'s document is about to change; `doc` is it now (None: there is none)."""
        if key[0] in FORGET_ON_DELETE and key not in self.before:
            self.before[key] = None if doc is None else dict(doc)
        self.add(key)

    def clear(self) -> None:
        super().clear()
        self.before.clear()


class StoredDoc(dict):  # type: ignore[type-arg]
    """A stored document that notes itself as changed when it is changed in place, and holds its
    body as UTF-8 (journal_app/vault/packed.py).

    TinyDB changes documents by assigning top-level fields (`doc.update(fields)`), which notes
    the document, so a write encodes and saves only what changed. Code must not mutate a stored
    document's nested lists or dicts in place (the journal never does: it stores fresh dicts).

    Every way of reading a field gives the body as text: indexing, `get`, `items`, `values`,
    `copy`, comparing, and what CPython's C code reads of a dict subclass (`dict(doc)`, `{**doc}`,
    `f(**doc)`, json's encoder: since `__iter__` is overridden, these go through `keys` and
    `__getitem__`, or through `items`). Only `dict`'s own methods called on it (`dict.get(doc,
    ...)`, as `held_get` does) see the bytes. A copy is a plain dict.
    """

    __slots__ = ("_changed", "_table", "_id")  # the key's two parts apart: no tuple kept per document

    def __init__(self, data: dict[str, Any], changed: Changes | None = None, key: Key | None = None) -> None:
        super().__init__(data)
        body = dict.get(self, PACKED)
        if body.__class__ is str:  # (`_repack`, inline: opening makes one per document)
            dict.__setitem__(self, PACKED, packed(body))
        self._changed = changed
        self._table: str | None = key[0] if key is not None else None
        self._id: str | None = key[1] if key is not None else None

    def _touch(self) -> None:
        if self._changed is not None and self._table is not None and self._id is not None:
            self._changed.note((self._table, self._id), self)

    def _repack(self) -> None:
        """The body held as UTF-8, if it was just given as text."""
        body = dict.get(self, PACKED)
        if body.__class__ is str:
            dict.__setitem__(self, PACKED, packed(body))

    # -- reading: the body as text -----------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        return shown(dict.__getitem__(self, key))

    def get(self, key: str, default: Any = None) -> Any:
        return shown(dict.get(self, key, default))

    def __iter__(self) -> Iterator[str]:
        # Overridden (the same iteration) so that CPython's dict(doc), {**doc}, f(**doc) and
        # d.update(doc) read the fields through `keys` and `__getitem__`: a dict subclass that
        # keeps dict's own __iter__ is copied from the dict's storage, the body as bytes.
        return dict.__iter__(self)

    def plain(self) -> dict[str, Any]:
        """The document as a plain dict, its body as text."""
        return {key: shown(value) for key, value in dict.items(self)}

    def items(self) -> Any:
        return self.plain().items()

    def values(self) -> Any:
        return self.plain().values()

    def copy(self) -> dict[str, Any]:
        return self.plain()

    __copy__ = copy

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (self.plain(),)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredDoc):
            other = other.plain()
        return self.plain() == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self.plain())

    def __or__(self, other: Any) -> Any:
        return self.plain() | other

    def __ror__(self, other: Any) -> Any:
        return other | self.plain()

    # -- changing: noted, the body packed ------------------------------------------------------
    def __setitem__(self, key: str, value: Any) -> None:
        self._touch()
        super().__setitem__(key, packed(value) if key == PACKED else value)

    def __delitem__(self, key: str) -> None:
        self._touch()
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._touch()
        super().update(*args, **kwargs)
        self._repack()

    def pop(self, *args: Any) -> Any:
        self._touch()
        return shown(super().pop(*args))

    def popitem(self) -> tuple[str, Any]:
        self._touch()
        key, value = super().popitem()
        return key, shown(value)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._touch()
        value = super().setdefault(key, default)
        self._repack()
        return shown(value)

    def clear(self) -> None:
        self._touch()
        super().clear()

    def __ior__(self, other: Any) -> StoredDoc:
        self._touch()
        super().update(other)
        self._repack()
        return self


class Tracked(dict):  # type: ignore[type-arg]
    """One table: notes every document put, replaced or removed."""

    __slots__ = ("name", "changed")

    def __init__(self, name: str, changed: Changes, docs: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.name, self.changed = name, changed
        if docs:
            self.update(docs)

    def __setitem__(self, doc_id: str, doc: Any) -> None:
        self.changed.note((self.name, doc_id), dict.get(self, doc_id))
        super().__setitem__(doc_id, doc)

    def __delitem__(self, doc_id: str) -> None:
        self.changed.note((self.name, doc_id), dict.get(self, doc_id))
        super().__delitem__(doc_id)

    def pop(self, doc_id: str, *default: Any) -> Any:
        self.changed.note((self.name, doc_id), dict.get(self, doc_id))
        return super().pop(doc_id, *default)

    def popitem(self) -> tuple[str, Any]:
        doc_id, doc = super().popitem()
        self.changed.note((self.name, doc_id), doc)
        return doc_id, doc

    def setdefault(self, doc_id: str, default: Any = None) -> Any:
        if doc_id not in self:
            self[doc_id] = default
        return self[doc_id]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for doc_id, doc in dict(*args, **kwargs).items():
            self[doc_id] = doc

    def clear(self) -> None:
        for doc_id, doc in self.items():
            self.changed.note((self.name, doc_id), doc)
        super().clear()


class Tables(dict):  # type: ignore[type-arg]
    """TinyDB's tables: every table put in is tracked, a table dropped is noted document by
    document."""

    __slots__ = ("changed",)

    def __init__(self) -> None:
        super().__init__()
        self.changed = Changes()

    def _tracked(self, name: str, docs: Any) -> Tracked:
        if isinstance(docs, Tracked) and docs.changed is self.changed and docs.name == name:
            return docs
        return Tracked(name, self.changed, dict(docs or {}))

    def __setitem__(self, name: str, docs: Any) -> None:
        if name in self:
            self[name].clear()
        super().__setitem__(name, self._tracked(name, docs))

    def __delitem__(self, name: str) -> None:
        self[name].clear()
        super().__delitem__(name)

    def pop(self, name: str, *default: Any) -> Any:
        if name in self:
            self[name].clear()
        return super().pop(name, *default)

    def setdefault(self, name: str, default: Any = None) -> Any:
        if name not in self:
            self[name] = default
        return self[name]


_LINE = re.compile(rb"[^\n]*\n?")


def legacy_items(content: memoryview) -> Iterator[tuple[bytes, bytes]]:
    """A format-1 document (JSON lines: a head line, then `[table, id, document]` per line) as
    the items format 2 keeps."""
    lines = (content[m.start() : m.end()] for m in _LINE.finditer(content) if m.end() > m.start())
    try:
        head = json.loads(str(next(lines, b""), "utf-8"))
        if head.get("format") != DOCUMENT_FORMAT or head.get("version") != DOCUMENT_VERSION:
            raise VaultDamaged()
        for line in lines:
            if len(line) == 1 and line[0] == 0x0A:
                continue  # an empty line
            table, doc_id, doc = json.loads(str(line, "utf-8", "surrogatepass"))
            yield item_key(table, doc_id), encode_value(doc)
    except (ValueError, TypeError, AttributeError):
        raise VaultDamaged() from None


# json.loads without its Python wrapper (a third of the time of opening a large journal): the C
# scanner, as json.loads uses it; what it refuses raises StopIteration or ValueError.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
# Bytes of values parsed at once when opening (`TablesBuilder`): about 30 entries at first, up to
# 1 MiB in a large journal. 1 MiB from the start made opening hold 4 MiB of buffers at once (the
# group's bytes, their text twice as large with « ’ », the records they come from), which was
# most of the peak of a journal under 10 MB.
PARSE_GROUP = 1 << 16
PARSE_GROUP_MAX = 1 << 20
# Fields whose values (texts, or lists of texts) many documents repeat: an entry's kind,
# language and tags. Opening keeps one string for each value met rather than one per document.
SHARED_FIELDS = ("kind", "language", "tags")


class TablesBuilder:
    """TinyDB's tables, built from the vault's items as opening reads them (in log order): values
    are parsed a group at a time and let go, so the journal is held once, parsed.

    A group of values (PARSE_GROUP bytes, more in a large journal) is parsed as one JSON array:
    the parser then makes each field name once for the whole group instead of once per document
    (at 50,000 entries, a fifth of the memory the journal took once open); a document's id is the same
    string as its key's, its `updated` the same as its `created` when they are equal, the values
    of SHARED_FIELDS and the tables' names are kept once each."""

    def __init__(self) -> None:
        self.tables = Tables()
        self._raw: dict[str, dict[str, StoredDoc]] = {}
        self._pending: list[tuple[str, str, bytes | memoryview]] = []
        self._shared: dict[str, str] = {}  # the values of SHARED_FIELDS met so far, each kept once
        self._names: dict[str, str] = {}  # the tables' names, each kept once
        self._pending_bytes = 0
        self._parsed = 0  # bytes of values parsed so far
        self._group = PARSE_GROUP  # bytes of values to parse at once, from now on

    def __call__(self, key: bytes, value: bytes | memoryview | None) -> None:
        """One item, as the vault reads it (this is the vault's `apply`)."""
        try:
            name, doc_id = split_key(key)
        except UnicodeDecodeError:
            raise VaultDamaged() from None
        name = self._names.setdefault(name, name)  # one string per table, not one per document
        if value is None:
            self._parse_pending()  # in log order: what came before is put first
            self._raw.get(name, {}).pop(doc_id, None)
            return
        self._pending.append((name, doc_id, value))
        self._pending_bytes += len(value)
        if self._pending_bytes >= self._group:
            self._parse_pending()

    def loaded(self) -> None:
        """The vault has given every item: the last ones are parsed now."""
        self._parse_pending()

    def _parse_pending(self) -> None:
        self._parsed += self._pending_bytes
        # Past 4 MiB read, a group grows with what is held already (a 64th of it): the field
        # names made again at each group stay few, the group's buffers a small share of the peak.
        self._group = min(max(PARSE_GROUP, self._parsed >> 6), PARSE_GROUP_MAX)
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        if not pending:
            return
        try:
            text = str(b"[" + b",".join([value for _, _, value in pending]) + b"]", "utf-8", "surrogatepass")
            docs, end = _scan(text, 0)
        except (ValueError, TypeError, UnicodeDecodeError, StopIteration):
            raise VaultDamaged() from None
        whole, text = end == len(text), ""
        # Each value is one whole document (each was written as one, and the log is sealed): as
        # many documents as values, every one an object.
        if not (whole and type(docs) is list and len(docs) == len(pending)
                and all(type(doc) is dict for doc in docs)):
            raise VaultDamaged()
        changed, raw, shared = self.tables.changed, self._raw, self._shared
        for (name, doc_id, _), doc in zip(pending, docs, strict=True):
            if doc.get("id") == doc_id:
                doc_id = doc["id"]  # one string for the key and the field
            created = doc.get("created")
            if created is not None and doc.get("updated") == created:
                doc["updated"] = created  # an entry never changed: one string for both
            for field in SHARED_FIELDS:
                value = doc.get(field)
                if value.__class__ is str:
                    doc[field] = shared.setdefault(value, value)
                elif value.__class__ is list:
                    value[:] = [shared.setdefault(v, v) if v.__class__ is str else v for v in value]
            table = raw.get(name)
            if table is None:
                table = raw[name] = {}
            table[doc_id] = StoredDoc(doc, changed, (name, doc_id))

    def built(self) -> Tables:
        self._parse_pending()
        for name, docs in self._raw.items():
            table = Tracked(name, self.tables.changed)
            dict.update(table, docs)  # as read: nothing to save
            dict.__setitem__(self.tables, name, table)
        self._raw, self._shared, self._names = {}, {}, {}
        return self.tables


def all_items(tables: Tables) -> Iterator[tuple[bytes, bytes]]:
    """Every document as a vault item, for a rewrite of the log."""
    for name, docs in tables.items():
        for doc_id, doc in docs.items():
            yield item_key(name, doc_id), encode_value(doc)


def changes_of(tables: Tables) -> tuple[list[tuple[bytes, bytes | None]], bool]:
    """What changed since the last save, as vault items (None: deleted), and whether text was
    deleted that must leave the file at once."""
    changes: list[tuple[bytes, bytes | None]] = []
    forget = False
    for name, doc_id in tables.changed:
        table = tables.get(name)
        doc = table.get(doc_id) if table is not None else None
        if table is None or doc is None:
            changes.append((item_key(name, doc_id), None))
            forget = forget or name in FORGET_ON_DELETE
            continue
        if type(doc) is not StoredDoc:
            dict.__setitem__(table, doc_id, StoredDoc(doc, tables.changed, (name, doc_id)))
        changes.append((item_key(name, doc_id), encode_value(doc)))
    return changes, forget


class StrIdTable(Table):
    """A table whose document ids are the entries' own string ids (uuids), not counters.

    TinyDB types its ids as int; the `*_doc` methods below take our string ids, so the rest of
    the code never has to pretend otherwise."""

    document_id_class = str  # type: ignore[assignment]

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        # TinyDB's version copies the whole table twice to convert ids to and from strings;
        # ours are strings already, so the table is changed in place and then written.
        storage = cast(VaultStorage, self._storage)
        with storage.writing:
            tables = storage.read()
            table = tables.setdefault(self.name, {})
            try:
                updater(cast(dict[int, Any], table))
            except BaseException:
                storage.discard_changes()
                raise
            storage.write(tables)
            self.clear_cache()

    def get_doc(self, doc_id: str) -> dict[str, Any] | None:
        return cast(dict[str, Any] | None, self.get(doc_id=cast(int, doc_id)))

    def insert_doc(self, doc_id: str, doc: dict[str, Any]) -> None:
        # As TinyDB's `insert` of a Document, without its two copies of the document: the one
        # copy kept is the stored document itself (the caller's dict is not held).
        def updater(table: dict[int, Any]) -> None:
            tracked = cast(Tracked, table)
            if doc_id in tracked:
                raise ValueError(f"Document with ID {doc_id} already exists")
            tracked[doc_id] = StoredDoc(doc, tracked.changed, (tracked.name, doc_id))

        self._next_id = None  # as TinyDB does: a counter given later is worked out again
        self._update_table(updater)

    def insert_docs(self, docs: Iterable[tuple[str, dict[str, Any]]]) -> None:
        self.insert_multiple(Document(doc, doc_id=cast(int, doc_id)) for doc_id, doc in docs)

    def update_doc(self, doc_id: str, fields: dict[str, Any]) -> None:
        self.update(fields, doc_ids=[cast(int, doc_id)])

    def remove_docs(self, doc_ids: Iterable[str]) -> None:
        self.remove(doc_ids=[cast(int, d) for d in doc_ids])


class VaultStorage(Storage):
    """A TinyDB storage that keeps the documents in memory and saves what changed into a Vault."""

    def __init__(self, vault: Vault, tables: Tables) -> None:
        self.vault = vault
        self._tables = tables
        # The words of the entries that folding changes, kept in the vault for search
        # (journal_app/vault/words.py): every save keeps them.
        self.words = WordList()
        vault.attach(self._all_items)
        # Called with the tables before each save: may add to them (journal_app/sync stamps
        # and queues what changed, in the same save).
        self.before_save: Callable[[Tables], None] | None = None
        # Raised when changes not made through the journal's own objects came in (another
        # device's, journal_app/sync): the journal's caches are then built again.
        self.outside_changes = 0
        # One writer at a time (a handler, a worker thread grouping themes, the auto-lock):
        # a change is read, made and saved under this lock, and closing waits for it.
        self.writing = threading.RLock()

    def read(self) -> Tables:
        return self._tables

    def spellings(self, term: str) -> tuple[str, ...] | None:
        """What search looks for, for the folded word `term`, in the entries' text as typed
        (journal_app/vault/words.py), or None when the word list cannot say."""
        return self.words.variants(self._tables, self.vault.counter, term)

    def _all_items(self) -> Iterator[tuple[bytes, bytes]]:
        """Every document, for a rewrite of the file (which is a save of its own)."""
        self.words.before_rewrite(self._tables, self.vault.counter)
        return all_items(self._tables)

    def write(self, data: dict[str, Any]) -> None:
        with self.writing:
            if data is not self._tables:  # a whole new set of tables (TinyDB's drop_tables)
                tables = self._tables
                for name in list(tables):
                    tables.pop(name)
                for name, docs in data.items():
                    tables[name] = docs
            try:
                if self.before_save is not None:
                    self.before_save(self._tables)
                self.words.before_save(self._tables, self.vault.counter)
            except BaseException:
                self.discard_changes()
                raise
            changes, forget = changes_of(self._tables)
            try:
                self.vault.save(changes, forget=forget)
            except SaveFailed:
                # The in-memory document already holds the change: go back to what is on disk,
                # so memory never keeps a change the person was told had failed.
                self.discard_changes()
                raise
            self._tables.changed.clear()

    def discard_changes(self) -> None:
        """Drop unsaved in-memory changes by reading the vault back from disk."""
        with self.writing:
            builder = TablesBuilder()
            self.vault.read(legacy_items, builder)
            self._tables = builder.built()
            self.words.reset()

    def close(self) -> None:
        with self.writing:  # never under a writer: an in-flight save finishes first
            self.vault.close()


class Database(TinyDB):
    table_class = StrIdTable
    opened = Opened()  # what opening found (a torn tail dropped, a format-1 file)
    older = False  # the file is older than the last save this device saw

    def change(self, updater: Callable[[Tables], None]) -> None:
        """Change several tables with a single save: all of it is kept, or none of it.

        `updater` edits TinyDB's raw tables in place ({table: {doc_id: document}}).
        """
        storage = cast(VaultStorage, self.storage)
        with storage.writing:
            tables = storage.read()
            try:
                updater(tables)
            except BaseException:
                storage.discard_changes()
                raise
            storage.write(tables)
            for table in self._tables.values():
                table.clear_cache()

    def forget_superseded(self) -> None:
        """Rewrite the vault and its backup so that no earlier version of any document stays in
        either (after a withdrawal: the withdrawn text must leave the file)."""
        storage = cast(VaultStorage, self.storage)
        with storage.writing:
            self.vault.compact(forget=True)

    def table(self, name: str, **kwargs: Any) -> StrIdTable:
        return cast(StrIdTable, super().table(name, **kwargs))

    @property
    def vault(self) -> Vault:
        return cast(VaultStorage, self.storage).vault

    def close(self) -> None:
        vault = self.vault
        if vault.is_open:
            remember_seen(vault.path, vault.journal_id, vault.counter)
        super().close()
        gc.unfreeze()  # what `bulk(kept=True)` set apart is the collector's again, to be freed


@contextmanager
def bulk(*, kept: bool = False) -> Iterator[None]:
    """Python's cyclic collector paused while a journal's documents are made by the thousand
    (opening, the first search): none of them is garbage yet, and at 50,000 entries its passes
    over them cost a third of the time. It runs again after, as before. With `kept` (what was
    made stays until the journal is locked: its documents, its entries), they are set apart
    from the collector's passes (`gc.freeze`) instead of being walked once more as soon as it
    runs again; closing the journal gives them back to it (`Database.close`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if kept:
            gc.freeze()
        if was_enabled:
            gc.enable()


def _database(vault: Vault, opened: Opened, tables: Tables) -> Database:
    try:
        db = Database(vault, tables, storage=VaultStorage)
    except BaseException:
        vault.close()
        raise
    db.opened = opened
    db.older = remember_seen(vault.path, vault.journal_id, vault.counter)
    return db


def create_database(path: Path, passphrase: str, *, kdf: KdfParams = KdfParams()) -> tuple[Database, str]:
    """Create an empty encrypted database; returns it open, and the recovery key to show once."""
    vault, recovery_key = Vault.create(path, passphrase, kdf=kdf)
    return _database(vault, Opened(), Tables()), recovery_key


def open_database(path: Path, passphrase: str, *, use_backup: bool = False) -> Database:
    """Open with the passphrase. With `use_backup`, first restore the previous generation."""
    builder = TablesBuilder()
    with bulk(kept=True):
        vault, opened = Vault.open(path, passphrase, use_backup=use_backup, legacy=legacy_items, apply=builder)
        return _database(vault, opened, builder.built())


def recover_database(path: Path, recovery_key: str, new_passphrase: str) -> tuple[Database, Rekeyed]:
    """Open with the recovery key, under a new passphrase and a new data key."""
    builder = TablesBuilder()  # the new key's snapshot is made from what was read
    vault, opened, rekeyed = Vault.open_with_recovery(path, recovery_key, new_passphrase, legacy=legacy_items,
                                                      apply=builder, source=lambda: all_items(builder.built()))
    return _database(vault, opened, builder.built()), rekeyed
