"""jrnl's JSON export (`jrnl --export json`): {"tags": {...}, "entries": [{title, body, date,
time, tags, starred}, ...]}, with local dates and times to the minute and tags spelled "@tag"."""

from __future__ import annotations

from datetime import datetime

from journal_app.errors import MalformedImport
from journal_app.interchange import Candidate, Reading, Skipped, label, load_json


def read_data(name: str, data: bytes) -> Reading:
    doc = load_json(data, name)
    items = doc.get("entries") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise MalformedImport(file=name, where="entries")
    reading = Reading()
    for n, item in enumerate(items, 1):
        try:
            created = datetime.strptime(f"{item['date']} {item.get('time') or '00:00'}",
                                        "%Y-%m-%d %H:%M").astimezone()
            title, body = str(item.get("title") or ""), str(item.get("body") or "")
            tags = tuple(str(t) for t in item.get("tags") or ())
        except (KeyError, TypeError, ValueError, AttributeError):
            reading.skipped.append(Skipped(label(n, None), "invalid"))
            continue
        reading.candidates.append(Candidate(created=created, title=title, body=body.strip("\n"),
                                            tags=tags, label=label(n, created)))
    return reading
