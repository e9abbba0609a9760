"""Round 7 of the anonymizer: a trained tagger beside the rules (journal_app/tagger.py), and the
long patterns tried only where their words begin. Each sentence here was written for this file,
not taken from a labelled set; the tagger's sentences leave a name with the rules alone."""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import pytest

from bench.bench_anonymize import TEXTS, entry_of_2000_words
from journal_app import anonymize as anonymizer
from journal_app import tagger
from journal_app.anonymize import anonymize
from tests.anonymizer_sets import NEVER_READ

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import train_tagger  # noqa: E402


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.mark.parametrize(("text", "lang", "gone", "kept"), [
    # A family name opening a sentence, a name that is also a word after another one, a name that
    # is an English verb opening a sentence: the tagger weighs the place and the words around.
    ("Fontaine a pas voulu parler pendant la ronde.", "fr", ["Fontaine"], ["ronde"]),
    ("Rock pis Blanche sont venus souper dimanche.", "fr", ["Blanche"], ["souper", "dimanche"]),
    ("Will and Iris are moving out west in June.", "en", ["Will"], ["moving", "west", "June"]),
])
def test_the_tagger_removes_names_the_rules_leave(text: str, lang: str, gone: list[str], kept: list[str]) -> None:
    out = anonymize(text, lang, use_ner=False)
    assert not set(gone) & set(_words(out.text)), out.text
    assert set(kept) <= set(_words(out.text))


@pytest.mark.parametrize(("text", "lang", "doubted"), [
    ("Art from the choir called to check on me.", "en", "Art"),
    ("Rock pis Blanche sont venus souper dimanche.", "fr", "Rock"),
])
def test_what_the_tagger_is_less_sure_of_is_a_doubt_left_to_the_member(text: str, lang: str, doubted: str) -> None:
    """Less sure, the tagger neither keeps quiet nor redacts: the consent screen marks the word."""
    out = anonymize(text, lang, use_ner=False)
    assert doubted in _words(out.text)
    assert doubted in [text[a:b] for a, b in out.open_doubts]


def test_months_after_in_are_months_not_people() -> None:
    for text in ("We are moving out west in June.", "They moved in June.", "We met last April at the retreat."):
        assert anonymize(text, "en", use_ner=False).text == text
    assert "June" not in anonymize("June said the circle was heavy.", "en", use_ner=False).text


def _labelled_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "data").glob("**/*.json")):
        if path.parent.name == "heldout" and path.stem in NEVER_READ:
            continue  # never read, not even in a failing test's message
        items = json.loads(path.read_text("utf-8"))
        if isinstance(items, list) and items and isinstance(items[0], dict) and "pii" in items[0]:
            texts += [item["text"] for item in items]
    return texts


def test_the_guarded_scans_find_exactly_what_their_patterns_find() -> None:
    """Tried only where one of their words begins, the role and job patterns still find the same
    stretches, in the same order, on every labelled passage and the bench's long texts."""
    texts = [*_labelled_texts(), entry_of_2000_words(), *TEXTS.values(),
             "l'ex-garagiste du village, la co-directrice du CPE Les Bourgeons, the charge nurse on 4 West",
             "au CHSLD Saint-Joseph, St. Brigid's, l'École Jean-XXIII"]
    assert len(texts) > 3800
    for scan in (anonymizer._ROLE_SCAN, anonymizer._WORKPLACE_ROLE_SCAN, anonymizer._JOB_AT_PLACE_SCAN,
                 anonymizer._NAMED_SITE_SCAN):
        found = 0
        for text in texts:
            expected = [m.span() for m in scan.pattern.finditer(text)]
            assert [m.span() for m in scan.finditer(text)] == expected, text
            found += len(expected)
        assert found > 20  # the patterns do find things here


def test_an_alternation_whose_words_cannot_be_told_apart_is_refused() -> None:
    with pytest.raises(ValueError):
        anonymizer._heads("(?:un|une) chat|chien")
    assert {"gar", "mec", "méc", "ex"} <= anonymizer._heads("garagiste|mécano|mecano", ["ex"])


