"""Memory to open a very large vault (issue 11: a 300 MB vault took 929 MB to open).

    python bench/bench_big_vault.py            # a vault of about 300 MB
    python bench/bench_big_vault.py 50         # about 50 MB

Writes a vault of long entries in a temporary folder, then opens it in a fresh process and
prints the peak resident memory of the opening (Argon2 excluded: a small cost is used), the
file size, and their ratio. The resident memory a vault keeps once open (its documents, and
each one's encoded line so that a save re-encrypts without re-encoding) is printed too.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from journal_app.vault import KdfParams, Vault  # noqa: E402
from journal_app.vault.storage import encode_value, item_key  # noqa: E402

PASSPHRASE = "une phrase de passe"
PARAGRAPH = ("Ce soir, au cercle, j’ai senti une chaleur monter dans la poitrine quand on a parlé "
             "de partage; mes épaules se relâchent dès que je pose les pieds bien à plat. ") * 20


def make_vault(folder: Path, megabytes: int) -> Path:
    items = []
    size, n = 0, 0
    while size < megabytes * 1_000_000:
        doc = {"id": f"{n:08d}", "created": "2026-11-28T12:00:00+00:00", "updated": "2026-11-28T12:00:00+00:00",
               "kind": "free", "title": f"Entrée {n}", "body": PARAGRAPH, "answers": {}, "tags": ["cercle"]}
        value = encode_value(doc)
        items.append((item_key("entries", doc["id"]), value))
        size += len(value)
        n += 1
    path = folder / "journal.vault"
    vault, _ = Vault.create(path, PASSPHRASE, items, kdf=KdfParams(8192, 1, 1))
    vault.close()
    return path


CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    from journal_app.vault.storage import open_database

    def status(field):  # in KiB; VmHWM is this process's own peak (ru_maxrss survives exec)
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))

    before = status("VmRSS")
    db = open_database(sys.argv[1], "une phrase de passe")
    peak = status("VmHWM")
    import gc; gc.collect()
    print(before, peak, status("VmRSS"), len(db.table("entries")))
    db.close()
""")


def open_in_child(path: Path) -> tuple[float, float, int]:
    """Open the vault in a fresh process: (peak MiB of the opening, MiB kept once open, entries)."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(ROOT)], capture_output=True,
                         text=True, check=True).stdout.split()
    before, peak, now, entries = (int(x) for x in out)
    return (peak - before) / 1024, (now - before) / 1024, entries


def main() -> None:
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as tmp:
        path = make_vault(Path(tmp), megabytes)
        size = path.stat().st_size / 2**20
        peak, kept, entries = open_in_child(path)
        print(f"vault of {entries} entries, {size:.0f} MiB on disk")
        print(f"opening: peak {peak:.0f} MiB above the interpreter ({peak / size:.2f}× the file); "
              f"kept once open: {kept:.0f} MiB")


if __name__ == "__main__":
    main()
