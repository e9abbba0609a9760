"""The encrypted vault file: one file per journal, byte format in docs/vault-format.md.

A random 256-bit data key encrypts the whole document with AES-256-GCM; the header is the
associated data. The data key is stored twice, wrapped: under a key derived from the passphrase
with Argon2id, and under a key derived with HKDF from a high-entropy recovery key shown once.

Writes are atomic and durable (`write_atomically`), and one process at a time may hold a vault
open (`VaultLock`). This module knows nothing of what the document contains.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import secrets
import struct
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal_app.errors import (
    DiskFull,
    LockLost,
    NotAVault,
    RessentiError,
    SaveFailed,
    UnsupportedVersion,
    VaultClosed,
    VaultDamaged,
    VaultExists,
    VaultLocked,
    VaultMissing,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)
from journal_app.kdf import argon2id
from journal_app.paths import private_dir

MAGIC = b"RESSENTI"
FORMAT_VERSION = 1
KDF_ARGON2ID = 1
MIN_PASSPHRASE_CHARS = 8

# Header layout, version 1 (big-endian). Kept in one struct so the reader and writer cannot drift.
_HEADER = struct.Struct(">8sBBIII16s12s48s16s12s48s12s")
_DIGEST_LEN = 32
HEADER_LEN = _HEADER.size + _DIGEST_LEN  # 218 bytes
_TAG_LEN = 16
_WRAP_AAD_PASSPHRASE = MAGIC + b"\x01passphrase"
_WRAP_AAD_RECOVERY = MAGIC + b"\x01recovery"
_RECOVERY_INFO = b"ressenti vault recovery key v1"
_RECOVERY_BYTES = 20  # 160 bits, shown as 32 base32 characters

# Bounds that a header read from disk must respect, so a crafted file cannot ask Argon2 for
# terabytes of memory or hours of work before the passphrase is even checked.
# 256 MiB, 8 passes, 8 lanes: room to raise today's 64 MiB / 3 / 4 later, while a planted header
# costs a phone at most a few seconds (1 GiB x 16 passes took ~77 s here, and more memory than
# many phones give an app).
_MAX_MEMORY_KIB = 256 * 1024
_MAX_ITERATIONS = 8
_MAX_LANES = 8


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters; stored in the header so they can be raised later."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        """The key of a passphrase, in Unicode's composed form (NFC): « é » typed as one
        character on a phone and as e + accent on a laptop is the same passphrase."""
        return argon2id(unicodedata.normalize("NFC", passphrase).encode("utf-8"), salt,
                        memory_kib=self.memory_kib, iterations=self.iterations, lanes=self.lanes)


@dataclass(frozen=True)
class Header:
    kdf: KdfParams
    salt: bytes
    pass_nonce: bytes
    pass_wrapped: bytes
    recovery_salt: bytes
    recovery_nonce: bytes
    recovery_wrapped: bytes
    body_nonce: bytes

    def pack(self) -> bytes:
        fields = _HEADER.pack(
            MAGIC,
            FORMAT_VERSION,
            KDF_ARGON2ID,
            self.kdf.memory_kib,
            self.kdf.iterations,
            self.kdf.lanes,
            self.salt,
            self.pass_nonce,
            self.pass_wrapped,
            self.recovery_salt,
            self.recovery_nonce,
            self.recovery_wrapped,
            self.body_nonce,
        )
        return fields + hashlib.sha256(fields).digest()


def parse_header(data: bytes) -> Header:
    """Read and check a vault header; raise NotAVault, VaultDamaged or UnsupportedVersion."""
    if len(data) < HEADER_LEN + _TAG_LEN:
        raise NotAVault()
    fields, digest = data[: _HEADER.size], data[_HEADER.size : HEADER_LEN]
    if fields[:8] != MAGIC or fields[8] != FORMAT_VERSION or fields[9] != KDF_ARGON2ID:
        # A version-1 vault with its first bytes damaged still carries a matching digest once
        # those bytes are put back: that is damage, not a foreign file or a newer format.
        restored = MAGIC + bytes([FORMAT_VERSION, KDF_ARGON2ID]) + fields[10:]
        if hashlib.sha256(restored).digest() == digest:
            raise VaultDamaged()
        if fields[:8] != MAGIC:
            raise NotAVault()
        raise UnsupportedVersion(version=fields[8])
    if hashlib.sha256(fields).digest() != digest:
        raise VaultDamaged()
    (_, _, _, memory, iterations, lanes, *rest) = _HEADER.unpack(fields)
    if not (8 * lanes <= memory <= _MAX_MEMORY_KIB and 1 <= iterations <= _MAX_ITERATIONS
            and 1 <= lanes <= _MAX_LANES):
        raise VaultDamaged()
    return Header(KdfParams(memory, iterations, lanes), *rest)


# --- recovery key ----------------------------------------------------------------------------
def format_recovery_key(raw: bytes) -> str:
    text = base64.b32encode(raw).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """Accept the key as shown, or as typed: any case, spaces or dashes, 0/1/8 for O/I/B."""
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))
    if len(cleaned) != 32:
        raise WrongRecoveryKey()
    try:
        return base64.b32decode(cleaned)
    except ValueError:
        raise WrongRecoveryKey() from None


def _recovery_kek(raw: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_RECOVERY_INFO).derive(raw)


# --- padding ---------------------------------------------------------------------------------
def padded_length(n: int) -> int:
    """Round a plaintext length up so the file size tells little about how much was written."""
    unit = 1 << max(12, n.bit_length() - 5)
    return (n + unit - 1) // unit * unit


Chunk = bytes | memoryview  # a piece of content: lines kept from the last read are views into it


def _pad(chunks: Sequence[Chunk]) -> bytes:
    """Frame and pad the content in a single copy: 8-byte length, content, zeros."""
    length = sum(map(len, chunks))
    framed_len = 8 + length
    return b"".join([struct.pack(">Q", length), *chunks, bytes(padded_length(framed_len) - framed_len)])


def _unpad(plain: bytes) -> bytes:
    return bytes(_unpad_view(plain))


def _unpad_view(plain: bytes) -> memoryview:
    """The content inside the frame, without copying it (a vault may hold hundreds of MB)."""
    (length,) = struct.unpack(">Q", plain[:8])
    if length > len(plain) - 8:
        raise VaultDamaged()
    return memoryview(plain)[8 : 8 + length]


# --- files -----------------------------------------------------------------------------------
def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return  # Windows cannot open a directory for fsync; its rename is already durable.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _save_error(exc: OSError) -> SaveFailed:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        return DiskFull()
    return SaveFailed(detail=exc.strerror or str(exc))


def write_atomically(path: Path, data: bytes, *, keep_backup: bool = True) -> None:
    """Replace `path` with `data` so that a crash at any instant leaves the old or the new file.

    The previous generation stays beside it as `<name>.bak` (a hard link, so no copy is made).
    Raises DiskFull or SaveFailed, with the previous file untouched. The bytes go first to a new
    file of a random name in the same folder, created by this call alone (never an existing file
    or a link someone planted there: an export is plain text).
    """
    tmp = _fresh_name(path)
    try:
        _write_durably(tmp, data)  # on failure it removes what it created, and only that
    except OSError as exc:
        raise _save_error(exc) from exc
    try:
        if keep_backup and path.exists():
            _keep_previous_generation(path)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise _save_error(exc) from exc


def _fresh_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")


def _write_durably(path: Path, data: bytes) -> None:
    """Write all of `data` to a new file `path` (mode 0600) and fsync it. O_EXCL and O_NOFOLLOW:
    a file or a symbolic link already there is refused, never written through. os.write may
    write less than asked, so it loops."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def _keep_previous_generation(path: Path) -> None:
    bak = backup_path(path)
    staged = _fresh_name(bak)
    try:
        os.link(path, staged)
    except OSError:
        # No hard links here (Android's SELinux refuses them in app storage; FAT on a memory
        # card has none): copy instead, which costs a full read and write per save.
        _write_durably(staged, path.read_bytes())
    try:
        os.replace(staged, bak)
    except OSError:
        staged.unlink(missing_ok=True)
        raise


