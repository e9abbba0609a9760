"""The circle relay, for members and facilitators: the same sharing and import as with files,
one more carrier (journal_app/circles.py `RelayDelivery`, docs/relay.md).

- a facilitator creates a circle on a relay (the mailbox is registered before anything is kept),
  receives what members sent (through the same import as share files, then acknowledged),
  publishes the circle's questions and the harvest given back to the circle;
- a member's outbox goes to the relay (each envelope once; what could not go waits and is
  tried again), and the circle's signed messages are fetched and checked.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from journal_app.circle_messages import (
    Harvest as CircleHarvest,
)
from journal_app.circle_messages import (
    HarvestTheme,
    harvest_body,
    harvest_from_body,
    questions_body,
    sign_message,
)
from journal_app.circles import (
    Circles,
    DeliveryReport,
    OwnedRelay,
    PublishedHarvest,
    RelayDelivery,
    new_relay,
)
from journal_app.errors import RessentiError
from journal_app.harvest import DEFAULT_K, Harvest, HarvestReport
from journal_app.i18n import translate
from journal_app.relay import capabilities
from journal_app.relay_client import QUOTA_WARNING, RelayClient, RelayUnreachable
from journal_app.sharing import CircleKeys, b64, on_this_computer
from journal_app.vault.storage import Database

ClientFactory = Callable[[str], RelayClient]


class NoRelay(RessentiError):
    """This circle's insights travel as files (it has no relay)."""

    key = "error.circle_without_relay"


class NoQuestions(RessentiError):
    key = "error.no_questions"


class PracticeBuiltIn(RessentiError):
    key = "error.practice_builtin"


class MailboxTaken(RessentiError):
    key = "error.relay_mailbox_taken"


class ReceiveUnreachable(RelayUnreachable):
    """The relay did not answer the facilitator's « Recevoir »: nothing is lost, receive again."""

    key = "error.relay_unreachable_receive"


# --- facilitator -------------------------------------------------------------------------------
def create_circle(db: Database, name: str, relay_url: str | None = None, *,
                  client: ClientFactory = RelayClient, token: str | None = None) -> CircleKeys:
    """A new circle; with `relay_url`, its mailbox is registered on the relay first (nothing is
    kept if the relay cannot be reached)."""
    circles = Circles(db)
    if not relay_url or not name.strip():
        return circles.create(name)  # a missing name is said before the relay is reached
    owned = new_relay(with_scheme(relay_url))
    outcome = client(owned.access.url).register(
        owned.access.mailbox, capabilities.digest(owned.access.send_capability),
        capabilities.digest(owned.read_capability), b64(owned.access.signing_key), token)
    if outcome not in ("created", "same"):
        raise MailboxTaken()
    return circles.create(name, owned)


def with_scheme(url: str) -> str:
    """A relay's address as people type it (`relais.exemple.org`, `127.0.0.1:8560`): https://
    unless it is this computer, where a trial relay speaks plain http."""
    url = url.strip()
    if "://" in url:
        return url
    host = urlsplit("//" + url).hostname or ""
    return ("http://" if on_this_computer(host) else "https://") + url


@dataclass
class ReceiveReport:
    circle: str
    imported: HarvestReport | None = None
    received: int = 0  # envelopes the relay handed over
    acknowledged: int = 0
    k: int = DEFAULT_K
    republished: int = 0  # withdrawn quotes taken out of the published harvest, republished
    harvest_stale: bool = False  # a withdrawn quote is still in the published harvest
    fill: float | None = None  # how full the mailbox was (0 to 1), as the relay's listing said


def receive(db: Database, circle_id: str, *, client: ClientFactory = RelayClient) -> ReceiveReport:
    """Take what members sent to the circle's mailbox, page by page, through the same import as
    share files (one save a page), and acknowledge each page only once it is in the vault."""
    circles = Circles(db)
    keys, relay = circles.owned_circle(circle_id), circles.owned_relay(circle_id)
    if relay is None:
        raise NoRelay(name=keys.invitation.name)
    try:
        return _receive(db, circle_id, relay, client(relay.access.url))
    except RelayUnreachable:
        raise ReceiveUnreachable() from None


