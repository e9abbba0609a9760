"""Pairing a new device with the one that holds the journal: the six digits both screens show
(docs/sync.md). The messages travel through the relay; this module only decides.

1. The device that holds the journal (« A ») shows an offer: its ephemeral X25519 key and a
   one-use secret (in the QR code and the code to copy; both expire).
2. The new device (« B ») reads it and commits to its own ephemeral key: it sends
   SHA-256(B's key ‖ B's nonce), authenticated with the secret (only a device that read the
   offer can answer).
3. A answers with a fresh nonce of its own, only now.
4. B reveals its key and nonce; A checks them against the commitment.
5. Both derive the shared secret (X25519) and, from it, both keys and both nonces, six digits.
   The person checks that the two screens show the same digits and confirms on A; only then
   does A seal the journal's sync secrets for B under a key derived from the same exchange.

Someone who swapped the code on the way (a phished or photographed code) sits between two
exchanges with two different shared secrets: the digits differ, unless they guess a six-digit
match blind. The commitment in step 2 is what makes it blind: B's side of the digits is fixed
before A's nonce exists, so no key can be searched for that matches.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal_app.errors import RessentiError

_INFO_DIGITS = b"ressenti pairing v1 digits"
_INFO_TRANSFER = b"ressenti pairing v1 transfer"
_COMMIT = b"ressenti pairing v1 commit"
_INFO_LATER = b"ressenti pairing v1 later "  # + b"a" (holder to new device) or b"b" (the reverse)


def _seal_later(shared: bytes, secret: bytes, transcript: bytes, direction: bytes, blob: bytes) -> bytes:
    key = _derive(shared, secret, _INFO_LATER + direction + transcript, 32)
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(key).encrypt(nonce, blob, transcript + direction)


def _open_later(shared: bytes, secret: bytes, transcript: bytes, direction: bytes, sealed: bytes) -> bytes:
    key = _derive(shared, secret, _INFO_LATER + direction + transcript, 32)
    try:
        return AESGCM(key).decrypt(sealed[:12], sealed[12:], transcript + direction)
    except Exception:
        raise PairingRefused() from None


class PairingRefused(RessentiError):
    """A pairing message that does not belong to this pairing (another code, a changed key)."""

    key = "error.pairing_refused"


def _raw(key: X25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _derive(shared: bytes, secret: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=secret, info=info).derive(shared)


def _transcript(a_key: bytes, b_key: bytes, a_nonce: bytes, b_nonce: bytes) -> bytes:
    return a_key + b_key + a_nonce + b_nonce


def six_digits(shared: bytes, secret: bytes, transcript: bytes) -> str:
    value = int.from_bytes(_derive(shared, secret, _INFO_DIGITS + transcript, 8), "big") % 1_000_000
    return f"{value:06d}"


@dataclass(frozen=True)
class Offer:
    """What A shows: its key and the one-use secret."""

    key: bytes
    secret: bytes


@dataclass(frozen=True)
class Commitment:
    digest: bytes
    tag: bytes  # HMAC(secret, digest): the sender read the offer


@dataclass(frozen=True)
class Reveal:
    key: bytes
    nonce: bytes


class Holder:
    """A: the device that holds the journal."""

    def __init__(self) -> None:
        self._private = X25519PrivateKey.generate()
        self.offer = Offer(_raw(self._private.public_key()), secrets.token_bytes(16))
        self._nonce = secrets.token_bytes(16)
        self._commitment: bytes | None = None
        self._shared: bytes | None = None
        self._transcript = b""
        self.used = False

    def take_commitment(self, commitment: Commitment) -> bytes:
        """Step 2 → 3: B's commitment, checked; A's nonce, only now."""
        expected = hmac.new(self.offer.secret, commitment.digest, hashlib.sha256).digest()
        if self.used or self._commitment is not None or not hmac.compare_digest(expected, commitment.tag):
            raise PairingRefused()
        self._commitment = commitment.digest
        return self._nonce

    def take_reveal(self, reveal: Reveal) -> str:
        """Step 4 → 5: B's key, checked against its commitment; the six digits to show."""
        if self._commitment is None or self.used:
            raise PairingRefused()
        if not hmac.compare_digest(hashlib.sha256(_COMMIT + reveal.key + reveal.nonce).digest(), self._commitment):
            raise PairingRefused()
        try:
            self._shared = self._private.exchange(X25519PublicKey.from_public_bytes(reveal.key))
        except ValueError:
            raise PairingRefused() from None
        self._transcript = _transcript(self.offer.key, reveal.key, self._nonce, reveal.nonce)
        return six_digits(self._shared, self.offer.secret, self._transcript)

    def seal_for_new_device(self, secrets_blob: bytes) -> bytes:
        """After the person confirmed the digits: the sync secrets, for B only. One use."""
        if self._shared is None or self.used:
            raise PairingRefused()
        self.used = True
        key = _derive(self._shared, self.offer.secret, _INFO_TRANSFER + self._transcript, 32)
        nonce = secrets.token_bytes(12)
        return nonce + AESGCM(key).encrypt(nonce, secrets_blob, self._transcript)

    # After the secrets left: the rest of the pairing (the new device's mailbox, how much of the
    # journal is on its way), sealed both ways under keys of the same exchange.
    def seal_later(self, blob: bytes) -> bytes:
        if self._shared is None or not self.used:
            raise PairingRefused()
        return _seal_later(self._shared, self.offer.secret, self._transcript, b"a", blob)

    def open_later(self, sealed: bytes) -> bytes:
        if self._shared is None or not self.used:
            raise PairingRefused()
        return _open_later(self._shared, self.offer.secret, self._transcript, b"b", sealed)


class Joiner:
    """B: the new device."""

    def __init__(self, offer: Offer) -> None:
        self._offer = offer
        self._private = X25519PrivateKey.generate()
        self._key = _raw(self._private.public_key())
        self._nonce = secrets.token_bytes(16)
        self._shared: bytes | None = None
        self._transcript = b""

    def commitment(self) -> Commitment:
        digest = hashlib.sha256(_COMMIT + self._key + self._nonce).digest()
        return Commitment(digest, hmac.new(self._offer.secret, digest, hashlib.sha256).digest())

    def reveal(self, holder_nonce: bytes) -> tuple[Reveal, str]:
        """Step 3 → 4: A's nonce came; B's key and nonce to send, and the six digits to show."""
        try:
            self._shared = self._private.exchange(X25519PublicKey.from_public_bytes(self._offer.key))
        except ValueError:
            raise PairingRefused() from None
        self._transcript = _transcript(self._offer.key, self._key, holder_nonce, self._nonce)
        return Reveal(self._key, self._nonce), six_digits(self._shared, self._offer.secret, self._transcript)

    def open_from_holder(self, sealed: bytes) -> bytes:
        if self._shared is None:
            raise PairingRefused()
        key = _derive(self._shared, self._offer.secret, _INFO_TRANSFER + self._transcript, 32)
        try:
            return AESGCM(key).decrypt(sealed[:12], sealed[12:], self._transcript)
        except Exception:
            raise PairingRefused() from None

    def seal_later(self, blob: bytes) -> bytes:
        if self._shared is None:
            raise PairingRefused()
        return _seal_later(self._shared, self._offer.secret, self._transcript, b"b", blob)

    def open_later(self, sealed: bytes) -> bytes:
        if self._shared is None:
            raise PairingRefused()
        return _open_later(self._shared, self._offer.secret, self._transcript, b"a", sealed)
