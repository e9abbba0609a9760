"""Day One's JSON export: the .zip it makes, or the `Journal.json` inside.

{"metadata": {"version": "1.0"}, "entries": [{"uuid", "creationDate": "2024-01-02T03:04:05Z",
"timeZone": "America/Toronto", "text", "tags": [...], ...}]}. Day One escapes Markdown
punctuation in `text` ("\\." for "."); the first line, when it is a "# " heading, is the title.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from journal_app.errors import FileUnreadable, InputTooLarge, MalformedImport
from journal_app.interchange import (
    MAX_IMPORT_BYTES,
    Candidate,
    Reading,
    Skipped,
    label,
    load_json,
)

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


# An archive's own header says how large its files are, and can lie: what is decompressed is
# counted as it comes, in chunks, and reading stops before memory grows past these.
MAX_ARCHIVE_MEMBERS = 1000
MAX_RATIO = 100  # decompressed / compressed, per file: text compresses ~10×, a bomb ~1000×
_CHUNK = 1 << 20


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes, or InputTooLarge as soon as it passes the budget or the ratio."""
    limit = min(budget, max(member.compress_size, 1) * MAX_RATIO)
    out = bytearray()
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            out += chunk
            if len(out) > limit:
                raise InputTooLarge(size=len(out), limit=limit)
    return bytes(out)


def _json_documents(name: str, data: bytes) -> list[tuple[str, Any]]:
    if data[:4] != b"PK\x03\x04":
        return [(name, load_json(data, name))]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist()
                       if m.filename.lower().endswith(".json") and not m.is_dir()]
            if len(archive.infolist()) > MAX_ARCHIVE_MEMBERS:
                raise InputTooLarge(size=len(archive.infolist()), limit=MAX_ARCHIVE_MEMBERS)
            documents, budget = [], MAX_IMPORT_BYTES
            for member in members:
                content = _read_member(archive, member, budget)
                budget -= len(content)
                documents.append((member.filename, load_json(content, member.filename)))
            return documents
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise FileUnreadable(file=name, detail="zip") from None


def _created(item: dict[str, Any]) -> datetime:
    created = datetime.fromisoformat(str(item["creationDate"]).replace("Z", "+00:00"))
    if created.tzinfo is None:
        raise ValueError("naive date")
    try:
        return created.astimezone(ZoneInfo(str(item["timeZone"])))
    except (KeyError, ValueError, OSError, LookupError):
        return created.astimezone()


def read_data(name: str, data: bytes) -> Reading:
    reading = Reading()
    documents = [(member, doc) for member, doc in _json_documents(name, data)
                 if isinstance(doc, dict) and isinstance(doc.get("entries"), list)]
    if not documents:
        raise MalformedImport(file=name, where="entries")
    n = 0
    for _name, doc in documents:
        for item in doc["entries"]:
            n += 1
            try:
                created = _created(item)
                text = unescape(str(item.get("text") or "")).strip("\n")
                tags = tuple(str(t) for t in item.get("tags") or ())
            except (KeyError, TypeError, ValueError, AttributeError):
                reading.skipped.append(Skipped(label(n, None), "invalid"))
                continue
            title, body = "", text
            first, _, rest = text.partition("\n")
            if first.startswith("# "):
                title, body = first[2:].strip(), rest.strip("\n")
            reading.candidates.append(Candidate(created=created, title=title, body=body,
                                                tags=tags, label=label(n, created)))
    return reading
