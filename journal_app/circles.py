"""The circles a person facilitates or has joined, and their outbox, kept in the vault."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from journal_app.circle_messages import Question
from journal_app.errors import RessentiError
from journal_app.sharing import (
    CircleKeys,
    Insight,
    Invitation,
    RelayAccess,
    SharedInsight,
    Withdrawal,
    b64,
    make_bundle,
    new_insight,
    parse_invitation,
    seal,
    unb64,
)
from journal_app.vault.storage import Database

if TYPE_CHECKING:
    from journal_app.circle_messages import CircleMessage

OWNED, JOINED, OUTBOX, MARKED = "circles_owned", "circles_joined", "outbox", "marked_names"


class CircleNotFound(RessentiError):
    key = "error.circle_not_found"


class SharedInsightNotFound(RessentiError):
    """Withdrawing an insight this member never shared (or no longer has in the outbox)."""

    key = "error.shared_insight_not_found"


class InvitationConflict(RessentiError):
    key = "error.invitation_conflict"


class InvitationTakeover(RessentiError):
    """A code with the id of a circle this person facilitates, and another key."""

    key = "error.invitation_takeover"


class RelayChangeUnsigned(RessentiError):
    """A code that would move a held circle to another relay, mailbox or capability, not signed
    by the circle's signing key."""

    key = "error.relay_change_unsigned"


class RelayNeedsConsent(RessentiError):
    """A circle joined without a relay, now with one: the person confirms its host first."""

    key = "error.relay_needs_consent"

    @property
    def host(self) -> str:
        """The new relay's host, as the person saw it: `join(..., accept_relay=host)` takes it."""
        return str(self.params["host"])


class CircleNameMissing(RessentiError):
    key = "error.circle_name_missing"


class QuestionInvalid(RessentiError):
    key = "error.question_invalid"


class TooManyQuestions(RessentiError):
    key = "error.too_many_questions"


@dataclass(frozen=True)
class Outgoing:
    """One sealed envelope on its way: `key` is "i:<insight id>" for an insight, "w:<id>" for
    its withdrawal."""

    key: str
    envelope: dict[str, Any]


class Delivery(Protocol):
    """How sealed envelopes leave the device: a share file, or the circle's relay.

    `once`: the relay carries each envelope once (and the same bytes again if a send must be
    retried, so nothing arrives twice); a share file carries everything the outbox may carry,
    sealed anew each time (two files must share no envelope). `deliver` yields what went."""

    @property
    def once(self) -> bool: ...

    def deliver(self, circle_id: str, envelopes: Sequence[Outgoing]) -> Iterator[Outgoing]: ...


@dataclass(frozen=True)
class FileDelivery:
    path: Path
    overwrite: bool = False
    once: bool = False

    def deliver(self, circle_id: str, envelopes: Sequence[Outgoing]) -> Iterator[Outgoing]:
        from journal_app.interchange import write_export

        write_export(self.path, make_bundle(circle_id, [o.envelope for o in envelopes]).decode("utf-8"),
                     overwrite=self.overwrite)
        yield from envelopes


@dataclass(frozen=True)
class RelayDelivery:
    """Post each envelope to the circle's mailbox; the first failure stops the round (what went
    is kept as sent, the rest waits for the next try)."""

    client: Any  # journal_app.relay_client.RelayClient
    access: RelayAccess
    once: bool = True

    pause: Callable[[], None] | None = None  # between two envelopes of a round (docs/relay.md)

    def deliver(self, circle_id: str, envelopes: Sequence[Outgoing]) -> Iterator[Outgoing]:
        for n, outgoing in enumerate(envelopes):
            if n and self.pause is not None:
                # Spread out, so the relay's order and timing do not group a round's envelopes.
                self.pause()
            self.client.post_envelope(self.access.mailbox, self.access.send_capability, outgoing.envelope)
            yield outgoing


@dataclass(frozen=True)
class OwnedRelay:
    """What only the facilitator's vault holds of a circle's relay."""

    access: RelayAccess
    read_capability: str
    signing_private: bytes


