"""A circle on a real relay (loopback, uvicorn), from both sides: the facilitator creates it, a
member joins with the version 2 code, shares; the relay is down, then up; nothing is lost,
nothing is sent twice; withdrawals travel the same way; the circle's questions and what it
harvested come back signed, and a forgery is refused."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from journal_app.circle_messages import MessageForged, sign_message
from journal_app.circles import Circles
from journal_app.harvest import Harvest
from journal_app.relay_client import RelayAddressRefused, RelayClient, RelayUnreachable
from journal_app.sharing import CircleKeys, Invitation, InvitationInvalid, RelayAccess, parse_invitation
from journal_app.usecases.relay import (
    create_circle,
    fetch_messages,
    publish_questions,
    receive,
    send_outbox,
    waiting_for_relay,
)
from journal_app.vault.storage import Database, create_database
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.relay_live import free_port, relay_in_thread

DAY = date(2026, 12, 3)


def vault(tmp_path: Path, name: str) -> Database:
    return create_database(tmp_path / f"{name}.vault", PASSPHRASE, kdf=FAST_KDF)[0]


@pytest.fixture
def people(tmp_path):
    dbs = [vault(tmp_path, n) for n in ("facilitator", "ana", "ben")]
    yield dbs
    for db in dbs:
        db.close()


def share(db: Database, cid: str, *texts: str, question: str = "") -> list[str]:
    circles = Circles(db)
    return [circles.share(cid, t, day=DAY, kind="free", question=question).insight.id for t in texts]


def texts_received(db: Database, cid: str) -> list[str]:
    return sorted(i.text for i in Harvest(db).released(cid))


def test_shared_while_the_relay_is_down_then_up_nothing_lost_nothing_twice(people, tmp_path):
    facilitator, ana, ben = people
    port = free_port()
    with relay_in_thread(tmp_path / "relay", port) as url:
        keys = create_circle(facilitator, "Cercle du jeudi", url)
    code = keys.invitation.code()
    assert code.startswith("RSNT2-") and parse_invitation(code) == keys.invitation
    cid = keys.invitation.circle_id
    for member in (ana, ben):
        assert Circles(member).join(code).relay == keys.invitation.relay
    share(ana, cid, "Ce soir, j’ai senti le groupe respirer.", "J’ai osé dire non.", "Le silence m’a porté.")
    round_ = send_outbox(ana, DAY, pause=lambda: None)  # the relay is down
    assert round_.delivered == 0 and round_.waiting == 3 and isinstance(round_.error, RelayUnreachable)
    assert waiting_for_relay(ana) == 3 and not any(i.sent for i in Circles(ana).outbox())
    with relay_in_thread(tmp_path / "relay", port):  # back up, same address, same data
        assert send_outbox(ana, DAY, pause=lambda: None).delivered == 3
        assert send_outbox(ana, DAY, pause=lambda: None).reports == [] and waiting_for_relay(ana) == 0  # nothing twice
        share(ben, cid, "On a fini à l’heure.", "Le budget me pèse.")
        assert send_outbox(ben, DAY, pause=lambda: None).delivered == 2
        report = receive(facilitator, cid)
        assert (report.received, report.acknowledged, report.imported.added) == (5, 5, 5)
        assert receive(facilitator, cid).received == 0  # acknowledged: gone from the relay
    assert len(texts_received(facilitator, cid)) == 5  # five envelopes, a batch of k
    assert all(i.sent == DAY.isoformat() for i in Circles(ana).outbox())


def test_a_lost_answer_and_a_retry_leave_one_copy_on_the_relay(people, tmp_path):
    """The relay took the envelope but its answer never came back: the retry posts the same
    bytes, and the relay keeps them once."""
    facilitator, ana, _ = people
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle", url)
        cid = keys.invitation.circle_id
        Circles(ana).join(keys.invitation.code())
        share(ana, cid, "Une seule fois, s’il vous plaît.")
        [pending] = Circles(ana)._relay_pending(cid)  # sealed once and kept in the vault
        RelayClient(url).post_envelope(keys.invitation.relay.mailbox, keys.invitation.relay.send_capability,
                                       pending.envelope)  # the first try, whose answer was lost
        assert send_outbox(ana, DAY, pause=lambda: None).delivered == 1
        owned = Circles(facilitator).owned_relay(cid)
        items, _ = RelayClient(url).list_envelopes(owned.access.mailbox, owned.read_capability)
        assert len(items) == 1


def test_withdrawals_travel_the_same_way_and_an_unsent_insight_never_leaves(people, tmp_path):
    facilitator, ana, ben = people
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle", url)
        cid = keys.invitation.circle_id
        for member in (ana, ben):
            Circles(member).join(keys.invitation.code())
        sent_then_withdrawn, *_ = share(ana, cid, "Je le reprendrai", "Deux", "Trois")
        share(ben, cid, "Quatre", "Cinq")
        send_outbox(ana, DAY, pause=lambda: None), send_outbox(ben, DAY, pause=lambda: None)
        receive(facilitator, cid)
        assert "Je le reprendrai" in texts_received(facilitator, cid)
        Circles(ana).withdraw(sent_then_withdrawn)
        [never_sent] = share(ana, cid, "Jamais envoyé")
        Circles(ana).withdraw(never_sent)
        assert send_outbox(ana, DAY, pause=lambda: None).delivered == 1  # the withdrawal alone; nothing of the other
        report = receive(facilitator, cid)
        assert (report.received, report.imported.withdrawn, report.imported.added) == (1, 1, 0)
    assert texts_received(facilitator, cid) == ["Cinq", "Deux", "Quatre", "Trois"]
    assert "Jamais envoyé" not in repr(facilitator.storage.read())


def test_the_circles_questions_come_signed_and_a_forgery_on_the_relay_is_dropped(people, tmp_path):
    facilitator, ana, _ = people
    folder = tmp_path / "relay"
    with relay_in_thread(folder) as url:
        keys = create_circle(facilitator, "Cercle", url)
        cid = keys.invitation.circle_id
        Circles(ana).join(keys.invitation.code())
        circles = Circles(facilitator)
        first = circles.add_question(cid, "Qu’est-ce qui nous a nourris?", "What nourished us?")
        circles.add_question(cid, "Qu’est-ce qui nous freine?", "What holds us back?")
        assert publish_questions(facilitator, cid, DAY) == 2
        assert fetch_messages(ana) == 1 and fetch_messages(ana) == 0  # kept once
        assert [q.fr for q in Circles(ana).circle_questions(cid)] == [
            "Qu’est-ce qui nous a nourris?", "Qu’est-ce qui nous freine?"]
        [insight_id] = share(ana, cid, "Le repas partagé.", question=first.id)
        # The relay's operator swaps in questions of their own, signed with another key.
        import secrets

        forged = sign_message(cid, "questions", 99, DAY, {"questions": [
            {"id": "x1", "fr": "Qui a parlé contre vous?", "en": "Who spoke against you?"}]},
            secrets.token_bytes(32))
        with sqlite3.connect(folder / "relay.sqlite3") as db:
            db.execute("UPDATE messages SET serial = 99, body = ?", (json.dumps(forged).encode(),))
        assert fetch_messages(ana) == 0
        assert [q.id for q in Circles(ana).circle_questions(cid)] != ["x1"]
        with pytest.raises(MessageForged):
            Circles(ana).keep_message(cid, forged)
        send_outbox(ana, DAY, pause=lambda: None)
        receive(facilitator, cid)
    held = facilitator.storage.read()["received"][insight_id]
    assert held["question"] == first.id  # the facilitator learns which question, not who


def test_a_version_1_invitation_still_works_with_files(people, tmp_path):
    facilitator, ana, ben = people
    keys = create_circle(facilitator, "Cercle sans relais")
    code = keys.invitation.code()
    assert code.startswith("RSNT1-") and keys.invitation.relay is None
    cid = keys.invitation.circle_id
    from journal_app.circles import FileDelivery

    for n, member in enumerate((ana, ben)):
        Circles(member).join(code)
        share(member, cid, *(f"Idée {n}-{i}" for i in range(3)))
        assert send_outbox(member, DAY, pause=lambda: None).reports == []  # no relay: nothing to send there
        Circles(member).deliver_outbox(cid, FileDelivery(tmp_path / f"partage-{n}.json"), DAY)
    for n in range(2):
        Harvest(facilitator).import_bundle((tmp_path / f"partage-{n}.json").read_bytes())
    assert len(texts_received(facilitator, cid)) == 6


def test_plain_http_is_refused_except_to_this_computer():
    with pytest.raises(RelayAddressRefused):
        RelayClient("http://relais.exemple.org")
    for fine in ("https://relais.exemple.org", "http://127.0.0.1:8560", "http://localhost:8560", "http://[::1]:8560"):
        assert RelayClient(fine).url == fine
    keys = CircleKeys.create("Cercle")
    access = RelayAccess("http://relais.exemple.org", "A" * 22, "B" * 43, bytes(range(32)))
    sneaky = Invitation(keys.invitation.circle_id, "Cercle", keys.invitation.public_key, access)
    with pytest.raises(InvitationInvalid):
        parse_invitation(sneaky.code())


@pytest.mark.extras  # ZXing and Pillow come with the test extra
def test_the_version_2_qr_code_still_reads_at_phone_camera_size(tmp_path):
    """A v2 code is about twice as long: ZXing still reads it small, tilted and blurred, as a
    phone's camera sees a code on a laptop screen across a table."""
    import io

    import zxingcpp
    from PIL import Image, ImageFilter

    from journal_app.circles import new_relay

    relay = new_relay("https://relais.cercle-du-jeudi.quebec")
    keys = CircleKeys.create("Cercle du jeudi à Montréal")
    invitation = Invitation(keys.invitation.circle_id, keys.invitation.name, keys.invitation.public_key, relay.access)
    image = Image.open(io.BytesIO(invitation.qr_png())).convert("L")
    side = 300  # about 3 cm seen by a phone at 30 cm: some 300 px of its picture
    photo = (image.resize((side, side), Image.BILINEAR).rotate(10, expand=True, fillcolor=255)
             .filter(ImageFilter.GaussianBlur(0.8)))
    for picture in (image, photo):
        [found] = zxingcpp.read_barcodes(picture)
        assert parse_invitation(found.text) == invitation


