"""Creating, recovering and re-keying a journal, under the one passphrase policy."""

from __future__ import annotations

from pathlib import Path

from journal_app.passphrase import require_acceptable
from journal_app.storage import Database, create_database, recover_database
from journal_app.vault import KdfParams


def create_journal(vault: Path, passphrase: str, *, kdf: KdfParams = KdfParams()) -> tuple[Database, str]:
    """Create the journal; returns it open and the recovery key, to be shown once."""
    require_acceptable(passphrase)
    return create_database(vault, passphrase, kdf=kdf)


def recover_journal(vault: Path, recovery_key: str, new_passphrase: str) -> Database:
    """Open with the recovery key and set a new passphrase; returns the journal open."""
    require_acceptable(new_passphrase)
    return recover_database(vault, recovery_key, new_passphrase)


def change_passphrase(db: Database, current: str | None, new: str) -> None:
    """Set a new passphrase; `current`, when given, is checked first (the app asks for it)."""
    if current is not None:
        db.vault.verify_passphrase(current)
    require_acceptable(new)
    db.vault.change_passphrase(new)
