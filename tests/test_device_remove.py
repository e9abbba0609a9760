"""Removing a lost device, and a device offline past the relay's time-to-live catching up, with
a real relay process on loopback (on SQLite and on PostgreSQL) and vaults standing for the
member's devices (issue 27, 5th item; journal_app/sync/devices.py `remove_device`,
journal_app/sync/transport.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from journal_app.journal import Journal
from journal_app.paths import vault_path
from journal_app.relay_client import RelayClient
from journal_app.sharing import EnvelopeDamaged, open_plain, seal_plain
from journal_app.sync import transport
from journal_app.sync.engine import Sync
from journal_app.usecases.devices import attach, sync_now
from journal_app.vault.storage import open_database
from tests.conftest import PASSPHRASE
from tests.relay_live import LiveRelay, live_relay
from tests.test_devices import cli, finish, paired_devices, relay_url  # noqa: F401 (a fixture)


def sync(db):
    round_ = sync_now(db, delay=lambda: None)
    assert round_.error is None, round_.error
    return round_


@pytest.fixture(params=["sqlite", "postgres"])
def relay(request, tmp_path) -> Iterator[LiveRelay]:
    database_url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    with live_relay(tmp_path / "relay", database_url) as live:
        yield live


def opens_with(envelope: dict, link: transport.Link) -> bool:
    """Whether anything the removed device holds opens this envelope."""
    label = str(envelope.get("circle"))
    tries = [(link.group.public_key, link.group.private_key, transport._AAD),
             (link.group.public_key, link.group.private_key, transport._REKEY_AAD)]
    if link.device_key:
        public = transport.public_of(link.device_key)
        tries += [(public, link.device_key, transport._AAD), (public, link.device_key, transport._REKEY_AAD)]
    for public, private, aad in tries:
        try:
            open_plain(envelope, label, public, private, aad)
            return True
        except EnvelopeDamaged:
            continue
    return False


def texts(db) -> dict[str, str]:
    return {e.id: e.body for e in Journal(db).entries()}


def written_on_each_arrives_on_the_other(a, b, sync) -> None:
    """An entry written on A and one on B, a round on each: each is on the other."""
    on_a = Journal(a).add("Écrit sur A", title="Sur A")
    on_b = Journal(b).add("Écrit sur B", title="Sur B")
    sync(a)
    sync(b)
    assert sync(a).received == 1 and Journal(a).get(on_b.id).title == "Sur B"
    assert Journal(b).get(on_a.id).title == "Sur A"


def test_a_removed_device_reads_nothing_written_after_and_the_others_keep_syncing(tmp_path, relay):
    url = relay.url
    with paired_devices(tmp_path, url, entries=(2, 0, 0)) as devices:
        a, b, c = devices.dbs
        c_link = transport.link_of(c)  # what the lost phone holds
        assert c_link is not None and c_link.device_key
        c_id = c_link.own.device
        assert {d.device for d in transport.link_of(b).others} == {Sync(a).device, c_id}
        devices.close(0)
        # On A, the person removes C (the command line, as a person would; confirmed with « o »).
        removal = cli(devices.folders[0], "remove", c_id[:6])
        assert removal.stdin is not None
        removal.stdin.write("o\n")
        removal.stdin.flush()
        code, out, err = finish(removal)
        from journal_app.usecases.devices import short_name

        assert code == 0 and f"«\u00a0{short_name(c_id, 'fr')}\u00a0» est retiré" in out, (out, err)
        assert c_id not in out + err and "Traceback" not in err, (out, err)
        a = devices.open(0)
        seen: dict[tuple[str, str], dict] = {}
        for db in (a, b, c):
            attach(db)
        assert [d.device for d in transport.link_of(a).others] == [Sync(b).device]
        first = Journal(a).add("Écrit sur A après le retrait du téléphone perdu", title="Après")
        sync(a)
        seen |= relay.rows()  # the new key for B, A's entry
        assert sync(b).received == 0  # B takes the new key (a round of its own)...
        seen |= relay.rows()  # B's new mailbox told to A
        assert sync(b).received == 1  # ...then what A wrote under it, from the mailbox it left
        assert Journal(b).get(first.id).title == "Après"
        second = Journal(b).add("Écrit sur B, après aussi", title="B après")
        sync(b)
        seen |= relay.rows()
        assert sync(a).received == 1 and Journal(a).get(second.id).title == "B après"
        third = Journal(a).add("Et encore sur A", title="Encore")
        sync(a)
        seen |= relay.rows()
        assert sync(b).received == 1 and texts(a) == texts(b) and len(texts(a)) == 5
        assert transport.link_of(a).group == transport.link_of(b).group != c_link.group
        assert len(seen) >= 5
        # C's mailbox gets nothing new; nothing posted after the removal opens with C's secrets.
        listed, _ = RelayClient(url).list_envelopes(c_link.own.mailbox, c_link.own.read)
        assert listed == []
        assert not [key for key, envelope in seen.items() if opens_with(envelope, c_link)]
        assert all(mailbox != c_link.own.mailbox for mailbox, _ in seen)
        c_round = sync(c)
        assert c_round.received == 0 and not {first.id, second.id, third.id} & set(texts(c))
        # C, marking a new key of its own for B (it holds B's old mailbox, its send capability and
        # its key): refused, C is no longer one of B's devices.
        b_seen_by_c = next(d for d in c_link.others if d.device == Sync(b).device)
        forged = transport.seal_rekey(c_link, b_seen_by_c, transport.SyncGroup.create(), c_link.own, Sync(a).device)
        RelayClient(url).post_envelope(b_seen_by_c.mailbox, b_seen_by_c.send, forged)
        group = transport.link_of(b).group
        assert sync(b).set_aside == 1 and transport.link_of(b).group == group
        # And the check itself can open what C could read before: it is not blind.
        before = seal_plain(b'{"type":"sync","changes":[]}', c_link.group.label(c_link.own.mailbox),
                            c_link.group.public_key, transport._AAD)
        assert opens_with(before, c_link)


def test_removing_an_unknown_device_or_this_one_is_one_sentence(tmp_path, relay_url):  # noqa: F811
    with paired_devices(tmp_path, relay_url, entries=(1, 0), rounds=()) as devices:
        a, b = devices.dbs
        own = Sync(a).device
        group = transport.link_of(a).group
    folders = devices.folders
    for lang, target, words in (("fr_CA.UTF-8", "zz-inconnu", "Aucun de vos autres appareils"),
                                ("en_CA.UTF-8", "zz-unknown", "None of your other devices"),
                                ("fr_CA.UTF-8", own, "est cet appareil-ci"),
                                ("en_CA.UTF-8", own, "is this device")):
        code, out, err = finish(cli(folders[0], "remove", target, lang=lang))
        assert code != 0 and words in err and "Traceback" not in err, (out, err)
        assert err.strip().splitlines() == [err.strip()]
    a = open_database(vault_path(folders[0]), PASSPHRASE)
    try:
        assert transport.link_of(a).group == group  # nothing changed
    finally:
        a.close()


def test_a_device_offline_past_the_relays_time_to_live_catches_up_and_keeps_its_changes(tmp_path, relay):
    url = relay.url
    with paired_devices(tmp_path, url, entries=(3, 0), rounds=(1, 0)) as devices:
        a, b = devices.dbs
        e0, e1, e2 = sorted(Journal(a).entries(), key=lambda e: e.title)
        # B goes away. A writes: edits e0, deletes e1, adds one; it leaves for B's mailbox.
        Journal(a).update(e0.id, body="Réécrit sur A pendant l’absence de B")
        Journal(a).delete(e1.id)
        lost = Journal(a).add("Écrit sur A, envoyé, puis perdu au relais", title="Perdu")
        assert sync(a).sent == 3
        # B, offline, writes too (unsent): a new entry, an edit of e2, and e0 edited apart.
        mine = Journal(b).add("Écrit sur B hors ligne", title="Hors ligne")
        Journal(b).update(e2.id, body="e2 revu sur B")
        Journal(b).update(e0.id, body="Réécrit sur B, sans savoir")
        # The relay's time-to-live passes: restarted with a time-to-live already over, it
        # drops everything it held when it starts (its hourly expiry).
        relay.restart("--ttl-days", "-1")
        deadline = time.monotonic() + 60
        while relay.rows():
            assert time.monotonic() < deadline, "the relay never expired its envelopes"
            time.sleep(0.1)
        later = Journal(a).add("Écrit sur A après", title="Après")
        # The relay deleted the two mailboxes too (empty, idle past its time-to-live): A opens
        # its own again; B's is gone until B comes back, and A's entry waits.
        first = sync_now(a, delay=lambda: None)
        assert first.error is None and first.away  # said calmly, not as an error
        # B comes back: opens its own mailbox again (empty: it cannot tell yet that it lost
        # anything) and sends what it wrote.
        back = sync_now(b, delay=lambda: None)
        assert back.error is None and back.received == 0 and back.sent == 3
        sync(a)  # A takes B's changes; its entry leaves for B's mailbox
        # B: a number is missing in A's series; it asks A for a snapshot.
        assert sync(b).received == 1
        assert later.id in texts(b) and lost.id not in texts(b)
        sync(a)  # A answers with what it holds
        sync(b)  # B takes the snapshot, merged by the usual rules
        assert Journal(b).get(lost.id).title == "Perdu"
        assert e1.id not in texts(b)  # deleted on A while B was away
        assert Journal(b).get(e2.id).body == Journal(a).get(e2.id).body == "e2 revu sur B"
        assert Journal(a).get(mine.id).title == "Hors ligne"
        for db in (a, b):  # e0, edited apart: both texts kept on the entry
            entry = db.table("entries").get_doc(e0.id)
            kept = {entry["body"], *(c["body"] for c in entry.get("conflicts", []))}
            assert kept == {"Réécrit sur A pendant l’absence de B", "Réécrit sur B, sans savoir"}
        assert texts(a) == texts(b) and len(texts(a)) == 5
        assert Sync(a).pending() == Sync(b).pending() == []
        assert sync(b).received == 0 and sync(a).received == 0  # settled: nothing asked again


def test_devices_linked_before_they_had_keys_of_their_own_get_them_and_removal_waits(tmp_path, relay_url):  # noqa: F811
    from dataclasses import replace

    from journal_app.sync.devices import DeviceKeyMissing
    from journal_app.usecases.devices import remove_device

    with paired_devices(tmp_path, relay_url, entries=(1, 1, 1)) as devices:
        a, b, c = devices.dbs
        for db in (a, b, c):  # as a vault paired before devices had keys of their own
            link = transport.link_of(db)
            transport.keep_link(db, replace(link, device_key=b"", own=replace(link.own, key=""),
                                            others=tuple(replace(d, key="") for d in link.others)))
        c_id = Sync(c).device
        with pytest.raises(DeviceKeyMissing) as missing:
            remove_device(a, c_id)
        assert Sync(b).device in missing.value.message("fr") and "Synchronisez-le" in missing.value.message("fr")
        assert "Sync it first" in missing.value.message("en")
        for db in (b, a, b):  # each makes its key at its next sync and tells the others
            sync(db)
        assert all(d.key for d in transport.link_of(a).others if d.device != c_id)
        remove_device(a, c_id)
        sync(b)
        assert transport.link_of(a).group == transport.link_of(b).group != transport.link_of(c).group
        entry = Journal(b).add("Après", title="Après")
        sync(b)
        assert sync(a).received == 1 and Journal(a).get(entry.id).title == "Après"


def test_what_the_removed_device_posts_to_the_old_mailboxes_is_refused_and_said_once(tmp_path, relay_url):  # noqa: F811
    """The lost phone, still on, keeps syncing: it holds the old sync key and the send
    capabilities of the others' old mailboxes, which the relay keeps for its time-to-live. What it
    posts there (before and after a remaining device heard of the removal) is refused by the
    remaining devices, said in one translated line per round, never taken; the others' own
    envelopes in those mailboxes still arrive."""
    from journal_app.usecases.devices import describe_sync, remove_device

    with paired_devices(tmp_path, relay_url, entries=(2, 0, 0)) as devices:
        a, b, c = devices.dbs
        shared = Journal(a).entries()[0]
        remove_device(a, Sync(c).device)
        # The phone, lost before B heard of the removal: into B's mailbox (about to be left) and A's left one.
        Journal(c).add("Écrit sur le téléphone perdu", title="Volé 1")
        Journal(c).update(shared.id, body="Réécrit par qui a le téléphone")
        assert sync(c).sent == 2
        assert sync(b).received == 0  # B takes the new key; the phone's changes are not taken with it
        assert "Volé 1" not in {e.title for e in Journal(b).entries()}
        refused = sync(b)  # the mailbox B left, drained: the phone's envelope refused, said once
        assert refused.refused == 1 and refused.received == 0
        said = describe_sync(refused, "fr")
        assert any("refusé" in line and "appareil retiré" in line for line in said), said
        assert any("refused" in line for line in describe_sync(refused, "en"))
        # Later, the phone again (into B's left mailbox); A writes under the new key.
        Journal(c).add("Écrit encore sur le téléphone perdu", title="Volé 2")
        Journal(c).update(shared.id, body="Réécrit encore par qui a le téléphone")
        sync(c)
        after = Journal(a).add("Écrit sur A", title="Après")
        sync(a)
        for db in (b, a, b):
            round_ = sync(db)
        assert Journal(b).get(after.id).title == "Après"  # the remaining devices still sync
        for db in (a, b):
            assert not {"Volé 1", "Volé 2"} & {e.title for e in Journal(db).entries()}
            assert Journal(db).get(shared.id).body == shared.body
        assert sync(b).refused == 0 and sync(a).refused == 0  # each refusal said once, not again
        assert not [line for line in describe_sync(round_, "fr") if "refusé" in line]


def personal_mailboxes(relay: LiveRelay) -> int:
    """How many personal mailboxes the relay's database holds."""
    if relay.database_url is None:
        import sqlite3

        conn = sqlite3.connect(relay.folder / "relay.sqlite3")
        try:
            return int(conn.execute("SELECT count(*) FROM mailboxes WHERE opened IS NULL").fetchone()[0])
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(relay.database_url) as conn:
        return int(conn.execute("SELECT count(*) FROM mailboxes WHERE opened IS NULL").fetchone()[0])


