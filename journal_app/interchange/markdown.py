"""Markdown: export for reading, and import of a Markdown file or a folder of them.

An exported file is a series of entries, each opened by a front-matter block:

    ---
    id: 0b7f…
    date: 2026-11-27T21:48:00-05:00
    kind: reflection
    tags: réunion, corps
    ---
    # Title

    Body…

A file without front matter is one entry: its date comes from a YYYY-MM-DD in its name, else
from the file's modification time; its title from a first "# " heading.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from journal_app.errors import FileUnreadable, MalformedImport
from journal_app.interchange import (
    Candidate,
    Reading,
    Skipped,
    entries_for_export,
    label,
    read_bytes,
    write_export,
)
from journal_app.journal import Entry, Journal

MAX_FILES = 20_000
_FRONT = re.compile(r"^---[ \t]*\n((?:[A-Za-z_][\w-]*[ \t]*:.*\n)+)---[ \t]*\n", re.MULTILINE)
_DAY_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def entry_markdown(entry: Entry, prompt_text: dict[str, str] | None = None) -> str:
    head = [f"id: {entry.id}", f"date: {entry.created.isoformat()}", f"kind: {entry.kind}"]
    if entry.tags:
        head.append("tags: " + ", ".join(t.replace(",", " ") for t in entry.tags))
    if entry.meeting and entry.meeting.name:
        head.append(f"meeting: {' '.join(entry.meeting.name.split())}")
    parts = ["---", *head, "---"]
    if entry.title:
        parts += [f"# {' '.join(entry.title.split())}", ""]
    if entry.body:
        parts += [entry.body.rstrip("\n"), ""]
    for prompt_id, answer in entry.answers.items():
        question = (prompt_text or {}).get(prompt_id, prompt_id)
        parts += [f"### {' '.join(question.split())}", "", answer.rstrip("\n"), ""]
    return "\n".join(parts) + "\n"


def export_text(journal: Journal, entries: Iterable[Entry] | None = None,
                labels: Callable[[Entry], dict[str, str]] | None = None) -> str:
    """`labels`: for an entry, the heading of each answer (its question, in the reader's
    language); without it, the answer keys are the headings."""
    return "\n".join(entry_markdown(e, labels(e) if labels else None) for e in entries_for_export(journal, entries))


def export(journal: Journal, path: Path, entries: Iterable[Entry] | None = None, *,
           overwrite: bool = False) -> int:
    chosen = entries_for_export(journal, entries)
    write_export(path, export_text(journal, chosen), overwrite=overwrite)
    return len(chosen)


def _parse_date(value: str) -> datetime:
    value = value.strip().strip("'\"")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
    return moment if moment.tzinfo else moment.astimezone()


def _parse_tags(value: str) -> tuple[str, ...]:
    return tuple(t.strip().strip("'\"") for t in value.strip().strip("[]").split(",") if t.strip())


def _title_and_body(text: str) -> tuple[str, str]:
    text = text.strip("\n")
    first, _, rest = text.partition("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest.strip("\n")
    return "", text


def _read_text(name: str, data: bytes, modified: datetime | None, reading: Reading,
               start: int) -> int:
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise MalformedImport(file=name, where="UTF-8") from None
    blocks = list(_FRONT.finditer(text))
    if not blocks or blocks[0].start() != 0:
        fallback = modified or datetime.now().astimezone()
        match = _DAY_IN_NAME.search(Path(name).stem)
        try:
            year, month, day = (int(g) for g in match.groups()) if match else (0, 0, 0)
            created = datetime(year, month, day).astimezone() if match else fallback
        except ValueError:
            created = fallback
        title, body = _title_and_body(text)
        reading.candidates.append(Candidate(created=created, title=title, body=body, label=name))
        return start + 1
    n = start
    for i, block in enumerate(blocks):
        n += 1
        end = blocks[i + 1].start() if i + 1 < len(blocks) else len(text)
        fields = {}
        for line in block.group(1).splitlines():
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        try:
            created = _parse_date(fields["date"])
        except (KeyError, ValueError):
            reading.skipped.append(Skipped(f"{name} {label(n - start, None)}", "invalid"))
            continue
        title, body = _title_and_body(text[block.end():end])
        reading.candidates.append(Candidate(
            created=created, title=title, body=body, tags=_parse_tags(fields.get("tags", "")),
            label=f"{name} {label(n - start, created)}", source_id=fields.get("id", "")))
    return n


def read_data(name: str, data: bytes, modified: datetime | None = None) -> Reading:
    reading = Reading()
    _read_text(name, data, modified, reading, 0)
    return reading


def _text_files(folder: Path) -> list[Path]:
    """The folder's Markdown and text files, its subfolders' too, never through a symbolic link:
    a link could lead anywhere (`/proc/self/environ` held a passphrase in the review)."""
    found = []
    root = folder.resolve()
    for here, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not (Path(here) / d).is_symlink()]
        for name in names:
            path = Path(here) / name
            if path.is_symlink() or path.suffix.lower() not in (".md", ".markdown", ".txt"):
                continue
            if path.is_file() and path.resolve().is_relative_to(root):
                found.append(path)
    return sorted(found)


def read_folder(folder: Path) -> Reading:
    files = _text_files(folder)
    if len(files) > MAX_FILES:
        raise FileUnreadable(file=folder.name, detail=f"> {MAX_FILES}")
    reading = Reading()
    n = 0
    for file in files:
        modified = datetime.fromtimestamp(file.stat().st_mtime).astimezone()
        n = _read_text(file.name, read_bytes(file), modified, reading, n)
    return reading
