"""Open Badges 3.0 credentials: a skill a member claims about themselves (`OpenBadgeCredential`,
issuer and subject the same did:key), a peer's `EndorsementCredential` of that claim, and the
circle's own badge once its criteria are met; reading and verifying any of them.

What goes in is only what the person wrote and the counts they ticked: never an entry, never an
insight (insights stay anonymous; recognition is a named or pseudonymous act)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from journal_app.circle_messages import signing_public_key
from journal_app.errors import RessentiError
from journal_app.recognition.didkey import controller_of, did_key
from journal_app.recognition.proofs import add_proof, check_proof, utc_stamp

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SKILL_IRI = "urn:ressenti:skill:"  # an achievement's id: the skill, the same for every member
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
    """A credential read and checked. `status`: ok, altered, wrong_issuer, unsigned, unsupported."""

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

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def skill_iri(skill_id: str) -> str:
    """A skill's achievement id, the same for every member: a circle's badge for it extends it."""
    return SKILL_IRI + skill_id


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
    return {"@context": [VC_CONTEXT, OB_CONTEXT], "id": _new_id(rng), "type": ["VerifiableCredential", kind],
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
          lang: str, now: datetime, rng: Callable[[int], bytes]) -> dict[str, Any]:
    """The member's own claim of a skill, signed by the member: issuer and subject are the same."""
    document = _credential("OpenBadgeCredential", identity, skill_name, _achievement(
        identity.did, skill_iri(skill_id), "Competency", skill_name, skill_name, statement, lang), now, rng)
    document["credentialSchema"] = _schema()
    if evidence:
        document["evidence"] = [{"type": ["Evidence"], "name": e.name, "description": e.description}
                                for e in evidence]
    return add_proof(document, identity.private_key, now, as_set=True)


def endorse(identity: Identity, endorsed: Checked, comment: str, lang: str, now: datetime,
            rng: Callable[[int], bytes]) -> dict[str, Any]:
    """A peer's endorsement of a claim: the peer signs their comment about that credential."""
    document = _credential("EndorsementCredential", identity, endorsed.title, {
        "id": endorsed.id, "type": ["EndorsementSubject"], "endorsementComment": _text(comment, MAX_TEXT)}, now, rng)
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


def check(document: dict[str, Any]) -> Checked:
    """Read a credential's parts and check its proof; CredentialInvalid when it is not one."""
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
    achievement_id = ""
    if "EndorsementCredential" in types:
        kind, title = "endorsement", _string(document.get("name", ""), MAX_NAME * 2)
        text = _string(subject.get("endorsementComment", ""))
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
    return Checked(kind, _string(document.get("id", ""), 400), issuer_id, issuer_name, subject_id, title, text,
                   tuple(evidence), _string(document.get("validFrom", ""), 40), issuer_id == subject_id, status,
                   document, achievement_id)


def read(data: bytes | str) -> Checked:
    return check(parse(data))
