"""The relay's HTTP API on both engines (SQLite and a real PostgreSQL): capabilities, padded
envelopes only, idempotent posts, rate limits, quota, acknowledgement, expiry, signed messages,
and what it keeps (no address, no user agent, no time of day)."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from starlette.testclient import TestClient

from journal_app.circle_messages import (
    MessageForged,
    Question,
    new_signing_key,
    questions_body,
    questions_of,
    sign_message,
    signing_public_key,
    verify_message,
)
from journal_app.relay import capabilities
from journal_app.relay.app import Limits, create_app
from journal_app.relay.storage import open_store
from journal_app.sharing import CircleKeys, b64, new_insight, seal

DAY = date(2026, 12, 3)


class Today:
    def __init__(self) -> None:
        self.day = DAY

    def __call__(self) -> date:
        return self.day


@dataclass
class Circle:
    keys: CircleKeys
    mailbox: str
    send: str
    read: str
    sign_sk: bytes

    def registration(self) -> dict[str, str]:
        return {"send": capabilities.digest(self.send), "read": capabilities.digest(self.read),
                "sign": b64(signing_public_key(self.sign_sk))}

    def envelope(self, text: str = "Une idée pour le cercle") -> dict[str, object]:
        insight, _ = new_insight(text, day=DAY, kind="free", prompt_id="", lang="fr")
        return seal(insight, self.keys.invitation)


def new_circle() -> Circle:
    import secrets

    return Circle(CircleKeys.create("Cercle du jeudi"), capabilities.new_mailbox(), capabilities.new_capability(),
                  capabilities.new_capability(), new_signing_key(secrets.token_bytes))


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path):
    """(database URL or None, data folder) for each engine."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url"), tmp_path
    return None, tmp_path


@pytest.fixture
def relay(engine):
    def start(limits: Limits = Limits(), today: Today | None = None) -> TestClient:
        url, folder = engine
        return TestClient(create_app(open_store(url, folder), limits=limits, today=today or Today()))
    return start


