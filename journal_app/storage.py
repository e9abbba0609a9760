"""TinyDB on top of the encrypted vault.

The TinyDB document lives in memory after opening; every write encrypts the whole document and
replaces the vault file atomically. Inside the vault the document is stored as JSON lines, one
line per TinyDB document (docs/vault-format.md), so that a write re-encodes only the documents
that changed since the last write: the others reuse their cached line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from journal_app.errors import SaveFailed, VaultDamaged
from journal_app.vault import KdfParams, Vault

DOCUMENT_FORMAT = "ressenti-document"
DOCUMENT_VERSION = 1
_FIRST_LINE = json.dumps({"format": DOCUMENT_FORMAT, "version": DOCUMENT_VERSION}).encode()

Tables = dict[str, dict[str, dict[str, Any]]]


def encode_line(table: str, doc_id: str, doc: dict[str, Any]) -> bytes:
    # surrogatepass: a lone surrogate typed or pasted somewhere must not make a save fail.
    text = json.dumps([table, doc_id, doc], ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


def decode_document(content: bytes) -> Iterator[tuple[str, str, dict[str, Any], bytes]]:
    """Yield (table, doc_id, document, line) for each line of a decrypted document."""
    lines = content.split(b"\n")
    try:
        head = json.loads(lines[0])
        if head.get("format") != DOCUMENT_FORMAT or head.get("version") != DOCUMENT_VERSION:
            raise VaultDamaged()
        for line in lines[1:]:
            table, doc_id, doc = json.loads(line.decode("utf-8", "surrogatepass"))
            yield table, doc_id, doc, line
    except (ValueError, TypeError, AttributeError):
        raise VaultDamaged() from None


def encode_document(tables: Tables) -> bytes:
    return b"\n".join([_FIRST_LINE] + [encode_line(t, i, d) for t, docs in tables.items()
                                       for i, d in docs.items()])


class StrIdTable(Table):
    """A table whose document ids are the entries' own string ids (uuids), not counters."""

    document_id_class = str  # type: ignore[assignment]


class VaultStorage(Storage):
    """A TinyDB storage that keeps the document in memory and saves it into a Vault.

    TinyDB changes a document by assigning its top-level fields, so a shallow snapshot per
    document is enough to tell which documents changed. Code that stores documents must not
    mutate a stored document's nested lists or dicts in place (the journal never does).
    """

    def __init__(self, vault: Vault, content: bytes) -> None:
        self.vault = vault
        self._tables: Tables = {}
        # (table, doc_id) -> (shallow snapshot of the document, its encoded line)
        self._lines: dict[tuple[str, str], tuple[dict[str, Any], bytes]] = {}
        self._load(content)

    def _load(self, content: bytes) -> None:
        tables: Tables = {}
        lines: dict[tuple[str, str], tuple[dict[str, Any], bytes]] = {}
        for table, doc_id, doc, line in decode_document(content):
            tables.setdefault(table, {})[doc_id] = doc
            lines[(table, doc_id)] = (dict(doc), line)
        self._tables, self._lines = tables, lines

    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        out = [_FIRST_LINE]
        lines: dict[tuple[str, str], tuple[dict[str, Any], bytes]] = {}
        for table, docs in data.items():
            for doc_id, doc in docs.items():
                key = (table, doc_id)
                cached = self._lines.get(key)
                if cached is None or cached[0] != doc:
                    cached = (dict(doc), encode_line(table, doc_id, doc))
                lines[key] = cached
                out.append(cached[1])
        try:
            self.vault.save(b"\n".join(out))
        except SaveFailed:
            # TinyDB has already changed the in-memory document: go back to what is on disk, so
            # memory never holds a change the person was told had failed.
            self._load(self.vault.read())
            raise
        self._tables, self._lines = data, lines

    def close(self) -> None:
        self.vault.close()


class Database(TinyDB):
    table_class = StrIdTable

    @property
    def vault(self) -> Vault:
        return self.storage.vault  # type: ignore[attr-defined, no-any-return]


def _database(vault: Vault, content: bytes) -> Database:
    try:
        return Database(vault, content, storage=VaultStorage)
    except BaseException:
        vault.close()
        raise


def create_database(path: Path, passphrase: str, *, kdf: KdfParams = KdfParams()) -> tuple[Database, str]:
    """Create an empty encrypted database; returns it open, and the recovery key to show once."""
    vault, recovery_key = Vault.create(path, passphrase, _FIRST_LINE, kdf=kdf)
    return _database(vault, _FIRST_LINE), recovery_key


def open_database(path: Path, passphrase: str, *, use_backup: bool = False) -> Database:
    """Open with the passphrase. With `use_backup`, first restore the previous generation."""
    vault, content = Vault.open(path, passphrase, use_backup=use_backup)
    return _database(vault, content)


def recover_database(path: Path, recovery_key: str, new_passphrase: str) -> Database:
    vault, content = Vault.open_with_recovery(path, recovery_key, new_passphrase)
    return _database(vault, content)
