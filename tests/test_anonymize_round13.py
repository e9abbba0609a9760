"""Round 13 of the anonymizer (docs/sharing.md, "Round 13"): someone described without a name,
read as a small grammar (a determiner, a word for a job or a person, the phrases and the clause
that set them apart, to the sentence's own verb), and what a comma adds after a role. Each case
reads a kind; the guards say what stays."""

from __future__ import annotations

import pytest

from journal_app.anonymize import anonymize
from tests.test_anonymize_round9 import _gone_and_kept


@pytest.mark.parametrize(
    ("text", "lang", "gone", "stays"),
    [
        ("Le contremaître de l'entrepôt des pièces à Lac-Etchemin m'a encore crié après.", "fr",
         ["contremaître", "entrepôt", "pièces", "Etchemin"], ["crié", "après"]),
        ("The night supervisor of the loading dock at Boulanger Freight told me to go home.", "en",
         ["supervisor", "loading", "dock", "Freight"], ["told", "home"]),
        ("La femme qui fait le ménage au presbytère pleurait dans l'auto.", "fr",
         ["femme", "ménage", "presbytère"], ["pleurait", "auto"]),
        ("the man with the green truck who plows our lane came by with eggs", "en",
         ["man", "green", "truck", "plows", "lane"], ["came", "eggs"]),
        ("the old guy who sweeps the arena on Sundays waved at me", "en", ["guy", "sweeps", "arena"], ["waved"]),
        ("Le coach de soccer de mon neveu dit qu'il a du talent.", "fr", ["coach", "soccer", "neveu"], ["talent"]),
        ("The caretaker at Saint-Donat school, the tall man who hums in the hallways, found my glove.", "en",
         ["caretaker", "Donat", "tall", "hums", "hallways"], ["found", "glove"]),
        ("La gérante de la caisse de Saint-Fabien, la petite blonde avec les lunettes rouges, m'a rappelée.", "fr",
         ["gérante", "Fabien", "blonde", "lunettes"], ["rappelée"]),
        ("le bonhomme qui garde nos vaches l'été est malade", "fr", ["bonhomme", "garde", "vaches"], ["malade"]),
    ],
)
def test_someone_described_without_a_name(text: str, lang: str, gone: list[str], stays: list[str]) -> None:
    _gone_and_kept(text, lang, gone, stays)


@pytest.mark.parametrize(
    ("text", "lang", "stays"),
    [
        ("the woman who spoke first tonight cried and I cried with her", "en", ["woman", "spoke", "first"]),
        ("the man who came to the door in my dream carried a lantern", "en", ["man", "door", "dream"]),
        ("the woman who leads our circle asked us to breathe", "en", ["woman", "leads", "circle"]),
        ("Un gars de la shop m'a dit bonjour.", "fr", ["gars", "shop", "bonjour"]),
        ("My therapist at the hospital told me to slow down.", "en", ["therapist", "hospital", "told"]),
        ("Elle m'a dit que la femme qui a parlé de sa mère pleurait.", "fr", ["femme", "parlé", "mère"]),
        ("Le capitaine a annoncé du vent à 40 km/h, personne a bronché.", "fr", ["capitaine", "annoncé", "vent"]),
        ("Things I saw:\nthe nurse at the CLSC\nin the snow.", "en", ["snow"]),
    ],
)
def test_who_is_not_set_apart_stays(text: str, lang: str, stays: list[str]) -> None:
    _gone_and_kept(text, lang, [], stays)


def test_the_clause_stops_at_the_sentence_s_own_verb() -> None:
    """"…who plows our lane came by": the description goes, "came by" stays, and so does what a
    dictating phone's « ma » (for « m'a ») begins."""
    _gone_and_kept("le gars de nuit au dépanneur de Saint-Lin ma fait un clin d'oeil", "fr",
                   ["nuit", "dépanneur", "Lin"], ["fait", "clin", "oeil"])


@pytest.mark.parametrize(
    ("text", "lang", "gone", "stays"),
    [
        ("nour txt mar 3 21:40 'we landed, call tmrw' — je l'ai appelée", "en", ["nour"], ["landed", "appelée"]),
        ("gab texto 12/05 07:15 « chu en retard » pis moi aussi", "fr", ["gab"], ["retard"]),
        ("texto jf 3 juin 18:02 « viens-tu au cercle? »", "fr", ["jf"], ["texto", "cercle"]),
        ("Texto de Yasmina ce matin : « on annule ».", "fr", ["Yasmina"], ["Texto", "annule"]),
    ],
)
def test_who_sent_a_pasted_message(text: str, lang: str, gone: list[str], stays: list[str]) -> None:
    _gone_and_kept(text, lang, gone, stays)


