"""Open Badges 3.0 credentials: a skill a member claims about themselves (`OpenBadgeCredential`,
issuer and subject the same did:key), a peer's `EndorsementCredential` of that claim, and the
circle's own badge once its criteria are met; reading and verifying any of them.

What goes in is only what the person wrote and the counts they ticked: never an entry, never an
insight (insights stay anonymous; recognition is a named or pseudonymous act)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import rfc8785

from journal_app.circle_messages import signing_public_key
from journal_app.errors import RessentiError
from journal_app.recognition.didkey import controller_of, did_key
from journal_app.recognition.proofs import add_proof, check_proof, utc_stamp

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines `1EdTechJsonSchemaValidator2019` (the `credentialSchema` type): without it a claim is
# not valid JSON-LD under its own contexts. Credentials made before it was added lack it.
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CONTEXTS = [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS]
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SKILL_IRI = "urn:ressenti:skill:"  # an achievement's id: a built-in skill's is the same for every member
CLOCK_SKEW = timedelta(hours=1)  # a phone's clock a little ahead or behind is not "not yet valid"
MAX_CREDENTIAL_BYTES = 256 * 1024
MAX_DEPTH = 24
MAX_NAME = 120
MAX_TEXT = 4_000


class CredentialInvalid(RessentiError):
    """Not a credential this app can read: damaged, cut short, too large, or another kind of file."""

    key = "error.badge.invalid"


class TextTooLong(RessentiError):
    key = "error.badge.text_too_long"


@dataclass(frozen=True)
class Identity:
    """Who signs: an Ed25519 key shown as a did:key, under the name its holder chose."""

    did: str
    name: str
    private_key: bytes

    @classmethod
    def create(cls, name: str, rng: Callable[[int], bytes]) -> Identity:
        private = rng(32)
        return cls(did_key(signing_public_key(private)), name, private)


@dataclass(frozen=True)
class EvidenceLine:
    """One count the member ticked, as a sentence in the claim's language."""

    name: str
    description: str


@dataclass(frozen=True)
class Checked:
    """A credential read and checked. `status`: ok, altered, wrong_issuer, unsigned, unsupported,
    not_yet_valid, expired (the signature checks come first)."""

    kind: str  # "achievement" or "endorsement"
    id: str
    issuer_id: str
    issuer_name: str
    subject_id: str
    title: str  # the achievement's name, or the endorsement's name
    text: str  # the criteria narrative (the member's statement), or the endorsement comment
    evidence: tuple[EvidenceLine, ...]
    valid_from: str
    self_issued: bool
    status: str
    document: dict[str, Any]
    achievement_id: str = ""  # an achievement's `id` (the skill); "" for an endorsement
    # an endorsement's binding to what it endorses (`relatedResource`): the claim's id and the
    # digest of the claim; ("", "") for an endorsement made before bindings (docs/badges.md)
    endorsed_digest: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def skill_iri(skill_id: str) -> str:
    """A skill's achievement id (a circle's badge for it extends it). A built-in skill's is the
    same for every member; the wallet gives a member's own skill one per circle."""
    return SKILL_IRI + skill_id


def digest(document: dict[str, Any]) -> str:
    """A credential's digest as VC 2.0's `digestMultibase`: base64url multibase (`u`) of the
    sha2-256 multihash of its JCS form, proof included (so it covers the issuer and the key)."""
    import base64

    multihash = b"\x12\x20" + hashlib.sha256(bytes(rfc8785.dumps(document))).digest()
    return "u" + base64.urlsafe_b64encode(multihash).decode("ascii").rstrip("=")


def _new_id(rng: Callable[[int], bytes]) -> str:
    return f"urn:uuid:{uuid.UUID(bytes=rng(16), version=4)}"


