"""The member's recognition, inside the vault: an identity per circle, the skills list with the
member's statements, the credentials made, asked for and received; and the facilitator's side,
the circle's badge.

Identities are per circle (one Ed25519 key each), and so are a skill's statement and, for a
skill the member added, its achievement id: credentials from two circles do not link unless the
member shows both (or signs the same words in both). Evidence entries stay private: a claim
carries only the statement and the counts the member ticked."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from journal_app.circles import Circles
from journal_app.errors import RessentiError
from journal_app.i18n import translate
from journal_app.journal import local_now
from journal_app.recognition import credentials
from journal_app.recognition.credentials import Checked, EvidenceLine, Identity, digest, skill_iri
from journal_app.recognition.didkey import did_key
from journal_app.recognition.exchange import Message
from journal_app.recognition.portfolio import SKILL_DOMAINS, Fact
from journal_app.sharing import b64, unb64
from journal_app.vault.storage import Database

IDENTITIES = "badge_identities"
SKILLS = "badge_skills"
CREDENTIALS = "badge_credentials"
MAX_SKILLS = 60
MAX_NAME = credentials.MAX_NAME
ENDORSEMENTS_FOR_BADGE = 3  # the circle's default criteria: three peers' endorsements


class SkillNotFound(RessentiError):
    key = "error.badge.skill_not_found"


class SkillNameMissing(RessentiError):
    key = "error.badge.skill_name_missing"


class TooManySkills(RessentiError):
    key = "error.badge.too_many_skills"


class StatementMissing(RessentiError):
    key = "error.badge.statement_missing"


class DisplayNameMissing(RessentiError):
    key = "error.badge.display_name_missing"


class NoCircle(RessentiError):
    key = "error.badge.no_circle"


class CredentialNotFound(RessentiError):
    key = "error.badge.credential_not_found"


class NotYours(RessentiError):
    """A reply about a claim this journal never made (or for someone else)."""

    key = "error.badge.not_yours"


class NotTrusted(RessentiError):
    """Its proof does not hold: altered, unsigned, or signed by someone other than it says."""

    key = "error.badge.not_trusted"


class CannotEndorseOwn(RessentiError):
    key = "error.badge.cannot_endorse_own"


class NotEnoughEndorsements(RessentiError):
    key = "error.badge.not_enough_endorsements"


class NotTheCirclesKey(RessentiError):
    """A "circle's badge" signed by a key other than the one the member's invitation gave for that
    circle (or for a circle whose key this journal was never given)."""

    key = "error.badge.not_the_circles_key"


class CircleWithoutKey(RessentiError):
    """The circle has no signing key its members hold (no relay): they could not tell its badge
    from anyone's."""

    key = "error.badge.circle_without_key"


class OtherCircle(RessentiError):
    """A request made in another circle than the one chosen to sign with."""

    key = "error.badge.other_circle"


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    statements: tuple[tuple[str, str], ...]  # (circle id, the member's words for that circle)
    entries: tuple[str, ...]  # private evidence: entry ids, never sent
    builtin: bool
    unplaced: str = ""  # words written before statements were per circle (or before any circle)

    def statement(self, circle_id: str) -> str:
        """The member's words for this skill in that circle. Words written before statements were
        per circle go with the first circle they are saved or signed in, and only that one."""
        kept = dict(self.statements)
        return kept.get(circle_id, "" if kept else self.unplaced)

    @property
    def written(self) -> bool:
        return bool(self.unplaced or any(text for _, text in self.statements))


@dataclass(frozen=True)
class Review:
    """A request read by the facilitator: the claim, the endorsements that count (one per peer),
    and those that hold but were made before endorsements were bound to their claim."""

    claim: Checked
    peers: list[Checked]
    unbound: list[Checked]


