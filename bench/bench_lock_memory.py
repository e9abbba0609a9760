"""What of the journal's words stays in the process after a lock (E18).

    python bench/bench_lock_memory.py

Opens a journal of 200 entries that each carry a distinctive marker, reads them the ways a
person does (the list, a search), locks through the app's own lock (the screen's « Verrouiller »
button, in a page without a client, tests/flet_harness.py) and through the session a command
uses, then, after `gc.collect()`:
- counts the live `str` and `bytes` objects that hold the marker, reached from every object the
  garbage collector tracks (dicts and tuples it does not track are walked through);
- counts the marker's bytes in the process's readable memory (/proc/self/mem, Linux): freed
  memory keeps what was written there until it is reused, which no Python code can wipe.
"""

from __future__ import annotations

import asyncio
import gc
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Built at run time, so that this file's own constants never hold what is searched for: the
# entries say MARKER followed by three digits, and only that is counted.
MARKER = "QUARTZ" + "LUNAIRE"


def live_objects_holding(marker: str, collect: bool = True) -> list[object]:
    """The live str and bytes objects holding `marker`, reachable from what gc tracks; without
    `collect`, as the process is (garbage in reference cycles is still alive until the cyclic
    collector runs, which may be long after)."""
    if collect:
        gc.collect()
    text_pattern = re.compile(re.escape(marker) + "[0-9]{3}")
    bytes_pattern = re.compile(re.escape(marker).encode() + b"[0-9]{3}")
    seen: set[int] = set()
    found: list[object] = []
    stack = list(gc.get_objects())
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            if text_pattern.search(obj):
                found.append(obj)
            continue
        if isinstance(obj, (bytes, bytearray, memoryview)):
            try:
                if bytes_pattern.search(bytes(obj)):
                    found.append(obj)
            except (TypeError, ValueError):  # a released memoryview
                pass
            continue
        stack.extend(gc.get_referents(obj))
    return found


def marker_bytes_in_memory(marker: str) -> int | None:
    """How many times the marker's bytes (one byte a character, as CPython stores ASCII text)
    appear in this process's readable memory; None where /proc/self/mem cannot be read."""
    pattern = re.compile(re.escape(marker).encode() + b"[0-9]{3}")
    count = 0
    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
        with open("/proc/self/mem", "rb", buffering=0) as mem:
            for line in maps:
                fields = line.split()
                if "r" not in fields[1] or (len(fields) > 5 and fields[5] in ("[vvar]", "[vsyscall]")):
                    continue
                start, end = (int(x, 16) for x in fields[0].split("-"))
                try:
                    mem.seek(start)
                    chunk = mem.read(end - start)
                except (OSError, OverflowError, ValueError):
                    continue
                count += len(pattern.findall(chunk))
    except OSError:
        return None
    return count


def make_journal(folder: Path, entries: int = 200) -> None:
    from journal_app.session import JournalSession
    from tests.conftest import FAST_KDF, PASSPHRASE

    session = JournalSession(folder, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    journal = session.journal
    journal.put_new(journal.new_entry(f"Au cercle {MARKER}{n:03d}, la poitrine s'ouvre.", title=f"Soir {n}",
                                      tags=["cercle"]) for n in range(entries))
    session.lock()


def through_the_session(folder: Path) -> None:
    """What a command does: open, list, search, lock."""
    from journal_app.journal import EntryFilter
    from journal_app.session import JournalSession
    from tests.conftest import PASSPHRASE

    session = JournalSession(folder)
    session.unlock(PASSPHRASE)
    assert len(session.journal.entries()) == 200
    assert session.journal.search("poitrine", EntryFilter())
    session.lock()
    print(f"session lock, no gc.collect(): live objects {len(live_objects_holding(MARKER, collect=False))}")


def through_the_app(folder: Path) -> None:
    """What a person does: unlock, see the list, search, open an entry, tap « Verrouiller le
    journal »."""
    import flet as ft

    from tests.flet_harness import run_ui
    from tests.test_views import app, unlock

    async def body() -> None:
        h, shell = await app(folder)
        await unlock(h)
        assert h.has_text("Soir 199")
        await h.type(h.find(ft.TextField, "Rechercher"), "poitrine")
        assert h.has_text("Soir 199")
        await h.click(ft.ListTile, "Soir 199")  # the entry, open in the editor
        await h.wait_for(lambda: h.has_text("Type d’entrée"))
        print(f"app, open:      live objects {len(live_objects_holding(MARKER))}")
        await h.click(ft.IconButton, "Verrouiller le journal")
        await h.wait_for(lambda: h.has_text("Déverrouiller"))
        assert not shell.ctx.session.is_open
        # Measured while the page lives on, showing the unlock screen, as a web server's would.
        print(f"app lock, no gc.collect(): live objects {len(live_objects_holding(MARKER, collect=False))}")
        await asyncio.sleep(0.5)
        print(f"app lock, 0.5 s later, no gc.collect(): live objects "
              f"{len(live_objects_holding(MARKER, collect=False))}")
        left = live_objects_holding(MARKER)
        print(f"app lock:       live objects {len(left)}, bytes in memory {marker_bytes_in_memory(MARKER)}")
        for obj in left[:8]:
            print("   ", type(obj).__name__, repr(obj)[:70], "held by",
                  [type(r).__name__ for r in gc.get_referrers(obj)][:4])
        del left

    run_ui(body)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Made in another process, so that nothing of the writing is in this one's memory.
        subprocess.run([sys.executable, __file__, "--make", str(folder)], check=True)
        base = live_objects_holding(MARKER)
        base_mem = marker_bytes_in_memory(MARKER)
        print(f"before opening: live objects {len(base)}, bytes in memory {base_mem}")
        through_the_session(folder)
        print(f"session lock:   live objects {len(live_objects_holding(MARKER))}, "
              f"bytes in memory {marker_bytes_in_memory(MARKER)}")
        through_the_app(folder)
        print(f"page closed:    live objects {len(live_objects_holding(MARKER))}, "
              f"bytes in memory {marker_bytes_in_memory(MARKER)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make"]:
        make_journal(Path(sys.argv[2]))
    else:
        main()
