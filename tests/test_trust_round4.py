"""Trust, round 4 (the review of 2026-12-03, ../shared/reviews/security-2026-12-03.md): what
anyone holding an invitation could do to a circle through a real relay on loopback, and that it
no longer works. One test per finding, each failing on the code the review read."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from journal_app import sharing
from journal_app.circles import (
    Circles,
    InvitationConflict,
    InvitationTakeover,
    RelayChangeUnsigned,
    RelayNeedsConsent,
    new_relay,
)
from journal_app.harvest import Harvest
from journal_app.relay_client import RelayClient, RelayUnreachable
from journal_app.sharing import (
    CircleKeys,
    EnvelopeDamaged,
    Invitation,
    InvitationInvalid,
    RelayAccess,
    Withdrawal,
    message_from,
    parse_invitation,
    seal,
    sign_relay_fields,
)
from journal_app.usecases.relay import create_circle, describe_receive, fetch_messages, receive, send_outbox
from journal_app.vault.storage import Database
from tests.relay_live import relay_in_thread
from tests.test_hardening import seal_bytes
from tests.test_relay_story import DAY, share, vault


def no_pause() -> None:
    """Between two envelopes of a round the app waits a few random seconds; tests need not."""


@pytest.fixture
def circle_of_six(tmp_path):
    """A facilitator and five members, each in a vault of their own."""
    dbs = [vault(tmp_path, n) for n in ("facilitator", "ana", "ben", "chloe", "dalia", "eli")]
    yield dbs
    for db in dbs:
        db.close()


def each_shares_one(members: list[Database], code: str, cid: str, text: str) -> None:
    """Each member joins, shares one insight (`text` with its number) and sends it to the relay."""
    for n, member in enumerate(members):
        Circles(member).join(code)
        share(member, cid, text.format(n=n))
        assert send_outbox(member, DAY, pause=no_pause).delivered == 1


def mailbox_left(facilitator: Database, cid: str, url: str) -> int:
    owned = Circles(facilitator).owned_relay(cid)
    items, _ = RelayClient(url).list_envelopes(owned.access.mailbox, owned.read_capability)
    return len(items)


# --- F1: one bad envelope never blocks the circle ----------------------------------------------
def test_one_foreign_envelope_does_not_block_the_circle(circle_of_six, tmp_path):
    facilitator, *members = circle_of_six
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle du jeudi", url)
        cid, access = keys.invitation.circle_id, keys.invitation.relay
        each_shares_one(members, keys.invitation.code(), cid, "Ce que j’ai vécu ce soir, numéro {n}.")
        # Someone holding the invitation posts an envelope naming another circle.
        elsewhere = CircleKeys.create("Un autre cercle")
        foreign = seal(sharing.new_insight("Pas pour vous", day=DAY, kind="free", prompt_id="", lang="fr")[0],
                       elsewhere.invitation)
        RelayClient(url).post_envelope(access.mailbox, access.send_capability, foreign)
        report = receive(facilitator, cid)
        assert (report.received, report.acknowledged) == (6, 6)
        assert (report.imported.added, report.imported.damaged) == (5, 1)
        assert mailbox_left(facilitator, cid, url) == 0  # set aside and acknowledged: nothing left to block
        assert "1 envoi illisible mis de côté" in "\n".join(describe_receive(report, "fr"))
        assert "1 unreadable envelope set aside" in "\n".join(describe_receive(report, "en"))
    assert len(Harvest(facilitator).released(cid)) == 5


# --- F9, F19: text that cannot be encoded is refused where it comes in --------------------------
def test_a_lone_surrogate_is_refused_at_the_boundary_and_the_themes_still_work(circle_of_six, tmp_path):
    from journal_app.usecases.reports import themes_report

    facilitator, *members = circle_of_six
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle", url)
        cid, access = keys.invitation.circle_id, keys.invitation.relay
        each_shares_one(members, keys.invitation.code(), cid, "Le silence du groupe m’a porté, soir {n}.")
        insight, _ = sharing.new_insight("placeholder", day=DAY, kind="free", prompt_id="", lang="fr")
        doc = {"type": "insight", **{k: v for k, v in vars(insight).items() if k not in ("question", "round")},
               "text": "Un piège \ud800 ici"}
        plain = json.dumps(doc).encode("ascii")  # legal JSON: the surrogate travels as \ud800
        RelayClient(url).post_envelope(access.mailbox, access.send_capability, seal_bytes(plain, keys.invitation))
        report = receive(facilitator, cid)
    assert (report.imported.added, report.imported.damaged) == (5, 1)
    with pytest.raises(EnvelopeDamaged):
        message_from(json.loads(plain))
    assert "\ud800" not in repr(facilitator.storage.read())
    text = themes_report(facilitator, cid, "fr", fmt="json").text  # it crashed on the surrogate
    assert json.loads(text)["total"] == 5


def test_an_insight_kept_before_the_rule_is_shown_not_a_crash(db):
    """A facilitator's vault may already hold such an insight: it reads, the surrogate replaced."""
    keys = Circles(db).create("Cercle")
    cid = keys.invitation.circle_id
    insight, _ = sharing.new_insight("Bonjour", day=DAY, kind="free", prompt_id="", lang="fr")

    def plant(tables):
        tables.setdefault("received", {})[insight.id] = {
            "circle": cid, **{k: v for k, v in vars(insight).items() if k != "round"}, "text": "x\udc80y", "batch": 1}

    db.change(plant)
    [read] = Harvest(db).released(cid)
    assert read.text.encode("utf-8") == b"x?y"