def _remove_leftovers(path: Path) -> None:
    """Temporary files a crash left beside the vault (encrypted: only clutter). Called with the
    vault's lock held, so no save of ours is writing one."""
    for leftover in path.parent.glob(f".{path.name}*.tmp"):
        try:
            leftover.unlink()
        except OSError:
            pass


def _new_header(passphrase: str, data_key: bytes, recovery_raw: bytes, kdf: KdfParams,
                rng: Callable[[int], bytes]) -> Header:
    """A header that wraps `data_key` under the passphrase and under the recovery key, with
    salts and nonces of its own."""
    salt, recovery_salt = rng(16), rng(16)
    pass_nonce, recovery_nonce = rng(12), rng(12)
    return Header(
        kdf=kdf, salt=salt, pass_nonce=pass_nonce,
        pass_wrapped=AESGCM(kdf.derive(passphrase, salt)).encrypt(pass_nonce, data_key, _WRAP_AAD_PASSPHRASE),
        recovery_salt=recovery_salt, recovery_nonce=recovery_nonce,
        recovery_wrapped=AESGCM(_recovery_kek(recovery_raw, recovery_salt)).encrypt(
            recovery_nonce, data_key, _WRAP_AAD_RECOVERY),
        body_nonce=bytes(12))


@dataclass(frozen=True)
class Rekeyed:
    """After a new passphrase: the journal is under a new data key."""

    recovery_key: str | None  # a new recovery key, to show once (None: the one just used still works)
    old_copies: tuple[Path, ...]  # damaged generations kept aside, still under the old keys


