"""The encrypted vault: round trips, damage, wrong secrets, recovery, locking, failed writes."""

from __future__ import annotations

import hashlib
import os
import random
import struct
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal_app.errors import (
    NotAVault,
    UnsupportedVersion,
    VaultDamaged,
    VaultLocked,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)
from journal_app.journal import Journal
from journal_app.vault import HEADER_LEN, MAGIC, KdfParams, Vault, backup_path, padded_length
from journal_app.vault.storage import create_database, open_database, recover_database
from tests.conftest import FAST_KDF, PASSPHRASE

RTL = "שלום עולם — مرحبا بالعالم"
EMOJI = "🌱🫶🏽👩‍👩‍👧 ça pousse"


def reopen(path: Path, passphrase: str = PASSPHRASE) -> Journal:
    return Journal(open_database(path, passphrase))


def close(journal: Journal) -> None:
    journal._table.storage.close()


# Any code point, lone surrogates included: a pasted fragment must never make a save fail.
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=any_text, body=any_text, tags=st.lists(any_text, max_size=4),
       answers=st.dictionaries(st.text(min_size=1, max_size=20), any_text, max_size=3))
def test_any_unicode_entry_survives_a_round_trip(title, body, tags, answers):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.vault"
        db, _ = create_database(path, PASSPHRASE, kdf=FAST_KDF)
        written = Journal(db).add(body, title=title, tags=tags, answers=answers)
        db.close()
        journal = reopen(path)
        assert journal.get(written.id) == written
        close(journal)


def test_emoji_rtl_and_one_megabyte_bodies_round_trip(journal, vault_file):
    big = ("Je dépose ce qui pèse. " * 50_000)[:1_000_000]
    entries = [journal.add(EMOJI, title=RTL), journal.add(big, title="1 Mo"),
               journal.add(RTL + "\n" + EMOJI * 1000)]
    close(journal)
    again = reopen(vault_file)
    assert [again.get(e.id) for e in entries] == entries
    assert len(again.get(entries[1].id).body) == 1_000_000
    close(again)


def test_vault_file_holds_none_of_the_plaintext(journal, vault_file):
    secret = "Mon secret : Ginette m’a blessée à la réunion du 12"
    journal.add(secret, title="Très privé", tags=["colère"])
    journal.add("Une autre entrée", title="Après")  # appended to the log
    data = vault_file.read_bytes() + backup_path(vault_file).read_bytes()
    for fragment in ("Ginette", "réunion", "Très privé", "colère", "secret", "entries", "created"):
        assert fragment.encode("utf-8") not in data
        assert fragment.encode("utf-16-le") not in data
    assert data.startswith(MAGIC)


def flipped(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1:]


def test_one_flipped_byte_anywhere_is_refused_or_dropped_never_misread(journal, vault_file):
    """Format 2: a flipped byte anywhere, in the header, a snapshot record, an appended save or
    its commit, is refused as damage (a save whole on disk that does not open is not a torn
    one). Were one ever opened, it could only be as a torn tail, said, and never misread."""
    # A first entry past the size under which every save rewrites the file: then a log.
    kept = [journal.add("Assez de mots pour passer au journal en registre. " * 1500)]
    kept += [journal.add(f"Un texte à protéger contre la corruption, numéro {n}.", title="Intègre")
             for n in range(4)]
    close(journal)
    original = vault_file.read_bytes()
    rng = random.Random(7)
    snapshot = len(original) - 4 * 700  # the appended saves are at the end
    positions = list(range(HEADER_LEN)) + [HEADER_LEN, len(original) - 1] + rng.sample(
        range(HEADER_LEN, len(original)), 30) + rng.sample(range(snapshot, len(original)), 60)
    outcomes = {"refused": 0, "dropped": 0}
    for position in positions:
        vault_file.write_bytes(flipped(original, position))
        try:
            db = open_database(vault_file, PASSPHRASE)
        except VaultDamaged:
            outcomes["refused"] += 1
            continue
        try:
            assert db.opened.torn_bytes > 0, position  # opened: only as a torn tail, said
            entries = {e.id: e for e in Journal(db).entries()}
            assert all(entries[e.id] == e for e in kept if e.id in entries)  # never a changed word
            assert len(entries) == len(kept) - 1  # only the last save is dropped
            outcomes["dropped"] += 1
        finally:
            db.close()
    assert outcomes == {"refused": len(positions), "dropped": 0}
    vault_file.write_bytes(original)
    assert len(reopen(vault_file)) == len(kept)  # and the untouched file still opens whole


