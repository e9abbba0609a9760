"""Our own lossless JSON export, which imports back without loss."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from journal_app.errors import MalformedImport, RessentiError
from journal_app.interchange import (
    Candidate,
    Reading,
    Skipped,
    entries_for_export,
    label,
    load_json,
    write_export,
)
from journal_app.journal import Entry, Journal, entry_from_doc, entry_to_doc, validate

FORMAT = "ressenti-export"
VERSION = 1


def export_text(journal: Journal, entries: Iterable[Entry] | None = None,
                now: datetime | None = None) -> str:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "exported": (now or datetime.now().astimezone()).isoformat(),
        "entries": [entry_to_doc(e) for e in entries_for_export(journal, entries)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def export(journal: Journal, path: Path, entries: Iterable[Entry] | None = None, *,
           overwrite: bool = False) -> int:
    chosen = entries_for_export(journal, entries)
    write_export(path, export_text(journal, chosen), overwrite=overwrite)
    return len(chosen)


def read_data(name: str, data: bytes) -> Reading:
    doc = load_json(data, name)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise MalformedImport(file=name, where="format")
    if doc.get("version") != VERSION:
        raise MalformedImport(file=name, where=f"version {doc.get('version')!r}")
    items = doc.get("entries")
    if not isinstance(items, list):
        raise MalformedImport(file=name, where="entries")
    reading = Reading()
    for n, item in enumerate(items, 1):
        try:
            entry = validate(entry_from_doc(item))
        except (KeyError, TypeError, ValueError, AttributeError, RessentiError):
            reading.skipped.append(Skipped(label(n, None), "invalid"))
            continue
        reading.candidates.append(Candidate(created=entry.created, body=entry.body,
                                            title=entry.title, tags=entry.tags,
                                            label=label(n, entry.created), entry=entry))
    return reading
