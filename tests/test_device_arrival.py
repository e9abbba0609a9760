"""The journal's first arrival on a new device, stopped half-way (issue 27): the new device, the
old one or the relay killed while the pairing's snapshot travels. The arrival goes on from where
it stopped at the next run or sync (the mechanism a newly announced device's snapshot already
used), nothing lost, nothing twice, and the new device says the journal is not all there until
it is. A real relay process on loopback; the devices are `journal-app device …` processes where
one is killed (journal_app/sync/devices.py, journal_app/sync/transport.py)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from journal_app.journal import Journal
from journal_app.paths import vault_path
from journal_app.sync import transport
from journal_app.sync.devices import HolderPairing, JoinerPairing
from journal_app.sync.engine import Sync
from journal_app.vault.storage import open_database
from tests.conftest import PASSPHRASE
from tests.relay_live import live_relay
from tests.test_devices import DIGITS, ROOT, a_device, cli, entries_of, read_until

MANY = 1500  # entries: some 75 envelopes, enough for a kill to land half-way


def with_many_entries(folder: Path, count: int = MANY) -> None:
    """`count` more entries in one save (one by one would take minutes)."""
    db = open_database(vault_path(folder), PASSPHRASE)
    try:
        [first] = Journal(db).entries()
        model = db.table("entries").get_doc(first.id)

        def many(tables):
            for n in range(1, count):
                doc_id = str(uuid.uuid4())
                tables["entries"][doc_id] = {**model, "id": doc_id, "title": f"Page {n}",
                                             "body": f"Page {n} : après le cercle, " + "des mots écrits " * 20}

        db.change(many)
    finally:
        db.close()


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOURNAL_APP_")}
    env.update(JOURNAL_APP_PASSPHRASE=PASSPHRASE, PYTHONPATH=str(ROOT), LANG="fr_CA.UTF-8", LC_ALL="")
    return subprocess.run([sys.executable, "-m", "journal_app", "--data-dir", str(folder), *args],
                          capture_output=True, text=True, env=env, timeout=300)


def start_pairing(phone: Path, laptop: Path) -> tuple[subprocess.Popen[str], subprocess.Popen[str]]:
    """`device add` on the phone, `device join` on the laptop, the digits confirmed: the journal
    is on its way."""
    add = cli(phone, "add")
    assert add.stdout is not None and add.stdin is not None
    code = read_until(add.stdout, re.compile(r"(RSNTP1-[A-Z2-7]+)")).group(1)
    join = cli(laptop, "join", code)
    assert join.stdout is not None
    assert read_until(join.stdout, DIGITS).group(1) == read_until(add.stdout, DIGITS).group(1)
    add.stdin.write("o\n")
    add.stdin.flush()
    return add, join


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)


def mailbox_of(folder: Path) -> str:
    db = open_database(vault_path(folder), PASSPHRASE)
    try:
        link = transport.link_of(db)
        assert link is not None
        return link.own.mailbox
    finally:
        db.close()


def envelopes_of_the_whole(folder: Path) -> int:
    """The envelopes the whole journal takes (its two markers with it)."""
    db = open_database(vault_path(folder), PASSPHRASE)
    try:
        return len(list(transport.batches(Sync(db).snapshot(deleted=True)))) + 2
    finally:
        db.close()


def no_conflicts(folder: Path) -> bool:
    db = open_database(vault_path(folder), PASSPHRASE)
    try:
        return not any(doc.get("conflicts") for doc in db.table("entries").all())
    finally:
        db.close()


def test_the_old_device_killed_while_the_journal_leaves_goes_on_at_its_next_sync(tmp_path):
    """The phone (and the laptop after it) killed half-way: the laptop says its journal is not all
    there, with how far it came; the phone's next sync sends the rest, not the whole again; the
    laptop's next sync takes it and says the journal has arrived. What the laptop held before the
    pairing reaches the phone, and nothing is there twice."""
    with live_relay(tmp_path / "relay") as relay:
        phone = a_device(tmp_path / "téléphone", relay.url, entries=1)
        with_many_entries(phone)
        laptop = a_device(tmp_path / "portable", None, entries=1)  # written there before the pairing
        before = set(entries_of(laptop))
        add, join = start_pairing(phone, laptop)
        assert add.stderr is not None
        read_until(add.stderr, re.compile(r"Envoi du journal au nouvel appareil\u00a0: [1-9]\d\d sur"), timeout=120)
        kill(add)  # the phone's battery dies half-way (a tenth of the journal or more has left)
        kill(join)
        whole = envelopes_of_the_whole(phone)
        on_laptop = run(laptop, "device", "sync", "--now")
        assert on_laptop.returncode == 0 and "Traceback" not in on_laptop.stderr, on_laptop.stderr
        said = re.search(r"Votre journal n’est pas encore tout arrivé\u00a0: (\d+) changements sur (\d+)",
                         on_laptop.stdout)
        assert said, on_laptop.stdout
        assert int(said.group(1)) < int(said.group(2)) and int(said.group(2)) >= MANY  # the entries, the circle
        assert len(entries_of(laptop)) < MANY + 1
        assert run(phone, "device", "sync", "--now").returncode == 0  # the phone opened again: the rest
        resent = [key for key in relay.rows() if key[0] == mailbox_of(laptop)]
        assert 0 < len(resent) <= whole - whole // 10  # from where it stopped, not the whole journal again
        done = run(laptop, "device", "sync", "--now")
        assert "Votre journal est maintenant arrivé au complet." in done.stdout, done.stdout
        assert "pas encore tout arrivé" not in done.stdout
        assert run(phone, "device", "sync", "--now").returncode == 0  # takes what the laptop held
        phone_now, laptop_now = entries_of(phone), entries_of(laptop)
        assert phone_now == laptop_now and len(phone_now) == MANY + 1 and before <= set(phone_now)
        assert no_conflicts(phone) and no_conflicts(laptop)
        again = run(laptop, "device", "sync", "--now")
        assert "arrivé" not in again.stdout  # said once


def test_the_new_device_killed_while_the_journal_arrives_takes_the_rest_at_its_next_sync(tmp_path):
    with live_relay(tmp_path / "relay") as relay:
        phone = a_device(tmp_path / "téléphone", relay.url, entries=1)
        with_many_entries(phone)
        laptop = a_device(tmp_path / "portable", None, entries=1)
        before = set(entries_of(laptop))
        add, join = start_pairing(phone, laptop)
        assert join.stderr is not None
        read_until(join.stderr, re.compile(r"Réception du journal"), timeout=120)
        kill(join)  # the laptop closed half-way
        out, err = add.communicate(timeout=300)
        assert add.returncode == 0 and "Jumelage fait" in out, err
        done = run(laptop, "device", "sync", "--now")
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert run(phone, "device", "sync", "--now").returncode == 0
        phone_now, laptop_now = entries_of(phone), entries_of(laptop)
        assert phone_now == laptop_now and len(phone_now) == MANY + 1 and before <= set(phone_now)
        assert no_conflicts(phone) and no_conflicts(laptop)


def test_the_relay_killed_while_the_journal_arrives_goes_on_once_it_is_back(tmp_path):
    from journal_app.usecases.devices import sync_now

    with live_relay(tmp_path / "relay") as relay:
        phone_dir = a_device(tmp_path / "téléphone", relay.url, entries=1)
        with_many_entries(phone_dir)
        laptop_dir = a_device(tmp_path / "portable", None)
        phone, laptop = (open_database(vault_path(f), PASSPHRASE) for f in (phone_dir, laptop_dir))
        try:
            holder = HolderPairing(Sync(phone))
            joiner = JoinerPairing(Sync(laptop), holder.start())
            side = threading.Thread(target=joiner.digits, args=(60,))
            side.start()
            holder.digits(60)
            side.join(60)
            got: dict[str, object] = {}

            def receive() -> None:
                try:
                    got["value"] = joiner.receive(timeout=5)
                except Exception as exc:  # noqa: BLE001 - looked at below
                    got["error"] = exc

            side = threading.Thread(target=receive)
            side.start()

            def relay_dies(done: int, total: int) -> None:
                if relay.process.poll() is None:
                    relay.process.send_signal(signal.SIGKILL)  # between two batches
                    relay.process.wait(30)

            try:
                holder.confirm(60, progress=relay_dies)
                raise AssertionError("the relay was killed: the journal cannot all have left")
            except transport.SyncUnreachable:
                pass
            side.join(120)
            assert "error" in got and len(Journal(laptop)) < MANY
            relay.restart()
            from journal_app.usecases.devices import describe_sync

            waiting = sync_now(laptop, delay=lambda: None)
            assert waiting.arrival is not None and not waiting.arrival.complete  # said, with how far
            assert "pas encore tout arrivé" in describe_sync(waiting, "fr")[-1]
            assert "has not all arrived" in describe_sync(waiting, "en")[-1]
            assert sync_now(phone, delay=lambda: None).error is None  # the rest leaves
            round_ = sync_now(laptop, delay=lambda: None)
            assert round_.error is None and round_.arrival is not None and round_.arrival.complete
            assert {e.id: e for e in Journal(laptop).entries()} == {e.id: e for e in Journal(phone).entries()}
            assert len(Journal(laptop)) == MANY
            assert not any(doc.get("conflicts") for doc in laptop.table("entries").all())
        finally:
            phone.close()
            laptop.close()


class _Killed(BaseException):
    """The device's process dies here (nothing after it runs; what it saved stays)."""