def test_wrong_passphrase_is_refused_and_changes_no_byte(journal, vault_file):
    journal.add("Texte")
    close(journal)
    before = {p.name: p.read_bytes() for p in vault_file.parent.iterdir() if p.is_file()}
    with pytest.raises(WrongPassphrase):
        open_database(vault_file, "pas la bonne phrase")
    after = {p.name: p.read_bytes() for p in vault_file.parent.iterdir() if p.is_file()}
    assert after == before


def test_wrong_passphrase_then_right_one_opens(journal, vault_file):
    entry = journal.add("Toujours là")
    close(journal)
    with pytest.raises(WrongPassphrase):
        open_database(vault_file, "une phrase de pass")
    assert reopen(vault_file).get(entry.id) == entry


def test_recovery_key_opens_and_sets_a_new_passphrase(vault_file):
    db, recovery_key = create_database(vault_file, PASSPHRASE, kdf=FAST_KDF)
    entry = Journal(db).add("Avant l’oubli")
    db.close()
    typed = recovery_key.lower().replace("-", " ").replace("o", "0")  # as a person might type it
    db, _ = recover_database(vault_file, typed, "une toute nouvelle phrase")
    assert Journal(db).get(entry.id) == entry
    db.close()
    with pytest.raises(WrongPassphrase):
        open_database(vault_file, PASSPHRASE)
    db = open_database(vault_file, "une toute nouvelle phrase")
    assert Journal(db).get(entry.id) == entry
    db.close()


def test_wrong_or_malformed_recovery_key_is_refused(vault_file):
    db, recovery_key = create_database(vault_file, PASSPHRASE, kdf=FAST_KDF)
    db.close()
    other = recovery_key[:-1] + ("A" if recovery_key[-1] != "A" else "B")
    for bad in (other, "ABCD-EFGH", "not a key at all!!" * 2):
        with pytest.raises(WrongRecoveryKey):
            recover_database(vault_file, bad, "nouvelle phrase de passe")
    close(reopen(vault_file))  # still opens with the old passphrase


def test_change_passphrase_draws_new_keys_and_a_new_recovery_key(vault_file):
    db, recovery_key = create_database(vault_file, PASSPHRASE, kdf=FAST_KDF)
    entry = Journal(db).add("Reste lisible")
    rekeyed = db.vault.change_passphrase("une autre phrase de passe")
    db.close()
    with pytest.raises(WrongPassphrase):
        open_database(vault_file, PASSPHRASE)
    again = reopen(vault_file, "une autre phrase de passe")
    assert again.get(entry.id) == entry
    close(again)
    with pytest.raises(WrongRecoveryKey):  # the old recovery key went with the old data key
        recover_database(vault_file, recovery_key, "troisième phrase de passe")
    assert rekeyed.recovery_key and rekeyed.recovery_key != recovery_key
    db, kept = recover_database(vault_file, rekeyed.recovery_key, "troisième phrase de passe")
    assert Journal(db).get(entry.id) == entry and kept.recovery_key is None  # the same one goes on
    db.close()


