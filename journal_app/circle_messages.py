"""What a facilitator tells the whole circle, signed with the circle's signing key (Ed25519):
the circle's questions, the harvest given back to the circle, a practice the circle shares.

A member checks the signature against the key the invitation carried before showing anything,
and keeps only a message newer (a higher `serial`) than the one it holds, so a relay cannot
forge a message nor play an old one back. Formats in docs/relay.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from journal_app.errors import RessentiError
from journal_app.sharing import b64, encodable, unb64

FORMAT = "ressenti-circle-message"
VERSION = 1
KINDS = ("questions", "harvest", "pack")
MAX_MESSAGE_BYTES = 512 * 1024
MAX_QUESTIONS = 12
MAX_QUESTION_CHARS = 300
_CONTEXT = b"ressenti circle message v1\n"
_QUESTION_ID = re.compile(r"^[a-z0-9]{1,16}$")


class MessageInvalid(RessentiError):
    """Not a circle message of the right shape (damaged, or not one at all)."""

    key = "error.circle_message_invalid"


class MessageForged(RessentiError):
    """Well formed, but not signed with this circle's key: shown nowhere."""

    key = "error.circle_message_forged"


@dataclass(frozen=True)
class Question:
    id: str
    fr: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class HarvestTheme:
    label: str  # its name in French, else in English (a harvest from before names in both: its one name)
    count: int
    quotes: tuple[tuple[str, str], ...]  # (text, lang)
    names: tuple[tuple[str, str], ...] = ()  # (lang, name), as the facilitator named it in each language

    def name(self, lang: str) -> str:
        """Its name in `lang`; named in one language only, that name in both."""
        names = dict(self.names)
        return names.get(lang) or names.get("en" if lang == "fr" else "fr") or self.label


@dataclass(frozen=True)
class Harvest:
    """What the circle harvested, as the facilitator released it: themes of at least k insights."""

    name: str
    k: int
    total: int
    themes: tuple[HarvestTheme, ...]


@dataclass(frozen=True)
class CircleMessage:
    circle: str
    kind: str
    serial: int
    day: str
    body: dict[str, Any]
    signed: dict[str, Any]  # the whole document as it travels, signature included


