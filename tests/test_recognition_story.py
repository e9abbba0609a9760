"""Peer recognition across vaults: a member claims a skill with the counts they tick, peers
endorse it, the member receives the endorsements, the facilitator gives the circle's badge; and
whatever comes in malformed is one clear error with the vault unchanged."""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta

import pytest

from journal_app.circles import Circles, new_relay
from journal_app.journal import FeltShift, Journal, Meeting
from journal_app.recognition.credentials import CredentialInvalid, check
from journal_app.recognition.exchange import CODE_PREFIX, read_message, to_code, to_json
from journal_app.recognition.wallet import (
    CannotEndorseOwn,
    NotEnoughEndorsements,
    NotTrusted,
    NotYours,
    Recognition,
    StatementMissing,
)
from journal_app.sharing import b64
from journal_app.storage import Database, create_database
from journal_app.usecases.recognition import certificate_html, chosen_facts, describe_credential, portfolio_facts
from tests.conftest import FAST_KDF, PASSPHRASE

STATEMENT = "J’accompagne une séance de Focusing en laissant toute la place au ressenti de l’autre."


def vault(tmp_path, name: str) -> Database:
    return create_database(tmp_path / f"{name}.vault", PASSPHRASE, kdf=FAST_KDF)[0]


@pytest.fixture
def circle(tmp_path):
    """A facilitator's circle (with a relay, so its members hold its signing key), a member with
    a practice behind them, and four peers."""
    facilitator = vault(tmp_path, "facilitator")
    keys = Circles(facilitator).create("Cercle du jeudi", relay=new_relay("http://127.0.0.1:9"))
    member = vault(tmp_path, "member")
    peers = [vault(tmp_path, f"peer{n}") for n in range(4)]
    for db in (member, *peers):
        Circles(db).join(keys.invitation.code())
    journal = Journal(member)
    start = datetime(2026, 10, 1, 19, 0).astimezone()
    for n in range(6):
        journal.add("Quelque chose de serré dans la poitrine, puis ça s’ouvre.", kind="focusing",
                    pack_id="focusing-six-steps", felt_shift=FeltShift(3, 7), created=start + timedelta(days=7 * n))
    for n, role in enumerate(("facilitator", "facilitator", "scribe")):
        journal.add("La rencontre a bien tourné.", kind="reflection", pack_id="orid",
                    meeting=Meeting("Cercle du jeudi", (start + timedelta(days=n)).date(), role))
    yield facilitator, member, peers, keys.invitation.circle_id
    for db in (facilitator, member, *peers):
        db.close()


def claim_made(member: Database, cid: str):
    me = Recognition(member)
    me.set_name(cid, "Camille")
    me.set_statement("focusing", STATEMENT)
    facts = chosen_facts(member, Journal(member).entries(), "fr", ["pack:focusing-six-steps", "role:facilitator"])
    return me, me.claim("focusing", cid, facts, "fr")


def test_the_portfolio_counts_practices_minutes_feltshift_and_roles(circle):
    _, member, _, _ = circle
    facts = {f.id: f for f in portfolio_facts(member, Journal(member).entries(), "fr")}
    assert set(facts) == {"pack:focusing-six-steps", "pack:orid", "meetings", "role:facilitator", "role:scribe"}
    six = facts["pack:focusing-six-steps"].text
    assert six.startswith("6 pratiques, la dernière le 5 novembre 2026.") and "min" in six
    assert "avant\u00a0: 3,0, après\u00a0: 7,0" in six
    assert facts["role:facilitator"].text == "2 rencontres animées."
    assert facts["meetings"].text == "3 rencontres sur lesquelles j’ai réfléchi."
    assert portfolio_facts(member, Journal(member).entries(), "en")[-1].text == "1 meeting taking notes."


