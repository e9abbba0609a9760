"""Import of 2,000 insights, and suggested themes on them: time and peak memory, first and warm.

    python bench/bench_themes.py [N]        (needs the extra: pip install -e '.[facilitator]')

The insights are the labelled set (tests/data/insights_labelled.txt) repeated with small
variations up to N (2,000 by default), sealed to a circle as members' apps would, in one bundle.
"First" runs in a fresh process state: the model loads and every insight is embedded; "warm"
opens the board again in the same process, with the vectors kept in the vault.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from journal_app.circles import Circles  # noqa: E402
from journal_app.harvest import Harvest  # noqa: E402
from journal_app.vault import KdfParams  # noqa: E402
from journal_app.vault.storage import create_database, open_database  # noqa: E402
from tests.labelled_insights import Labelled, bundle_for, labelled_set  # noqa: E402

TAILS = ["", " Voilà.", " C'est ce que je retiens.", " That's what stays with me.", " Je le note ici.",
         " Just noting it.", " À suivre.", " More next time."]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    base = labelled_set()
    rows = [Labelled(r.topic, r.also, r.lang, r.text + TAILS[(i // len(base)) % len(TAILS)])
            for i, r in (((i, base[i % len(base)]) for i in range(n)))]
    folder = Path(tempfile.mkdtemp())
    db, _ = create_database(folder / "journal.vault", "une phrase de passe", kdf=KdfParams(8192, 1, 1))
    keys = Circles(db).create("Cercle")
    start = time.perf_counter()
    data, by_id = bundle_for(keys, rows[1:])
    print(f"sealing {n} insights (members' side): {time.perf_counter() - start:.2f} s, bundle {len(data) / 1e6:.1f} MB")
    print(f"memory before import: peak {peak_mib():.0f} MiB")

    start = time.perf_counter()
    report = Harvest(db).import_bundle(data)
    print(f"import of {report.added} insights (open, check, one save): {time.perf_counter() - start:.2f} s; "
          f"peak {peak_mib():.0f} MiB")
    last, last_ids = bundle_for(keys, rows[:1])  # a second member's file: the batch is released
    by_id.update(last_ids)
    Harvest(db).import_bundle(last)

    from journal_app.themes import ThemeBoard

    start = time.perf_counter()
    board = ThemeBoard(db, keys.invitation.circle_id, "fr")
    views, unsorted = board.views()
    print(f"suggested themes, first run (model load + {n} embeddings + graph + labels): "
          f"{time.perf_counter() - start:.2f} s; {len(views)} themes, {len(unsorted)} unsorted; "
          f"peak {peak_mib():.0f} MiB")
    from sklearn.metrics import adjusted_rand_score

    group = {i.id: g for g, v in enumerate(views) for i in v.insights}
    group.update({i.id: -1 - g for g, i in enumerate(unsorted)})
    print(f"ARI against the labelled topics at {n}: "
          f"{adjusted_rand_score([by_id[i].topic for i in by_id], [group[i] for i in by_id]):.3f}")
    start = time.perf_counter()
    board.suggest()
    views, unsorted = board.views()
    print(f"suggest again, warm (vectors in memory): {time.perf_counter() - start:.2f} s")
    path = db.storage.vault.path
    db.close()
    start = time.perf_counter()
    db = open_database(path, "une phrase de passe")
    board = ThemeBoard(db, keys.invitation.circle_id, "fr")
    board.views()
    print(f"reopen the vault and the board, warm (vectors from the vault): {time.perf_counter() - start:.2f} s; "
          f"vault {path.stat().st_size / 1e6:.1f} MB; peak {peak_mib():.0f} MiB")
    db.close()


if __name__ == "__main__":
    main()
