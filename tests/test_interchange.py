"""Import from jrnl, Day One and Markdown; export to JSON and Markdown and back."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from journal_app.errors import ExportTargetExists, MalformedImport, UnknownImportFormat
from journal_app.interchange import import_path, markdown, ressenti_json
from journal_app.journal import FeltShift, Meeting, Practiced

FIXTURES = Path(__file__).parent / "fixtures"


def test_jrnl_export_imports_once(journal):
    report = import_path(journal, FIXTURES / "jrnl-export.json")
    assert (report.format, report.added, report.skipped) == ("jrnl", 3, ())
    morning = journal.search("caillou")[0]
    assert morning.title == "Focusing du matin."
    assert morning.tags == ("corps", "cercle")
    assert morning.created.replace(tzinfo=None) == datetime(2024, 3, 7, 7, 10)
    assert morning.created.tzinfo is not None
    again = import_path(journal, FIXTURES / "jrnl-export.json")
    assert again.added == 0 and [s.reason for s in again.skipped] == ["duplicate"] * 3
    assert len(journal) == 3


def dayone_zip(tmp_path: Path) -> Path:
    archive = tmp_path / "Export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURES / "dayone-Journal.json", "Journal.json")
        z.writestr("photos/abc.jpeg", b"\xff\xd8 not really a photo")
    return archive


def test_dayone_zip_and_json_import(journal, tmp_path):
    report = import_path(journal, dayone_zip(tmp_path))
    assert (report.format, report.added) == ("dayone", 2)
    council = journal.search("conseil")[0]
    assert council.title == "Retour sur la réunion du conseil"
    assert council.body.startswith("J'ai pris le rôle de gardienne du temps. Difficile")
    assert "- ce que j'ai appris" in council.body  # Day One's Markdown escapes are undone
    assert council.tags == ("conseil", "rôles")
    assert council.created == datetime(2024, 4, 2, 19, 15, tzinfo=ZoneInfo("America/Toronto"))
    # The Journal.json inside the zip is the same export: nothing new.
    assert import_path(journal, FIXTURES / "dayone-Journal.json").added == 0


def test_markdown_file_and_folder(journal, tmp_path):
    report = import_path(journal, FIXTURES / "2024-05-01-marche.md")
    assert report.added == 1
    walk = journal.search("herbe")[0]
    assert walk.title == "Marche consciente" and walk.created.date().isoformat() == "2024-05-01"
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("Sans titre ni date.\n", encoding="utf-8")
    shutil.copy(FIXTURES / "2024-05-01-marche.md", folder)
    report = import_path(journal, folder)
    assert report.added == 1 and [s.reason for s in report.skipped] == ["duplicate"]


def test_json_export_is_lossless_and_reimports(journal, tmp_path, clock):
    journal.add("Corps\u00a0léger 🌿", title="Après", kind="focusing", tags=["corps"],
                felt_shift=FeltShift(2, 8), answers={"wbf.ground": "Les pieds"},
                meeting=Meeting("Cercle", datetime(2026, 11, 24).date(), "participant"),
                practiced=Practiced(754, True))  # the time a session took travels with it
    journal.add("Deuxième")
    out = tmp_path / "export.json"
    assert ressenti_json.export(journal, out) == 2
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "ressenti-export" and len(doc["entries"]) == 2
    with pytest.raises(ExportTargetExists):
        ressenti_json.export(journal, out)
    before = journal.entries()
    for entry in before:
        journal.delete(entry.id)
    assert import_path(journal, out).added == 2
    assert journal.entries() == before  # every field, ids and times included
    assert import_path(journal, out).added == 0


def test_markdown_export_reimports_without_duplicates(journal, tmp_path):
    journal.add("Le souffle.\n\n---\n\nUn trait, puis la suite.", title="Respirer", tags=["souffle"])
    journal.add("Sans titre", kind="reflection", answers={"orid.reflective": "Surprise"})
    out = tmp_path / "journal.md"
    assert markdown.export(journal, out) == 2
    text = out.read_text(encoding="utf-8")
    assert "# Respirer" in text and "Surprise" in text
    assert import_path(journal, out).added == 0  # ids in the front matter: already there
    fresh_count = len(journal)
    for entry in journal.entries():
        journal.delete(entry.id)
    report = import_path(journal, out)
    assert report.added == fresh_count
    breath = journal.search("souffle")[0]
    assert breath.title == "Respirer" and breath.tags == ("souffle",)
    assert "Un trait, puis la suite." in breath.body


@pytest.mark.parametrize("content,error", [
    (b"{ not json", MalformedImport),
    (b"\xff\xfe\x00garbage", MalformedImport),
    (b'{"something": "else"}', UnknownImportFormat),
    (b"[1, 2, 3]", UnknownImportFormat),
])
def test_malformed_files_change_nothing(journal, tmp_path, content, error):
    journal.add("déjà là")
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(error) as caught:
        import_path(journal, bad)
    assert "bad.json" in caught.value.message("fr")
    assert len(journal) == 1


def test_entries_with_bad_dates_are_skipped_and_named(journal, tmp_path):
    doc = {"tags": {}, "entries": [
        {"title": "ok", "body": "b", "date": "2024-01-02", "time": "10:00", "tags": []},
        {"title": "bad", "body": "b", "date": "2024-13-45", "time": "10:00", "tags": []},
        {"title": "", "body": "", "date": "2024-01-03", "time": "10:00", "tags": []},
    ]}
    path = tmp_path / "jrnl.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = import_path(journal, path)
    assert report.added == 1
    assert sorted(s.reason for s in report.skipped) == ["empty", "invalid"]


def test_broken_zip_is_one_clear_error(journal, tmp_path):
    bad = tmp_path / "Export.zip"
    bad.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(Exception) as caught:
        import_path(journal, bad)
    assert "Export.zip" in caught.value.message("en")


@pytest.mark.parametrize("practiced", [{"seconds": "beaucoup", "completed": True}, {"seconds": -5, "completed": True},
                                       {"seconds": 10**9, "completed": True}, {"seconds": 60, "completed": "oui"},
                                       ["pas", "un", "dict"]])
def test_a_session_time_that_is_not_one_skips_that_entry_only(journal, tmp_path, practiced):
    """An import cannot slip an inflated or unreadable session time into the counts."""
    good = {"id": "a1", "created": "2026-11-01T10:00:00-04:00", "updated": "2026-11-01T10:00:00-04:00",
            "kind": "focusing", "pack_id": "check-in", "answers": {"settle": "Les épaules."},
            "practiced": {"seconds": 300, "completed": True}}
    bad = {**good, "id": "b2", "practiced": practiced}
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"format": "ressenti-export", "version": 1, "entries": [good, bad]}), encoding="utf-8")
    report = import_path(journal, path)
    assert report.added == 1 and [s.reason for s in report.skipped] == ["invalid"]
    assert journal.entries()[0].practiced == Practiced(300, True)