def test_old_copy_and_leaked_passphrase_do_not_open_the_journal_after_a_change(vault_file, tmp_path):
    """The attack: a copy of the vault from before (a synced version, a phone backup, the .bak)
    and the OLD passphrase gave the data key, which decrypted the CURRENT journal, entries
    written after the change included."""
    db, _ = create_database(vault_file, PASSPHRASE, kdf=FAST_KDF)
    Journal(db).add("Avant le changement")
    old_copy = vault_file.read_bytes()
    db.vault.change_passphrase("une phrase toute neuve")
    Journal(db).add("Écrit après le changement")
    db.close()
    stolen = tmp_path / "stolen"
    stolen.mkdir()
    (stolen / "journal.vault").write_bytes(old_copy)
    old_vault, _ = Vault.open(stolen / "journal.vault", PASSPHRASE)  # the old copy still opens
    old_key = old_vault._key
    old_vault.close()
    current = vault_file.read_bytes()
    with pytest.raises(InvalidTag):
        AESGCM(old_key).decrypt(current[HEADER_LEN - 12 - 32:HEADER_LEN - 32], current[HEADER_LEN:],
                                current[:HEADER_LEN])
    # The generation kept as .bak is under the new keys too: the old passphrase does not open it.
    bak = tmp_path / "bak"
    bak.mkdir()
    (bak / "journal.vault").write_bytes(backup_path(vault_file).read_bytes())
    with pytest.raises(WrongPassphrase):
        open_database(bak / "journal.vault", PASSPHRASE)


def test_short_passphrase_is_refused(vault_file):
    with pytest.raises(WeakPassphrase):
        create_database(vault_file, "court", kdf=FAST_KDF)
    assert not vault_file.exists()


@pytest.mark.parametrize("content", [b"", b"hello", b"RESSENTI", b"{\"entries\": []}", os.urandom(4096)])
def test_files_that_are_not_vaults(vault_file, content):
    vault_file.write_bytes(content)
    with pytest.raises(NotAVault):
        open_database(vault_file, PASSPHRASE)
    assert vault_file.read_bytes() == content


def test_truncated_vaults(journal, vault_file):
    first = journal.add("Du texte, assez pour que le journal soit un registre. " * 1500)
    journal.add("Le texte d’une sauvegarde qui n’a pas fini")
    close(journal)
    data = vault_file.read_bytes()
    vault_file.write_bytes(data[:100])
    with pytest.raises(NotAVault):
        open_database(vault_file, PASSPHRASE)
    vault_file.write_bytes(data[:-10])  # the last save cut short: a torn tail, dropped and said
    db = open_database(vault_file, PASSPHRASE)
    assert db.opened.torn_bytes > 0 and [e.id for e in Journal(db).entries()] == [first.id]
    db.close()
    vault_file.write_bytes(data[:HEADER_LEN + 40])  # not even the first snapshot is whole
    with pytest.raises(VaultDamaged):
        open_database(vault_file, PASSPHRASE)


def test_newer_format_version_is_named(journal, vault_file):
    close(journal)
    data = bytearray(vault_file.read_bytes())
    data[8] = 3
    fields_len = HEADER_LEN - 32
    data[fields_len:HEADER_LEN] = hashlib.sha256(bytes(data[:fields_len])).digest()
    vault_file.write_bytes(bytes(data))
    with pytest.raises(UnsupportedVersion) as caught:
        open_database(vault_file, PASSPHRASE)
    assert "3" in caught.value.message("fr")


def test_default_parameters_are_recorded_in_the_header(vault_file):
    db, _ = create_database(vault_file, PASSPHRASE)
    db.close()
    memory, iterations, lanes = struct.unpack(">III", vault_file.read_bytes()[10:22])
    assert (memory, iterations, lanes) == (64 * 1024, 3, 4) == (
        KdfParams().memory_kib, KdfParams().iterations, KdfParams().lanes)
    reopen(vault_file)


def test_file_size_hides_small_differences(tmp_path):
    sizes = []
    for i, text in enumerate(["court", "un peu plus long que l'autre, mais à peine"]):
        db, _ = create_database(tmp_path / f"{i}.vault", PASSPHRASE, kdf=FAST_KDF)
        Journal(db).add(text)
        db.close()
        sizes.append((tmp_path / f"{i}.vault").stat().st_size)
    assert sizes[0] == sizes[1]
    assert padded_length(5000) >= 5000 and padded_length(10**6) - 10**6 < 10**6 * 0.04


