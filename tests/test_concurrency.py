"""Work off the event loop, and one writer at a time: a second tab answers while a facilitator's
themes are grouped; two writers go through the vault's lock; locking waits for a save."""

from __future__ import annotations

import threading
import time

import flet as ft

from journal_app.journal import Journal
from journal_app.session import JournalSession
from journal_app.vault.storage import open_database
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.flet_harness import new_harness, run_ui
from tests.labelled_insights import labelled_set
from tests.test_views import make_journal, unlock
from tests.test_views_facilitator import facilitator_journal, open_dashboard


def test_two_writers_go_through_the_lock(db, vault_file):
    journal = Journal(db)
    vectors_written = []

    def add_entries(prefix: str) -> None:
        for n in range(40):
            journal.add(f"{prefix} {n}")

    def change_tables() -> None:
        for n in range(40):
            db.change(lambda tables, n=n: tables.setdefault("vectors", {}).__setitem__(f"v{n}", {"v": n}))
            vectors_written.append(n)

    workers = [threading.Thread(target=add_entries, args=("a",)), threading.Thread(target=add_entries, args=("b",)),
               threading.Thread(target=change_tables)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    db.close()
    reopened = open_database(vault_file, PASSPHRASE)
    try:
        bodies = {e.body for e in Journal(reopened).entries()}
        assert bodies == {f"{p} {n}" for p in "ab" for n in range(40)}
        assert len(reopened.table("vectors")) == 40 == len(vectors_written)
    finally:
        reopened.close()


def test_locking_waits_for_a_save_in_flight(tmp_path):
    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    vault = session.database.vault
    real_save = vault.save
    started, order = threading.Event(), []

    def slow_save(changes, **how):  # a large journal on a slow phone: the save takes a while
        started.set()
        time.sleep(0.3)
        real_save(changes, **how)
        order.append("saved")

    vault.save = slow_save
    writer = threading.Thread(target=lambda: session.journal.add("Écrit juste avant le verrou"))
    writer.start()
    assert started.wait(5)
    session.lock()  # the auto-lock, in the middle of the save
    order.append("locked")
    writer.join()
    assert order == ["saved", "locked"]
    session.unlock(PASSPHRASE)
    assert [e.body for e in session.journal.entries()] == ["Écrit juste avant le verrou"]
    session.lock()


def test_a_second_tab_answers_while_themes_are_grouped(tmp_path, monkeypatch):
    from journal_app.views import facilitator

    # The grouping is held until the member's tab has answered, so that the test does not
    # depend on how fast this machine groups (bench/bench_responsive.py measures the waits).
    first_grouping = threading.Event()
    real_board = facilitator.ThemeBoard

    def held_board(*args, **kwargs):
        assert first_grouping.wait(60)
        return real_board(*args, **kwargs)

    monkeypatch.setattr(facilitator, "ThemeBoard", held_board)
    facilitator_dir, member_dir = tmp_path / "animation", tmp_path / "membre"
    facilitator_journal(facilitator_dir, labelled_set())
    make_journal(member_dir, [("Après le cercle", {"title": "Après le cercle"})])

    async def body():
        from journal_app.app import build_app
        from journal_app.settings import Settings, save_settings

        tabs = []
        for folder, width in ((facilitator_dir, 1280), (member_dir, 390)):
            save_settings(folder, Settings(language="fr"))
            h = await new_harness(width=width)
            shell = build_app(h.page, folder, autosave_delay=0.01)
            shell.ctx.session._kdf = FAST_KDF
            h.page.update()
            tabs.append((h, shell))
        (fh, fshell), (mh, mshell) = tabs
        await unlock(mh)
        await open_dashboard(fh, fshell)
        dashboard = fshell.screen
        # 320 insights are being grouped in a worker thread: the member's tab still answers.
        assert dashboard.loading and dashboard.board is None
        await mh.type(mh.find(ft.TextField, "Rechercher"), "cercle")
        assert "1 entrée" in mh.texts()
        assert dashboard.board is None, "the member's search waited for the grouping to end"
        first_grouping.set()
        await fh.wait_for(lambda: fh.has_text("Thèmes ("), timeout=120)
        # Grouping again runs aside too, with a word on screen; held the same way.
        board, go_on = dashboard.board, threading.Event()
        real_suggest = board.suggest

        def held_suggest():
            assert go_on.wait(60)
            return real_suggest()

        board.suggest = held_suggest
        dashboard.refresh()  # its button now calls the held one
        fh.page.update()
        again = await fh.click_and_wait_on_client(ft.OutlinedButton, "Regrouper de nouveau en thèmes")
        assert dashboard.busy and fh.has_text("Un instant…")
        await mh.type(mh.find(ft.TextField, "Rechercher"), "introuvable")
        assert mh.has_text("Aucune entrée ne correspond")
        assert dashboard.busy
        go_on.set()
        await again
        await fh.wait_for(lambda: not dashboard.busy and fh.has_text("Thèmes ("), timeout=120)
        fshell.lock()
        mshell.lock()

    run_ui(body)