def test_the_old_device_killed_before_it_announced_the_new_one_announces_it_at_its_next_sync(tmp_path):
    """A and B paired; the person pairs C with A, and A dies right after it saved the link to C,
    before it told B about C (the announcement, sealed to B, never posted). A's next sync tells B:
    B learns of C, what C writes reaches B and what B writes reaches C, nothing twice. (A's death is
    its relay client stopping the process at the post to B's mailbox; its vault is then opened
    again from the file, as after a kill.)"""
    from journal_app.errors import RessentiError
    from journal_app.relay_client import RelayClient
    from journal_app.usecases.devices import sync_now
    from tests.test_devices import paired_devices

    with live_relay(tmp_path / "relay") as relay, \
            paired_devices(tmp_path, relay.url, entries=(2, 0, 0), paired=2) as devices:
        a, b, c = devices.dbs
        b_mailbox = transport.link_of(b).own.mailbox

        class DiesBeforeTellingB(RelayClient):
            def post_envelope(self, mailbox, send_capability, envelope):
                if mailbox == b_mailbox:
                    raise _Killed()
                super().post_envelope(mailbox, send_capability, envelope)

        holder = HolderPairing(Sync(a), DiesBeforeTellingB)
        joiner = JoinerPairing(Sync(c), holder.start())
        side = threading.Thread(target=joiner.digits, args=(60,))
        side.start()
        holder.digits(60)
        side.join(60)
        got: dict[str, object] = {}

        def receive() -> None:
            try:
                got["value"] = joiner.receive(timeout=3)
            except RessentiError as exc:
                got["error"] = exc

        side = threading.Thread(target=receive)
        side.start()
        try:
            holder.confirm(60)
            raise AssertionError("A died at the post to B")
        except _Killed:
            pass
        side.join(120)
        assert "error" in got  # nothing came from A: it died
        a = devices.open(0)  # A opened again, from its file
        c_id = Sync(c).device
        assert c_id in {d.device for d in transport.link_of(a).others}  # the link to C was saved
        assert c_id not in {d.device for d in transport.link_of(b).others}
        assert sync_now(a, delay=lambda: None).error is None  # A's next sync: B is told, C gets the journal
        assert sync_now(b, delay=lambda: None).error is None
        assert c_id in {d.device for d in transport.link_of(b).others}  # B learned of C
        assert sync_now(c, delay=lambda: None).error is None
        assert transport.arrival(c) is None or transport.arrival(c).complete
        on_c = Journal(c).add("Écrit sur C après le jumelage", title="Sur C")
        on_b = Journal(b).add("Écrit sur B après le jumelage", title="Sur B")
        for db in (c, b):
            assert sync_now(db, delay=lambda: None).error is None
        b_round = sync_now(b, delay=lambda: None)
        c_round = sync_now(c, delay=lambda: None)
        assert Journal(b).get(on_c.id).title == "Sur C"  # C's entry reached B
        assert Journal(c).get(on_b.id).title == "Sur B"  # B's entry reached C
        for db in (a, b, c, a):
            assert sync_now(db, delay=lambda: None).error is None
        # B taking the announcement again (A sends it at each round until the relay took it)
        # changes nothing: B's link names C once, and B sends C nothing more.
        a_link = transport.link_of(a)
        assert transport.announce(a_link, next(d for d in a_link.others if d.device == c_id),
                                  RelayClient(relay.url)) == 1
        b_link = transport.link_of(b)
        c_mailbox = transport.link_of(c).own.mailbox
        waiting_for_c = {key for key in relay.rows() if key[0] == c_mailbox}
        assert sync_now(b, delay=lambda: None).error is None
        assert transport.link_of(b) == b_link and [d.device for d in b_link.others].count(c_id) == 1
        assert {key for key in relay.rows() if key[0] == c_mailbox} == waiting_for_c
        assert transport._doc(a, transport._ANNOUNCING).get("devices") == []  # A owes it no more
        texts = [{e.id: (e.title, e.body) for e in Journal(db).entries()} for db in (a, b, c)]
        assert texts[0] == texts[1] == texts[2] and len(texts[0]) == 4
        assert all(not any(doc.get("conflicts") for doc in db.table("entries").all()) for db in (a, b, c))
        assert b_round.error is None and c_round.error is None
