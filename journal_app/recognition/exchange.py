"""What travels between two members' apps for recognition (docs/badges.md): a request (the
member's signed claim, and the endorsements it already has, for the circle's badge) and a reply
(a peer's endorsement, or the circle's badge). Either as a JSON file, or as a code to paste or
scan: `RSNTR1-` then base64url of the zlib-compressed JSON and a 4-byte checksum against typos;
its QR code holds the same bytes in base32 after `RSNTR1Q-`, in fewer modules (journal_app/qr.py).

A plain credential file (an Open Badges 3.0 JSON someone exported) is read as a reply too."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

from journal_app.qr import QrImage, from_base32, qr_form, qr_prefix
from journal_app.qr import qr_image as _qr_image
from journal_app.recognition.credentials import MAX_CREDENTIAL_BYTES, CredentialInvalid, parse
from journal_app.sharing import b64, unb64

FORMAT = "ressenti-recognition"
VERSION = 1
CODE_PREFIX = "RSNTR1-"
QR_PREFIX = qr_prefix(CODE_PREFIX)  # « RSNTR1Q- »: the code's QR form, base32 (journal_app/qr.py)
KINDS = ("request", "endorsement", "badge")
MAX_ENDORSEMENTS = 20
MAX_CODE_CHARS = 64 * 1024


@dataclass(frozen=True)
class Message:
    kind: str
    circle: str  # the circle the request is made in (a random id every member of it holds)
    credential: dict[str, Any]
    endorsements: tuple[dict[str, Any], ...] = ()


def _document(message: Message) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "kind": message.kind, "circle": message.circle,
                           "credential": message.credential}
    if message.endorsements:
        doc["endorsements"] = list(message.endorsements)
    return doc


def to_json(message: Message) -> bytes:
    return json.dumps(_document(message), ensure_ascii=False, indent=2).encode("utf-8")


def _payload(message: Message) -> bytes:
    body = zlib.compress(json.dumps(_document(message), ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9)
    return body + hashlib.sha256(body).digest()[:4]


def to_code(message: Message) -> str:
    return CODE_PREFIX + b64(_payload(message))


def to_qr_text(message: Message) -> str:
    """What its QR code holds: the code's bytes in base32 after « RSNTR1Q- »."""
    return qr_form(CODE_PREFIX, _payload(message))


def qr_image(message: Message, width: int) -> QrImage:
    """The message as a QR code for a screen `width` pixels wide (low error correction: a
    request is long, and read from a screen)."""
    return _qr_image(to_qr_text(message), width, "l")


def _from_code(text: str) -> bytes:
    if len(text) > MAX_CODE_CHARS:
        raise CredentialInvalid()
    qr = text.startswith(QR_PREFIX)
    try:
        rest = "".join(text[len(QR_PREFIX if qr else CODE_PREFIX):].split())
        raw = from_base32(rest) if qr else unb64(rest)
    except ValueError:
        raise CredentialInvalid() from None
    body, check = raw[:-4], raw[-4:]
    if len(raw) < 5 or hashlib.sha256(body).digest()[:4] != check:
        raise CredentialInvalid()
    inflate = zlib.decompressobj()
    try:
        data = inflate.decompress(body, MAX_CREDENTIAL_BYTES + 1)  # a bomb stops at the cap
    except zlib.error:
        raise CredentialInvalid() from None
    if inflate.unconsumed_tail or not inflate.eof:
        raise CredentialInvalid()
    return data


def read_message(data: bytes | str) -> Message:
    """A request or a reply, from a file's bytes or a pasted code; CredentialInvalid if not one."""
    if isinstance(data, str) and data.strip().startswith((CODE_PREFIX, QR_PREFIX)):
        data = _from_code(data.strip())
    elif isinstance(data, bytes) and data.lstrip().startswith((CODE_PREFIX.encode(), QR_PREFIX.encode())):
        try:
            data = _from_code(data.decode("ascii").strip())
        except UnicodeDecodeError:
            raise CredentialInvalid() from None
    doc = parse(data)  # size, depth and JSON checked there
    if doc.get("format") != FORMAT:
        types = doc.get("type")
        if isinstance(types, list) and "VerifiableCredential" in types:  # a credential on its own
            kind = "endorsement" if "EndorsementCredential" in types else "badge"
            return Message(kind, "", doc)
        raise CredentialInvalid()
    if type(doc.get("version")) is not int or doc["version"] != VERSION or doc.get("kind") not in KINDS:
        raise CredentialInvalid()
    circle, credential = doc.get("circle", ""), doc.get("credential")
    endorsements = doc.get("endorsements", [])
    if not isinstance(circle, str) or len(circle) > 100 or not isinstance(credential, dict):
        raise CredentialInvalid()
    if not isinstance(endorsements, list) or len(endorsements) > MAX_ENDORSEMENTS \
            or not all(isinstance(e, dict) for e in endorsements):
        raise CredentialInvalid()
    return Message(doc["kind"], circle, credential, tuple(endorsements))