def bearer(capability: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {capability}"}


def registered(client: TestClient, circle: Circle | None = None) -> Circle:
    circle = circle or new_circle()
    answer = client.put(f"/v1/mailboxes/{circle.mailbox}", json=circle.registration())
    assert answer.status_code == 201, answer.text
    return circle


def post(client: TestClient, circle: Circle, envelope: object, capability: str | None = None):
    return client.post(f"/v1/mailboxes/{circle.mailbox}/envelopes", content=json.dumps(envelope),
                       headers=bearer(capability or circle.send))


def listed(client: TestClient, circle: Circle, **params: object) -> dict:
    answer = client.get(f"/v1/mailboxes/{circle.mailbox}/envelopes", params=params, headers=bearer(circle.read))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_health_and_registration(relay):
    with relay() as client:
        assert client.get("/v1/health").json() == {"status": "ok", "version": 1}
        circle = registered(client)
        again = client.put(f"/v1/mailboxes/{circle.mailbox}", json=circle.registration())
        assert again.status_code == 200 and again.json() == {"status": "same"}
        other = {**circle.registration(), "read": capabilities.digest(capabilities.new_capability())}
        assert client.put(f"/v1/mailboxes/{circle.mailbox}", json=other).status_code == 409
        assert client.put(f"/v1/mailboxes/{circle.mailbox}", json={"send": "x"}).status_code == 422
        assert client.put("/v1/mailboxes/not-a-mailbox", json=circle.registration()).status_code == 422


def test_a_registration_token_when_the_operator_sets_one(relay):
    with relay(Limits(registration_token="jeton du relais")) as client:
        circle = new_circle()
        url = f"/v1/mailboxes/{circle.mailbox}"
        assert client.put(url, json=circle.registration()).status_code == 401
        assert client.put(url, json=circle.registration(),
                          headers={"X-Ressenti-Registration": "pas le bon"}).status_code == 403
        assert client.put(url, json=circle.registration(),
                          headers={"X-Ressenti-Registration": "jeton du relais"}).status_code == 201


def test_a_wrong_or_missing_capability_is_refused(relay):
    with relay() as client:
        circle, other = registered(client), registered(client)
        envelope = circle.envelope()
        url = f"/v1/mailboxes/{circle.mailbox}/envelopes"
        assert client.post(url, content=json.dumps(envelope)).status_code == 401
        assert post(client, circle, envelope, capability=capabilities.new_capability()).status_code == 403
        assert post(client, circle, envelope, capability=circle.read).status_code == 403  # reading is not sending
        assert post(client, circle, envelope, capability=other.send).status_code == 403  # another circle's
        assert client.get(url, headers=bearer(circle.send)).status_code == 403  # members cannot read
        unknown = new_circle()
        assert post(client, unknown, unknown.envelope()).status_code == 403  # looks like a wrong capability
        assert listed(client, circle)["envelopes"] == []


def test_only_padded_envelopes_of_the_allowed_sizes_are_taken(relay):
    with relay() as client:
        circle = registered(client)
        good = circle.envelope()
        assert post(client, circle, good).status_code == 202
        huge = client.post(f"/v1/mailboxes/{circle.mailbox}/envelopes", content=b"{" + b" " * 40_000 + b"}",
                           headers=bearer(circle.send))
        assert huge.status_code == 413
        from journal_app.sharing import unb64

        ct = unb64(str(good["ct"]))
        for bad in ("not json", [], {**good, "extra": 1}, {**good, "ct": b64(ct[:-100])},  # not a padded size
                    {**good, "ct": b64(ct + bytes(512 * 40))},  # larger than any insight pads to
                    {**good, "epk": b64(bytes(31))}, {**good, "v": True}, {**good, "circle": "x"},
                    {**good, "nonce": str(good["nonce"]) + "="}):  # a second spelling of the same bytes
            answer = client.post(f"/v1/mailboxes/{circle.mailbox}/envelopes",
                                 content=bad if isinstance(bad, str) else json.dumps(bad),
                                 headers=bearer(circle.send))
            assert answer.status_code == 422, bad
        assert len(listed(client, circle)["envelopes"]) == 1


def test_a_duplicate_post_is_kept_once_and_answered_the_same(relay):
    with relay() as client:
        circle = registered(client)
        envelope = circle.envelope()
        first, second = post(client, circle, envelope), post(client, circle, envelope)
        assert first.status_code == second.status_code == 202
        assert first.content == second.content and dict(first.headers) == dict(second.headers)
        other = post(client, circle, circle.envelope("Une autre"))  # a new one: the same answer too
        assert other.content == first.content
        assert len(listed(client, circle)["envelopes"]) == 2


def test_rate_limit_answers_429_with_retry_after(relay):
    with relay(Limits(rate_per_capability=0.5, burst_per_capability=3)) as client:
        circle = registered(client)
        answers = [post(client, circle, circle.envelope(f"Idée {n}")) for n in range(4)]
        assert [a.status_code for a in answers] == [202, 202, 202, 429]
        assert int(answers[-1].headers["Retry-After"]) >= 1
        other = registered(client)  # another circle's capability has its own bucket
        assert post(client, other, other.envelope()).status_code == 202


def test_a_full_mailbox_refuses_more_and_an_acknowledgement_makes_room(relay):
    with relay(Limits(mailbox_quota=2)) as client:
        circle = registered(client)
        assert [post(client, circle, circle.envelope(f"Idée {n}")).status_code for n in range(3)] == [202, 202, 507]
        held = listed(client, circle)["envelopes"]
        ack = client.post(f"/v1/mailboxes/{circle.mailbox}/ack", json={"ids": [held[0]["id"]]},
                          headers=bearer(circle.read))
        assert ack.json() == {"acknowledged": 1}
        assert post(client, circle, circle.envelope("Idée 9")).status_code == 202


def test_listing_in_pages_acknowledging_and_what_each_item_says(relay):
    with relay() as client:
        circle = registered(client)
        sent = [circle.envelope(f"Idée {n}") for n in range(5)]
        for envelope in sent:
            assert post(client, circle, envelope).status_code == 202
        first = listed(client, circle, limit=2)
        assert len(first["envelopes"]) == 2 and first["next"]
        rest = listed(client, circle, after=first["next"])
        items = first["envelopes"] + rest["envelopes"]
        assert rest["next"] is None and len(items) == 5
        assert all(set(i) == {"id", "day", "envelope"} and i["day"] == DAY.isoformat() for i in items)
        assert sorted(json.dumps(i["envelope"], sort_keys=True) for i in items) == \
            sorted(json.dumps(e, sort_keys=True) for e in sent)
        ack = client.post(f"/v1/mailboxes/{circle.mailbox}/ack", json={"ids": [i["id"] for i in items]},
                          headers=bearer(circle.read))
        assert ack.json() == {"acknowledged": 5}
        assert listed(client, circle)["envelopes"] == []
        assert client.post(f"/v1/mailboxes/{circle.mailbox}/ack", json={"ids": ["x"]},
                           headers=bearer(circle.read)).status_code == 422


def test_envelopes_expire_after_the_ttl_received_or_not(relay):
    today = Today()
    with relay(Limits(ttl_days=60), today) as client:
        circle = registered(client)
        assert post(client, circle, circle.envelope("Vieille idée")).status_code == 202
        today.day = DAY + timedelta(days=59)
        assert post(client, circle, circle.envelope("Idée récente")).status_code == 202
        today.day = DAY + timedelta(days=61)
        assert client.portal.call(client.app.state.expire_now) == 1  # the hourly expiry, now
        assert len(listed(client, circle)["envelopes"]) == 1


def test_circle_messages_are_published_signed_and_a_forgery_is_refused(relay):
    import secrets

    with relay() as client:
        circle = registered(client)
        cid = circle.keys.invitation.circle_id
        questions = [Question("q1", "Qu’est-ce qui nous porte?", "What carries us?")]
        message = sign_message(cid, "questions", 1, DAY, questions_body(questions), circle.sign_sk)
        url = f"/v1/mailboxes/{circle.mailbox}/messages/questions"
        assert client.put(url, json=message, headers=bearer(circle.send)).status_code == 403  # members do not publish
        assert client.put(url, json=message, headers=bearer(circle.read)).status_code == 200
        assert client.put(url, json=message, headers=bearer(circle.read)).status_code == 409  # not newer
        forged = sign_message(cid, "questions", 2, DAY, questions_body(questions), new_signing_key(secrets.token_bytes))
        assert client.put(url, json=forged, headers=bearer(circle.read)).status_code == 403
        tampered = {**message, "serial": 3}
        assert client.put(url, json=tampered, headers=bearer(circle.read)).status_code == 403
        got = client.get(f"/v1/mailboxes/{circle.mailbox}/messages", headers=bearer(circle.send)).json()["messages"]
        assert len(got) == 1
        kept = verify_message(got[0], cid, signing_public_key(circle.sign_sk))
        assert questions_of(kept) == questions
        with pytest.raises(MessageForged):  # what a member's app does with one the relay altered
            verify_message({**got[0], "body": questions_body([Question("q1", "Autre", "Other")])}, cid,
                           signing_public_key(circle.sign_sk))


def test_the_relay_keeps_no_address_no_user_agent_no_time_and_logs_no_secret(relay, engine, caplog):
    caplog.set_level(logging.INFO, logger="ressenti.relay")
    with relay() as client:
        circle = registered(client)
        envelope = circle.envelope()
        client.post(f"/v1/mailboxes/{circle.mailbox}/envelopes", content=json.dumps(envelope),
                    headers={**bearer(circle.send), "User-Agent": "NavigateurUnique/9.9"})
        listed(client, circle)
    url, folder = engine
    if url is None:
        conn = sqlite3.connect(folder / "relay.sqlite3")
        columns = {table: [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                   for table in ("mailboxes", "envelopes", "messages")}
        dump = "\n".join(conn.iterdump())
        conn.close()
    else:
        import psycopg

        with psycopg.connect(url) as conn:
            columns = {table: [r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                (table,))] for table in ("mailboxes", "envelopes", "messages")}
            dump = repr(conn.execute("SELECT * FROM envelopes").fetchall()) + repr(
                conn.execute("SELECT * FROM mailboxes").fetchall())
    assert columns["envelopes"] == ["mailbox", "id", "day", "body"]
    assert columns["mailboxes"] == ["id", "send_digest", "read_digest", "sign_key", "created_day", "envelopes"]
    for secret in (circle.send, circle.read, "NavigateurUnique", "testclient", "127.0.0.1"):
        assert secret not in dump and secret not in caplog.text, secret
    assert any(json.loads(r.message)["event"] == "post" for r in caplog.records)
