"""Circles, sealed insights, withdrawals and bundles (formats in docs/sharing.md).

A facilitator makes a circle: an X25519 key pair whose private half stays in their vault. The
invitation carries the circle's id, name and public key. A member seals each approved insight
to that key (ephemeral X25519, HKDF-SHA256, AES-256-GCM, padded), so whatever carries it cannot
read it. An insight carries no author, device or exact time. A withdrawal travels the same way
and proves itself with a secret that only the member who shared the insight holds.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal_app.errors import RessentiError
from journal_app.qr import QrImage, from_base32, qr_form, qr_image, qr_prefix

INVITE_PREFIX = "RSNT1-"  # a circle whose insights travel as files
INVITE_PREFIX_V2 = "RSNT2-"  # a circle with a relay: its address, the send capability, the signing key
ENVELOPE_VERSION = 1
BUNDLE_FORMAT = "ressenti-bundle"
BUNDLE_VERSION = 1
MAX_INSIGHT_CHARS = 4000
MAX_BUNDLE_BYTES = 32 * 1024 * 1024
MAX_ENVELOPES = 20_000
_PAD_UNIT = 512
_HKDF_INFO = b"ressenti sealed message v1"
_AAD = b"ressenti-envelope-v1:"


class SharingError(RessentiError):
    key = "error.sharing"


class InvitationInvalid(SharingError):
    key = "error.invitation_invalid"


class BundleInvalid(SharingError):
    key = "error.bundle_invalid"


class WrongCircle(SharingError):
    key = "error.wrong_circle"


class EnvelopeDamaged(SharingError):
    key = "error.envelope_damaged"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- circles and invitations -----------------------------------------------------------------
@dataclass(frozen=True)
class RelayAccess:
    """What a member needs to reach a circle's relay (docs/relay.md): where it is, the mailbox,
    the send capability (the same for every member, so the relay cannot tell them apart) and the
    public half of the circle's signing key (Ed25519), to check the circle's messages."""

    url: str
    mailbox: str  # 22 characters of base64url (16 random bytes)
    send_capability: str  # 43 characters of base64url (32 random bytes)
    signing_key: bytes  # 32 bytes, Ed25519 public key
    # Ed25519 signature, by the circle's signing key, over the invitation's relay fields
    # (`relay_fields_signed`): a member who holds the key takes a new relay address only so.
    proof: bytes = b""


@dataclass(frozen=True)
class Invitation:
    circle_id: str
    name: str
    public_key: bytes  # 32 bytes, X25519
    relay: RelayAccess | None = None

    def code(self) -> str:
        """A short text to paste: prefix, base64url(JSON), and a 4-byte checksum against typos.
        Version 1 (RSNT1-) without a relay; version 2 (RSNT2-) with one."""
        prefix, data = self._payload()
        return prefix + b64(data)

    def qr_text(self) -> str:
        """What the QR code holds: the same invitation in base32 (« RSNT2Q-… »), which a QR code
        holds in fewer modules (journal_app/qr.py); pasted, it joins like the code."""
        return qr_form(*self._payload())

    def qr_image(self, width: int, error: str = "l") -> QrImage:
        """The QR code for a screen `width` pixels wide (low error correction: a screen does not
        smudge; see journal_app/qr.py)."""
        return qr_image(self.qr_text(), width, error)

    def _payload(self) -> tuple[str, bytes]:
        doc: dict[str, str] = {"id": self.circle_id, "name": self.name, "pk": b64(self.public_key)}
        if self.relay is not None:
            doc |= {"relay": self.relay.url, "mb": self.relay.mailbox, "send": self.relay.send_capability,
                    "sign": b64(self.relay.signing_key)}
            if self.relay.proof:
                doc["rsig"] = b64(self.relay.proof)
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        check = hashlib.sha256(body).digest()[:4]
        return (INVITE_PREFIX_V2 if self.relay else INVITE_PREFIX), body + check

    def qr_png(self) -> bytes:
        """The QR code as a file to print or send: medium error correction (paper gets creased),
        modules of the largest size."""
        return self.qr_image(width=10_000, error="m").png


def relay_fields_signed(circle_id: str, public_key: bytes, relay: RelayAccess) -> bytes:
    """What the circle's signing key signs in a version 2 invitation: the circle and its relay
    (address, mailbox, send capability, signing key), so that none of them can be swapped."""
    return b"ressenti-invitation-relay-v1:" + json.dumps(
        [circle_id, b64(public_key), relay.url, relay.mailbox, relay.send_capability, b64(relay.signing_key)],
        separators=(",", ":")).encode("utf-8")


def sign_relay_fields(circle_id: str, public_key: bytes, relay: RelayAccess, signing_private: bytes) -> RelayAccess:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    proof = Ed25519PrivateKey.from_private_bytes(signing_private).sign(
        relay_fields_signed(circle_id, public_key, relay))
    return RelayAccess(relay.url, relay.mailbox, relay.send_capability, relay.signing_key, proof)


_B64_22 = re.compile(r"^[A-Za-z0-9_-]{22}$")
_B64_43 = re.compile(r"^[A-Za-z0-9_-]{43}$")
_B64_86 = re.compile(r"^[A-Za-z0-9_-]{86}$")


PRIVATE_RELAY_ENV = "RESSENTI_ALLOW_PRIVATE_RELAY"


def private_relay_allowed() -> bool:
    """The user said a relay may be on this computer or their own network (a trial, a relay in
    the office): `RESSENTI_ALLOW_PRIVATE_RELAY=1`."""
    import os

    return os.environ.get(PRIVATE_RELAY_ENV, "") == "1"


def relay_host_allowed(host: str, allow_private: bool | None = None) -> bool:
    """A name, or an address on the Internet; a loopback, private, link-local (169.254.…, the
    cloud's metadata service), multicast or reserved address only when the user said so."""
    import ipaddress

    if allow_private is None:
        allow_private = private_relay_allowed()
    if not host:
        return False
    if host.lower().rstrip(".") == "localhost" or host.lower().endswith(".localhost"):
        return allow_private
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True  # a name: RelayClient checks what it resolves to
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global or allow_private and not (address.is_multicast or address.is_unspecified)


def relay_url_allowed(url: str, allow_private: bool | None = None) -> bool:
    """https:// to a host on the Internet; http:// to this computer only (a relay on loopback,
    for tests and trials: whoever carries plain HTTP would see the capabilities go by). A host on
    this computer or a private network only when the user said so (`allow_private`, else
    RESSENTI_ALLOW_PRIVATE_RELAY=1): an invitation must not make members' apps knock on their
    own network's doors."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        return False
    if len(url) > 300 or parts.username is not None or parts.password is not None:
        return False
    if parts.scheme == "https":
        return relay_host_allowed(host, allow_private)
    if parts.scheme == "http":
        return on_this_computer(host) and relay_host_allowed(host, allow_private)
    return False


def on_this_computer(host: str) -> bool:
    """A loopback address, or `localhost`: a relay here may speak plain http."""
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def _relay_access(doc: dict[str, Any]) -> RelayAccess | None:
    if not any(k in doc for k in ("relay", "mb", "send", "sign", "rsig")):
        return None
    url, mailbox, send, sign = (doc[k] for k in ("relay", "mb", "send", "sign"))
    proof = doc.get("rsig", "")
    if not (isinstance(url, str) and relay_url_allowed(url) and isinstance(mailbox, str)
            and _B64_22.match(mailbox) and isinstance(send, str) and _B64_43.match(send)
            and isinstance(sign, str) and _B64_43.match(sign) and isinstance(proof, str)
            and (not proof or _B64_86.match(proof))):
        raise InvitationInvalid()
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = Ed25519PublicKey.from_public_bytes(unb64(sign))  # a key that is not a key: ValueError
    relay = RelayAccess(url.rstrip("/"), mailbox, send, unb64(sign), unb64(proof))
    if proof:
        try:
            key.verify(relay.proof, relay_fields_signed(doc["id"], unb64(doc["pk"]), relay))
        except InvalidSignature:
            raise InvitationInvalid() from None
    return relay


def parse_invitation(code: str) -> Invitation:
    """An invitation from its code, or from its QR form (« RSNT2Q-… », what a camera read)."""
    text = "".join(code.split())
    forms = [(p, p, unb64) for p in (INVITE_PREFIX, INVITE_PREFIX_V2)] + [
        (qr_prefix(p), p, from_base32) for p in (INVITE_PREFIX, INVITE_PREFIX_V2)]
    found = next(((shown, p, decode) for shown, p, decode in forms if text.startswith(shown)), None)
    if found is None or len(text) > 2000:
        raise InvitationInvalid()
    shown, prefix, decode = found
    try:
        raw = decode(text[len(shown):])
        body, check = raw[:-4], raw[-4:]
        if hashlib.sha256(body).digest()[:4] != check:
            raise InvitationInvalid()
        doc = json.loads(body.decode("utf-8"))
        key = unb64(doc["pk"])
        if len(key) != 32 or not isinstance(doc["id"], str) or not isinstance(doc["name"], str):
            raise InvitationInvalid()
        if not _CIRCLE_ID.match(doc["id"]):  # 20 hex digits, as CircleKeys.create makes them
            raise InvitationInvalid()
        # A low-order point (all zeros, and the like) would make every "sealed" insight readable
        # by anyone: X25519 refuses to compute with it, so a trial exchange tells.
        X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(key))
        name = "".join(c for c in doc["name"] if c.isprintable() or c == " ")[:200].strip()
        if not name:
            raise InvitationInvalid()
        relay = _relay_access(doc)
        if (relay is None) != (prefix == INVITE_PREFIX):
            raise InvitationInvalid()  # a version 2 code always names its relay, a version 1 never
        return Invitation(doc["id"], name, key, relay)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise InvitationInvalid() from None


@dataclass(frozen=True)
class CircleKeys:
    """A circle as its facilitator holds it: the invitation and the private key."""

    invitation: Invitation
    private_key: bytes

    @classmethod
    def create(cls, name: str, rng: Callable[[int], bytes] = secrets.token_bytes) -> CircleKeys:
        private = X25519PrivateKey.from_private_bytes(rng(32))
        public = private.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)
        circle_id = rng(10).hex()  # hex: never starts with "-", which a command line would misread
        return cls(Invitation(circle_id, name.strip()[:200], public),
                   private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                         serialization.NoEncryption()))


# --- what travels ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Insight:
    """What a member approved to share: no author, no device, no exact time."""

    id: str
    week: str  # ISO week, e.g. 2026-W48
    kind: str  # free, focusing, reflection
    prompt_id: str
    lang: str
    text: str
    proof: str  # SHA-256 of the member's withdrawal secret, hex
    question: str = ""  # the id of the circle's question it answers, if the member chose one
    # Through the relay only: the same random tag on the envelopes of one sending round, so the
    # facilitator's app counts a round as it counts a share file (one member's round is never a
    # batch by itself). Sealed inside: the relay never sees it.
    round: str = ""


@dataclass(frozen=True)
class Withdrawal:
    insight_id: str
    secret: str  # hex; its SHA-256 is the insight's proof


@dataclass(frozen=True)
class SharedInsight:
    """The member's own record of a shared insight (kept in their vault, in the outbox)."""

    insight: Insight
    circle_id: str
    secret: str
    envelope: dict[str, Any]


def new_insight(text: str, *, day: date, kind: str, prompt_id: str, lang: str, question: str = "",
                rng: Callable[[int], bytes] = secrets.token_bytes) -> tuple[Insight, str]:
    """An insight ready to seal, and the secret that will let its author withdraw it."""
    if (not text.strip() or len(text) > MAX_INSIGHT_CHARS or not _QUESTION_ID.match(question)
            or not encodable(text)):
        raise SharingError()
    secret = rng(32).hex()
    insight = Insight(id=str(uuid.UUID(bytes=rng(16), version=4)), week=iso_week(day), kind=kind,
                      prompt_id=prompt_id, lang=lang, text=text,
                      proof=hashlib.sha256(bytes.fromhex(secret)).hexdigest(), question=question)
    return insight, secret


def _pad(data: bytes) -> bytes:
    framed = len(data).to_bytes(4, "big") + data
    size = max(1024, -(-len(framed) // _PAD_UNIT) * _PAD_UNIT)
    return framed + bytes(size - len(framed))


def _unpad(data: bytes) -> bytes:
    length = int.from_bytes(data[:4], "big")
    if length > len(data) - 4:
        raise EnvelopeDamaged()
    return data[4:4 + length]


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=ephemeral + recipient, info=_HKDF_INFO).derive(shared)


def seal(message: Insight | Withdrawal, invitation: Invitation,
         rng: Callable[[int], bytes] = secrets.token_bytes) -> dict[str, Any]:
    """Seal an insight or a withdrawal to a circle's public key; returns the envelope."""
    kind = "insight" if isinstance(message, Insight) else "withdrawal"
    fields = asdict(message)
    for optional in ("question", "round"):
        if kind == "insight" and not fields[optional]:
            del fields[optional]  # as version 1 wrote it: an older reader still takes it
    plain = json.dumps({"type": kind, **fields}, ensure_ascii=False,
                       separators=(",", ":")).encode("utf-8")
    return seal_plain(plain, invitation.circle_id, invitation.public_key, _AAD, rng)


def seal_plain(plain: bytes, label: str, public_key: bytes, aad: bytes,
               rng: Callable[[int], bytes] = secrets.token_bytes) -> dict[str, Any]:
    """Padded and sealed to an X25519 public key: an envelope whose `circle` field is `label`
    (20 hex digits) and whose associated data is `aad ‖ label`. The sync between a member's
    devices seals its changes so too (journal_app/sync/transport.py): a carrier sees the same."""
    if len(plain) > MAX_PADDED - 4:
        raise ValueError("too long for one envelope")
    ephemeral = X25519PrivateKey.from_private_bytes(rng(32))
    epk = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    nonce = rng(12)
    sealed = AESGCM(_key(shared, epk, public_key)).encrypt(nonce, _pad(plain), aad + label.encode())
    return {"v": ENVELOPE_VERSION, "circle": label, "epk": b64(epk), "nonce": b64(nonce), "ct": b64(sealed)}


def open_plain(envelope: dict[str, Any], label: str, public_key: bytes, private_key: bytes, aad: bytes) -> bytes:
    """The padded plaintext `seal_plain` sealed, unpadded; EnvelopeDamaged if it does not open."""
    try:
        epk, nonce, sealed = (unb64(envelope[k]) for k in ("epk", "nonce", "ct"))
        private = X25519PrivateKey.from_private_bytes(private_key)
        shared = private.exchange(X25519PublicKey.from_public_bytes(epk))
        return _unpad(AESGCM(_key(shared, epk, public_key)).decrypt(nonce, sealed, aad + label.encode()))
    except (InvalidTag, ValueError, KeyError, TypeError):
        raise EnvelopeDamaged() from None


def open_envelope(envelope: dict[str, Any], circle: CircleKeys) -> Insight | Withdrawal:
    """Open an envelope with the circle's private key."""
    if not isinstance(envelope, dict) or envelope.get("v") != ENVELOPE_VERSION:
        raise BundleInvalid(detail="envelope")
    if envelope.get("circle") != circle.invitation.circle_id:
        raise WrongCircle()
    plain = open_plain(envelope, circle.invitation.circle_id, circle.invitation.public_key, circle.private_key, _AAD)
    try:
        doc = json.loads(plain.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise EnvelopeDamaged() from None
    return message_from(doc)


# What an opened envelope may hold, field by field: anyone with the invitation code can seal one,
# so nothing is stored before it has exactly this shape.
_CIRCLE_ID = re.compile(r"^[0-9a-f]{20}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_QUESTION_ID = re.compile(r"^(|[a-z0-9]{1,16})$")
_INSIGHT_SHAPE: dict[str, Callable[[object], bool]] = {
    "id": lambda v: isinstance(v, str) and bool(_UUID.match(v)),
    "week": lambda v: isinstance(v, str) and bool(re.match(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$", v)),
    "kind": lambda v: v in ("free", "focusing", "reflection"),
    "prompt_id": lambda v: isinstance(v, str) and bool(re.match(r"^[a-z0-9:._-]{0,80}$", v)),
    "lang": lambda v: v in ("fr", "en"),
    "text": lambda v: (isinstance(v, str) and 0 < len(v) <= MAX_INSIGHT_CHARS and bool(v.strip())
                       and encodable(v)),
    "proof": lambda v: isinstance(v, str) and bool(_HEX64.match(v)),
    "question": lambda v: isinstance(v, str) and bool(_QUESTION_ID.match(v)),
    "round": lambda v: isinstance(v, str) and bool(re.match(r"^([0-9a-f]{16})?$", v)),
}
_OPTIONAL = {"question", "round"}
_WITHDRAWAL_SHAPE: dict[str, Callable[[object], bool]] = {
    "insight_id": _INSIGHT_SHAPE["id"],
    "secret": lambda v: isinstance(v, str) and bool(_HEX64.match(v)),
}


def encodable(text: str) -> bool:
    """Text that UTF-8 can carry: JSON allows a lone surrogate ("\\ud800"), which then breaks
    every encoder downstream (a theme board, a report, the terminal). Refused at the boundary."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def message_from(doc: object) -> Insight | Withdrawal:
    """An insight or a withdrawal, if `doc` has exactly its fields, each of the right type, length
    and shape; else EnvelopeDamaged (the rest of the file is still imported)."""
    if not isinstance(doc, dict):
        raise EnvelopeDamaged()
    shapes = {"insight": _INSIGHT_SHAPE, "withdrawal": _WITHDRAWAL_SHAPE}.get(str(doc.get("type")))
    fields = {k: v for k, v in doc.items() if k != "type"}
    if (shapes is None or not set(shapes) - _OPTIONAL <= set(fields) <= set(shapes)
            or not all(shapes[k](v) for k, v in fields.items())):
        raise EnvelopeDamaged()
    return Insight(**fields) if shapes is _INSIGHT_SHAPE else Withdrawal(**fields)


def withdrawal_is_genuine(withdrawal: Withdrawal, insight: Insight) -> bool:
    try:
        secret = bytes.fromhex(withdrawal.secret)
    except ValueError:
        return False
    return (withdrawal.insight_id == insight.id
            and secrets.compare_digest(hashlib.sha256(secret).hexdigest(), insight.proof))


# --- what a carrier may check without opening -----------------------------------------------
# An envelope's ciphertext is its padded plaintext (a multiple of 512 bytes, at least 1,024) and
# a 16-byte tag; the largest a 4,000-character insight can make is 16,896 + 16 bytes.
MAX_PADDED = 33 * _PAD_UNIT
ENVELOPE_KEYS = frozenset({"v", "circle", "epk", "nonce", "ct"})


def padded_envelope_size(doc: object) -> int | None:
    """The padded size of an envelope if it has exactly an envelope's shape, with a ciphertext
    of one of the sizes padding makes; else None. (A carrier sees only this, never the text.)"""
    if not isinstance(doc, dict) or set(doc) != ENVELOPE_KEYS or doc.get("v") != ENVELOPE_VERSION:
        return None
    if type(doc["v"]) is not int or not (isinstance(doc["circle"], str) and _CIRCLE_ID.match(doc["circle"])):
        return None
    try:
        epk, nonce, ct = (unb64(doc[k]) for k in ("epk", "nonce", "ct"))
    except (TypeError, ValueError, AttributeError):
        return None
    padded = len(ct) - 16
    if len(epk) != 32 or len(nonce) != 12 or padded < 1024 or padded > MAX_PADDED or padded % _PAD_UNIT:
        return None
    if any(b64(raw) != doc[k] for raw, k in ((epk, "epk"), (nonce, "nonce"), (ct, "ct"))):
        return None  # one spelling only: the same envelope is always the same bytes
    return padded


# --- bundles ---------------------------------------------------------------------------------
def make_bundle(circle_id: str, envelopes: Iterable[dict[str, Any]]) -> bytes:
    """A file carrying many envelopes for one circle, in an order that tells nothing."""
    shuffled = list(envelopes)
    secrets.SystemRandom().shuffle(shuffled)
    return json.dumps({"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "circle": circle_id,
                       "envelopes": shuffled}, separators=(",", ":")).encode("utf-8")


def read_bundle(data: bytes, circle_id: str | None = None) -> list[dict[str, Any]]:
    """Check a bundle file's shape; with `circle_id`, refuse a bundle for another circle."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleInvalid(detail="size")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError, ValueError):  # ValueError: also a 5,000-digit integer
        raise BundleInvalid(detail="JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != BUNDLE_FORMAT:
        raise BundleInvalid(detail="format")
    version = doc.get("version")
    if type(version) is not int or version != BUNDLE_VERSION:  # `true` is not version 1
        raise BundleInvalid(detail="version")
    envelopes = doc.get("envelopes")
    if not isinstance(envelopes, list) or len(envelopes) > MAX_ENVELOPES:
        raise BundleInvalid(detail="envelopes")
    if circle_id is not None and doc.get("circle") != circle_id:
        raise WrongCircle()
    for env in envelopes:
        if not (isinstance(env, dict) and env.get("circle") == doc.get("circle")
                and all(isinstance(env.get(k), str) for k in ("epk", "nonce", "ct"))):
            raise BundleInvalid(detail="envelope")
    return envelopes
