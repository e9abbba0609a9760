"""Searches while the journal changes, in real threads on a real vault: the app's event loop
searches and saves while the warm-up thread folds every entry and a device-sync round takes in
another device's entries (asyncio.to_thread). Each search's answer is exactly right, nothing
raises, and what is in memory afterwards is what the file holds."""

from __future__ import annotations

import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest

from journal_app.folding import fold
from journal_app.journal import Journal, search_text
from journal_app.sync.engine import Sync
from journal_app.vault.storage import create_database, open_database
from tests.conftest import FAST_KDF, PASSPHRASE

STABLE = 400  # entries nobody changes: every search for their words finds exactly them
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def fine_switching():
    """Threads take turns every microsecond rather than every 5 ms, so that a search and a
    save interleave at many more places in a short test (nothing else is changed)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _holds(entry, query: str) -> bool:
    return all(term in search_text(entry) for term in fold(query).split())


def test_searches_saves_warm_up_and_sync_at_once_each_search_exactly_right(tmp_path, fine_switching):
    phone, _ = create_database(tmp_path / "phone" / "journal.vault", PASSPHRASE, kdf=FAST_KDF)
    laptop, _ = create_database(tmp_path / "laptop" / "journal.vault", PASSPHRASE, kdf=FAST_KDF)
    phone_sync, laptop_sync = Sync(phone), Sync(laptop)
    journal, laptop_journal = Journal(phone), Journal(laptop)
    stable = journal.put_new(
        journal.new_entry(f"Réunion du cercle, note s{i}x", title="Chaleur", created=START + timedelta(hours=i))
        for i in range(STABLE)
    )
    stable_ids = sorted(e.id for e in stable)
    journal = Journal(phone)  # as after unlocking: nothing made yet, the first search to come
    errors: list[BaseException] = []
    wrong: list[str] = []
    done = threading.Event()

    def guarded(work):
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 - every failure is reported by the test
                errors.append(exc)

        return run

    def searcher(seed: int) -> None:
        n = seed
        while not done.is_set() or n < seed + 20:
            n += 1
            i = n % STABLE
            for query, expected in (
                ("reunion", stable_ids),
                ("chaleur", stable_ids),
                (f"s{i}x réunion", [stable[i].id]),
            ):
                found = sorted(e.id for e in journal.search(query))
                if found != expected:
                    wrong.append(f"{query!r}: {len(found)} found, {len(expected)} expected")
            for query in ("poitrine", "épaule", "portable"):  # what changes: each found holds it
                for entry in journal.search(query):
                    if not _holds(entry, query):
                        wrong.append(f"{query!r} found {entry.body!r}")

    def writer(name: str) -> None:
        for k in range(25):
            entry = journal.add(f"Brouillon {name}{k} : la poitrine serrée", created=START - timedelta(days=k))
            journal.update(entry.id, body=f"Brouillon {name}{k} : l’épaule relâchée")
            if k % 2:
                journal.delete(entry.id)

    def syncer() -> None:
        for k in range(15):
            laptop_journal.add(f"Depuis le portable {k} : poitrine", created=START - timedelta(hours=k))
            changes = laptop_sync.pending()
            phone_sync.take(changes)
            laptop_sync.sent(changes)

    def warmer() -> None:
        while not done.is_set():
            journal.warm_up()

    changing = [threading.Thread(target=guarded(lambda n=n: writer(n))) for n in ("a", "b")]
    changing.append(threading.Thread(target=guarded(syncer)))
    others = [threading.Thread(target=guarded(lambda s=s: searcher(s))) for s in (0, 100, 200)]
    others.append(threading.Thread(target=guarded(warmer)))
    for thread in [*others, *changing]:
        thread.start()
    for thread in changing:
        thread.join(120)
    done.set()
    for thread in others:
        thread.join(120)
    try:
        assert not errors, repr(errors[:3])
        assert not wrong, wrong[:5]
        in_memory = {e.id: e for e in journal.entries()}
        assert len(journal) == len(in_memory) == STABLE + 2 * 13 + 15
        for query in ("reunion", "poitrine", "epaule", "portable", "brouillon a3", "s7x"):
            assert [e.id for e in journal.search(query)] == [e.id for e in journal.entries() if _holds(e, query)], query
        phone.close()
        reopened = open_database(tmp_path / "phone" / "journal.vault", PASSPHRASE)
        try:
            assert {e.id: e for e in Journal(reopened).entries()} == in_memory
        finally:
            reopened.close()
    finally:
        phone.close()
        laptop.close()
