"""Vault format 2: an append-only log. A save costs its own records; a torn last save is dropped
and said; records changed, moved, repeated or spliced are refused; compaction and migration
from format 1 are crash-safe; deleted text leaves the file and its backup; a file put back to an
older state is noticed on the device that wrote it."""

from __future__ import annotations

import json
import random
import secrets
import shutil
import signal
import struct
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from journal_app.errors import VaultDamaged
from journal_app.journal import Journal
from journal_app.usecases.access import opening_notes
from journal_app.vault import HEADER_LEN, Vault, backup_path, parse_header
from journal_app.vault.keys import _RECOVERY_BYTES, new_header, padded_length
from journal_app.vault.log import read_log
from journal_app.vault.storage import encode_value, item_key, open_database
from tests.conftest import FAST_KDF, PASSPHRASE, every_record

ENTRY = "Ce soir, au cercle, j’ai senti une chaleur monter dans la poitrine quand on a parlé de partage. "


def entry_doc(n: int, body: str = ENTRY) -> dict:
    return {"id": f"e{n:06d}", "created": "2026-11-28T12:00:00+00:00", "updated": "2026-11-28T12:00:00+00:00",
            "kind": "free", "title": f"Entrée {n}", "body": body * 3, "answers": {}, "tags": ["cercle"],
            "meeting": None, "felt_shift": None, "language": "fr", "pack_id": ""}


def big_vault(path: Path, n: int) -> None:
    """A format-2 vault of `n` entries, made at once (a snapshot), with its backup."""
    items = [(item_key("entries", f"e{i:06d}"), encode_value(entry_doc(i))) for i in range(n)]
    vault, _ = Vault.create(path, PASSPHRASE, items, kdf=FAST_KDF)
    vault.compact()  # a backup, as a journal in use has
    vault.close()


