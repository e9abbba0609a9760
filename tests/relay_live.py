"""A real relay on loopback for the tests: the Starlette app under uvicorn in a thread (with the
settings `journal-app relay serve` uses), or in a process of its own where a test kills it.

The relays here are on 127.0.0.1 and let anyone register (a token is the default elsewhere), so
importing this module says, for the tests, what a user says with RESSENTI_ALLOW_PRIVATE_RELAY=1:
a relay on this computer is fine (tests/test_relay_client.py checks the refusal without it)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from journal_app.relay.app import Limits, create_app, server_config
from journal_app.relay.storage import open_store
from journal_app.sharing import PRIVATE_RELAY_ENV

os.environ[PRIVATE_RELAY_ENV] = "1"
OPEN = Limits(open_registration=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/v1/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"the relay at {url} never answered")
        time.sleep(0.1)


@contextmanager
def relay_in_thread(folder: Path, port: int | None = None, database_url: str | None = None,
                    limits: Limits = OPEN) -> Iterator[str]:
    import uvicorn

    port = port or free_port()
    app = create_app(open_store(database_url, folder), limits=limits)
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, limits))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def relay_process(folder: Path, port: int, database_url: str | None = None, rate: float = 100_000,
                  log: Path | None = None, open_registration: bool = True,
                  more: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    """`journal-app relay serve` in a process of its own (started, not yet answering); without
    `open_registration`, registering takes the token the relay keeps in `folder`."""
    args = [sys.executable, "-m", "journal_app", "relay", "serve", "--port", str(port), "--data-dir", str(folder),
            "--rate", str(rate), "--quota", "1000000", *(["--open-registration"] if open_registration else []), *more]
    if database_url:
        args += ["--database-url", database_url]
    folder.mkdir(parents=True, exist_ok=True)
    out = (log or folder / "relay.log").open("ab")
    return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "LANG": "C.UTF-8"})


def envelope_rows(folder: Path, database_url: str | None = None) -> list[tuple[str, str, bytes]]:
    """(mailbox, id, body) of every envelope a relay's database holds now: its SQLite file in
    `folder`, or its PostgreSQL database."""
    if database_url is None:
        import sqlite3

        conn = sqlite3.connect(folder / "relay.sqlite3")
        try:
            return [(m, i, bytes(b)) for m, i, b in conn.execute("SELECT mailbox, id, body FROM envelopes")]
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(database_url) as conn:
        return [(m, i, bytes(b)) for m, i, b in conn.execute("SELECT mailbox, id, body FROM envelopes").fetchall()]


@dataclass
class LiveRelay:
    """`journal-app relay serve` in a process of its own, on SQLite or PostgreSQL."""

    url: str
    port: int
    folder: Path
    database_url: str | None
    process: subprocess.Popen[bytes]

    def restart(self, *more: str) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.process = relay_process(self.folder, self.port, self.database_url, more=more)
        wait_healthy(self.url)

    def rows(self) -> dict[tuple[str, str], dict]:
        """The envelopes the relay holds now, by (mailbox, id)."""
        return {(m, i): json.loads(body) for m, i, body in envelope_rows(self.folder, self.database_url)}


@contextmanager
def live_relay(folder: Path, database_url: str | None = None, *more: str) -> Iterator[LiveRelay]:
    """`journal-app relay serve` in a process of its own (SQLite in `folder`, or PostgreSQL),
    answering; stopped after."""
    port = free_port()
    live = LiveRelay(f"http://127.0.0.1:{port}", port, folder, database_url,
                     relay_process(folder, port, database_url, more=more))
    try:
        wait_healthy(live.url)
        yield live
    finally:
        live.process.terminate()
        live.process.wait(30)
