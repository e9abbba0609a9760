"""Vault and journal speed and memory: format 2 (the log) against format 1 (as released) and
jrnl 4.6, on the same entries, in one run.

    python bench/bench_vault.py                          # 1,000, 10,000 and 50,000 entries, with jrnl
    python bench/bench_vault.py --sizes 1000 --no-jrnl

For each size and format: open+decrypt+load (the passphrase's key already derived), the first
search after opening (median over fresh openings: format 1 folds every entry, format 2 reads
the vault's word list), a search, adding one entry (median, and the mean
with the compactions it triggers), the raw cost of encrypting and fsync-ing the bytes one add
writes (on their own after the journal is closed, and one right after each add, in the same
moments of a shared machine's load), the file's size; the command-line search end to end (Argon2id included); the peak
memory of opening, in a fresh process. jrnl runs in its own venv (bench/.venv-jrnl, made on
first use) through bench/jrnl_harness.py; its command-line search is
`jrnl -contains WORD --format short` in a fresh process, timed as ours is (start, imports, key, load,
search, one line a hit).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

from bench.format1 import storage as storage1  # noqa: E402
from bench.format1 import vault as vault1  # noqa: E402
from journal_app.journal import Journal  # noqa: E402
from journal_app.vault import _WRAP_AAD_PASSPHRASE, Vault, parse_header  # noqa: E402
from journal_app.vault.storage import (  # noqa: E402
    Database,
    TablesBuilder,
    VaultStorage,
    bulk,
    create_database,
    legacy_items,
)

PASSPHRASE = "une phrase de passe"
SEARCH_WORD = "poitrine"
SENTENCES = [
    "Ce soir, au cercle, j’ai senti une chaleur monter dans la poitrine quand on a parlé de partage.",
    "Je remarque que mes épaules se relâchent dès que je pose les pieds bien à plat sur le sol.",
    "La réunion a commencé en retard, pis j’ai eu de la misère à rester présente au début.",
    "Quelque chose de flou dans le ventre, comme une boule qui attend qu’on la reconnaisse.",
    "Quand Sylvie a pris la parole, j’ai ressenti une ouverture, un espace plus grand autour de nous.",
    "Le rôle de gardienne du temps m’a demandé de rester attentive sans prendre toute la place.",
    "En marchant après la rencontre, j’ai laissé mon corps bouger à sa façon, sans rien forcer.",
    "Ce que j’apprends : ralentir, écouter ce qui veut émerger avant de proposer une solution.",
    "Il y avait une tension entre nous deux, pis je l’ai nommée doucement à la fin.",
    "Mon souffle s’est allongé; j’ai trouvé le mot « caillou » pour ce poids dans la gorge.",
    "On a fait un exercice de théâtre de présence sociale et j’ai senti le système bouger.",
    "Je repars avec une question : qu’est-ce que je peux offrir au groupe la prochaine fois?",
]


def generate(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2023, 1, 1, 19, 0, tzinfo=timezone(timedelta(hours=-5)))
    items = []
    for i in range(n):
        body = []
        while sum(len(s) + 1 for s in body) < 1450:
            body.append(rng.choice(SENTENCES))
        items.append({
            "title": f"Rencontre {i + 1}",
            "body": " ".join(body),
            "created": (start + timedelta(hours=7 * i, minutes=rng.randrange(60))).isoformat(),
            "tags": rng.sample(["cercle", "corps", "réunion", "focusing", "rôle"], 2),
        })
    return items


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _unwrapper(kek: bytes):
    return lambda header: AESGCM(kek).decrypt(header.pass_nonce, header.pass_wrapped, _WRAP_AAD_PASSPHRASE)


def open_with_kek(path: Path, kek: bytes, fmt: int):
    """Open the way `open_database` does, with the passphrase's key already derived."""
    if fmt == 1:
        vault, content = vault1.Vault._open(path, False, _unwrapper(kek))
        return storage1.Database(vault, content, storage=storage1.VaultStorage)
    builder = TablesBuilder()
    with bulk(kept=True):
        vault, _ = Vault._open(path, False, legacy_items, builder, _unwrapper(kek))
        return Database(vault, builder.built(), storage=VaultStorage)


def build(path: Path, items: list[dict], fmt: int) -> None:
    db = (storage1.create_database(path, PASSPHRASE)[0] if fmt == 1 else create_database(path, PASSPHRASE)[0])
    journal = Journal(db)
    journal.put_new(journal.new_entry(it["body"], title=it["title"], tags=it["tags"],
                                      created=datetime.fromisoformat(it["created"])) for it in items)
    db.close()