@dataclass(frozen=True)
class PublishedHarvest:
    """The harvest last given back to a circle, as signed (`body`), and per theme (parallel to
    its themes; kept in the facilitator's vault, never published) the ids of the insights it
    counts (`members`) and of those it quotes (`sources`)."""

    body: dict[str, Any]
    sources: list[list[str]]
    members: list[list[str]]
    stale: bool = False  # it still counts or quotes a withdrawn insight (republishing failed)

    @property
    def insight_ids(self) -> set[str]:
        return {i for ids in self.members + self.sources for i in ids}

    def without(self, withdrawn: set[str]) -> PublishedHarvest:
        """The same harvest without the `withdrawn` insights: their quotes gone, each theme's
        count less them; a theme left under k is not shown any more."""
        themes, sources, members = [], [], []
        for theme, quoted, counted in zip(self.body["themes"], self.sources, self.members, strict=True):
            kept = [(q, i) for q, i in zip(theme["quotes"], quoted, strict=True) if i not in withdrawn]
            count = theme["count"] - len(set(counted) & withdrawn)
            if count < self.body["k"]:
                continue
            themes.append({**theme, "count": count, "quotes": [q for q, _ in kept]})
            sources.append([i for _, i in kept])
            members.append([i for i in counted if i not in withdrawn])
        total = max(self.body["total"] - len(self.insight_ids & withdrawn), self.body["k"])
        return PublishedHarvest({**self.body, "total": total, "themes": themes}, sources, members)


@dataclass(frozen=True)
class OutboxItem:
    shared: SharedInsight
    withdrawn: bool
    withdrawal: dict[str, Any] | None
    exported: str | None = None  # ISO date of the last share file that carried it
    entry_id: str = ""  # the journal entry it came from (kept in the vault, never sent)
    sent: str | None = None  # ISO date the relay took it
    withdrawal_sent: str | None = None  # ISO date the relay took its withdrawal
    attempted: bool = False  # a post to the relay was tried: it may have arrived, answer or not

    @property
    def left(self) -> bool:
        """Did it, or may it have, left the device (a file, or the relay)? A post whose answer
        was lost (a timeout, the phone going offline) may well have arrived: it counts."""
        return bool(self.exported or self.sent or self.attempted)


@dataclass
class DeliveryReport:
    circle: str
    delivered: int = 0
    waiting: int = 0  # still to be carried (the relay was unreachable partway, say)
    error: RessentiError | None = field(default=None, repr=False)


@dataclass(frozen=True)
class OutboxFile:
    data: bytes  # the share file
    carried: tuple[str, ...]  # the ids of the insights it carries (or carries the withdrawal of)


