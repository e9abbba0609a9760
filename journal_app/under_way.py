"""Practices under way: where a guided session or a reflection stood when the journal closed
under it (a reload, a tab closed, the auto-lock), so that after unlocking it resumes there and
goes on writing into the same entry instead of starting again beside it.

Kept in the vault like every word written; one record a pack, forgotten once the person ends
the practice themselves (finished, or stopped and answered what to keep).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from journal_app.vault.storage import Database

TABLE = "under_way"
PHASES = ("running", "after")
MAX_SPENT = 12 * 3600.0  # a record saying more than this is not one the player wrote


@dataclass(frozen=True)
class UnderWay:
    pack_id: str
    entry_id: str | None = None  # the entry holding what was written so far, once there is one
    place: int = 0  # the session's step, or the reflection's page (0: its meeting)
    elapsed: float = 0.0  # seconds already spent in that step
    spent: float = 0.0  # a session: active seconds counted in the steps left before (each bounded)
    phase: str = "running"  # a session: its steps, or "after" (its last questions)
    notes: dict[str, str] = field(default_factory=dict)  # step or question id -> text
    felt_before: int | None = None
    felt_after: int | None = None
    handle: str = ""
    meeting: dict[str, str] = field(default_factory=dict)  # a reflection's meeting as typed


def _from_doc(pack_id: str, doc: dict[str, Any]) -> UnderWay | None:
    """The record read back, or None for one this version cannot read (then the practice
    starts anew: what was written is in its entry all the same)."""
    def rating(value: Any) -> int | None:
        return value if isinstance(value, int) and 0 <= value <= 10 else None

    try:
        notes, meeting = doc.get("notes", {}), doc.get("meeting", {})
        entry_id, phase = doc.get("entry_id"), doc.get("phase")
        item = UnderWay(
            pack_id=pack_id, entry_id=entry_id if isinstance(entry_id, str) else None,
            place=max(0, int(doc.get("place", 0))), elapsed=max(0.0, float(doc.get("elapsed", 0.0))),
            spent=min(MAX_SPENT, max(0.0, float(doc.get("spent", 0.0)))),
            phase=phase if isinstance(phase, str) and phase in PHASES else "running",
            notes={str(k): str(v) for k, v in notes.items()},
            felt_before=rating(doc.get("felt_before")), felt_after=rating(doc.get("felt_after")),
            handle=str(doc.get("handle", "")), meeting={str(k): str(v) for k, v in meeting.items()})
    except (TypeError, ValueError, AttributeError):
        return None
    return item


class PracticesUnderWay:
    def __init__(self, db: Database) -> None:
        self._table = db.table(TABLE)

    def keep(self, item: UnderWay) -> None:
        doc = {k: v for k, v in asdict(item).items() if k != "pack_id"}
        if self._table.get_doc(item.pack_id) is None:
            self._table.insert_doc(item.pack_id, doc)
        else:
            self._table.update_doc(item.pack_id, doc)

    def get(self, pack_id: str) -> UnderWay | None:
        doc = self._table.get_doc(pack_id)
        return _from_doc(pack_id, dict(doc)) if doc is not None else None

    def forget(self, pack_id: str) -> None:
        if self._table.get_doc(pack_id) is not None:
            self._table.remove_docs([pack_id])
