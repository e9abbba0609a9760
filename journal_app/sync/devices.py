"""Pairing a new device through the relay (docs/sync.md, « Pairing through the relay »).

The device that holds the journal opens a short-lived pairing mailbox (a personal mailbox on
the relay of one of the member's circles) and shows a code, `RSNTP1-` and base32 (the same text
in the QR code): the relay's address, the pairing mailbox and its two capabilities, the offer's
ephemeral key and its one-use secret. Both devices post to that mailbox and read it; every
message is a padded envelope like any other, sealed to a key both derive from the one-use
secret (the relay never sees it), with a label of its own. The steps are `sync/pairing.py`'s:
the new device's commitment, the holder's nonce, the reveal, the six digits on both screens;
once the person confirmed on the holder, the sync secrets (the group key, the devices'
mailboxes, a circle's access to open a mailbox on the same relay) sealed for the new device.
The new device opens its own personal mailbox and tells the holder (sealed under the same
exchange); the holder tells its other devices, then sends a snapshot of the synced tables to
the new mailbox and says how many envelopes it sent. The new device takes them in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal_app.errors import RelayUrlTooLong, RessentiError
from journal_app.relay import capabilities
from journal_app.relay_client import RelayClient
from journal_app.sharing import EnvelopeDamaged, RelayAccess, b64, open_plain, seal_plain, unb64
from journal_app.sync import transport
from journal_app.sync.engine import Sync
from journal_app.sync.pairing import Commitment, Holder, Joiner, Offer, PairingRefused, Reveal
from journal_app.sync.transport import DeviceMailbox, Link, SyncGroup, _translated

PREFIX = "RSNTP1-"
_AAD = b"ressenti-pairing-v1:"
_MAILBOX_KEY = b"ressenti pairing v1 mailbox key"
WAIT = 600.0  # seconds a code stays good, and how long either side waits for the other
POLL = 0.4  # seconds between two listings of the pairing mailbox
MAX_URL = 255  # bytes of the relay's address a code carries (its length in one byte)
ARRIVAL_IDLE = 120.0  # seconds a new device waits with nothing arriving before it says the journal is not all there


class PairingExpired(PairingRefused):
    """No answer in time: the code is no longer good."""

    key = "error.pairing_expired"


class PairingDeclined(PairingRefused):
    """On the holder, the person said the six digits do not match."""

    key = "error.pairing_declined"


class ArrivalIncomplete(RessentiError):
    """Paired, but the journal stopped arriving (the other device or the relay gone): the rest
    comes at the next sync."""

    key = "error.arrival_incomplete"


class PairingCodeInvalid(PairingRefused):
    key = "error.pairing_code_invalid"


class NoCircleRelay(PairingRefused):
    """Sync goes through the relay of one of the member's circles: there is none."""

    key = "error.pairing_no_relay"


# --- the code --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PairingCode:
    url: str
    mailbox: str
    send: str
    read: str
    offer: Offer

    def text(self) -> str:
        url = self.url.encode("utf-8")
        if len(url) > MAX_URL:
            raise RelayUrlTooLong()
        raw = (bytes([len(url)]) + url + unb64(self.mailbox) + unb64(self.send) + unb64(self.read)
               + self.offer.key + self.offer.secret)
        check = hashlib.sha256(raw).digest()[:4]  # a code copied wrong is said, not waited on
        return PREFIX + base64.b32encode(raw + check).decode("ascii").rstrip("=")

    def qr_png(self, scale: int = 6) -> bytes:
        """The same text as a QR code (alphanumeric: base32 and the prefix are in its alphabet)."""
        import io

        import segno  # small, pure Python: only loaded when a QR image is asked for

        out = io.BytesIO()
        segno.make(self.text(), error="m").save(out, kind="png", scale=scale, border=2)
        return out.getvalue()

    @classmethod
    def parse(cls, text: str) -> PairingCode:
        body = "".join(text.split()).upper()
        if not body.startswith(PREFIX):
            raise PairingCodeInvalid()
        body = body[len(PREFIX):]
        try:
            raw = base64.b32decode(body + "=" * (-len(body) % 8))
            raw, check = raw[:-4], raw[-4:]
            if hashlib.sha256(raw).digest()[:4] != check:
                raise ValueError("checksum")
            n = raw[0]
            url = raw[1:1 + n].decode("utf-8")
            rest = raw[1 + n:]
        except (ValueError, IndexError, UnicodeDecodeError):
            raise PairingCodeInvalid() from None
        if len(rest) != 16 + 32 + 32 + 32 + 16 or not url.startswith(("http://", "https://")):
            raise PairingCodeInvalid()
        return cls(url, b64(rest[:16]), b64(rest[16:48]), b64(rest[48:80]), Offer(rest[80:112], rest[112:]))

    @property
    def group(self) -> SyncGroup:
        """The key the pairing's envelopes are sealed to: from the one-use secret, which only
        the two devices hold."""
        return SyncGroup(HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                              info=_MAILBOX_KEY).derive(self.offer.secret))


