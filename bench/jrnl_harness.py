"""Runs inside a separate venv that has jrnl 4.6: times jrnl on the entries bench_vault.py made.

Usage: python jrnl_harness.py ENTRIES.json WORKDIR SEARCH_WORD REPEATS
Prints one JSON object. "Key derived" timings take jrnl's PBKDF2 out, as ours take Argon2 out:
its key derivation is memoized by (password, salt), and its per-write random salt is fixed.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import jrnl.encryption.Jrnlv3Encryption as v3
from jrnl.journals import Journal

PASSWORD = "une phrase de passe"
_keys: dict[tuple[str, bytes], bytes] = {}
_real_make_key = v3.Jrnlv3Encryption._make_key


def _cached_make_key(self, salt: bytes) -> bytes:
    key = (self.password, salt)
    if key not in _keys:
        _keys[key] = _real_make_key(self, salt)
    return _keys[key]


class _FixedSalt:
    @staticmethod
    def token_bytes(n: int) -> bytes:
        return b"\x07" * n


def new_journal(path: Path) -> Journal:
    journal = Journal("bench", journal=str(path), encrypt=True, highlight=False, linewrap=False)
    journal._reconfigure_encryption_method()
    journal.encryption_method.password = PASSWORD
    journal.encryption_method.check_keyring = False
    return journal


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


CONFIG = """\
colors: {body: none, date: none, tags: none, title: none}
default_hour: 9
default_minute: 0
editor: ''
encrypt: true
highlight: false
indent_character: '|'
journals:
  default: {journal: %s, encrypt: true}
linewrap: false
tagsymbols: '#@'
template: false
timeformat: '%%F %%r'
version: v4.6
"""


def cli_search(path: Path, workdir: Path, word: str) -> int:
    """`jrnl -contains WORD --format short` end to end in a fresh process, as ours is timed: Python's
    start, jrnl's imports, its PBKDF2, load, search, one line per hit. With no terminal (a new session)
    jrnl's password prompt reads the piped line."""
    config = workdir / "jrnl.yaml"
    if not config.exists():
        config.write_text(CONFIG % json.dumps(str(path)), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "jrnl", "--config-file", str(config), "-contains", word,
                          "--format", "short"], input=PASSWORD + "\n", capture_output=True, text=True,
                         start_new_session=True, check=True)
    return len([line for line in out.stdout.splitlines() if line.strip()])


def main() -> None:
    entries_file, workdir, word, repeats = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    items = json.loads(Path(entries_file).read_text(encoding="utf-8"))
    path = workdir / "jrnl.txt"

    journal = new_journal(path)
    for item in items:
        journal.new_entry(item["title"] + ".\n" + item["body"],
                          date=datetime.fromisoformat(item["created"]).replace(tzinfo=None),
                          sort=False)
    journal.sort()
    journal.write()

    # jrnl's own unlock cost: PBKDF2-SHA256, 100,000 iterations.
    salt = b"\x01" * 16
    kdf_time = median_time(lambda: _real_make_key(journal.encryption_method, salt), repeats)

    v3.Jrnlv3Encryption._make_key = _cached_make_key
    v3.secrets = _FixedSalt
    journal.write()  # file now carries the fixed salt; its key is memoized from here on

    def load() -> Journal:
        return new_journal(path).open()

    load()
    load_time = median_time(load, repeats)

    loaded = load()
    everything = list(loaded.entries)

    def search() -> None:
        loaded.entries = list(everything)
        loaded.filter(contains=[word])

    search()
    hits = len(loaded.entries)
    search_time = median_time(search, repeats)
    loaded.entries = list(everything)

    def add() -> None:
        loaded.new_entry("Une entrée de plus.\nÉcrite pour mesurer l’ajout d’une entrée.")
        loaded.write()

    cli_hits = cli_search(path, workdir, word)
    if cli_hits != hits:
        raise SystemExit(f"jrnl's command line printed {cli_hits} lines for {hits} hits")
    cli_time = median_time(lambda: cli_search(path, workdir, word), max(1, repeats // 2))
    add_time = median_time(add, repeats)
    print(json.dumps({"kdf": kdf_time, "load": load_time, "search": search_time, "hits": hits,
                      "cli": cli_time, "add": add_time, "file_bytes": path.stat().st_size,
                      "version": __import__("jrnl").__version__}))


if __name__ == "__main__":
    main()
