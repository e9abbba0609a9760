"""The member's devices (docs/sync.md): what the app calls at unlock and on « Synchroniser »,
and what `journal-app device …` calls; the screens (« Mes appareils », journal_app/views/devices.py)
call the same."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from journal_app.errors import RessentiError
from journal_app.i18n import format_date, translate
from journal_app.relay_client import RelayClient
from journal_app.sync import is_linked, transport
from journal_app.sync.engine import Sync
from journal_app.sync.transport import DeviceMailbox
from journal_app.vault.storage import Database

if TYPE_CHECKING:
    from journal_app.sync.devices import HolderPairing, JoinerPairing


def attach(db: Database) -> Sync | None:
    """At opening: a vault paired with other devices stamps and queues what each save changes
    (a vault never paired does not: nothing would carry it)."""
    return Sync(db) if is_linked(db) else None


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
    refused: int = 0  # posted to a mailbox left at a removal by no remaining device (the removed one)
    error: RessentiError | None = None
    # Another device away past the relay's time-to-live (the relay deleted its mailbox, idle): not an
    # error, what waits here is kept and leaves once that device is back and has opened it again.
    away: bool = False
    # A journal's first arrival on this device, when it was not complete as the round began:
    # how far it came by its end (said until it is complete, and once when it is).
    arrival: transport.Arriving | None = None


def sync_now(db: Database, *, delay: Callable[[], None] = privacy_delay,
             client: Callable[[str], RelayClient] = RelayClient, allow_mass_deletion: bool = False) -> SyncRound:
    """Take what the other devices sent, then, after the random delay, send what waits here.
    An error (the relay down, a refusal) is kept in the round, said in one sentence: nothing is
    lost, what waits leaves at the next try. Another device away past the relay's time-to-live is
    no error (`away`): what waits here is kept for it. MassDeletion is raised (the person decides)."""
    with _ROUNDS:  # one round at a time (« Synchroniser » while the app's own round runs)
        return _sync_round(db, delay, client, allow_mass_deletion)


_ROUNDS = threading.Lock()


def _sync_round(db: Database, delay: Callable[[], None], client: Callable[[str], RelayClient],
                allow_mass_deletion: bool) -> SyncRound:
    from journal_app.sync.engine import MassDeletion

    link = transport.link_of(db)
    if link is None:
        return SyncRound(linked=False)
    sync = Sync(db)
    round_ = SyncRound()
    relay = client(link.url)
    arriving = transport.arrival(db)
    try:
        received = transport.receive(sync, link, relay, allow_mass_deletion=allow_mass_deletion)
        transport.remember_days(db)  # a vault paired before the days were kept with the link
        round_.received = received.taken.replaced + received.taken.merged
        round_.conflicts, round_.set_aside = received.taken.conflicts, received.set_aside
        round_.refused, round_.away = received.refused, received.away
        # A device paired through another one was sent what this one holds, in `receive` (and a
        # snapshot stopped half-way goes on at the next round).
        link = transport.link_of(db) or link
        if sync.pending():
            delay()
            sent = transport.send(sync, link, relay)
            round_.sent, round_.envelopes = sent.changes, sent.envelopes
            round_.away = round_.away or bool(sent.away)
    except MassDeletion:
        raise
    except transport.SyncRefused as exc:
        if exc.reason == "other_mailbox_gone":  # what was not taken stays owed (`sync_out`, `_ASKED`, ...)
            round_.away = True
        else:
            round_.error = exc
    except RessentiError as exc:
        round_.error = exc
    if arriving is not None and not arriving.complete:
        round_.arrival = transport.arrival(db)
    return round_


def describe_sync(round_: SyncRound, lang: str) -> list[str]:
    """What a round did, one sentence a fact: « 3 changements reçus, 1 envoyé. », the entries
    now holding a version en conflit, its error. `journal-app device sync` prints them a line
    each; the screen shows them on one line (`sync_line`). A round stopped before anything moved
    (the relay down) says only that."""
    if not round_.linked:
        return [translate("devices.not_paired", lang)]
    lines = []
    if (round_.error is None and not round_.away) or round_.received or round_.sent:
        lines.append(translate("devices.synced", lang,
                               received=translate("devices.synced_received", lang, count=round_.received),
                               sent=translate("devices.synced_sent", lang, count=round_.sent)))
    if round_.conflicts:
        lines.append(translate("devices.conflicts", lang, count=len(round_.conflicts)))
    if round_.refused:
        lines.append(translate("devices.refused_removed", lang, count=round_.refused))
    if round_.arrival is not None:
        lines.append(arrival_line(round_.arrival, lang))
    if round_.away:
        lines.append(translate("devices.other_away", lang))
    if round_.error is not None:
        lines.append(round_.error.message(lang))
    return lines


def arrival_line(arriving: transport.Arriving, lang: str) -> str:
    """Whether the journal has all arrived on this device since it was paired, and how far it came."""
    if arriving.complete:
        return translate("devices.arrived_complete", lang)
    if arriving.total is None:
        return translate("devices.arriving_unknown", lang)
    return translate("devices.arriving", lang, done=min(arriving.done, arriving.total), count=arriving.total)


def arrival_under_way(db: Database) -> transport.Arriving | None:
    """The journal's first arrival on this device, while it is not complete (« Mes appareils »)."""
    arriving = transport.arrival(db)
    return arriving if arriving is not None and not arriving.complete else None


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