def test_the_shipped_weights_are_small_and_read_as_written() -> None:
    path = ROOT / "journal_app" / "data" / "tagger.json.gz"
    assert path.stat().st_size < 512 * 1024  # a phone's install
    data = json.loads(gzip.decompress(path.read_bytes()))
    assert data["classes"] == list(tagger.CLASSES) and data["lean"] == train_tagger.LEAN
    model = tagger.model()
    assert model is not None and len(model.weights) == len(data["weights"]) > 5000
    assert all(len(w) == len(tagger.CLASSES) for w in model.weights.values())


def test_the_training_tool_learns_a_new_way_of_naming(tmp_path: Path) -> None:
    """Trained on a few passages where « tiguidou » is someone after « avec », the tagger finds
    such a word after « avec » in a sentence it never saw, and leaves the ordinary words."""
    names = ["Zorbek", "Quilla", "Tanvir", "Osvalda", "Yzabelle", "Murdo", "Kessie", "Arvo"]
    items = [{"lang": "fr", "text": f"J'ai marché avec {n} après le cercle, on a ri.", "pii": [["name", n]]}
             for n in names]
    items += [{"lang": "fr", "text": "J'ai marché avec lenteur après le cercle, on a ri.", "pii": []}] * 4
    weights = train_tagger.train(train_tagger.examples(items), epochs=4)
    out = tmp_path / "tagger.json.gz"
    train_tagger.save(weights, out)
    model = tagger.load(out.read_bytes())
    found = [(text, kind) for text, kind in (("J'ai marché avec Wenonah après le cercle.", "name"),)
             for a, b, k, _ in tagger.spans(text, "fr", using=model) if k == kind and text[a:b] == "Wenonah"]
    assert found
    assert not list(tagger.spans("J'ai marché avec lenteur après le cercle.", "fr", using=model))


# What a second reader of round 7 found (each failed before its fix).
@pytest.mark.parametrize(("text", "lang", "gone"), [
    ("Note: appeler Sylvie de", "fr", ["Sylvie"]),  # the text ends on a particle: it crashed
    ("Thanks to Maria del", "en", ["Maria"]),
    # accents typed apart (combining marks)
    ("J'ai vu Ame\u0301lie Be\u0301langer hier avec He\u0301le\u0300ne.", "fr", ["Ame", "langer", "He"]),
    ("Ma\u200brie est venue au cercle.", "fr", ["Ma", "rie"]),  # a zero-width space inside a name
    ("Jo\u00adsée est venue au cercle.", "fr", ["Jo", "sée"]),  # a soft hyphen
    ("Ma sœur est İnfirmière chez Desjardins à Lévis.", "fr", ["İnfirmière", "Desjardins"]),  # « İ » matches « i »
    ("My aunt is the dırector of Lévis Inc.", "en", ["dırector"]),
    ("Mon frère est ſecrétaire du comité de Lévis.", "fr", ["ſecrétaire"]),
    ("I was hugged by April and it helped.", "en", ["April"]),  # after "by", a month is someone
    ("The daughter of June called me tonight.", "en", ["June"]),
])
def test_what_the_review_of_round_7_found(text: str, lang: str, gone: list[str]) -> None:
    out = anonymize(text, lang, use_ner=False).text
    assert not set(gone) & set(_words(out)), out


def test_two_names_apart_stay_two_and_a_line_stays_a_line() -> None:
    assert anonymize("Hier j'ai marché avec Zorbek,Quilla pis moi.", "fr", use_ner=False).text == (
        "Hier j'ai marché avec [personne A],[personne B] pis moi.")
    assert anonymize("J'ai marché avec Zorbek\nQuilla est venue.", "fr", use_ner=False).text == (
        "J'ai marché avec [personne A]\n[personne B] est venue.")


def test_a_word_surely_personal_is_redacted_even_if_its_kind_is_unsure() -> None:
    """The tagger's margin is how far a personal class is ahead of « none »."""
    out = anonymize("slt c moi, g vu ton chum au cercle, yé correct? texto de Mélo à 1 h du matin.", "fr",
                    use_ner=False).text
    assert "Mélo" not in out and "chum au cercle" in out