def _text(value: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise TextTooLong(limit=limit)
    return value


def _credential(kind: str, issuer: Identity, name: str, subject: dict[str, Any], now: datetime,
                rng: Callable[[int], bytes]) -> dict[str, Any]:
    """What every credential the app makes starts with (Open Badges 3.0 over VC 2.0)."""
    return {"@context": list(CONTEXTS), "id": _new_id(rng), "type": ["VerifiableCredential", kind],
            "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer.name},
            "validFrom": utc_stamp(now), "name": _text(name, MAX_NAME), "credentialSubject": subject}


def _achievement(subject_id: str, achievement_id: str, kind: str, name: str, description: str, criteria: str,
                 lang: str) -> dict[str, Any]:
    return {"id": subject_id, "type": ["AchievementSubject"], "achievement": {
        "id": achievement_id, "type": ["Achievement"], "achievementType": kind, "name": _text(name, MAX_NAME),
        "description": _text(description, MAX_NAME), "criteria": {"narrative": _text(criteria, MAX_TEXT)},
        "inLanguage": lang}}


def _schema() -> list[dict[str, str]]:
    return [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}]


def claim(identity: Identity, skill_id: str, skill_name: str, statement: str, evidence: Sequence[EvidenceLine],
          lang: str, now: datetime, rng: Callable[[int], bytes], *, achievement_id: str = "") -> dict[str, Any]:
    """The member's own claim of a skill, signed by the member: issuer and subject are the same."""
    document = _credential("OpenBadgeCredential", identity, skill_name, _achievement(
        identity.did, achievement_id or skill_iri(skill_id), "Competency", skill_name, skill_name, statement, lang),
        now, rng)
    document["credentialSchema"] = _schema()
    if evidence:
        document["evidence"] = [{"type": ["Evidence"], "name": e.name, "description": e.description}
                                for e in evidence]
    return add_proof(document, identity.private_key, now, as_set=True)


def endorse(identity: Identity, endorsed: Checked, comment: str, lang: str, now: datetime,
            rng: Callable[[int], bytes]) -> dict[str, Any]:
    """A peer's endorsement of a claim: the peer signs their comment about that credential, bound
    to it (VC 2.0 `relatedResource`: the claim's id and digest, which covers its issuer), so that
    it cannot be carried over to another claim that copies the id."""
    document = _credential("EndorsementCredential", identity, endorsed.title, {
        "id": endorsed.id, "type": ["EndorsementSubject"], "endorsementComment": _text(comment, MAX_TEXT)}, now, rng)
    document["relatedResource"] = [{"id": endorsed.id, "digestMultibase": digest(endorsed.document)}]
    return add_proof(document, identity.private_key, now, as_set=True)


def circle_badge(circle: Identity, recognized: Checked, name: str, criteria: str, endorsements: int,
                 lang: str, now: datetime, rng: Callable[[int], bytes]) -> dict[str, Any]:
    """The circle's own badge for a member's claim its peers endorsed, signed with the circle's key."""
    achievement_id = recognized.achievement_id
    document = _credential("OpenBadgeCredential", circle, name, _achievement(
        recognized.subject_id, f"{achievement_id}:circle:{circle.did}", "Badge", name, recognized.title, criteria,
        lang), now, rng)
    document["evidence"] = [{"type": ["Evidence"], "id": recognized.id, "name": _text(recognized.title, MAX_NAME),
                             "description": str(endorsements)}]
    document["credentialSchema"] = _schema()
    return add_proof(document, circle.private_key, now, as_set=True)