def test_a_facilitator_sets_aside_one_received_insight(circle_of_six, tmp_path):
    from journal_app.usecases.relay import set_aside_insight

    facilitator, *members = circle_of_six
    keys = Circles(facilitator).create("Cercle")
    cid = keys.invitation.circle_id
    bundles = []
    for n, member in enumerate(members):
        Circles(member).join(keys.invitation.code())
        share(member, cid, f"Idée numéro {n}")
        bundles.append(Circles(member).outbox_bundle(cid))
    for data in bundles:
        Harvest(facilitator).import_bundle(data)
    target = next(i for i in Harvest(facilitator).released(cid) if i.text == "Idée numéro 3")
    assert set_aside_insight(facilitator, cid, target.id) == (0, False)
    assert sorted(i.text for i in Harvest(facilitator).released(cid)) == [f"Idée numéro {n}" for n in (0, 1, 2, 4)]
    assert "Idée numéro 3" not in repr(facilitator.storage.read())
    assert Harvest(facilitator).import_bundle(bundles[3]).added == 0  # it does not come back


# --- F2: once a post was tried, the insight may have left ----------------------------------------
class AnswerLost(RelayClient):
    """The relay takes the envelope, and its answer never reaches the phone (a timeout)."""

    def post_envelope(self, mailbox, send_capability, envelope):
        super().post_envelope(mailbox, send_capability, envelope)
        raise RelayUnreachable(detail="timeout")


def test_a_withdrawal_after_a_lost_answer_still_goes(circle_of_six, tmp_path):
    facilitator, ana, *_ = circle_of_six
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle", url)
        cid = keys.invitation.circle_id
        Circles(ana).join(keys.invitation.code())
        [insight_id] = share(ana, cid, "Je regrette déjà de l’avoir écrit.")
        lost = send_outbox(ana, DAY, client=AnswerLost, pause=no_pause)
        assert lost.delivered == 0 and isinstance(lost.error, RelayUnreachable)
        Circles(ana).withdraw(insight_id)
        [item] = Circles(ana).outbox()
        assert item.left  # it may have arrived: the screen must not say it never left
        assert send_outbox(ana, DAY, pause=no_pause).delivered == 1  # the withdrawal goes
        report = receive(facilitator, cid)
    assert report.received == 2 and report.imported.withdrawn == 1 and report.imported.added == 0
    assert "regrette" not in repr(facilitator.storage.read())


# --- F3, E10: an invitation cannot be swapped ----------------------------------------------------
def forged_v2(genuine: Invitation, url: str, signing_key: bytes) -> str:
    access = RelayAccess(url, "M" * 22, "S" * 43, signing_key)
    return Invitation(genuine.circle_id, genuine.name, genuine.public_key, access).code()