def test_both_devices_away_past_the_time_to_live_the_first_back_keeps_its_changes_calmly(tmp_path, relay):
    """A and B paired; both away past the relay's time-to-live (the relay deletes their mailboxes,
    empty and idle); B wrote while away. A comes back, writes and syncs: no error, one calm
    translated line (its changes are kept for the other device), and they stay owed, round after
    round, nothing posted twice. B comes back: B's changes reach A, A's reach B; nothing lost,
    nothing twice, nothing left on the relay. (Before, A's round ended on an error,
    « La boîte de votre autre appareil n’est plus sur le relais… ».)"""
    from journal_app.usecases.devices import describe_sync, sync_line

    url = relay.url
    with paired_devices(tmp_path, url, entries=(2, 0), rounds=(1, 0)) as devices:
        a, b = devices.dbs
        e0, e1 = sorted(Journal(a).entries(), key=lambda e: e.title)
        assert personal_mailboxes(relay) >= 2
        # B, in a drawer, had written (unsent): an entry and an edit.
        on_b = Journal(b).add("Écrit sur B avant le tiroir", title="Sur B")
        Journal(b).update(e0.id, body="e0 revu sur B")
        relay.restart("--ttl-days", "-1")  # its hourly expiry, at start, with the time-to-live over
        deadline = time.monotonic() + 60
        while personal_mailboxes(relay):
            assert time.monotonic() < deadline, "the relay never deleted the idle mailboxes"
            time.sleep(0.1)
        # A comes back, writes and syncs.
        on_a = Journal(a).add("Écrit sur A au retour", title="Retour")
        Journal(a).update(e1.id, body="e1 revu sur A")
        for _ in range(2):  # and again: the same calm line, the changes still kept, nothing posted
            first = sync_now(a, delay=lambda: None)
            assert first.error is None and first.away, first.error
            said = describe_sync(first, "fr")
            assert said == [sync_line(first, "fr")], said  # one line
            assert "gardés ici" in said[0] and "autre appareil" in said[0], said
            assert describe_sync(first, "en")[0].startswith("Your journal has not been opened on your other device")
            assert sorted(c.id for c in Sync(a).pending()) == sorted([on_a.id, e1.id])
            assert personal_mailboxes(relay) == 1  # A's own, opened again
            assert relay.rows() == {}
        # B comes back: opens its own mailbox again and sends what it wrote.
        back = sync_now(b, delay=lambda: None)
        assert back.error is None and not back.away and back.received == 0 and back.sent == 2
        assert personal_mailboxes(relay) == 2
        again = sync(a)
        assert not again.away and again.received == 2 and again.sent == 2 and Sync(a).pending() == []
        assert sync(b).received == 2
        assert Journal(b).get(on_a.id).title == "Retour" and Journal(a).get(on_b.id).title == "Sur B"
        assert Journal(a).get(e0.id).body == "e0 revu sur B" and Journal(b).get(e1.id).body == "e1 revu sur A"
        assert texts(a) == texts(b) and len(texts(a)) == 4
        assert not any(doc.get("conflicts") for db in (a, b) for doc in db.table("entries").all())
        assert Sync(a).pending() == Sync(b).pending() == []
        assert sync(a).received == 0 and sync(b).received == 0  # settled: nothing twice, nothing asked
        assert relay.rows() == {}


