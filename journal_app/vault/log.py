"""Format 2's log: sealed records after the header, read back in order (docs/vault-format.md).

Each record is one frame: its length, how much of its save follows it, and a CRC of both (so
that a save cut short by a crash is told from a damaged one), a random nonce, and AES-256-GCM
ciphertext under the data key. A record's associated data binds it to this file (the header's
digest), to its place in the log (its sequence number) and to every record before it (a running
hash of their frame heads and nonces), so a record that is changed, moved, repeated or taken
from another file does not open. A save appends its records and a commit record, then syncs; on
reading, a last save that the file ends inside is a torn tail, dropped.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from journal_app.errors import VaultDamaged
from journal_app.vault.keys import MAGIC

ITEMS, COMMIT = 1, 2  # record kinds
# sealed length, bytes of this save still to come after this frame, CRC-32 of (sequence
# number, the two lengths): a save cut short is told from a damaged one by its declared end.
_FRAME = struct.Struct(">III")
_CRC_INPUT = struct.Struct(">QII")
_KIND = struct.Struct(">BI")  # kind, payload length
_ITEM_KEY = struct.Struct(">H")
_ITEM_VALUE = struct.Struct(">I")
_COMMIT = struct.Struct(">16sQI")  # journal id, save counter, records in this save
DELETED = 0xFFFFFFFF  # an item's value length that says "deleted"
_NONCE, _TAG = 12, 16
_AAD_PREFIX = MAGIC + b"\x02record"
MIN_SEALED = _NONCE + _KIND.size + _TAG
MAX_SEALED = 256 * 1024 * 1024
COMMIT_PLAIN = 64  # a commit record's padded size: all commits look alike
# A snapshot's items go in records of about this much: opening holds one record's ciphertext and
# plaintext at once (1 MiB, before: the most of a small journal's peak).
SNAPSHOT_CHUNK = 1 << 16


def appended_size(n: int) -> int:
    """A record written by an ordinary save: a power of two, at least 512 bytes, so a record's
    size says only roughly how long the entry in it is."""
    return max(512, 1 << (n - 1).bit_length())


def encode_items(changes: Sequence[tuple[bytes, bytes | memoryview | None]]) -> bytes:
    """Items: key length, key, value length (or DELETED), value."""
    parts: list[bytes | memoryview] = []
    for key, value in changes:
        parts.append(_ITEM_KEY.pack(len(key)))
        parts.append(key)
        if value is None:
            parts.append(_ITEM_VALUE.pack(DELETED))
        else:
            parts.append(_ITEM_VALUE.pack(len(value)))
            parts.append(value)
    return b"".join(parts)


def decode_items(payload: memoryview) -> Iterator[tuple[bytes, memoryview | None]]:
    pos, end = 0, len(payload)
    try:
        while pos < end:
            (klen,) = _ITEM_KEY.unpack_from(payload, pos)
            pos += _ITEM_KEY.size
            key = bytes(payload[pos : pos + klen])
            pos += klen
            (vlen,) = _ITEM_VALUE.unpack_from(payload, pos)
            pos += _ITEM_VALUE.size
            if vlen == DELETED:
                yield key, None
                continue
            if pos + vlen > end or len(key) != klen:
                raise VaultDamaged()
            yield key, payload[pos : pos + vlen]
            pos += vlen
    except struct.error:
        raise VaultDamaged() from None


@dataclass
class Chain:
    """Where the log stands: records so far, the running hash, the last save's counter."""

    digest: bytes  # the header's digest: binds every record to this file
    seq: int = 0
    running: bytes = b""
    counter: int = 0
    journal_id: bytes = bytes(16)

    def __post_init__(self) -> None:
        if not self.running:
            self.running = self.digest

    def aad(self, seq: int) -> bytes:
        return _AAD_PREFIX + self.digest + seq.to_bytes(8, "big") + self.running

    def advance(self, head: bytes, nonce: bytes) -> None:
        self.seq += 1
        self.running = hashlib.sha256(self.running + head + nonce).digest()

    def copy(self) -> Chain:
        return Chain(self.digest, self.seq, self.running, self.counter, self.journal_id)


def _sealed_len(size: int) -> int:
    return _NONCE + size + _TAG


def seal(key: AESGCM, chain: Chain, kind: int, payload: bytes, size: int, rest: int,
         rng: Callable[[int], bytes]) -> bytes:
    """One frame, `rest` bytes of its save still to come after it; `chain` moves on past it."""
    plain = _KIND.pack(kind, len(payload)) + payload
    plain += bytes(size - len(plain))
    seq = chain.seq + 1
    nonce = rng(_NONCE)
    sealed_len = _sealed_len(len(plain))
    head = _FRAME.pack(sealed_len, rest, zlib.crc32(_CRC_INPUT.pack(seq, sealed_len, rest)))
    frame = head + nonce + key.encrypt(nonce, plain, chain.aad(seq))
    chain.advance(head, nonce)
    return frame


