"""Both catalogs hold every key, with the same placeholders; dates and numbers follow the locale."""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from pathlib import Path

import pytest

from journal_app import errors
from journal_app.i18n import (
    LANGUAGES,
    catalog,
    format_date,
    format_datetime,
    format_number,
    has_key,
    normalize_language,
    system_language,
    translate,
)

SOURCE = Path(__file__).parent.parent / "journal_app"


def placeholders(value: object) -> set[str]:
    text = "\n".join(value) if isinstance(value, list) else str(value)
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogs_have_the_same_keys_and_placeholders():
    fr, en = catalog("fr"), catalog("en")
    assert set(fr) - set(en) == set(), "missing in en.toml"
    assert set(en) - set(fr) == set(), "missing in fr.toml"
    for key in fr:
        assert placeholders(fr[key]) == placeholders(en[key]), key


def keys_used_in_code() -> set[str]:
    keys = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r'\b(?:t|translate|_t)\(\s*"([a-z_]+(?:\.[a-z_0-9]+)+)"', text))
        keys |= set(re.findall(r'key = "([a-z_.]+)"', text))
        keys |= {f"cli.help.{k}" for k in re.findall(r'\bh\("([a-z_]+)"\)', text)}
    return keys


def test_every_key_the_code_uses_exists_in_both_languages():
    used = keys_used_in_code()
    assert len(used) > 40
    for lang in LANGUAGES:
        assert {key for key in used if not has_key(key, lang)} == set(), lang


def test_every_error_has_a_message():
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.RessentiError)]
    for cls in classes:
        for lang in LANGUAGES:
            assert has_key(cls.key, lang), (cls.__name__, lang)


def test_french_uses_typographic_apostrophes():
    for key, value in catalog("fr").items():
        if not key.startswith("argparse."):
            texts = value if isinstance(value, list) else [value]
            assert all("'" not in str(text) for text in texts), key


def test_locale_formats():
    assert format_date(date(2026, 11, 1), "fr") == "1er novembre 2026"
    assert format_date(date(2026, 11, 27), "en") == "November 27, 2026"
    evening = datetime(2026, 11, 27, 21, 5)
    assert format_datetime(evening, "fr") == "27 novembre 2026 à 21\u00a0h\u00a005"  # p8: never split
    assert format_datetime(evening, "en") == "November 27, 2026 at 9:05\u00a0p.m."
    assert format_number(10000.5, "fr", 1) == "10\u00a0000,5"
    assert format_number(10000.5, "en", 1) == "10,000.5"


@pytest.mark.parametrize("env,expected", [
    ({"LANG": "en_CA.UTF-8"}, "en"), ({"LANG": "fr_CA.UTF-8"}, "fr"), ({}, "fr"),
    ({"LANG": "C.UTF-8"}, "fr"), ({"LANG": "de_DE.UTF-8"}, "fr"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "fr_CA"}, "en"), ({"JOURNAL_APP_LANG": "en"}, "en"),
])
def test_system_language_defaults_to_french_when_unsure(env, expected):
    assert system_language(env) == expected


def test_unknown_language_falls_back_to_french():
    assert normalize_language("pt-BR") == "fr"
    assert translate("kind.free", "en-CA") == "Free writing"


def test_plural_forms_follow_cldrs_rule_for_each_language():
    """« 0 idée », « 1 idée », « 2 idées »; "0 insights", "1 insight": the catalogs hold one/other
    tables, chosen by the rule Babel (CLDR) gives for each whole number."""
    from babel import Locale

    from journal_app.i18n import plural_category, translate

    for lang, locale in (("fr", "fr_CA"), ("en", "en_CA")):
        rule = Locale.parse(locale).plural_form
        for n in range(0, 200):
            assert plural_category(n, lang) == ("one" if rule(n) == "one" else "other"), (lang, n)
    assert translate("facilitator.waiting", "fr", count=1, k=5).startswith("1 idée en attente")
    assert translate("facilitator.waiting", "fr", count=0, k=5).startswith("0 idée en attente")
    assert translate("facilitator.waiting", "fr", count=4, k=5).startswith("4 idées en attente")
    assert translate("facilitator.waiting", "en", count=0, k=5).startswith("0 insights waiting")
    assert translate("progress.shift_summary", "fr", count=1) == \
        "Comment je me sentais avant et après, à la dernière séance notée"
    for lang in LANGUAGES:  # a plural table always has its "other" form, and its "one" if needed
        for key in catalog(lang):
            if key.endswith(".one"):
                assert key[:-4] + ".other" in catalog(lang), key


def test_weeks_are_said_as_people_say_them():
    from journal_app.i18n import format_week

    today = date(2026, 11, 28)
    assert format_week("2026-W48", "fr", today) == "semaine 48"
    assert format_week("2025-W03", "fr", today) == "semaine 3 de 2025"
    assert format_week("2026-W48", "en", today) == "week 48"
    assert format_week("pas une semaine", "fr", today) == "pas une semaine"


def test_dates_are_read_as_people_type_them():
    from datetime import date

    from journal_app.i18n import parse_date

    today = date(2026, 12, 6)
    for typed, meant in [("2026-11-28", date(2026, 11, 28)), ("28/11/2026", date(2026, 11, 28)),
                         ("28 novembre", date(2026, 11, 28)), ("le 1er déc. 2026", date(2026, 12, 1)),
                         ("November 28", date(2026, 11, 28)), ("Nov 28, 2026", date(2026, 11, 28)),
                         ("28th November", date(2026, 11, 28)), ("28 fevrier 2027", date(2027, 2, 28)),
                         ("15 janvier", date(2027, 1, 15)),  # a meeting planned soon
                         ("3 mai", date(2026, 5, 3))]:  # else looked back on
        assert parse_date(typed, today) == meant, typed
    for wrong in ["", "bonjour", "31 février", "32 novembre", "28 novembre 2026 midi", "13/13/2026"]:
        with pytest.raises(ValueError):
            parse_date(wrong, today)
