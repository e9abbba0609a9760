"""Recognition credentials: their size, and how long signing and verifying take.

    python bench/bench_badges.py

Prints the size of a claim (JSON and as an RSNTR1- code), of an endorsement, of a request that
carries three endorsements; the median time to sign a claim and to verify one (eddsa-jcs-2022:
JCS, SHA-256, Ed25519); and the time to verify 1,000 credentials.
"""

from __future__ import annotations

import json
import secrets
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journal_app.recognition import credentials  # noqa: E402
from journal_app.recognition.credentials import EvidenceLine, Identity  # noqa: E402
from journal_app.recognition.exchange import Message, to_code  # noqa: E402

NOW = datetime(2026, 12, 3, 14, 0, tzinfo=timezone.utc)
STATEMENT = ("J’accompagne une séance de Focusing en laissant toute la place au ressenti de l’autre; "
             "je tiens le temps et je reformule sans interpréter.")
EVIDENCE = [EvidenceLine("Focusing en six étapes", "14 pratiques, la dernière le 2 décembre 2026. En tout : 266 min."),
            EvidenceLine("Garde du temps", "6 rencontres à garder le temps.")]


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    member = Identity.create("Camille", secrets.token_bytes)
    peers = [Identity.create(f"Pair {n}", secrets.token_bytes) for n in range(3)]

    def make_claim() -> dict:
        return credentials.claim(member, "focusing", "Focusing", STATEMENT, EVIDENCE, "fr", NOW, secrets.token_bytes)

    claim = make_claim()
    checked = credentials.check(claim)
    endorsements = [credentials.endorse(p, checked, "Je l’ai vue tenir l’espace pour le cercle.", "fr", NOW,
                                        secrets.token_bytes) for p in peers]
    size = len(json.dumps(claim, ensure_ascii=False).encode())
    print(f"claim: {size:,} bytes of JSON; as a code: {len(to_code(Message('request', 'c' * 22, claim))):,} characters")
    print(f"endorsement: {len(json.dumps(endorsements[0], ensure_ascii=False).encode()):,} bytes of JSON")
    request = Message("request", "c" * 22, claim, tuple(endorsements))
    print(f"request with 3 endorsements: {len(to_code(request)):,} characters as a code")
    sign = timed(make_claim, 300)
    verify = timed(lambda: credentials.check(claim), 300)
    print(f"sign a claim: median {statistics.median(sign):.2f} ms; verify: median {statistics.median(verify):.2f} ms")
    many = [make_claim() for _ in range(1_000)]
    start = time.perf_counter()
    assert all(credentials.check(c).ok for c in many)
    print(f"verify 1,000 credentials: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
