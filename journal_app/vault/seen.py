"""The last save this device saw of each journal, so that a file put back to an older state
(a truncation to an earlier commit, an old copy restored behind the app's back) does not pass
unnoticed on the device that wrote it.

Kept in `settings.json` beside the vault, under "seen": {journal id (hex): save counter}. The
journal id is random and says nothing of the journal. Phones' secure storage is not reachable
from the app's Python; the settings file is what every platform has.
"""

from __future__ import annotations

import json
from pathlib import Path

from journal_app.errors import RessentiError
from journal_app.vault.files import write_atomically

FILE_NAME = "settings.json"


def _read(path: Path) -> dict[str, object]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def _seen(raw: dict[str, object]) -> dict[str, object]:
    seen = raw.get("seen")
    return seen if isinstance(seen, dict) else {}


def remember_seen(vault_path: Path, journal_id: bytes, counter: int) -> bool:
    """Note `counter` as seen; whether the file is older than what this device saw before (the
    settings file read once)."""
    path = Path(vault_path).parent / FILE_NAME
    raw = _read(path)
    seen = _seen(raw)
    previous = seen.get(journal_id.hex())
    previous = previous if isinstance(previous, int) else 0
    if counter > previous:
        seen[journal_id.hex()] = counter
        raw["seen"] = seen
        try:
            write_atomically(path, json.dumps(raw, indent=1).encode(), keep_backup=False)
        except RessentiError:
            pass  # a read-only folder: the journal still opens, unguarded
    return counter < previous
