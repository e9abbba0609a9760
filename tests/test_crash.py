"""Crash safety: a writer killed with SIGKILL at random moments never loses a returned save."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from journal_app.journal import Journal
from journal_app.vault.storage import create_database, open_database
from tests.conftest import FAST_KDF, PASSPHRASE

WRITER = textwrap.dedent("""
    import sys
    from journal_app.journal import Journal
    from journal_app.vault.storage import open_database
    journal = Journal(open_database(sys.argv[1], sys.argv[2]))
    n = 0
    while True:
        n += 1
        # ~40 KB each, so that a kill often lands in the middle of writing the file.
        entry = journal.add(f"Entrée {n} : " + "é" * 20_000, title=f"n{n}")
        print(entry.id, flush=True)  # printed only once the save has returned
""")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_at_random_moments_never_loses_a_returned_save(tmp_path):
    path = tmp_path / "journal.vault"
    db, _ = create_database(path, PASSPHRASE, kdf=FAST_KDF)
    db.close()
    rng = random.Random(20261127)
    returned: set[str] = set()
    kills = 0
    for _ in range(32):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), PASSPHRASE],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen: list[str] = []
        reader = threading.Thread(target=lambda out=child.stdout, into=seen: into.extend(
            line.strip() for line in out))
        reader.start()
        # Wait until the child has started writing, then kill it a random moment later.
        deadline = time.monotonic() + 30
        while not seen and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join()
        assert child.returncode == -signal.SIGKILL, child.stderr.read()
        kills += 1
        returned.update(seen)
        db = open_database(path, PASSPHRASE)
        present = {e.id for e in Journal(db).entries()}
        db.close()
        missing = returned - present
        assert not missing, f"after kill {kills}: {len(missing)} returned saves lost"
    assert kills >= 30
    assert len(returned) > kills  # the children did write between kills