def test_one_of_three_devices_away_past_the_time_to_live_holds_nothing_back(tmp_path, relay_url):  # noqa: F811
    """A, B, C paired; all away past the relay's time-to-live (the relay deletes their mailboxes).
    A comes back and writes; B comes back; C stays in its drawer. A's change reaches B once (not
    posted again at each round while C is away: it would fill B's mailbox), the rounds say C is
    away calmly; C, back, gets all of it and sends what it wrote; nothing lost, nothing twice.
    (Before, a batch left only once every other device took it: posted to B again at each round,
    or never, depending on the order of B and C in A's link.)"""
    with live_relay(tmp_path / "relay") as relay, \
            paired_devices(tmp_path, relay.url, entries=(2, 0, 0)) as devices:
        a, b, c = devices.dbs
        assert personal_mailboxes(relay) >= 3
        on_c = Journal(c).add("Écrit sur C avant le tiroir", title="Sur C")  # unsent
        relay.restart("--ttl-days", "-1")
        deadline = time.monotonic() + 60
        while personal_mailboxes(relay):
            assert time.monotonic() < deadline, "the relay never deleted the idle mailboxes"
            time.sleep(0.1)
        on_a = Journal(a).add("Écrit sur A au retour", title="Retour")
        first = sync_now(a, delay=lambda: None)
        assert first.error is None and first.away and first.sent == 0  # no one to take it yet
        back = sync_now(b, delay=lambda: None)  # B comes back: opens its own mailbox again
        assert back.error is None and back.received == 0
        b_mailbox = transport.link_of(b).own.mailbox
        for _ in range(3):  # A's rounds while C is away: its change goes to B once
            round_ = sync_now(a, delay=lambda: None)
            assert round_.error is None and round_.away, round_.error
        assert Sync(a).pending() == []
        assert len([key for key in relay.rows() if key[0] == b_mailbox]) == 1
        assert sync(b).received == 1 and Journal(b).get(on_a.id).title == "Retour"
        on_b = Journal(b).add("Écrit sur B", title="Sur B")
        assert sync(b).sent == 1 and sync(a).received == 1
        # C comes back: opens its own mailbox again, sends what it wrote; A sends it what it holds.
        assert sync_now(c, delay=lambda: None).error is None
        for db in (a, b, c, a, b, c):
            assert not sync(db).away
        assert texts(a) == texts(b) == texts(c) and len(texts(a)) == 5
        assert {on_a.id, on_b.id, on_c.id} <= set(texts(c))
        assert not any(doc.get("conflicts") for db in (a, b, c) for doc in db.table("entries").all())
        assert Sync(a).pending() == Sync(b).pending() == Sync(c).pending() == []
        assert all(sync(db).received == 0 for db in (a, b, c))  # settled
        assert relay.rows() == {}


