"""`did:key` for Ed25519 keys (W3C CCG did:key 0.7): the public key as multibase base58btc of the
multicodec `ed25519-pub` (0xed01) followed by its 32 bytes. Resolved locally, never fetched."""

from __future__ import annotations

import base58

from journal_app.errors import RessentiError

_ED25519_PUB = b"\xed\x01"
_ED25519_PRIV = b"\x80\x26"
PREFIX = "did:key:"
MAX_DID_CHARS = 200


class NotADidKey(RessentiError):
    """Not an Ed25519 did:key (another method, another key type, or damaged)."""

    key = "error.badge.not_a_did_key"


def multibase_encode(data: bytes) -> str:
    """base58btc, with multibase's `z` prefix."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z") or len(text) > MAX_DID_CHARS:
        raise ValueError("not base58btc multibase")
    return base58.b58decode(text[1:])  # ValueError on a character outside the alphabet


def public_multibase(public_key: bytes) -> str:
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return multibase_encode(_ED25519_PUB + public_key)


def did_key(public_key: bytes) -> str:
    """`did:key:z6Mk…` for an Ed25519 public key."""
    return PREFIX + public_multibase(public_key)


def verification_method(public_key: bytes) -> str:
    """The key's verification method in its own DID document: `did:key:z…#z…`."""
    fragment = public_multibase(public_key)
    return f"{PREFIX}{fragment}#{fragment}"


def public_key_of(did: str) -> bytes:
    """The Ed25519 public key a did:key (or one of its verification methods) names."""
    if not isinstance(did, str) or not did.startswith(PREFIX) or len(did) > 2 * MAX_DID_CHARS:
        raise NotADidKey()
    identifier, _, fragment = did[len(PREFIX):].partition("#")
    if fragment and fragment != identifier:
        raise NotADidKey()  # did:key has one verification method, named by the key itself
    try:
        raw = multibase_decode(identifier)
    except ValueError:
        raise NotADidKey() from None
    if len(raw) != 34 or not raw.startswith(_ED25519_PUB):
        raise NotADidKey()
    return raw[2:]


def controller_of(method: str) -> str:
    """The DID a verification method belongs to (`did:key:z…#z…` → `did:key:z…`)."""
    return method.partition("#")[0]


def private_key_of_multibase(text: str) -> bytes:
    """A private key written as multibase `ed25519-priv` (0x8026), as in the W3C test vectors."""
    raw = multibase_decode(text)
    if len(raw) != 34 or not raw.startswith(_ED25519_PRIV):
        raise ValueError("not a multibase Ed25519 private key")
    return raw[2:]