def test_a_member_without_a_relay_sees_the_new_relay_host_and_confirms(db):
    facilitator_keys = CircleKeys.create("Cercle du jeudi")
    Circles(db).join(facilitator_keys.invitation.code())  # version 1: no relay
    mallory = new_relay("https://relais.mallory.example")
    code = forged_v2(facilitator_keys.invitation, "https://relais.mallory.example", mallory.access.signing_key)
    with pytest.raises(RelayNeedsConsent) as asked:
        Circles(db).join(code)
    assert asked.value.host == "relais.mallory.example"
    assert "relais.mallory.example" in asked.value.message("fr")
    assert Circles(db).joined_circle(facilitator_keys.invitation.circle_id).relay is None  # nothing taken
    Circles(db).join(code, accept_relay="relais.mallory.example")  # the person said yes, seeing the host
    assert Circles(db).joined_circle(facilitator_keys.invitation.circle_id).relay.url == "https://relais.mallory.example"


def test_a_relay_members_address_never_changes_in_silence(db):
    owner = vault(Path(db.vault.path).parent, "owner")
    try:
        genuine = Circles(owner).create("Cercle", new_relay("https://relais.cercle.quebec"))
        cid = genuine.invitation.circle_id
        signed = genuine.invitation  # the code shown at creation signs its relay fields already
        assert signed == Circles(owner).owned_circle(cid).invitation
        assert parse_invitation(signed.code()).relay.proof  # version 2 codes sign their relay fields
        Circles(db).join(signed.code())
        held = Circles(db).joined_circle(cid).relay
        # Mallory's relay, with her own signing key: another key, refused.
        mallory = new_relay("https://relais.mallory.example")
        with pytest.raises(InvitationConflict):
            Circles(db).join(forged_v2(genuine.invitation, mallory.access.url, mallory.access.signing_key))
        # The circle's signing key (public), Mallory's relay: not signed, refused.
        with pytest.raises(RelayChangeUnsigned):
            Circles(db).join(forged_v2(genuine.invitation, mallory.access.url, held.signing_key))
        # A signature by another key over the same fields: the code itself is refused.
        swapped = replace(held, url=mallory.access.url)
        bad = sign_relay_fields(cid, genuine.invitation.public_key, swapped, mallory.signing_private)
        with pytest.raises(InvitationInvalid):
            parse_invitation(Invitation(cid, "Cercle", genuine.invitation.public_key,
                                        replace(bad, signing_key=held.signing_key)).code())
        assert Circles(db).joined_circle(cid).relay == replace(held, proof=b"")
        # The facilitator moves the circle to another relay, signed with the circle's key: taken.
        moved = replace(held, url="https://nouveau-relais.cercle.quebec", proof=b"")
        owned = Circles(owner).owned_relay(cid)
        code = Invitation(cid, "Cercle", genuine.invitation.public_key,
                          sign_relay_fields(cid, genuine.invitation.public_key, moved, owned.signing_private)).code()
        Circles(db).join(code)
        assert Circles(db).joined_circle(cid).relay.url == "https://nouveau-relais.cercle.quebec"
    finally:
        owner.close()


def test_a_code_that_takes_over_ones_own_circle_id_is_refused(db):
    mine = Circles(db).create("Mon cercle")
    impostor = CircleKeys.create("Mon cercle")
    forged = Invitation(mine.invitation.circle_id, "Mon cercle", impostor.invitation.public_key)
    with pytest.raises(InvitationTakeover) as refused:
        Circles(db).join(forged.code())
    assert "Mon cercle" in refused.value.message("fr") and "Mon cercle" in refused.value.message("en")
    assert Circles(db).joined() == []
    Circles(db).join(mine.invitation.code())  # the genuine code of one's own circle still joins


# --- F20: one member's round is never a batch by itself ----------------------------------------
def test_one_members_round_through_the_relay_waits_for_another(circle_of_six, tmp_path):
    facilitator, ana, ben, *_ = circle_of_six
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle", url)
        cid = keys.invitation.circle_id
        for member in (ana, ben):
            Circles(member).join(keys.invitation.code())
        share(ana, cid, *(f"Ana, idée {n}" for n in range(5)))
        send_outbox(ana, DAY, pause=no_pause)
        first = receive(facilitator, cid)
        assert (first.imported.added, first.imported.released, first.imported.waiting) == (5, 0, 5)
        share(ben, cid, "Ben, une idée")
        send_outbox(ben, DAY, pause=no_pause)
        second = receive(facilitator, cid)
    assert second.imported.released == 6
    assert all("bundle" not in d and "round" not in d for d in facilitator.storage.read()["received"].values())