def write_format1(path: Path, docs: list[tuple[str, str, dict]]) -> None:
    """A format-1 vault, written as docs/vault-format.md (version 1) describes it."""
    data_key = secrets.token_bytes(32)
    header = replace(new_header(PASSPHRASE, data_key, secrets.token_bytes(_RECOVERY_BYTES), FAST_KDF,
                                secrets.token_bytes), version=1)
    lines = [json.dumps({"format": "ressenti-document", "version": 1}).encode() + b"\n"]
    lines += [json.dumps([t, i, d], ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass") + b"\n"
              for t, i, d in docs]
    content = b"".join(lines)
    framed = struct.pack(">Q", len(content)) + content
    padded = framed + bytes(padded_length(len(framed)) - len(framed))
    packed = header.pack()
    path.write_bytes(packed + AESGCM(data_key).encrypt(header.body_nonce, padded, packed))


def test_a_save_appends_only_its_own_records(tmp_path):
    path = tmp_path / "journal.vault"
    big_vault(path, 2000)
    before = path.read_bytes()
    db = open_database(path, PASSPHRASE)
    journal = Journal(db)
    journal.add("Une entrée de plus, ce soir.")
    after = path.read_bytes()
    assert after[: len(before)] == before  # nothing written before is rewritten
    assert 512 < len(after) - len(before) <= 2048 + 512  # the entry's record and a commit
    journal.add("Et une autre.")
    assert path.read_bytes()[: len(after)] == after
    db.close()
    reopened = open_database(path, PASSPHRASE)
    assert len(reopened.table("entries")) == 2002
    reopened.close()


def test_every_truncation_of_the_last_save_drops_it_and_says_so(tmp_path):
    path = tmp_path / "journal.vault"
    big_vault(path, 300)
    db = open_database(path, PASSPHRASE)
    kept = Journal(db).add("Gardée")
    whole = path.read_bytes()
    Journal(db).add("Interrompue par une panne")
    db.close()
    data = path.read_bytes()
    cuts = sorted({len(whole) + 1, len(whole) + 11, *random.Random(3).sample(range(len(whole) + 1, len(data)), 25),
                   len(data) - 1})
    for cut in cuts:
        path.write_bytes(data[:cut])
        db = open_database(path, PASSPHRASE)
        try:
            assert db.opened.torn_bytes == cut - len(whole), cut
            bodies = [e.body for e in Journal(db).entries()]
            assert "Gardée" in bodies and "Interrompue par une panne" not in bodies and len(bodies) == 301
            assert opening_notes(db, "fr") and "interrompu" in opening_notes(db, "fr")[0]
        finally:
            db.close()
    # After a torn tail, the next save goes where the tail was, and everything opens.
    path.write_bytes(data[: len(whole) + 100])
    db = open_database(path, PASSPHRASE)
    Journal(db).add("Après la panne")
    db.close()
    db = open_database(path, PASSPHRASE)
    assert db.opened.torn_bytes == 0
    assert {"Gardée", "Après la panne"} <= {e.body for e in Journal(db).entries()}
    assert Journal(db).get(kept.id) == kept
    db.close()


def saves_of(path: Path) -> tuple[bytes, list[bytes]]:
    """The file split as: everything up to the end of its first save, then each later save's bytes."""
    data = path.read_bytes()
    pos, saves, current = HEADER_LEN, [], b""
    while pos < len(data):
        sealed, rest, _ = struct.unpack(">III", data[pos : pos + 12])
        current += data[pos : pos + 12 + sealed]
        pos += 12 + sealed
        if rest == 0:
            saves.append(current)
            current = b""
    return data[:HEADER_LEN] + saves[0], saves[1:]


def test_reordered_repeated_dropped_or_spliced_saves_are_refused(tmp_path):
    path = tmp_path / "journal.vault"
    big_vault(path, 300)
    db = open_database(path, PASSPHRASE)
    for n in range(3):
        Journal(db).add(f"Sauvegarde {n}")
    db.close()
    head, (a, b, c) = saves_of(path)
    other = tmp_path / "other" / "journal.vault"
    other.parent.mkdir()
    shutil.copy(path, other)
    db = open_database(other, PASSPHRASE)
    db.vault.compact()  # a later generation of the same journal: same key, another file
    Journal(db).add("D’un autre fichier")
    db.close()
    _, (foreign,) = saves_of(other)
    for forged in (head + b + a + c, head + a + a + b + c, head + a + c, head + a + b + foreign,
                   head + a + b + c[:20] + b + c[20:]):
        path.write_bytes(forged)
        with pytest.raises(VaultDamaged):
            open_database(path, PASSPHRASE)
    path.write_bytes(head + a + b + c)
    open_database(path, PASSPHRASE).close()


def test_a_deleted_entry_is_gone_from_the_file_and_the_backup_when_delete_returns(tmp_path):
    path = tmp_path / "journal.vault"
    big_vault(path, 300)
    db = open_database(path, PASSPHRASE)
    journal = Journal(db)
    secret = journal.add("Ginette m’a dit une chose que je ne veux plus garder.")
    journal.update(secret.id, body="Ginette m’a dit une chose, version corrigée.")
    assert b"je ne veux plus garder" in every_record(path)  # the log still holds the first version
    journal.delete(secret.id)
    assert b"Ginette" not in every_record(path)  # every record of the file and of its backup
    assert backup_path(path).exists()
    db.close()


def test_a_snapshot_is_written_in_records_of_about_64_kib(tmp_path):
    """Opening decrypts and parses the log a record at a time: a snapshot in records of 1 MiB
    made opening hold about 4 MiB of buffers at once, four times a small journal's file."""
    path = tmp_path / "journal.vault"
    big_vault(path, 1000)  # about 0.5 MB of items
    data = path.read_bytes()
    header = parse_header(data)
    key = AESGCM(Vault._unwrap_passphrase(header, PASSPHRASE))
    sizes: list[int] = []
    with open(path, "rb") as f:
        read_log(f, HEADER_LEN, len(data), key, header.pack()[-32:], lambda payload: sizes.append(len(payload)))
    largest = max(len(encode_value(entry_doc(n))) + 64 for n in range(1000))
    assert len(sizes) >= 6 and max(sizes) <= 64 * 1024 + largest
    assert sum(sizes) > 400_000


def test_superseded_versions_leave_at_the_next_compaction_and_the_file_stays_near_its_snapshot(tmp_path):
    path = tmp_path / "journal.vault"
    big_vault(path, 1000)
    snapshot = path.stat().st_size
    db = open_database(path, PASSPHRASE)
    journal = Journal(db)
    entry = journal.add("brouillon 0")
    for n in range(1, 400):  # an autosave that rewrites one entry many times
        journal.update(entry.id, body=f"brouillon {n}")
    size = path.stat().st_size
    assert size <= snapshot * 1.3  # compactions kept it near one snapshot
    db.vault.compact()
    db.vault.forget_previous()
    records = every_record(path)
    assert b'"brouillon 399"' in records and b'"brouillon 12"' not in records
    db.close()


def test_a_file_put_back_to_an_older_state_is_noticed_on_this_device(tmp_path):
    path = tmp_path / "journal.vault"
    big_vault(path, 300)
    open_database(path, PASSPHRASE).close()
    old = path.read_bytes()
    db = open_database(path, PASSPHRASE)
    Journal(db).add("Une entrée que la vieille copie n’a pas")
    db.close()
    path.write_bytes(old)  # someone puts the older file back (or truncates to an earlier commit)
    db = open_database(path, PASSPHRASE)
    try:
        assert db.older
        assert "plus ancien" in " ".join(opening_notes(db, "fr"))
        assert "older" in " ".join(opening_notes(db, "en"))
    finally:
        db.close()
    seen = json.loads((tmp_path / "settings.json").read_text())["seen"]
    assert list(seen.values()) == [db.vault.counter + 1]  # the device keeps the highest it saw


def test_a_format1_vault_opens_becomes_format2_at_its_first_save_and_its_backup_goes_after(tmp_path):
    path = tmp_path / "journal.vault"
    docs = [("entries", f"e{i:06d}", entry_doc(i)) for i in range(50)]
    docs.append(("entries", "odd", {**entry_doc(0), "id": "odd", "body": "\ud800 surrogate et 🌿"}))
    write_format1(path, docs)
    db = open_database(path, PASSPHRASE)
    assert db.opened.from_format == 1 and path.read_bytes()[8] == 1
    assert db.table("entries").get_doc("odd")["body"] == "\ud800 surrogate et 🌿"
    Journal(db).add("La première entrée en format 2")
    assert path.read_bytes()[8] == 2 and backup_path(path).read_bytes()[8] == 1  # format 1 kept aside
    db.close()
    db = open_database(path, PASSPHRASE)  # the format-2 file opened once: the old backup may go
    assert backup_path(path).read_bytes()[8] == 2
    assert len(db.table("entries")) == 52
    db.close()


MIGRATE = textwrap.dedent("""
    import sys
    from journal_app.journal import Journal
    from journal_app.vault.storage import open_database
    db = open_database(sys.argv[1], sys.argv[2])
    print("open", flush=True)
    Journal(db).add("première entrée en format 2")
    print("saved", flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_migration_killed_midway_leaves_a_vault_that_opens_with_nothing_lost(tmp_path):
    rng = random.Random(11)
    docs = [("entries", f"e{i:06d}", entry_doc(i, ENTRY * 10)) for i in range(3000)]  # ~3 MB: a slow save
    source = tmp_path / "v1.vault"
    write_format1(source, docs)
    outcomes = set()
    for attempt in range(8):
        folder = tmp_path / f"a{attempt}"
        folder.mkdir()
        path = folder / "journal.vault"
        shutil.copy(source, path)
        child = subprocess.Popen([sys.executable, "-c", MIGRATE, str(path), PASSPHRASE],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "open", child.stderr.read()
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        said = child.communicate()[0]
        db = open_database(path, PASSPHRASE)
        try:
            outcomes.add((path.read_bytes()[8], "saved" in said))
            ids = {e.id for e in Journal(db).entries()}
            assert {f"e{i:06d}" for i in range(3000)} <= ids  # nothing of format 1 lost
            if "saved" in said:
                assert len(ids) == 3001
        finally:
            db.close()
    assert outcomes  # each run opened; which format it was in is printed for the record
    print("formats after a kill:", sorted(outcomes))


WRITER = textwrap.dedent("""
    import sys
    from journal_app.journal import Journal
    from journal_app.vault.storage import open_database
    journal = Journal(open_database(sys.argv[1], sys.argv[2]))
    n = 0
    while True:
        n += 1
        entry = journal.add(f"Entrée {n} : " + "é" * 1500, title=f"n{n}")
        print(entry.id, flush=True)  # printed only once the save has returned
""")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_during_a_stream_of_saves_at_10000_entries_never_loses_a_returned_save(tmp_path):
    """25 kills at random moments of a writer appending to a 10,000-entry journal (compactions
    happen too): every entry whose save returned is there after each kill."""
    path = tmp_path / "journal.vault"
    big_vault(path, 10_000)
    rng = random.Random(20261206)
    returned: set[str] = set()
    for kill in range(25):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), PASSPHRASE],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen: list[str] = []
        reader = threading.Thread(target=lambda out=child.stdout, into=seen: into.extend(
            line.strip() for line in out))
        reader.start()
        deadline = time.monotonic() + 60
        while not seen and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.01)
        assert seen, child.stderr.read()
        time.sleep(rng.uniform(0.0, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join()
        returned.update(seen)
        db = open_database(path, PASSPHRASE)
        try:
            present = set(db.table("entries").storage.read()["entries"])
        finally:
            db.close()
        missing = returned - present
        assert not missing, f"after kill {kill + 1}: {len(missing)} returned saves lost"
    assert len(returned) > 25


COMPACTOR = textwrap.dedent("""
    import sys
    from journal_app.vault.storage import open_database
    db = open_database(sys.argv[1], sys.argv[2])
    n = 0
    while True:
        n += 1
        db.table("entries").update_doc("e000001", {"title": f"compaction {n}"})
        db.vault.compact()
        print(n, flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_compaction_killed_midway_leaves_a_journal_that_opens_whole(tmp_path):
    path = tmp_path / "journal.vault"
    big_vault(path, 3000)
    rng = random.Random(5)
    for _ in range(8):
        child = subprocess.Popen([sys.executable, "-c", COMPACTOR, str(path), PASSPHRASE],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = child.stdout.readline().strip()
        assert first, child.stderr.read()
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        child.wait()
        db = open_database(path, PASSPHRASE)
        try:
            assert len(db.table("entries")) == 3000
            assert db.table("entries").get_doc("e000001")["title"].startswith("compaction")
        finally:
            db.close()
        assert not list(tmp_path.glob("*.tmp"))  # a kill's leftovers are gone once it opened


def test_the_app_says_once_that_an_interrupted_save_was_set_aside(tmp_path):
    """Unlocking, as a person would, a journal whose last save a crash cut short."""
    import flet as ft

    from tests.flet_harness import run_ui
    from tests.test_views import app

    path = tmp_path / "journal.vault"
    big_vault(path, 300)
    db = open_database(path, PASSPHRASE)
    Journal(db).add("Interrompue par une panne")
    db.close()
    path.write_bytes(path.read_bytes()[:-30])

    async def body():
        h, _ = await app(tmp_path)
        await h.type(h.find(ft.TextField, "Phrase de passe"), PASSPHRASE)
        await h.click(ft.FilledButton, "Déverrouiller")
        await h.wait_for(lambda: h.has_text("Un enregistrement interrompu"))

    run_ui(body)
