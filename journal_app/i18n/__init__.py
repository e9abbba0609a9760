"""Translations (fr first, en) and locale formatting for fr_CA and en_CA.

Every user-visible string lives in `fr.toml` and `en.toml` beside this file; a test checks that
both catalogs hold the same keys and the same {placeholders}.
"""

from __future__ import annotations

import calendar
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


@cache
def catalog(lang: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def normalize_language(lang: str | None) -> str:
    """'fr_CA.UTF-8' -> 'fr'; anything we do not speak -> French."""
    code = (lang or "").replace("-", "_").split("_")[0].split(".")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def environment_language(environ: Mapping[str, str] = os.environ) -> str | None:
    """The language the environment names, if any (phones name none)."""
    for var in ("JOURNAL_APP_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(var, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return normalize_language(value)
    return None


def system_language(environ: Mapping[str, str] = os.environ) -> str:
    """The language the system asks for, French when unsure."""
    return environment_language(environ) or DEFAULT_LANGUAGE


class MissingTranslation(KeyError):
    """A key in neither catalog: raised where RESSENTI_STRICT_CATALOG is set (the tests)."""


def has_key(key: str, lang: str) -> bool:
    """Whether the catalog holds `key`, as one text or as a table of plural forms."""
    table = catalog(normalize_language(lang))
    return key in table or f"{key}.other" in table


def plural_category(count: int, lang: str) -> str:
    """CLDR's cardinal rule, for the whole numbers we count: French says « 0 idée, 1 idée »
    (one), English "0 insights", "1 insight"; everything else is "other"."""
    if normalize_language(lang) == "fr":
        return "one" if count in (0, 1) else "other"
    return "one" if count == 1 else "other"


def _plural_key(key: str, lang: str, params: Mapping[str, Any]) -> str | None:
    """A catalog entry may be a table {one, other}: pick by the `count` parameter."""
    table = catalog(lang)
    if f"{key}.other" not in table or not isinstance(params.get("count"), int):
        return None
    chosen = f"{key}.{plural_category(params['count'], lang)}"
    return chosen if chosen in table else f"{key}.other"


def translate(key: str, lang: str, /, **params: Any) -> str:
    """The catalog text for `key`; `key` and `lang` are positional so a {key} or {lang}
    placeholder can be filled like any other. An entry written as a table {one, other} is
    chosen by the `count` parameter. A key missing from the catalogs shows as itself to a
    person, and fails the tests."""
    lang = normalize_language(lang)
    key = _plural_key(key, lang, params) or key
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        if os.environ.get("RESSENTI_STRICT_CATALOG"):
            raise MissingTranslation(key)
        text = key
    if isinstance(text, list):
        text = "\n".join(text)
    return str(text).format(**params) if params else str(text)


def months(lang: str) -> list[str]:
    return list(catalog(normalize_language(lang))["date.months"])


def weekday_initials(lang: str) -> list[str]:
    """CLDR's narrow day names, Sunday first (weeks start on Sunday in Canada)."""
    return list(catalog(normalize_language(lang))["date.weekdays_narrow"])


def short_months(lang: str) -> list[str]:
    """CLDR's abbreviated month names: « janv. », « juill. »; "Jan", "Jul"."""
    return list(catalog(normalize_language(lang))["date.months_short"])


def format_short_date(value: date, lang: str) -> str:
    """fr_CA: « 9 nov. »; en_CA: "Nov 9" (for axes and compact lists)."""
    name = short_months(lang)[value.month - 1]
    if normalize_language(lang) == "fr":
        return f"{value.day}\u00a0{name}"
    return f"{name}\u00a0{value.day}"


_DATE_WORDS = re.compile(r"[^\W\d_]+\.?|\d+")
_DATE_FILLERS = frozenset({"le", "er", "de", "du", "the", "of", "st", "nd", "rd", "th"})


def _month_numbers() -> dict[str, int]:
    """Every month name and abbreviation of both languages, lower case, without accents or dot."""
    names: dict[str, int] = {}
    for lang in LANGUAGES:
        for listing in (months(lang), short_months(lang)):
            for number, name in enumerate(listing, start=1):
                plain = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
                names[plain.rstrip(".")] = number
                names[plain.rstrip(".")[:3]] = number
    return names


def parse_date(text: str, today: date | None = None) -> date:
    """A date as a person types it, in French or English: « 2026-11-28 », « 28/11/2026 » (day
    first, as in Quebec), « 28 novembre », « le 1er déc. 2026 », "November 28", "Nov 28, 2026".
    Without a year, the latest such day that is at most two months ahead (meetings are mostly
    looked back on, sometimes planned). Raises ValueError."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    today = today or date.today()
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    words = [w.rstrip(".") for w in _DATE_WORDS.findall(plain)]
    names = _month_numbers()
    numbers = [int(w) for w in words if w.isdigit()]
    named = [names[w] for w in words if w in names]
    if any(not w.isdigit() and w not in names and w not in _DATE_FILLERS for w in words):
        raise ValueError(text)
    if named:
        if len(named) != 1 or not 1 <= len(numbers) <= 2:
            raise ValueError(text)
        month, day = named[0], numbers[0]
        year = numbers[1] if len(numbers) == 2 else None
    elif len(numbers) == 3:
        first, second, third = numbers
        day, month, year = (third, second, first) if first > 31 else (first, second, third)
    else:
        raise ValueError(text)
    if year is None:
        candidates = [date(y, month, day) for y in (today.year - 1, today.year, today.year + 1)
                      if day <= calendar.monthrange(y, month)[1]] if 1 <= month <= 12 else []
        if not candidates:
            raise ValueError(text)
        usable = [d for d in candidates if d <= today + timedelta(days=61)]
        return max(usable) if usable else min(candidates)
    if year < 100:
        year += 2000
    return date(year, month, day)


def format_week(iso_week: str, lang: str, today: date | None = None) -> str:
    """"2026-W48" -> « semaine 48 » (« semaine 48 de 2025 » for another year); "week 48"."""
    year, _, week = iso_week.partition("-W")
    if not (year.isdigit() and week.isdigit()):
        return iso_week
    this_year = (today or date.today()).isocalendar().year
    if int(year) == this_year:
        return translate("date.week", lang, n=int(week))
    return translate("date.week_of_year", lang, n=int(week), year=int(year))


def format_date(value: date, lang: str) -> str:
    """fr_CA: « 27 novembre 2026 »; en_CA: "November 27, 2026"."""
    name = months(lang)[value.month - 1]
    if normalize_language(lang) == "fr":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {name} {value.year}"
    return f"{name} {value.day}, {value.year}"


def format_time(value: datetime, lang: str) -> str:
    """fr_CA: « 21 h 05 »; en_CA: "9:05 p.m.", with no-break spaces: a time never splits
    across two lines."""
    if normalize_language(lang) == "fr":
        return f"{value.hour}\u00a0h\u00a0{value.minute:02d}"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}\u00a0{'a.m.' if value.hour < 12 else 'p.m.'}"


def format_datetime(value: datetime, lang: str) -> str:
    return translate("date.at", lang, date=format_date(value, lang), time=format_time(value, lang))


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """fr_CA: « 10 000,5 » (no-break space); en_CA: "10,000.5"."""
    text = f"{value:,.{decimals}f}"
    if normalize_language(lang) == "fr":
        # A no-break space: the narrow one (U+202F) is not in the web client's Roboto.
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text
