"""The facilitator's side of a circle: bundles come in, insights are released in batches.

Bundles are opened with the circle's private key, which never leaves the facilitator's vault.
What was opened is kept in that same vault. Two rules protect the members:
- an insight is released to the facilitator's screens only in a batch of at least k (default 5,
  never below 3) holding insights from at least two share files, so the moment one arrives
  cannot point to its author, and one member's file never makes a batch by itself;
- a withdrawal that proves itself (docs/sharing.md) removes the insight's text for good, and a
  later import of the same bundle does not bring it back.
"""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from journal_app.circles import Circles
from journal_app.errors import RessentiError
from journal_app.sharing import (
    Insight,
    Withdrawal,
    WrongCircle,
    encodable,
    open_envelope,
    read_bundle,
    withdrawal_is_genuine,
)
from journal_app.vault.storage import Database

RECEIVED, CIRCLE_STATE, VECTORS = "received", "harvest_circles", "theme_vectors"
# Withdrawals kept for insights not received yet, per circle. Anyone holding the invitation can
# send withdrawals for random ids, so the room is bounded; when full, the oldest goes (a flood
# never shuts the room for the genuine withdrawals that come after it: docs/sharing.md).
MAX_PENDING_WITHDRAWALS = 10_000
DEFAULT_K, MIN_K = 5, 3


class ThresholdTooLow(RessentiError):
    key = "error.threshold_too_low"


@dataclass
class HarvestReport:
    """What one bundle brought to one circle."""

    circle: str
    added: int = 0
    duplicates: int = 0
    withdrawn: int = 0
    damaged: int = 0
    released: int = 0  # insights that became visible with this import
    waiting: int = 0  # insights held back until the batch is large enough
    new_ids: set[str] = field(default_factory=set, repr=False)
    withdrawn_ids: set[str] = field(default_factory=set, repr=False)  # withdrawn with this import


def check_k(k: int) -> int:
    if k < MIN_K:
        raise ThresholdTooLow(k=k, minimum=MIN_K)
    return k


