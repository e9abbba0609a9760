"""Trust, round 3: each finding of the December review (shared/reviews/security-2026-12.md) as a
test that failed on the code before it was mended."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest

from journal_app.circles import Circles
from journal_app.harvest import Harvest
from journal_app.sharing import CircleKeys, Insight, Withdrawal, open_envelope, read_bundle
from journal_app.storage import create_database, open_database
from journal_app.vault import backup_path
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.test_harvest import circle_with_member, share


@pytest.fixture
def member(tmp_path: Path):
    database, _ = create_database(tmp_path / "member.vault", PASSPHRASE, kdf=FAST_KDF)
    yield database
    database.close()


@pytest.fixture
def other(tmp_path: Path):
    database, _ = create_database(tmp_path / "other.vault", PASSPHRASE, kdf=FAST_KDF)
    yield database
    database.close()


def opened(bundle: bytes, keys: CircleKeys) -> list[Insight | Withdrawal]:
    return [open_envelope(e, keys) for e in read_bundle(bundle, keys.invitation.circle_id)]


def everything_in(vault: Path, tmp_path: Path) -> str:
    """Every document of a vault file (a copy, opened where no lock is held), as one text."""
    copy = Path(tempfile.mkdtemp(dir=tmp_path)) / "journal.vault"
    shutil.copyfile(vault, copy)
    database = open_database(copy, PASSPHRASE)
    try:
        return repr(database.storage.read())
    finally:
        database.close()


# --- 1. Withdrawn means withdrawn --------------------------------------------------------------
def test_a_withdrawn_insight_leaves_as_its_withdrawal_alone(db, member):
    keys = Circles(db).create("Cercle")
    cid = keys.invitation.circle_id
    circles = Circles(member)
    circles.join(keys.invitation.code())
    kept, gone = share(member, cid, "Une idée qui reste", "Une phrase que je reprends")
    circles.mark_exported(cid, date(2026, 11, 30))  # a first file carried both
    circles.withdraw(gone)
    for _ in range(2):  # and every later file
        messages = opened(circles.outbox_bundle(cid), keys)
        texts = [m.text for m in messages if isinstance(m, Insight)]
        assert texts == ["Une idée qui reste"]
        assert [m.insight_id for m in messages if isinstance(m, Withdrawal)] == [gone]
    assert kept


def test_an_insight_withdrawn_before_any_file_carried_it_never_leaves(db, member):
    keys = Circles(db).create("Cercle")
    cid = keys.invitation.circle_id
    circles = Circles(member)
    circles.join(keys.invitation.code())
    (gone,) = share(member, cid, "Trop personnel, finalement")
    circles.withdraw(gone)
    assert opened(circles.outbox_bundle(cid), keys) == []
    circles.mark_exported(cid, date(2026, 12, 1))
    assert circles.outbox()[0].exported is None  # so no later file carries its withdrawal either
    assert opened(circles.outbox_bundle(cid), keys) == []


def test_the_facilitators_previous_copy_forgets_a_withdrawn_text(db, member, other, vault_file, tmp_path):
    cid = circle_with_member(db, member, other)
    ids = share(member, cid, *(f"Partage {n}" for n in range(4)))
    share(other, cid, "Partage 4")
    harvest = Harvest(db)
    harvest.import_bundle(Circles(member).outbox_bundle(cid))
    harvest.import_bundle(Circles(other).outbox_bundle(cid))
    Circles(member).mark_exported(cid, date(2026, 11, 30))
    Circles(member).withdraw(ids[0])
    assert harvest.import_bundle(Circles(member).outbox_bundle(cid)).withdrawn == 1
    assert "Partage 0" not in everything_in(vault_file, tmp_path)
    assert "Partage 0" not in everything_in(backup_path(vault_file), tmp_path)
    assert "Partage 1" in everything_in(backup_path(vault_file), tmp_path)  # the copy is still whole




# --- 3. Released batches stay unlinkable -------------------------------------------------------
def test_a_released_insight_keeps_no_trace_of_the_file_it_came_in(db, member, other):
    cid = circle_with_member(db, member, other)
    share(member, cid, *(f"Première personne, idée {n}" for n in range(3)))
    share(other, cid, *(f"Seconde personne, idée {n}" for n in range(3)))
    harvest = Harvest(db)
    harvest.import_bundle(Circles(member).outbox_bundle(cid))
    waiting = [d for d in db.storage.read()["received"].values() if "text" in d]
    assert len(waiting) == 3 and all("bundle" in d for d in waiting)  # needed until released
    harvest.import_bundle(Circles(other).outbox_bundle(cid))
    released = [d for d in db.storage.read()["received"].values() if "text" in d]
    assert len(released) == 6 and all(d["batch"] for d in released)
    assert not any("bundle" in d for d in released)
    assert set(released[0]) == {"circle", "id", "week", "kind", "prompt_id", "lang", "text", "proof", "batch"}


def report_over_weeks(weeks: dict[str, int], k: int = 5):
    from journal_app.theme_report import Report
    from journal_app.themes.model import Theme, ThemeView

    insights = [Insight(f"i{w}{n}", w, "free", "", "fr", f"Idée {w} {n}", "0" * 64)
                for w, count in weeks.items() for n in range(count)]
    view = ThemeView(Theme("t1", "Le temps", [i.id for i in insights]), insights, sorted(weeks.items()),
                     insights[:2])
    return Report("Cercle du jeudi", k, [view], 0, len(insights))


def test_the_report_shows_a_weeks_count_only_where_the_week_holds_k_insights():
    import csv
    import io
    import json

    from journal_app.theme_report import to_csv, to_json, to_markdown

    report = report_over_weeks({"2025-W48": 5, "2025-W49": 1, "2025-W50": 2})
    markdown = to_markdown(report, "fr")
    assert "semaine 48 de 2025 (5), autres semaines (3)" in markdown
    assert "semaine 49" not in markdown and "semaine 50" not in markdown
    rows = list(csv.reader(io.StringIO(to_csv(report, "en"))))
    assert rows[0][:4] == ["theme", "insights", "2025-W48", "other weeks"]
    assert rows[1][:4] == ["Le temps", "8", "5", "3"]
    doc = json.loads(to_json(report))["themes"][0]
    assert doc["weeks"] == {"2025-W48": 5} and doc["other_weeks"] == 3
    # No week reaches k: no week is named at all.
    spread = to_markdown(report_over_weeks({"2025-W48": 3, "2025-W49": 3}), "fr")
    assert "semaine" not in spread and "Le temps (6)" in spread
