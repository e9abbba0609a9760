"""The member's devices (docs/sync.md): what the app calls at unlock and on « Synchroniser »,
and what `journal-app device …` calls. The screens (« Mes appareils ») will call the same."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from journal_app.errors import RessentiError
from journal_app.i18n import translate
from journal_app.relay_client import RelayClient
from journal_app.sync import transport
from journal_app.sync.engine import Sync
from journal_app.sync.transport import DeviceMailbox
from journal_app.vault.storage import Database


def attach(db: Database) -> Sync | None:
    """At opening: a vault paired with other devices stamps and queues what each save changes
    (a vault never paired does not: nothing would carry it)."""
    return Sync(db) if transport.link_of(db) is not None else None


def privacy_delay() -> None:
    """The random delay before a round leaves (2–20 s, as for a circle's insights: docs/relay.md),
    so the relay's clock says less about when the person wrote."""
    from journal_app.usecases.relay import send_delay

    time.sleep(send_delay(random.Random(random.SystemRandom().random())))


@dataclass
class SyncRound:
    linked: bool = True
    sent: int = 0  # changes
    envelopes: int = 0
    received: int = 0  # changes taken in (new or merged)
    conflicts: list[str] = field(default_factory=list)
    set_aside: int = 0
    error: RessentiError | None = None


def sync_now(db: Database, *, delay: Callable[[], None] = privacy_delay,
             client: Callable[[str], RelayClient] = RelayClient, allow_mass_deletion: bool = False) -> SyncRound:
    """Take what the other devices sent, then, after the random delay, send what waits here.
    An error (the relay down, a refusal) is kept in the round, said in one sentence: nothing is
    lost, what waits leaves at the next try. MassDeletion is raised (the person decides)."""
    from journal_app.sync.engine import MassDeletion

    link = transport.link_of(db)
    if link is None:
        return SyncRound(linked=False)
    sync = Sync(db)
    round_ = SyncRound()
    relay = client(link.url)
    try:
        received = transport.receive(sync, link, relay, allow_mass_deletion=allow_mass_deletion)
        round_.received = received.taken.replaced + received.taken.merged
        round_.conflicts, round_.set_aside = received.taken.conflicts, received.set_aside
        link = transport.link_of(db) or link  # a new device may have been announced
        if received.announced:
            # Paired through another device: what this one holds goes to it whole, once (what this
            # device sent before it heard of the new one may not have reached it otherwise).
            transport.post(sync.snapshot(), link, received.announced, relay, gap=lambda: None)
        if sync.pending():
            delay()
            sent = transport.send(sync, link, relay)
            round_.sent, round_.envelopes = sent.changes, sent.envelopes
    except MassDeletion:
        raise
    except RessentiError as exc:
        round_.error = exc
    return round_


def describe_sync(round_: SyncRound, lang: str) -> list[str]:
    if not round_.linked:
        return [translate("devices.not_paired", lang)]
    lines = [translate("devices.received", lang, count=round_.received),
             translate("devices.sent", lang, count=round_.sent)]
    if round_.conflicts:
        lines.append(translate("devices.conflicts", lang, count=len(round_.conflicts)))
    if round_.error is not None:
        lines.append(round_.error.message(lang))
    return lines


def devices(db: Database) -> tuple[DeviceMailbox | None, list[DeviceMailbox]]:
    """This device and the member's others (as this device knows them)."""
    link = transport.link_of(db)
    if link is None:
        return None, []
    return link.own, list(link.others)


def remove_device(db: Database, name: str, *,
                  client: Callable[[str], RelayClient] = RelayClient) -> DeviceMailbox:
    """« Retirer cet appareil » (a lost phone): the member's other devices draw a new sync key and
    new mailboxes; the removed one can read nothing written after (docs/sync.md). Raises
    DeviceUnknown, DeviceKeyMissing, SyncUnreachable or SyncRefused (each one sentence)."""
    from journal_app.sync.devices import remove_device as remove

    return remove(Sync(db), name, client)
