"""The circle relay under load, on loopback.

    python bench/bench_relay.py                    # SQLite, one relay process
    python bench/bench_relay.py --postgres URL     # PostgreSQL, two relay processes
    python bench/bench_relay.py --both             # SQLite, then a throwaway PostgreSQL cluster

100 simulated members (threads, each with its own keep-alive connection) post 10,000 sealed
envelopes to 10 circles' mailboxes (a small federation). Printed: throughput (envelopes a
second), p50 and p99 latency of a post, the peak memory of each relay process (VmHWM), and how
many acknowledged envelopes are missing afterwards (must be 0). Then a facilitator receives
2,000 envelopes into a fresh vault through the app's own use case (import + acknowledge), timed.
The relay runs with its rate limits raised: this measures capacity, not policy.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import secrets
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journal_app.circle_messages import new_signing_key, signing_public_key  # noqa: E402
from journal_app.circles import OwnedRelay  # noqa: E402
from journal_app.relay import capabilities  # noqa: E402
from journal_app.relay_client import RelayClient  # noqa: E402
from journal_app.sharing import RelayAccess, b64, new_insight, seal  # noqa: E402
from journal_app.vault import KdfParams  # noqa: E402
from journal_app.vault.storage import create_database  # noqa: E402
from tests.relay_live import free_port, relay_process, wait_healthy  # noqa: E402

MEMBERS, ENVELOPES, CIRCLES, RECEIVED = 100, 10_000, 10, 2_000


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def envelope_id(envelope: dict) -> str:
    return hashlib.sha256(json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def run(label: str, database_url: str | None, processes: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ressenti-bench-relay-"))
    ports = [free_port() for _ in range(processes)]
    relays = [relay_process(folder, port, database_url, log=folder / f"relay-{port}.log") for port in ports]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        for url in urls:
            wait_healthy(url)
        from journal_app.sharing import CircleKeys

        circles = []
        for _ in range(CIRCLES):
            keys = CircleKeys.create("Cercle")
            mailbox, send, read = (capabilities.new_mailbox(), capabilities.new_capability(),
                                   capabilities.new_capability())
            signing = new_signing_key(secrets.token_bytes)
            RelayClient(urls[0]).register(mailbox, capabilities.digest(send), capabilities.digest(read),
                                          b64(signing_public_key(signing)))
            circles.append((keys, mailbox, send, read, signing))
        sealed = [[seal(new_insight(f"Idée {n} du cercle {c}", day=date(2026, 12, 3), kind="free", prompt_id="",
                                    lang="fr")[0], circles[c][0].invitation)
                   for n in range(ENVELOPES // CIRCLES)] for c in range(CIRCLES)]
        work: list[list[tuple[int, dict]]] = [[] for _ in range(MEMBERS)]
        for c in range(CIRCLES):
            for n, envelope in enumerate(sealed[c]):
                work[(c * (MEMBERS // CIRCLES)) + n % (MEMBERS // CIRCLES)].append((c, envelope))
        latencies: list[float] = []
        accepted: list[tuple[int, str]] = []
        errors: list[int] = []
        lock = threading.Lock()
        start_gate = threading.Barrier(MEMBERS + 1)

        def member(m: int) -> None:
            port = ports[m % processes]  # behind a load balancer: members spread over the processes
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            start_gate.wait()
            for c, envelope in work[m]:
                body = json.dumps(envelope)
                began = time.perf_counter()
                conn.request("POST", f"/v1/mailboxes/{circles[c][1]}/envelopes", body=body,
                             headers={"Authorization": f"Bearer {circles[c][2]}", "Content-Type": "application/json"})
                answer = conn.getresponse()
                answer.read()
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if answer.status == 202:
                        accepted.append((c, envelope_id(envelope)))
                    else:
                        errors.append(answer.status)
            conn.close()

        threads = [threading.Thread(target=member, args=(m,)) for m in range(MEMBERS)]
        for t in threads:
            t.start()
        start_gate.wait()
        began = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        peaks = [peak_kib(r.pid) for r in relays]
        missing = 0
        for c, (_, mailbox, _, read, _) in enumerate(circles):
            held, after = set(), None
            while True:
                items, after = RelayClient(urls[0]).list_envelopes(mailbox, read, after)
                held |= {i.id for i in items}
                if after is None:
                    break
            missing += sum(1 for cc, i in accepted if cc == c and i not in held)
        q = statistics.quantiles(latencies, n=100)
        print(f"{label}: {len(accepted):,} of {ENVELOPES:,} accepted ({len(errors)} refused), "
              f"{len(accepted) / elapsed:,.0f} envelopes/s, p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
              f"peak memory {', '.join(f'{p / 1024:.0f} MiB' for p in peaks)}, {missing} acknowledged lost")
        receive_timed(urls[0], circles[0], label)
    finally:
        for r in relays:
            r.kill()
            r.wait()


def receive_timed(url: str, circle: tuple, label: str) -> None:
    """A facilitator receives RECEIVED envelopes into a fresh vault (the circle's own key)."""
    keys, mailbox, send, read, signing = circle
    client = RelayClient(url)
    extra = RECEIVED - ENVELOPES // CIRCLES
    for n in range(max(0, extra)):
        client.post_envelope(mailbox, send, seal(new_insight(f"Encore {n}", day=date(2026, 12, 3), kind="free",
                                                             prompt_id="", lang="fr")[0], keys.invitation))
    folder = Path(tempfile.mkdtemp(prefix="ressenti-bench-vault-"))
    db, _ = create_database(folder / "journal.vault", "une phrase de passe", kdf=KdfParams(8 * 1024, 1, 1))
    owned = OwnedRelay(RelayAccess(url, mailbox, send, signing_public_key(signing)), read, signing)
    db.table("circles_owned").insert_doc(keys.invitation.circle_id, {
        "id": keys.invitation.circle_id, "name": "Cercle", "pk": b64(keys.invitation.public_key),
        "sk": b64(keys.private_key), "relay": {"url": url, "mb": mailbox, "send": send, "read": read,
                                                "sign_sk": b64(signing), "sign": b64(owned.access.signing_key)}})
    from journal_app.usecases.relay import receive

    began = time.perf_counter()
    report = receive(db, keys.invitation.circle_id)
    took = time.perf_counter() - began
    db.close()
    print(f"{label}: a facilitator received {report.received:,} envelopes ({report.imported.added:,} added, "
          f"{report.acknowledged:,} acknowledged) in {took:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database to use, with two relay processes")
    parser.add_argument("--both", action="store_true", help="SQLite, then a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    if args.postgres:
        run("PostgreSQL, 2 relay processes", args.postgres, 2)
        return
    run("SQLite, 1 relay process", None, 1)
    if args.both:
        from tests.postgres import cluster, fresh_database

        with cluster() as server:
            run("PostgreSQL, 2 relay processes", fresh_database(server), 2)


if __name__ == "__main__":
    main()