@dataclass(frozen=True)
class Held:
    """A credential kept in the journal. `role`: claim (made by the member), endorsement or badge
    (received), given (an endorsement the member signed for a peer)."""

    id: str
    role: str
    circle: str
    skill: str
    day: str
    requested: str  # the day the member asked for recognition of a claim ("" if not yet)
    document: dict[str, Any]
    claim: str = ""  # for an endorsement or a badge received: the id of the member's claim it is of

    def checked(self) -> Checked:
        return credentials.check(self.document)


def _clean_name(name: str, missing: type[RessentiError]) -> str:
    """A name as kept: single spaces, not empty, not too long."""
    name = " ".join(name.split())
    if not name:
        raise missing()
    if len(name) > MAX_NAME:
        raise credentials.TextTooLong(limit=MAX_NAME)
    return name


class Recognition:
    def __init__(self, db: Database, *, rng: Callable[[int], bytes] = secrets.token_bytes,
                 clock: Callable[[], datetime] = local_now) -> None:
        self._db, self._rng, self._clock = db, rng, clock

    # -- identities ----------------------------------------------------------------------------
    def identity(self, circle_id: str) -> Identity | None:
        doc = self._db.table(IDENTITIES).get_doc(circle_id)
        return Identity(doc["did"], doc["name"], unb64(doc["sk"])) if doc else None

    def set_name(self, circle_id: str, name: str) -> Identity:
        """The name peers see on what this member signs in this circle (a pseudonym is fine);
        the key is made the first time."""
        name = _clean_name(name, DisplayNameMissing)
        known = self.identity(circle_id)
        if known is None:
            return self._new_identity(circle_id, name)
        self._db.table(IDENTITIES).update_doc(circle_id, {"name": name})
        return Identity(known.did, name, known.private_key)

    def _new_identity(self, key: str, name: str) -> Identity:
        made = Identity.create(name, self._rng)
        self._db.table(IDENTITIES).insert_doc(key, {"did": made.did, "name": name, "sk": b64(made.private_key)})
        return made

    def circles(self) -> list[tuple[str, str]]:
        """(id, name) of the circles the member has joined: each one a separate identity."""
        return [(c.circle_id, c.name) for c in Circles(self._db).joined()]

    def _circle_issuer(self, circle_id: str) -> Identity:
        """The circle's own signing identity (its facilitator's vault): the relay's signing key,
        which every member's invitation holds, so members can tell it is their circle's. A circle
        without a relay has no key its members know: its badge would be anyone's."""
        circles = Circles(self._db)
        name = circles.owned_circle(circle_id).invitation.name
        relay = circles.owned_relay(circle_id)
        if relay is None:
            raise CircleWithoutKey(circle=name)
        return Identity(did_key(relay.access.signing_key), name, relay.signing_private)

    def circle_name(self, circle_id: str) -> str:
        """A joined circle's name ("" if this journal has not joined it)."""
        return dict(self.circles()).get(circle_id, "")

    def circle_key(self, circle_id: str) -> str:
        """The did:key a circle signs with (its relay's signing key), as this journal knows it from
        the invitation (or owns it); "" if none is known."""
        circles = Circles(self._db)
        for invitation in [*circles.joined(), *(k.invitation for k in circles.owned())]:
            if invitation.circle_id == circle_id and invitation.relay is not None:
                return did_key(invitation.relay.signing_key)
        return ""

    def circle_of_did(self, did: str) -> str:
        """The name of a joined circle whose key this is ("" if none): a badge the circle signed."""
        for invitation in Circles(self._db).joined():
            if invitation.relay is not None and did_key(invitation.relay.signing_key) == did:
                return invitation.name
        return ""

    # -- skills --------------------------------------------------------------------------------
    def skills(self, lang: str) -> list[Skill]:
        kept = {d["id"]: d for d in self._db.table(SKILLS)}
        found = []
        for domain in SKILL_DOMAINS:
            doc: dict[str, Any] = kept.pop(domain, {})
            if not doc.get("removed"):
                found.append(Skill(domain, doc.get("name") or translate(f"badge.skill.{domain}", lang),
                                   tuple(doc.get("statements", {}).items()), tuple(doc.get("entries", ())), True,
                                   doc.get("statement", "")))
        for doc in sorted(kept.values(), key=lambda d: d.get("added", "")):
            if not doc.get("removed"):
                found.append(Skill(doc["id"], doc["name"], tuple(doc.get("statements", {}).items()),
                                   tuple(doc.get("entries", ())), False, doc.get("statement", "")))
        return found

    def skill(self, skill_id: str, lang: str) -> Skill:
        for skill in self.skills(lang):
            if skill.id == skill_id:
                return skill
        raise SkillNotFound(id=skill_id)

    def _set(self, skill_id: str, fields: dict[str, Any]) -> None:
        table = self._db.table(SKILLS)
        if table.get_doc(skill_id) is None:
            table.insert_doc(skill_id, {"id": skill_id, **fields})
        else:
            table.update_doc(skill_id, fields)

    def add_skill(self, name: str) -> str:
        name = _clean_name(name, SkillNameMissing)
        if len(self.skills("fr")) >= MAX_SKILLS:
            raise TooManySkills(limit=MAX_SKILLS)
        skill_id = "own-" + self._rng(6).hex()
        self._set(skill_id, {"name": name, "added": self._clock().isoformat()})
        return skill_id

    def rename_skill(self, skill_id: str, name: str) -> None:
        self.skill(skill_id, "fr")
        self._set(skill_id, {"name": _clean_name(name, SkillNameMissing)})

    def remove_skill(self, skill_id: str) -> None:
        self.skill(skill_id, "fr")
        self._set(skill_id, {"removed": True})

    def set_statement(self, skill_id: str, statement: str, entries: Iterable[str] | None = None, *,
                      circle_id: str = "") -> None:
        """The member's words for a skill in one circle (before any circle is joined: kept unplaced,
        for the first circle it is saved or signed in)."""
        skill = self.skill(skill_id, "fr")
        if len(statement.strip()) > credentials.MAX_TEXT:
            raise credentials.TextTooLong(limit=credentials.MAX_TEXT)
        fields: dict[str, Any] = {}
        if circle_id:  # the unplaced words now belong to this circle only
            fields = {"statements": {**dict(skill.statements), circle_id: statement.strip()}, "statement": ""}
        else:
            fields = {"statement": statement.strip()}
        if entries is not None:
            fields["entries"] = list(dict.fromkeys(entries))
        self._set(skill_id, fields)

    def achievement_id(self, skill: Skill, identity: Identity) -> str:
        """A built-in skill's id is the same for every member; a skill the member added gets one
        per circle (derived from that circle's key), so two circles' claims share nothing."""
        if skill.builtin:
            return skill_iri(skill.id)
        mac = hmac.new(identity.private_key, b"ressenti-skill:" + skill.id.encode("utf-8"), hashlib.sha256)
        return skill_iri("own-" + mac.hexdigest()[:16])

    # -- credentials ---------------------------------------------------------------------------
    def held(self) -> list[Held]:
        docs = sorted(self._db.table(CREDENTIALS), key=lambda d: (d.get("at", d["day"]), d["id"]), reverse=True)
        return [Held(d["id"], d["role"], d["circle"], d.get("skill", ""), d["day"], d.get("requested", ""),
                     d["document"], d.get("claim", "")) for d in docs]

    def get(self, credential_id: str) -> Held:
        for held in self.held():
            if held.id == credential_id:
                return held
        raise CredentialNotFound(id=credential_id)

    def _keep(self, role: str, circle: str, skill: str, document: dict[str, Any], claim: str = "") -> Held:
        """Keep a credential already checked; what it belongs to is kept beside it, so that
        listing a claim's endorsements checks no signature again."""
        now = self._clock()
        day = now.date().isoformat()
        self._db.table(CREDENTIALS).insert_doc(document["id"], {  # newest first: by the time kept
            "id": document["id"], "role": role, "circle": circle, "skill": skill, "day": day,
            "at": now.isoformat(timespec="microseconds"), "claim": claim, "document": document})
        return Held(document["id"], role, circle, skill, day, "", document, claim)

    def claim(self, skill_id: str, circle_id: str, facts: Sequence[Fact], lang: str) -> Held:
        """The member's own signed claim of a skill, with the statement and the ticked counts."""
        skill = self.skill(skill_id, lang)
        statement = skill.statement(circle_id)
        if not statement:
            raise StatementMissing()
        identity = self.identity(circle_id)
        if identity is None:
            raise DisplayNameMissing()
        if skill.unplaced and not skill.statements:
            self.set_statement(skill.id, statement, circle_id=circle_id)  # the words are this circle's now
        document = credentials.claim(identity, skill.id, skill.name, statement,
                                     [EvidenceLine(f.name, f.text) for f in facts], lang, self._clock(), self._rng,
                                     achievement_id=self.achievement_id(skill, identity))
        return self._keep("claim", circle_id, skill.id, document)

    def endorsements_of(self, claim_id: str) -> list[Held]:
        return [h for h in self.held() if h.role == "endorsement" and h.claim == claim_id]

    def badges_of(self, claim: Held) -> list[Held]:
        return [h for h in self.held() if h.role == "badge" and h.claim == claim.id]

    def request(self, claim_id: str) -> Message:
        """What to show a peer (or the circle) to ask for recognition: the claim, and the
        endorsements it already has (the circle's badge counts them)."""
        held = self.get(claim_id)
        if held.role != "claim":
            raise CredentialNotFound(id=claim_id)
        if not held.requested:
            self._db.table(CREDENTIALS).update_doc(claim_id, {"requested": self._clock().date().isoformat()})
        return Message("request", held.circle, held.document,
                       tuple(e.document for e in self.endorsements_of(claim_id)))

    def _check(self, document: dict[str, Any]) -> Checked:
        return credentials.check(document, self._clock())

    def read_request(self, message: Message) -> Checked:
        """A peer's request, checked before anything of it is shown."""
        if message.kind != "request":
            raise credentials.CredentialInvalid()
        checked = self._check(message.credential)
        if checked.kind != "achievement" or not checked.self_issued or not checked.id:
            raise credentials.CredentialInvalid()
        if not checked.ok:
            raise NotTrusted(status=checked.status)
        return checked

    def signing_circle(self, message: Message, chosen: str | None = None) -> str:
        """The circle whose identity signs an endorsement: the one the member chose, else the
        request's when this journal has joined it. (The request's `circle` is not signed: the
        screens and the command line show this circle by name before anything is signed.)"""
        joined = {c for c, _ in self.circles()}
        circle = chosen or message.circle
        if circle not in joined:
            raise NoCircle()
        return circle

    def endorse(self, message: Message, comment: str, lang: str, circle_id: str) -> Message:
        """Sign an endorsement of a peer's claim, as this member's identity in `circle_id` (see
        `signing_circle`)."""
        claim = self.read_request(message)
        if not comment.strip():
            raise StatementMissing()
        if circle_id not in {c for c, _ in self.circles()}:
            raise NoCircle()
        identity = self.identity(circle_id)
        if identity is None:
            raise DisplayNameMissing()
        if claim.issuer_id == identity.did or any(h.id == claim.id for h in self.held()):
            raise CannotEndorseOwn()
        document = credentials.endorse(identity, claim, comment, lang, self._clock(), self._rng)
        self._keep("given", circle_id, "", document)
        return Message("endorsement", circle_id, document)

    def receive(self, message: Message) -> Held:
        """A peer's endorsement of one of this member's claims, or the circle's badge for one."""
        checked = self._check(message.credential)
        if message.kind == "request" or (checked.kind == "endorsement") != (message.kind == "endorsement"):
            raise credentials.CredentialInvalid()
        if not checked.id:
            raise credentials.CredentialInvalid()  # well signed, but nothing to keep it by
        if not checked.ok:
            raise NotTrusted(status=checked.status)
        held = self.held()
        claims = [h for h in held if h.role == "claim"]
        if checked.kind == "endorsement":
            # Bound to the claim (its digest) when made since bindings; older ones name its id only.
            claim = next((c for c in claims if c.id == checked.subject_id
                          and checked.endorsed_digest in ("", digest(c.document))), None)
        else:  # about this member's key in the claim's circle, for the claim's skill
            claim = next((c for c in claims if checked.achievement_id.startswith(_achievement_of(c) + ":circle:")
                          and (identity := self.identity(c.circle)) is not None
                          and identity.did == checked.subject_id), None)
        if claim is None:
            raise NotYours()
        if checked.kind == "achievement" and checked.issuer_id != self.circle_key(claim.circle):
            raise NotTheCirclesKey(circle=self.circle_name(claim.circle))
        for kept in held:
            if kept.id == checked.id:
                return kept  # received already: kept once
        role = "endorsement" if checked.kind == "endorsement" else "badge"
        return self._keep(role, claim.circle, claim.skill, checked.document, claim=claim.id)

    # -- the facilitator: the circle's badge ---------------------------------------------------
    def review(self, message: Message) -> Review:
        """A member's request to the circle: the claim and the endorsements that hold (signed,
        bound to this very claim by its digest, by a key other than the member's and the
        circle's, one per key). Nothing here proves two keys are two people (docs/badges.md)."""
        claim = self.read_request(message)
        bound = digest(message.credential)
        peers: dict[str, Checked] = {}
        unbound: dict[str, Checked] = {}
        for doc in message.endorsements:
            try:
                endorsement = self._check(doc)
            except credentials.CredentialInvalid:
                continue
            if not (endorsement.ok and endorsement.kind == "endorsement" and endorsement.subject_id == claim.id
                    and endorsement.issuer_id not in (claim.issuer_id, self.circle_key(message.circle))):
                continue
            if endorsement.endorsed_digest == bound:
                peers.setdefault(endorsement.issuer_id, endorsement)
            elif not endorsement.endorsed_digest:
                unbound.setdefault(endorsement.issuer_id, endorsement)
        return Review(claim, list(peers.values()), [u for k, u in unbound.items() if k not in peers])

    def check_award_circle(self, circle_id: str, message: Message) -> None:
        """The facilitator chose `circle_id` (its screen, or --circle): a request made in another
        circle, or a circle whose members hold no key of it, is refused before anything is shown."""
        name = Circles(self._db).owned_circle(circle_id).invitation.name
        if message.circle != circle_id:
            raise OtherCircle(circle=name)
        self._circle_issuer(circle_id)

    def award(self, circle_id: str, message: Message, lang: str,
              needed: int = ENDORSEMENTS_FOR_BADGE) -> Message:
        """« Reconnu par le cercle »: the circle's badge for the claim, when enough peers endorsed it.
        `circle_id` is the circle the facilitator chose; a request made in another is refused."""
        self.check_award_circle(circle_id, message)
        review = self.review(message)
        claim, peers = review.claim, review.peers
        if len(peers) < needed:
            raise NotEnoughEndorsements(count=len(peers), needed=needed)
        issuer = self._circle_issuer(circle_id)
        name = translate("badge.circle_badge_name", lang, skill=claim.title)
        criteria = translate("badge.circle_badge_criteria", lang, count=needed)
        document = credentials.circle_badge(issuer, claim, name, criteria, len(peers), lang, self._clock(),
                                            self._rng)
        return Message("badge", circle_id, document)


def _achievement_of(held: Held) -> str:
    """The achievement id a claim this journal made was signed with (kept, so already checked)."""
    subject = held.document.get("credentialSubject", {})
    achievement = subject.get("achievement", {}) if isinstance(subject, dict) else {}
    return str(achievement.get("id", "")) if isinstance(achievement, dict) else ""