def test_the_command_line_creates_sends_receives_and_publishes(tmp_path):
    from journal_app.vault.storage import open_database
    from tests.test_cli_inprocess import PASS, run

    facilitator, member = tmp_path / "f", tmp_path / "m"
    run(facilitator, "init"), run(member, "init")
    with relay_in_thread(tmp_path / "relay") as url:
        created = run(facilitator, "circle", "create", "Cercle", "du", "jeudi", "--relay", url)
        assert created.returncode == 0, created.stderr
        code = created.stdout.strip().splitlines()[-1]
        assert code.startswith("RSNT2-") and url in created.stdout
        cid = run(facilitator, "circle", "list").stdout.split()[0]
        asked = run(facilitator, "circle", "questions", cid, "--add", "Qu’est-ce qui nous porte? | What carries us?",
                    "--publish")
        assert asked.returncode == 0 and "What carries us?" in asked.stdout and "publiée" in asked.stdout
        assert "pas valide" not in run(member, "circle", "join", code).stdout
        db = open_database(member / "journal.vault", PASS)
        share(db, cid, *(f"Une idée {n}" for n in range(5)))
        db.close()
        sent = run(member, "circle", "send")
        assert sent.returncode == 0 and "5 envois faits" in sent.stdout, sent.stderr
        assert "Rien n’attend" in run(member, "circle", "send").stdout
        got = run(facilitator, "circle", "receive", cid)
        assert got.returncode == 0 and "5 envois reçus" in got.stdout and "idées nouvelles\u00a0: 5" in got.stdout
        db = open_database(member / "journal.vault", PASS)
        assert [q.en for q in Circles(db).circle_questions(cid)] == ["What carries us?"]
        db.close()
    down = run(facilitator, "circle", "receive", cid)
    assert down.returncode == 1 and "ne répond pas" in down.one_line()
    bad = run(facilitator, "circle", "create", "Autre", "--relay", "http://relais.exemple.org")
    assert "https" in bad.one_line() and len(run(facilitator, "circle", "list").stdout.splitlines()) == 1


