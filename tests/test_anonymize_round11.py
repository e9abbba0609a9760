"""Round 11 of the anonymizer (docs/sharing.md, "Round 11"): what a place found carries with it (the
flat, the room, the person or home it tells, what sets it apart), codes said after what they are,
lower-case names before what people did, and the names everyone shares (holidays, regions,
rivers, countries), which stay. Each case reads a kind, not a sample; the guards say what stays."""

from __future__ import annotations

import pytest

from tests.test_anonymize_round9 import _gone_and_kept


@pytest.mark.parametrize(
    ("text", "lang", "gone", "stays"),
    [
        # The flat or the room, beside an address whatever found it.
        ("Elle reste aux Jardins du Lac, appartement 312, si jamais on doit la ramener.", "fr",
         ["Jardins", "Lac", "appartement", "312"], ["reste", "jamais", "ramener"]),
        ("The rent for unit 6 at 1450 boulevard Monchamp is overdue.", "en",
         ["unit", "6", "1450", "Monchamp"], ["rent", "overdue"]),
        ("Ma tante est au CHSLD Saint-Joseph, chambre 112, depuis mardi.", "fr",
         ["Joseph", "chambre", "112"], ["tante", "depuis", "mardi"]),
        # Someone, or someone's home, told by the place found.
        ("Elle est la doyenne de la rue Lanctôt.", "fr", ["doyenne", "Lanctôt"], ["Elle", "est"]),
        ("C'est elle qui élève les chèvres sur le rang Saint-Paul.", "fr",
         ["élève", "chèvres", "Paul"], ["est"]),
        ("She's the one with the Clydesdales on Route 201, everybody knows the place.", "en",
         ["Clydesdales", "201"], ["everybody", "knows", "place"]),
        ("Her store on the 132 in Pabos Mills is for sale.", "en", ["store", "Pabos", "Mills"], ["sale"]),
        # What sets a place or a role apart, after a comma.
        ("The new social worker at the Maniwaki school, the one with the purple glasses, came to circle.", "en",
         ["Maniwaki", "purple", "glasses"], ["came", "circle"]),
        ("Elle est travailleuse sociale à la polyvalente de Baie-Comeau, la seule de l'école. Son médecin dit non.",
         "fr", ["polyvalente", "seule", "école"], ["Son", "médecin", "dit"]),
        # A word in no dictionary before a verb in the past, in text without capitals.
        ("passed module 1!!! arjun n simran danced in the kitchen", "en", ["arjun", "simran"], ["danced", "kitchen"]),
        # Codes said after what they are, whatever their shape; a code in capitals and digits.
        ("Numéro d'employé 88317. Il veut parler au cercle.", "fr", ["88317"], ["employé", "parler", "cercle"]),
        ("Her union file at the local is 77-0342.", "en", ["77", "0342"], ["union", "file"]),
        ("Son chum m'a donné le code de la porte pour lui porter de la soupe : 4471#", "fr",
         ["4471"], ["code", "porte", "soupe"]),
        ("Sa plaque, c'était V92 KLM, tout le monde le sait.", "fr", ["V92", "KLM"], ["plaque", "monde"]),
        ("His booking is QK7TRM, we leave at 6:15.", "en", ["QK7TRM"], ["booking", "leave", "6", "15"]),
    ],
)
def test_what_a_place_or_a_code_carries_goes_with_it(text: str, lang: str, gone: list[str], stays: list[str]) -> None:
    _gone_and_kept(text, lang, gone, stays)


@pytest.mark.parametrize(
    ("text", "lang", "gone", "stays"),
    [
        # Names everyone shares stay: holidays, months before their day, regions, rivers, cities.
        ("Saint-Valentin au cercle : on a parlé d'amour sans personne de précis.", "fr", [], ["Saint", "Valentin"]),
        ("Saint-Jean-Baptiste au cercle : on a chanté « Gens du pays ».", "fr", [], ["Saint", "Jean", "Baptiste"]),
        ("February's insight for the circle: leadership rotates like the seasons.", "en", [], ["February"]),
        ("The plant will reopen April 14 if the quota comes through.", "en", [], ["April", "14"]),
        ("The ferry ran late again. The St. Lawrence doesn't care about schedules.", "en", [], ["Lawrence"]),
        ("Highway 138 to Quebec City is 650 km.", "en", [], ["Quebec", "City"]),
        ("Ça fait partie de la vie sur la Côte-Nord, les mises à pied.", "fr", [], ["Côte", "Nord"]),
        # ... but a name that is also a holiday's, a street's or a first name, and a province after a town, go.
        ("Noël Tremblay m'a appelé hier soir.", "fr", ["Tremblay"], ["appelé"]),
        ("she moved to Saint-Laurent w/ her bf, DON'T tell Jen", "en", ["Laurent", "Jen"], ["moved"]),
        ("Kim from Preston, Ontario says the twins look like him.", "en", ["Kim", "Preston", "Ontario"], ["twins"]),
        # Not a code: a year, a word with its number, a label with no number.
        ("The case for listening in 2024 was strong.", "en", [], ["case", "2024"]),
        ("Le code de vie du cercle est simple.", "fr", [], ["code", "vie"]),
        ("Order 3 items, then COVID19 changed it.", "en", [], ["COVID19", "3"]),
        ("Le vol de 2019 m'a marquée.", "fr", [], ["vol", "2019"]),
        # Not someone: whose home it is, unsaid; a man and his town; what is no trait.
        ("Le chalet à Val-David est à vendre.", "fr", ["Val", "David"], ["chalet", "vendre"]),
        ("Le gars de Saint-Lin qui vient au cercle a 34 ans.", "fr", ["Lin"], ["gars", "vient", "cercle"]),
        ("We met at 12 Elm Street, the one I told you about.", "en", ["Elm"], ["told", "about"]),
        # A name that is also a word, before a verb, in lower case: a feeling, not someone.
        ("joy danced in my chest all evening", "en", [], ["joy", "danced"]),
        ("im parked at exit 57 on the 417 and the inner critic is loud", "en", [], ["im", "parked"]),
    ],
)
def test_what_everyone_shares_stays(text: str, lang: str, gone: list[str], stays: list[str]) -> None:
    _gone_and_kept(text, lang, gone, stays)
