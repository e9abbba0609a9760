"""Prompt packs: reading, checking and listing them (format in docs/prompt-packs.md).

A pack is one TOML file. The checker reports every problem it finds, each with the file, the
key (like `steps[2].text.en`) or the line, and what is wrong, in the person's language.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from journal_app.errors import RessentiError
from journal_app.i18n import LANGUAGES, translate

FORMAT = "ressenti-pack"
FORMAT_VERSION = 1
KINDS = ("session", "reflection")
MAX_PACK_BYTES = 256 * 1024
MAX_STEPS = 40
MAX_TEXT_CHARS = 4000
MIN_DURATION, MAX_DURATION = 5, 3600
_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$")
_STEP_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_VERSION = re.compile(r"^\d+(?:\.\d+){0,2}$")
_TOP_FIELDS = {"format", "format_version", "id", "version", "kind", "author", "licence", "title",
               "description", "steps"}
_STEP_FIELDS = {"id", "title", "text", "duration"}


@dataclass(frozen=True)
class Texts:
    """One text in each language."""

    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Step:
    id: str
    title: Texts
    text: Texts
    duration: int | None = None  # seconds, for session steps


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    kind: str
    title: Texts
    description: Texts
    author: str
    licence: str
    steps: tuple[Step, ...]
    source: str = field(default="", compare=False, repr=False)  # the TOML text, for export
    builtin: bool = False

    @property
    def total_seconds(self) -> int:
        return sum(s.duration or 0 for s in self.steps)

    def length_text(self, lang: str) -> str:
        """« 19 min » for a session, « 4 questions » for a reflection."""
        if self.kind == "session":
            return translate("pack.minutes", lang, n=round(self.total_seconds / 60))
        return translate("pack.questions", lang, count=len(self.steps))


@dataclass(frozen=True)
class Problem:
    where: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        return translate(f"pack.problem.{self.code}", lang, **self.params)


class PackInvalid(RessentiError):
    """A pack file that cannot be used; carries every problem found."""

    key = "error.pack_invalid"

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        super().__init__(file=file, count=len(problems))

    def message(self, lang: str) -> str:
        lines = [translate(self.key, lang, file=self.file, count=len(self.problems))]
        lines += ["  " + translate("pack.problem_line", lang, where=p.where, problem=p.message(lang))
                  for p in self.problems[:20]]
        return "\n".join(lines)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(where, code, params))

    def unknown(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                self.add(f"{prefix}{key}", "unknown_field", field=key)

    def string(self, table: dict[str, Any], key: str, where: str, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.add(where, "missing_field", field=key)
            return ""
        if not isinstance(value, str):
            self.add(where, "wrong_type", expected="text")
            return ""
        return value

    def texts(self, table: dict[str, Any], key: str, where: str) -> Texts:
        value = table.get(key)
        if value is None:
            self.add(where, "missing_field", field=key)
            return Texts("", "")
        if not isinstance(value, dict):
            self.add(where, "wrong_type", expected="{ fr = \"…\", en = \"…\" }")
            return Texts("", "")
        self.unknown(value, set(LANGUAGES), f"{where}.")
        found = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.add(f"{where}.{lang}", "missing_language", language=lang)
                text = ""
            elif len(text) > MAX_TEXT_CHARS:
                self.add(f"{where}.{lang}", "text_too_long", max=MAX_TEXT_CHARS)
            found[lang] = text
        return Texts(**found)


def _toml_line(exc: tomllib.TOMLDecodeError) -> str:
    match = re.search(r"line (\d+)", str(exc))
    return f"line {match.group(1)}" if match else "TOML"


def parse_pack(data: bytes, file: str, *, builtin: bool = False) -> Pack:
    """Read and check one pack; raise PackInvalid listing every problem."""
    check = _Checker()
    if len(data) > MAX_PACK_BYTES:
        check.add("—", "too_large", size=len(data), limit=MAX_PACK_BYTES)
        raise PackInvalid(file, check.problems)
    try:
        text = data.decode("utf-8-sig")
        doc = tomllib.loads(text)
    except UnicodeDecodeError:
        raise PackInvalid(file, [Problem("—", "not_utf8")]) from None
    except tomllib.TOMLDecodeError as exc:
        detail = re.sub(r"\s*\(at .*\)$", "", str(exc))
        raise PackInvalid(file, [Problem(_toml_line(exc), "not_toml", {"detail": detail})]) from None
    except (RecursionError, ValueError):  # nested thousands deep, or an integer of 5,000 digits
        raise PackInvalid(file, [Problem("—", "malformed")]) from None

    check.unknown(doc, _TOP_FIELDS, "")
    if doc.get("format") != FORMAT:
        check.add("format", "bad_format", expected=FORMAT)
    if doc.get("format_version") != FORMAT_VERSION:
        check.add("format_version", "bad_format_version", expected=FORMAT_VERSION)
    pack_id = check.string(doc, "id", "id")
    if pack_id and not _ID.match(pack_id):
        check.add("id", "bad_id", value=pack_id)
    version = check.string(doc, "version", "version")
    if version and not _VERSION.match(version):
        check.add("version", "bad_version", value=version)
    kind = check.string(doc, "kind", "kind")
    if kind and kind not in KINDS:
        check.add("kind", "bad_kind", value=kind)
    author = check.string(doc, "author", "author")
    licence = check.string(doc, "licence", "licence")
    title = check.texts(doc, "title", "title")
    description = check.texts(doc, "description", "description")

    raw_steps = doc.get("steps")
    steps: list[Step] = []
    if not isinstance(raw_steps, list) or not raw_steps:
        check.add("steps", "no_steps")
        raw_steps = []
    elif len(raw_steps) > MAX_STEPS:
        check.add("steps", "too_many_steps", max=MAX_STEPS)
    seen: set[str] = set()
    for n, raw in enumerate(raw_steps, 1):
        where = f"steps[{n}]"
        if not isinstance(raw, dict):
            check.add(where, "wrong_type", expected="[[steps]]")
            continue
        check.unknown(raw, _STEP_FIELDS, f"{where}.")
        step_id = check.string(raw, "id", f"{where}.id")
        if step_id and not _STEP_ID.match(step_id):
            check.add(f"{where}.id", "bad_id", value=step_id)
        if step_id in seen:
            check.add(f"{where}.id", "duplicate_step", id=step_id)
        seen.add(step_id)
        duration = raw.get("duration")
        if kind == "session":
            if duration is None:
                check.add(f"{where}.duration", "missing_field", field="duration")
            elif (not isinstance(duration, int) or isinstance(duration, bool)
                  or not MIN_DURATION <= duration <= MAX_DURATION):
                check.add(f"{where}.duration", "bad_duration", value=duration,
                          min=MIN_DURATION, max=MAX_DURATION)
                duration = None
        elif duration is not None:
            check.add(f"{where}.duration", "duration_in_reflection")
            duration = None
        steps.append(Step(step_id, check.texts(raw, "title", f"{where}.title"),
                          check.texts(raw, "text", f"{where}.text"),
                          duration if isinstance(duration, int) else None))
    if check.problems:
        raise PackInvalid(file, check.problems)
    return Pack(id=pack_id, version=version, kind=kind, title=title, description=description,
                author=author, licence=licence, steps=tuple(steps), source=text, builtin=builtin)


def builtin_packs() -> list[Pack]:
    """The packs shipped with the app, in a stable order: sessions first."""
    return list(_builtin_packs())


@cache
def _builtin_packs() -> tuple[Pack, ...]:
    """Read and checked once a process: the files ship with the app and do not change (every
    screen that lists or opens a practice used to parse all of them again)."""
    folder = resources.files(__package__)
    packs = [parse_pack(item.read_bytes(), item.name, builtin=True)
             for item in folder.iterdir() if item.name.endswith(".toml")]
    return tuple(sorted(packs, key=lambda p: (KINDS.index(p.kind), p.total_seconds, p.id)))
