"""The words members read: Quebec French typography, one vocabulary (docs/glossary.md), one voice.

Every French string of the catalogs and of the built-in practices is checked; the English ones
for the retired synonyms too."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from journal_app.i18n import catalog, format_short_date, short_months, weekday_initials

ROOT = Path(__file__).resolve().parent.parent
PACKS = sorted((ROOT / "journal_app" / "prompts").glob("*.toml"))
NBSP = "\u00a0"  # the narrow U+202F is typographers' choice, but the web client's Roboto lacks it


def pack_texts(lang: str) -> Iterator[tuple[str, str]]:
    for path in PACKS:
        def walk(node: object, where: str) -> Iterator[tuple[str, str]]:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == lang and isinstance(value, str):
                        yield where, value
                    else:
                        yield from walk(value, f"{where}.{key}")
            elif isinstance(node, list):
                for n, value in enumerate(node):
                    yield from walk(value, f"{where}[{n}]")

        yield from walk(tomllib.loads(path.read_text("utf-8")), path.stem)


def texts(lang: str) -> list[tuple[str, str]]:
    """(where, text) for every user-visible string in `lang`: catalog entries and practices."""
    out: list[tuple[str, str]] = []
    for key, value in catalog(lang).items():
        for n, text in enumerate(value if isinstance(value, list) else [value]):
            out.append((f"{key}[{n}]" if isinstance(value, list) else key, str(text)))
    return out + list(pack_texts(lang))


def without_urls(text: str) -> str:
    """Colons inside an address (http://127.0.0.1:8550) are not French punctuation."""
    return re.sub(r"\b\w+://\S+", "", text)


def test_french_typography_no_break_spaces_where_quebec_usage_wants_them():
    wrong = []
    for where, text in texts("fr"):
        plain = without_urls(text)
        for m in re.finditer(":", plain):
            if m.start() == 0 or plain[m.start() - 1] not in NBSP:
                wrong.append((where, "espace insécable avant « : »", plain[max(0, m.start() - 15):m.end() + 5]))
        for m in re.finditer("«", plain):
            if plain[m.end():m.end() + 1] not in tuple(NBSP):
                wrong.append((where, "espace insécable après «", plain[m.start():m.end() + 15]))
        for m in re.finditer("»", plain):
            if m.start() == 0 or plain[m.start() - 1] not in NBSP:
                wrong.append((where, "espace insécable avant »", plain[max(0, m.start() - 15):m.end()]))
        for m in re.finditer(r"\s[?!;]", plain):
            wrong.append((where, "pas d’espace avant ? ! ;", plain[max(0, m.start() - 15):m.end()]))
        if "'" in plain:
            wrong.append((where, "apostrophe droite", plain))
    assert not wrong, "\n".join(map(str, wrong))


def test_the_typography_check_itself_catches_each_rule():
    """The rules above, on lines that break them (so the check cannot pass by looking at nothing)."""
    bad = ["Formats acceptés : Markdown", "le cercle « jeudi»", "Arrêter maintenant ?", "l'entrée"]
    for text in bad:
        plain = without_urls(text)
        broken = (any(plain[m.start() - 1] not in NBSP for m in re.finditer(":", plain))
                  or any(plain[m.end():m.end() + 1] not in tuple(NBSP) for m in re.finditer("«", plain))
                  or any(plain[m.start() - 1] not in NBSP for m in re.finditer("»", plain))
                  or re.search(r"\s[?!;]", plain) or "'" in plain)
        assert broken, text
    assert without_urls("ouvrez http://127.0.0.1:8550 ici") == "ouvrez  ici"


def test_short_month_names_are_cldrs_for_fr_ca_and_en_ca():
    babel_dates = pytest.importorskip("babel.dates")  # in the test extra: never skipped there
    from datetime import date

    for lang, locale in (("fr", "fr_CA"), ("en", "en_CA")):
        assert short_months(lang) == list(babel_dates.get_month_names("abbreviated", locale=locale).values())
        assert catalog(lang)["date.months"] == list(babel_dates.get_month_names("wide", locale=locale).values())
        days = babel_dates.get_day_names("narrow", locale=locale)  # 0 is Monday; Canada starts on Sunday
        assert weekday_initials(lang) == [days[6], *(days[i] for i in range(6))]
    assert format_short_date(date(2026, 7, 9), "fr") == "9\u00a0juill."
    assert format_short_date(date(2026, 11, 9), "en") == "Nov\u00a09"


# One term per thing (docs/glossary.md). Each retired synonym, with where it may still appear
# (a value that is not prose, such as a TOML keyword named in a checker's message).
RETIRED = {
    "fr": {
        r"\bextraits?\b": (), r"\bpaquets?\b": (), r"\bcarnets?\b": (),
        r"\bfacilitat\w*": ("error.facilitator_extra",),  # pip install "ressenti[facilitator]"
        r"\banimat(eur|rice)s?\b": (), r"\bréunions?\b": (),
        r"\bsessions?\b": ("pack.problem.bad_kind",),
        r"\b(mes|vos|ce|ces) partages?\b|\d+\)? partages?\b": (),
        r"\w·\w": (),  # point médian: neutral phrasing instead
    },
    "en": {
        r"\bexcerpts?\b": (), r"\bbundles?\b": (), r"\bpacks?\b": (), r"\bsharing files?\b": (),
        r"\bshared items?\b": (), r"\bgatherings?\b": (),
    },
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_one_term_per_thing_no_retired_synonym_is_shown(lang):
    found = []
    for where, text in texts(lang):
        for pattern, allowed in RETIRED[lang].items():
            if re.search(pattern, text, re.IGNORECASE) and not where.startswith(allowed or ("\0",)):
                found.append((where, pattern, text[:100]))
    assert not found, "\n".join(map(str, found))


def test_the_glossary_names_every_term_and_every_retired_synonym():
    glossary = (ROOT / "docs" / "glossary.md").read_text("utf-8")
    for term in ("entrée", "entry", "pratique", "practice", "idée partagée", "shared insight",
                 "fichier de partage", "share file", "cercle", "circle", "la personne qui anime",
                 "facilitator", "séance", "session", "rencontre", "meeting"):
        assert term in glossary, term
    for retired in ("extrait", "paquet", "carnet", "réunion", "excerpt", "bundle"):
        assert retired in glossary, retired


def test_the_app_never_speaks_as_je():
    """« je » is the member (a button they tap, a title of their answer), never the app."""
    members_words = {"share.confirm", "devices.join_offer"}
    speaking = [(key, text) for key, text in texts("fr")
                if re.match(r"(Je|J’)\b", text) and key not in members_words
                and not key.startswith(("onboarding.recovery_kept", "unlock.forgot"))]
    assert not speaking, speaking


def roboto_cmap() -> set[int]:
    """The characters the web client's own font draws (no font is fetched: the app is offline)."""
    import flet_web
    from fontTools.ttLib import TTFont

    font = Path(flet_web.__file__).parent / "web" / "assets" / "fonts" / "roboto.woff2"
    return set(TTFont(str(font)).getBestCmap())


def test_every_character_of_the_catalogs_and_practices_is_in_the_web_clients_font():
    """« 5 → 6 » and the legend's « ━━ » were drawn as missing-glyph boxes."""
    drawable = roboto_cmap()
    missing = sorted({(where, ch) for lang in ("fr", "en") for where, text in texts(lang)
                      for ch in text if ord(ch) not in drawable and ch not in "\n\t"})
    assert not missing, missing


def test_a_number_and_its_unit_are_held_together():
    """« 10 min » must not break between the number and the unit at the end of a line."""
    wrong = [(where, text) for lang in ("fr", "en") for where, text in texts(lang)
             if re.search(r"(\d|\{n\}) (min|h|s|sec|minutes?)\b", text)]
    assert not wrong, wrong
    assert re.search(r"(\d|\{n\}) (min|h|s|sec|minutes?)\b", "{n} min")  # the check can fail


# Past participles agreeing with a masculine « vous » (the glossary: no masculine-only word about
# the member). « Qu’est-ce qui vous a rejoint » became « a trouvé écho en vous ».
_MASCULINE_ABOUT_YOU = re.compile(r"\bvous\s+a\s+(rejoint|touché|surpris|ému|bouleversé|interpellé|choqué|blessé)\b")


def test_no_masculine_only_participle_about_the_member():
    found = [(where, text) for where, text in texts("fr") if _MASCULINE_ABOUT_YOU.search(text)]
    assert not found, found
    assert _MASCULINE_ABOUT_YOU.search("ce qui vous a rejoint")


# English: Canadian spelling (-ize, as Canadian dictionaries have it; but colour, centre) and one
# quote style, curly like the practices (“Word by word”, don’t).
_BRITISH_ISE = re.compile(r"\b(organis|recognis|realis|prioritis|apologis|summaris|visualis|minimis|maximis|"
                          r"categoris|personalis|anonymis|centralis|normalis|utilis|memoris|symbolis|harmonis|"
                          r"synchronis|mobilis|stabilis|specialis|finalis|customis|optimis|authoris|criticis)"
                          r"(e|ed|es|ing|ation|ations)\b", re.IGNORECASE)


def test_english_spelling_is_canadian_and_quotes_are_curly():
    wrong = []
    for where, text in texts("en"):
        if _BRITISH_ISE.search(text):
            wrong.append((where, "-ise", _BRITISH_ISE.search(text).group()))
        # A command to type keeps its straight quotes: pip install "ressenti[relay]", and an
        # option's argument in a usage line: --theme "name: description".
        prose = re.sub(r'(pip install|--[a-z][a-z-]*) "[^"]*"', "", text)
        if "'" in prose or '"' in prose:
            wrong.append((where, "straight quote", text[:80]))
    assert not wrong, "\n".join(map(str, wrong))
    assert _BRITISH_ISE.search("your organisation") and not _BRITISH_ISE.search("your organization")
