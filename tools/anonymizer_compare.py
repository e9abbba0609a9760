"""Compare what two versions of the anonymizer do on every labelled set read so far (development).

    python tools/anonymizer_compare.py snapshot OUT.json [--rev REV]
    python tools/anonymizer_compare.py compare OLD.json NEW.json [--show] [--only NAME]

`snapshot` anonymizes each passage of tests/data/anonymizer_*.json, tests/data/train/*.json and the
held-out sets already read (never those in `tests.anonymizer_sets.NEVER_READ`), with the working
tree or, with --rev, with the code of a git revision (a throwaway worktree). `compare` prints, per
passage whose output changed (with --show), and in all: the personal items gained and lost, and the
ordinary words lost and regained (how `tests.anonymizer_sets` scores). A round's rules are written
and kept by what this says; the held-out sets are measured apart, scores only
(`bench/bench_anonymize_sets.py`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.anonymizer_sets import NEVER_READ, leaks, ordinary_kept  # noqa: E402


def read_sets() -> list[Path]:
    data = ROOT / "tests" / "data"
    held = [p for p in sorted((data / "heldout").glob("blind_*.json")) if p.stem not in NEVER_READ]
    return [*sorted(data.glob("anonymizer_*.json")), *sorted((data / "train").glob("*.json")), *held]


def snapshot(files: list[Path], code: Path = ROOT) -> dict[str, list[dict]]:
    """Each set's passages with what the anonymizer at `code` makes of them (in a fresh process)."""
    script = ("import json, sys\nsys.path.insert(0, sys.argv[1])\nfrom journal_app.anonymize import anonymize\n"
              "out = {}\nfor f in sys.argv[2:]:\n    items = json.load(open(f, encoding='utf-8'))\n"
              "    out[f] = [dict(i, out=anonymize(i['text'], i['lang']).text) for i in items]\n"
              "print(json.dumps(out, ensure_ascii=False))\n")
    done = subprocess.run([sys.executable, "-c", script, str(code), *map(str, files)], capture_output=True,
                          text=True, check=True, encoding="utf-8")
    return {Path(f).stem: items for f, items in json.loads(done.stdout).items()}


def compare(old: dict[str, list[dict]], new: dict[str, list[dict]], show: bool = False) -> dict[str, int]:
    """Items gained and lost, ordinary words lost and regained, from `old` to `new`."""
    total = Counter(gained=0, lost=0, words_lost=0, words_regained=0)
    for name, items in old.items():
        for a, b in zip(items, new.get(name, []), strict=False):
            if a["out"] == b["out"]:
                continue
            kept = [ordinary_kept(a, x["out"])[1] for x in (a, b)]
            gained = sum(leaks(a["text"], v, a["out"]) and not leaks(a["text"], v, b["out"]) for _, v in a["pii"])
            lost = sum(not leaks(a["text"], v, a["out"]) and leaks(a["text"], v, b["out"]) for _, v in a["pii"])
            total.update(gained=gained, lost=lost, words_lost=max(0, kept[0] - kept[1]),
                         words_regained=max(0, kept[1] - kept[0]))
            if show:
                print(f"--- {name}: items +{gained} -{lost}, words {kept[1] - kept[0]:+d}\n"
                      f"  old {a['out']}\n  new {b['out']}\n  pii {a['pii']}")
    return dict(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("out")
    snap.add_argument("--rev")
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("old")
    cmp_.add_argument("new")
    cmp_.add_argument("--show", action="store_true")
    cmp_.add_argument("--only", help="only the sets whose name holds this")
    args = parser.parse_args()
    if args.command == "snapshot":
        if args.rev:
            with tempfile.TemporaryDirectory() as tmp:
                tree = Path(tmp) / "tree"
                subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), args.rev],
                               check=True)
                try:
                    result = snapshot(read_sets(), tree)
                finally:
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
        else:
            result = snapshot(read_sets())
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False), "utf-8")
        print(f"{len(result)} sets, {sum(map(len, result.values()))} passages")
        return
    old, new = (json.loads(Path(p).read_text("utf-8")) for p in (args.old, args.new))
    if args.only:
        old = {k: v for k, v in old.items() if args.only in k}
    total = compare(old, new, args.show)
    print(f"items gained {total['gained']}, lost {total['lost']}; ordinary words lost {total['words_lost']}, "
          f"regained {total['words_regained']}")


if __name__ == "__main__":
    main()
