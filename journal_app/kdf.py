"""Argon2id, the same on every platform, and what the About screen says of the cryptography in use.

The vault derives its passphrase key with the reference Argon2 (libargon2, through `argon2-cffi`)
everywhere. `cryptography`'s own Argon2id needs OpenSSL 3.2 or newer, which the phone builds of
`cryptography` (43.0.1 and 48.0.0, on OpenSSL 3.0) do not have; one implementation for laptops and
phones means a journal made on one opens on the other. Both give the same bytes for the same
parameters (checked by tests/test_kdf.py, with the RFC 9106 test vector).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


def argon2id(secret: bytes, salt: bytes, *, memory_kib: int, iterations: int, lanes: int,
             length: int = 32) -> bytes:
    """Argon2id (version 0x13) of `secret` with `salt`, as RFC 9106 defines it."""
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(secret, salt, time_cost=iterations, memory_cost=memory_kib,
                           parallelism=lanes, hash_len=length, type=Type.ID, version=0x13)


def openssl_argon2_supported() -> bool:
    """Whether this `cryptography` can compute Argon2id itself (OpenSSL ≥ 3.2). The vault never
    needs it; the About screen reports it, and the tests use it as a second implementation."""
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    except ImportError:  # cryptography < 44 (the phones' 43.0.1)
        return False
    try:
        Argon2id(salt=b"\0" * 16, length=32, iterations=1, lanes=1, memory_cost=8).derive(b"probe")
    except Exception:  # UnsupportedAlgorithm on OpenSSL < 3.2 (the phones' 48.0.0)
        return False
    return True


@dataclass(frozen=True)
class CryptoVersions:
    """What a bug report needs to know about the cryptography this journal runs on."""

    cryptography: str
    openssl: str
    argon2: str
    openssl_argon2: bool


@cache
def crypto_versions() -> CryptoVersions:
    """Computed once a process (it runs a tiny Argon2 to ask OpenSSL); Settings shows it."""
    from importlib import metadata  # here: importing it costs every command ~15 ms

    import cryptography
    from cryptography.hazmat.backends.openssl.backend import backend

    try:
        argon2 = f"argon2-cffi {metadata.version('argon2-cffi')}"
    except metadata.PackageNotFoundError:  # a packaged app without its metadata
        argon2 = "argon2-cffi"
    return CryptoVersions(cryptography=cryptography.__version__,
                          openssl=backend.openssl_version_text(), argon2=argon2,
                          openssl_argon2=openssl_argon2_supported())