class VaultLock:
    """An exclusive, non-blocking lock on `<vault>.lock`, held while a vault is open.

    `flock` locks belong to an open file, so two windows of the same process conflict too.
    """

    def __init__(self, path: Path) -> None:
        self._path = lock_path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        private_dir(self._path.parent)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise VaultLocked() from None
        self._fd = fd
        if not self.is_ours():  # removed between our open and our lock: lock the file there now
            self.release()
            self.acquire()

    def is_ours(self) -> bool:
        """Whether the lock file's name still leads to the file this lock holds."""
        if self._fd is None or sys.platform == "win32":  # Windows cannot remove an open file
            return self._fd is not None
        try:
            on_disk = os.stat(self._path, follow_symlinks=False)
        except FileNotFoundError:
            return False
        held = os.fstat(self._fd)
        return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)

    def retake(self) -> bool:
        """Before a save: whether the lock is still ours as it was. If someone removed the lock
        file, a second writer may have taken a new one: take the lock again if the name is free
        (and say it was lost), raise LockLost if another holds it."""
        if self.is_ours():
            return True
        previous = self._fd
        self._fd = None
        try:
            self.acquire()
        except VaultLocked:
            self._fd = previous  # still "open" here, to read back; every save refused
            raise LockLost() from None
        if previous is not None:
            os.close(previous)
        return False

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


def check_passphrase(passphrase: str) -> None:
    if len(passphrase.strip()) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphrase(min=MIN_PASSPHRASE_CHARS)


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise VaultMissing(path=str(path)) from None
    except IsADirectoryError:
        raise NotAVault() from None