def _receive(db: Database, circle_id: str, relay: OwnedRelay, relay_client: RelayClient) -> ReceiveReport:
    harvest = Harvest(db)
    report = ReceiveReport(circle_id, HarvestReport(circle_id), k=harvest.k(circle_id))
    after: str | None = None
    while True:
        items, after = relay_client.list_envelopes(relay.access.mailbox, relay.read_capability, after)
        if not items:
            break
        # Envelope by envelope: one that is foreign, damaged or does not open is set aside
        # (counted) and acknowledged with the rest; it never stops the circle's harvest.
        page = harvest.import_envelopes(circle_id, [i.envelope for i in items], one_sender=False)
        assert report.imported is not None
        for name in ("added", "duplicates", "withdrawn", "damaged", "released"):
            setattr(report.imported, name, getattr(report.imported, name) + getattr(page, name))
        report.imported.waiting = page.waiting
        report.imported.withdrawn_ids |= page.withdrawn_ids
        report.received += len(items)
        report.acknowledged += relay_client.acknowledge(relay.access.mailbox, relay.read_capability,
                                                        [i.id for i in items])
        if after is None:
            break
    report.fill = relay_client.fill
    assert report.imported is not None
    report.republished, report.harvest_stale = withdraw_from_harvest(
        db, circle_id, report.imported.withdrawn_ids, client=lambda _: relay_client)
    return report


def set_aside_insight(db: Database, circle_id: str, insight_id: str, *,
                      client: ClientFactory = RelayClient) -> tuple[int, bool]:
    """The facilitator sets one received insight aside (its text gone, as after a withdrawal);
    a quote of it leaves the published harvest the same way."""
    Harvest(db).set_aside(circle_id, insight_id)
    return withdraw_from_harvest(db, circle_id, {insight_id}, client=client)


def withdraw_from_harvest(db: Database, circle_id: str, withdrawn: set[str], *,
                          client: ClientFactory = RelayClient, day: date | None = None) -> tuple[int, bool]:
    """A withdrawal reaches the harvest given back to the circle too: withdrawn insights are taken
    out of the published harvest (their quotes, and one from their theme's count; a theme left
    under k goes whole), which is signed again and republished at once, so members' apps replace
    it at their next fetch. Returns how many insights went, and whether the published harvest
    still holds one (the relay could not be reached: the facilitator is asked to publish again)."""
    circles = Circles(db)
    published = circles.published_harvest(circle_id)
    hit = withdrawn & published.insight_ids if published else set()
    if published is None or not (hit or published.stale):
        return 0, False
    relay = circles.owned_relay(circle_id)
    body = published.without(hit)
    circles.keep_published_harvest(circle_id, body, stale=True)  # said until it is on the relay
    if relay is None:
        return len(hit), True
    serial = circles.next_serial(circle_id, "harvest")
    message = sign_message(circle_id, "harvest", serial, day or date.today(), body.body, relay.signing_private)
    try:
        client(relay.access.url).publish(relay.access.mailbox, relay.read_capability, "harvest", message)
    except RessentiError:
        return len(hit), True
    circles.keep_published_harvest(circle_id, body, stale=False)
    db.forget_superseded()  # earlier records still held the withdrawn quote
    return len(hit), False


def publish_questions(db: Database, circle_id: str, day: date, *, client: ClientFactory = RelayClient) -> int:
    """Sign the circle's questions and put them on the relay; how many."""
    circles = Circles(db)
    relay = _owned_relay(circles, circle_id)
    questions = circles.questions(circle_id)
    if not questions:
        raise NoQuestions()
    serial = circles.next_serial(circle_id, "questions")
    message = sign_message(circle_id, "questions", serial, day, questions_body(questions), relay.signing_private)
    client(relay.access.url).publish(relay.access.mailbox, relay.read_capability, "questions", message)
    return len(questions)


def harvest_for_circle(db: Database, circle_id: str, lang: str, k: int | None = None) -> CircleHarvest:
    """What goes back to the circle: the released report's themes of at least k insights, their
    quotes with their language; nothing unreleased, no weeks."""
    return harvest_from_body(draft_harvest(db, circle_id, lang, k).body)


