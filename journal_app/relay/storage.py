"""Where the relay keeps mailboxes, envelopes and circle messages: SQLite by default (one file in
the relay's data folder), PostgreSQL for several relay processes serving one federation.

Both answer the same `RelayStore` calls, and nothing is answered before it is durable:
- SQLite in WAL mode with `synchronous=FULL`; one writer thread takes every change, and posts
  that arrive together are committed together (one fsync for many: a group commit). Envelopes
  have no rowid (no order of arrival), deleted ones are overwritten with zeros
  (`secure_delete`) and the write-ahead log is emptied after each deletion, so an acknowledged
  envelope is not left readable in `relay.sqlite3-wal`;
- PostgreSQL with its own durable commit (`synchronous_commit` on), from a small pool of
  connections; a row lock on the mailbox keeps its count exact under concurrent posts. Each row
  carries the transaction that wrote it (`xmin`), hence an order: `blur` rewrites the recent
  envelopes in one transaction, in id order, every hour.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from journal_app.relay.schema import LATEST, MIGRATIONS


@dataclass(frozen=True)
class Mailbox:
    id: str
    send_digest: str
    read_digest: str
    sign_key: str  # base64url Ed25519 public key, to check the messages published to it
    envelopes: int = 0
    # A circle's mailbox: how many personal mailboxes its send capability opened; a personal
    # mailbox: None (it opens none).
    opened: int | None = 0


@dataclass(frozen=True)
class Stored:
    id: str  # SHA-256 of the envelope, hex
    day: str  # ISO date: the day it was posted, never the time
    body: bytes


class _Raced(Exception):
    """Two requests opened the same personal mailbox at once (PostgreSQL): the loser's
    transaction is undone and it asks again."""


class QuotaFull(Exception):
    """The mailbox holds as many envelopes as the relay allows."""


class MailboxGone(Exception):
    """The mailbox was deleted (an idle personal mailbox, by the hourly sweep) between the check
    of the capability and the post."""


class _Full(Exception):
    """The circle's capability has `bound` personal mailboxes in use: the opening is undone."""


class RelayStore(Protocol):
    async def register(self, mailbox: Mailbox, day: date) -> str:
        """"created", "same" (registered already, with the same digests) or "conflict"."""

    async def mailbox(self, mailbox_id: str) -> Mailbox | None: ...

    async def open_personal(self, circle_id: str, opened_by: str, mailbox: Mailbox, day: date, bound: int) -> str:
        """A personal mailbox opened with a circle's send capability: "created" (the circle's
        counter goes up by one, the row keeps `opened_by`), "same", "conflict", or "full" (the
        rows kept with `opened_by`, those in use, are `bound` already)."""

    async def post(self, mailbox_id: str, envelope_id: str, body: bytes, day: date, quota: int) -> bool:
        """Keep an envelope (True), or say it was kept already (False); QuotaFull when full,
        MailboxGone when the mailbox was deleted meanwhile."""

    async def touch(self, mailbox_id: str, day: date) -> None:
        """A personal mailbox was used that day (posted to, listed, acknowledged)."""

    async def sweep(self, before: date) -> int:
        """Delete the personal mailboxes that hold nothing and were last used before that day;
        how many."""

    async def listing(self, mailbox_id: str, after: tuple[str, str] | None, limit: int) -> list[Stored]: ...

    async def ack(self, mailbox_id: str, ids: Sequence[str]) -> int: ...

    async def put_message(self, mailbox_id: str, kind: str, serial: int, day: date, body: bytes) -> bool:
        """Keep a circle message if its serial is higher than the one kept; False if not."""

    async def messages(self, mailbox_id: str) -> list[bytes]: ...

    async def expire(self, before: date) -> int:
        """Delete the envelopes posted before that day; how many."""

    async def blur(self, since: date) -> None:
        """Forget the order in which the envelopes posted since that day arrived, where the
        engine keeps one."""

    async def close(self) -> None: ...