@pytest.mark.parametrize(
    ("text", "lang", "stays"),
    [
        ("mom txt 9:14 'call me when you can'", "en", ["mom", "txt"]),
        ("Agency text: 'shift Sat 8am-4pm, thx'", "en", ["Agency", "text"]),
        ("le texto 12 h 30 m'a réveillée", "fr", ["texto", "réveillée"]),
        ("Group email, oct 8: the room is booked.", "en", ["Group", "email", "room"]),
    ],
)
def test_a_message_with_no_sender_named_stays(text: str, lang: str, stays: list[str]) -> None:
    _gone_and_kept(text, lang, [], stays)


def test_a_word_that_opens_its_sentence_is_someone_when_a_relative_of_someone_follows() -> None:
    """« Rami, le frère de Nadia, » : « rami » is a card game, but here someone's brother."""
    _gone_and_kept("Rami, le frère de Nadia, tient le petit resto.", "fr", ["Rami", "Nadia"], ["frère", "resto"])
    _gone_and_kept("Hier, la fille de Ginette est passée.", "fr", ["Ginette"], ["Hier", "fille", "passée"])


@pytest.mark.parametrize(
    ("text", "lang", "doubted"),
    [
        ("My therapist at the hospital told me to slow down.", "en", "My therapist at the hospital"),
        ("Mon médecin à la clinique m'a rassurée.", "fr", "Mon médecin à la clinique"),
    ],
)
def test_someone_at_a_workplace_nobody_named_stays_and_is_shown(text: str, lang: str, doubted: str) -> None:
    """Not one person for sure (a hospital has many therapists), so it stays, marked on the consent
    screen: one tap removes it."""
    out = anonymize(text, lang, use_ner=False)
    assert out.text == text
    assert [text[a:b] for a, b in out.open_doubts] == [doubted]


@pytest.mark.parametrize(
    ("text", "lang", "stays"),
    [  # the review's cases: the sentence's own verb stays, and sentences about no one stay whole
        ("My boss at the Irving, the guy with the red truck yelled at me again.", "en", ["yelled", "again"]),
        ("Le coach de hockey de mon gars, le grand barbu avec la casquette gueulait après les arbitres.", "fr",
         ["gueulait", "arbitres"]),
        ("the man who plows our lane brings eggs on Sundays", "en", ["brings", "eggs", "Sundays"]),
        ("the guy who sweeps the arena waves at me every morning", "en", ["waves", "morning"]),
        ("The guy with the red truck who plows our road honks every time.", "en", ["honks", "time"]),
        ("Being the woman who holds the space for everyone is exhausting.", "en", ["woman", "holds", "space"]),
        ("Je veux être la femme qui prend sa place dans le cercle.", "fr", ["femme", "prend", "place"]),
        ("Le gars qui a le plus de peine est souvent celui qui parle le moins.", "fr", ["gars", "peine", "parle"]),
        ("Dehors, la fille de Ginette fumait.", "fr", ["Dehors", "fille", "fumait"]),
        ("Outside, the sister of Anne was smoking.", "en", ["Outside", "sister", "smoking"]),
        ("Key message: slow down and breathe.", "en", ["Key", "message", "breathe"]),
        ("Big text to myself: you are allowed to rest.", "en", ["Big", "text", "rest"]),
        ("Email from HR: meeting moved.", "en", ["Email", "HR", "meeting"]),
    ],
)
def test_what_the_sentence_says_stays(text: str, lang: str, stays: list[str]) -> None:
    _gone_and_kept(text, lang, [], stays)


def test_a_straight_and_a_curly_apostrophe_read_the_same() -> None:
    straight = anonymize("la femme qui conduit l'autobus scolaire de Saint-Pacôme chante", "fr", use_ner=False)
    curly = anonymize("la femme qui conduit l’autobus scolaire de Saint-Pacôme chante", "fr", use_ner=False)
    assert straight.text == curly.text.replace("’", "'") and "chante" in straight.text
