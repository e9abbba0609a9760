"""Exporting the journal (all of it, or what a filter keeps) as Ressenti's JSON or Markdown.
The text is plain, not encrypted: the CLI and the app both say so where it is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from journal_app.interchange import entries_for_export, markdown, ressenti_json
from journal_app.journal import EntryFilter, Journal

FORMATS = ("json", "markdown")


@dataclass(frozen=True)
class ExportFile:
    name: str  # a suggested file name
    text: str
    count: int  # entries in it


def export_journal(journal: Journal, fmt: str = "json", where: EntryFilter | None = None,
                   today: date | None = None) -> ExportFile:
    chosen = entries_for_export(journal, journal.entries(where) if where else None)
    stamp = (today or date.today()).isoformat()
    if fmt == "markdown":
        return ExportFile(f"ressenti-{stamp}.md", markdown.export_text(journal, chosen), len(chosen))
    return ExportFile(f"ressenti-{stamp}.json", ressenti_json.export_text(journal, chosen), len(chosen))
