"""One edit on an open device, seen on the member's other open device: how long, and how much of
it is the privacy delay. Two vaults paired through a real relay process on loopback, each running
the app's own rounds (journal_app/views/device_sync.py: every PERIOD seconds, the 2–20 s random
delay before sending); an entry is written on one at a random moment, and the other is watched.

    python bench/bench_sync_edit.py [TRIALS]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journal_app.journal import Journal  # noqa: E402
from journal_app.usecases.devices import privacy_delay, sync_now  # noqa: E402
from journal_app.views.device_sync import PERIOD  # noqa: E402
from tests.relay_live import relay_in_thread  # noqa: E402
from tests.test_devices import a_device  # noqa: E402
from tests.test_views_devices import paired  # noqa: E402


def main(trials: int) -> None:
    with tempfile.TemporaryDirectory() as folder, relay_in_thread(Path(folder) / "relay") as url:
        phone_db = paired(a_device(Path(folder) / "phone", url, entries=3), a_device(Path(folder) / "laptop", None))
        from journal_app.paths import vault_path
        from journal_app.vault.storage import open_database
        from tests.conftest import PASSPHRASE

        laptop_db = phone_db  # the joiner's database (the laptop), open
        phone_db = open_database(vault_path(Path(folder) / "phone"), PASSPHRASE)
        stop = threading.Event()
        delays: list[float] = []

        def counted_delay() -> None:
            start = time.monotonic()
            privacy_delay()
            delays.append(time.monotonic() - start)

        def rounds(db, delay) -> None:  # the app's loop, as DeviceSync runs it
            while not stop.is_set():
                sync_now(db, delay=delay)
                stop.wait(PERIOD)

        threads = [threading.Thread(target=rounds, args=(laptop_db, counted_delay), daemon=True),
                   threading.Thread(target=rounds, args=(phone_db, lambda: None), daemon=True)]
        for t in threads:
            t.start()
        results = []
        for n in range(trials):
            time.sleep(random.uniform(0, PERIOD))
            title = f"Écrit sur le portable {n}"
            before = len(delays)
            Journal(laptop_db).add("Une phrase.", title=title)
            start = time.monotonic()
            while not any(e.title == title for e in Journal(phone_db).entries()):
                time.sleep(0.05)
            took = time.monotonic() - start
            delay = delays[before] if len(delays) > before else float("nan")
            results.append((took, delay))
            print(f"trial {n + 1}: seen after {took:5.1f} s, of which the privacy delay {delay:4.1f} s")
        stop.set()
        took = [t for t, _ in results]
        print(f"rounds every {PERIOD:.0f} s; {trials} edits: median {statistics.median(took):.1f} s, "
              f"max {max(took):.1f} s; privacy delay median {statistics.median(d for _, d in results):.1f} s")
        laptop_db.close()
        phone_db.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
