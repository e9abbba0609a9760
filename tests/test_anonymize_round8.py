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
        # A road and its town: one place, the words between them with it.
        (
            "Mireille from the Esso on Route 117 in Mont-Tremblant fixed my tire.",
            "en",
            ["Esso", "Route", "117", "Mont", "Tremblant", "in"],
            "[person A] from the [person B] on [address] fixed my tire.",
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


@pytest.mark.parametrize(
    ("text", "lang", "said"),
    [
        # A family name with its particle is one person (« D' » is not a little word here).
        ("Sylvie D'Astous pleurait.", "fr", "[personne A] pleurait."),
        ("J'ai vu Ginette L'Espérance pis Marc D'Arcy.", "fr", "J'ai vu [personne A] pis [personne B]."),
        # « à », « de », « chez » say whose: the person keeps their placeholder.
        (
            "Le garage à Ti-Guy est fermé. Ti-Guy est malade.",
            "fr",
            "Le garage à [personne A] est fermé. [personne A] est malade.",
        ),
        (
            "On a soupé au restaurant chez Ginette, c'était bon.",
            "fr",
            "On a soupé au restaurant chez [personne A], c'était bon.",
        ),
        (
            "I met the Johnsons in Wakefield. The Johnsons hugged me.",
            "en",
            "I met the [person A] in [address]. The [person A] hugged me.",
        ),
        # « and », « pis » join two clauses, not two parts of one place.
        (
            "I live on Maple Street and the vet in Tofino lives next door.",
            "en",
            "I live on [address] and [role] lives next door.",
        ),
        # A verb is not a workplace: the phrase is only the place.
        ("The nurse called me from Wakefield yesterday.", "en", "The nurse called me from [address] yesterday."),
        ("A friend of mine from Wakefield called.", "en", "A friend of mine from [address] called."),
        (
            "La voisine du garage a appelé la police à Sainte-Agathe.",
            "fr",
            "La voisine du garage a appelé la police à [adresse].",
        ),
        ("On a pris un café au bar de la gare à Rimouski.", "fr", "On a pris un café au bar de la gare à [adresse]."),
        # Never across a sentence's end or a line.
        (
            "J'ai appelé le garage… À Saint-Lin personne répond.",
            "fr",
            "J'ai appelé le garage… À [adresse] personne répond.",
        ),
        # Two streets of one corner are one place; a rang by its number is an address.
        ("My friend lives at Jean-Talon and Saint-Laurent now.", "en", "My friend lives at [address] now."),
        ("Mon voisin du 4e rang a perdu sa grange.", "fr", "Mon voisin du [adresse] a perdu sa grange."),
    ],
)
def test_a_phrase_never_takes_a_person_a_clause_or_a_second_sentence(text: str, lang: str, said: str) -> None:
    assert anonymize(text, lang, use_ner=False).text == said


def test_a_line_stays_a_line() -> None:
    out = anonymize("Things I saw:\nthe nurse at the CLSC\nin Wakefield, snow.", "en", use_ner=False).text
    assert out.count("\n") == 2 and "Wakefield" not in out and "CLSC" not in out


def test_a_list_of_places_is_not_one_redaction() -> None:
    text = " in ".join(["the store on Route 117"] * 40)
    spans = anonymize(text, "en", use_ner=False).spans
    assert len(spans) > 1 and max(s.end - s.start for s in spans) <= 200


def test_a_role_ends_with_its_sentence_and_a_name_found_once_is_found_again() -> None:
    out = anonymize("J'ai parlé au médecin de Ginette. Ginette va mieux.", "fr", use_ner=False).text
    assert out == "J'ai parlé au [fonction]. [personne A] va mieux."
    out = anonymize("J'ai parlé à l'avocate de Marc à Montréal. Marc a peur.", "fr", use_ner=False).text
    assert "Marc" not in out and out.endswith(". [personne A] a peur.")
    assert anonymize("The pastor at St. Andrew's United in Tatamagouche called.", "en", use_ner=False).text == (
        "[role] called."
    )
