"""The app with a large journal, in headless Chromium: unlock to list, search to results, memory.

    python bench/bench_app.py                  # 10,000 entries, 3 runs
    python bench/bench_app.py --entries 1000 --runs 1

Needs Debian's chromium (/usr/bin/chromium) and playwright (the `test` extra). For each run:
a fresh `journal-app web` server on a free port; time from the click on « Déverrouiller » to the
newest entry visible in the list, then from typing a search to its result visible; the server
process's resident memory (now and peak) at the end.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_vault import PASSPHRASE, build, generate  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def web_server(data: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`journal-app web` on a free port with `data` as its folder, once it answers; stopped after."""
    port = free_port()
    env = {**os.environ, "LANG": "fr_CA.UTF-8", "JOURNAL_APP_DATA_DIR": str(data)}
    env.pop("DISPLAY", None)
    server = subprocess.Popen([sys.executable, "-m", "journal_app", "web", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=20)


def memory_mib(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def visible(page, text: str) -> None:
    """Wait for a text; Flutter sometimes merges it into its container's aria-label."""
    page.get_by_text(text).or_(page.locator(f'[aria-label*="{text}"]')).first.wait_for(
        timeout=120_000)


def one_run(data: Path, newest: str, needle: str, expected: str) -> dict:
    from playwright.sync_api import sync_playwright

    with web_server(data) as (port, server):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator("flt-semantics-placeholder").wait_for(state="attached", timeout=60_000)
            page.locator("flt-semantics-placeholder").dispatch_event("click")
            field = page.locator('input[aria-label="Phrase de passe"]')
            field.click()
            page.keyboard.insert_text(PASSPHRASE)
            button = page.get_by_role("button", name="Déverrouiller")
            # Timed in the page itself, as a person would feel it: from the click's pointerup
            # to the first change of the page that shows the newest entry (Playwright's own
            # checks before a click and its polling after would add ~0.3 s and ~0.3 s).
            page.evaluate("""text => {
                window.__clicked = null; window.__seen = null;
                document.addEventListener('pointerup', () => { window.__clicked ??= performance.now(); }, true);
                new MutationObserver(() => {
                    if (window.__seen === null && window.__clicked !== null && document.body.innerHTML.includes(text))
                        window.__seen = performance.now();
                }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
            }""", newest)
            button.click()
            visible(page, newest)
            page.wait_for_function("() => window.__seen !== null", timeout=60_000)
            unlock_to_list = page.evaluate("() => window.__seen - window.__clicked") / 1000
            search = page.locator('input[aria-label="Rechercher"]')
            search.click()
            start = time.perf_counter()
            page.keyboard.insert_text(needle)
            visible(page, expected)
            search_to_results = time.perf_counter() - start
            rss, peak = memory_mib(server.pid)
            browser.close()
    return {"unlock_to_list": unlock_to_list, "search_to_results": search_to_results,
            "rss": rss, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit("needs Debian's chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        items = generate(args.entries)
        build(data / "journal.vault", items, 2)
        newest = max(items, key=lambda it: it["created"])["title"]
        needle = "rencontre 5000" if args.entries >= 5000 else "rencontre 500"
        expected = "Rencontre 5000" if args.entries >= 5000 else "Rencontre 500"
        runs = [one_run(data, newest, needle, expected) for _ in range(args.runs)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"== {args.entries:,} entries, {args.runs} run(s), median (each run: a fresh server)")

    def each(key: str) -> str:
        return ", ".join(f"{r[key] * 1000:.0f}" for r in runs)

    print(f"unlock click -> newest entry visible : {med['unlock_to_list'] * 1000:8.0f} ms"
          f"   (runs: {each('unlock_to_list')})")
    print(f"search typed -> result visible       : {med['search_to_results'] * 1000:8.0f} ms"
          f"   (runs: {each('search_to_results')})")
    print(f"server memory after that: {med['rss']:.0f} MiB resident, {med['peak']:.0f} MiB peak")


if __name__ == "__main__":
    main()
