"""The relay's tables, as numbered migrations for SQLite and PostgreSQL.

A database records the highest migration applied in `relay_schema`; opening it applies the
missing ones in order, each in its own transaction (on PostgreSQL under an advisory lock, so
two relay processes starting together do not both migrate). Never edit a migration that has
shipped: add the next one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    number: int
    sqlite: tuple[str, ...]
    postgres: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, sqlite=(
        """CREATE TABLE mailboxes (
               id TEXT PRIMARY KEY,
               send_digest TEXT NOT NULL,
               read_digest TEXT NOT NULL,
               sign_key TEXT NOT NULL,
               created_day TEXT NOT NULL,
               envelopes INTEGER NOT NULL DEFAULT 0)""",
        # `id` is the SHA-256 of the envelope: the same envelope posted twice is kept once, and
        # the order envelopes are listed in (day, then id) says nothing of when in the day.
        """CREATE TABLE envelopes (
               mailbox TEXT NOT NULL REFERENCES mailboxes(id),
               id TEXT NOT NULL,
               day TEXT NOT NULL,
               body BLOB NOT NULL,
               PRIMARY KEY (mailbox, id))""",
        "CREATE INDEX envelopes_by_day ON envelopes (mailbox, day, id)",
        "CREATE INDEX envelopes_expiry ON envelopes (day)",
        """CREATE TABLE messages (
               mailbox TEXT NOT NULL REFERENCES mailboxes(id),
               kind TEXT NOT NULL,
               serial INTEGER NOT NULL,
               day TEXT NOT NULL,
               body BLOB NOT NULL,
               PRIMARY KEY (mailbox, kind))""",
    ), postgres=(
        """CREATE TABLE mailboxes (
               id TEXT PRIMARY KEY,
               send_digest TEXT NOT NULL,
               read_digest TEXT NOT NULL,
               sign_key TEXT NOT NULL,
               created_day DATE NOT NULL,
               envelopes INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE envelopes (
               mailbox TEXT NOT NULL REFERENCES mailboxes(id),
               id TEXT NOT NULL,
               day DATE NOT NULL,
               body BYTEA NOT NULL,
               PRIMARY KEY (mailbox, id))""",
        "CREATE INDEX envelopes_by_day ON envelopes (mailbox, day, id)",
        "CREATE INDEX envelopes_expiry ON envelopes (day)",
        """CREATE TABLE messages (
               mailbox TEXT NOT NULL REFERENCES mailboxes(id),
               kind TEXT NOT NULL,
               serial BIGINT NOT NULL,
               day DATE NOT NULL,
               body BYTEA NOT NULL,
               PRIMARY KEY (mailbox, kind))""",
    )),
    # SQLite's rowid numbered envelopes in the order they came, which the relay must not keep:
    # the table is rebuilt without one (keyed by mailbox and SHA-256 alone), rows copied in id
    # order. PostgreSQL has no rowid; what it keeps instead (xmin, ctid) is blurred each hour
    # (`PostgresStore.blur`) and said in docs/relay.md.
    Migration(2, sqlite=(
        """CREATE TABLE envelopes_v2 (
               mailbox TEXT NOT NULL REFERENCES mailboxes(id),
               id TEXT NOT NULL,
               day TEXT NOT NULL,
               body BLOB NOT NULL,
               PRIMARY KEY (mailbox, id)) WITHOUT ROWID""",
        "INSERT INTO envelopes_v2 (mailbox, id, day, body) SELECT mailbox, id, day, body FROM envelopes "
        "ORDER BY mailbox, id",
        "DROP TABLE envelopes",
        "ALTER TABLE envelopes_v2 RENAME TO envelopes",
        "CREATE INDEX envelopes_by_day ON envelopes (mailbox, day, id)",
        "CREATE INDEX envelopes_expiry ON envelopes (day)",
    ), postgres=()),
    # Personal mailboxes (a member's devices, docs/sync.md): a member who holds a circle's send
    # capability opens them without a registration token. What links them to the circle is one
    # counter on the circle's row, `opened` (how many it has opened, bounded); a personal
    # mailbox's own row has `opened` empty (it opens none: else the bound could be escaped by
    # opening through a personal mailbox) and names no circle.
    Migration(3, sqlite=(
        "ALTER TABLE mailboxes ADD COLUMN opened INTEGER DEFAULT 0",
    ), postgres=(
        "ALTER TABLE mailboxes ADD COLUMN opened INTEGER DEFAULT 0",
    )),
    # The bound counts only personal mailboxes in use (docs/relay.md): a personal mailbox's row
    # keeps `opened_by`, HMAC-SHA-256 under the circle's send capability (which the relay does not
    # keep: a copy of the database cannot tell which circle it names), so the relay counts the
    # live rows a capability opened; and `active_day`, the last day it was posted to, listed or
    # acknowledged, so the hourly expiry deletes one that holds nothing and was idle for the
    # time-to-live. Rows opened before keep both empty: not counted, idle since their creation.
    Migration(4, sqlite=(
        "ALTER TABLE mailboxes ADD COLUMN opened_by TEXT",
        "ALTER TABLE mailboxes ADD COLUMN active_day TEXT",
        "CREATE INDEX mailboxes_opened_by ON mailboxes (opened_by)",
    ), postgres=(
        "ALTER TABLE mailboxes ADD COLUMN opened_by TEXT",
        "ALTER TABLE mailboxes ADD COLUMN active_day DATE",
        "CREATE INDEX mailboxes_opened_by ON mailboxes (opened_by)",
    )),
)

LATEST = MIGRATIONS[-1].number
