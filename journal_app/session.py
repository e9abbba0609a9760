"""One person's open journal in the app: create, unlock, lock, recover; and when to auto-lock.

The app holds one JournalSession per window or browser tab; the vault's lock keeps a second
one from opening the same journal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from journal_app.errors import VaultClosed
from journal_app.journal import Clock, Journal, local_now
from journal_app.paths import private_dir, vault_path
from journal_app.usecases.access import change_passphrase, create_journal, new_recovery_key, recover_journal
from journal_app.vault import KdfParams, Rekeyed, backup_path
from journal_app.vault.storage import Database, open_database


class JournalSession:
    def __init__(self, data_dir: Path, clock: Clock = local_now, kdf: KdfParams = KdfParams()) -> None:
        self.data_dir = Path(data_dir)
        self._clock = clock
        self._kdf = kdf
        self._db: Database | None = None
        self._journal: Journal | None = None

    @property
    def vault_path(self) -> Path:
        return vault_path(self.data_dir)

    def exists(self) -> bool:
        return self.vault_path.exists()

    def backup_exists(self) -> bool:
        return backup_path(self.vault_path).exists()

    @property
    def is_open(self) -> bool:
        return self._db is not None

    @property
    def database(self) -> Database:
        """The open database, for services that keep their own tables (raises VaultClosed)."""
        if self._db is None:
            raise VaultClosed()
        return self._db

    @property
    def journal(self) -> Journal:
        if self._journal is None:
            raise VaultClosed()
        return self._journal

    def _opened(self, db: Database) -> None:
        from journal_app.usecases.devices import attach

        self.lock()
        attach(db)  # paired with other devices: every save is stamped and queued for them
        self._db = db
        self._journal = Journal(db, self._clock)

    def create(self, passphrase: str) -> str:
        """Create the journal; returns the recovery key, to be shown once."""
        private_dir(self.data_dir)
        db, recovery_key = create_journal(self.vault_path, passphrase, kdf=self._kdf)
        self._opened(db)
        return recovery_key

    def unlock(self, passphrase: str, *, use_backup: bool = False) -> None:
        self._opened(open_database(self.vault_path, passphrase, use_backup=use_backup))

    def recover(self, recovery_key: str, new_passphrase: str) -> Rekeyed:
        db, rekeyed = recover_journal(self.vault_path, recovery_key, new_passphrase)
        self._opened(db)
        return rekeyed

    def change_passphrase(self, current: str, new: str) -> Rekeyed:
        if self._db is None:
            raise VaultClosed()
        return change_passphrase(self._db, current, new)

    def new_recovery_key(self, current: str) -> Rekeyed:
        if self._db is None:
            raise VaultClosed()
        return new_recovery_key(self._db, current)

    def lock(self) -> None:
        """Close the vault and forget the journal; nothing stays in memory that we hold."""
        if self._db is not None:
            self._db.close()
        self._db = None
        self._journal = None


class AutoLock:
    """Says when the journal should lock: after `minutes` without activity, or at once when the
    app goes to the background, except while the person is in a system screen the app opened."""

    def __init__(self, minutes: int = 5, clock: Callable[[], float] = time.monotonic) -> None:
        self.minutes = minutes
        self._clock = clock
        self._last = clock()
        self._system_screens = 0

    def touch(self) -> None:
        self._last = self._clock()

    @contextmanager
    def system_screen(self) -> Iterator[None]:
        """While a file picker or a share sheet is open: on a phone it is another app's screen,
        so ours is hidden and paused, and that must not lock the journal under the person."""
        self._system_screens += 1
        try:
            yield
        finally:
            self._system_screens -= 1
            self.touch()

    @property
    def in_system_screen(self) -> bool:
        return self._system_screens > 0

    def idle_seconds(self) -> float:
        return self._clock() - self._last

    def due(self) -> bool:
        return self.idle_seconds() >= self.minutes * 60
