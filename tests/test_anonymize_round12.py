"""Round 12 of the anonymizer (docs/sharing.md, "Round 12"): people said by where they work, in
ordinary words; homes given as directions; who runs a business on a road said by its number. Each
case reads a kind; the guards say what stays."""

from __future__ import annotations

import pytest

from tests.test_anonymize_round9 import _gone_and_kept


@pytest.mark.parametrize(
    ("text", "lang", "gone", "stays"),
    [
        ("Appeler Pauline, la fille du zoo, pour le covoiturage.", "fr", ["fille", "zoo"], ["Appeler", "covoiturage"]),
        ("Le gars de la shop m'a encore crié après.", "fr", ["gars", "shop"], ["crié", "après"]),
        ("the girl at the bakery smiled at me today", "en", ["girl", "bakery"], ["smiled", "today"]),
        ("Mme Trinh, la dame du salon d'ongles de la rue Principale, m'a demandé de l'aide.", "fr",
         ["dame", "salon", "ongles", "Principale"], ["demandé", "aide"]),
        ("The woman who runs the blueberry stand on the 169 gave me a basket.", "en",
         ["woman", "runs", "blueberry", "169"], ["gave", "basket"]),
        ("Pick her up at the yellow house past the covered bridge, she can't drive.", "en",
         ["yellow", "house", "covered", "bridge"], ["Pick", "drive"]),
        ("L'eau est rendue dans la maison bleue au bout du rang 4.", "fr", ["bleue", "bout", "rang", "4"], ["eau"]),
        ("the parents live up past the mill second house on the left period", "en",
         ["second", "house", "left"], ["parents", "live", "period"]),
    ],
)
def test_someone_said_by_where_they_work_and_a_home_by_directions(
        text: str, lang: str, gone: list[str], stays: list[str]) -> None:
    _gone_and_kept(text, lang, gone, stays)


@pytest.mark.parametrize(
    ("text", "lang", "stays"),
    [
        ("I dreamt of a blue house behind the church, its door open.", "en", ["blue", "house", "church"]),
        ("Dans mon rêve, une maison jaune au bout du chemin.", "fr", ["maison", "jaune", "chemin"]),
        ("I walked to the house on the hill and sat with it.", "en", ["house", "hill"]),
        ("La fille de ma voisine est venue au cercle.", "fr", ["fille", "voisine"]),
        ("Reza drives the 24 hr taxi some nights, he says.", "en", ["24", "hr", "taxi"]),
    ],
)
def test_a_dream_a_hill_a_neighbour_and_an_hour_stay(text: str, lang: str, stays: list[str]) -> None:
    _gone_and_kept(text, lang, [], stays)