# --- F5 (e): a round's envelopes are spread out --------------------------------------------------
def test_a_rounds_envelopes_leave_apart(circle_of_six, tmp_path):
    facilitator, ana, *_ = circle_of_six
    pauses: list[int] = []
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle", url)
        cid = keys.invitation.circle_id
        Circles(ana).join(keys.invitation.code())
        share(ana, cid, "Un", "Deux", "Trois")
        assert send_outbox(ana, DAY, pause=lambda: pauses.append(1)).delivered == 3
    assert len(pauses) == 2  # between each two envelopes, none before the first


# --- F24: junk withdrawals cannot shut the room for early ones ---------------------------------
def test_junk_withdrawals_do_not_exhaust_the_early_withdrawal_room(db):
    keys = Circles(db).create("Cercle")
    cid, invitation = keys.invitation.circle_id, keys.invitation
    harvest = Harvest(db)
    junk = [seal(Withdrawal(str(uuid.uuid4()), secrets.token_hex(32)), invitation) for _ in range(600)]
    harvest.import_envelopes(cid, junk)
    insight, secret = sharing.new_insight("Je le retire avant qu’il arrive", day=DAY, kind="free", prompt_id="",
                                          lang="fr")
    early = harvest.import_envelopes(cid, [seal(Withdrawal(insight.id, secret), invitation)])
    assert early.damaged == 0
    late = harvest.import_envelopes(cid, [seal(insight, invitation)])
    assert (late.added, late.withdrawn) == (0, 1)
    assert "Je le retire" not in repr(db.storage.read())


# --- F26: a circle's practice never replaces the member's own ------------------------------------
def test_a_circles_practice_does_not_replace_the_members_own(circle_of_six, tmp_path):
    from journal_app.prompts.library import PackLibrary
    from journal_app.usecases.relay import publish_practice

    facilitator, ana, *_ = circle_of_six
    source = (Path(__file__).parent.parent / "journal_app" / "prompts" / "check-in.toml").read_text("utf-8")
    mine = source.replace('id = "check-in"', 'id = "ecoute-du-corps"')
    theirs = mine.replace("Météo intérieure", "Pratique du cercle")
    assert theirs != mine
    PackLibrary(ana).import_pack(mine.encode(), "mine.toml")
    PackLibrary(facilitator).import_pack(theirs.encode(), "circle.toml")
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle", url)
        Circles(ana).join(keys.invitation.code())
        publish_practice(facilitator, keys.invitation.circle_id, "ecoute-du-corps", DAY)
        assert fetch_messages(ana) == 1
    assert PackLibrary(ana).export_text("ecoute-du-corps") == mine


# --- F8: a withdrawal reaches the published harvest ----------------------------------------------
@pytest.mark.extras  # themes need the facilitator extra
def test_a_withdrawn_quote_leaves_the_published_harvest(circle_of_six, tmp_path):
    from journal_app.themes import ThemeBoard
    from journal_app.usecases.relay import publish_harvest, publish_questions

    facilitator, ana, ben, *_ = circle_of_six
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle", url)
        cid = keys.invitation.circle_id
        question = Circles(facilitator).add_question(cid, "Qu’est-ce qui nous a nourris?", "What nourished us?")
        publish_questions(facilitator, cid, DAY)
        ids = {}
        for n, member in enumerate((ana, ben)):
            Circles(member).join(keys.invitation.code())
            fetch_messages(member)
            for i in range(4):
                text = f"Le repas partagé m’a nourri, soir {n}{i}."
                ids[text] = (member, share(member, cid, text, question=question.id)[0])
            send_outbox(member, DAY, pause=no_pause)
        receive(facilitator, cid)
        ThemeBoard(facilitator, cid, "fr").save()
        harvest = publish_harvest(facilitator, cid, "fr", DAY)
        quoted = next(text for t in harvest.themes for text, _ in t.quotes)
        author, insight_id = ids[quoted]
        other = ben if author is ana else ana
        fetch_messages(other)
        assert quoted in json.dumps(Circles(other).circle_message(cid, "harvest").body, ensure_ascii=False)
        Circles(author).withdraw(insight_id)
        send_outbox(author, DAY, pause=no_pause)
        report = receive(facilitator, cid)
        assert report.imported.withdrawn == 1 and report.republished == 1 and not report.harvest_stale
        assert any("publiée de nouveau" in line for line in describe_receive(report, "fr"))
        assert fetch_messages(other) == 1
        on_relay = RelayClient(url).messages(keys.invitation.relay.mailbox, keys.invitation.relay.send_capability)
    from journal_app.circle_messages import harvest_of

    after = harvest_of(Circles(other).circle_message(cid, "harvest"))
    theme = next(t for t in harvest.themes if any(text == quoted for text, _ in t.quotes))
    assert [t.count for t in after.themes if t.label == theme.label] == [theme.count - 1]
    assert quoted not in json.dumps(on_relay, ensure_ascii=False)
    assert quoted not in repr(other.storage.read())
    assert quoted not in repr(facilitator.storage.read())