class Circles:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- facilitator --------------------------------------------------------------------------
    def create(self, name: str, relay: OwnedRelay | None = None) -> CircleKeys:
        """A new circle, with its relay if it has one (`new_relay` makes its secrets; the
        mailbox is registered on the relay before this is called: usecases.relay)."""
        if not name.strip():
            raise CircleNameMissing()
        keys = CircleKeys.create(name)
        if relay is not None:
            keys = CircleKeys(Invitation(keys.invitation.circle_id, keys.invitation.name,
                                         keys.invitation.public_key, relay.access), keys.private_key)
        inv = keys.invitation
        doc: dict[str, Any] = {"id": inv.circle_id, "name": inv.name, "pk": b64(inv.public_key),
                               "sk": b64(keys.private_key)}
        if relay is not None:
            doc["relay"] = {"url": relay.access.url, "mb": relay.access.mailbox,
                            "send": relay.access.send_capability, "read": relay.read_capability,
                            "sign_sk": b64(relay.signing_private), "sign": b64(relay.access.signing_key)}
            doc["questions"], doc["serials"] = [], {}
        self._db.table(OWNED).insert_doc(inv.circle_id, doc)
        return self.owned_circle(inv.circle_id)  # as it is read back: its code signs its relay fields

    def owned(self) -> list[CircleKeys]:
        return [CircleKeys(Invitation(d["id"], d["name"], unb64(d["pk"]), _signed_access(d)),
                           unb64(d["sk"])) for d in self._db.table(OWNED)]

    def owned_relay(self, circle_id: str) -> OwnedRelay | None:
        doc = self._owned_doc(circle_id).get("relay")
        if not doc:
            return None
        access = _access(doc)
        assert access is not None
        return OwnedRelay(access, doc["read"], unb64(doc["sign_sk"]))

    def _owned_doc(self, circle_id: str) -> dict[str, Any]:
        doc = self._db.table(OWNED).get_doc(circle_id)
        if doc is None:
            raise CircleNotFound(id=circle_id)
        return doc

    def questions(self, circle_id: str) -> list[Question]:
        """The circle's questions as the facilitator wrote them (published or not)."""
        return [Question(q["id"], q["fr"], q["en"]) for q in self._owned_doc(circle_id).get("questions", [])]

    def set_questions(self, circle_id: str, questions: Sequence[Question]) -> None:
        from journal_app.circle_messages import MAX_QUESTIONS, check_body, questions_body

        if len(questions) > MAX_QUESTIONS:
            raise TooManyQuestions(max=MAX_QUESTIONS)
        if questions:
            try:
                check_body("questions", questions_body(questions))
            except RessentiError:
                raise QuestionInvalid() from None
        self._owned_doc(circle_id)
        self._db.table(OWNED).update_doc(circle_id, {"questions": [asdict(q) for q in questions]})

    def add_question(self, circle_id: str, fr: str, en: str) -> Question:
        """A question in both languages; its id is new and never reused."""
        question = Question(secrets.token_hex(4), fr.strip(), en.strip())
        self.set_questions(circle_id, [*self.questions(circle_id), question])
        return question

    def next_serial(self, circle_id: str, kind: str) -> int:
        """The serial the next message of this kind must carry (it only grows), and keep it."""
        doc = self._owned_doc(circle_id)
        serials = dict(doc.get("serials", {}))
        serials[kind] = int(serials.get(kind, 0)) + 1
        self._db.table(OWNED).update_doc(circle_id, {"serials": serials})
        return int(serials[kind])

    def published_harvest(self, circle_id: str) -> PublishedHarvest | None:
        doc = self._owned_doc(circle_id).get("published_harvest")
        if not doc:
            return None
        return PublishedHarvest(doc["body"], doc["sources"], doc["members"], bool(doc.get("stale")))

    def keep_published_harvest(self, circle_id: str, harvest: PublishedHarvest, *, stale: bool) -> None:
        self._owned_doc(circle_id)
        self._db.table(OWNED).update_doc(circle_id, {"published_harvest": {
            "body": harvest.body, "sources": harvest.sources, "members": harvest.members, "stale": stale}})

    def owned_circle(self, circle_id: str) -> CircleKeys:
        for keys in self.owned():
            if keys.invitation.circle_id == circle_id:
                return keys
        raise CircleNotFound(id=circle_id)

    # -- member -------------------------------------------------------------------------------
    def marked_names(self) -> list[str]:
        """Names the member marked as private once; redacted in every later insight."""
        return [d["name"] for d in self._db.table(MARKED)]

    def mark_name(self, name: str) -> None:
        name = name.strip(".,;:!?«»\"'()[]")
        if len(name) >= 2 and name not in self.marked_names():
            self._db.table(MARKED).insert_doc(name.casefold(), {"name": name})

    def join(self, code: str, *, accept_relay: str | None = None) -> Invitation:
        """Join a circle with its invitation code. A circle already held never changes in
        silence: another key is refused; a new relay address, mailbox or send capability is
        taken only when signed by the signing key already held; a circle that had no relay takes
        one only when the person confirmed its host (`accept_relay`, else RelayNeedsConsent)."""
        inv = parse_invitation(code)
        doc: dict[str, Any] = {"id": inv.circle_id, "name": inv.name, "pk": b64(inv.public_key)}
        if inv.relay is not None:
            doc["relay"] = {"url": inv.relay.url, "mb": inv.relay.mailbox, "send": inv.relay.send_capability,
                            "sign": b64(inv.relay.signing_key)}
        owned = self._db.table(OWNED).get_doc(inv.circle_id)
        if owned is not None and owned["pk"] != doc["pk"]:
            raise InvitationTakeover(name=owned["name"])  # a code made to look like this person's own circle
        table = self._db.table(JOINED)
        held = table.get_doc(inv.circle_id)
        if held is None:
            table.insert_doc(inv.circle_id, doc)
            return inv
        if held["pk"] != doc["pk"]:
            # Same circle, another key: one of the two codes is forged. Saying "joined" while
            # insights go on being sealed to the first key would be a lie.
            raise InvitationConflict(name=held["name"])
        if inv.relay is None or _same_relay(held.get("relay"), doc["relay"]):
            return self.joined_circle(inv.circle_id)
        if held.get("relay"):
            if held["relay"].get("sign") != doc["relay"]["sign"]:
                raise InvitationConflict(name=held["name"])  # another signing key: not taken
            if not inv.relay.proof:
                # Not signed by the circle's key: whoever made this code could be anyone who
                # once held the invitation. The relay address, mailbox and capability stay.
                raise RelayChangeUnsigned(name=held["name"])
            # parse_invitation checked the proof with the code's signing key, the same as held.
        elif accept_relay != _host(inv.relay.url):
            # A circle that had no relay: there is no key to check a relay against, so the
            # person sees where the insights will go and says yes.
            raise RelayNeedsConsent(name=held["name"], host=_host(inv.relay.url))
        table.update_doc(inv.circle_id, {"relay": doc["relay"]})
        return inv

    def joined(self) -> list[Invitation]:
        return [Invitation(d["id"], d["name"], unb64(d["pk"]), _access(d.get("relay")))
                for d in self._db.table(JOINED)]

    # -- what the circle said (signed messages, checked before they are kept) ----------------
    def keep_message(self, circle_id: str, signed: dict[str, Any]) -> bool:
        """Keep a circle message if it is signed with the circle's key and newer than the one
        held; False (and nothing kept) when it is older. MessageForged/MessageInvalid otherwise."""
        from journal_app.circle_messages import verify_message

        inv = self.joined_circle(circle_id)
        if inv.relay is None:
            raise CircleNotFound(id=circle_id)
        message = verify_message(signed, circle_id, inv.relay.signing_key)
        held = dict(self._db.table(JOINED).get_doc(circle_id) or {}).get("messages", {})
        if message.kind in held and held[message.kind]["serial"] >= message.serial:
            return False
        self._db.table(JOINED).update_doc(circle_id, {"messages": {**held, message.kind: signed}})
        return True

    def circle_message(self, circle_id: str, kind: str) -> CircleMessage | None:
        """The newest message of a kind this member holds, checked again as it is read."""
        from journal_app.circle_messages import verify_message

        inv = self.joined_circle(circle_id)
        doc = self._db.table(JOINED).get_doc(circle_id) or {}
        signed = doc.get("messages", {}).get(kind)
        if signed is None or inv.relay is None:
            return None
        return verify_message(signed, circle_id, inv.relay.signing_key)

    def circle_questions(self, circle_id: str) -> list[Question]:
        from journal_app.circle_messages import questions_of

        message = self.circle_message(circle_id, "questions")
        return questions_of(message) if message else []

    def joined_circle(self, circle_id: str) -> Invitation:
        for inv in self.joined():
            if inv.circle_id == circle_id:
                return inv
        raise CircleNotFound(id=circle_id)

    def share(self, circle_id: str, text: str, *, day: date, kind: str, prompt_id: str = "",
              lang: str = "fr", entry_id: str = "", question: str = "") -> SharedInsight:
        """Seal an approved insight for a circle and keep it in the outbox, with the entry it
        came from (so the entry can say it was shared; the entry's id never leaves)."""
        inv = self.joined_circle(circle_id)
        if question and question not in {q.id for q in self.circle_questions(circle_id)}:
            raise QuestionInvalid()
        insight, secret = new_insight(text, day=day, kind=kind, prompt_id=prompt_id, lang=lang,
                                      question=question)
        shared = SharedInsight(insight, circle_id, secret, seal(insight, inv))
        self._db.table(OUTBOX).insert_doc(insight.id, {
            "insight": asdict(insight), "circle": circle_id, "secret": secret,
            "envelope": shared.envelope, "withdrawn": False, "withdrawal": None,
            "entry": entry_id})
        return shared

    def outbox(self) -> list[OutboxItem]:
        return [OutboxItem(SharedInsight(Insight(**d["insight"]), d["circle"], d["secret"],
                                         d["envelope"]), d["withdrawn"], d["withdrawal"], d.get("exported"),
                           d.get("entry") or "", d.get("sent"), d.get("withdrawal_sent"),
                           bool(d.get("relay_attempted")))
                for d in self._db.table(OUTBOX)]

    def shared_from(self, entry_id: str) -> list[OutboxItem]:
        """What was shared from one journal entry, oldest first."""
        return [item for item in self.outbox() if entry_id and item.entry_id == entry_id]

    def mark_exported(self, circle_id: str, day: date, ids: Iterable[str] | None = None) -> None:
        """A share file for this circle was written: what it carried (`ids`, else everything it
        would carry now) is no longer waiting."""
        carried = set(ids) if ids is not None else set(self.outbox_file(circle_id).carried)
        carried &= {i.shared.insight.id for i in self.outbox() if i.shared.circle_id == circle_id}

        def update(tables: dict[str, dict[str, Any]]) -> None:
            for insight_id in carried:
                tables[OUTBOX][insight_id]["exported"] = day.isoformat()

        if carried:
            self._db.change(update)

    def withdraw(self, insight_id: str) -> None:
        item = next((i for i in self.outbox() if i.shared.insight.id == insight_id), None)
        if item is None:
            raise SharedInsightNotFound(id=insight_id)
        envelope = seal(Withdrawal(insight_id, item.shared.secret),
                        self.joined_circle(item.shared.circle_id))
        self._db.table(OUTBOX).update_doc(insight_id, {"withdrawn": True, "withdrawal": envelope})

    def outbox_file(self, circle_id: str) -> OutboxFile:
        """Every insight and withdrawal of the outbox for one circle, sealed anew for this file:
        the same envelopes in two files would let whoever carries them link the files, and so
        the insights, to one member. (The facilitator recognises an insight by its id, inside.)

        A withdrawn insight leaves as its withdrawal alone, never with its text again; one
        withdrawn before any file carried it leaves nothing at all."""
        invitation = self.joined_circle(circle_id)
        envelopes, carried = [], []
        for item in self.outbox():
            if item.shared.circle_id != circle_id:
                continue
            if not item.withdrawn:
                envelopes.append(seal(item.shared.insight, invitation))
            elif item.left:
                envelopes.append(seal(Withdrawal(item.shared.insight.id, item.shared.secret), invitation))
            else:
                continue
            carried.append(item.shared.insight.id)
        return OutboxFile(make_bundle(circle_id, envelopes), tuple(carried))

    def outbox_bundle(self, circle_id: str) -> bytes:
        return self.outbox_file(circle_id).data

    def deliver_outbox(self, circle_id: str, delivery: Delivery, day: date | None = None) -> int:
        """Carry what waits for this circle (a share file, or the relay); how many envelopes went.
        What went is marked, in one save, even when the carrier fails partway (then re-raised)."""
        report = self.deliver(circle_id, delivery, day or date.today())
        if report.error is not None:
            raise report.error
        return report.delivered

    def deliver(self, circle_id: str, delivery: Delivery, day: date) -> DeliveryReport:
        outgoing = self._relay_pending(circle_id) if delivery.once else [
            Outgoing(("w:" if item.withdrawn else "i:") + item.shared.insight.id, env)
            for item, env in self._file_envelopes(circle_id)]
        report = DeliveryReport(circle_id)
        went: list[str] = []
        if delivery.once and outgoing:
            self._mark_attempted([o.key for o in outgoing])
        try:
            for done in delivery.deliver(circle_id, outgoing):
                went.append(done.key)
        except RessentiError as exc:
            report.error = exc
        finally:
            if went:
                self._mark_carried(went, day, relay=delivery.once)
        report.delivered, report.waiting = len(went), len(outgoing) - len(went)
        return report

    def _file_envelopes(self, circle_id: str) -> list[tuple[OutboxItem, dict[str, Any]]]:
        invitation = self.joined_circle(circle_id)
        out = []
        for item in self.outbox():
            if item.shared.circle_id != circle_id:
                continue
            if not item.withdrawn:
                out.append((item, seal(item.shared.insight, invitation)))
            elif item.left:
                out.append((item, seal(Withdrawal(item.shared.insight.id, item.shared.secret), invitation)))
        return out

    def relay_waiting(self, circle_id: str) -> int:
        """Envelopes this circle's relay has not taken yet."""
        return sum(1 for item in self.outbox() if item.shared.circle_id == circle_id and _relay_due(item))

    def _relay_pending(self, circle_id: str) -> list[Outgoing]:
        """What the relay has not taken yet, each sealed once and kept, so that a retry sends the
        same bytes (the relay keeps a duplicate once): insights not sent and not withdrawn, and
        the withdrawals of insights that left."""
        invitation = self.joined_circle(circle_id)
        docs = {d["insight"]["id"]: d for d in self._db.table(OUTBOX) if d["circle"] == circle_id}
        sealed: dict[str, dict[str, Any]] = {}
        out = []
        round_tag = secrets.token_hex(8)  # the insights first sealed in this round (harvest.py)
        for item in self.outbox():
            if item.shared.circle_id != circle_id or not _relay_due(item):
                continue
            doc, key = docs[item.shared.insight.id], item.shared.insight.id
            if item.withdrawn:
                env = doc.get("relay_withdrawal") or seal(Withdrawal(key, item.shared.secret), invitation)
                sealed[key] = {"relay_withdrawal": env}
                out.append(Outgoing("w:" + key, env))
            else:
                env = doc.get("relay_envelope") or seal(replace(item.shared.insight, round=round_tag), invitation)
                sealed[key] = {"relay_envelope": env}
                out.append(Outgoing("i:" + key, env))
        fresh = {k: v for k, v in sealed.items() if not any(docs[k].get(f) for f in v)}
        if fresh:
            def keep(tables: dict[str, dict[str, Any]]) -> None:
                for key, fields in fresh.items():
                    tables[OUTBOX][key].update(fields)
            self._db.change(keep)
        return out

    def _mark_attempted(self, keys: Sequence[str]) -> None:
        """Before a round posts: each insight it carries may have left once it is tried, so a
        later withdrawal must go too (F2: a lost answer, then a withdrawal before the retry)."""
        def update(tables: dict[str, dict[str, Any]]) -> None:
            for key in keys:
                kind, insight_id = key.split(":", 1)
                doc = tables[OUTBOX].get(insight_id)
                if doc is not None and kind == "i":
                    doc["relay_attempted"] = True

        if any(k.startswith("i:") for k in keys):
            self._db.change(update)

    def _mark_carried(self, keys: Sequence[str], day: date, *, relay: bool) -> None:
        def update(tables: dict[str, dict[str, Any]]) -> None:
            for key in keys:
                kind, insight_id = key.split(":", 1)
                doc = tables[OUTBOX].get(insight_id)
                if doc is None:
                    continue
                if not relay:
                    doc["exported"] = day.isoformat()
                elif kind == "i":
                    doc["sent"] = day.isoformat()
                    doc.pop("relay_envelope", None)
                else:
                    doc["withdrawal_sent"] = day.isoformat()
                    doc.pop("relay_withdrawal", None)
        self._db.change(update)


