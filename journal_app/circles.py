"""The circles a person facilitates or has joined, and their outbox, kept in the vault."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from journal_app.errors import RessentiError
from journal_app.sharing import (
    CircleKeys,
    Insight,
    Invitation,
    SharedInsight,
    Withdrawal,
    b64,
    make_bundle,
    new_insight,
    parse_invitation,
    seal,
    unb64,
)
from journal_app.storage import Database

OWNED, JOINED, OUTBOX, MARKED = "circles_owned", "circles_joined", "outbox", "marked_names"


class CircleNotFound(RessentiError):
    key = "error.circle_not_found"


class SharedInsightNotFound(RessentiError):
    """Withdrawing an insight this member never shared (or no longer has in the outbox)."""

    key = "error.shared_insight_not_found"


class InvitationConflict(RessentiError):
    key = "error.invitation_conflict"


class CircleNameMissing(RessentiError):
    key = "error.circle_name_missing"


class Delivery(Protocol):
    """How a bundle leaves the device: a file today, a relay server later."""

    def deliver(self, circle_id: str, bundle: bytes) -> None: ...


@dataclass(frozen=True)
class FileDelivery:
    path: Path
    overwrite: bool = False

    def deliver(self, circle_id: str, bundle: bytes) -> None:
        from journal_app.interchange import write_export

        write_export(self.path, bundle.decode("utf-8"), overwrite=self.overwrite)


@dataclass(frozen=True)
class OutboxItem:
    shared: SharedInsight
    withdrawn: bool
    withdrawal: dict[str, Any] | None
    exported: str | None = None  # ISO date of the last share file that carried it
    entry_id: str = ""  # the journal entry it came from (kept in the vault, never sent)


@dataclass(frozen=True)
class OutboxFile:
    data: bytes  # the share file
    carried: tuple[str, ...]  # the ids of the insights it carries (or carries the withdrawal of)


class Circles:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- facilitator --------------------------------------------------------------------------
    def create(self, name: str) -> CircleKeys:
        if not name.strip():
            raise CircleNameMissing()
        keys = CircleKeys.create(name)
        inv = keys.invitation
        self._db.table(OWNED).insert_doc(inv.circle_id, {
            "id": inv.circle_id, "name": inv.name, "pk": b64(inv.public_key),
            "sk": b64(keys.private_key)})
        return keys

    def owned(self) -> list[CircleKeys]:
        return [CircleKeys(Invitation(d["id"], d["name"], unb64(d["pk"])), unb64(d["sk"]))
                for d in self._db.table(OWNED)]

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

    def join(self, code: str) -> Invitation:
        inv = parse_invitation(code)
        doc = {"id": inv.circle_id, "name": inv.name, "pk": b64(inv.public_key)}
        table = self._db.table(JOINED)
        held = table.get_doc(inv.circle_id)
        if held is None:
            table.insert_doc(inv.circle_id, doc)
        elif held["pk"] != doc["pk"]:
            # Same circle, another key: one of the two codes is forged. Saying "joined" while
            # insights go on being sealed to the first key would be a lie.
            raise InvitationConflict(name=held["name"])
        return inv

    def joined(self) -> list[Invitation]:
        return [Invitation(d["id"], d["name"], unb64(d["pk"])) for d in self._db.table(JOINED)]

    def joined_circle(self, circle_id: str) -> Invitation:
        for inv in self.joined():
            if inv.circle_id == circle_id:
                return inv
        raise CircleNotFound(id=circle_id)

    def share(self, circle_id: str, text: str, *, day: date, kind: str, prompt_id: str = "",
              lang: str = "fr", entry_id: str = "") -> SharedInsight:
        """Seal an approved insight for a circle and keep it in the outbox, with the entry it
        came from (so the entry can say it was shared; the entry's id never leaves)."""
        inv = self.joined_circle(circle_id)
        insight, secret = new_insight(text, day=day, kind=kind, prompt_id=prompt_id, lang=lang)
        shared = SharedInsight(insight, circle_id, secret, seal(insight, inv))
        self._db.table(OUTBOX).insert_doc(insight.id, {
            "insight": asdict(insight), "circle": circle_id, "secret": secret,
            "envelope": shared.envelope, "withdrawn": False, "withdrawal": None,
            "entry": entry_id})
        return shared

    def outbox(self) -> list[OutboxItem]:
        return [OutboxItem(SharedInsight(Insight(**d["insight"]), d["circle"], d["secret"],
                                         d["envelope"]), d["withdrawn"], d["withdrawal"], d.get("exported"),
                           d.get("entry") or "")
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
            elif item.exported is not None:
                envelopes.append(seal(Withdrawal(item.shared.insight.id, item.shared.secret), invitation))
            else:
                continue
            carried.append(item.shared.insight.id)
        return OutboxFile(make_bundle(circle_id, envelopes), tuple(carried))

    def outbox_bundle(self, circle_id: str) -> bytes:
        return self.outbox_file(circle_id).data

    def deliver_outbox(self, circle_id: str, delivery: Delivery, day: date | None = None) -> int:
        """Write the circle's share file through `delivery`; how many insights and withdrawals
        it carried."""
        file = self.outbox_file(circle_id)
        delivery.deliver(circle_id, file.data)
        self.mark_exported(circle_id, day or date.today(), file.carried)
        return len(file.carried)
