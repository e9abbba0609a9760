"""Your journal on all your devices (issue « Your journal on your phone and on your laptop »):
the changes a save makes, stamped with a hybrid logical clock, and how another device's changes
are taken in without losing or doubling a word (docs/sync.md). The transport (pairing, the
relay's personal mailboxes) builds on this."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journal_app.vault.storage import Database

LINK = "sync_link"  # the vault table (per device, never synced) that holds the link to the others


def is_linked(db: Database) -> bool:
    """Whether this vault is paired with other devices: a look at one table, without the
    transport's imports (a command-line search of a vault never paired does not pay for them)."""
    return db.table(LINK).get_doc("self") is not None