class _Killed(BaseException):
    """The device's process dies here (nothing after it runs; what it saved stays)."""


def test_a_device_killed_before_it_announced_its_new_mailbox_announces_it_at_its_next_sync(tmp_path, relay_url):  # noqa: F811
    """A, B, C paired; A removes C; B takes the new key, keeps its new mailbox and dies before it
    told A (the announcement, sealed to A, never posted). B's next sync tells A: A posts to B's new
    mailbox (not only to the one B left, drained a week), both ways, nothing twice. (B's death is
    its relay client stopping the process at the post to A's mailbox; its vault is then opened
    again from the file, as after a kill.)"""
    from journal_app.usecases.devices import remove_device

    with paired_devices(tmp_path, relay_url, entries=(2, 0, 0)) as devices:
        a, b, c = devices.dbs
        remove_device(a, Sync(c).device[:6])
        a_mailbox = transport.link_of(a).own.mailbox

        class DiesBeforeTellingA(RelayClient):
            def post_envelope(self, mailbox, send_capability, envelope):
                if mailbox == a_mailbox:
                    raise _Killed()
                super().post_envelope(mailbox, send_capability, envelope)

        with pytest.raises(_Killed):
            sync_now(b, delay=lambda: None, client=DiesBeforeTellingA)
        b = devices.open(1)  # B opened again, from its file
        b_new = transport.link_of(b).own.mailbox
        assert transport.link_of(b).group == transport.link_of(a).group  # B took the new key
        assert [d.mailbox for d in transport.link_of(a).others] != [b_new]  # A was not told
        sync(b)  # B's next sync tells A
        sync(a)
        assert [d.mailbox for d in transport.link_of(a).others] == [b_new]
        written_on_each_arrives_on_the_other(a, b, sync)
        listed, _ = RelayClient(relay_url).list_envelopes(b_new, transport.link_of(b).own.read)
        assert texts(a) == texts(b) and len(texts(a)) == 4
        assert not any(doc.get("conflicts") for db in (a, b) for doc in db.table("entries").all())
        assert transport._doc(b, transport._ANNOUNCING).get("devices") == []  # B owes it no more
        assert listed == []


