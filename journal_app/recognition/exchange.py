"""What travels between two members' apps for recognition (docs/badges.md): a request (the
member's signed claim, and the endorsements it already has, for the circle's badge) and a reply
(a peer's endorsement, or the circle's badge). Either as a JSON file, or as a code to paste or
scan: `RSNTR1-` then base64url of the zlib-compressed JSON and a 4-byte checksum against typos.

A plain credential file (an Open Badges 3.0 JSON someone exported) is read as a reply too."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

from journal_app.recognition.credentials import MAX_CREDENTIAL_BYTES, CredentialInvalid, parse
from journal_app.sharing import b64, unb64

FORMAT = "ressenti-recognition"
VERSION = 1
CODE_PREFIX = "RSNTR1-"
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


def to_code(message: Message) -> str:
    body = zlib.compress(json.dumps(_document(message), ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9)
    return CODE_PREFIX + b64(body + hashlib.sha256(body).digest()[:4])


def qr_png(code: str, scale: int = 3) -> bytes:
    """The code as a QR image (low error correction: a request is long, and read from a screen)."""
    import io

    import segno  # small, pure Python: only loaded when a QR image is asked for

    out = io.BytesIO()
    segno.make(code, error="l").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def _from_code(text: str) -> bytes:
    if len(text) > MAX_CODE_CHARS:
        raise CredentialInvalid()
    try:
        raw = unb64("".join(text[len(CODE_PREFIX):].split()))
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
    if isinstance(data, str) and data.strip().startswith(CODE_PREFIX):
        data = _from_code(data.strip())
    elif isinstance(data, bytes) and data.lstrip().startswith(CODE_PREFIX.encode()):
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
