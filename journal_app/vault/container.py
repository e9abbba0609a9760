"""The encrypted vault file: one file per journal, byte format in docs/vault-format.md.

A random 256-bit data key seals the journal with AES-256-GCM; it is stored twice, wrapped: under
a key derived from the passphrase with Argon2id, and under a key derived with HKDF from a
high-entropy recovery key shown once (journal_app/vault/keys.py).

Format 2 (written since v2 of the app) is a log: the header, then sealed records, each holding
stored documents as key → value items (or their deletion); a save appends the records of what
it changed and a commit record, then syncs (journal_app/vault/log.py). When superseded records
and padding pass a quarter of the file, and at once when text must go (an entry deleted, an
insight withdrawn), the log is rewritten as one snapshot with an atomic replace. Format 1 (one
sealed body holding the whole document) is still read, and becomes format 2 at the first save.

One process at a time may hold a vault open (`VaultLock`). This module knows nothing of what
the documents contain: keys and values are bytes.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from journal_app.errors import (
    LockLost,
    RessentiError,
    VaultClosed,
    VaultDamaged,
    VaultExists,
    WrongPassphrase,
    WrongRecoveryKey,
)
from journal_app.kdf import argon2id
from journal_app.vault import log
from journal_app.vault.files import (
    VaultLock,
    backup_path,
    file_id,
    open_file,
    read_file,
    remove_leftovers,
    save_error,
    write_atomically,
)
from journal_app.vault.keys import (
    _HEADER,
    _RECOVERY_BYTES,
    _WRAP_AAD_PASSPHRASE,
    _WRAP_AAD_RECOVERY,
    FORMAT_VERSION,
    HEADER_LEN,
    Header,
    KdfParams,
    check_passphrase,
    format_recovery_key,
    new_header,
    padded_length,
    parse_header,
    parse_recovery_key,
    recovery_kek,
)

Value = bytes | memoryview
Items = dict[bytes, Value]
# What opening gives each item to, in log order (None: deleted). Without one, the vault keeps
# the items itself (`items()`); with one (TinyDB's storage), it keeps none, and asks `attach`'s
# source for every item when it rewrites the log: the journal is then held once, parsed.
# An `apply` that has a `loaded()` method (TablesBuilder) is told when the last item is given: it
# may hold a few back and finish with them then (opening fails there if they are damaged).
Apply = Callable[[bytes, Value | None], None]
Source = Callable[[], Iterable[tuple[bytes, Value]]]
# A format-1 document turned into items (the document's layout is the storage's business).
Legacy = Callable[[memoryview], Iterable[tuple[bytes, Value]]]
# Records appended since the last snapshot past this share of it: compact. What they hold
# (superseded versions, padding) goes, and the backup (the file before the last compaction) is
# never more than about this share behind.
COMPACT_SHARE = 0.25
# A journal this small is rewritten whole at every save (a few milliseconds), as in format 1:
# its backup is then the save before.
SMALL_FILE = 64 * 1024


@dataclass(frozen=True)
class Rekeyed:
    """After a new passphrase: the journal is under a new data key."""

    recovery_key: str | None  # a new recovery key, to show once (None: the one just used still works)
    old_copies: tuple[Path, ...]  # damaged generations kept aside, still under the old keys


@dataclass(frozen=True)
class Opened:
    """What opening found besides the items: a torn tail dropped, a format-1 file read."""

    torn_bytes: int = 0
    from_format: int = FORMAT_VERSION


class Vault:
    """An open vault: its path, the data key, the header, the log's state, the live items (key →
    value, as the last commit left them) and the writer's lock."""

    def __init__(self, path: Path, data_key: bytes, header: Header, lock: VaultLock,
                 rng: Callable[[int], bytes] = secrets.token_bytes) -> None:
        self.path = path
        self._key = data_key
        self._aes = AESGCM(data_key)
        self._header = header
        self._lock = lock
        self._rng = rng
        self._chain = log.Chain(header.pack()[-32:], journal_id=rng(16))
        self._end = 0  # where the next save's records go
        self._snapshot_end = 0  # where the snapshot the log starts with ends
        self._items: Items | None = {}  # the live items, unless a source is attached
        self._source: Source | None = None
        # The next save rewrites the whole file (a format-1 file, or no backup yet).
        self._needs_snapshot = header.version != FORMAT_VERSION
        self._written = file_id(path)  # the file as this vault last read or wrote it
        self._stale = False

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, passphrase: str, items: Iterable[tuple[bytes, Value]] = (), *,
               kdf: KdfParams = KdfParams(), rng: Callable[[int], bytes] = secrets.token_bytes
               ) -> tuple[Vault, str]:
        """Create a new vault holding `items`; returns it open, and the recovery key to show."""
        check_passphrase(passphrase)
        path = Path(path)
        lock = VaultLock(path)
        lock.acquire()
        try:
            if path.exists():
                raise VaultExists(path=str(path))
            data_key, recovery_raw = rng(32), rng(_RECOVERY_BYTES)
            vault = cls(path, data_key, new_header(passphrase, data_key, recovery_raw, kdf, rng), lock, rng)
            vault._items = dict(items)
            vault.compact()
            vault._needs_snapshot = True  # the first save makes the backup
        except BaseException:
            lock.release()
            raise
        return vault, format_recovery_key(recovery_raw)

    @classmethod
    def open(cls, path: Path, passphrase: str, *, use_backup: bool = False,
             legacy: Legacy | None = None, apply: Apply | None = None) -> tuple[Vault, Opened]:
        """Open with the passphrase; the items go to `apply` (else are `vault.items()`).
        `legacy` reads a format-1 document into items."""
        return cls._open(Path(path), use_backup, legacy, apply,
                         lambda header: cls._unwrap_passphrase(header, passphrase))

    @classmethod
    def open_with_recovery(cls, path: Path, recovery_key: str, new_passphrase: str, *,
                           legacy: Legacy | None = None, apply: Apply | None = None,
                           source: Source | None = None) -> tuple[Vault, Opened, Rekeyed]:
        """Open with the recovery key and set a new passphrase, under a new data key: the old
        passphrase stops working, on old copies' behalf too. The recovery key stays the same."""
        check_passphrase(new_passphrase)
        raw = parse_recovery_key(recovery_key)
        vault, opened = cls._open(Path(path), False, legacy, apply, lambda header: cls._unwrap_recovery(header, raw))
        if source is not None:
            vault.attach(source)
        try:
            rekeyed = vault._rekey(new_passphrase, vault._header.kdf, raw)
        except BaseException:
            vault.close()
            raise
        return vault, opened, rekeyed

    @classmethod
    def _open(cls, path: Path, use_backup: bool, legacy: Legacy | None, apply: Apply | None,
              unwrap: Callable[[Header], bytes]) -> tuple[Vault, Opened]:
        lock = VaultLock(path)
        lock.acquire()
        try:
            source = backup_path(path) if use_backup else path
            with open_file(source) as f:
                size = os.fstat(f.fileno()).st_size
                header = parse_header(f.read(HEADER_LEN + log.MIN_SEALED))
                vault = cls(path, unwrap(header), header, lock)
                opened = vault._load(f, size, legacy, apply)
            if use_backup:
                vault._restore_from_backup(source)
            elif not vault._needs_snapshot:
                backup_format = _format_of(backup_path(path))
                if backup_format == 1:
                    vault.forget_previous()  # a format-2 file opened once: the format-1 backup may go
                elif backup_format is None:
                    vault._needs_snapshot = True  # no backup: the first save makes one
        except BaseException:
            lock.release()
            raise
        remove_leftovers(path)
        return vault, opened

    def _load(self, f: BinaryIO, size: int, legacy: Legacy | None, apply: Apply | None) -> Opened:
        """Read the records (or a format-1 body) and give the items to `apply`, or keep them."""
        if apply is None:
            items = self._items = {}

            def apply(key: bytes, value: Value | None) -> None:
                if value is None:
                    items.pop(key, None)
                else:
                    items[key] = value
        else:
            self._items = None
        if self._header.version == 1:
            if legacy is None:
                raise VaultDamaged()
            f.seek(0)
            try:
                for key, value in legacy(_decrypt_format1(f.read(), self._key)):
                    apply(key, value)
            except (ValueError, TypeError):
                raise VaultDamaged() from None
            _loaded(apply)
            self._end = self._snapshot_end = 0
            return Opened(from_format=1)

        def apply_payload(payload: memoryview) -> None:
            for key, value in log.decode_items(payload):
                apply(key, value)

        replayed = log.read_log(f, HEADER_LEN, size, self._aes, self._header.pack()[-32:], apply_payload)
        _loaded(apply)
        self._chain, self._end, self._snapshot_end = replayed.chain, replayed.end, replayed.snapshot_end
        return Opened(torn_bytes=replayed.torn)

    @staticmethod
    def _unwrap_passphrase(header: Header, passphrase: str) -> bytes:
        kek = header.kdf.derive(passphrase, header.salt)
        try:
            return AESGCM(kek).decrypt(header.pass_nonce, header.pass_wrapped, _WRAP_AAD_PASSPHRASE)
        except InvalidTag:
            pass
        if unicodedata.normalize("NFC", passphrase) != passphrase:
            # A journal made before passphrases were normalized, from a keyboard that types
            # decomposed accents: its key came from the bytes as typed.
            raw = argon2id(passphrase.encode("utf-8"), header.salt, memory_kib=header.kdf.memory_kib,
                           iterations=header.kdf.iterations, lanes=header.kdf.lanes)
            try:
                return AESGCM(raw).decrypt(header.pass_nonce, header.pass_wrapped, _WRAP_AAD_PASSPHRASE)
            except InvalidTag:
                pass
        raise WrongPassphrase()

    @staticmethod
    def _unwrap_recovery(header: Header, raw: bytes) -> bytes:
        kek = recovery_kek(raw, header.recovery_salt)
        try:
            return AESGCM(kek).decrypt(header.recovery_nonce, header.recovery_wrapped, _WRAP_AAD_RECOVERY)
        except InvalidTag:
            raise WrongRecoveryKey() from None

    def _restore_from_backup(self, backup: Path) -> None:
        """Put the backup generation back in place, keeping the damaged file aside, not deleting it."""
        if self.path.exists():
            n = 1
            while (aside := self.path.with_name(f"{self.path.name}.damaged-{n}")).exists():
                n += 1
            os.replace(self.path, aside)
        write_atomically(self.path, read_file(backup), keep_backup=False)
        self._written = file_id(self.path)
        if not self._needs_snapshot:
            self._end = min(self._end, os.stat(self.path).st_size)

    # -- while open ---------------------------------------------------------------------------
    def items(self) -> Mapping[bytes, Value]:
        """The live items, key → value, as the last save left them (when no source is attached)."""
        if self._items is None:
            raise VaultClosed()
        return self._items

    def attach(self, source: Source) -> None:
        """From now on, a rewrite takes every live item from `source` (TinyDB's storage, which
        holds them parsed); the vault keeps none."""
        self._source, self._items = source, None

    def _all_items(self) -> list[tuple[bytes, Value]]:
        if self._source is not None:
            return list(self._source())
        return list(self.items().items())

    @property
    def counter(self) -> int:
        """How many saves this journal has had (carried across compactions): a file whose
        counter is below the one this device last saw is older than what it wrote."""
        return self._chain.counter

    @property
    def journal_id(self) -> bytes:
        return self._chain.journal_id

    def _require_open(self) -> None:
        if not self._lock.held:
            raise VaultClosed()

    def _check_writer(self) -> None:
        self._require_open()
        if not self._lock.retake() and file_id(self.path) != self._written:
            self._stale = True  # another writer came in while the lock file was gone
        if self._stale:
            raise LockLost()  # until what is on disk now has been read back

    def save(self, changes: Iterable[tuple[bytes, Value | None]], *, forget: bool = False) -> None:
        """Make the changes (key → new value, or None to delete) durable: appended as records and
        a commit, synced. With `forget`, for a small file, or once what was appended since the last
        snapshot passes COMPACT_SHARE of it, the whole log is rewritten instead as one snapshot
        holding the changes (with `forget`, the backup too, so nothing superseded stays)."""
        self._check_writer()
        changes = list(changes)
        grown = self._end - self._snapshot_end
        if forget or self._needs_snapshot or self._end < SMALL_FILE or grown > COMPACT_SHARE * self._snapshot_end:
            # A snapshot with the changes in it, rather than records appended then rewritten:
            # the backup is then the file as it was before this save.
            previous = None if self._items is None else dict(self._items)
            self._apply(changes)
            try:
                self.compact(forget=forget)
            except BaseException:
                self._items = previous
                raise
            return
        chain = self._chain.copy()
        frames = log.seal_save(self._aes, chain, [log.encode_items(r) for r in _records(changes)],
                               log.appended_size, self._rng)
        self._append(frames)
        self._chain = chain
        self._end += len(frames)
        self._apply(changes)

    def _apply(self, changes: list[tuple[bytes, Value | None]]) -> None:
        if self._items is None:
            return  # the source holds them
        for key, value in changes:
            if value is None:
                self._items.pop(key, None)
            else:
                self._items[key] = value

    def _append(self, frames: bytes) -> None:
        """Write a save's frames after the last commit and sync; on failure cut back to it."""
        flags = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self.path, flags)
        except OSError as exc:
            raise save_error(exc) from exc
        try:
            if os.fstat(fd).st_size != self._end:
                os.ftruncate(fd, self._end)  # a torn tail found at opening, or left by a failed save
            view = memoryview(frames)
            os.lseek(fd, self._end, os.SEEK_SET)  # os.pwrite is not on Windows
            while view:
                view = view[os.write(fd, view) :]
            (os.fdatasync if hasattr(os, "fdatasync") else os.fsync)(fd)
            written = os.fstat(fd)  # the file this save wrote (opened by its name just now)
        except OSError as exc:
            try:
                os.ftruncate(fd, self._end)
            except OSError:
                pass  # the partial save has no commit: dropped at the next opening
            raise save_error(exc) from exc
        finally:
            os.close(fd)
        self._written = (written.st_dev, written.st_ino, written.st_size, written.st_mtime_ns)

    def compact(self, *, forget: bool = False) -> None:
        """Rewrite the log as one snapshot of the live items, atomically, the previous file
        becoming the backup; with `forget`, the backup becomes a copy of the new file."""
        self._check_writer()
        header = replace(self._header, body_nonce=self._rng(12), version=FORMAT_VERSION)
        packed = header.pack()
        chain = log.Chain(packed[-32:], counter=self._chain.counter, journal_id=self._chain.journal_id)
        frames = log.seal_save(self._aes, chain, log.snapshot_payloads(self._all_items()),
                               padded_length, self._rng)
        data = packed + frames
        write_atomically(self.path, data)
        bak = backup_path(self.path)
        if not forget and bak.exists() and bak.stat().st_size < len(data) // 2:
            forget = True  # the journal more than doubled (an import): a backup of a fraction of it would not help
        self._header, self._chain = header, chain
        self._end = self._snapshot_end = len(data)
        self._needs_snapshot = False
        self._written = file_id(self.path)
        if forget:
            self.forget_previous()

    def read(self, legacy: Legacy | None = None, apply: Apply | None = None) -> Mapping[bytes, Value] | None:
        """Read back what is on disk (after a failed save, to drop unsaved changes): the items go
        to `apply`, or are returned (and are `items()`)."""
        self._require_open()
        written = file_id(self.path)
        with open_file(self.path) as f:
            size = os.fstat(f.fileno()).st_size
            header = parse_header(f.read(HEADER_LEN + log.MIN_SEALED))
            if header.pack() != self._header.pack():
                if header.pass_wrapped != self._header.pass_wrapped:
                    raise VaultDamaged()  # another key: not the file this vault wrote
                self._header = header
            self._needs_snapshot = header.version != FORMAT_VERSION
            self._load(f, size, legacy, apply)
        if self._lock.is_ours():  # read under our lock: what is on disk is what we now hold
            self._written, self._stale = written, False
        return self._items

    def verify_passphrase(self, passphrase: str) -> None:
        """Raise WrongPassphrase unless `passphrase` opens this vault (asked before changing it)."""
        self._require_open()
        if self._unwrap_passphrase(self._header, passphrase) != self._key:
            raise WrongPassphrase()

    def change_passphrase(self, new_passphrase: str, *, kdf: KdfParams | None = None) -> Rekeyed:
        """Set a new passphrase under a new data key, with a new recovery key (returned, to
        show once). A copy of the file from before (a backup elsewhere, a synced version) still
        opens with the old passphrase, but not the journal as it is from now on: people change
        a passphrase because it may have leaked."""
        check_passphrase(new_passphrase)
        self._require_open()
        return self._rekey(new_passphrase, kdf or self._header.kdf, None)

    def _rekey(self, new_passphrase: str, kdf: KdfParams, recovery_raw: bytes | None) -> Rekeyed:
        raw = recovery_raw or self._rng(_RECOVERY_BYTES)
        key = self._rng(32)
        previous = self._key, self._aes, self._header
        self._key, self._aes = key, AESGCM(key)
        self._header = new_header(new_passphrase, key, raw, kdf, self._rng)
        try:
            self.compact()
        except BaseException:
            self._key, self._aes, self._header = previous
            raise
        # The backup now holds the generation before, under the old keys: it goes too.
        self.forget_previous()
        aside = tuple(sorted(self.path.parent.glob(f"{self.path.name}.damaged-*")))
        return Rekeyed(format_recovery_key(raw) if recovery_raw is None else None, aside)

    def forget_previous(self) -> None:
        """Make the backup a copy of the file as it is now: after a change the previous
        generation must not keep (old keys, a withdrawn insight's text). If it cannot be
        rewritten, it is removed rather than left holding what was meant to go."""
        self._require_open()
        bak = backup_path(self.path)
        try:
            write_atomically(bak, read_file(self.path), keep_backup=False)
        except (OSError, RessentiError):
            bak.unlink(missing_ok=True)

    def close(self) -> None:
        self._key = b""
        self._items, self._source = {}, None
        self._lock.release()

    @property
    def is_open(self) -> bool:
        return self._lock.held


