"""The anonymizer's labelled sets and how they are scored, for the tests and the bench: a datum is
caught when no word of it comes out more often than the rest of the sentence holds it.

Score any set written in the same JSON format (a list of {"lang", "text", "pii": [[kind, value]…]}):

    PYTHONPATH=. python -m tests.anonymizer_sets tests/data/anonymizer_dev.json [other.json …]

prints, per language and per kind, what was caught, the clean sentences left unchanged and the
share of ordinary words kept.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from journal_app.anonymize import PLACEHOLDER_PATTERN, anonymize

SETS = ("anonymizer_set.json", "anonymizer_quebec.json", "anonymizer_dev.json")
# The held-out sets nobody has read (tests/data/heldout/README.md): measured, scores only, never shown.
NEVER_READ = frozenset(("blind_13", *(f"blind_{n}" for n in range(24, 34))))
_WORD = re.compile(r"\w+")


def labelled(name: str) -> list[dict]:
    """A set of tests/data by its file name, or any JSON file by its path."""
    path = Path(name) if ("/" in name or Path(name).is_file()) else Path(__file__).parent / "data" / name
    return json.loads(path.read_text("utf-8"))


def leaks(text: str, value: str, out: str) -> bool:
    """Does any word of `value` come out more often than the rest of the text holds it? (A
    partial leak counts: « ginette.roy » left beside « [adresse web] » is a leak.)"""
    rest = Counter(_WORD.findall(text.replace(value, " ", 1)))
    left = Counter(_WORD.findall(PLACEHOLDER_PATTERN.sub(" ", out)))  # « [e-mail] » is not « mail »
    return any(left[w] > rest[w] for w in _WORD.findall(value))


def ordinary_kept(item: dict, out: str) -> tuple[int, int]:
    """How many ordinary words (not part of a personal datum) the item's text holds, and how many
    of them `out` still holds."""
    private = Counter(w for _, value in item["pii"] for w in _WORD.findall(value))
    ordinary = Counter(_WORD.findall(item["text"])) - private
    left = Counter(_WORD.findall(out))
    return sum(ordinary.values()), sum(min(n, left[w]) for w, n in ordinary.items())


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
        counted, left = ordinary_kept(item, out)
        words += counted
        kept += left
    return {"caught": caught, "total": total, "missed": missed, "clean": clean, "altered": altered,
            "words": words, "kept": kept, "leaking": leaking, "samples": sum(1 for i in items if i["pii"])}


def measure_by_language(items: list[dict], use_ner: bool = False) -> dict[str, dict]:
    """`measure` on each language's sentences apart ("fr", "en"), and on all ("all")."""
    out = {lang: measure([i for i in items if i["lang"] == lang], use_ner)
           for lang in sorted({i["lang"] for i in items})}
    out["all"] = measure(items, use_ner)
    return out


def report(name: str, use_ner: bool = False, show_missed: bool = True) -> str:
    lines = [name]
    for lang, m in measure_by_language(labelled(name), use_ner).items():
        found, total = sum(m["caught"].values()), sum(m["total"].values())
        lines.append(f"  {lang}: personal items removed {found} / {total} ({100 * found / max(total, 1):.1f} %), "
                     f"ordinary words kept {m['kept']} / {m['words']} ({100 * m['kept'] / max(m['words'], 1):.1f} %), "
                     f"clean sentences changed {m['altered']} / {m['clean']}")
        lines += [f"      {kind:12} {m['caught'][kind]:3} / {m['total'][kind]:3}" for kind in sorted(m["total"])]
        if show_missed and lang != "all":
            lines += [f"      missed {kind}: {value}" for kind, value in m["missed"]]
    return "\n".join(lines)


if __name__ == "__main__":
    for arg in sys.argv[1:] or SETS:
        print(report(arg))