class RawWrite:
    """Encrypt `size` bytes and append them to a file, then fsync: the floor of any save."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "raw.bin"
        self.key = AESGCM.generate_key(bit_length=256)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def once(self, data: bytes) -> float:
        start = time.perf_counter()
        os.write(self.fd, AESGCM(self.key).encrypt(os.urandom(12), data, b"header"))
        os.fsync(self.fd)
        return time.perf_counter() - start

    def close(self) -> None:
        os.close(self.fd)
        self.path.unlink()


def raw_encrypt_fsync(size: int, folder: Path, repeats: int) -> float:
    """The median of `repeats` raw writes of `size` bytes, on their own."""
    raw, data = RawWrite(folder), os.urandom(size)
    try:
        return statistics.median(raw.once(data) for _ in range(repeats))
    finally:
        raw.close()


def bench_ours(n: int, folder: Path, repeats: int, fmt: int) -> dict:
    path = folder / f"f{fmt}" / "journal.vault"
    path.parent.mkdir()
    build(path, generate(n), fmt)
    header = (vault1.parse_header if fmt == 1 else parse_header)(path.read_bytes())
    unlock = median_time(lambda: header.kdf.derive(PASSPHRASE, header.salt), 3)
    kek = header.kdf.derive(PASSPHRASE, header.salt)

    def load() -> None:
        db = open_with_kek(path, kek, fmt)
        list(Journal(db).entries())  # every entry made (the list makes them as read)
        db.close()

    load()
    load_time = median_time(load, repeats)

    def first() -> float:  # the first search of a journal just opened
        db = open_with_kek(path, kek, fmt)
        start = time.perf_counter()
        Journal(db).search(SEARCH_WORD)
        took = time.perf_counter() - start
        db.close()
        return took

    first_search = statistics.median(first() for _ in range(repeats))
    db = open_with_kek(path, kek, fmt)
    journal = Journal(db)
    hits = len(journal.search(SEARCH_WORD))
    search_time = median_time(lambda: journal.search(SEARCH_WORD), repeats)
    size_before = path.stat().st_size
    adds, beside = [], []  # beside: a raw write of the bytes an add appended, right after it
    # The files this bench just wrote (both formats, hundreds of MB at 50,000) are still going to
    # the disk: an fsync now waits behind them (4 ms at 50,000 here, 0.15 ms once they are written).
    if hasattr(os, "sync"):
        os.sync()
    raw_beside = RawWrite(folder)
    for _ in range(max(repeats, 30)):
        before = path.stat().st_size
        start = time.perf_counter()
        journal.add("Une entrée de plus.\nÉcrite pour mesurer l’ajout d’une entrée.")
        adds.append(time.perf_counter() - start)
        appended = path.stat().st_size - before
        if fmt == 2 and 0 < appended < 64 * 1024:  # (not a compaction)
            beside.append(raw_beside.once(os.urandom(appended)))
    raw_beside.close()
    one_add_bytes = max(1, (path.stat().st_size - size_before) // len(adds)) if fmt == 2 else path.stat().st_size
    if fmt == 2:
        db.vault.compact()
    db.close()
    raw = raw_encrypt_fsync(one_add_bytes if fmt == 2 else size_before, folder, repeats)
    return {"entries": n, "unlock": unlock, "load": load_time, "first_search": first_search,
            "search": search_time, "hits": hits, "add": statistics.median(adds), "add_mean": statistics.mean(adds),
            "add_max": max(adds), "raw_encrypt_fsync": raw, "add_bytes": one_add_bytes,
            "raw_beside": statistics.median(beside) if beside else float("nan"),
            "file_bytes": path.stat().st_size, "path": path}


def cli_search(path: Path, repeats: int) -> float:
    """`journal-app search` end to end, in a fresh process each time: Argon2id, open, search."""
    env = {**os.environ, "JOURNAL_APP_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "journal_app", "search", SEARCH_WORD, "--data-dir", str(path.parent)]

    def once() -> None:
        subprocess.run(command, env=env, capture_output=True, check=True)

    return median_time(once, max(1, repeats // 2))


PEAK = """
import sys
sys.path.insert(0, sys.argv[2])
from bench.bench_vault import open_with_kek
from journal_app.journal import Journal
def hwm():  # the process's peak resident memory so far, in KiB (Linux)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
before = hwm()
from pathlib import Path
db = open_with_kek(Path(sys.argv[1]), bytes.fromhex(sys.argv[3]), int(sys.argv[4]))
list(Journal(db).entries())
print(before, hwm())
"""


def peak_memory(path: Path, fmt: int) -> float:
    """MiB the opening adds to the process's peak (Argon2id's 64 MiB left out: the key is given)."""
    header = (vault1.parse_header if fmt == 1 else parse_header)(path.read_bytes())
    kek = header.kdf.derive(PASSPHRASE, header.salt)
    out = subprocess.run([sys.executable, "-c", PEAK, str(path), str(ROOT), kek.hex(), str(fmt)],
                         capture_output=True, text=True, check=True).stdout.split()
    return (int(out[1]) - int(out[0])) / 1024


def jrnl_python() -> Path:
    venv = ROOT / "bench" / ".venv-jrnl"
    python = venv / "bin" / "python"
    if not python.exists():
        print("making a venv with jrnl 4.6 in", venv, file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "jrnl==4.6"], check=True)
    return python


def bench_jrnl(n: int, folder: Path, repeats: int) -> dict:
    entries = folder / "entries.json"
    entries.write_text(json.dumps(generate(n)), encoding="utf-8")
    out = subprocess.run([str(jrnl_python()), str(ROOT / "bench" / "jrnl_harness.py"), str(entries),
                          str(folder), SEARCH_WORD, str(repeats)], capture_output=True, text=True,
                         env={**os.environ, "HOME": str(folder)})
    if out.returncode != 0:
        raise SystemExit(f"jrnl harness failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-jrnl", action="store_true")
    args = parser.parse_args()
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            one = bench_ours(n, Path(tmp), args.repeats, 1)
            two = bench_ours(n, Path(tmp), args.repeats, 2)
            for fmt, ours in ((1, one), (2, two)):
                ours["peak"] = peak_memory(ours["path"], fmt)
            two["cli_search"] = cli_search(two["path"], args.repeats)
        theirs = None
        if not args.no_jrnl:
            with tempfile.TemporaryDirectory() as tmp:
                theirs = bench_jrnl(n, Path(tmp), args.repeats)
        mib = 2**20
        print(f"\n== {n:,} entries (~1.5 KB of French each); format 1 file {one['file_bytes'] / mib:.1f} MiB,"
              f" format 2 after compaction {two['file_bytes'] / mib:.1f} MiB"
              f" ({two['file_bytes'] / one['file_bytes']:.3f}×)"
              + (f"; jrnl {theirs['file_bytes'] / mib:.1f} MiB" if theirs else ""))
        print(f"unlock, Argon2id 64 MiB/3 passes : {ms(two['unlock'])}"
              + (f"   (jrnl's PBKDF2 100k: {ms(theirs['kdf'])})" if theirs else ""))
        rows = [("open+decrypt+load", "load"), ("first search after opening", "first_search"),
                ("search", "search"), ("add one entry (median)", "add")]
        for label, key in rows:
            line = f"{label:33}: f1 {ms(one[key])}   f2 {ms(two[key])}   f2/f1 = {two[key] / one[key]:.2f}"
            jkey = {"first_search": "search"}.get(key, key)
            if theirs:
                line += f"   jrnl {ms(theirs[jkey])}   f2/jrnl = {two[key] / theirs[jkey]:.2f}"
            print(line)
        print(f"{'add one entry, mean / max':33}: f2 {ms(two['add_mean'])} / {ms(two['add_max'])}"
              f"  (compactions included: every save rewrites a file under 64 KiB, else each 25 % of growth)")
        print(f"{'raw encrypt + fsync, same bytes':33}: f1 {ms(one['raw_encrypt_fsync'])} ({one['add_bytes']:,} B)"
              f"   f2 {ms(two['raw_encrypt_fsync'])} ({two['add_bytes']:,} B)"
              f"   f2 add / raw = {two['add'] / two['raw_encrypt_fsync']:.2f}")
        print(f"{'raw write right after each add':33}: f2 {ms(two['raw_beside'])}"
              f"   f2 add / raw = {two['add'] / two['raw_beside']:.2f}"
              f"  (as many as the adds, in the same moments; the line above: {args.repeats} after closing)")
        print(f"{'command-line search, end to end':33}: f2 {ms(two['cli_search'])}"
              + (f"   jrnl {ms(theirs['cli'])}   f2/jrnl = {two['cli_search'] / theirs['cli']:.2f}"
                 if theirs else ""))
        ratios = [ours["peak"] * mib / ours["file_bytes"] for ours in (one, two)]
        print(f"{'peak memory of opening':33}: f1 {one['peak']:.0f} MiB ({ratios[0]:.2f}× file)"
              f"   f2 {two['peak']:.0f} MiB ({ratios[1]:.2f}× file)")
        print(f"hits: f1 {one['hits']}, f2 {two['hits']}" + (f", jrnl {theirs['hits']}" if theirs else ""))


if __name__ == "__main__":
    main()
