"""What a rewrite of the log costs where hard links are refused (Android's app storage under SELinux, FAT on
a memory card): the previous generation is then copied to `.bak` instead of linked.

    python bench/bench_phone_save.py                 # 1,000 and 10,000 entries
    python bench/bench_phone_save.py --sizes 1000 --repeats 9

In format 2 an ordinary save appends its records (no link, no copy); the previous generation is
kept only when the log is rewritten (compaction). For each size: one compaction (encrypt the
snapshot, write and fsync it, keep the previous generation, replace, fsync the folder), median of
several runs, with a hard link and with the copy; the vault's size; and the copy's share of it.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_vault import PASSPHRASE, build, generate, median_time, open_with_kek  # noqa: E402
from journal_app.journal import Journal  # noqa: E402
from journal_app.vault import parse_header  # noqa: E402


def refuse_link(*_: object) -> None:
    raise PermissionError(errno.EACCES, "Permission denied")


def compaction_time(path: Path, repeats: int, *, links: bool) -> float:
    header = parse_header(path.read_bytes())
    db = open_with_kek(path, header.kdf.derive(PASSPHRASE, header.salt), 2)
    journal = Journal(db)
    real_link = os.link
    if not links:
        os.link = refuse_link  # type: ignore[assignment]
    try:
        journal.add("Une entrée de plus.")  # warm: first save after opening
        return median_time(db.vault.compact, repeats)
    finally:
        os.link = real_link
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"{'entries':>8} {'vault':>9} {'rewrite, link':>15} {'rewrite, copy':>14} {'copy share':>11}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory(dir=ROOT / "bench") as folder:
            path = Path(folder) / "journal.vault"
            build(path, generate(n), 2)
            linked = compaction_time(path, args.repeats, links=True)
            copied = compaction_time(path, args.repeats, links=False)
            size = path.stat().st_size
            print(f"{n:>8,} {size / 2**20:>7.1f} MB {linked * 1000:>12.1f} ms {copied * 1000:>11.1f} ms "
                  f"{(copied - linked) / copied:>10.0%}")


if __name__ == "__main__":
    main()