@pytest.mark.parametrize("dies_at", ["open_personal", "announce", "acknowledge"])
def test_a_device_killed_while_it_takes_a_new_key_takes_it_at_its_next_sync(tmp_path, relay_url, dies_at):  # noqa: F811
    """A, B, C paired; A removes C. B dies while it takes the new key: as it opens its new mailbox
    (the key's envelope listed, nothing kept yet), as it tells A its new mailbox (the key kept), or
    as it acknowledges the key's envelope (all done but that). Opened again from its file, B's next
    rounds hold the new key, one new mailbox, and A and B sync both ways, nothing twice. (Before,
    the key's envelope was acknowledged first: B killed after lost the key, for good.)"""
    from journal_app.usecases.devices import remove_device

    with paired_devices(tmp_path, relay_url, entries=(2, 0, 0)) as devices:
        a, b, c = devices.dbs
        remove_device(a, Sync(c).device[:6])
        a_mailbox = transport.link_of(a).own.mailbox
        b_old = transport.link_of(b).own.mailbox

        class DiesTakingTheKey(RelayClient):
            def open_personal(self, *args):
                if dies_at == "open_personal":
                    raise _Killed()
                return super().open_personal(*args)

            def post_envelope(self, mailbox, send_capability, envelope):
                if dies_at == "announce" and mailbox == a_mailbox:
                    raise _Killed()
                super().post_envelope(mailbox, send_capability, envelope)

            def acknowledge(self, mailbox, read_capability, ids):
                if dies_at == "acknowledge" and mailbox == b_old:
                    raise _Killed()
                return super().acknowledge(mailbox, read_capability, ids)

        with pytest.raises(_Killed):
            sync_now(b, delay=lambda: None, client=DiesTakingTheKey)
        b = devices.open(1)  # B opened again, from its file
        sync(b)
        sync(b)
        b_link = transport.link_of(b)
        assert b_link.group == transport.link_of(a).group != transport.link_of(c).group
        assert b_link.own.mailbox != b_old and [r.mailbox for r in b_link.retired] == [b_old]
        sync(a)
        assert [d.mailbox for d in transport.link_of(a).others] == [b_link.own.mailbox]
        written_on_each_arrives_on_the_other(a, b, sync)
        assert texts(a) == texts(b) and len(texts(a)) == 4
        assert not any(doc.get("conflicts") for db in (a, b) for doc in db.table("entries").all())
        assert transport.link_of(b).own.mailbox == b_link.own.mailbox  # the key taken once