def _relay_due(item: OutboxItem) -> bool:
    if item.withdrawn:
        return item.left and not item.withdrawal_sent
    return not item.sent


def _same_relay(held: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    return bool(held) and all(held.get(k) == new[k] for k in ("url", "mb", "send", "sign"))  # type: ignore[union-attr]


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.netloc or url


def _signed_access(doc: dict[str, Any]) -> RelayAccess | None:
    """A facilitator's relay access, with the proof a version 2 code carries."""
    from journal_app.sharing import sign_relay_fields

    access = _access(doc.get("relay"))
    if access is None:
        return None
    return sign_relay_fields(doc["id"], unb64(doc["pk"]), access, unb64(doc["relay"]["sign_sk"]))


def _access(doc: dict[str, Any] | None) -> RelayAccess | None:
    if not doc:
        return None
    return RelayAccess(doc["url"], doc["mb"], doc["send"], unb64(doc["sign"]))


def new_relay(url: str, rng: Callable[[int], bytes] = secrets.token_bytes) -> OwnedRelay:
    """A circle's relay secrets: the mailbox, both capabilities and the signing key."""
    from journal_app.circle_messages import new_signing_key, signing_public_key
    from journal_app.relay.capabilities import new_capability, new_mailbox

    signing = new_signing_key(rng)
    return OwnedRelay(RelayAccess(url.rstrip("/"), new_mailbox(rng), new_capability(rng),
                                  signing_public_key(signing)), new_capability(rng), signing)
