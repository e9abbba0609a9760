"""Import from other journals and export ours. One module per foreign format.

Every reader turns a file into `Candidate` entries; `import_path` adds the ones the journal does
not hold yet and reports what it added and what it skipped, and why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from journal_app.errors import (
    FileUnreadable,
    InputTooLarge,
    InvalidEntry,
    MalformedImport,
    UnknownImportFormat,
)
from journal_app.journal import Entry, Journal, validate

MAX_IMPORT_BYTES = 256 * 1024 * 1024
FORMATS = ("auto", "ressenti", "jrnl", "dayone", "markdown")


@dataclass(frozen=True)
class Candidate:
    """An entry read from a file, before it joins the journal."""

    created: datetime
    body: str
    title: str = ""
    tags: tuple[str, ...] = ()
    label: str = ""  # how the report names it: "entry 3 (2024-01-02)"
    entry: Entry | None = None  # the whole entry, when the file is our own lossless export
    source_id: str = ""  # the id it had in a Ressenti journal, when the file says so


@dataclass(frozen=True)
class Skipped:
    label: str
    reason: str  # a catalog key under "import.reason."


@dataclass(frozen=True)
class ImportReport:
    source: str
    format: str
    added: int
    skipped: tuple[Skipped, ...] = field(default_factory=tuple)


@dataclass
class Reading:
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def fingerprint(created: datetime, title: str, body: str) -> str:
    """Same moment (to the minute) and same words: the same entry, whatever file it came from."""
    moment = created.astimezone().replace(second=0, microsecond=0, tzinfo=None).isoformat()
    return hashlib.sha256("\x1f".join((moment, title.strip(), body.strip())).encode(
        "utf-8", "surrogatepass")).hexdigest()


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise InputTooLarge(size=size, limit=MAX_IMPORT_BYTES)
        return path.read_bytes()
    except OSError as exc:
        raise FileUnreadable(file=path.name, detail=exc.strerror or str(exc)) from None


def load_json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MalformedImport(file=name, where="UTF-8") from None
    except json.JSONDecodeError as exc:
        raise MalformedImport(file=name, where=f"{exc.lineno}:{exc.colno}") from None
    except (RecursionError, ValueError):  # nested thousands deep, or an integer of 5,000 digits
        raise MalformedImport(file=name, where="JSON") from None


def detect_format(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".md", ".markdown", ".txt"):
        return "markdown"
    if suffix == ".zip" or data[:4] == b"PK\x03\x04":
        return "dayone"
    if suffix == ".json" or data.lstrip()[:1] in (b"{", b"["):
        doc = load_json(data, name)
        if isinstance(doc, dict):
            if doc.get("format") == "ressenti-export":
                return "ressenti"
            entries = doc.get("entries")
            if isinstance(entries, list):
                first = entries[0] if entries and isinstance(entries[0], dict) else {}
                if "creationDate" in first or "metadata" in doc:
                    return "dayone"
                if "date" in first or "tags" in doc:
                    return "jrnl"
    raise UnknownImportFormat(file=name)


def read_data(name: str, data: bytes, fmt: str = "auto", modified: datetime | None = None
              ) -> tuple[str, Reading]:
    """Read one file's bytes (a file picked in the app, or read from disk)."""
    from journal_app.interchange import dayone, jrnl, markdown, ressenti_json

    if fmt == "auto":
        fmt = detect_format(name, data)
    if fmt == "markdown":
        return fmt, markdown.read_data(name, data, modified)
    readers = {"ressenti": ressenti_json.read_data, "jrnl": jrnl.read_data,
               "dayone": dayone.read_data}
    if fmt not in readers:
        raise UnknownImportFormat(file=name)
    return fmt, readers[fmt](name, data)


def read_path(path: Path, fmt: str = "auto") -> tuple[str, Reading]:
    from journal_app.interchange import markdown

    path = Path(path)
    if path.is_dir():
        if fmt not in ("auto", "markdown"):
            raise UnknownImportFormat(file=path.name)
        return "markdown", markdown.read_folder(path)
    if not path.exists():
        raise FileUnreadable(file=path.name, detail="—")
    modified = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    return read_data(path.name, read_bytes(path), fmt, modified)


def import_path(journal: Journal, path: Path, fmt: str = "auto") -> ImportReport:
    """Add the entries of a file (or a folder of Markdown files) that the journal lacks."""
    fmt, reading = read_path(Path(path), fmt)
    return add_candidates(journal, reading, source=Path(path).name, fmt=fmt)


def import_data(journal: Journal, name: str, data: bytes, fmt: str = "auto") -> ImportReport:
    """The same, for a file's bytes (what the app receives from a file picker)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InputTooLarge(size=len(data), limit=MAX_IMPORT_BYTES)
    fmt, reading = read_data(name, data, fmt)
    return add_candidates(journal, reading, source=name, fmt=fmt)


def add_candidates(journal: Journal, reading: Reading, *, source: str, fmt: str) -> ImportReport:
    """Add, in one save, the candidates that are new, valid and not empty."""
    known = {fingerprint(e.created, e.title, e.body) for e in journal.entries()}
    seen_ids: set[str] = set()
    skipped = list(reading.skipped)
    fresh: list[Entry] = []
    for cand in reading.candidates:
        mark = fingerprint(cand.created, cand.title, cand.body)
        source_id = cand.entry.id if cand.entry is not None else cand.source_id
        if mark in known or (source_id and (journal.contains(source_id) or source_id in seen_ids)):
            skipped.append(Skipped(cand.label, "duplicate"))
            continue
        if not (cand.body.strip() or cand.title.strip() or (cand.entry and cand.entry.answers)):
            skipped.append(Skipped(cand.label, "empty"))
            continue
        try:
            entry = validate(cand.entry) if cand.entry is not None else journal.new_entry(
                cand.body, title=cand.title, tags=cand.tags, created=cand.created)
        except InvalidEntry:
            skipped.append(Skipped(cand.label, "invalid"))
            continue
        except InputTooLarge:
            skipped.append(Skipped(cand.label, "too_large"))
            continue
        known.add(mark)
        seen_ids.add(source_id)
        fresh.append(entry)
    journal.put_new(fresh)
    return ImportReport(source=source, format=fmt, added=len(fresh), skipped=tuple(skipped))


def label(index: int, created: datetime | None) -> str:
    return f"#{index}" + (f" ({created.date().isoformat()})" if created else "")


def write_export(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write an export the person asked for. It is plain text: only readable by its owner."""
    from journal_app.errors import ExportFailed, ExportTargetExists
    from journal_app.vault import write_atomically

    path = Path(path)
    if path.exists() and not overwrite:
        raise ExportTargetExists(file=str(path))
    try:
        write_atomically(path, text.encode("utf-8", "surrogatepass"), keep_backup=False)
    except Exception as exc:
        raise ExportFailed(file=str(path)) from exc


def entries_for_export(journal: Journal, entries: Iterable[Entry] | None) -> list[Entry]:
    return sorted(journal.entries() if entries is None else entries, key=lambda e: e.created)
