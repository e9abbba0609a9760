"""How well the anonymizer does on the labelled sets, without its optional name model (the phone
build has none).

    python bench/bench_anonymize_sets.py [FILE.json …]

For each set (tests/data/anonymizer_set.json, anonymizer_quebec.json, anonymizer_dev.json, or
the files named, then per language too): per kind of
personal data, how many were caught (the value no longer appears in what would leave); how many
sentences with no personal data came out changed; and the share of the other words (every word
not part of a personal datum) that stayed as written.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.anonymizer_sets import SETS, labelled, measure, report  # noqa: E402


def main() -> None:
    if sys.argv[1:]:  # any set in the same JSON format, per language: python bench/… FILE.json
        for name in sys.argv[1:]:
            print(report(name))
        return
    for name in SETS:
        m = measure(labelled(name))
        print(f"{name}: {m['samples']} samples with personal data, {m['leaking']} still leak something")
        for kind in sorted(m["total"]):
            print(f"  {kind:12} {m['caught'][kind]:3} / {m['total'][kind]:3}")
        print(f"  clean sentences changed: {m['altered']} / {m['clean']}")
        print(f"  other words kept: {m['kept']} / {m['words']} ({100 * m['kept'] / m['words']:.1f} %)")
        for kind, value in m["missed"]:
            print(f"  missed {kind}: {value}")


if __name__ == "__main__":
    main()
