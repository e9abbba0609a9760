"""Writing in the journal: an entry is created at its first save (never empty), updated as the
person goes on, deleted with the possibility to undo."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from journal_app.journal import Entry, Journal, Meeting


@dataclass(frozen=True)
class Draft:
    """What the person wrote, as the editor, the reflection wizard or `journal-app add` hold it."""

    body: str = ""
    title: str = ""
    kind: str = "free"
    tags: tuple[str, ...] = ()
    meeting: Meeting | None = None
    answers: Mapping[str, str] = field(default_factory=dict)
    pack_id: str = ""

    @property
    def empty(self) -> bool:
        return not (self.title.strip() or self.body.strip() or any(a.strip() for a in self.answers.values()))


def save_entry(journal: Journal, entry_id: str | None, draft: Draft, lang: str) -> Entry | None:
    """Create the entry (`entry_id` None) or update it. A new, empty draft writes nothing (None)."""
    answers = {key: text for key, text in draft.answers.items() if text.strip()}
    if entry_id is None:
        if draft.empty:
            return None
        return journal.add(draft.body, title=draft.title, kind=draft.kind, tags=draft.tags,
                           meeting=draft.meeting, answers=answers, pack_id=draft.pack_id, language=lang)
    changes: dict[str, object] = dict(title=draft.title, body=draft.body, tags=draft.tags, meeting=draft.meeting)
    if draft.answers:
        changes["answers"] = answers
    if draft.kind != "reflection" or not draft.pack_id:
        changes["kind"] = draft.kind
    return journal.update(entry_id, **changes)


def delete_entry(journal: Journal, entry_id: str) -> Entry:
    """Delete; the entry is returned so that « Annuler » can put it back (`restore_entry`)."""
    return journal.delete(entry_id)


def restore_entry(journal: Journal, entry: Entry) -> Entry:
    return journal.put(entry)
