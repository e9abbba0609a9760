"""How well the anonymizer does on the labelled sets, without its optional name model (the phone
build has none).

    python bench/bench_anonymize_sets.py

For each set (tests/data/anonymizer_set.json, tests/data/anonymizer_quebec.json): per kind of
personal data, how many were caught (the value no longer appears in what would leave); how many
sentences with no personal data came out changed; and the share of the other words (every word
not part of a personal datum) that stayed as written.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journal_app.anonymize import PLACEHOLDER_PATTERN, anonymize  # noqa: E402

SETS = ("anonymizer_set.json", "anonymizer_quebec.json")
_WORD = re.compile(r"\w+")


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


def main() -> None:
    for name in SETS:
        items = json.loads((ROOT / "tests" / "data" / name).read_text("utf-8"))
        m = measure(items)
        print(f"{name}: {m['samples']} samples with personal data, {m['leaking']} still leak something")
        for kind in sorted(m["total"]):
            print(f"  {kind:12} {m['caught'][kind]:3} / {m['total'][kind]:3}")
        print(f"  clean sentences changed: {m['altered']} / {m['clean']}")
        print(f"  other words kept: {m['kept']} / {m['words']} ({100 * m['kept'] / m['words']:.1f} %)")
        for kind, value in m["missed"]:
            print(f"  missed {kind}: {value}")


if __name__ == "__main__":
    main()