class Harvest:
    """Insights received by the circles this person facilitates."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- threshold --------------------------------------------------------------------------
    def k(self, circle_id: str) -> int:
        state = self._db.table(CIRCLE_STATE).get_doc(circle_id)
        return int(state["k"]) if state else DEFAULT_K

    def set_k(self, circle_id: str, k: int) -> None:
        check_k(k)
        Circles(self._db).owned_circle(circle_id)

        def update(tables: dict[str, dict[str, Any]]) -> None:
            state = tables.setdefault(CIRCLE_STATE, {}).setdefault(circle_id, {"k": k, "batches": 0})
            state["k"] = k
            _release(tables, circle_id)

        self._db.change(update)

    # -- reading ----------------------------------------------------------------------------
    def _docs(self, circle_id: str) -> Iterable[dict[str, Any]]:
        return _held(self._db.table(RECEIVED), circle_id)

    def released(self, circle_id: str) -> list[Insight]:
        """What the facilitator may see: released and not withdrawn."""
        return [_insight(d) for d in self._docs(circle_id) if d["batch"]]

    def waiting(self, circle_id: str) -> int:
        return sum(1 for d in self._docs(circle_id) if not d["batch"])

    # -- import -----------------------------------------------------------------------------
    def import_bundle(self, data: bytes, *, one_sender: bool = True) -> HarvestReport:
        """Open a bundle for one of this person's circles and keep what it holds; one save.

        A bundle for a circle this person does not facilitate is refused whole. `one_sender`:
        a share file comes from one member, so its insights count as one file for the batch
        rule; what the relay brings comes from members it cannot tell apart (one send
        capability for all), so each envelope counts on its own.
        """
        envelopes = read_bundle(data)
        circle_id = envelopes[0]["circle"] if envelopes else _bundle_circle(data)
        return self.import_envelopes(circle_id, envelopes, one_sender=one_sender)

    def import_envelopes(self, circle_id: str, envelopes: Sequence[object], *,
                         one_sender: bool = False) -> HarvestReport:
        """Keep what a list of envelopes for one of this person's circles holds; one save.

        Each envelope counts on its own: one that is not an envelope, names another circle,
        does not open or holds something malformed is set aside (counted as damaged) and never
        stops the others (anyone holding the invitation can post anything to the relay)."""
        owned = {k.invitation.circle_id: k for k in Circles(self._db).owned()}
        if circle_id not in owned:
            raise WrongCircle()
        keys = owned[circle_id]
        report = HarvestReport(circle_id)
        bundle = secrets.token_hex(8)  # which import each insight came with, nothing more
        opened: list[tuple[Insight | Withdrawal, str]] = []
        for envelope in envelopes:
            try:  # open_envelope says BundleInvalid, WrongCircle or EnvelopeDamaged, whatever it gets
                message = open_envelope(envelope, keys)  # type: ignore[arg-type]
            except RessentiError:
                report.damaged += 1
                continue
            # Through the relay, the member's app says which envelopes went in one round (sealed
            # inside, so only this vault sees it): a round counts as one share file.
            sender = bundle if one_sender else (getattr(message, "round", "") or secrets.token_hex(8))
            opened.append((message, sender))

        def update(tables: dict[str, dict[str, Any]]) -> None:
            received = tables.setdefault(RECEIVED, {})
            pending = _Pending(received, circle_id)
            # Insights first, so a withdrawal in the same bundle finds its insight.
            for message, sender in sorted(opened, key=lambda m: isinstance(m[0], Withdrawal)):
                if isinstance(message, Insight):
                    _receive(received, circle_id, message, report, sender)
                else:
                    _withdraw(tables, circle_id, message, report, pending)
            report.released = _release(tables, circle_id)
            report.waiting = sum(1 for d in _held(received.values(), circle_id) if not d["batch"])

        self._db.change(update)
        if report.withdrawn:
            # Earlier records of the log and the backup still hold the withdrawn text: not any more.
            self._db.forget_superseded()
        return report


    def set_aside(self, circle_id: str, insight_id: str) -> None:
        """The facilitator sets aside one received insight (it breaks something, or should not
        be there): its text is gone from the vault, as after a withdrawal; a later import of
        the same envelope does not bring it back."""
        def update(tables: dict[str, dict[str, Any]]) -> None:
            received = tables.setdefault(RECEIVED, {})
            held = received.get(insight_id)
            if held is None or held.get("circle") != circle_id or "text" not in held:
                from journal_app.themes.errors import InsightNotFound

                raise InsightNotFound(id=insight_id)
            received[insight_id] = {"circle": circle_id, "withdrawn": True, "set_aside": True}
            tables.get(VECTORS, {}).pop(insight_id, None)

        self._db.change(update)
        self._db.forget_superseded()


def _bundle_circle(data: bytes) -> str:
    import json

    return str(json.loads(data.decode("utf-8")).get("circle", ""))


def _insight(doc: dict[str, Any]) -> Insight:
    fields = {k: doc[k] for k in ("id", "week", "kind", "prompt_id", "lang", "text", "proof")}
    if not encodable(fields["text"]):  # kept before such text was refused: shown, never a crash
        fields["text"] = fields["text"].encode("utf-8", "replace").decode("utf-8")
    return Insight(**fields, question=doc.get("question", ""))


def _receive(received: dict[str, Any], circle_id: str, insight: Insight, report: HarvestReport,
             bundle: str) -> None:
    held = received.get(insight.id)
    if held is not None and held.get("circle") != circle_id:
        report.damaged += 1  # the same id in two circles: keep the first, trust neither more
        return
    if held is not None and ("text" in held or held.get("withdrawn")):
        report.duplicates += 1
        return
    pending = held.get("pending_withdrawal") if held else None
    if pending and withdrawal_is_genuine(Withdrawal(insight.id, pending), insight):
        received[insight.id] = {"circle": circle_id, "withdrawn": True}
        report.withdrawn += 1
        report.withdrawn_ids.add(insight.id)
        return
    fields = asdict(insight)
    fields.pop("round")  # what it counted for is kept as `bundle`, and dropped once released
    received[insight.id] = {"circle": circle_id, **fields, "batch": 0, "bundle": bundle}
    report.added += 1
    report.new_ids.add(insight.id)


class _Pending:
    """The early withdrawals a circle holds, oldest first (counted once per import)."""

    def __init__(self, received: dict[str, Any], circle_id: str) -> None:
        held = [(int(d.get("seq", 0)), key) for key, d in received.items()
                if d.get("circle") == circle_id and "pending_withdrawal" in d]
        self.order = deque(key for _, key in sorted(held))
        self.next = max((seq for seq, _ in held), default=0) + 1
        self.received = received

    def keep(self, circle_id: str, withdrawal: Withdrawal, report: HarvestReport) -> None:
        while len(self.order) >= MAX_PENDING_WITHDRAWALS:
            oldest = self.order.popleft()
            if "pending_withdrawal" in self.received.get(oldest, {}):
                del self.received[oldest]
                report.damaged += 1  # most likely junk: counted with what was set aside
        self.received[withdrawal.insight_id] = {"circle": circle_id, "pending_withdrawal": withdrawal.secret,
                                                "seq": self.next}
        self.order.append(withdrawal.insight_id)
        self.next += 1


def _withdraw(tables: dict[str, Any], circle_id: str, withdrawal: Withdrawal, report: HarvestReport,
              pending: _Pending) -> None:
    received = tables[RECEIVED]
    held = received.get(withdrawal.insight_id)
    if held is None:
        # The withdrawal came before its insight: remember it, check it when the insight comes.
        # Only so many, the oldest going first: anyone with the invitation code could send
        # thousands for random ids, and must not shut out a genuine one that comes later.
        pending.keep(circle_id, withdrawal, report)
        return
    if held.get("circle") != circle_id or "text" not in held:
        if held.get("withdrawn"):
            report.duplicates += 1
        return
    if not withdrawal_is_genuine(withdrawal, _insight(held)):
        report.damaged += 1
        return
    received[withdrawal.insight_id] = {"circle": circle_id, "withdrawn": True}
    report.withdrawn_ids.add(withdrawal.insight_id)
    tables.get(VECTORS, {}).pop(withdrawal.insight_id, None)
    if withdrawal.insight_id in report.new_ids:  # shared and withdrawn before it was delivered
        report.added -= 1
        report.new_ids.discard(withdrawal.insight_id)
    report.withdrawn += 1


def _held(docs: Iterable[dict[str, Any]], circle_id: str) -> Iterable[dict[str, Any]]:
    """The insights of a circle that still have their text (not withdrawn, not pending)."""
    return (d for d in docs if d.get("circle") == circle_id and "text" in d)


def _release(tables: dict[str, Any], circle_id: str) -> int:
    """Release the waiting insights of a circle once there are at least k of them, from at
    least two share files (one member's file alone, however full, is never a batch); how many."""
    state = tables.setdefault(CIRCLE_STATE, {}).setdefault(circle_id, {"k": DEFAULT_K, "batches": 0})
    waiting = [d for d in _held(tables.get(RECEIVED, {}).values(), circle_id) if not d["batch"]]
    if len(waiting) < state["k"] or len({d.get("bundle") for d in waiting}) < 2:
        return 0
    state["batches"] += 1
    for doc in waiting:
        doc["batch"] = state["batches"]
        # Released, an insight keeps no trace of the file it came in: the batch must not split
        # back into share files (into senders, when files come by e-mail).
        doc.pop("bundle", None)
    return len(waiting)
