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

import hashlib
import hmac
import json
import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from journal_app.errors import RessentiError
from journal_app.relay import capabilities
from journal_app.relay_client import RelayClient, RelayRefused, RelayUnreachable
from journal_app.sharing import MAX_PADDED, EnvelopeDamaged, RelayAccess, b64, open_plain, seal_plain, unb64
from journal_app.sync.engine import Change, Sync, Taken
from journal_app.vault.storage import Database

_T = TypeVar("_T")
_AAD = b"ressenti-sync-v1:"  # not a circle's: a sync envelope never opens as an insight
_LABEL = b"ressenti sync mailbox label v1\n"
LINK = "sync_link"  # the vault table (per device, never synced) that holds the link
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
    REASONS = ("mailbox_full", "capability_refused", "personal_mailboxes_full", "rate_limited")

    def __init__(self, status: int, reason: str = "") -> None:
        super().__init__(status=status)
        self.status, self.reason = status, reason

    def message(self, lang: str) -> str:
        from journal_app.i18n import translate

        if self.reason in self.REASONS:
            return translate(f"error.sync.{self.reason}", lang)
        return translate(self.key, lang, status=self.status)


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


@dataclass(frozen=True)
class DeviceMailbox:
    device: str  # the device's id (`Sync.device`)
    mailbox: str
    send: str  # its send capability: every device of the member holds it
    read: str = ""  # its read capability: only on the device itself

    def pack(self) -> dict[str, str]:
        return {"device": self.device, "mailbox": self.mailbox, "send": self.send, "read": self.read}

    @classmethod
    def unpack(cls, raw: dict[str, Any]) -> DeviceMailbox:
        return cls(str(raw["device"]), str(raw["mailbox"]), str(raw["send"]), str(raw.get("read", "")))


@dataclass(frozen=True)
class Link:
    """What one device needs to sync through the relay."""

    url: str
    group: SyncGroup
    own: DeviceMailbox
    others: tuple[DeviceMailbox, ...] = ()

    def with_device(self, other: DeviceMailbox) -> Link:
        kept = tuple(d for d in self.others if d.device != other.device)
        return replace(self, others=(*kept, replace(other, read="")))

    def pack(self) -> dict[str, Any]:
        return {"url": self.url, "group": b64(self.group.private_key), "own": self.own.pack(),
                "others": [d.pack() for d in self.others]}

    @classmethod
    def unpack(cls, raw: dict[str, Any]) -> Link:
        return cls(str(raw["url"]), SyncGroup(unb64(raw["group"])), DeviceMailbox.unpack(raw["own"]),
                   tuple(DeviceMailbox.unpack(d) for d in raw.get("others", [])))


def keep_link(db: Database, link: Link) -> None:
    def update(tables: dict[str, dict[str, Any]]) -> None:
        tables.setdefault(LINK, {})["self"] = link.pack()

    db.change(update)


def link_of(db: Database) -> Link | None:
    raw = db.table(LINK).get_doc("self")
    return Link.unpack(raw) if raw else None


def open_mailbox(client: RelayClient, circle: RelayAccess, device: str) -> DeviceMailbox:
    """This device's personal mailbox, opened on a circle's relay with its send capability."""
    from journal_app.circle_messages import new_signing_key, signing_public_key

    for _ in range(3):
        mine = DeviceMailbox(device, capabilities.new_mailbox(), capabilities.new_capability(),
                             capabilities.new_capability())
        # A signing key as a circle's would have (the relay keeps one for every mailbox).
        sign = b64(signing_public_key(new_signing_key(secrets.token_bytes)))
        answer = _translated(client.open_personal, mine.mailbox, capabilities.digest(mine.send),
                             capabilities.digest(mine.read), sign, circle.mailbox, circle.send_capability)
        if answer in ("created", "same"):
            return mine
    raise SyncRefused(409, "conflict")