# -- reading ----------------------------------------------------------------------------------
def _depth(value: Any, limit: int) -> bool:
    """Is `value` nested no deeper than `limit`? (Iterative: a deep file is refused, not a crash.)"""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def parse(data: bytes | str) -> dict[str, Any]:
    """The JSON document of a credential file, or CredentialInvalid."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_CREDENTIAL_BYTES:
        raise CredentialInvalid()
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CredentialInvalid() from None
    if not isinstance(document, dict) or not _depth(document, MAX_DEPTH):
        raise CredentialInvalid()
    try:  # a JSON escape can make a lone surrogate ("\ud800"), which no screen or terminal can write
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise CredentialInvalid() from None
    return document


def _string(value: Any, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise CredentialInvalid()
    return value


def _types(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CredentialInvalid()
    return set(value)


def _moment(value: Any) -> datetime | None:
    """An XML Schema dateTime (`validFrom`, `validUntil`), or None when absent; CredentialInvalid
    when it is not one (a time without its zone is read as UTC)."""
    if value is None:
        return None
    text = _string(value, 40)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise CredentialInvalid() from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _binding(document: dict[str, Any], subject_id: str) -> str:
    """The digest an endorsement gives for the credential it endorses ("" when it gives none)."""
    related = document.get("relatedResource", [])
    if isinstance(related, dict):
        related = [related]
    if not isinstance(related, list) or len(related) > 10 or not all(isinstance(r, dict) for r in related):
        raise CredentialInvalid()
    for item in related:
        if item.get("id") == subject_id:
            return _string(item.get("digestMultibase", ""), 200)
    return ""


def check(document: dict[str, Any], now: datetime | None = None) -> Checked:
    """Read a credential's parts and check its proof, then its dates against `now` (the
    computer's clock unless given); CredentialInvalid when it is not a credential."""
    context = document.get("@context")
    if not isinstance(context, list) or context[:1] != [VC_CONTEXT] or OB_CONTEXT not in context:
        raise CredentialInvalid()
    types = _types(document.get("type"))
    if "VerifiableCredential" not in types:
        raise CredentialInvalid()
    issuer = document.get("issuer")
    issuer_id = _string(issuer.get("id") if isinstance(issuer, dict) else issuer, 400)
    issuer_name = _string(issuer.get("name", ""), MAX_NAME * 2) if isinstance(issuer, dict) else ""
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise CredentialInvalid()
    subject_id = _string(subject.get("id", ""), 400)
    evidence: list[EvidenceLine] = []
    achievement_id = endorsed_digest = ""
    if "EndorsementCredential" in types:
        kind, title = "endorsement", _string(document.get("name", ""), MAX_NAME * 2)
        text = _string(subject.get("endorsementComment", ""))
        endorsed_digest = _binding(document, subject_id)
    elif types & {"OpenBadgeCredential", "AchievementCredential"}:
        achievement = subject.get("achievement")
        if not isinstance(achievement, dict) or not isinstance(achievement.get("criteria"), dict):
            raise CredentialInvalid()
        kind, title = "achievement", _string(achievement.get("name"), MAX_NAME * 2)
        achievement_id = _string(achievement.get("id"), 400)
        text = _string(achievement["criteria"].get("narrative", ""))
        items = document.get("evidence", [])
        if not isinstance(items, list) or len(items) > 50 or not all(isinstance(e, dict) for e in items):
            raise CredentialInvalid()
        evidence = [EvidenceLine(_string(e.get("name", ""), MAX_NAME * 2), _string(e.get("description", "")))
                    for e in items]
    else:
        raise CredentialInvalid()
    proof = check_proof(document)
    status = {"missing": "unsigned", "malformed": "altered"}.get(proof.status, proof.status)
    if proof.status in ("ok", "altered") and controller_of(proof.method) != issuer_id:
        status = "wrong_issuer"  # signed (or not) by a key other than the issuer's own
    valid_from, valid_until = _moment(document.get("validFrom")), _moment(document.get("validUntil"))
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.astimezone()  # a naive time is local, as everywhere in the app
    if status == "ok" and valid_from is not None and valid_from > now + CLOCK_SKEW:
        status = "not_yet_valid"
    elif status == "ok" and valid_until is not None and (valid_until < now - CLOCK_SKEW
                                                         or (valid_from is not None and valid_until < valid_from)):
        status = "expired"
    return Checked(kind, _string(document.get("id", ""), 400), issuer_id, issuer_name, subject_id, title, text,
                   tuple(evidence), _string(document.get("validFrom", ""), 40), issuer_id == subject_id, status,
                   document, achievement_id, endorsed_digest)


def read(data: bytes | str, now: datetime | None = None) -> Checked:
    return check(parse(data), now)