@pytest.mark.extras  # themes need the facilitator extra
def test_answers_to_a_question_form_its_theme_and_the_harvest_goes_back_to_the_circle(people, tmp_path):
    from journal_app.circle_messages import harvest_of
    from journal_app.themes import ThemeBoard
    from journal_app.usecases.relay import publish_harvest
    from tests.labelled_insights import labelled_set

    facilitator, ana, ben = people
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle du jeudi", url)
        cid = keys.invitation.circle_id
        question = Circles(facilitator).add_question(cid, "Qu’est-ce qui nous a nourris?", "What nourished us?")
        publish_questions(facilitator, cid, DAY)
        rows = labelled_set()[::6]
        for n, member in enumerate((ana, ben)):
            Circles(member).join(keys.invitation.code())
            fetch_messages(member)
            share(member, cid, *(f"Le repas partagé, encore, numéro {n}{i}." for i in range(4)), question=question.id)
            share(member, cid, *(r.text for r in rows[n::2]))
            send_outbox(member, DAY, pause=lambda: None)
        receive(facilitator, cid)
        board = ThemeBoard(facilitator, cid, "fr")
        views, _ = board.views()
        answered = next(v for v in views if v.theme.id == f"q-{question.id}")
        assert answered.theme.label == "Qu’est-ce qui nous a nourris?"
        # Every answer is there (others that fit may join it, as with any seeded theme).
        assert sum(i.question == question.id for i in answered.insights) == 8
        assert not any(i.question for v in views if v is not answered for i in v.insights)
        board.save()
        harvest = publish_harvest(facilitator, cid, "fr", DAY)
        assert fetch_messages(ana) == 1
    given_back = harvest_of(Circles(ana).circle_message(cid, "harvest"))
    assert given_back == harvest and given_back.name == "Cercle du jeudi"
    assert all(t.count >= given_back.k for t in given_back.themes)
    assert any(t.label == "Qu’est-ce qui nous a nourris?" for t in given_back.themes)
    assert sum(t.count for t in given_back.themes) <= given_back.total


def test_a_practice_the_circle_shares_reaches_members_signed(people, tmp_path):
    from journal_app.prompts.library import PackLibrary
    from journal_app.usecases.relay import PracticeBuiltIn, publish_practice

    facilitator, ana, _ = people
    ours = (Path(__file__).parent.parent / "journal_app" / "prompts" / "check-in.toml").read_text("utf-8") \
        .replace('id = "check-in"', 'id = "meteo-du-cercle"')
    PackLibrary(facilitator).import_pack(ours.encode(), "meteo.toml")
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle", url)
        cid = keys.invitation.circle_id
        Circles(ana).join(keys.invitation.code())
        with pytest.raises(PracticeBuiltIn):
            publish_practice(facilitator, cid, "orid", DAY)
        assert publish_practice(facilitator, cid, "meteo-du-cercle", DAY) == "Météo intérieure en cinq minutes"
        assert fetch_messages(ana) == 1
    assert PackLibrary(ana).export_text("meteo-du-cercle") == ours
