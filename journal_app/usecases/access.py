"""Creating, recovering and re-keying a journal, under the one passphrase policy."""

from __future__ import annotations

from pathlib import Path

from journal_app.i18n import translate
from journal_app.passphrase import require_acceptable
from journal_app.vault import KdfParams, Rekeyed
from journal_app.vault.storage import Database, create_database, recover_database


def create_journal(vault: Path, passphrase: str, *, kdf: KdfParams = KdfParams()) -> tuple[Database, str]:
    """Create the journal; returns it open and the recovery key, to be shown once."""
    require_acceptable(passphrase)
    return create_database(vault, passphrase, kdf=kdf)


def recover_journal(vault: Path, recovery_key: str, new_passphrase: str) -> tuple[Database, Rekeyed]:
    """Open with the recovery key and set a new passphrase, under a new data key; returns the
    journal open, and what the person must know (damaged copies still under the old keys)."""
    require_acceptable(new_passphrase)
    return recover_database(vault, recovery_key, new_passphrase)


def change_passphrase(db: Database, current: str | None, new: str) -> Rekeyed:
    """Set a new passphrase under a new data key and a new recovery key (to show once);
    `current`, when given, is checked first (the app asks for it)."""
    if current is not None:
        db.vault.verify_passphrase(current)
    require_acceptable(new)
    rekeyed = db.vault.change_passphrase(new)
    return rekeyed


def new_recovery_key(db: Database, current: str) -> Rekeyed:
    """A lost or exposed recovery key: after the passphrase is typed again, the journal goes
    under a new data key with a new recovery key (to show once); the old key stops working.
    The passphrase stays what it is (it is not a new one, so it is not judged again)."""
    db.vault.verify_passphrase(current)
    return db.vault.change_passphrase(current)


def old_copies_warning(rekeyed: Rekeyed, lang: str) -> list[str]:
    """The copies that still open with the old passphrase: elsewhere, and set aside here."""
    lines = [translate("rekey.old_copies_elsewhere", lang)]
    if rekeyed.old_copies:
        lines.append(translate("rekey.old_copies_here", lang,
                               files=", ".join(p.name for p in rekeyed.old_copies)))
    return lines


def describe_rekeyed(rekeyed: Rekeyed, lang: str) -> list[str]:
    """What the person must know after a new passphrase, as lines of text: the new recovery key
    (to keep), and the copies that still open with the old passphrase."""
    lines = []
    if rekeyed.recovery_key:
        lines += [translate("rekey.new_recovery_key", lang), "", f"    {rekeyed.recovery_key}", ""]
    return lines + old_copies_warning(rekeyed, lang)


def opening_notes(db: Database, lang: str) -> list[str]:
    """What opening the journal found that the person should know, in their language: the last
    save cut short by a crash (dropped), or a file older than what this device last saved."""
    notes = []
    if db.opened.torn_bytes:
        notes.append(translate("unlock.torn", lang))
    if db.older:
        notes.append(translate("unlock.older", lang))
    return notes