# --- changes in envelopes --------------------------------------------------------------------
def _json(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


_HEAD, _TAIL = b'{"type":"sync","changes":[', b"]}"


def _parts(whole: bytes) -> list[bytes]:
    digest = hashlib.sha256(whole).hexdigest()
    chunks = [whole[n:n + PART] for n in range(0, len(whole), PART)]
    return [_json({"type": "sync-part", "whole": digest, "n": n, "of": len(chunks), "data": b64(chunk)})
            for n, chunk in enumerate(chunks)]


def batches(changes: Iterable[Change]) -> Iterator[tuple[list[Change], list[bytes]]]:
    """The changes in envelopes' plaintexts, as many to an envelope as fit; a change larger than
    one envelope in parts (the same change always makes the same parts: parts posted by two
    tries still make it whole)."""
    room = MAX_PLAIN - len(_HEAD) - len(_TAIL)
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


def send(sync: Sync, link: Link, client: RelayClient | None = None, *,
         gap: Callable[[], None] = _envelope_gap) -> Sent:
    """Post what waits to every other device's mailbox, a random 1–8 s between two envelopes
    (as a circle's insights leave); each batch is marked sent once every device's mailbox took
    it. SyncUnreachable or SyncRefused stop it: what was not taken waits for the next try."""
    return post(sync.pending(), link, link.others, client, gap=gap, done=sync.sent)


def post(changes: Iterable[Change], link: Link, devices: Iterable[DeviceMailbox],
         client: RelayClient | None = None, *, gap: Callable[[], None] = _envelope_gap,
         done: Callable[[list[Change]], None] | None = None,
         progress: Callable[[int], None] | None = None) -> Sent:
    """`changes` in envelopes to each of `devices`' mailboxes (`send`, and a new device's first
    arrival: `Sync.snapshot`); `done(batch)` once every mailbox took a batch."""
    client = client or RelayClient(link.url)
    sent = Sent()
    devices = list(devices)
    if not devices:
        return sent
    for batch, plains in batches(changes):
        for device in devices:
            label = link.group.label(device.mailbox)
            for plain in plains:
                envelope = seal_plain(plain, label, link.group.public_key, _AAD)
                if sent.envelopes:
                    gap()
                _translated(client.post_envelope, device.mailbox, device.send, envelope)
                sent.envelopes += 1
        if done is not None:
            done(batch)
        sent.changes += len(batch)
        if progress is not None:
            progress(sent.changes)
    return sent


def announce(link: Link, new: DeviceMailbox, client: RelayClient | None = None) -> int:
    """Tell the member's other devices (all but `new`) that a new device's mailbox exists: a
    sealed envelope like any other, `{"type": "sync-device", "device": {...}}` (its send
    capability, never its read one). Each takes it into its link when it receives."""
    client = client or RelayClient(link.url)
    plain = _json({"type": "sync-device", "device": replace(new, read="").pack()})
    count = 0
    for device in link.others:
        if device.device == new.device:
            continue
        envelope = seal_plain(plain, link.group.label(device.mailbox), link.group.public_key, _AAD)
        _translated(client.post_envelope, device.mailbox, device.send, envelope)
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
    except (KeyError, TypeError):
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


def receive(sync: Sync, link: Link, client: RelayClient | None = None, *,
            allow_mass_deletion: bool = False) -> Received:
    """Take what the other devices sent to this device's mailbox; acknowledge it after the save.
    MassDeletion (nothing taken, nothing acknowledged) when it would delete more than a quarter
    of the journal, until the person confirms (`allow_mass_deletion`)."""
    client = client or RelayClient(link.url)
    own, group = link.own, link.group
    label = group.label(own.mailbox)
    received = Received()
    parts: dict[str, _Parts] = {}  # by the whole's digest
    devices: list[DeviceMailbox] = []  # a new device of the member's, announced
    after: str | None = None
    while True:
        done: list[str] = []  # envelopes whose changes this round takes (or sets aside)
        changes: list[Change] = []
        for _ in range(ROUND):
            page, after = _translated(client.list_envelopes, own.mailbox, own.read, after, PAGE)
            for item in page:
                try:
                    if item.envelope.get("circle") != label:
                        raise EnvelopeDamaged()
                    doc = _opened(open_plain(item.envelope, label, group.public_key, group.private_key, _AAD))
                    if isinstance(doc, dict) and doc.get("type") == "sync-part":
                        n, of, data = doc.get("n"), doc.get("of"), doc.get("data")
                        if not (type(n) is int and type(of) is int and 0 <= n < of <= 10_000
                                and isinstance(data, str) and isinstance(doc.get("whole"), str)):
                            raise EnvelopeDamaged()
                        held = parts.setdefault(doc["whole"], _Parts(of))
                        held.ids.append(item.id)  # two tries' copies of a part: both acknowledged
                        if held.of == of:
                            held.data[n] = unb64(data)
                        continue
                    if isinstance(doc, dict) and doc.get("type") == "sync-device":
                        devices.append(_device_of(doc))
                    else:
                        changes += _changes_of(doc)
                except (EnvelopeDamaged, ValueError):
                    received.set_aside += 1
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
        if devices:  # kept before the acknowledgement, as the changes are
            for device in devices:
                if device.device != own.device:
                    link = link.with_device(device)
            keep_link(sync.database, link)
            received.announced += [d for d in devices if d.device != own.device]
            devices.clear()
        if changes:
            taken = sync.take(changes, allow_mass_deletion=allow_mass_deletion)  # saved here
            for name in ("replaced", "merged", "already"):
                setattr(received.taken, name, getattr(received.taken, name) + getattr(taken, name))
            received.taken.conflicts += taken.conflicts
        for start in range(0, len(done), 5000):
            _translated(client.acknowledge, own.mailbox, own.read, done[start:start + 5000])
        received.envelopes += len(done)
        if after is None:
            break
    received.waiting = sum(len(held.ids) for held in parts.values())
    return received
