"""Keys and the header: Argon2id parameters, the data key wrapped under the passphrase and under
the recovery key, and the header that carries them (the same in formats 1 and 2, but for its
version byte). Byte layout in docs/vault-format.md."""

from __future__ import annotations

import base64
import hashlib
import struct
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal_app.errors import (
    NotAVault,
    UnsupportedVersion,
    VaultDamaged,
    WeakPassphrase,
    WrongRecoveryKey,
)
from journal_app.kdf import argon2id

MAGIC = b"RESSENTI"
FORMAT_VERSION = 2  # what this app writes; it still reads 1
FORMATS = (1, 2)
KDF_ARGON2ID = 1
MIN_PASSPHRASE_CHARS = 8

# Header layout, versions 1 and 2 (big-endian). Kept in one struct so the reader and writer cannot drift.
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
    """The header. `body_nonce`: in format 1 the nonce of the one encrypted body; in format 2 a
    random value naming this generation of the file, bound into every record."""

    kdf: KdfParams
    salt: bytes
    pass_nonce: bytes
    pass_wrapped: bytes
    recovery_salt: bytes
    recovery_nonce: bytes
    recovery_wrapped: bytes
    body_nonce: bytes
    version: int = FORMAT_VERSION

    def pack(self) -> bytes:
        fields = _HEADER.pack(
            MAGIC,
            self.version,
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
    fields, digest = bytes(data[: _HEADER.size]), bytes(data[_HEADER.size : HEADER_LEN])
    if fields[:8] != MAGIC or fields[8] not in FORMATS or fields[9] != KDF_ARGON2ID:
        # A vault with its first bytes damaged still carries a matching digest once those bytes
        # are put back: that is damage, not a foreign file or a newer format.
        for version in FORMATS:
            restored = MAGIC + bytes([version, KDF_ARGON2ID]) + fields[10:]
            if hashlib.sha256(restored).digest() == digest:
                raise VaultDamaged()
        if fields[:8] != MAGIC:
            raise NotAVault()
        raise UnsupportedVersion(version=fields[8])
    if hashlib.sha256(fields).digest() != digest:
        raise VaultDamaged()
    (_, version, _, memory, iterations, lanes, salt, pass_nonce, pass_wrapped, recovery_salt,
     recovery_nonce, recovery_wrapped, body_nonce) = _HEADER.unpack(fields)
    if not (8 * lanes <= memory <= _MAX_MEMORY_KIB and 1 <= iterations <= _MAX_ITERATIONS
            and 1 <= lanes <= _MAX_LANES):
        raise VaultDamaged()
    return Header(KdfParams(memory, iterations, lanes), salt, pass_nonce, pass_wrapped, recovery_salt,
                  recovery_nonce, recovery_wrapped, body_nonce, version=version)


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


def recovery_kek(raw: bytes, salt: bytes) -> bytes:
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


def new_header(passphrase: str, data_key: bytes, recovery_raw: bytes, kdf: KdfParams,
                rng: Callable[[int], bytes]) -> Header:
    """A header that wraps `data_key` under the passphrase and under the recovery key, with
    salts and nonces of its own."""
    salt, recovery_salt = rng(16), rng(16)
    pass_nonce, recovery_nonce = rng(12), rng(12)
    return Header(
        kdf=kdf, salt=salt, pass_nonce=pass_nonce,
        pass_wrapped=AESGCM(kdf.derive(passphrase, salt)).encrypt(pass_nonce, data_key, _WRAP_AAD_PASSPHRASE),
        recovery_salt=recovery_salt, recovery_nonce=recovery_nonce,
        recovery_wrapped=AESGCM(recovery_kek(recovery_raw, recovery_salt)).encrypt(
            recovery_nonce, data_key, _WRAP_AAD_RECOVERY),
        body_nonce=rng(12))


def check_passphrase(passphrase: str) -> None:
    if len(passphrase.strip()) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphrase(min=MIN_PASSPHRASE_CHARS)