def test_backup_holds_the_previous_generation_and_can_be_restored(journal, vault_file):
    first = journal.add("Première")
    journal._table.storage.vault.compact()  # the backup: the file before the last compaction
    second = journal.add("Deuxième")
    close(journal)
    vault_file.write_bytes(flipped(vault_file.read_bytes(), HEADER_LEN + 5))
    with pytest.raises(VaultDamaged):
        open_database(vault_file, PASSPHRASE)
    db = open_database(vault_file, PASSPHRASE, use_backup=True)
    restored = Journal(db)
    assert restored.contains(first.id) and not restored.contains(second.id)
    db.close()
    kept_aside = list(vault_file.parent.glob("journal.vault.damaged-*"))
    assert len(kept_aside) == 1  # the damaged file is kept, never deleted
    assert reopen(vault_file).contains(first.id)


def test_where_hard_links_are_refused_the_backup_is_a_full_copy(journal, vault_file, monkeypatch):
    """Android's SELinux refuses hard links in app storage (EACCES), and os.write may write less
    than asked: the previous generation is then copied, whole. Neither can be produced on this
    machine's file system, so both are imposed on the os module here."""
    import errno

    def refuse(*_: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    real_write = os.write
    monkeypatch.setattr(os, "link", refuse)
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:4096])))
    first = journal.add("Première " + "mot " * 5000)
    journal._table.storage.vault.compact()
    second = journal.add("Deuxième")
    close(journal)
    assert backup_path(vault_file).stat().st_ino != vault_file.stat().st_ino
    db = open_database(vault_file, PASSPHRASE, use_backup=True)
    restored = Journal(db)
    assert restored.contains(first.id) and not restored.contains(second.id)
    assert restored.get(first.id).body.startswith("Première mot")
    db.close()
    assert reopen(vault_file).contains(first.id)


def test_lock_is_released_on_close(journal, vault_file):
    close(journal)
    reopen(vault_file)


LOCK_HOLDER = textwrap.dedent("""
    import sys, time
    from journal_app.vault.storage import open_database
    db = open_database(sys.argv[1], sys.argv[2])
    print("open", flush=True)
    time.sleep(60)
""")


def test_a_second_writer_gets_already_open(journal, vault_file):
    journal.add("Texte")
    close(journal)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(vault_file), PASSPHRASE],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(VaultLocked):
            open_database(vault_file, PASSPHRASE)
    finally:
        holder.kill()
        holder.wait()
    reopen(vault_file)  # and once the other process is gone, it opens


def test_two_windows_of_one_process_conflict(journal, vault_file):
    with pytest.raises(VaultLocked):
        open_database(vault_file, PASSPHRASE)


FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    from journal_app.journal import Journal
    from journal_app.vault.storage import open_database
    from journal_app.errors import DiskFull
    db = open_database(sys.argv[1], sys.argv[2])
    journal = Journal(db)
    # The kernel refuses writes past this size (EFBIG), as a full disk refuses them (ENOSPC).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
    try:
        journal.add("x" * 500_000)
    except DiskFull as exc:
        print("refused:", exc.message("fr"))
    print("count:", len(journal))
    journal.add("une petite entrée qui tient")
    print("count:", len(journal))
""")


def test_a_failed_write_leaves_the_previous_vault_intact(journal, vault_file):
    kept = journal.add("Ce qui était déjà là")
    close(journal)
    before = vault_file.read_bytes()
    run = subprocess.run([sys.executable, "-c", FULL_DISK, str(vault_file), PASSPHRASE],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("refused: L’espace disque manque")
    assert lines[1:] == ["count: 1", "count: 2"]  # the failed entry is not kept in memory either
    journal = reopen(vault_file)
    assert journal.get(kept.id) == kept and len(journal) == 2
    assert not list(vault_file.parent.glob("*.tmp"))
    assert before != vault_file.read_bytes()
