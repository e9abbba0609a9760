"""The member's changes from device to device through the relay (docs/sync.md).

Each device has a personal mailbox on the relay of one of the member's circles, opened with
that circle's send capability (no one is asked). The member's devices share a sync group: an
X25519 key pair no one else holds. What `Sync.pending()` holds is sealed to it, several changes
to an envelope (a change too large for one envelope goes in parts), in the envelope format of
circle insights, and posted to each other device's mailbox, sealed anew for each (the same
bytes in two mailboxes would tell the relay they belong together). The changes are marked sent
only once the relay has taken them for every other device.

Receiving lists the device's own mailbox, opens each envelope, takes the changes in one save
(`Sync.take`: a replayed or reordered change changes nothing) and acknowledges the envelopes
only after that save: a device stopped in between takes the same envelopes again, and nothing
changes twice. An envelope that does not open (another key, damaged) is set aside and
acknowledged; the parts of a change not all arrived yet stay on the relay until they have.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from journal_app.errors import RessentiError
from journal_app.relay import capabilities
from journal_app.relay_client import RelayClient, RelayRefused, RelayUnreachable
from journal_app.sharing import MAX_PADDED, EnvelopeDamaged, RelayAccess, b64, open_plain, seal_plain, unb64
from journal_app.sync import LINK
from journal_app.sync.engine import Change, Sync, Taken
from journal_app.vault.storage import Database

_T = TypeVar("_T")
_AAD = b"ressenti-sync-v1:"  # not a circle's: a sync envelope never opens as an insight
_LABEL = b"ressenti sync mailbox label v1\n"
DAYS = "device_days"  # device id -> the day this device first saw it (per device, never synced)
_COUNTERS = "counters"  # in LINK: the last number this device gave an envelope, per mailbox
_ASKED = "asked"  # in LINK: devices owed a snapshot (they asked, or were just announced), how far each went
_ANNOUNCING = "announcing"  # in LINK: devices (just paired here) still to announce to the others
_HEARD = "heard"  # in LINK: the numbers this device's mailbox received, per sender
_ARRIVING = "arriving"  # in LINK, on a device just paired: how far the journal's first arrival came
_REKEY_AAD = b"ressenti-sync-rekey-v1:"  # a new sync key, sealed to one device's own key
_REKEY_MAC = b"ressenti sync rekey v1 mac"
_ENVELOPE_MAC = b"ressenti sync envelope v1 mark"  # the key of a device's marks for another (`_marked`)
_MARK = b',"mark":"'
RETIRED_DAYS = 7  # days a mailbox left at a removal is still drained
MAX_PLAIN = MAX_PADDED - 4  # the most one envelope carries (its padding's length prefix aside)
PART = 12_000  # bytes of a too-large change in each part (base64 in the part: under MAX_PLAIN)
ROUND = 10  # pages of a listing taken in one save
# Envelopes a page: a full sync envelope is some 23,000 characters listed, and the client reads
# at most 8 MiB of an answer (1,000 full ones would not parse: a first arrival stopped there).
PAGE = 200


class SyncRelayError(RessentiError):
    key = "error.sync_unreachable"


class SyncUnreachable(SyncRelayError):
    """The relay did not answer: nothing was lost, what waits leaves at the next try."""

    key = "error.sync_unreachable"


class SyncRefused(SyncRelayError):
    """The relay said no (a mailbox full, a capability it no longer knows, too many requests)."""

    key = "error.sync_refused"
    REASONS = ("mailbox_full", "capability_refused", "personal_mailboxes_full", "rate_limited", "other_mailbox_gone")

    def __init__(self, status: int, reason: str = "") -> None:
        super().__init__(status=status)
        self.status, self.reason = status, reason

    def message(self, lang: str) -> str:
        from journal_app.i18n import translate

        if self.reason in self.REASONS:
            return translate(f"error.sync.{self.reason}", lang)
        return translate(self.key, lang, status=self.status)


def _post_to(client: RelayClient, device: DeviceMailbox, envelope: Any) -> None:
    """One envelope to another device's mailbox. A mailbox the relay no longer knows was deleted
    as idle (that device away past the relay's time-to-live; it opens it again when it syncs):
    said as such, and what waits leaves at a later round."""
    try:
        _translated(client.post_envelope, device.mailbox, device.send, envelope)
    except SyncRefused as exc:
        if exc.reason == "capability_refused":
            raise SyncRefused(exc.status, "other_mailbox_gone") from None
        raise


def _translated(call: Callable[..., _T], *args: Any) -> _T:
    """`call(*args)`, with the relay client's errors said as sync errors."""
    try:
        return call(*args)
    except RelayUnreachable:
        raise SyncUnreachable() from None
    except RelayRefused as exc:
        raise SyncRefused(exc.status, exc.reason) from None


# --- what the member's devices hold ----------------------------------------------------------
@dataclass(frozen=True)
class SyncGroup:
    """The key only the member's devices hold (carried to a new device by pairing)."""

    private_key: bytes  # X25519, 32 bytes

    @classmethod
    def create(cls, rng: Callable[[int], bytes] = secrets.token_bytes) -> SyncGroup:
        return cls(rng(32))

    @property
    def public_key(self) -> bytes:
        return X25519PrivateKey.from_private_bytes(self.private_key).public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def label(self, mailbox: str) -> str:
        """The 20 hex digits in the `circle` field of the envelopes for one mailbox: one for each
        mailbox (as a circle's mailbox sees one circle id), and not the same in two, so the field
        does not tell the relay which mailboxes are one member's."""
        return hmac.new(self.private_key, _LABEL + mailbox.encode("ascii"), hashlib.sha256).hexdigest()[:20]


def public_of(private_key: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class DeviceMailbox:
    device: str  # the device's id (`Sync.device`)
    mailbox: str
    send: str  # its send capability: every device of the member holds it
    read: str = ""  # its read capability: only on the device itself
    key: str = ""  # the device's own X25519 public key (base64): a new sync key is sealed to it

    def pack(self) -> dict[str, str]:
        packed = {"device": self.device, "mailbox": self.mailbox, "send": self.send, "read": self.read}
        return {**packed, "key": self.key} if self.key else packed

    @classmethod
    def unpack(cls, raw: dict[str, Any]) -> DeviceMailbox:
        return cls(str(raw["device"]), str(raw["mailbox"]), str(raw["send"]), str(raw.get("read", "")),
                   str(raw.get("key", "")))


@dataclass(frozen=True)
class Retired:
    """A mailbox this device left when a device was removed: drained a while (what the other
    devices posted there before they heard of its new one), then forgotten."""

    mailbox: str
    read: str
    group: SyncGroup  # the sync key of its time
    day: int  # the day it was left (days since 1970)

    def pack(self) -> dict[str, Any]:
        return {"mailbox": self.mailbox, "read": self.read, "group": b64(self.group.private_key), "day": self.day}

    @classmethod
    def unpack(cls, raw: dict[str, Any]) -> Retired:
        return cls(str(raw["mailbox"]), str(raw["read"]), SyncGroup(unb64(raw["group"])), int(raw["day"]))


def today() -> int:
    return int(time.time() // 86400)


@dataclass(frozen=True)
class Link:
    """What one device needs to sync through the relay."""

    url: str
    group: SyncGroup
    own: DeviceMailbox
    others: tuple[DeviceMailbox, ...] = ()
    device_key: bytes = b""  # this device's own X25519 private key (never leaves it)
    retired: tuple[Retired, ...] = ()

    def with_device(self, other: DeviceMailbox) -> Link:
        kept = tuple(d for d in self.others if d.device != other.device)
        return replace(self, others=(*kept, replace(other, read="")))

    def with_device_key(self) -> Link:
        """This link with a device key of its own (made once), its public half in `own`."""
        if self.device_key:
            return self
        private = secrets.token_bytes(32)
        return replace(self, device_key=private, own=replace(self.own, key=b64(public_of(private))))

    def pack(self) -> dict[str, Any]:
        packed = {"url": self.url, "group": b64(self.group.private_key), "own": self.own.pack(),
                  "others": [d.pack() for d in self.others]}
        if self.device_key:
            packed["device_key"] = b64(self.device_key)
        if self.retired:
            packed["retired"] = [r.pack() for r in self.retired]
        return packed

    @classmethod
    def unpack(cls, raw: dict[str, Any]) -> Link:
        return cls(str(raw["url"]), SyncGroup(unb64(raw["group"])), DeviceMailbox.unpack(raw["own"]),
                   tuple(DeviceMailbox.unpack(d) for d in raw.get("others", [])),
                   unb64(raw["device_key"]) if raw.get("device_key") else b"",
                   tuple(Retired.unpack(r) for r in raw.get("retired", [])))


def _put_link(tables: dict[str, dict[str, Any]], link: Link) -> None:
    """The link into a save, with the day each device it names was first seen here (`DAYS`: a
    device paired here, the pairing's day; one announced by another device, the day the news
    arrived). Every save of the link goes through here: listing the devices only reads."""
    tables.setdefault(LINK, {})["self"] = link.pack()
    _put_days(tables, link)


def _put_days(tables: dict[str, dict[str, Any]], link: Link) -> None:
    days = tables.setdefault(DAYS, {})
    for device in (link.own, *link.others):
        if device.device not in days:
            days[device.device] = {"day": date.today().isoformat()}


def remember_days(db: Database) -> None:
    """The day of each device the link names that has none yet (a vault paired before the days
    were kept with the link): at a sync round, where a device is seen, never at a listing."""
    link = link_of(db)
    if link is None:
        return
    held = db.table(DAYS)
    if all(held.get_doc(device.device) for device in (link.own, *link.others)):
        return

    def update(tables: dict[str, dict[str, Any]]) -> None:
        _put_days(tables, link)

    db.change(update)


def keep_link(db: Database, link: Link, *, arriving_from: str = "", announcing: str = "") -> None:
    """Keep the link; with `arriving_from` (a device just paired), in the same save, that the
    journal is on its way from that device and has not all arrived (`arrival`); with `announcing`
    (this device's id, its new mailbox), that the others are owed its announcement."""
    def update(tables: dict[str, dict[str, Any]]) -> None:
        _put_link(tables, link)
        if announcing:
            _add_announcing(tables[LINK], [announcing])
        if arriving_from:
            tables[LINK][_ARRIVING] = {"from": arriving_from, "total": None, "done": 0, "end": None,
                                       "complete": False}

    db.change(update)


@dataclass(frozen=True)
class Arriving:
    """The journal's first arrival on a device just paired: the snapshot its holder sends,
    between two markers (`send_snapshot`), in that device's numbered series."""

    sender: str
    total: int | None  # changes in the snapshot, once its first marker came
    done: int  # changes taken from the sender since the pairing
    end: int | None  # the number of the snapshot's last envelope in the sender's series, once known
    complete: bool

    @classmethod
    def unpack(cls, raw: dict[str, Any]) -> Arriving:
        total, end = raw.get("total"), raw.get("end")
        return cls(str(raw.get("from", "")), int(total) if total is not None else None, int(raw.get("done", 0)),
                   int(end) if end is not None else None, bool(raw.get("complete")))


def arrival(db: Database) -> Arriving | None:
    """How far the journal's first arrival came here (None: this device was never paired as a
    new one)."""
    raw = db.table(LINK).get_doc(_ARRIVING)
    return Arriving.unpack(raw) if raw else None


def link_of(db: Database) -> Link | None:
    raw = db.table(LINK).get_doc("self")
    return Link.unpack(raw) if raw else None


def _open_personal(client: RelayClient, circle: RelayAccess, box: DeviceMailbox) -> bool:
    """Open `box` on a circle's relay with its send capability: whether the relay took it."""
    from journal_app.circle_messages import new_signing_key, signing_public_key

    # A signing key as a circle's would have (the relay keeps one for every mailbox; a device's
    # is never used).
    sign = b64(signing_public_key(new_signing_key(secrets.token_bytes)))
    answer = _translated(client.open_personal, box.mailbox, capabilities.digest(box.send),
                         capabilities.digest(box.read), sign, circle.mailbox, circle.send_capability)
    return answer in ("created", "same")


def open_mailbox(client: RelayClient, circle: RelayAccess, device: str) -> DeviceMailbox:
    """This device's personal mailbox, opened on a circle's relay with its send capability."""
    for _ in range(3):
        mine = DeviceMailbox(device, capabilities.new_mailbox(), capabilities.new_capability(),
                             capabilities.new_capability())
        if _open_personal(client, circle, mine):
            return mine
    raise SyncRefused(409, "conflict")


def reopen_mailbox(client: RelayClient, circle: RelayAccess, own: DeviceMailbox) -> None:
    """This device's own mailbox, deleted by the relay as idle, opened again as it was."""
    if not _open_personal(client, circle, own):
        raise SyncRefused(409, "conflict")


# --- changes in envelopes --------------------------------------------------------------------
def _json(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


_HEAD, _TAIL = b'{"type":"sync","changes":[', b"]}"
_TRAILER = 128  # room kept for the sender's id, the envelope's number and its mark (`_numbered`, `_marked`)


def _parts(whole: bytes) -> list[bytes]:
    digest = hashlib.sha256(whole).hexdigest()
    chunks = [whole[n:n + PART] for n in range(0, len(whole), PART)]
    return [_json({"type": "sync-part", "whole": digest, "n": n, "of": len(chunks), "data": b64(chunk)})
            for n, chunk in enumerate(chunks)]


def batches(changes: Iterable[Change]) -> Iterator[tuple[list[Change], list[bytes]]]:
    """The changes in envelopes' plaintexts, as many to an envelope as fit; a change larger than
    one envelope in parts (the same change always makes the same parts: parts posted by two
    tries still make it whole)."""
    room = MAX_PLAIN - len(_HEAD) - len(_TAIL) - _TRAILER
    group: list[Change] = []
    raws: list[bytes] = []

    def flush() -> tuple[list[Change], list[bytes]]:
        done = (list(group), [_HEAD + b",".join(raws) + _TAIL])
        group.clear()
        raws.clear()
        return done

    for change in changes:
        raw = _json(change.pack())
        if len(raw) > room:
            if group:
                yield flush()
            yield [change], _parts(_HEAD + raw + _TAIL)
            continue
        if group and sum(map(len, raws)) + len(raws) + len(raw) > room:
            yield flush()
        group.append(change)
        raws.append(raw)
    if group:
        yield flush()


def _envelope_gap() -> None:
    time.sleep(1.0 + 7.0 * random.SystemRandom().random())


@dataclass
class Sent:
    changes: int = 0
    envelopes: int = 0
    away: list[str] = field(default_factory=list)  # devices whose mailbox the relay deleted (`send`)


def send(sync: Sync, link: Link, client: RelayClient | None = None, *,
         gap: Callable[[], None] = _envelope_gap) -> Sent:
    """Post what waits to every other device's mailbox, a random 1–8 s between two envelopes
    (as a circle's insights leave); each batch is marked sent once every device's mailbox took
    it. SyncUnreachable or SyncRefused stop it: what was not taken waits for the next try.

    A device whose mailbox the relay deleted (away past its time-to-live) is passed over while
    others take the batch: it is owed a snapshot instead (before the batch is marked sent), sent
    once it is back and has opened its mailbox again (`receive`), and is named in `Sent.away`.
    When no device takes a batch, it waits here (SyncRefused "other_mailbox_gone")."""
    return post(sync.pending(), link, link.others, client, gap=gap, done=sync.sent, db=sync.database,
                pass_away=True)


def _marked(plain: bytes, link: Link, to: DeviceMailbox) -> bytes:
    """The plaintext (a JSON object naming its sender in `from`) with its mark for `to`:
    HMAC-SHA-256 under a key only this device and `to` derive (X25519 of their own keys), so `to`
    knows which of its devices posted it; the removed device, which holds the old sync key and
    the old mailboxes' send capabilities, cannot mark as another (`sender_of`). Unmarked when
    either has no key of its own yet."""
    if not (link.device_key and to.key):
        return plain
    mark = _mark(plain, to.device, _mac_key(link.device_key, unb64(to.key), _ENVELOPE_MAC))
    return plain[:-1] + _MARK + mark.encode("ascii") + b'"}'


def _mark(body: bytes, to: str, key: bytes) -> str:
    return b64(hmac.new(key, b"ressenti-sync-mark-v1\x1f" + body + b"\x1f" + to.encode(), hashlib.sha256).digest())


def sender_of(plain: bytes, doc: Any, link: Link) -> str:
    """The device among this one's others whose mark this plaintext carries ("" if none does)."""
    if not (isinstance(doc, dict) and isinstance(doc.get("from"), str) and isinstance(doc.get("mark"), str)
            and link.device_key):
        return ""
    at = plain.rfind(_MARK)
    sender = next((d for d in link.others if d.device == doc["from"] and d.key), None)
    if sender is None or at < 0 or plain[at:] != _MARK + doc["mark"].encode("ascii", "replace") + b'"}':
        return ""
    try:
        expected = _mark(plain[:at] + b"}", link.own.device, _mac_key(link.device_key, unb64(sender.key),
                                                                      _ENVELOPE_MAC))
    except ValueError:
        return ""
    return sender.device if hmac.compare_digest(doc["mark"], expected) else ""


def _numbered(plain: bytes, me: str, seq: int) -> bytes:
    """The plaintext with its sender and its number in the sender's series for this mailbox: a
    number missing for good tells the receiver that envelopes were lost (the relay's time-to-live)."""
    return plain[:-1] + b',"from":' + _json(me) + b',"seq":' + str(seq).encode() + b"}"


def _doc(db: Database, name: str) -> dict[str, Any]:
    return dict(db.table(LINK).get_doc(name) or {})


def _keep_doc(db: Database, name: str, doc: dict[str, Any]) -> None:
    def update(tables: dict[str, dict[str, Any]]) -> None:
        tables.setdefault(LINK, {})[name] = doc

    db.change(update)


def post(changes: Iterable[Change], link: Link, devices: Iterable[DeviceMailbox],
         client: RelayClient | None = None, *, gap: Callable[[], None] = _envelope_gap,
         done: Callable[[list[Change]], None] | None = None,
         progress: Callable[[int], None] | None = None, db: Database | None = None,
         pass_away: bool = False) -> Sent:
    """`changes` in envelopes to each of `devices`' mailboxes (`send`, and a new device's first
    arrival: `Sync.snapshot`); `done(batch)` once every mailbox took a batch. With `db`, each
    envelope carries its number in this device's series for that mailbox (kept in the vault).
    With `pass_away` (and `db`), a mailbox the relay deleted is passed over while another takes
    the batch, its device owed a snapshot (`send`)."""
    client = client or RelayClient(link.url)
    sent = Sent()
    devices = list(devices)
    if not devices:
        return sent
    counters = _doc(db, _COUNTERS) if db is not None else None
    try:
        for batch, plains in batches(changes):
            gone: SyncRefused | None = None
            for device in list(devices):
                label = link.group.label(device.mailbox)
                try:
                    for plain in plains:
                        seq = 0
                        if counters is not None:
                            seq = int(counters.get(device.mailbox, 0)) + 1
                            plain = _numbered(plain, link.own.device, seq)
                        plain = _marked(plain, link, device)
                        envelope = seal_plain(plain, label, link.group.public_key, _AAD)
                        if sent.envelopes:
                            gap()
                        _post_to(client, device, envelope)
                        if counters is not None:  # only once the relay took it: a number is never skipped
                            counters[device.mailbox] = seq
                        sent.envelopes += 1
                except SyncRefused as exc:
                    if not (pass_away and db is not None and exc.reason == "other_mailbox_gone"):
                        raise
                    gone = exc
                    devices.remove(device)
                    sent.away.append(device.device)
            if gone is not None:
                if not devices:  # no one took it: it waits here (and no one is owed anything)
                    raise gone
                assert db is not None
                _owe(db, sent.away)  # before the batch is marked sent: a stop in between loses nothing
            if done is not None:
                if db is not None and counters is not None:
                    _keep_doc(db, _COUNTERS, counters)
                done(batch)
            sent.changes += len(batch)
            if progress is not None:
                progress(sent.changes)
    finally:
        if db is not None and counters is not None and sent.envelopes:
            _keep_doc(db, _COUNTERS, counters)
    return sent


def announce(link: Link, new: DeviceMailbox, client: RelayClient | None = None) -> int:
    """Tell the member's other devices (all but `new`) that a new device's mailbox exists: a
    sealed envelope like any other, `{"type": "sync-device", "device": {...}}` (its send
    capability, never its read one). Each takes it into its link when it receives."""
    client = client or RelayClient(link.url)
    plain = _json({"type": "sync-device", "device": replace(new, read="").pack(), "from": link.own.device})
    count = 0
    for device in link.others:
        if device.device == new.device:
            continue
        envelope = seal_plain(_marked(plain, link, device), link.group.label(device.mailbox), link.group.public_key,
                              _AAD)
        _post_to(client, device, envelope)
        count += 1
    return count


# --- receiving ---------------------------------------------------------------------------------
@dataclass
class Received:
    envelopes: int = 0  # acknowledged
    taken: Taken = field(default_factory=Taken)
    set_aside: int = 0  # did not open, or did not hold changes
    waiting: int = 0  # parts of a change whose other parts have not arrived
    announced: list[DeviceMailbox] = field(default_factory=list)  # new devices (now in the link)
    asked: list[str] = field(default_factory=list)  # devices that asked this one for a snapshot
    gaps: list[str] = field(default_factory=list)  # devices whose envelopes were lost here: asked
    removed: str = ""  # a device removed by another of the member's: this one took the new key
    refused: int = 0  # in a mailbox left at a removal, not marked by a remaining device (the removed one's)
    away: bool = False  # a device owed a snapshot whose mailbox the relay deleted: still owed


@dataclass
class _Parts:
    of: int
    data: dict[int, bytes] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)


def _opened(plain: bytes) -> Any:
    try:
        return json.loads(plain.decode("utf-8", "surrogatepass"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise EnvelopeDamaged() from None


def _device_of(doc: dict[str, Any]) -> DeviceMailbox:
    raw = doc.get("device")
    try:
        device = DeviceMailbox.unpack(raw) if isinstance(raw, dict) else None
        if device is not None and device.key and len(unb64(device.key)) != 32:
            device = None
    except (KeyError, TypeError, ValueError):
        device = None
    if device is None or not (capabilities.MAILBOX.match(device.mailbox)
                              and capabilities.CAPABILITY.match(device.send)):
        raise EnvelopeDamaged()
    return replace(device, read="")


def _changes_of(doc: Any) -> list[Change]:
    if not (isinstance(doc, dict) and doc.get("type") == "sync" and isinstance(doc.get("changes"), list)):
        raise EnvelopeDamaged()
    try:
        return [Change.unpack(raw) for raw in doc["changes"]]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise EnvelopeDamaged() from None


# --- envelope numbers: envelopes lost to the relay's time-to-live -------------------------------
def _heard_now(heard: dict[str, Any], mailbox: str, numbered: Iterable[tuple[str, int]]) -> dict[str, Any]:
    """The numbers received, per sender: all up to `high`, and those above it."""
    if heard.get("mailbox") != mailbox:  # a new mailbox: each sender's series starts again
        heard = {"mailbox": mailbox, "senders": {}}
    highs = {k: int(v["high"]) for k, v in heard["senders"].items()}
    aboves = {k: {int(n) for n in v["above"]} for k, v in heard["senders"].items()}
    for sender, seq in numbered:
        highs.setdefault(sender, 0)
        if seq > highs[sender]:
            aboves.setdefault(sender, set()).add(seq)
    senders: dict[str, Any] = {}
    for sender, high in highs.items():
        above = aboves.get(sender, set())
        while high + 1 in above:
            high += 1
            above.discard(high)
        senders[sender] = {"high": high, "above": sorted(above)}
    return {"mailbox": mailbox, "senders": senders}


def _keep_heard(db: Database, mailbox: str, heard: list[tuple[str, int]], counted: list[tuple[str, int, int]],
                marks: list[tuple[str, int, str, int]]) -> None:
    """The numbers received, and, in the same save, how far a first arrival came: the changes of
    its sender's envelopes not received before (an envelope taken again after a stop, or posted
    twice, counts once), and what its markers say."""
    def update(tables: dict[str, dict[str, Any]]) -> None:
        mine = tables.setdefault(LINK, {})
        before = _heard_now(dict(mine.get(_HEARD) or {}), mailbox, ())
        mine[_HEARD] = _heard_now(before, mailbox, heard)
        raw = mine.get(_ARRIVING)
        if not raw or raw.get("complete"):
            return
        arriving = dict(raw)
        sender = arriving.get("from")
        record = before["senders"].get(sender, {"high": 0, "above": []})
        new: set[int] = set()
        for who, seq, count in counted:
            if who == sender and seq > record["high"] and seq not in record["above"] and seq not in new:
                new.add(seq)
                arriving["done"] = int(arriving.get("done", 0)) + count
        for who, seq, kind, total in marks:
            if who == sender:
                arriving["total"] = total
                if kind == "sync-snapshot-end":
                    arriving["end"] = seq
        mine[_ARRIVING] = arriving

    db.change(update)


def _settle_arrival(db: Database, mailbox: str, waiting: int) -> None:
    """A first arrival is complete once its last marker came and every envelope its sender
    numbered up to it did (none waits in parts)."""
    raw = _doc(db, _ARRIVING)
    if not raw or raw.get("complete") or raw.get("end") is None or waiting:
        return
    record = _heard_now(_doc(db, _HEARD), mailbox, ())["senders"].get(raw.get("from"))
    if record is not None and record["high"] >= int(raw["end"]):
        _keep_doc(db, _ARRIVING, {**raw, "complete": True})


def _missing(heard: dict[str, Any]) -> list[str]:
    """The senders with a number missing below one received."""
    return sorted(sender for sender, record in heard.get("senders", {}).items() if record["above"])


@functools.lru_cache(maxsize=64)
def _mac_key(private_key: bytes, public_key: bytes, info: bytes = b"") -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    shared = X25519PrivateKey.from_private_bytes(private_key).exchange(X25519PublicKey.from_public_bytes(public_key))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info or _REKEY_MAC).derive(shared)


def _rekey_mac(doc: dict[str, Any], to: str, key: bytes) -> str:
    body = _json({k: v for k, v in sorted(doc.items()) if k != "mac"}) + b"\x1f" + to.encode()
    return b64(hmac.new(key, body, hashlib.sha256).digest())


def seal_rekey(link: Link, to: DeviceMailbox, new_group: SyncGroup, new_own: DeviceMailbox,
               removed: str) -> dict[str, Any]:
    """The new sync key for one remaining device, sealed to that device's own key (never to the
    old sync key, which the removed device holds), authenticated by this device's own key; the
    envelope's label is the one its mailbox always sees."""
    doc: dict[str, Any] = {"type": "sync-rekey", "from": link.own.device, "removed": removed,
                           "group": b64(new_group.private_key), "device": replace(new_own, read="").pack()}
    doc["mac"] = _rekey_mac(doc, to.device, _mac_key(link.device_key, unb64(to.key)))
    return seal_plain(_json(doc), link.group.label(to.mailbox), unb64(to.key), _REKEY_AAD)


def _rekey_from(link: Link, doc: Any) -> tuple[DeviceMailbox, SyncGroup, str] | None:
    """A new sync key from one of this device's others, checked (its own key made the mark)."""
    if not isinstance(doc, dict) or doc.get("type") != "sync-rekey" or not link.device_key:
        return None
    sender = next((d for d in link.others if d.device == doc.get("from") and d.key), None)
    removed = doc.get("removed")
    if sender is None or not isinstance(removed, str) or removed == link.own.device:
        return None
    expected = _rekey_mac(doc, link.own.device, _mac_key(link.device_key, unb64(sender.key)))
    if not hmac.compare_digest(str(doc.get("mac", "")), expected):
        return None
    try:
        device, group = _device_of(doc), SyncGroup(unb64(str(doc["group"])))
    except (EnvelopeDamaged, ValueError):
        return None
    if device.device != sender.device or len(group.private_key) != 32:
        return None
    return device, group, removed


def _take_rekey(sync: Sync, link: Link, client: RelayClient, sender: DeviceMailbox, group: SyncGroup,
                removed: str) -> Link:
    """Another device removed `removed` and drew a new sync key: this device opens a new mailbox,
    keeps its old one a while (drained), and tells the others its new mailbox under the new key."""
    from journal_app.sync.devices import _circle_access

    link = link_of(sync.database) or link  # with the devices announced in the same round
    access = _circle_access(sync.database, link.url)
    own = replace(open_mailbox(client, access, link.own.device), key=link.own.key)
    others = [sender, *(d for d in link.others if d.device not in (removed, sender.device))]
    retired = (*link.retired, Retired(link.own.mailbox, link.own.read, link.group, today()))
    new = Link(link.url, group, own, tuple(others), link.device_key, retired)
    keep_link(sync.database, new, announcing=own.device)  # owed in the same save: sent again after a stop
    send_announcements(sync.database, new, client)
    return new


def receive(sync: Sync, link: Link, client: RelayClient | None = None, *,
            allow_mass_deletion: bool = False) -> Received:
    """Take what the other devices sent to this device's mailbox (and to a mailbox it left at a
    removal, a while); acknowledge it after the save. MassDeletion (nothing taken, nothing
    acknowledged) when it would delete more than a quarter of the journal, until the person
    confirms (`allow_mass_deletion`). A new sync key (a device removed) is taken at the end of
    its round; a number missing for good in a sender's series asks that sender for a snapshot."""
    client = client or RelayClient(link.url)
    received = Received()
    db = sync.database
    stored = link_of(db)
    if stored == link and not link.device_key:  # paired before devices had keys of their own
        link = give_device_key(db, link, client)
    fresh = [r for r in link.retired if today() - r.day <= RETIRED_DAYS]
    if len(fresh) != len(link.retired):
        link = replace(link, retired=tuple(fresh))
        keep_link(db, link)
    sources = [(link.own.mailbox, link.own.read, [link.group], True)]
    sources += [(r.mailbox, r.read, [link.group, r.group], False) for r in link.retired]
    for mailbox, read, groups, numbered in sources:
        try:
            rekey = _receive_from(sync, link, client, received, mailbox, read, groups, numbered, allow_mass_deletion)
        except SyncRefused as exc:
            if exc.reason != "capability_refused":
                raise
            # The relay deleted the mailbox: it held nothing and no device used it for the
            # relay's time-to-live (docs/relay.md). A mailbox left at a removal has nothing more
            # to drain; this device's own is opened again, with the same id and capabilities
            # (the others post to it as before), and read again, empty.
            if not numbered:
                continue
            from journal_app.sync.devices import _circle_access

            reopen_mailbox(client, _circle_access(db, link.url), link.own)
            rekey = _receive_from(sync, link, client, received, mailbox, read, groups, numbered, allow_mass_deletion)
        if rekey is not None:
            sender, group, removed, ids = rekey
            received.removed = removed
            _take_rekey(sync, link, client, sender, group, removed)
            # Only now that the key is kept: a stop before finds its envelope again at the next
            # round (and one after, in the mailbox just left, is a key taken already).
            for start in range(0, len(ids), 5000):
                _translated(client.acknowledge, mailbox, read, ids[start:start + 5000])
            received.envelopes += len(ids)
            break
    if not received.removed:
        _settle_arrival(db, link.own.mailbox, received.waiting)
        send_announcements(db, link_of(db) or link, client)  # a device paired here, not yet announced (a stop)
    owed = list(_doc(db, _ASKED).get("devices", []))
    if owed and not received.removed:
        # Another device lost envelopes (past the relay's time-to-live), or was just paired through
        # another device (what this one sent before it heard of it may not have reached it): what
        # this one holds, deletions too, to its mailbox; its own unsent changes it keeps and sends
        # as usual. A snapshot stopped half-way (the relay down, a mailbox full) goes on from where
        # it stopped at the next round.
        link = link_of(db) or link
        away: list[str] = []
        for device in link.others:
            if device.device in owed:
                try:
                    send_snapshot(sync, link, device, client)
                except SyncRefused as exc:
                    if exc.reason != "other_mailbox_gone":
                        raise
                    away.append(device.device)  # its mailbox deleted: still owed, once it is back
        left = _doc(db, _ASKED)
        _keep_doc(db, _ASKED, {"devices": [d for d in left.get("devices", []) if d in away],
                               "after": {k: v for k, v in dict(left.get("after") or {}).items() if k in away}})
        received.away = bool(away)
    return received


def _snapshot_key(change: Change) -> tuple[bool, str, str]:
    """The order a snapshot is sent in (documents, then deletions, by table and id): where one
    stopped half-way goes on from."""
    return change.doc is None, change.table, change.id


def owe_snapshot(db: Database, device: str, link: Link) -> None:
    """Note, in the same save as `link`, that `device` (just paired here) is owed what this one
    holds, and that the member's other devices are owed its announcement (`send_announcements`)."""
    _owe(db, [device], link, announcing=[device])


def _owe(db: Database, devices: Iterable[str], link: Link | None = None, announcing: Iterable[str] = ()) -> None:
    """Note, in one save (with the link, when given), that `devices` are owed a snapshot from the
    start (before the acknowledgement of what said so: answered even after a stop), and that
    `announcing` are still to be announced to the others."""
    devices, announcing = set(devices), set(announcing)

    def update(tables: dict[str, dict[str, Any]]) -> None:
        if link is not None:
            _put_link(tables, link)
        mine = tables.setdefault(LINK, {})
        if announcing:
            _add_announcing(mine, announcing)
        owed = dict(mine.get(_ASKED) or {})
        after = {k: v for k, v in dict(owed.get("after") or {}).items() if k not in devices}
        mine[_ASKED] = {"devices": sorted({*owed.get("devices", []), *devices}), "after": after}

    db.change(update)


def _add_announcing(mine: dict[str, Any], devices: Iterable[str]) -> None:
    """In the LINK table being saved: `devices` are owed their announcement (`send_announcements`)."""
    owed = dict(mine.get(_ANNOUNCING) or {}).get("devices", [])
    mine[_ANNOUNCING] = {"devices": sorted({*owed, *devices})}


def give_device_key(db: Database, link: Link, client: RelayClient) -> Link:
    """A link made before devices had keys of their own gets this device's key, kept with its
    announcement owed to the other devices in the same save, then sent (a stop in between sends
    it at the next round: the others must know the key to trust a new sync key it draws)."""
    link = link.with_device_key()
    keep_link(db, link, announcing=link.own.device)
    send_announcements(db, link, client)
    return link


def send_announcements(db: Database, link: Link, client: RelayClient) -> int:
    """Announce to the member's other devices each device still owed it (paired here: noted in the
    save that named it, `owe_snapshot`; this one's new mailbox after a new key, `_take_rekey`),
    then forget it. A stop before (this device killed, the relay down) sends it again at the next
    round: a device that took it already takes it again and nothing changes (it names the device
    once, and owes it nothing more)."""
    owed = [str(d) for d in _doc(db, _ANNOUNCING).get("devices", [])]
    if not owed:
        return 0
    count = 0
    for device in (link.own, *link.others):
        if device.device in owed:
            count += announce(link, device, client)
    still = [d for d in _doc(db, _ANNOUNCING).get("devices", []) if d not in owed]
    _keep_doc(db, _ANNOUNCING, {"devices": still})
    return count


def send_snapshot(sync: Sync, link: Link, device: DeviceMailbox, client: RelayClient,
                   progress: Callable[[int, int], None] | None = None) -> Sent:
    """What this device holds, deletions too, to `device`'s mailbox, between two markers (`{"type":
    "sync-snapshot", "changes": n}` first, `"sync-snapshot-end"` last, numbered like any envelope:
    a device just paired knows from them how much is coming and when all of it came). Stopped
    half-way, it goes on from the last batch the relay took (kept in the vault after each)."""
    db = sync.database
    changes = sorted(sync.snapshot(deleted=True), key=_snapshot_key)
    total = len(changes)
    sent = Sent()
    went = _doc(db, _ASKED).get("after", {}).get(device.device)
    if isinstance(went, list) and len(went) == 3:  # the part sent before a stop is not sent again
        mark = (bool(went[0]), str(went[1]), str(went[2]))
        changes = [c for c in changes if _snapshot_key(c) > mark]
    else:
        _post_numbered(db, link, device, client, {"type": "sync-snapshot", "changes": total})
        sent.envelopes += 1
    remaining = len(changes)

    def went_so_far(batch: list[Change]) -> None:
        owed = _doc(db, _ASKED)
        after = {**owed.get("after", {}), device.device: list(_snapshot_key(batch[-1]))}
        _keep_doc(db, _ASKED, {**owed, "after": after})

    posted = post(changes, link, [device], client, gap=lambda: None, db=db, done=went_so_far,
                  progress=(lambda n: progress(n, remaining)) if progress else None)
    _post_numbered(db, link, device, client, {"type": "sync-snapshot-end", "changes": total})
    owed = _doc(db, _ASKED)
    _keep_doc(db, _ASKED, {"devices": [d for d in owed.get("devices", []) if d != device.device],
                           "after": {k: v for k, v in owed.get("after", {}).items() if k != device.device}})
    return Sent(posted.changes, sent.envelopes + posted.envelopes + 1)


def _post_numbered(db: Database, link: Link, device: DeviceMailbox, client: RelayClient, doc: dict[str, Any]) -> None:
    """One envelope (not changes) to `device`'s mailbox, numbered in this device's series for it."""
    counters = _doc(db, _COUNTERS)
    seq = int(counters.get(device.mailbox, 0)) + 1
    plain = _marked(_numbered(_json(doc), link.own.device, seq), link, device)
    envelope = seal_plain(plain, link.group.label(device.mailbox), link.group.public_key, _AAD)
    _post_to(client, device, envelope)
    _keep_doc(db, _COUNTERS, {**counters, device.mailbox: seq})  # only once the relay took it


def _receive_from(sync: Sync, link: Link, client: RelayClient, received: Received, mailbox: str, read: str,
                  groups: list[SyncGroup], numbered: bool, allow_mass_deletion: bool
                  ) -> tuple[DeviceMailbox, SyncGroup, str, list[str]] | None:
    """Take what `mailbox` holds; a new sync key found there is returned (its sender, the key, the
    device removed, and the ids of its envelopes, left unacknowledged until the key is kept)."""
    db = sync.database
    keys = [(group.label(mailbox), group) for group in groups]
    parts: dict[str, _Parts] = {}  # by the whole's digest
    devices: list[DeviceMailbox] = []  # a new device of the member's, announced
    after: str | None = None
    checked_again = False
    while True:
        done: list[str] = []  # envelopes whose changes this round takes (or sets aside)
        unknown: list[str] = []  # with a label this device does not know (yet)
        changes: list[Change] = []
        heard: list[tuple[str, int]] = []
        counted: list[tuple[str, int, int]] = []  # (sender, number, changes): a first arrival's progress
        marks: list[tuple[str, int, str, int]] = []  # a snapshot's markers: (sender, number, type, changes)
        rekey: tuple[DeviceMailbox, SyncGroup, str] | None = None
        rekeys: list[Any] = []
        rekey_ids: list[str] = []
        aside: list[str] = []  # set aside (or refused): acknowledged even in a round that takes a new key
        senders: list[str] = []  # who marked each announcement in `devices` ("" no one)
        for _ in range(ROUND):
            page, after = _translated(client.list_envelopes, mailbox, read, after, PAGE)
            for item in page:
                try:
                    doc, plain, circle = None, b"", item.envelope.get("circle")
                    matched = any(circle == label for label, _ in keys)
                    for label, group in keys:
                        if circle == label:
                            try:
                                plain = open_plain(item.envelope, label, group.public_key, group.private_key, _AAD)
                                doc = _opened(plain)
                                break
                            except EnvelopeDamaged:
                                continue
                    if doc is None and matched and link.device_key:
                        # This mailbox's label, not sealed to the sync key: a new key, maybe (checked
                        # at the end of the round, once the devices announced in it are known).
                        rekeys.append(_opened(open_plain(item.envelope, str(circle), public_of(link.device_key),
                                                         link.device_key, _REKEY_AAD)))
                        done.append(item.id)
                        rekey_ids.append(item.id)
                        continue
                    if doc is None:
                        if matched:
                            raise EnvelopeDamaged()
                        unknown.append(item.id)
                        continue
                    sender = sender_of(plain, doc, link)
                    if not numbered and not sender:
                        # A mailbox left at a removal: only what one of the remaining devices marked
                        # (the removed one holds the old key and these mailboxes' send capabilities).
                        received.refused += 1
                        done.append(item.id)
                        aside.append(item.id)
                        continue
                    number: tuple[str, int] | None = None
                    if numbered and isinstance(doc, dict) and isinstance(doc.get("from"), str) \
                            and type(doc.get("seq")) is int and doc["seq"] > 0:
                        number = (doc["from"], doc["seq"])
                        heard.append(number)
                    if isinstance(doc, dict) and doc.get("type") == "sync-part":
                        n, of, data = doc.get("n"), doc.get("of"), doc.get("data")
                        if not (type(n) is int and type(of) is int and 0 <= n < of <= 10_000
                                and isinstance(data, str) and isinstance(doc.get("whole"), str)):
                            raise EnvelopeDamaged()
                        held = parts.setdefault(doc["whole"], _Parts(of))
                        held.ids.append(item.id)  # two tries' copies of a part: both acknowledged
                        if held.of == of:
                            held.data[n] = unb64(data)
                        if number is not None:
                            counted.append((*number, 1 if n == 0 else 0))
                        continue
                    if isinstance(doc, dict) and doc.get("type") in ("sync-snapshot", "sync-snapshot-end"):
                        if number is not None and type(doc.get("changes")) is int:
                            marks.append((*number, doc["type"], doc["changes"]))
                    elif isinstance(doc, dict) and doc.get("type") == "sync-device":
                        devices.append(_device_of(doc))
                        senders.append(sender)
                    elif isinstance(doc, dict) and doc.get("type") == "sync-ask":
                        if isinstance(doc.get("device"), str) and doc["device"] not in received.asked:
                            received.asked.append(doc["device"])
                    else:
                        changes += (these := _changes_of(doc))
                        if number is not None:
                            counted.append((*number, len(these)))
                except (EnvelopeDamaged, ValueError):
                    received.set_aside += 1
                    aside.append(item.id)
                done.append(item.id)
            if after is None:
                break
        for whole_digest, held in list(parts.items()):
            if len(held.data) < held.of:
                continue
            whole = b"".join(held.data[n] for n in range(held.of))
            del parts[whole_digest]
            done += held.ids
            try:
                if hashlib.sha256(whole).hexdigest() != whole_digest:
                    raise EnvelopeDamaged()
                changes += _changes_of(_opened(whole))
            except EnvelopeDamaged:
                received.set_aside += 1
        candidate = link_of(db) or link  # with the devices announced in this round
        for device in devices:
            if device.device != candidate.own.device:
                candidate = candidate.with_device(device)
        for doc in rekeys:
            found = _rekey_from(candidate, doc)
            if found is None:
                received.set_aside += 1
            elif found[1] != candidate.group:
                rekey = rekey or found
            # else: a key this device took already (it stopped before it acknowledged the envelope)
        if rekey is not None:
            # A device was removed: this round takes the new key only (and the devices the remaining
            # ones announced, marked). The rest waits on the relay and is judged at the next round,
            # from the mailbox this device leaves now, where only the remaining devices' marks count:
            # what the removed device posted is refused, not taken with the key.
            devices = [d for d, who in zip(devices, senders, strict=True) if who and who != rekey[2]]
            # The key's own envelopes are acknowledged once the key is kept (`receive`): a stop in
            # between finds them again, and a key taken already changes nothing.
            changes, heard, received.asked, done = [], [], [], aside
        if devices:  # kept before the acknowledgement, as the changes are
            link = link_of(db) or link
            known = {d.device for d in link.others}
            for device in devices:
                if device.device != link.own.device:
                    link = link.with_device(device)
            # A device new here is owed what this one holds (a known one told its new mailbox or
            # its key: it is not).
            _owe(db, {d.device for d in devices} - known - {link.own.device}, link)
            received.announced += [d for d in devices if d.device != link.own.device]
            devices.clear()
            senders.clear()
        if changes:
            taken = sync.take(changes, allow_mass_deletion=allow_mass_deletion)  # saved here
            for name in ("replaced", "merged", "already"):
                setattr(received.taken, name, getattr(received.taken, name) + getattr(taken, name))
            received.taken.conflicts += taken.conflicts
        if heard:
            _keep_heard(db, mailbox, heard, counted, marks)
        if received.asked:  # kept before the acknowledgement: answered even after a stop
            _owe(db, received.asked)
        if rekey is None:  # an envelope under a key not yet taken waits for the next round
            received.set_aside += len(unknown)
            done += unknown
        for start in range(0, len(done), 5000):
            _translated(client.acknowledge, mailbox, read, done[start:start + 5000])
        received.envelopes += len(done)
        if rekey is not None:
            return (*rekey, rekey_ids)
        if after is None:
            if not numbered:
                break
            gaps = _missing(_heard_now(_doc(db, _HEARD), mailbox, ()))
            if gaps and not checked_again:
                # Listed once more: an envelope posted during the listing shows now, if it is there.
                checked_again = True
                continue
            if gaps:
                _ask_snapshot(sync, link, client, gaps, received)
            break
    received.waiting += sum(len(held.ids) for held in parts.values())
    return None


def _ask_snapshot(sync: Sync, link: Link, client: RelayClient, gaps: list[str], received: Received) -> None:
    """Numbers missing for good (the relay dropped envelopes past its time-to-live): each sender
    is asked for a snapshot of what it holds; the series starts again from what arrived."""
    db = sync.database
    heard = _heard_now(_doc(db, _HEARD), link.own.mailbox, ())
    for sender in gaps:
        record = heard["senders"][sender]
        record["high"], record["above"] = max([record["high"], *record["above"]]), []
        target = next((d for d in link.others if d.device == sender), None)
        if target is not None:
            plain = _marked(_json({"type": "sync-ask", "device": link.own.device, "from": link.own.device}), link,
                            target)
            envelope = seal_plain(plain, link.group.label(target.mailbox), link.group.public_key, _AAD)
            _translated(client.post_envelope, target.mailbox, target.send, envelope)
        received.gaps.append(sender)
    _keep_doc(db, _HEARD, heard)