def test_a_claim_carries_only_the_statement_and_the_ticked_counts(circle):
    _, member, _, cid = circle
    Circles(member).share(cid, "Une idée pour le cercle, anonyme.", day=datetime(2026, 11, 1).date(),
                          kind="reflection", prompt_id="orid.reflective")
    _, held = claim_made(member, cid)
    text = json.dumps(held.document, ensure_ascii=False)
    assert STATEMENT in text and "2 rencontres animées." in text and "6 pratiques" in text
    shared = [i.shared.insight.id for i in Circles(member).outbox()]
    for private in ("poitrine", "bien tourné", "Une idée pour le cercle", "scribe", "notes",
                    *[e.id for e in Journal(member).entries()], *shared):
        assert private not in text, private
    checked = held.checked()
    assert checked.ok and checked.self_issued and checked.issuer_name == "Camille"


def test_request_endorse_receive_then_the_circles_badge(circle):
    facilitator, member, peers, cid = circle
    me, held = claim_made(member, cid)
    code = to_code(me.request(held.id))
    assert code.startswith(CODE_PREFIX) and len(code) < 2_500  # small enough for a QR code

    comments = ["Je l’ai vue tenir l’espace.", "Elle écoute sans presser.", "Présente, patiente.",
                "Une vraie écoute."]
    for n, peer in enumerate(peers[:2]):
        them = Recognition(peer)
        request = read_message(code)
        shown = describe_credential(them.read_request(request), "fr")
        assert any(STATEMENT in line for line in shown) and any("Camille" in line for line in shown)
        them.set_name(cid, f"Pair {n}")
        reply = them.endorse(request, comments[n], "fr", cid)
        got = me.receive(read_message(to_json(reply)))
        assert got.role == "endorsement" and got.checked().text == comments[n]
    assert me.receive(read_message(to_json(reply))).id == got.id  # the same reply twice: kept once
    assert len(me.endorsements_of(held.id)) == 2

    facilitator_side = Recognition(facilitator)
    with pytest.raises(NotEnoughEndorsements) as short:
        facilitator_side.award(cid, read_message(to_code(me.request(held.id))), "fr")
    assert "2 reconnaissances valides" in short.value.message("fr") and "en demande 3" in short.value.message("fr")
    them = Recognition(peers[2])
    them.set_name(cid, "Pair 2")
    me.receive(them.endorse(read_message(code), comments[2], "fr", cid))

    request = read_message(to_code(me.request(held.id)))
    review = facilitator_side.review(request)
    assert review.claim.id == held.id and len(review.peers) == 3 and not review.unbound
    badge = facilitator_side.award(cid, request, "fr")
    checked = check(badge.credential)
    assert checked.ok and checked.issuer_name == "Cercle du jeudi" and checked.subject_id == held.checked().subject_id
    assert checked.title == "Reconnu par le cercle\u00a0: Focusing"
    got = me.receive(read_message(to_code(badge)))
    assert got.role == "badge" and me.badges_of(held) == [got]

    page = certificate_html(held, me, "fr")
    assert "Reconnue par 3 pairs" in page and "Elle écoute sans presser." in page and "<script" not in page


@pytest.mark.extras  # ZXing comes with the test extra
def test_the_requests_qr_code_reads_back_at_the_size_the_screen_shows(circle):
    import io

    import zxingcpp
    from PIL import Image

    from journal_app.recognition.exchange import qr_png
    from journal_app.views.recognition import QR_MAX_CHARS, QR_SIZE

    _, member, peers, cid = circle
    me, held = claim_made(member, cid)
    for n, peer in enumerate(peers[:3]):  # a long request: the claim and three endorsements
        them = Recognition(peer)
        them.set_name(cid, f"Pair {n}")
        me.receive(them.endorse(me.request(held.id), "Une écoute qui laisse toute la place. " * 3, "fr", cid))
    code = to_code(me.request(held.id))
    assert len(code) <= QR_MAX_CHARS
    image = Image.open(io.BytesIO(qr_png(code))).convert("L").resize((QR_SIZE, QR_SIZE), Image.BILINEAR)
    [found] = zxingcpp.read_barcodes(image)
    assert found.text == code