def open_store(database_url: str | None, data_dir: Path, *, pool_size: int = 8) -> RelayStore:
    """`postgresql://…` for PostgreSQL; else SQLite, in `relay.sqlite3` in the data folder (or
    the file a `sqlite:///path` URL names)."""
    if database_url and database_url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(database_url, pool_size=pool_size)
    if database_url and database_url.startswith("sqlite:///"):
        return SqliteStore(Path(database_url[len("sqlite:///"):]))
    if database_url:
        raise ValueError(database_url)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return SqliteStore(data_dir / "relay.sqlite3")


# An idle personal mailbox: it opens none (`opened` empty), holds no envelope nor message, and was
# last used (or, never used, created) before the day given.
_SWEEP = ("DELETE FROM mailboxes WHERE opened IS NULL AND envelopes = 0 AND coalesce(active_day, created_day) < %s "
          "AND NOT EXISTS (SELECT 1 FROM envelopes e WHERE e.mailbox = mailboxes.id) "
          "AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.mailbox = mailboxes.id)")


# --- SQLite ------------------------------------------------------------------------------------
_Job = tuple[Callable[[sqlite3.Connection], Any], "concurrent.futures.Future[Any]", bool]


class SqliteStore:
    MAX_GROUP = 512

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=10000")
        self._conn.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten with zeros
        self._scrub = False  # set by a deletion: empty the write-ahead log after the commit
        self._migrate()
        self._checkpoint()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._write_loop, name="relay-sqlite", daemon=True)
        self._thread.start()

    def _migrate(self) -> None:
        c = self._conn
        c.execute("CREATE TABLE IF NOT EXISTS relay_schema (version INTEGER NOT NULL)")
        row = c.execute("SELECT max(version) FROM relay_schema").fetchone()
        current = row[0] or 0
        for migration in MIGRATIONS:
            if migration.number > current:
                c.execute("BEGIN IMMEDIATE")
                try:
                    for statement in migration.sqlite:
                        c.execute(statement)
                    c.execute("INSERT INTO relay_schema (version) VALUES (?)", (migration.number,))
                    c.execute("COMMIT")
                except BaseException:
                    c.execute("ROLLBACK")
                    raise
        assert (c.execute("SELECT max(version) FROM relay_schema").fetchone()[0] or 0) >= LATEST

    def _checkpoint(self) -> None:
        """Copy the write-ahead log into the database and truncate it: the frames that held a
        deleted envelope's bytes are gone (the database's copy was zeroed by secure_delete)."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._scrub = False

    # Every call runs on the writer thread, in order; consecutive posts share one transaction.
    def _submit(self, fn: Callable[[sqlite3.Connection], Any], group: bool = False) -> asyncio.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._jobs.put((fn, future, group))
        return asyncio.wrap_future(future)

    def _write_loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            pending = [job]
            while len(pending) < self.MAX_GROUP:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._jobs.put(None)
                    break
                pending.append(more)
            n = 0
            while n < len(pending):
                if pending[n][2]:
                    end = n
                    while end < len(pending) and pending[end][2]:
                        end += 1
                    self._run_group(pending[n:end])
                    n = end
                else:
                    self._run_group(pending[n:n + 1])
                    n += 1

    def _run_group(self, jobs: list[_Job]) -> None:
        c = self._conn
        results: list[tuple[concurrent.futures.Future[Any], bool, Any]] = []
        try:
            c.execute("BEGIN IMMEDIATE")
            for n, (fn, future, _) in enumerate(jobs):
                c.execute(f"SAVEPOINT j{n}")
                try:
                    results.append((future, True, fn(c)))
                    c.execute(f"RELEASE j{n}")
                except Exception as exc:  # this job alone is undone (a full mailbox, say)
                    c.execute(f"ROLLBACK TO j{n}")
                    c.execute(f"RELEASE j{n}")
                    results.append((future, False, exc))
            c.execute("COMMIT")  # durable here: WAL with synchronous=FULL
            if self._scrub:
                self._checkpoint()
        except Exception as exc:  # nothing of the group was kept: every caller is told
            if c.in_transaction:
                c.execute("ROLLBACK")
            for _, future, _ in jobs:
                if not future.done():
                    future.set_exception(exc)
            return
        for future, ok, value in results:
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    async def register(self, mailbox: Mailbox, day: date) -> str:
        def run(c: sqlite3.Connection) -> str:
            row = c.execute("SELECT send_digest, read_digest, sign_key FROM mailboxes WHERE id = ?",
                            (mailbox.id,)).fetchone()
            if row is None:
                c.execute("INSERT INTO mailboxes (id, send_digest, read_digest, sign_key, created_day) "
                          "VALUES (?, ?, ?, ?, ?)", (mailbox.id, mailbox.send_digest, mailbox.read_digest,
                                                     mailbox.sign_key, day.isoformat()))
                return "created"
            return "same" if tuple(row) == (mailbox.send_digest, mailbox.read_digest, mailbox.sign_key) \
                else "conflict"
        return str(await self._submit(run))

    async def mailbox(self, mailbox_id: str) -> Mailbox | None:
        def run(c: sqlite3.Connection) -> Mailbox | None:
            row = c.execute("SELECT id, send_digest, read_digest, sign_key, envelopes, opened FROM mailboxes "
                            "WHERE id = ?", (mailbox_id,)).fetchone()
            return Mailbox(*row) if row else None
        result: Mailbox | None = await self._submit(run)
        return result

    async def open_personal(self, circle_id: str, opened_by: str, mailbox: Mailbox, day: date, bound: int) -> str:
        def run(c: sqlite3.Connection) -> str:
            row = c.execute("SELECT send_digest, read_digest, sign_key FROM mailboxes WHERE id = ?",
                            (mailbox.id,)).fetchone()
            if row is not None:
                return "same" if tuple(row) == (mailbox.send_digest, mailbox.read_digest, mailbox.sign_key) \
                    else "conflict"
            if c.execute("UPDATE mailboxes SET opened = opened + 1 WHERE id = ? AND opened IS NOT NULL",
                         (circle_id,)).rowcount == 0:
                return "full"
            if c.execute("SELECT count(*) FROM mailboxes WHERE opened_by = ?", (opened_by,)).fetchone()[0] >= bound:
                raise _Full()  # this job's savepoint is undone: the counter stays as it was
            c.execute("INSERT INTO mailboxes (id, send_digest, read_digest, sign_key, created_day, opened, opened_by, "
                      "active_day) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
                      (mailbox.id, mailbox.send_digest, mailbox.read_digest, mailbox.sign_key, day.isoformat(),
                       opened_by, day.isoformat()))
            return "created"
        try:
            return str(await self._submit(run))
        except _Full:
            return "full"

    async def post(self, mailbox_id: str, envelope_id: str, body: bytes, day: date, quota: int) -> bool:
        def run(c: sqlite3.Connection) -> bool:
            if c.execute("SELECT 1 FROM mailboxes WHERE id = ?", (mailbox_id,)).fetchone() is None:
                raise MailboxGone()
            cur = c.execute("INSERT OR IGNORE INTO envelopes (mailbox, id, day, body) VALUES (?, ?, ?, ?)",
                            (mailbox_id, envelope_id, day.isoformat(), body))
            if cur.rowcount == 0:
                return False
            if c.execute("UPDATE mailboxes SET envelopes = envelopes + 1 WHERE id = ? AND envelopes < ?",
                         (mailbox_id, quota)).rowcount == 0:
                raise QuotaFull()
            return True
        return bool(await self._submit(run, group=True))

    async def listing(self, mailbox_id: str, after: tuple[str, str] | None, limit: int) -> list[Stored]:
        def run(c: sqlite3.Connection) -> list[Stored]:
            day, last = after or ("", "")
            rows = c.execute("SELECT id, day, body FROM envelopes WHERE mailbox = ? AND (day, id) > (?, ?) "
                             "ORDER BY day, id LIMIT ?", (mailbox_id, day, last, limit)).fetchall()
            return [Stored(i, d, bytes(b)) for i, d, b in rows]
        result: list[Stored] = await self._submit(run)
        return result

    async def ack(self, mailbox_id: str, ids: Sequence[str]) -> int:
        def run(c: sqlite3.Connection) -> int:
            gone = 0
            for envelope_id in ids:
                gone += c.execute("DELETE FROM envelopes WHERE mailbox = ? AND id = ?",
                                  (mailbox_id, envelope_id)).rowcount
            c.execute("UPDATE mailboxes SET envelopes = envelopes - ? WHERE id = ?", (gone, mailbox_id))
            self._scrub = self._scrub or gone > 0
            return gone
        return int(await self._submit(run))

    async def put_message(self, mailbox_id: str, kind: str, serial: int, day: date, body: bytes) -> bool:
        def run(c: sqlite3.Connection) -> bool:
            row = c.execute("SELECT serial FROM messages WHERE mailbox = ? AND kind = ?",
                            (mailbox_id, kind)).fetchone()
            if row is not None and row[0] >= serial:
                return False
            c.execute("INSERT INTO messages (mailbox, kind, serial, day, body) VALUES (?, ?, ?, ?, ?) "
                      "ON CONFLICT (mailbox, kind) DO UPDATE SET serial = excluded.serial, "
                      "day = excluded.day, body = excluded.body", (mailbox_id, kind, serial, day.isoformat(), body))
            return True
        return bool(await self._submit(run))

    async def messages(self, mailbox_id: str) -> list[bytes]:
        def run(c: sqlite3.Connection) -> list[bytes]:
            return [bytes(r[0]) for r in c.execute("SELECT body FROM messages WHERE mailbox = ? ORDER BY kind",
                                                   (mailbox_id,))]
        result: list[bytes] = await self._submit(run)
        return result

    async def expire(self, before: date) -> int:
        def run(c: sqlite3.Connection) -> int:
            counts = c.execute("SELECT mailbox, count(*) FROM envelopes WHERE day < ? GROUP BY mailbox",
                               (before.isoformat(),)).fetchall()
            for mailbox_id, n in counts:
                c.execute("UPDATE mailboxes SET envelopes = envelopes - ? WHERE id = ?", (n, mailbox_id))
            gone: int = c.execute("DELETE FROM envelopes WHERE day < ?", (before.isoformat(),)).rowcount
            self._scrub = self._scrub or gone > 0
            return gone
        return int(await self._submit(run))

    async def touch(self, mailbox_id: str, day: date) -> None:
        def run(c: sqlite3.Connection) -> None:
            c.execute("UPDATE mailboxes SET active_day = ? WHERE id = ? AND (active_day IS NULL OR active_day < ?)",
                      (day.isoformat(), mailbox_id, day.isoformat()))
        await self._submit(run)

    async def sweep(self, before: date) -> int:
        def run(c: sqlite3.Connection) -> int:
            gone: int = c.execute(_SWEEP.replace("%s", "?"), (before.isoformat(),)).rowcount
            self._scrub = self._scrub or gone > 0
            return gone
        return int(await self._submit(run))

    async def blur(self, since: date) -> None:
        """Nothing to do: without a rowid, SQLite keeps no order of arrival."""

    async def close(self) -> None:
        self._jobs.put(None)
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join)
        self._conn.close()


# --- PostgreSQL ----------------------------------------------------------------------------------
class PostgresStore:
    """psycopg 3 (the `relay` extra), a pool of asynchronous connections opened on first use."""

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self.url = url
        self.pool_size = pool_size
        self._pool: asyncio.Queue[Any] | None = None
        self._opening: asyncio.Lock | None = None  # made in the serving loop, at first use

    async def _connections(self) -> asyncio.Queue[Any]:
        if self._pool is not None:
            return self._pool
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._pool is None:
                import psycopg  # only the relay needs it

                first = await psycopg.AsyncConnection.connect(self.url, autocommit=False)
                await self._migrate(first)
                pool: asyncio.Queue[Any] = asyncio.Queue()
                pool.put_nowait(first)
                for _ in range(self.pool_size - 1):
                    pool.put_nowait(await psycopg.AsyncConnection.connect(self.url, autocommit=False))
                self._pool = pool
        return self._pool

    @staticmethod
    async def _migrate(conn: Any) -> None:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(8550017)")  # one process migrates at a time
            await conn.execute("CREATE TABLE IF NOT EXISTS relay_schema (version INTEGER NOT NULL)")
            cur = await conn.execute("SELECT max(version) FROM relay_schema")
            current = (await cur.fetchone())[0] or 0
            for migration in MIGRATIONS:
                if migration.number > current:
                    for statement in migration.postgres:
                        await conn.execute(statement)
                    await conn.execute("INSERT INTO relay_schema (version) VALUES (%s)", (migration.number,))

    async def _run(self, fn: Callable[[Any], Any]) -> Any:
        pool = await self._connections()
        conn = await pool.get()
        try:
            if conn.closed:
                import psycopg

                conn = await psycopg.AsyncConnection.connect(self.url, autocommit=False)
            async with conn.transaction():
                return await fn(conn)
        finally:
            pool.put_nowait(conn)

    async def register(self, mailbox: Mailbox, day: date) -> str:
        async def run(c: Any) -> str:
            cur = await c.execute("INSERT INTO mailboxes (id, send_digest, read_digest, sign_key, created_day) "
                                  "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                                  (mailbox.id, mailbox.send_digest, mailbox.read_digest, mailbox.sign_key, day))
            if cur.rowcount == 1:
                return "created"
            cur = await c.execute("SELECT send_digest, read_digest, sign_key FROM mailboxes WHERE id = %s",
                                  (mailbox.id,))
            row = await cur.fetchone()
            return "same" if tuple(row) == (mailbox.send_digest, mailbox.read_digest, mailbox.sign_key) \
                else "conflict"
        return str(await self._run(run))

    async def mailbox(self, mailbox_id: str) -> Mailbox | None:
        async def run(c: Any) -> Mailbox | None:
            cur = await c.execute("SELECT id, send_digest, read_digest, sign_key, envelopes, opened FROM mailboxes "
                                  "WHERE id = %s", (mailbox_id,))
            row = await cur.fetchone()
            return Mailbox(*row) if row else None
        result: Mailbox | None = await self._run(run)
        return result

    async def open_personal(self, circle_id: str, opened_by: str, mailbox: Mailbox, day: date, bound: int) -> str:
        async def run(c: Any) -> str:
            cur = await c.execute("SELECT send_digest, read_digest, sign_key FROM mailboxes WHERE id = %s",
                                  (mailbox.id,))
            row = await cur.fetchone()
            if row is not None:
                return "same" if tuple(row) == (mailbox.send_digest, mailbox.read_digest, mailbox.sign_key) \
                    else "conflict"
            # The circle's row is locked by this update until the commit: its count stays exact
            # (two openings with one capability wait for each other).
            cur = await c.execute("UPDATE mailboxes SET opened = opened + 1 WHERE id = %s AND opened IS NOT NULL",
                                  (circle_id,))
            if cur.rowcount == 0:
                return "full"
            cur = await c.execute("SELECT count(*) FROM mailboxes WHERE opened_by = %s", (opened_by,))
            if (await cur.fetchone())[0] >= bound:
                raise _Full()  # the transaction is rolled back: the counter stays as it was
            cur = await c.execute("INSERT INTO mailboxes (id, send_digest, read_digest, sign_key, created_day, "
                                  "opened, opened_by, active_day) VALUES (%s, %s, %s, %s, %s, NULL, %s, %s) "
                                  "ON CONFLICT (id) DO NOTHING",
                                  (mailbox.id, mailbox.send_digest, mailbox.read_digest, mailbox.sign_key, day,
                                   opened_by, day))
            if cur.rowcount == 0:
                raise _Raced()  # opened at the same moment by another request: undone, asked again
            return "created"
        try:
            try:
                return str(await self._run(run))
            except _Raced:
                return str(await self._run(run))
        except _Full:
            return "full"

    async def post(self, mailbox_id: str, envelope_id: str, body: bytes, day: date, quota: int) -> bool:
        async def run(c: Any) -> bool:
            cur = await c.execute("INSERT INTO envelopes (mailbox, id, day, body) VALUES (%s, %s, %s, %s) "
                                  "ON CONFLICT DO NOTHING", (mailbox_id, envelope_id, day, body))
            if cur.rowcount == 0:
                return False
            cur = await c.execute("UPDATE mailboxes SET envelopes = envelopes + 1 WHERE id = %s AND envelopes < %s",
                                  (mailbox_id, quota))
            if cur.rowcount == 0:
                raise QuotaFull()  # the transaction is rolled back: the envelope is not kept
            return True
        import psycopg

        try:
            return bool(await self._run(run))
        except psycopg.errors.ForeignKeyViolation:
            raise MailboxGone() from None

    async def listing(self, mailbox_id: str, after: tuple[str, str] | None, limit: int) -> list[Stored]:
        async def run(c: Any) -> list[Stored]:
            day, last = after or ("0001-01-01", "")
            cur = await c.execute("SELECT id, day, body FROM envelopes WHERE mailbox = %s AND (day, id) > (%s, %s) "
                                  "ORDER BY day, id LIMIT %s", (mailbox_id, date.fromisoformat(day), last, limit))
            return [Stored(i, d.isoformat(), bytes(b)) for i, d, b in await cur.fetchall()]
        result: list[Stored] = await self._run(run)
        return result

    async def ack(self, mailbox_id: str, ids: Sequence[str]) -> int:
        async def run(c: Any) -> int:
            cur = await c.execute("DELETE FROM envelopes WHERE mailbox = %s AND id = ANY(%s)", (mailbox_id, list(ids)))
            gone = cur.rowcount
            await c.execute("UPDATE mailboxes SET envelopes = envelopes - %s WHERE id = %s", (gone, mailbox_id))
            return int(gone)
        return int(await self._run(run))

    async def put_message(self, mailbox_id: str, kind: str, serial: int, day: date, body: bytes) -> bool:
        async def run(c: Any) -> bool:
            cur = await c.execute(
                "INSERT INTO messages (mailbox, kind, serial, day, body) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (mailbox, kind) DO UPDATE SET serial = excluded.serial, day = excluded.day, "
                "body = excluded.body WHERE messages.serial < excluded.serial", (mailbox_id, kind, serial, day, body))
            return bool(cur.rowcount)
        return bool(await self._run(run))

    async def messages(self, mailbox_id: str) -> list[bytes]:
        async def run(c: Any) -> list[bytes]:
            cur = await c.execute("SELECT body FROM messages WHERE mailbox = %s ORDER BY kind", (mailbox_id,))
            return [bytes(r[0]) for r in await cur.fetchall()]
        result: list[bytes] = await self._run(run)
        return result

    async def expire(self, before: date) -> int:
        async def run(c: Any) -> int:
            await c.execute("UPDATE mailboxes m SET envelopes = m.envelopes - e.n FROM "
                            "(SELECT mailbox, count(*) AS n FROM envelopes WHERE day < %s GROUP BY mailbox) e "
                            "WHERE m.id = e.mailbox", (before,))
            cur = await c.execute("DELETE FROM envelopes WHERE day < %s", (before,))
            return int(cur.rowcount)
        return int(await self._run(run))

    async def touch(self, mailbox_id: str, day: date) -> None:
        async def run(c: Any) -> None:
            await c.execute("UPDATE mailboxes SET active_day = %s WHERE id = %s "
                            "AND (active_day IS NULL OR active_day < %s)", (day, mailbox_id, day))
        await self._run(run)

    async def sweep(self, before: date) -> int:
        async def run(c: Any) -> int:
            cur = await c.execute(_SWEEP, (before,))
            return int(cur.rowcount)
        return int(await self._run(run))

    async def blur(self, since: date) -> None:
        """Rewrite the envelopes posted since that day in one transaction, in id order: they
        then share one `xmin`, and their new places (`ctid`) follow their SHA-256, not their
        arrival. The old row versions stay in the table's files until VACUUM reuses the space."""
        async def run(c: Any) -> None:
            await c.execute("WITH gone AS (DELETE FROM envelopes WHERE day >= %s RETURNING mailbox, id, day, body) "
                            "INSERT INTO envelopes (mailbox, id, day, body) "
                            "SELECT mailbox, id, day, body FROM gone ORDER BY mailbox, id", (since,))
        await self._run(run)

    async def close(self) -> None:
        if self._pool is None:
            return
        while not self._pool.empty():
            await self._pool.get_nowait().close()
        self._pool = None