# --- for the screens (« Mes appareils », « Ajouter un appareil », « J'ai déjà un journal… ») --
@dataclass(frozen=True)
class DeviceRow:
    device: str
    name: str  # short and readable: « Appareil 7F3A »
    added: date | None
    this: bool


def short_name(device: str, lang: str) -> str:
    """A device's id is long and random; its first four characters, upper case, tell two apart."""
    return translate("devices.short_name", lang, id="".join(c for c in device if c.isalnum())[:4].upper())


def device_list(db: Database, lang: str) -> list[DeviceRow]:
    """This device first, then the others in the order they were added, each with the day it was
    first seen here (kept with the link when it was: a listing only reads)."""
    link = transport.link_of(db)
    if link is None:
        return []
    table = db.table(transport.DAYS)

    def row(device: str, this: bool) -> DeviceRow:
        try:
            added: date | None = date.fromisoformat(str((table.get_doc(device) or {})["day"]))
        except (KeyError, TypeError, ValueError):
            added = None
        return DeviceRow(device, short_name(device, lang), added, this)

    return [row(link.own.device, True), *(row(d.device, False) for d in link.others)]


def spaced_digits(digits: str) -> str:
    """The six digits both devices show, as read aloud: « 482 913 »."""
    return f"{digits[:3]} {digits[3:]}"


def device_line(row: DeviceRow, lang: str) -> str:
    """How a device is named to the person, on « Mes appareils » and by `journal-app device list`:
    « Appareil 7F3A — cet appareil », « Appareil 2B9C — ajouté le 7 décembre 2026 »."""
    if row.this:
        return translate("devices.this_device", lang, name=row.name)
    if row.added is not None:
        return translate("devices.added_on", lang, name=row.name, day=format_date(row.added, lang))
    return translate("devices.added_unknown", lang, name=row.name)


def sync_line(round_: SyncRound, lang: str) -> str:
    """What a round did, in one line (the screen): the sentences of `describe_sync`."""
    return " ".join(describe_sync(round_, lang))


class PairingCancelled(RessentiError):
    """The person tapped « Annuler » while the app waited for the other device."""

    key = "error.pairing_cancelled"


class _Cancellable(RelayClient):
    """A relay client that stops a pairing's wait at its next listing once `cancel` is set."""

    def __init__(self, url: str, cancel: threading.Event) -> None:
        super().__init__(url)
        self._cancel = cancel

    def list_envelopes(self, *args: Any, **kwargs: Any) -> Any:
        if self._cancel.is_set():
            raise PairingCancelled()
        return super().list_envelopes(*args, **kwargs)


def _clients(cancel: threading.Event | None) -> Callable[[str], RelayClient]:
    return RelayClient if cancel is None else (lambda url: _Cancellable(url, cancel))


def start_adding(db: Database, cancel: threading.Event | None = None) -> HolderPairing:
    """« Ajouter un appareil », `journal-app device add`: the pairing on the device that holds the
    journal (its `start()` gives the code). Raises NoCircleRelay when the member holds no circle
    with a relay. `cancel`: the screen's « Annuler »."""
    from journal_app.sync.devices import HolderPairing

    return HolderPairing(Sync(db), client_factory=_clients(cancel))


def start_joining(db: Database, code: str, cancel: threading.Event | None = None) -> JoinerPairing:
    """« J'ai déjà un journal sur un autre appareil », `journal-app device join`: a mistyped code,
    or a journal already paired (AlreadyPaired), is said at once."""
    from journal_app.sync.devices import JoinerPairing

    if transport.link_of(db) is not None:
        raise AlreadyPaired()
    return JoinerPairing(Sync(db), code, client_factory=_clients(cancel))


class AlreadyPaired(RessentiError):
    key = "error.already_paired"
