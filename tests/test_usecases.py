"""The actions the command line and the screens share, written once: they now agree on the
passphrase policy, on the reasons an import skips entries, and on the per-file report of share
files (a refused file no longer hides the others)."""

from __future__ import annotations

import io
from pathlib import Path

import flet as ft
import pytest

from journal_app.circles import Circles
from journal_app.cli import Env, main
from journal_app.errors import PassphraseTooWeak
from journal_app.passphrase import estimate, require_acceptable
from journal_app.session import JournalSession
from journal_app.sharing import CircleKeys
from journal_app.usecases.bundles import describe_bundles, import_bundles
from journal_app.usecases.importing import describe_import, import_files
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.flet_harness import run_ui
from tests.labelled_insights import bundle_for, import_circle, labelled_set
from tests.test_views import app, make_journal, unlock
from tests.test_views_facilitator import facilitator_journal, open_dashboard
from tests.test_views_phone import open_settings, picked

WEAK = ["password123", "aaaaaaaa", "12345678", "motdepasse", "court"]
JRNL = Path(__file__).parent / "fixtures" / "jrnl-export.json"


class Terminal:
    """An Env for in-process runs: a non-interactive terminal whose output the test reads."""

    def __init__(self, data_dir: Path, **environ: str) -> None:
        self.stdout, self.stderr = io.StringIO(), io.StringIO()
        self.env = Env(stdin=io.StringIO(""), stdout=self.stdout, stderr=self.stderr,
                       environ={"JOURNAL_APP_DATA_DIR": str(data_dir), "LANG": "fr_CA.UTF-8", **environ})

    def run(self, *argv: str) -> int:
        return main(list(argv), self.env)


@pytest.mark.parametrize("weak", WEAK)
def test_the_policy_refuses_what_the_meter_calls_too_weak(weak):
    assert not estimate(weak).acceptable
    with pytest.raises(PassphraseTooWeak):
        require_acceptable(weak)


@pytest.mark.parametrize("weak", WEAK)
def test_init_refuses_a_weak_passphrase_as_the_app_does(tmp_path, weak):
    term = Terminal(tmp_path, JOURNAL_APP_PASSPHRASE=weak)
    assert term.run("init") == 1
    lines = term.stderr.getvalue().strip().splitlines()
    assert len(lines) == 1 and "trop facile à deviner" in lines[0]
    assert not (tmp_path / "journal.vault").exists()


def test_changing_or_recovering_to_a_weak_passphrase_is_refused_everywhere(tmp_path):
    session = JournalSession(tmp_path, kdf=FAST_KDF)
    key = session.create(PASSPHRASE)
    with pytest.raises(PassphraseTooWeak):
        session.change_passphrase(PASSPHRASE, "aaaaaaaa")
    session.lock()
    term = Terminal(tmp_path, JOURNAL_APP_PASSPHRASE=PASSPHRASE, JOURNAL_APP_NEW_PASSPHRASE="12345678")
    assert term.run("passphrase", "change") == 1
    assert "trop facile à deviner" in term.stderr.getvalue()
    term = Terminal(tmp_path, JOURNAL_APP_RECOVERY_KEY=key, JOURNAL_APP_NEW_PASSPHRASE="password123")
    assert term.run("recover") == 1
    session.unlock(PASSPHRASE)  # the old passphrase still opens: nothing was changed
    session.lock()


def test_an_app_import_names_the_skip_reasons_as_the_cli_does(tmp_path):
    make_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await open_settings(h)
        for _ in range(2):
            h.conn.answers["pick_files"] = picked(JRNL)
            await h.click(ft.OutlinedButton, "Importer des fichiers")
        await h.wait_for(lambda: h.has_text("déjà dans le journal"))
        expected = describe_import(import_files(shell.ctx.session.journal, [(JRNL.name, JRNL.read_bytes())]), "fr")
        assert any("déjà dans le journal\u00a0: 3" in line for line in expected)
        assert h.has_text("déjà dans le journal : 3")
        shell.lock()

    run_ui(body)

    term = Terminal(tmp_path, JOURNAL_APP_PASSPHRASE=PASSPHRASE)
    assert term.run("import", str(JRNL)) == 0
    assert "déjà dans le journal\u00a0: 3" in term.stdout.getvalue()


def test_a_refused_share_file_does_not_hide_the_others_on_the_dashboard(tmp_path):
    circle_id = facilitator_journal(tmp_path, [])
    stranger = CircleKeys.create("Un autre cercle")

    async def body():
        h, shell = await app(tmp_path)
        keys = None
        await open_dashboard(h, shell)
        keys = Circles(shell.ctx.session.database).owned_circle(circle_id)
        good, _ = bundle_for(keys, labelled_set()[:3])
        foreign, _ = bundle_for(stranger, labelled_set()[3:5])
        h.conn.answers["pick_files"] = [
            {"id": 0, "name": "jeudi.json", "size": len(good), "bytes": good},
            {"id": 1, "name": "ailleurs.json", "size": len(foreign), "bytes": foreign}]
        await h.click(ft.FilledButton, "Importer des fichiers de partage")
        await h.wait_for(lambda: h.has_text("ailleurs.json : refusé"))
        assert h.has_text("jeudi.json : ajoutées : 3;")
        assert h.has_text("3 idées en attente")  # k = 5: the batch is held, and the screen says so
        shell.lock()

    run_ui(body)


def test_the_same_report_for_the_cli_and_the_dashboard(tmp_path):
    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    keys = Circles(session.database).create("Cercle du jeudi")
    good, _ = bundle_for(keys, labelled_set()[:3])
    batch = import_bundles(session.database, [("a.json", good), ("pas-un-paquet.json", b"{}"),
                                              ("a-encore.json", good)])
    lines = describe_bundles(batch, "fr")
    assert batch.failed == 1
    assert lines[0].startswith("a.json\u00a0: ajoutées\u00a0: 3;")
    assert lines[1].startswith("pas-un-paquet.json\u00a0: refusé.")
    assert lines[2].startswith("a-encore.json\u00a0: ajoutées\u00a0: 0; déjà reçues\u00a0: 3;")
    assert "3 idées en attente" in lines[3]
    session.lock()


def test_reading_the_themes_report_never_writes_the_vault(tmp_path):
    from journal_app.themes import ThemeBoard
    from journal_app.usecases.reports import themes_report

    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    keys = Circles(session.database).create("Cercle du jeudi")
    import_circle(session.database, keys, labelled_set()[::10])
    vault = tmp_path / "journal.vault"
    before = vault.read_bytes()
    report = themes_report(session.database, keys.invitation.circle_id, "fr", k=3)
    assert "Cercle du jeudi" in report.text and report.name.endswith(".md")
    assert vault.read_bytes() == before  # the new insights were placed in memory only
    board = ThemeBoard(session.database, keys.invitation.circle_id)
    assert board.unsaved
    board.save()  # the facilitator's dashboard keeps the placement
    assert vault.read_bytes() != before and not ThemeBoard(session.database, keys.invitation.circle_id).unsaved
    session.lock()


def test_two_picked_files_with_the_same_name_are_both_imported(journal):
    first = "---\ndate: 2024-05-01\n---\n# Au cercle\n\nUn galet.\n".encode()
    second = "---\ndate: 2024-05-02\n---\n# Marche\n\nLe vent.\n".encode()
    batch = import_files(journal, [("notes.md", first), ("notes.md", second)])
    assert batch.added == 2 and sorted(e.body for e in journal.entries()) == ["Le vent.", "Un galet."]
