"""Shared fixtures: real files in a temporary folder, real encryption with cheap Argon2 costs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from journal_app.journal import Journal
from journal_app.vault import KdfParams
from journal_app.vault.storage import Database, create_database

# A catalog key missing from both languages fails the tests (and the subprocesses they start)
# instead of showing the key to a person.
os.environ["RESSENTI_STRICT_CATALOG"] = "1"
# The tests' relays run on 127.0.0.1: what a user says with RESSENTI_ALLOW_PRIVATE_RELAY=1, said
# here once for every worker (not by whichever test happens to import tests/relay_live.py first).
# tests/test_relay_client.py removes it where it checks the refusal.
os.environ["RESSENTI_ALLOW_PRIVATE_RELAY"] = "1"

# Real Argon2id, with costs low enough for hundreds of opens in a test run. The default
# parameters (64 MiB, 3 passes) are exercised by test_vault.test_default_parameters.
FAST_KDF = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)
PASSPHRASE = "une phrase de passe"
MONTREAL = timezone(timedelta(hours=-5))


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = datetime(2026, 11, 27, 19, 30, tzinfo=MONTREAL)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def vault_file(tmp_path: Path) -> Path:
    return tmp_path / "journal.vault"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(vault_file: Path) -> Iterator[Database]:
    database, _ = create_database(vault_file, PASSPHRASE, kdf=FAST_KDF)
    yield database
    database.close()


@pytest.fixture
def journal(db: Database, clock: FakeClock) -> Journal:
    return Journal(db, clock)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster for this test session (one per xdist worker)."""
    from tests.postgres import cluster

    with cluster() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database for one test."""
    from tests.postgres import fresh_database

    return fresh_database(postgres_server)


@pytest.fixture
def member(tmp_path: Path) -> Iterator[Database]:
    """A member's vault, beside the facilitator's (`db`)."""
    database, _ = create_database(tmp_path / "member.vault", PASSPHRASE, kdf=FAST_KDF)
    yield database
    database.close()


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Database]:
    """A second member's vault."""
    database, _ = create_database(tmp_path / "other.vault", PASSPHRASE, kdf=FAST_KDF)
    yield database
    database.close()


def every_record(vault_file: Path, passphrase: str = PASSPHRASE) -> bytes:
    """Every record of a vault file and of its backup, decrypted, superseded ones included: what
    someone who has the files and the passphrase could read from them."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from journal_app.vault import HEADER_LEN, Vault, backup_path, parse_header
    from journal_app.vault.log import read_log

    found = []
    for path in (vault_file, backup_path(vault_file)):
        if not path.exists():
            continue
        data = path.read_bytes()
        header = parse_header(data)
        key = AESGCM(Vault._unwrap_passphrase(header, passphrase))
        with open(path, "rb") as f:
            read_log(f, HEADER_LEN, len(data), key, header.pack()[-32:], lambda p: found.append(bytes(p)))
    return b"".join(found)