def draft_harvest(db: Database, circle_id: str, lang: str, k: int | None = None) -> PublishedHarvest:
    """The harvest as it would be signed (`body`), and per theme the ids of the insights it quotes
    and of those it counts (kept in the facilitator's vault only, so that a withdrawal finds its
    way into the harvest). The screen shows a draft, then publishes that very draft."""
    from journal_app.theme_report import build_report
    from journal_app.themes import ThemeBoard

    keys = Circles(db).owned_circle(circle_id)
    k = k or Harvest(db).k(circle_id)
    board = ThemeBoard(db, circle_id, lang)
    report = build_report(board, keys.invitation.name, k)
    shown = report.shown[:50]
    themes = []
    for view in shown:  # each name in French and in English, as the facilitator gave them
        names = tuple((lg, text[:200]) for lg, text in sorted(board.names(view.theme).items(), reverse=True))
        themes.append(HarvestTheme(names[0][1], view.count, tuple((q.text, q.lang) for q in view.quotes[:5]), names))
    harvest = CircleHarvest(keys.invitation.name, report.k, max(report.total, report.k), tuple(themes))
    return PublishedHarvest(harvest_body(harvest), [[q.id for q in v.quotes[:5]] for v in shown],
                            [[i.id for i in v.insights] for v in shown])


def publish_harvest(db: Database, circle_id: str, lang: str, day: date, *,
                    client: ClientFactory = RelayClient, draft: PublishedHarvest | None = None) -> CircleHarvest:
    """Sign and publish the circle's harvest: `draft` (what the facilitator was shown), else a
    new one; it is kept as published, so later withdrawals reach it."""
    circles = Circles(db)
    relay = _owned_relay(circles, circle_id)
    draft = draft or draft_harvest(db, circle_id, lang)
    serial = circles.next_serial(circle_id, "harvest")
    message = sign_message(circle_id, "harvest", serial, day, draft.body, relay.signing_private)
    client(relay.access.url).publish(relay.access.mailbox, relay.read_capability, "harvest", message)
    circles.keep_published_harvest(circle_id, draft, stale=False)
    return harvest_from_body(draft.body)


def publish_practice(db: Database, circle_id: str, pack_id: str, day: date, *,
                     client: ClientFactory = RelayClient) -> str:
    """Share one practice file with the circle (open data): signed; members check it, then find
    it in their practices. Returns the practice's title."""
    from journal_app.prompts.library import PackLibrary

    circles = Circles(db)
    relay = _owned_relay(circles, circle_id)
    library = PackLibrary(db)
    if library.get(pack_id).builtin:
        raise PracticeBuiltIn(id=pack_id)  # every member's app has it already
    source = library.export_text(pack_id)
    serial = circles.next_serial(circle_id, "pack")
    message = sign_message(circle_id, "pack", serial, day, {"source": source}, relay.signing_private)
    client(relay.access.url).publish(relay.access.mailbox, relay.read_capability, "pack", message)
    return library.get(pack_id).title.fr


def _owned_relay(circles: Circles, circle_id: str) -> OwnedRelay:
    relay = circles.owned_relay(circle_id)
    if relay is None:
        raise NoRelay(name=circles.owned_circle(circle_id).invitation.name)
    return relay


# --- member ------------------------------------------------------------------------------------
@dataclass
class SendRound:
    reports: list[DeliveryReport] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        return sum(r.delivered for r in self.reports)

    @property
    def waiting(self) -> int:
        return sum(r.waiting for r in self.reports)

    @property
    def error(self) -> RessentiError | None:
        return next((r.error for r in self.reports if r.error is not None), None)


def send_outbox(db: Database, day: date, *, client: ClientFactory = RelayClient,
                circle_id: str | None = None, pause: Callable[[], None] | None = None) -> SendRound:
    """One round of sending for every joined circle that has a relay (or just one): each
    envelope the relay has not taken yet, once; what fails waits for the next round. Between
    two envelopes, `pause` (a random 1–8 s by default, so a round does not leave as one burst)."""
    pause = pause or _envelope_gap
    circles = Circles(db)
    out = SendRound()
    for invitation in circles.joined():
        if invitation.relay is None or (circle_id and invitation.circle_id != circle_id):
            continue
        if not circles.relay_waiting(invitation.circle_id):
            continue
        try:
            delivery = RelayDelivery(client(invitation.relay.url), invitation.relay, pause=pause)
        except RessentiError as exc:
            out.reports.append(DeliveryReport(invitation.circle_id, 0, circles.relay_waiting(invitation.circle_id),
                                              exc))
            continue
        out.reports.append(circles.deliver(invitation.circle_id, delivery, day))
    return out


