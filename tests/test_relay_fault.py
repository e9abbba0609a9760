"""The relay killed with SIGKILL 20 times during a stream of posts: every envelope it answered
202 for is there after each restart, on SQLite and on PostgreSQL (durable before it answers)."""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import signal
import threading
import time
import urllib.request
from datetime import date

import pytest

from journal_app.circle_messages import new_signing_key, signing_public_key
from journal_app.relay import capabilities
from journal_app.relay_client import RelayClient, RelayError
from journal_app.sharing import CircleKeys, b64, new_insight, seal
from tests.relay_live import free_port, relay_process, wait_healthy

pytestmark = pytest.mark.slow
KILLS = 20


def envelope_id(envelope: dict) -> str:
    return hashlib.sha256(json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    return request.getfixturevalue("postgres_url") if request.param == "postgres" else None


def test_every_acknowledged_envelope_survives_20_sigkills(tmp_path, database_url):
    port, folder = free_port(), tmp_path / "relay"
    folder.mkdir()
    url = f"http://127.0.0.1:{port}"
    keys = CircleKeys.create("Cercle")
    mailbox, send, read = capabilities.new_mailbox(), capabilities.new_capability(), capabilities.new_capability()
    envelopes = [seal(new_insight(f"Idée numéro {n}", day=date(2026, 12, 3), kind="free", prompt_id="",
                                  lang="fr")[0], keys.invitation) for n in range(3000)]
    proc = relay_process(folder, port, database_url)
    try:
        wait_healthy(url)
        client = RelayClient(url, timeout=5)
        client.register(mailbox, capabilities.digest(send), capabilities.digest(read),
                        b64(signing_public_key(new_signing_key(secrets.token_bytes))))
        accepted: list[str] = []
        stop = threading.Event()

        def post_stream() -> None:
            for envelope in envelopes:
                if stop.is_set():
                    return
                request = urllib.request.Request(f"{url}/v1/mailboxes/{mailbox}/envelopes",
                                                 data=json.dumps(envelope).encode(), method="POST",
                                                 headers={"Authorization": f"Bearer {send}"})
                try:
                    with urllib.request.urlopen(request, timeout=5) as answer:
                        if answer.status == 202:
                            accepted.append(envelope_id(envelope))
                except OSError:  # killed mid-request: no answer, so no promise was made
                    time.sleep(0.02)

        poster = threading.Thread(target=post_stream)
        poster.start()
        rng = random.Random(7)
        counts = []
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.2, 0.6))
            promised = set(accepted)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            proc = relay_process(folder, port, database_url)
            wait_healthy(url)
            held = set()
            after = None
            while True:
                items, after = client.list_envelopes(mailbox, read, after)
                held |= {i.id for i in items}
                if after is None:
                    break
            missing = promised - held
            assert not missing, f"{len(missing)} acknowledged envelopes lost"
            counts.append(len(promised))
        stop.set()
        poster.join(timeout=60)
        assert counts[-1] > counts[0] > 0  # posts went on between the kills
        print(f"\nrelay fault ({'postgres' if database_url else 'sqlite'}): {KILLS} SIGKILLs, "
              f"{len(accepted)} envelopes acknowledged, 0 lost")
    except RelayError as exc:
        raise AssertionError(exc) from None
    finally:
        proc.kill()
        proc.wait(timeout=30)
