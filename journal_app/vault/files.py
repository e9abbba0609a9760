"""Files: atomic and durable replacement, the backup generation, the writer's lock."""

from __future__ import annotations

import errno
import os
import secrets
import sys
from pathlib import Path
from typing import BinaryIO

from journal_app.errors import DiskFull, LockLost, NotAVault, SaveFailed, VaultLocked, VaultMissing
from journal_app.paths import private_dir


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return  # Windows cannot open a directory for fsync; its rename is already durable.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_error(exc: OSError) -> SaveFailed:
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
    tmp = fresh_name(path)
    try:
        write_durably(tmp, data)  # on failure it removes what it created, and only that
    except OSError as exc:
        raise save_error(exc) from exc
    try:
        if keep_backup and path.exists():
            _keep_previous_generation(path)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise save_error(exc) from exc


def fresh_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")


def write_durably(path: Path, data: bytes) -> None:
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
    staged = fresh_name(bak)
    try:
        os.link(path, staged)
    except OSError:
        # No hard links here (Android's SELinux refuses them in app storage; FAT on a memory
        # card has none): copy instead, which costs a full read and write per save.
        write_durably(staged, path.read_bytes())
    try:
        os.replace(staged, bak)
    except OSError:
        staged.unlink(missing_ok=True)
        raise


def remove_leftovers(path: Path) -> None:
    """Temporary files a crash left beside the vault (encrypted: only clutter). Called with the
    vault's lock held, so no save of ours is writing one."""
    for leftover in path.parent.glob(f".{path.name}*.tmp"):
        try:
            leftover.unlink()
        except OSError:
            pass


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


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise VaultMissing(path=str(path)) from None
    except IsADirectoryError:
        raise NotAVault() from None


def open_file(path: Path) -> BinaryIO:
    """A vault file open for reading, with the same errors as `read_file`."""
    try:
        return open(path, "rb")  # noqa: SIM115 (the caller closes it)
    except FileNotFoundError:
        raise VaultMissing(path=str(path)) from None
    except IsADirectoryError:
        raise NotAVault() from None


def file_id(path: Path) -> tuple[int, int, int, int] | None:
    """Which file is at `path` now: every save renames a new one into place."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns

