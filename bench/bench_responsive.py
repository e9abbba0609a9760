"""How long another tab's click waits while a facilitator's themes are grouped.

    python bench/bench_responsive.py          # 2,000 insights
    python bench/bench_responsive.py 500

Every open tab of `journal-app web` is served by one event loop, so a handler that groups
themes inside the loop makes every other tab wait. A probe on the loop asks for a turn every
10 ms while the grouping runs, and the longest wait it sees is what a click in another tab
would wait. Measured twice for each piece of work: inside the handler (how the dashboard's
actions ran before) and in a worker thread (how they run now).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from journal_app.circles import Circles  # noqa: E402
from journal_app.vault import KdfParams  # noqa: E402
from journal_app.vault.storage import Database, create_database  # noqa: E402
from tests.labelled_insights import Labelled, import_circle, labelled_set  # noqa: E402

TAILS = ["", " Voilà.", " C'est ça.", " That's it.", " En tout cas.", " Anyway."]
PROBE_SECONDS = 0.01


async def longest_wait(work: Callable[[], object], *, in_worker: bool) -> tuple[float, float, float]:
    """Run `work` in the loop or in a thread; returns (work time, longest probe wait, median wait)."""
    waits: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        while not done.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(PROBE_SECONDS)
            waits.append(time.perf_counter() - asked - PROBE_SECONDS)

    prober = asyncio.create_task(probe())
    await asyncio.sleep(0.05)  # the probe is running
    start = time.perf_counter()
    if in_worker:
        await asyncio.to_thread(work)
    else:
        work()  # what a synchronous handler does: the loop waits
    elapsed = time.perf_counter() - start
    await asyncio.sleep(0.05)
    done.set()
    await prober
    return elapsed, max(waits), statistics.median(waits)


def facilitator_db(n: int) -> tuple[Database, str]:
    base = labelled_set()
    rows = [Labelled(r.topic, r.also, r.lang, r.text + TAILS[(i // len(base)) % len(TAILS)])
            for i, r in ((i, base[i % len(base)]) for i in range(n))]
    folder = Path(tempfile.mkdtemp())
    db, _ = create_database(folder / "journal.vault", "une phrase de passe", kdf=KdfParams(8192, 1, 1))
    keys = Circles(db).create("Cercle")
    import_circle(db, keys, rows)
    return db, keys.invitation.circle_id


async def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    db, circle_id = facilitator_db(n)
    from journal_app.themes import BOARDS, VECTORS, ThemeBoard, model

    model()  # the encoder loads once per process; measured apart
    ThemeBoard(db, circle_id, "fr")  # warm-up: the first encoding pays one-time costs
    print(f"{n} insights; another tab's click waits (longest / median), the work's own time:")
    def largest(board: ThemeBoard) -> str:
        return max(board.board.themes, key=lambda t: len(t.members)).id

    works: list[tuple[str, Callable[[ThemeBoard | None], object]]] = [
        ("first grouping (embeddings, graph, labels)", lambda _: ThemeBoard(db, circle_id, "fr")),
        ("suggest again (warm)", lambda board: board.suggest() if board else None),
        ("split the largest theme", lambda board: board.split(largest(board)) if board else None)]
    for label, work in works:
        for in_worker in (False, True):
            first = label.startswith("first")
            if first:
                db.table(VECTORS).truncate()
                db.table(BOARDS).truncate()
            board = None if first else ThemeBoard(db, circle_id, "fr")
            elapsed, worst, median = await longest_wait(lambda w=work, b=board: w(b), in_worker=in_worker)
            where = "worker thread (now)" if in_worker else "in the handler (before)"
            print(f"  {label:45} {where:24} wait {worst * 1000:7.0f} ms / {median * 1000:4.1f} ms;"
                  f" work {elapsed:5.2f} s")
    db.close()


if __name__ == "__main__":
    asyncio.run(main())