class Vault:
    """An open vault: its path, the data key and the current header, and the writer's lock."""

    def __init__(self, path: Path, data_key: bytes, header: Header, lock: VaultLock,
                 rng: Callable[[int], bytes] = secrets.token_bytes) -> None:
        self.path = path
        self._key = data_key
        self._header = header
        self._lock = lock
        self._rng = rng
        self._written = _file_id(path)  # the file as this vault last read or wrote it
        self._stale = False

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, passphrase: str, content: Chunk | Sequence[Chunk], *, kdf: KdfParams = KdfParams(),
               rng: Callable[[int], bytes] = secrets.token_bytes) -> tuple[Vault, str]:
        """Create a new vault holding `content`; returns it open, and the recovery key to show."""
        check_passphrase(passphrase)
        path = Path(path)
        lock = VaultLock(path)
        lock.acquire()
        try:
            if path.exists():
                raise VaultExists(path=str(path))
            data_key, recovery_raw = rng(32), rng(_RECOVERY_BYTES)
            header = _new_header(passphrase, data_key, recovery_raw, kdf, rng)
            vault = cls(path, data_key, header, lock, rng)
            vault.save(content)
        except BaseException:
            lock.release()
            raise
        return vault, format_recovery_key(recovery_raw)

    @classmethod
    def open(cls, path: Path, passphrase: str, *, use_backup: bool = False) -> tuple[Vault, memoryview]:
        """Open with the passphrase; returns the vault and its decrypted content."""
        return cls._open(Path(path), use_backup, lambda header: cls._unwrap_passphrase(header, passphrase))

    @classmethod
    def open_with_recovery(cls, path: Path, recovery_key: str, new_passphrase: str
                           ) -> tuple[Vault, memoryview, Rekeyed]:
        """Open with the recovery key and set a new passphrase, under a new data key: the old
        passphrase stops working, on old copies' behalf too. The recovery key stays the same."""
        check_passphrase(new_passphrase)
        raw = parse_recovery_key(recovery_key)
        vault, content = cls._open(Path(path), False, lambda header: cls._unwrap_recovery(header, raw))
        try:
            rekeyed = vault._rekey(new_passphrase, vault._header.kdf, raw)
        except BaseException:
            vault.close()
            raise
        return vault, content, rekeyed

    @classmethod
    def _open(cls, path: Path, use_backup: bool, unwrap: Callable[[Header], bytes]) -> tuple[Vault, memoryview]:
        lock = VaultLock(path)
        lock.acquire()
        try:
            source = backup_path(path) if use_backup else path
            data = _read_file(source)
            header = parse_header(data)
            data_key = unwrap(header)
            content = _decrypt_body(data, data_key)
            vault = cls(path, data_key, header, lock)
            if use_backup:
                vault._restore_from_backup(data)
        except BaseException:
            lock.release()
            raise
        _remove_leftovers(path)
        return vault, content

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
        kek = _recovery_kek(raw, header.recovery_salt)
        try:
            return AESGCM(kek).decrypt(header.recovery_nonce, header.recovery_wrapped, _WRAP_AAD_RECOVERY)
        except InvalidTag:
            raise WrongRecoveryKey() from None

    def _restore_from_backup(self, backup_bytes: bytes) -> None:
        """Put the backup generation back in place, keeping the damaged file aside, not deleting it."""
        if self.path.exists():
            n = 1
            while (aside := self.path.with_name(f"{self.path.name}.damaged-{n}")).exists():
                n += 1
            os.replace(self.path, aside)
        write_atomically(self.path, backup_bytes, keep_backup=False)
        self._written = _file_id(self.path)

    # -- while open ---------------------------------------------------------------------------
    def _require_open(self) -> None:
        if not self._lock.held:
            raise VaultClosed()

    def save(self, content: Chunk | Sequence[Chunk]) -> None:
        """Encrypt the content (bytes, or chunks to concatenate) under a fresh nonce and replace
        the file atomically and durably."""
        self._require_open()
        if not self._lock.retake() and _file_id(self.path) != self._written:
            self._stale = True  # another writer came in while the lock file was gone
        if self._stale:
            raise LockLost()  # until what is on disk now has been read back
        header = replace(self._header, body_nonce=self._rng(12))
        packed = header.pack()
        chunks = [content] if isinstance(content, bytes | memoryview) else content
        body = AESGCM(self._key).encrypt(header.body_nonce, _pad(chunks), packed)
        write_atomically(self.path, packed + body)
        self._header = header
        self._written = _file_id(self.path)

    def read(self) -> memoryview:
        """Read back and decrypt what is on disk (after a failed save, to drop unsaved changes)."""
        self._require_open()
        written = _file_id(self.path)
        data = _read_file(self.path)
        parse_header(data)
        content = _decrypt_body(data, self._key)
        if self._lock.is_ours():  # read under our lock: what is on disk is what we now hold
            self._written, self._stale = written, False
        return content

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
        content = self.read()
        raw = recovery_raw or self._rng(_RECOVERY_BYTES)
        key = self._rng(32)
        previous = self._key, self._header
        self._key, self._header = key, _new_header(new_passphrase, key, raw, kdf, self._rng)
        try:
            self.save(content)
        except BaseException:
            self._key, self._header = previous
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
            write_atomically(bak, _read_file(self.path), keep_backup=False)
        except (OSError, RessentiError):
            bak.unlink(missing_ok=True)

    def close(self) -> None:
        self._key = b""
        self._lock.release()

    @property
    def is_open(self) -> bool:
        return self._lock.held


def _file_id(path: Path) -> tuple[int, int, int, int] | None:
    """Which file is at `path` now: every save renames a new one into place."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _decrypt_body(data: bytes, data_key: bytes) -> memoryview:
    """Decrypt the body of a file whose header `parse_header` has already accepted. Neither the
    ciphertext nor the content is copied: the result is a view into the decrypted frame."""
    packed = data[:HEADER_LEN]
    try:
        plain = AESGCM(data_key).decrypt(packed[_HEADER.size - 12 : _HEADER.size],
                                         memoryview(data)[HEADER_LEN:], packed)
    except InvalidTag:
        raise VaultDamaged() from None
    return _unpad_view(plain)
