"""TinyDB on top of the encrypted vault.

The TinyDB document lives in memory after opening; every write encrypts the whole document and
replaces the vault file atomically. Inside the vault the document is stored as JSON lines, one
line per TinyDB document (docs/vault-format.md), so that a write re-encodes only the documents
that changed since the last write: the others reuse their cached line (see StoredDoc).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from bench.format1.vault import KdfParams, Rekeyed, Vault
from journal_app.errors import SaveFailed, VaultDamaged

DOCUMENT_FORMAT = "ressenti-document"
DOCUMENT_VERSION = 1
_FIRST_LINE = json.dumps({"format": DOCUMENT_FORMAT, "version": DOCUMENT_VERSION}).encode() + b"\n"

Tables = dict[str, dict[str, dict[str, Any]]]


def encode_line(table: str, doc_id: str, doc: dict[str, Any]) -> bytes:
    """One stored document as one line, newline included."""
    # surrogatepass: a lone surrogate typed or pasted somewhere must not make a save fail.
    text = json.dumps([table, doc_id, doc], ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass") + b"\n"


class StoredDoc(dict):  # type: ignore[type-arg]
    """A stored document that remembers its encoded line until it is changed in place.

    TinyDB changes documents by assigning top-level fields (`doc.update(fields)`), which drops
    the remembered line, so a write re-encodes only what changed. Code must not mutate a stored
    document's nested lists or dicts in place (the journal never does: it stores fresh dicts).
    """

    __slots__ = ("line",)

    def __init__(self, data: dict[str, Any], line: bytes | memoryview | None) -> None:
        super().__init__(data)
        self.line = line

    def __setitem__(self, key: str, value: Any) -> None:
        self.line = None
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.line = None
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.line = None
        super().update(*args, **kwargs)

    def pop(self, *args: Any) -> Any:
        self.line = None
        return super().pop(*args)

    def popitem(self) -> tuple[str, Any]:
        self.line = None
        return super().popitem()

    def setdefault(self, key: str, default: Any = None) -> Any:
        self.line = None
        return super().setdefault(key, default)

    def clear(self) -> None:
        self.line = None
        super().clear()

    def __ior__(self, other: Any) -> StoredDoc:  # type: ignore[misc]
        self.line = None
        super().update(other)
        return self


_LINE = re.compile(rb"[^\n]*\n?")


def decode_document(content: bytes | memoryview) -> Tables:
    """Parse a decrypted document into TinyDB's tables of StoredDocs.

    Each document keeps its line as a view into `content`, not a copy: a large journal is held
    once in memory, not twice (the views keep `content` alive while any line is unchanged)."""
    view = memoryview(content)
    lines = (view[m.start() : m.end()] for m in _LINE.finditer(view) if m.end() > m.start())
    tables: Tables = {}
    try:
        head = json.loads(str(next(lines, b""), "utf-8"))
        if head.get("format") != DOCUMENT_FORMAT or head.get("version") != DOCUMENT_VERSION:
            raise VaultDamaged()
        for line in lines:
            if len(line) == 1 and line[0] == 0x0A:
                continue  # an empty line
            table, doc_id, doc = json.loads(str(line, "utf-8", "surrogatepass"))
            if line[-1] != 0x0A:  # the last line, without its newline
                line = memoryview(bytes(line) + b"\n")
            tables.setdefault(table, {})[doc_id] = StoredDoc(doc, line)
    except (ValueError, TypeError, AttributeError):
        raise VaultDamaged() from None
    return tables


def encode_document(tables: Tables) -> list[bytes | memoryview]:
    """The document as chunks to concatenate; unchanged documents reuse their line."""
    chunks: list[bytes | memoryview] = [_FIRST_LINE]
    for table, docs in tables.items():
        for doc_id, doc in docs.items():
            line = doc.line if type(doc) is StoredDoc else None
            if line is None:
                line = encode_line(table, doc_id, doc)
                docs[doc_id] = StoredDoc(doc, line)
            chunks.append(line)
    return chunks


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
        self.insert(Document(doc, doc_id=cast(int, doc_id)))

    def insert_docs(self, docs: Iterable[tuple[str, dict[str, Any]]]) -> None:
        self.insert_multiple(Document(doc, doc_id=cast(int, doc_id)) for doc_id, doc in docs)

    def update_doc(self, doc_id: str, fields: dict[str, Any]) -> None:
        self.update(fields, doc_ids=[cast(int, doc_id)])

    def remove_docs(self, doc_ids: Iterable[str]) -> None:
        self.remove(doc_ids=[cast(int, d) for d in doc_ids])


class VaultStorage(Storage):
    """A TinyDB storage that keeps the document in memory and saves it into a Vault."""

    def __init__(self, vault: Vault, content: bytes | memoryview) -> None:
        self.vault = vault
        self._tables: Tables = decode_document(content)
        # One writer at a time (a handler, a worker thread grouping themes, the auto-lock):
        # a change is read, made and saved under this lock, and closing waits for it.
        self.writing = threading.RLock()
        self.outside_changes = 0  # what today's Journal reads (the changes to the frozen copy)

    def spellings(self, term: str) -> None:  # no word list: today's Journal folds every entry
        return None

    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        with self.writing:
            self._tables = data
            try:
                self.vault.save(encode_document(data))
            except SaveFailed:
                # The in-memory document already holds the change: go back to what is on disk,
                # so memory never keeps a change the person was told had failed.
                self.discard_changes()
                raise

    def discard_changes(self) -> None:
        """Drop unsaved in-memory changes by reading the vault back from disk."""
        with self.writing:
            self._tables = decode_document(self.vault.read())

    def close(self) -> None:
        with self.writing:  # never under a writer: an in-flight save finishes first
            self.vault.close()


class Database(TinyDB):
    table_class = StrIdTable

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

    def table(self, name: str, **kwargs: Any) -> StrIdTable:
        return cast(StrIdTable, super().table(name, **kwargs))

    @property
    def vault(self) -> Vault:
        return cast(VaultStorage, self.storage).vault


def _database(vault: Vault, content: bytes | memoryview) -> Database:
    try:
        return Database(vault, content, storage=VaultStorage)
    except BaseException:
        vault.close()
        raise


def create_database(path: Path, passphrase: str, *, kdf: KdfParams = KdfParams()) -> tuple[Database, str]:
    """Create an empty encrypted database; returns it open, and the recovery key to show once."""
    vault, recovery_key = Vault.create(path, passphrase, [_FIRST_LINE], kdf=kdf)
    return _database(vault, _FIRST_LINE), recovery_key


def open_database(path: Path, passphrase: str, *, use_backup: bool = False) -> Database:
    """Open with the passphrase. With `use_backup`, first restore the previous generation."""
    vault, content = Vault.open(path, passphrase, use_backup=use_backup)
    return _database(vault, content)


def recover_database(path: Path, recovery_key: str, new_passphrase: str) -> tuple[Database, Rekeyed]:
    """Open with the recovery key, under a new passphrase and a new data key."""
    vault, content, rekeyed = Vault.open_with_recovery(path, recovery_key, new_passphrase)
    return _database(vault, content), rekeyed