def seal_save(key: AESGCM, chain: Chain, payloads: Sequence[bytes], pad: Callable[[int], int],
              rng: Callable[[int], bytes]) -> bytes:
    """The frames of one save: its item records, then its commit."""
    chain.counter += 1
    commit = _COMMIT.pack(chain.journal_id, chain.counter, len(payloads))
    records = [(ITEMS, p, pad(_KIND.size + len(p))) for p in payloads] + [(COMMIT, commit, COMMIT_PLAIN)]
    sizes = [_FRAME.size + _sealed_len(size) for _, _, size in records]
    rest = sum(sizes)
    frames = []
    for (kind, payload, size), frame_size in zip(records, sizes, strict=True):
        rest -= frame_size
        frames.append(seal(key, chain, kind, payload, size, rest, rng))
    return b"".join(frames)


def snapshot_payloads(items: Sequence[tuple[bytes, bytes | memoryview]]) -> list[bytes]:
    """All live items, grouped in records of about SNAPSHOT_CHUNK bytes."""
    payloads, group, size = [], [], 0
    for key, value in items:
        group.append((key, value))
        size += len(key) + len(value) + 6
        if size >= SNAPSHOT_CHUNK:
            payloads.append(encode_items(group))
            group, size = [], 0
    if group or not payloads:
        payloads.append(encode_items(group))
    return payloads


@dataclass
class Replayed:
    """What reading a log found."""

    chain: Chain  # as after the last commit
    end: int  # the file offset just after the last commit
    snapshot_end: int  # ... and just after the first (the snapshot the log starts with)
    torn: int  # bytes after it, dropped (a save that never finished)


def _zeros_to_end(f: BinaryIO) -> bool:
    while block := f.read(1 << 16):
        if any(block):
            return False
    return True


def read_log(f: BinaryIO, start: int, size: int, key: AESGCM, digest: bytes,
             apply: Callable[[memoryview], None]) -> Replayed:
    """Read every record from `start` of the open file `f` (`size` bytes long), one frame at a
    time, and give each save's item payloads to `apply`, in order, once its commit is read (the
    first save's at once: if it is not whole, the file is damaged anyway, and so the snapshot is
    never held twice in memory). Raise VaultDamaged when a record of a save that is whole on disk
    does not open (changed, moved, repeated, spliced) or a frame's head is damaged; a last save
    that goes past the end of the file (a crash cut it short) is dropped and counted."""
    chain = Chain(digest)
    group: list[memoryview] = []
    good_end = pos = start
    snapshot_end = 0
    in_save = 0  # item records of the save being read
    committed_chain = chain.copy()
    f.seek(start)
    while pos < size:
        head = f.read(_FRAME.size)
        if len(head) < _FRAME.size:
            break  # a frame head cut short: torn
        sealed_len, rest, crc = _FRAME.unpack(head)
        seq = chain.seq + 1
        if crc != zlib.crc32(_CRC_INPUT.pack(seq, sealed_len, rest)) or not MIN_SEALED <= sealed_len <= MAX_SEALED:
            f.seek(pos)
            if _zeros_to_end(f):
                break  # zeros a crash left after the last write: torn
            raise VaultDamaged()
        if pos + _FRAME.size + sealed_len + rest > size:
            break  # this save goes past the end of the file: cut short by a crash, torn
        sealed = f.read(sealed_len)
        nonce, body = sealed[:_NONCE], memoryview(sealed)[_NONCE:]
        aad = chain.aad(seq)
        chain.advance(head, nonce)
        pos += _FRAME.size + sealed_len
        try:
            plain = memoryview(key.decrypt(nonce, body, aad))
        except InvalidTag:
            raise VaultDamaged() from None  # the whole save is there, yet this record does not open
        del sealed, body
        kind, length = _KIND.unpack_from(plain, 0)
        if length > len(plain) - _KIND.size or (kind == COMMIT) != (rest == 0):
            raise VaultDamaged()
        payload = plain[_KIND.size : _KIND.size + length]
        if kind == ITEMS:
            in_save += 1
            if snapshot_end:
                group.append(payload)
            else:
                apply(payload)  # the snapshot: applied as it is read
            continue
        if kind != COMMIT or length != _COMMIT.size:
            raise VaultDamaged()
        journal_id, counter, count = _COMMIT.unpack_from(payload, 0)
        if count != in_save or (snapshot_end and (counter != chain.counter + 1 or journal_id != chain.journal_id)):
            raise VaultDamaged()
        chain.counter, chain.journal_id = counter, journal_id
        for items in group:
            apply(items)
        group, in_save = [], 0
        good_end = pos
        snapshot_end = snapshot_end or pos
        committed_chain = chain.copy()
    if not snapshot_end:
        raise VaultDamaged()  # not even the first snapshot is whole
    return Replayed(committed_chain, good_end, snapshot_end, size - good_end)
