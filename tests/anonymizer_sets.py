"""The anonymizer's labelled sets and how they are scored, for the tests and the bench: a datum is
caught when no word of it comes out more often than the rest of the sentence holds it."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from journal_app.anonymize import PLACEHOLDER_PATTERN, anonymize

SETS = ("anonymizer_set.json", "anonymizer_quebec.json")
_WORD = re.compile(r"\w+")


def labelled(name: str) -> list[dict]:
    return json.loads((Path(__file__).parent / "data" / name).read_text("utf-8"))


def leaks(text: str, value: str, out: str) -> bool:
    """Does any word of `value` come out more often than the rest of the text holds it? (A
    partial leak counts: « ginette.roy » left beside « [adresse web] » is a leak.)"""
    rest = Counter(_WORD.findall(text.replace(value, " ", 1)))
    left = Counter(_WORD.findall(PLACEHOLDER_PATTERN.sub(" ", out)))  # « [e-mail] » is not « mail »
    return any(left[w] > rest[w] for w in _WORD.findall(value))


def measure(items: list[dict], use_ner: bool = False) -> dict:
    caught, total, missed = Counter(), Counter(), []
    clean = altered = words = kept = leaking = 0
    for item in items:
        out = anonymize(item["text"], item["lang"], use_ner=use_ner).text
        if not item["pii"]:
            clean += 1
            altered += out != item["text"]
        for kind, value in item["pii"]:
            total[kind] += 1
            if leaks(item["text"], value, out):
                missed.append((kind, value))
            else:
                caught[kind] += 1
        leaking += any(leaks(item["text"], value, out) for _, value in item["pii"])
        private = Counter(w for _, value in item["pii"] for w in _WORD.findall(value))
        ordinary = Counter(_WORD.findall(item["text"])) - private
        left = Counter(_WORD.findall(out))
        words += sum(ordinary.values())
        kept += sum(min(n, left[w]) for w, n in ordinary.items())
    return {"caught": caught, "total": total, "missed": missed, "clean": clean, "altered": altered,
            "words": words, "kept": kept, "leaking": leaking, "samples": sum(1 for i in items if i["pii"])}
