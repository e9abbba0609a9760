"""Exporting the journal (all of it, or what a filter keeps) as Ressenti's JSON or Markdown.
The text is plain, not encrypted: the CLI and the app both say so where it is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from journal_app.i18n import translate
from journal_app.interchange import entries_for_export, markdown, ressenti_json
from journal_app.journal import Entry, EntryFilter, Journal
from journal_app.prompts.library import PackLibrary

FORMATS = ("json", "markdown")


@dataclass(frozen=True)
class ExportFile:
    name: str  # a suggested file name
    text: str
    count: int  # entries in it


def export_journal(journal: Journal, fmt: str = "json", where: EntryFilter | None = None,
                   today: date | None = None, lang: str = "fr") -> ExportFile:
    """Markdown is for people to read: each answer under its question, in `lang`."""
    chosen = entries_for_export(journal, journal.entries(where) if where else None)
    stamp = (today or date.today()).isoformat()
    if fmt == "markdown":
        library = PackLibrary(journal.database)
        other = translate("editor.other_answer", lang)

        def labels(entry: Entry) -> dict[str, str]:
            named = library.answer_labels(entry.pack_id, lang)
            return {key: named.get(key, other) for key in entry.answers}

        return ExportFile(f"ressenti-{stamp}.md", markdown.export_text(journal, chosen, labels), len(chosen))
    return ExportFile(f"ressenti-{stamp}.json", ressenti_json.export_text(journal, chosen), len(chosen))