def waiting_for_relay(db: Database) -> int:
    circles = Circles(db)
    return sum(circles.relay_waiting(i.circle_id) for i in circles.joined() if i.relay is not None)


def fetch_messages(db: Database, *, client: ClientFactory = RelayClient) -> int:
    """The signed messages of every joined circle with a relay, checked and kept when newer;
    how many new. A forged or damaged one is dropped; an unreachable relay is tried next time."""
    from journal_app.circle_messages import MessageForged, MessageInvalid

    circles = Circles(db)
    new = 0
    for invitation in circles.joined():
        if invitation.relay is None:
            continue
        try:
            found = client(invitation.relay.url).messages(invitation.relay.mailbox, invitation.relay.send_capability)
        except RessentiError:
            continue
        for signed in found:
            try:
                kept = circles.keep_message(invitation.circle_id, signed)
            except (MessageForged, MessageInvalid):
                continue
            new += kept
            if kept and signed.get("kind") == "pack":
                _take_practice(db, signed["body"]["source"], invitation.circle_id)
    return new


def _take_practice(db: Database, source: str, circle_id: str) -> None:
    """A practice the circle shares, checked like any practice file, into the member's practices
    (one that does not pass the checks is left out: the rest of the round goes on). It never
    replaces the member's own practice, or another circle's, of the same id."""
    from journal_app.prompts.library import PackLibrary
    from journal_app.prompts.packs import PackInvalid

    try:
        PackLibrary(db).import_pack(source.encode("utf-8"), "circle.toml", origin=f"circle:{circle_id}")
    except PackInvalid:
        pass


def next_retry(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before the next try after `attempt` failures: 30 s, 2 min, 8 min… up to 30 min,
    spread a little so many phones do not all come back at once."""
    base = min(30.0 * 4 ** max(0, attempt - 1), 1800.0)
    return float(base * (0.8 + 0.4 * (rng or random.Random()).random()))


def _envelope_gap() -> None:
    time.sleep(1.0 + 7.0 * random.SystemRandom().random())


def send_delay(rng: random.Random | None = None) -> float:
    """A small random delay before an insight leaves, so the relay's order says less."""
    return float(2.0 + 18.0 * (rng or random.Random()).random())


# --- words -------------------------------------------------------------------------------------
def describe_receive(report: ReceiveReport, lang: str) -> list[str]:
    imported = report.imported or HarvestReport(report.circle)
    lines = [translate("relay.received", lang, count=report.received, added=imported.added,
                       withdrawn=imported.withdrawn, duplicates=imported.duplicates)
             if report.received else translate("relay.nothing_new", lang)]
    if imported.damaged:
        lines.append(translate("relay.set_aside", lang, count=imported.damaged))
    lines += describe_harvest_update(report.republished, report.harvest_stale, lang)
    if imported.waiting:
        lines.append(translate("relay.waiting", lang, count=imported.waiting, k=report.k))
    if report.fill is not None and report.fill >= QUOTA_WARNING:  # before posts get 507
        lines.append(translate("relay.mailbox_filling", lang, percent=int(report.fill * 100)))
    return lines


def describe_harvest_update(republished: int, stale: bool, lang: str) -> list[str]:
    """What a withdrawal did to the harvest already given back (`withdraw_from_harvest`)."""
    if stale:
        return [translate("relay.harvest_stale", lang)]
    return [translate("relay.harvest_republished", lang, count=republished)] if republished else []


def describe_send(round_: SendRound, lang: str) -> list[str]:
    lines = []
    if round_.delivered:
        lines.append(translate("relay.sent", lang, count=round_.delivered))
    if round_.waiting:
        lines.append(translate("relay.still_waiting", lang, count=round_.waiting))
    if round_.error is not None:
        lines.append(round_.error.message(lang))
    return lines or [translate("relay.nothing_to_send", lang)]