SMALL_ITEM = 64  # bytes of value: such an item (the word list's state) goes in another's record


def _records(changes: list[tuple[bytes, Value | None]]) -> list[list[tuple[bytes, Value | None]]]:
    """The records of an appended save: one per document, small items riding in the first
    one (a record is padded to at least 512 bytes; a save's keys are distinct)."""
    records: list[list[tuple[bytes, Value | None]]] = []
    small: list[tuple[bytes, Value | None]] = []
    for change in changes:
        if change[1] is not None and len(change[1]) <= SMALL_ITEM:
            small.append(change)
        else:
            records.append([change])
    if small:
        if records:
            records[0].extend(small)
        else:
            records.append(small)
    return records


def _loaded(apply: Apply) -> None:
    loaded = getattr(apply, "loaded", None)
    if loaded is not None:
        loaded()


def _format_of(path: Path) -> int | None:
    """The format byte of a vault file, or None if there is none."""
    try:
        with open(path, "rb") as f:
            head = f.read(9)
    except OSError:
        return None
    return head[8] if len(head) == 9 and head[:8] == b"RESSENTI" else None


def _decrypt_format1(data: bytes, data_key: bytes) -> memoryview:
    """The document of a format-1 file (one body sealed under the header), without copying it."""
    packed = data[:HEADER_LEN]
    try:
        plain = AESGCM(data_key).decrypt(packed[_HEADER.size - 12 : _HEADER.size],
                                         memoryview(data)[HEADER_LEN:], packed)
    except InvalidTag:
        raise VaultDamaged() from None
    length = int.from_bytes(plain[:8], "big")
    if length > len(plain) - 8:
        raise VaultDamaged()
    return memoryview(plain)[8 : 8 + length]