def test_a_well_signed_credential_of_the_wrong_shape_is_refused_in_one_line(circle):
    from datetime import datetime, timezone

    from journal_app.recognition.credentials import Identity
    from journal_app.recognition.proofs import add_proof

    _, member, _, cid = circle
    me, held = claim_made(member, cid)
    stranger = Identity.create("Quelqu’un", __import__("secrets").token_bytes)
    for change in ({"id": None}, {"id": 7}, {"criteria": "x"}, {"name": ["a"]}):
        document = json.loads(json.dumps(held.document))
        document["issuer"]["id"] = stranger.did
        achievement = document["credentialSubject"]["achievement"]
        for key, value in change.items():
            if value is None:
                achievement.pop(key)
            else:
                achievement[key] = value
        signed = add_proof(document, stranger.private_key, datetime.now(timezone.utc), as_set=True)
        with pytest.raises(CredentialInvalid):
            me.receive(read_message(json.dumps(signed).encode()))


def test_a_skill_signed_again_shows_its_newest_claim(circle):
    _, member, _, cid = circle
    me, first = claim_made(member, cid)
    later = [me.claim("focusing", cid, [], "fr") for _ in range(5)]
    claims = [h for h in me.held() if h.role == "claim"]
    assert [h.id for h in claims] == [h.id for h in reversed([first, *later])]


def test_the_refusals_say_why(circle):
    facilitator, member, peers, cid = circle
    me, held = claim_made(member, cid)
    request = me.request(held.id)
    with pytest.raises(CannotEndorseOwn):
        me.endorse(request, "Moi-même.", "fr", cid)
    them = Recognition(peers[0])
    them.set_name(cid, "Pair")
    with pytest.raises(StatementMissing):
        them.endorse(request, "   ", "fr", cid)
    reply = them.endorse(request, "Oui.", "fr", cid)
    with pytest.raises(NotYours):  # someone else's vault: not about any claim of theirs
        Recognition(peers[1]).receive(reply)
    forged = json.loads(json.dumps(reply.credential))
    forged["credentialSubject"]["endorsementComment"] = "Non."
    with pytest.raises(NotTrusted):
        me.receive(read_message(json.dumps(forged).encode()))
    altered = json.loads(to_json(request))
    altered["credential"]["credentialSubject"]["achievement"]["criteria"]["narrative"] = "Autre chose."
    with pytest.raises(NotTrusted):
        them.read_request(read_message(json.dumps(altered).encode()))


def _bomb() -> str:
    body = zlib.compress(b"{" + b" " * 50_000_000 + b"}", 9)
    import hashlib

    return CODE_PREFIX + b64(body + hashlib.sha256(body).digest()[:4])


@pytest.mark.parametrize("data", [
    "RSNTR1-", "RSNTR1-abc", CODE_PREFIX + "A" * 70_000, b"", b"{}", b"[1, 2]", b'{"format": "ressenti-recognition"}',
    b'{"format": "ressenti-recognition", "version": 1, "kind": "request", "circle": 5, "credential": {}}',
    b'{"format": "ressenti-recognition", "version": true, "kind": "request", "circle": "", "credential": {}}',
    b'{"format": "ressenti-recognition", "version": 1, "kind": "request", "circle": "c", "credential": {},'
    b' "endorsements": "x"}',
    b'{"format": "ressenti-recognition", "version": 1, "kind": "request", "circle": "c", "credential": {"a":'
    + b"[" * 3000 + b"]" * 3000 + b"}}",
    "bomb",
], ids=["empty code", "short code", "huge code", "empty", "empty object", "list", "no version", "circle number",
        "version true", "endorsements text", "deep", "zip bomb"])
def test_malformed_requests_are_one_clear_error_and_change_nothing(circle, tmp_path, data):
    _, member, peers, cid = circle
    me, held = claim_made(member, cid)
    before = (tmp_path / "member.vault").read_bytes(), (tmp_path / "peer0.vault").read_bytes()
    with pytest.raises(CredentialInvalid) as refused:
        message = read_message(_bomb() if data == "bomb" else data)
        Recognition(peers[0]).read_request(message)
    assert "Rien n’a été changé" in refused.value.message("fr")
    with pytest.raises(CredentialInvalid):
        me.receive(read_message(_bomb() if data == "bomb" else data))
    assert ((tmp_path / "member.vault").read_bytes(), (tmp_path / "peer0.vault").read_bytes()) == before


