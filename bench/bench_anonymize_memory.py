"""A diary-shaped labelled set scored as the app sees it: each passage anonymized with the memory
of people learnt from the same member's other passages (journal_app/people.py), per language.

    python bench/bench_anonymize_memory.py tests/data/heldout/blind_3.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journal_app.anonymize import anonymize  # noqa: E402
from journal_app.lexicon import People  # noqa: E402
from journal_app.people import PeopleMemory, names_in  # noqa: E402
from tests.anonymizer_sets import leaks  # noqa: E402


def main(path: str) -> None:
    items = json.loads(Path(path).read_text("utf-8"))
    for lang in ("fr", "en"):
        passages = [i for i in items if i["lang"] == lang]
        people = People(PeopleMemory._names(names_in(i["text"]) for i in passages))
        missed = [(kind, value) for i in passages for kind, value in i["pii"]
                  if leaks(i["text"], value, anonymize(i["text"], lang, people=people).text)]
        total = sum(len(i["pii"]) for i in passages)
        print(f"{lang}: with the memory of people, removed {total - len(missed)} / {total} "
              f"({100 * (total - len(missed)) / max(1, total):.1f} %)")
        for kind, value in missed:
            print(f"    missed {kind}: {value}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "tests" / "data" / "heldout" / "blind_3.json"))
