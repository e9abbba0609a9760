"""Round 8 of the anonymizer: a place or a role is one phrase. What the rules and the tagger find
in pieces (a business, its street, its town; a job, its workplace) becomes one redaction, with
the ordinary words that only join those pieces; and no more than that. Each sentence here was
written for this file, not taken from a labelled set."""

from __future__ import annotations

import re

import pytest

from journal_app.anonymize import anonymize


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.mark.parametrize(
    ("text", "lang", "gone", "said"),
    [
        # A business, its road and its town: one place, the words between them with it.
        (
            "Mireille from the Esso on Route 117 in Mont-Tremblant fixed my tire.",
            "en",
            ["Esso", "Route", "117", "Mont", "Tremblant", "on", "in"],
            "[person A] from the [address] fixed my tire.",
        ),
        # A workplace said with ordinary words before its town.
        (
            "I bought bread at the bakery in Wakefield before circle.",
            "en",
            ["bakery", "Wakefield"],
            "I bought bread at [address] before circle.",
        ),
        # A job, its workplace, the building and the town: one role.
        (
            "La préposée de la buanderie au CHSLD de Saint-Lin m'a prêté un chandail.",
            "fr",
            ["préposée", "buanderie", "CHSLD", "Saint", "Lin"],
            "[fonction] m'a prêté un chandail.",
        ),
        # The elided article of a place goes with it.
        (
            "Le sermon du pasteur de l'Église baptiste de Drummondville m'a touchée.",
            "fr",
            ["pasteur", "Église", "Drummondville"],
            "Le sermon du [fonction] m'a touchée.",
        ),
    ],
)
def test_a_place_or_a_role_found_in_pieces_is_one_redaction(text: str, lang: str, gone: list[str], said: str) -> None:
    out = anonymize(text, lang, use_ner=False)
    assert not set(gone) & set(_words(out.text)), out.text
    assert out.text == said


@pytest.mark.parametrize(
    ("text", "lang", "said"),
    [
        # A verb ends the phrase: the house is not the place.
        ("La maison est sur la route 132 près du km 18.", "fr", "La maison est sur la [adresse]."),
        (
            "The shelter is on Rideau/King Edward, across from the church.",
            "en",
            "The shelter is on [address], across from the church.",
        ),
        # No article before the workplace: « au chalet » is where we went, not who lives there.
        (
            "On est allés au chalet à Lac-Etchemin en fin de semaine.",
            "fr",
            "On est allés au chalet à [adresse] en fin de semaine.",
        ),
        # A little word alone is never a redaction, even where the tagger leans to a role.
        (
            "Il vit avec son père à Wendake, près de l'école secondaire, et il refuse.",
            "fr",
            "Il vit avec son père à [adresse], près de l'école secondaire, et il refuse.",
        ),
    ],
)
def test_a_phrase_stops_where_the_place_stops(text: str, lang: str, said: str) -> None:
    assert anonymize(text, lang, use_ner=False).text == said


def test_a_town_the_tagger_knows_is_said_as_a_place_not_a_person() -> None:
    out = anonymize("We drove out to Kuujjuarapik for the gathering.", "en", use_ner=False)
    assert out.text == "We drove out to [address] for the gathering."


def test_a_person_beside_a_place_keeps_their_own_placeholder() -> None:
    out = anonymize("Ginette de Saint-Lin m'a appelée, pis Ginette est venue au cercle.", "fr", use_ner=False)
    assert out.text.count("[personne A]") == 2, out.text
    assert "Saint" not in _words(out.text) and "Lin" not in _words(out.text)


@pytest.mark.parametrize(
    ("text", "lang", "doubted"),
    [
        ("Comme disait Gendlin, le corps sait avant nous.", "fr", []),
        ("Otto Scharmer's Theory U changed how I listen.", "en", []),
        ("J'ai écouté Leonard Cohen toute la soirée après le cercle.", "fr", ["Leonard Cohen"]),
        ("Comme dit Brené Brown, la vulnérabilité est une force.", "fr", ["Brené Brown"]),
        ("Ann Weiser Cornell's book is on my night table.", "en", ["Ann Weiser Cornell"]),
        ("Comme dit Brene Brown, on se montre.", "fr", ["Brene Brown"]),
    ],
)
def test_a_public_figure_named_as_such_stays_and_is_doubted_unless_it_names_our_practice(
    text: str, lang: str, doubted: list[str]
) -> None:
    """The member sees whose idea it is, and removes a namesake with one tap."""
    out = anonymize(text, lang, use_ner=False)
    assert out.text == text
    assert [text[a:b] for a, b in out.open_doubts] == doubted


def test_a_neighbour_who_shares_a_name_with_a_public_figure_is_still_removed() -> None:
    out = anonymize(
        "Freud Tremblay, mon voisin, m'a aidée. Carl Jung aussi m'aide, par ses livres.", "fr", use_ner=False
    )
    assert "Tremblay" not in _words(out.text) and "Freud" not in _words(out.text)
    assert "Carl Jung" in out.text
    marked = anonymize("Leonard Cohen est le nom de mon cousin.", "fr", marked_names=["Leonard Cohen"], use_ner=False)
    assert "Cohen" not in _words(marked.text)