def test_the_command_line_claims_endorses_receives_verifies_and_exports(tmp_path):
    from journal_app.storage import open_database
    from tests.test_cli_inprocess import PASS, run

    facilitator, member, peer = tmp_path / "f", tmp_path / "m", tmp_path / "p"
    for where in (facilitator, member, peer):
        run(where, "init")
    code = run(facilitator, "circle", "create", "Cercle", "du", "jeudi").stdout.strip().splitlines()[-1]
    run(member, "circle", "join", code), run(peer, "circle", "join", code)
    db = open_database(member / "journal.vault", PASS)
    Journal(db).add("Après la rencontre.", kind="reflection", pack_id="orid",
                    meeting=Meeting("Cercle", None, "timekeeper"))
    db.close()
    listed = run(member, "badge", "list")
    assert listed.returncode == 0 and "role:timekeeper" in listed.stdout and "Focusing" in listed.stdout
    claimed = run(member, "badge", "claim", "focusing", "--name", "Camille", "--statement", STATEMENT,
                  "--fact", "role:timekeeper")
    assert claimed.returncode == 0, claimed.stderr
    assert "Toutes les signatures tiennent" in claimed.stdout and "1 rencontre à garder le temps." in claimed.stdout
    claim_id = claimed.stdout.split("(urn:uuid:")[1].split(")")[0]
    asked = run(member, "badge", "request", f"urn:uuid:{claim_id}", "-o", str(tmp_path / "demande.json"))
    request_code = asked.stdout.strip().splitlines()[-1]
    assert asked.returncode == 0 and request_code.startswith(CODE_PREFIX)

    endorsed = run(peer, "badge", "endorse", str(tmp_path / "demande.json"), "--name", "Sam", "--comment",
                   "Elle garde le temps avec douceur.", "--yes", "-o", str(tmp_path / "reponse.json"))
    assert endorsed.returncode == 0, endorsed.stderr
    assert STATEMENT in endorsed.stdout and "Vous signerez comme «\u00a0Sam\u00a0»" in endorsed.stdout
    no = run(peer, "badge", "endorse", request_code, "--comment", "Encore.", tty=True, input="n\n")
    assert no.returncode == 1
    received = run(member, "badge", "receive", str(tmp_path / "reponse.json"))
    assert received.returncode == 0 and "Ajouté à votre parcours" in received.stdout, received.stderr

    exported = run(member, "badge", "export", f"urn:uuid:{claim_id}", "-o", str(tmp_path / "focusing.json"))
    assert exported.returncode == 0
    verified = run(tmp_path / "anyone", "badge", "verify", str(tmp_path / "focusing.json"), passphrase=None)
    assert verified.returncode == 0 and "Toutes les signatures tiennent" in verified.stdout
    assert "Émis par\u00a0: Camille" in verified.stdout
    document = json.loads((tmp_path / "focusing.json").read_text())
    document["credentialSubject"]["achievement"]["name"] = "Autre chose"
    (tmp_path / "altered.json").write_text(json.dumps(document))
    altered = run(tmp_path / "anyone", "badge", "verify", str(tmp_path / "altered.json"), passphrase=None)
    assert altered.returncode == 1 and "Modifié" in altered.stdout
    (tmp_path / "junk.json").write_bytes(b"\x00" * 10)
    junk = run(tmp_path / "anyone", "badge", "verify", str(tmp_path / "junk.json"), passphrase=None)
    assert junk.returncode == 1 and "Traceback" not in junk.stderr and "Rien n’a été changé" in junk.one_line()
    run(member, "badge", "export", f"urn:uuid:{claim_id}", "-o", str(tmp_path / "focusing.html"))
    page = (tmp_path / "focusing.html").read_text()
    assert "Reconnue par 1 pair" in page and "Elle garde le temps avec douceur." in page
    english = run(member, "badge", "list", lang="en_CA.UTF-8")
    assert "endorsement received" in english.stdout and "my skill" in english.stdout
