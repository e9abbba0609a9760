"""Vault and journal speed and memory, against jrnl 4.6 on the same entries.

    python bench/bench_vault.py                 # 1,000 and 10,000 entries, with jrnl
    python bench/bench_vault.py --sizes 1000 --no-jrnl

For each size: unlock (Argon2id) time; then, with the key derived, open+decrypt+load, search and
add-one-entry, each a median of several runs; the raw cost of encrypting and fsync-ing the same
bytes that an add writes; peak memory at the largest size (a fresh process). jrnl runs in its
own venv (bench/.venv-jrnl, made on first use) through bench/jrnl_harness.py.
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

from journal_app.journal import Journal  # noqa: E402
from journal_app.vault import _WRAP_AAD_PASSPHRASE, Vault  # noqa: E402
from journal_app.vault.storage import Database, VaultStorage, create_database  # noqa: E402

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


def open_with_kek(path: Path, kek: bytes) -> Database:
    """Open the way `open_database` does, with the passphrase's key already derived."""
    def unwrap(header):
        return AESGCM(kek).decrypt(header.pass_nonce, header.pass_wrapped, _WRAP_AAD_PASSPHRASE)

    vault, content = Vault._open(path, False, unwrap)
    return Database(vault, content, storage=VaultStorage)


def build(path: Path, items: list[dict]) -> None:
    db, _ = create_database(path, PASSPHRASE)
    journal = Journal(db)
    journal.put_new(journal.new_entry(it["body"], title=it["title"], tags=it["tags"],
                                      created=datetime.fromisoformat(it["created"])) for it in items)
    db.close()


def raw_encrypt_fsync(size: int, folder: Path, repeats: int) -> float:
    data = os.urandom(size)
    key = AESGCM.generate_key(bit_length=256)

    def once() -> None:
        sealed = AESGCM(key).encrypt(os.urandom(12), data, b"header")
        fd = os.open(folder / "raw.bin", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, sealed)
            os.fsync(fd)
        finally:
            os.close(fd)

    return median_time(once, repeats)


def bench_ours(n: int, folder: Path, repeats: int) -> dict:
    path = folder / "journal.vault"
    build(path, generate(n))
    from journal_app.vault import parse_header

    header = parse_header(path.read_bytes())
    unlock = median_time(lambda: header.kdf.derive(PASSPHRASE, header.salt), 3)
    kek = header.kdf.derive(PASSPHRASE, header.salt)

    def load() -> None:
        db = open_with_kek(path, kek)
        Journal(db).entries()
        db.close()

    load()
    load_time = median_time(load, repeats)

    db = open_with_kek(path, kek)
    journal = Journal(db)
    start = time.perf_counter()
    hits = len(journal.search(SEARCH_WORD))
    first_search = time.perf_counter() - start
    search_time = median_time(lambda: journal.search(SEARCH_WORD), repeats)
    add_time = median_time(lambda: journal.add("Une entrée de plus.\nÉcrite pour mesurer l’ajout."),
                           repeats)
    db.close()
    vault, content = Vault.open(path, PASSPHRASE)
    vault.close()
    plain_size = len(content)
    raw = raw_encrypt_fsync(plain_size, folder, repeats)
    return {"entries": n, "unlock": unlock, "load": load_time, "first_search": first_search,
            "search": search_time, "hits": hits, "add": add_time, "raw_encrypt_fsync": raw,
            "document_bytes": plain_size, "file_bytes": path.stat().st_size}


PEAK = """
import sys
sys.path.insert(0, sys.argv[2])
from bench.bench_vault import PASSPHRASE, SEARCH_WORD
from journal_app.journal import Journal
from journal_app.vault.storage import open_database
def hwm():  # the process's peak resident memory so far, in KiB (Linux)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
before = hwm()
db = open_database(sys.argv[1], PASSPHRASE)
j = Journal(db)
j.entries(); j.search(SEARCH_WORD); j.add("une de plus")
db.close()
print(before, hwm())
"""


def peak_memory(n: int, folder: Path) -> tuple[float, float]:
    path = folder / "journal.vault"
    out = subprocess.run([sys.executable, "-c", PEAK, str(path), str(ROOT)], capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]) / 1024, int(out[1]) / 1024  # MiB


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-jrnl", action="store_true")
    args = parser.parse_args()
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            ours = bench_ours(n, Path(tmp), args.repeats)
            peak = peak_memory(n, Path(tmp)) if n == max(args.sizes) else None
        theirs = None
        if not args.no_jrnl:
            with tempfile.TemporaryDirectory() as tmp:
                theirs = bench_jrnl(n, Path(tmp), args.repeats)
        print(f"\n== {n:,} entries (~1.5 KB of French each; document {ours['document_bytes']:,} B,"
              f" vault file {ours['file_bytes']:,} B)")
        print(f"unlock, Argon2id 64 MiB/3 passes : {ms(ours['unlock'])}"
              + (f"   (jrnl's PBKDF2 100k: {ms(theirs['kdf'])})" if theirs else ""))
        rows = [("open+decrypt+load", "load", "load"), ("search", "search", "search"),
                ("add one entry", "add", "add")]
        for label, key, jkey in rows:
            line = f"{label:33}: {ms(ours[key])}"
            if theirs:
                line += f"   jrnl {ms(theirs[jkey])}   ours/jrnl = {ours[key] / theirs[jkey]:.2f}"
            print(line)
        print(f"{'first search (builds the index)':33}: {ms(ours['first_search'])}"
              f"   hits: ours {ours['hits']}" + (f", jrnl {theirs['hits']}" if theirs else ""))
        print(f"{'raw encrypt + fsync, same bytes':33}: {ms(ours['raw_encrypt_fsync'])}"
              f"   add / raw = {ours['add'] / ours['raw_encrypt_fsync']:.2f}")
        if peak:
            print(f"peak memory (RSS), open+list+search+add: {peak[1]:.0f} MiB"
                  f" (of which {peak[0]:.0f} MiB after imports)")


if __name__ == "__main__":
    main()
