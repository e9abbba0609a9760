"""Errors: each service its own translated error; an unforeseen error is logged in the data folder
without a word of the journal, a passphrase or a key, and the screen offers its diagnostic; a
catalog key missing from both languages fails the tests."""

from __future__ import annotations

import io
import pathlib
from datetime import date

import flet as ft
import pytest

from journal_app.circles import Circles, SharedInsightNotFound
from journal_app.cli import Env, main
from journal_app.diagnostics import LOG_NAME, describe
from journal_app.i18n import MissingTranslation, translate
from journal_app.journal import Journal
from journal_app.session import JournalSession
from journal_app.sharing import CircleKeys
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.flet_harness import run_ui
from tests.test_views import app, unlock

MARKER = "Mirabellequietude"


def secret_words(recovery_key: str) -> list[str]:
    return [MARKER, PASSPHRASE, recovery_key, recovery_key.replace("-", "")]


def test_an_unforeseen_error_is_logged_without_a_word_of_the_journal(tmp_path, monkeypatch):
    session = JournalSession(tmp_path, kdf=FAST_KDF)
    key = session.create(PASSPHRASE)
    entry = session.journal.add(f"Ce soir, {MARKER} au cercle.", title=MARKER)
    session.lock()

    def broken_update(self, entry_id, **changes):
        raise RuntimeError(f"could not save {changes.get('body')} with {PASSPHRASE} and {key}")

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        monkeypatch.setattr(Journal, "update", broken_update)
        shell.go(f"/entry/{entry.id}")
        await h.type(h.find(ft.TextField, "Texte"), f"Encore {MARKER}, plus longuement.")
        await h.wait_for(lambda: h.has_text("Erreur inattendue : RuntimeError"))
        log = (tmp_path / LOG_NAME).read_text("utf-8")
        assert "builtins.RuntimeError" in log and "journal_app/views/editor.py" in log
        assert not any(word in log for word in secret_words(key))
        assert (tmp_path / LOG_NAME).stat().st_mode & 0o077 == 0
        # The screen offers the diagnostic; tapping it copies exactly what was logged.
        offer = next(d for d in h.page._dialogs.controls
                     if isinstance(d, ft.SnackBar) and d.action == "Copier le diagnostic")
        await h.fire(offer, "action")
        copied = [a for name, a in h.conn.invoked_args if name == "set"][-1]
        text = next(v for v in copied.values() if isinstance(v, str))
        assert "builtins.RuntimeError" in text and text in log
        assert not any(word in text for word in secret_words(key))
        assert h.has_text("il ne contient aucun mot de votre journal")
        monkeypatch.undo()
        shell.lock()

    run_ui(body)


def test_the_command_line_logs_an_unforeseen_error_the_same_way(tmp_path, monkeypatch):
    session = JournalSession(tmp_path, kdf=FAST_KDF)
    key = session.create(PASSPHRASE)
    session.journal.add(MARKER)
    session.lock()

    def broken_entries(self, where=None):
        raise ValueError(f"{MARKER} {PASSPHRASE}")

    monkeypatch.setattr(Journal, "entries", broken_entries)
    err = io.StringIO()
    env = Env(stdin=io.StringIO(""), stdout=io.StringIO(), stderr=err,
              environ={"JOURNAL_APP_DATA_DIR": str(tmp_path), "JOURNAL_APP_PASSPHRASE": PASSPHRASE,
                       "LANG": "fr_CA.UTF-8"})
    assert main(["list"], env) == 1
    said = err.getvalue()
    assert said.count("\n") == 1 and "ValueError" in said and MARKER not in said
    log = (tmp_path / LOG_NAME).read_text("utf-8")
    assert "builtins.ValueError" in log and "journal-app list" in log
    assert not any(word in log for word in secret_words(key))


def test_a_diagnostic_names_types_and_places_only():
    try:
        try:
            raise KeyError(MARKER)
        except KeyError as inner:
            raise ValueError(PASSPHRASE) from inner
    except ValueError as exc:
        text = describe(exc, "test")
    assert "builtins.ValueError" in text and "builtins.KeyError" in text
    assert "test_diagnostics.py:" in text and str(pathlib.Path(__file__).parent) not in text
    assert MARKER not in text and PASSPHRASE not in text


def test_a_missing_catalog_key_fails_the_tests(monkeypatch):
    with pytest.raises(MissingTranslation):
        translate("nowhere.to_be_found", "fr")
    monkeypatch.delenv("RESSENTI_STRICT_CATALOG")
    assert translate("nowhere.to_be_found", "fr") == "nowhere.to_be_found"  # what a person would see


def test_each_service_says_its_own_error(db):
    circles = Circles(db)
    circles.join(CircleKeys.create("Cercle").invitation.code())
    with pytest.raises(SharedInsightNotFound) as unknown:
        circles.withdraw("pas-un-partage")
    assert "idées partagées" in unknown.value.message("fr")
    circle_id = circles.joined()[0].circle_id
    circles.share(circle_id, "Un extrait", day=date(2026, 11, 24), kind="free")
    assert len(circles.outbox()) == 1


def test_a_theme_needs_a_name(tmp_path):
    from journal_app.themes import ThemeBoard, ThemeNameMissing
    from tests.labelled_insights import import_circle, labelled_set

    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    keys = Circles(session.database).create("Cercle")
    import_circle(session.database, keys, labelled_set()[:10])
    board = ThemeBoard(session.database, keys.invitation.circle_id)
    with pytest.raises(ThemeNameMissing) as missing:
        board.seed("   ", "rien")
    assert missing.value.message("fr") == "Donnez un nom au thème."
    session.lock()
