"""Round 15 of the anonymizer (docs/sharing.md, "Round 15"): roles read to their end, and the
corners and flats said without a street. Sentences written for these tests, not taken from the
labelled sets; each case names what goes and what stays."""

from __future__ import annotations

import pytest

from tests.test_anonymize_round9 import _gone_and_kept


@pytest.mark.parametrize(
    ("text", "lang", "gone", "stays"),
    [  # a relative or someone close, then which one they are, set apart by commas
        ("Ma cousine, celle qui tient la fromagerie à Saint-Damase, m'a appelée hier.", "fr",
         ["cousine", "fromagerie", "Damase"], ["appelée", "hier"]),
        ("His brother, the one who drives the school bus in Kazabazua, came to the wake.", "en",
         ["brother", "bus", "Kazabazua"], ["came", "wake"]),
        ("Notre trésorière, qui habite en haut de la pharmacie à Saint-Prime, a tout payé.", "fr",
         ["trésorière", "pharmacie", "Prime"], ["payé"]),
        # whose the role is goes with it
        ("My son's hockey coach in Kapuskasing benched him again.", "en",
         ["son", "coach", "Kapuskasing"], ["benched", "again"]),
        # the clause that says which one, to the sentence's own verb
        ("The midwife in Inukjuak who caught my daughter is leaving in June.", "en",
         ["midwife", "Inukjuak", "caught"], ["leaving", "June"]),
        ("La sage-femme de Mashteuiatsh qui a accouché ma sœur est partie.", "fr",
         ["Mashteuiatsh", "accouché"], ["partie"]),
        # a town typed in lower case, and « a » typed for « à » before it
        ("le mecanicien du garage a lachute ma dit que le char est fini", "fr",
         ["mecanicien", "lachute"], ["char", "fini"]),
        ("the nurse in espanola said i should rest more", "en", ["nurse", "espanola"], ["rest"]),
        ("my aunt's landlord in glace bay raised the rent again", "en", ["landlord", "glace"], ["rent", "again"]),
        # a job written with its accents, as data/jobs.txt holds it
        ("La préposée de l'étage au CHSLD de Saint-Tite m'a souri ce matin.", "fr",
         ["préposée", "Tite"], ["souri", "matin"]),
        # a job written with a hyphen (« sage-femme »), not a relative (« belle-sœur » stays)
        ("La sage-femme de la maison de naissance de Mashteuiatsh m'a appelée hier.", "fr",
         ["sage", "naissance", "Mashteuiatsh"], ["appelée", "hier"]),
        ("Ma belle-sœur de Saint-Zénon est venue.", "fr", ["Zénon"], ["belle", "sœur", "venue"]),
    ],
)
def test_a_role_is_read_to_its_end(text: str, lang: str, gone: list[str], stays: list[str]) -> None:
    _gone_and_kept(text, lang, gone, stays)


@pytest.mark.parametrize(
    ("text", "lang", "stays"),
    [  # what a relative is, said of them, is not which one they are
        ("Ma mère, qui est fatiguée ces temps-ci, m'a appelée.", "fr", ["mère", "fatiguée", "appelée"]),
        ("J'ai mis ma robe bleue, celle qui me fait sentir belle, pis je suis allée au cercle.", "fr",
         ["robe", "belle", "cercle"]),
        # a clause in the clause, a verb by its -s, a copula: the clause is not taken
        ("The nurse at the CLSC in Chelsea who said I was fine told me to rest.", "en", ["fine", "rest"]),
        ("The guard at the mill in Thurso who was kind waves at me every morning.", "en", ["kind", "waves", "morning"]),
        # « a » is a verb before anything but a town
        ("Elle a Montréal dans le cœur pis le gars a faim.", "fr", ["Montréal", "cœur", "faim"]),
    ],
)
def test_what_the_sentence_says_stays(text: str, lang: str, stays: list[str]) -> None:
    _gone_and_kept(text, lang, [], stays)


@pytest.mark.parametrize(
    ("text", "lang", "gone", "stays"),
    [  # a corner said with its two streets
        ("on se rejoint au coin de 5e avenue pis 12e rue après le cercle", "fr", ["5e", "12e"], ["rejoint", "cercle"]),
        ("Meet me at the corner of Elm Street and Wellington before nine.", "en", ["Elm", "Wellington"], ["nine"]),
        ("Elle reste à l'intersection de la rue Dufferin et du boulevard Gréber.", "fr",
         ["Dufferin", "Gréber"], ["reste"]),
        # a civic number with its flat, no street said
        ("je reste au 3310 app. 4 depuis mars", "fr", ["3310"], ["reste", "depuis", "mars"]),
        ("the form says unit 214-C, same as last year", "en", ["214"], ["form", "year"]),
    ],
)
def test_a_corner_or_a_flat_without_its_street(text: str, lang: str, gone: list[str], stays: list[str]) -> None:
    _gone_and_kept(text, lang, gone, stays)


@pytest.mark.parametrize(
    ("text", "lang", "stays"),
    [
        ("J'ai accroché le cadre dans le coin de la table et de la chaise.", "fr", ["coin", "table", "chaise"]),
        ("Hotel room 512, fifth floor, view of the parking lot.", "en", ["512", "room", "parking"]),
        ("Le loyer monte à 1500 $ par mois, app. compris.", "fr", ["1500", "loyer"]),
    ],
)
def test_rooms_corners_and_sums_stay(text: str, lang: str, stays: list[str]) -> None:
    _gone_and_kept(text, lang, [], stays)


@pytest.mark.parametrize(
    ("text", "lang", "stays"),
    [  # a reviewer's own sentences, that the round's first rules took
        ("My sister, the one who always laughs, called me.", "en", ["sister", "always", "laughs"]),
        ("I sat in my chair, the one by the window, and cried.", "en", ["chair", "window", "cried"]),
        ("The coach in my head, the one who yells, was quiet today.", "en", ["coach", "head", "yells"]),
        ("Mon guide intérieur, qui me parle de Dieu, était là.", "fr", ["guide", "intérieur", "Dieu"]),
        ("my coach at a high level said go", "en", ["coach", "high", "level"]),
        ("There's the nurse again, smiling.", "en", ["There", "nurse", "smiling"]),
        ("The doctor that summer saved my life.", "en", ["summer", "saved", "life"]),
        ("I ranked 1200 #2 in the league.", "en", ["1200", "league"]),
        ("I finished page 124, unit 3.", "en", ["124", "unit"]),
        ("Year 2024, unit 3 and 4 were hard.", "en", ["2024", "unit", "hard"]),
        ("Rose du jardin m'a fait pleurer.", "fr", ["Rose", "jardin", "pleurer"]),
    ],
)
def test_the_reviewers_ordinary_sentences_stay(text: str, lang: str, stays: list[str]) -> None:
    _gone_and_kept(text, lang, [], stays)