def test_the_command_line_names_the_new_relay_and_asks_before_taking_it(tmp_path):
    from journal_app.vault.storage import open_database
    from tests.test_cli_inprocess import PASS, run

    member = tmp_path / "m"
    run(member, "init")
    facilitator = CircleKeys.create("Cercle du jeudi")
    assert run(member, "circle", "join", facilitator.invitation.code()).returncode == 0
    relay = new_relay("https://relais.cercle-du-jeudi.quebec")
    code = Invitation(facilitator.invitation.circle_id, "Cercle du jeudi", facilitator.invitation.public_key,
                      relay.access).code()
    declined = run(member, "circle", "join", code, tty=True, input="non\n")
    assert declined.returncode == 1 and "relais.cercle-du-jeudi.quebec" in declined.stdout
    no_terminal = run(member, "circle", "join", code)  # a script: no silent yes
    assert no_terminal.returncode != 0
    db = open_database(member / "journal.vault", PASS)
    assert Circles(db).joined_circle(facilitator.invitation.circle_id).relay is None
    db.close()
    assert run(member, "circle", "join", code, tty=True, input="oui\n").returncode == 0
    db = open_database(member / "journal.vault", PASS)
    assert Circles(db).joined_circle(facilitator.invitation.circle_id).relay.url == relay.access.url
    db.close()


def test_a_circle_message_with_a_lone_surrogate_is_refused_not_a_crash():
    from journal_app.circle_messages import MessageForged, MessageInvalid, sign_message, verify_message

    signing = secrets.token_bytes(32)
    from journal_app.circle_messages import signing_public_key

    body = {"questions": [{"id": "q1", "fr": "Qui \ud800?", "en": "Who?"}]}
    with pytest.raises(MessageInvalid):
        sign_message("a" * 20, "questions", 1, DAY, body, signing)
    # As a hostile relay would serve it (no valid signature can cover it): one clear refusal.
    forged = {"format": "ressenti-circle-message", "version": 1, "circle": "a" * 20, "kind": "questions",
              "serial": 1, "day": "2026-12-03", "body": body, "sig": "A" * 86}
    with pytest.raises((MessageForged, MessageInvalid)):
        verify_message(forged, "a" * 20, signing_public_key(signing))


def test_a_relay_address_typed_without_its_scheme_is_understood(tmp_path):
    """« 127.0.0.1:8560 » typed in « Adresse du relais » (m22): http:// on this computer, else https://."""
    from journal_app.usecases.relay import with_scheme

    assert with_scheme("relais.cercle.quebec") == "https://relais.cercle.quebec"
    assert with_scheme(" relais.cercle.quebec/ ") == "https://relais.cercle.quebec/"
    assert with_scheme("http://relais.cercle.quebec") == "http://relais.cercle.quebec"  # refused later, as typed
    facilitator = vault(tmp_path, "facilitator")
    try:
        with relay_in_thread(tmp_path / "relay") as url:
            keys = create_circle(facilitator, "Cercle", url.removeprefix("http://"))
        assert keys.invitation.relay.url == url
    finally:
        facilitator.close()