def _canonical(doc: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in doc.items() if k != "sig"}
    return _CONTEXT + json.dumps(unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def signing_public_key(private: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def new_signing_key(rng: Callable[[int], bytes]) -> bytes:
    return rng(32)  # an Ed25519 private key is 32 random bytes


def sign_message(circle_id: str, kind: str, serial: int, day: date, body: dict[str, Any],
                 private_key: bytes) -> dict[str, Any]:
    """A message for the circle, signed; `serial` must grow with each new message of a kind."""
    check_body(kind, body)
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "circle": circle_id, "kind": kind,
                           "serial": serial, "day": day.isoformat(), "body": body}
    doc["sig"] = b64(Ed25519PrivateKey.from_private_bytes(private_key).sign(_canonical(doc)))
    if len(json.dumps(doc, ensure_ascii=False).encode()) > MAX_MESSAGE_BYTES:
        raise MessageInvalid()
    return doc


def verify_message(doc: object, circle_id: str, public_key: bytes) -> CircleMessage:
    """The message, if it is one of this circle's, signed with its key; else MessageInvalid or
    MessageForged. Everything is checked before anything is read as the circle's."""
    if not isinstance(doc, dict) or set(doc) != {"format", "version", "circle", "kind", "serial", "day",
                                                 "body", "sig"}:
        raise MessageInvalid()
    if doc["format"] != FORMAT or type(doc["version"]) is not int or doc["version"] != VERSION:
        raise MessageInvalid()
    if doc["kind"] not in KINDS or type(doc["serial"]) is not int or not 0 < doc["serial"] < 2**53:
        raise MessageInvalid()
    if not isinstance(doc["day"], str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", doc["day"]):
        raise MessageInvalid()
    if not isinstance(doc["sig"], str) or not isinstance(doc["body"], dict):
        raise MessageInvalid()
    try:
        signature = unb64(doc["sig"])
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, _canonical(doc))
    except (InvalidSignature, ValueError, TypeError):
        raise MessageForged() from None
    except RecursionError:
        raise MessageInvalid() from None
    if doc["circle"] != circle_id:
        raise MessageForged()  # signed, but for another circle: not to be shown here
    check_body(doc["kind"], doc["body"])
    return CircleMessage(doc["circle"], doc["kind"], doc["serial"], doc["day"], doc["body"], doc)


def _text(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and bool(value.strip()) and encodable(value)


def check_body(kind: str, body: object) -> None:
    ok = {"questions": _questions_ok, "harvest": _harvest_ok, "pack": _pack_ok}.get(kind)
    if ok is None or not isinstance(body, dict) or not ok(body):
        raise MessageInvalid()


def _questions_ok(body: dict[str, Any]) -> bool:
    questions = body.get("questions")
    if set(body) != {"questions"} or not isinstance(questions, list) or not 1 <= len(questions) <= MAX_QUESTIONS:
        return False
    ids = set()
    for q in questions:
        if not (isinstance(q, dict) and set(q) == {"id", "fr", "en"} and isinstance(q["id"], str)
                and _QUESTION_ID.match(q["id"]) and _text(q["fr"], MAX_QUESTION_CHARS)
                and _text(q["en"], MAX_QUESTION_CHARS)) or q["id"] in ids:
            return False
        ids.add(q["id"])
    return True


def _harvest_ok(body: dict[str, Any]) -> bool:
    if set(body) != {"name", "k", "total", "themes"} or not _text(body["name"], 200):
        return False
    k, total, themes = body["k"], body["total"], body["themes"]
    if type(k) is not int or type(total) is not int or not 3 <= k <= total < 10**7:
        return False
    if not isinstance(themes, list) or len(themes) > 50:
        return False
    for theme in themes:
        if not (isinstance(theme, dict) and _theme_named(theme) and type(theme["count"]) is int
                and k <= theme["count"] <= total and isinstance(theme["quotes"], list) and len(theme["quotes"]) <= 5):
            return False  # a theme under k is never given back
        for quote in theme["quotes"]:
            if not (isinstance(quote, dict) and set(quote) == {"text", "lang"} and _text(quote["text"], 4000)
                    and quote["lang"] in ("fr", "en")):
                return False
    return True


def _theme_named(theme: dict[str, Any]) -> bool:
    """A theme's name: `names`, a name in French, in English or both; or, in a harvest published
    before names in both languages (kept in members' vaults), one `label`."""
    if set(theme) == {"label", "count", "quotes"}:
        return _text(theme["label"], 200)
    names = theme.get("names")
    return (set(theme) == {"names", "count", "quotes"} and isinstance(names, dict)
            and 1 <= len(names) and set(names) <= {"fr", "en"} and all(_text(n, 200) for n in names.values()))


def _pack_ok(body: dict[str, Any]) -> bool:
    return set(body) == {"source"} and _text(body["source"], 256 * 1024)


# --- bodies ------------------------------------------------------------------------------------
def questions_body(questions: Sequence[Question]) -> dict[str, Any]:
    return {"questions": [{"id": q.id, "fr": q.fr.strip(), "en": q.en.strip()} for q in questions]}


def questions_of(message: CircleMessage) -> list[Question]:
    return [Question(q["id"], q["fr"], q["en"]) for q in message.body["questions"]]


def harvest_body(harvest: Harvest) -> dict[str, Any]:
    return {"name": harvest.name, "k": harvest.k, "total": harvest.total,
            "themes": [{"names": dict(t.names) or {"fr": t.label}, "count": t.count,
                        "quotes": [{"text": text, "lang": lang} for text, lang in t.quotes]}
                       for t in harvest.themes]}


def harvest_of(message: CircleMessage) -> Harvest:
    return harvest_from_body(message.body)


def harvest_from_body(body: dict[str, Any]) -> Harvest:
    """A harvest from the body `harvest_body` made (checked by `check_body` where it came in)."""
    return Harvest(body["name"], body["k"], body["total"], tuple(_harvest_theme(t) for t in body["themes"]))


def _harvest_theme(theme: dict[str, Any]) -> HarvestTheme:
    quotes = tuple((q["text"], q["lang"]) for q in theme["quotes"])
    if "label" in theme:  # published before names in both languages
        return HarvestTheme(theme["label"], theme["count"], quotes)
    names = tuple((lang, theme["names"][lang]) for lang in ("fr", "en") if lang in theme["names"])
    return HarvestTheme(names[0][1], theme["count"], quotes, names)