class _Mailbox:
    """The pairing mailbox, as one side sees it: post to it, and wait for the other side's
    next message (each side acknowledges what it took; its own messages it leaves)."""

    def __init__(self, code: PairingCode, me: str, client: RelayClient | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.code, self.me = code, me
        self.client = client or RelayClient(code.url)
        self.group = code.group
        self.label = self.group.label(code.mailbox)
        self._clock = clock

    def post(self, doc: dict[str, Any]) -> None:
        plain = json.dumps({**doc, "from": self.me}, separators=(",", ":")).encode()
        envelope = seal_plain(plain, self.label, self.group.public_key, _AAD)
        _translated(self.client.post_envelope, self.code.mailbox, self.code.send, envelope)

    def wait(self, step: str, timeout: float = WAIT, poll: float = POLL) -> dict[str, Any]:
        deadline = self._clock() + timeout
        while True:
            page, _ = _translated(self.client.list_envelopes, self.code.mailbox, self.code.read)
            taken, found = [], None
            for item in page:
                try:
                    doc = json.loads(open_plain(item.envelope, self.label, self.group.public_key,
                                                self.group.private_key, _AAD))
                except (EnvelopeDamaged, ValueError):
                    taken.append(item.id)  # not the pairing's: set aside
                    continue
                if not isinstance(doc, dict) or doc.get("from") == self.me:
                    continue
                taken.append(item.id)
                if found is None and doc.get("step") in (step, "refused"):
                    found = doc
            if taken:
                _translated(self.client.acknowledge, self.code.mailbox, self.code.read, taken)
            if found is not None:
                if found.get("step") == "refused":
                    raise PairingDeclined()
                return found
            if self._clock() > deadline:
                raise PairingExpired()
            time.sleep(poll)


def _field(doc: dict[str, Any], name: str, size: int | None = None) -> bytes:
    try:
        value = unb64(str(doc[name]))
    except (KeyError, ValueError):
        raise PairingRefused() from None
    if size is not None and len(value) != size:
        raise PairingRefused()
    return value


def _circle_access(db: Any, url: str | None = None) -> RelayAccess:
    """A circle's relay access the member holds (on `url` when given): its send capability
    opens personal mailboxes."""
    from journal_app.circles import Circles

    circles = Circles(db)
    found = [inv.relay for inv in circles.joined() if inv.relay is not None]
    found += [keys.invitation.relay for keys in circles.owned() if keys.invitation.relay is not None]
    for access in found:
        if url is None or access.url.rstrip("/") == url.rstrip("/"):
            return access
    raise NoCircleRelay()


# --- the holder ------------------------------------------------------------------------------
@dataclass
class Arrival:
    changes: int = 0
    envelopes: int = 0


class HolderPairing:
    """The device that holds the journal: `start()` (the code to show), `digits()` (waits for
    the new device, then the six digits), then `confirm()` or `refuse()`."""

    def __init__(self, sync: Sync, client_factory: Callable[[str], RelayClient] = RelayClient) -> None:
        self.sync = sync
        self.db = sync.database
        self._factory = client_factory
        self._holder = Holder()
        self.link = transport.link_of(self.db)
        self.access = _circle_access(self.db, self.link.url if self.link else None)
        if len(self.access.url.encode("utf-8")) > MAX_URL:  # said before any mailbox is opened
            raise RelayUrlTooLong()
        self.client = client_factory(self.access.url)
        self.code: PairingCode | None = None
        self._box: _Mailbox | None = None

    def start(self) -> str:
        if self.link is None:  # the first pairing: this device's own mailbox and the sync group
            own = transport.open_mailbox(self.client, self.access, self.sync.ensure_device())
            self.link = Link(self.access.url, SyncGroup.create(), own).with_device_key()
            transport.keep_link(self.db, self.link)
        elif not self.link.device_key:  # paired before devices had keys of their own
            self.link = transport.give_device_key(self.db, self.link, self.client)
        box = transport.open_mailbox(self.client, self.access, "pairing")
        self.code = PairingCode(self.access.url, box.mailbox, box.send, box.read, self._holder.offer)
        self._box = _Mailbox(self.code, "holder", self.client)
        return self.code.text()

    def digits(self, timeout: float = WAIT) -> str:
        assert self._box is not None
        commit = self._box.wait("commit", timeout)
        digest = _field(commit, "digest", 32)
        nonce = self._holder.take_commitment(Commitment(digest, _field(commit, "tag", 32)))
        self._box.post({"step": "nonce", "for": b64(digest), "nonce": b64(nonce)})
        reveal = self._box.wait("reveal", timeout)
        return self._holder.take_reveal(Reveal(_field(reveal, "key", 32), _field(reveal, "nonce", 16)))

    def refuse(self) -> None:
        """The digits differ (or the person said no): the new device hears it, nothing leaves."""
        assert self._box is not None
        self._holder.used = True
        self._box.post({"step": "refused"})

    def confirm(self, timeout: float = WAIT, progress: Callable[[int, int], None] | None = None) -> Arrival:
        """The person saw the same digits: the secrets for the new device, then the journal."""
        assert self._box is not None and self.link is not None
        link = self.link
        devices = [replace(link.own, read=""), *link.others]
        blob = json.dumps({"url": link.url, "group": b64(link.group.private_key),
                           "devices": [d.pack() for d in devices],
                           "circle": {"mailbox": self.access.mailbox, "send": self.access.send_capability,
                                      "sign": b64(self.access.signing_key)}}).encode()
        self._box.post({"step": "secrets", "sealed": b64(self._holder.seal_for_new_device(blob))})
        told = self._box.wait("device", timeout)
        try:
            raw = json.loads(self._holder.open_later(_field(told, "sealed")))
            new = DeviceMailbox.unpack(raw)
        except (ValueError, KeyError, TypeError):
            raise PairingRefused() from None
        if not (capabilities.MAILBOX.match(new.mailbox) and capabilities.CAPABILITY.match(new.send)):
            raise PairingRefused()
        self.link = link.with_device(new)
        # The journal is owed to the new device, and its announcement to the other devices (they
        # will post to it too), in the same save as the link that names it: a stop (this device,
        # the relay) goes on from where it stopped at this device's next sync, as for a device
        # announced by another (`transport.receive`).
        transport.owe_snapshot(self.db, new.device, self.link)
        transport.send_announcements(self.db, self.link, self.client)
        sent = transport.send_snapshot(self.sync, self.link, new, self.client, progress)
        return Arrival(sent.changes, sent.envelopes)


# --- the new device --------------------------------------------------------------------------
class JoinerPairing:
    """The new device: `digits()` (the six digits to show), then `receive()` (waits for the
    person's confirmation on the holder, opens its own mailbox, takes the journal)."""

    def __init__(self, sync: Sync, code: str, client_factory: Callable[[str], RelayClient] = RelayClient) -> None:
        self.sync = sync
        self.db = sync.database
        self.code = PairingCode.parse(code)
        self.client = client_factory(self.code.url)
        self._joiner = Joiner(self.code.offer)
        self._box = _Mailbox(self.code, "joiner", self.client)

    def digits(self, timeout: float = WAIT) -> str:
        commitment = self._joiner.commitment()
        self._box.post({"step": "commit", "digest": b64(commitment.digest), "tag": b64(commitment.tag)})
        answer = self._box.wait("nonce", timeout)
        if answer.get("for") != b64(commitment.digest):
            raise PairingRefused()  # the holder answered someone else: this code was used
        reveal, digits = self._joiner.reveal(_field(answer, "nonce", 16))
        self._box.post({"step": "reveal", "key": b64(reveal.key), "nonce": b64(reveal.nonce)})
        return digits

    def receive(self, timeout: float = WAIT, progress: Callable[[int, int], None] | None = None
                ) -> transport.Received:
        secrets_doc = self._box.wait("secrets", timeout)
        try:
            got = json.loads(self._joiner.open_from_holder(_field(secrets_doc, "sealed")))
            group = SyncGroup(unb64(got["group"]))
            devices = tuple(replace(DeviceMailbox.unpack(d), read="") for d in got["devices"])
            circle = got["circle"]
            access = RelayAccess(str(got["url"]), str(circle["mailbox"]), str(circle["send"]),
                                 unb64(circle["sign"]))
        except (ValueError, KeyError, TypeError):
            raise PairingRefused() from None
        # What this device held before the pairing (written here first) follows the member too:
        # queued to leave like any change (it leaves once the journal has arrived, or at the next
        # sync after a stop).
        self.sync.queue(self.sync.snapshot())
        own = transport.open_mailbox(self.client, access, self.sync.ensure_device())
        link = Link(access.url, group, own, devices).with_device_key()
        # The holder sends the journal to the new mailbox from now on; how far it came is kept
        # with the link (`transport.arrival`), so a stop goes on at the next sync.
        transport.keep_link(self.db, link, arriving_from=devices[0].device)
        self._box.post({"step": "device", "sealed": b64(self._joiner.seal_later(
            json.dumps(replace(link.own, read="").pack()).encode()))})
        total = transport.Received()
        idle = min(timeout, ARRIVAL_IDLE)
        deadline = time.monotonic() + idle
        while True:
            link = transport.link_of(self.db) or link
            got_now = transport.receive(self.sync, link, self.client)
            total.envelopes += got_now.envelopes
            total.taken.replaced += got_now.taken.replaced
            total.taken.merged += got_now.taken.merged
            total.taken.already += got_now.taken.already
            state = transport.arrival(self.db)
            if state is None or state.complete:
                break
            if progress is not None and state.total:
                progress(min(state.done, state.total), state.total)
            if got_now.envelopes:
                deadline = time.monotonic() + idle
            elif time.monotonic() > deadline:
                raise ArrivalIncomplete(done=min(state.done, state.total or 0), total=state.total or 0)
            time.sleep(POLL)
        if progress is not None and state is not None and state.total is not None:
            progress(state.total, state.total)
        try:
            transport.send(self.sync, link, self.client, gap=lambda: None)  # what it held before
        except transport.SyncRelayError:
            pass  # the journal is here; what it held waits in `sync_out` for the next sync
        return total


# --- removing a device (a lost phone) -----------------------------------------------------------
class DeviceUnknown(RessentiError):
    """No such device among the member's others (as this device knows them)."""

    key = "error.device_unknown"


class DeviceIsThisOne(DeviceUnknown):
    key = "error.device_remove_self"


class DeviceKeyMissing(RessentiError):
    """A remaining device has not told its own key yet (paired before devices had one)."""

    key = "error.device_key_missing"


def find_device(link: Link, name: str) -> DeviceMailbox:
    """One of the member's other devices by its id, or the start of it (as `device list` shows)."""
    name = name.strip().lower()
    if name and link.own.device.startswith(name):
        raise DeviceIsThisOne(id=name)
    found = [d for d in link.others if name and d.device.startswith(name)]
    if len(found) != 1:
        raise DeviceUnknown(id=name)
    return found[0]


def remove_device(sync: Sync, name: str, client_factory: Callable[[str], RelayClient] = RelayClient) -> DeviceMailbox:
    """Remove one of the member's devices (a lost phone): a new sync key and a new mailbox for
    this device; the new key, sealed to each remaining device's own key (never to the old sync
    key, which the removed device holds), goes to each remaining device's mailbox, and each
    takes it at its next sync (opening a new mailbox of its own, `transport._take_rekey`).
    Nothing is sent to the removed device's mailbox any more. Returns the removed device."""
    db = sync.database
    link = transport.link_of(db)
    if link is None:
        raise DeviceUnknown(id=name)
    removed = find_device(link, name)
    remaining = [d for d in link.others if d.device != removed.device]
    if any(not d.key for d in remaining):
        raise DeviceKeyMissing(id=next(d.device for d in remaining if not d.key))
    client = client_factory(link.url)
    if not link.device_key:  # the others must know this device's key to trust its new sync key
        link = transport.give_device_key(db, link, client)
    access = _circle_access(db, link.url)
    group = SyncGroup.create()
    own = replace(transport.open_mailbox(client, access, link.own.device), key=link.own.key)
    # Every remaining device is told before this one changes: a stop in between changes nothing
    # here (removing again draws another key; a device takes the newest it is sent).
    for device in remaining:
        envelope = transport.seal_rekey(link, device, group, own, removed.device)
        _translated(client.post_envelope, device.mailbox, device.send, envelope)
    retired = (*link.retired, transport.Retired(link.own.mailbox, link.own.read, link.group, transport.today()))
    transport.keep_link(db, Link(link.url, group, own, tuple(remaining), link.device_key, retired))
    return removed
