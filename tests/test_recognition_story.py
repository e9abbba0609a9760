"""Peer recognition across vaults: a member claims a skill with the counts they tick, peers
endorse it, the member receives the endorsements, the facilitator gives the circle's badge; and
whatever comes in malformed is one clear error with the vault unchanged."""

from __future__ import annotations

import json
import re
import zlib
from datetime import datetime, timedelta

import pytest

from journal_app.circles import Circles, new_relay
from journal_app.journal import FeltShift, Journal, Meeting, Practiced
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
from journal_app.usecases.recognition import (
    certificate_html,
    chosen_facts,
    describe_credential,
    portfolio_facts,
    portfolio_unfinished,
)
from journal_app.vault.storage import Database, create_database
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
    for n in range(6):  # the first saved before the player noted time: its time is not known
        journal.add("Quelque chose de serré dans la poitrine, puis ça s’ouvre.", kind="focusing",
                    pack_id="focusing-six-steps", felt_shift=FeltShift(3, 7), created=start + timedelta(days=7 * n),
                    practiced=Practiced(1500, True) if n else None)
    journal.add("Pas le temps.", kind="focusing", pack_id="focusing-six-steps", felt_shift=FeltShift(1, None),
                created=start + timedelta(days=7 * 6), practiced=Practiced(200, False))  # stopped: not counted
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
    assert six.startswith("6 pratiques, la dernière le 5 novembre 2026. En tout\u00a0: 125\u00a0min. "
                          "Durée non notée pour 1\u00a0séance, enregistrée avant que le journal note le temps passé.")
    assert "avant\u00a0: 3,0, après\u00a0: 7,0" in six
    assert facts["role:facilitator"].text == "2 rencontres animées."
    [stopped] = portfolio_unfinished(member, Journal(member).entries(), "fr")  # apart, never claimable
    assert (stopped.id, stopped.text) == ("stopped:focusing-six-steps",
                                          "1\u00a0pratique commencée, non terminée (pas comptée).")
    assert facts["meetings"].text == "3 rencontres sur lesquelles j’ai réfléchi."
    assert portfolio_facts(member, Journal(member).entries(), "en")[-1].text == "1 meeting where I took the notes."


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

    from journal_app.recognition.exchange import qr_image
    from journal_app.views.recognition import QR_MAX_CHARS

    _, member, peers, cid = circle
    me, held = claim_made(member, cid)
    for n, peer in enumerate(peers[:3]):  # a long request: the claim and three endorsements
        them = Recognition(peer)
        them.set_name(cid, f"Pair {n}")
        me.receive(them.endorse(me.request(held.id), "Une écoute qui laisse toute la place. " * 3, "fr", cid))
    request = me.request(held.id)
    code = to_code(request)
    assert len(code) <= QR_MAX_CHARS
    shown = qr_image(request, 358)  # a phone's screen less its padding
    image = Image.open(io.BytesIO(shown.png)).convert("L")
    photo = image.resize((image.size[0] * 3 // 4,) * 2, Image.BILINEAR)  # a camera at some distance
    for picture in (image, photo):
        [found] = zxingcpp.read_barcodes(picture)
        assert read_message(found.text) == read_message(code)


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
    from journal_app.vault.storage import open_database
    from tests.test_cli_inprocess import PASS, run

    facilitator, member, peer = tmp_path / "f", tmp_path / "m", tmp_path / "p"
    for where in (facilitator, member, peer):
        run(where, "init")
    code = run(facilitator, "circle", "create", "Cercle", "du", "jeudi").stdout.strip().splitlines()[-1]
    run(member, "circle", "join", code), run(peer, "circle", "join", code)
    db = open_database(member / "journal.vault", PASS)
    Journal(db).add("Après la rencontre.", kind="reflection", pack_id="orid",
                    meeting=Meeting("Cercle", None, "timekeeper"))
    Journal(db).add(kind="focusing", pack_id="check-in", answers={"settle": "Pas le temps."},
                    practiced=Practiced(30, False))  # stopped at step 2: listed apart, never claimable
    db.close()
    listed = run(member, "badge", "list")
    assert listed.returncode == 0 and "role:timekeeper" in listed.stdout and "Focusing" in listed.stdout
    assert "pack:check-in" not in listed.stdout
    assert "Météo intérieure en cinq minutes — 1\u00a0pratique commencée, non terminée (pas comptée)." in listed.stdout
    refused = run(member, "badge", "claim", "focusing", "--name", "Camille", "--fact", "pack:check-in")
    assert refused.returncode != 0 and "pack:check-in" in refused.stderr
    claimed = run(member, "badge", "claim", "focusing", "--name", "Camille", "--statement", STATEMENT,
                  "--fact", "role:timekeeper")
    assert claimed.returncode == 0, claimed.stderr
    assert "Toutes les signatures tiennent" in claimed.stdout
    assert "1 rencontre où j’ai gardé le temps." in claimed.stdout
    claim_id = claimed.stdout.split("(urn:uuid:")[1].split(")")[0]
    asked = run(member, "badge", "request", f"urn:uuid:{claim_id}", "-o", str(tmp_path / "demande.json"))
    request_code = asked.stdout.strip().splitlines()[-1]
    assert asked.returncode == 0 and request_code.startswith(CODE_PREFIX)

    endorsed = run(peer, "badge", "endorse", str(tmp_path / "demande.json"), "--name", "Sam", "--comment",
                   "Elle garde le temps avec douceur.", "--yes", "-o", str(tmp_path / "reponse.json"))
    assert endorsed.returncode == 0, endorsed.stderr
    assert STATEMENT in endorsed.stdout and "Vous signerez comme «\u00a0Sam\u00a0»" in endorsed.stdout
    assert "Vous signez avec votre identité du cercle «\u00a0Cercle du jeudi\u00a0»" in endorsed.stdout  # F15
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


# -- round 4: a badge cannot be borrowed ------------------------------------------------------------
NOW = datetime(2026, 12, 3, 14, 5).astimezone()
RELAY = "http://127.0.0.1:9"  # never reached: only the circle's keys are needed here


def endorsed_by(me: Recognition, held, peers, cid: str, count: int = 3) -> None:
    for n, peer in enumerate(peers[:count]):
        them = Recognition(peer)
        them.set_name(cid, f"Pair {n}")
        me.receive(them.endorse(me.request(held.id), "Je l’ai vue tenir l’espace.", "fr", cid))


def resigned(document: dict, identity, **changes) -> dict:
    """A copy of `document` with `changes`, signed by `identity` (a well-signed file of any shape)."""
    from journal_app.recognition.proofs import add_proof

    unsigned = {k: v for k, v in json.loads(json.dumps(document)).items() if k != "proof"}
    unsigned.update(changes)
    return add_proof(unsigned, identity.private_key, NOW, as_set=True)


def test_a_claim_that_copies_anothers_id_borrows_none_of_its_endorsements(circle):
    """F6: Mallory signs a claim of her own under Camille's claim id and attaches Camille's
    endorsements: they are bound to Camille's claim (its digest), so none counts for hers."""
    import secrets

    from journal_app.recognition.credentials import Identity
    from journal_app.recognition.exchange import Message

    facilitator, member, peers, cid = circle
    me, held = claim_made(member, cid)
    endorsed_by(me, held, peers, cid)
    genuine = me.request(held.id)
    mallory = Identity.create("Mallory", secrets.token_bytes)
    subject = {**held.document["credentialSubject"], "id": mallory.did}
    forged = resigned(held.document, mallory, issuer={"id": mallory.did, "type": ["Profile"], "name": "Mallory"},
                      credentialSubject=subject)
    borrowed = Message("request", cid, forged, genuine.endorsements)
    circle_side = Recognition(facilitator)
    review = circle_side.review(borrowed)
    assert review.claim.id == held.id and review.claim.issuer_name == "Mallory"
    assert review.peers == [] and review.unbound == []
    with pytest.raises(NotEnoughEndorsements):
        circle_side.award(cid, borrowed, "fr")
    assert len(circle_side.review(genuine).peers) == 3  # Camille's own request: her three peers
    # Her app refuses an endorsement of Mallory's claim too (it names Camille's claim id).
    them = Recognition(peers[3])
    them.set_name(cid, "Pair 3")
    with pytest.raises(NotYours):
        me.receive(them.endorse(Message("request", cid, forged), "Oui.", "fr", cid))


def test_an_endorsement_made_before_bindings_still_shows_but_the_circles_badge_does_not_count_it(circle):
    """Endorsements already held in members' vaults (no `relatedResource`) still verify and show;
    the circle's badge counts only endorsements bound to the claim, and says how many it left out."""
    from journal_app.recognition.credentials import OB_CONTEXT, VC_CONTEXT
    from journal_app.recognition.exchange import Message

    facilitator, member, peers, cid = circle
    me, held = claim_made(member, cid)
    them = Recognition(peers[0])
    them.set_name(cid, "Pair")
    reply = them.endorse(me.request(held.id), "Oui.", "fr", cid)
    identity = them.identity(cid)
    old = resigned({k: v for k, v in reply.credential.items() if k != "relatedResource"}, identity,
                   **{"@context": [VC_CONTEXT, OB_CONTEXT]})
    got = me.receive(Message("endorsement", cid, old))
    shown = describe_credential(got.checked(), "fr")
    assert got.checked().ok and shown[0].startswith("Toutes les signatures tiennent")
    assert any("le badge du cercle ne la compte pas" in line for line in shown)
    assert certificate_html(held, me, "fr").count("Oui.") == 1  # still on the claim's certificate
    review = Recognition(facilitator).review(me.request(held.id))
    assert review.peers == [] and [u.issuer_name for u in review.unbound] == ["Pair"]
    from journal_app.usecases.recognition import review_lines

    assert any("1 reconnaissance faite avant" in line for line in review_lines(review, "fr"))


def test_a_skill_of_ones_own_has_its_own_id_and_words_in_each_circle(circle):
    """F7: the same member in two circles: a skill they added shares no id, and no words unless
    they write the same ones; built-in skills keep the id every member shares."""
    facilitator, member, _, cid = circle
    other = Circles(facilitator).create("Cercle du mardi", relay=new_relay(RELAY))
    Circles(member).join(other.invitation.code())
    tuesday = other.invitation.circle_id
    me = Recognition(member)
    me.set_name(cid, "Camille")
    me.set_name(tuesday, "K.")
    skill = me.add_skill("Médiation de conflits")
    me.set_statement(skill, "Je tiens l’espace quand ça chauffe.", circle_id=cid)
    assert me.skill(skill, "fr").statement(tuesday) == ""
    with pytest.raises(StatementMissing):
        me.claim(skill, tuesday, [], "fr")
    me.set_statement(skill, "J’aide deux personnes à se parler.", circle_id=tuesday)
    thursday_claim = me.claim(skill, cid, [], "fr").checked()
    tuesday_claim = me.claim(skill, tuesday, [], "fr").checked()
    assert thursday_claim.achievement_id != tuesday_claim.achievement_id
    assert skill not in thursday_claim.achievement_id + tuesday_claim.achievement_id
    assert thursday_claim.text != tuesday_claim.text and thursday_claim.issuer_id != tuesday_claim.issuer_id
    assert me.claim(skill, cid, [], "fr").checked().achievement_id == thursday_claim.achievement_id  # stable
    me.set_statement("focusing", "Oui.", circle_id=cid)
    assert me.claim("focusing", cid, [], "fr").checked().achievement_id == "urn:ressenti:skill:focusing"


def test_words_written_before_statements_were_per_circle_go_with_the_first_circle_only(circle):
    facilitator, member, _, cid = circle
    other = Circles(facilitator).create("Cercle du mardi", relay=new_relay(RELAY))
    Circles(member).join(other.invitation.code())
    me = Recognition(member)
    me.set_name(cid, "Camille")
    member.table("badge_skills").insert_doc("focusing", {"id": "focusing", "statement": STATEMENT})  # as kept before
    assert me.skill("focusing", "fr").written
    assert me.skill("focusing", "fr").statement(other.invitation.circle_id) == STATEMENT  # offered to either
    assert me.claim("focusing", cid, [], "fr").checked().text == STATEMENT
    assert me.skill("focusing", "fr").statement(cid) == STATEMENT
    assert me.skill("focusing", "fr").statement(other.invitation.circle_id) == ""  # now this circle's only


def test_a_badge_signed_by_anyone_but_the_circles_key_is_not_kept_as_the_circles_badge(circle):
    """F16: Mallory names her key « Cercle du jeudi » and signs a badge of Camille's claim."""
    import secrets

    from journal_app.recognition import credentials
    from journal_app.recognition.credentials import Identity
    from journal_app.recognition.exchange import Message
    from journal_app.recognition.wallet import CircleWithoutKey, NotTheCirclesKey

    facilitator, member, peers, cid = circle
    me, held = claim_made(member, cid)
    mallory = Identity.create("Cercle du jeudi", secrets.token_bytes)
    forged = credentials.circle_badge(mallory, held.checked(), "Reconnu par le cercle\u00a0: Focusing", "Trois pairs.",
                                      3, "fr", NOW, secrets.token_bytes)
    assert check(forged).ok  # well signed, by Mallory
    with pytest.raises(NotTheCirclesKey) as refused:
        me.receive(Message("badge", cid, forged))
    assert "Cercle du jeudi" in refused.value.message("fr") and me.badges_of(held) == []
    lines = describe_credential(check(forged), "fr")  # shown without a journal: nothing ties the key
    assert any("Rien ici ne relie cette clé à un cercle" in line for line in lines)
    endorsed_by(me, held, peers, cid)
    genuine = Recognition(facilitator).award(cid, me.request(held.id), "fr")
    assert me.receive(genuine).role == "badge" and len(me.badges_of(held)) == 1
    # A circle without a relay: its members hold no key of it, so its badge is not signed at all.
    keyless = Circles(facilitator).create("Cercle sans relais").invitation.circle_id
    with pytest.raises(CircleWithoutKey):
        Recognition(facilitator).award(keyless, Message("request", keyless, held.document), "fr")


def test_the_requests_circle_field_chooses_neither_the_circle_that_signs_nor_the_endorsers_identity(circle):
    """F15: the request's `circle` is not signed."""
    from journal_app.recognition.exchange import Message
    from journal_app.recognition.wallet import OtherCircle

    facilitator, member, peers, cid = circle
    tuesday = Circles(facilitator).create("Cercle du mardi", relay=new_relay(RELAY)).invitation
    me, held = claim_made(member, cid)
    endorsed_by(me, held, peers, cid)
    request = me.request(held.id)
    moved = Message("request", tuesday.circle_id, request.credential, request.endorsements)
    with pytest.raises(OtherCircle) as refused:
        Recognition(facilitator).award(cid, moved, "fr")
    assert "Cercle du jeudi" in refused.value.message("fr")
    with pytest.raises(OtherCircle):  # nor is it signed for the circle the request names
        Recognition(facilitator).award(tuesday.circle_id, request, "fr")
    # The endorser signs as the circle they chose, whatever the request names.
    Circles(peers[3]).join(tuesday.code())
    them = Recognition(peers[3])
    them.set_name(cid, "Sam")
    them.set_name(tuesday.circle_id, "S.")
    reply = them.endorse(moved, "Oui.", "fr", cid)
    assert check(reply.credential).issuer_id == them.identity(cid).did != them.identity(tuesday.circle_id).did


@pytest.mark.parametrize("change", ["no id", "lone surrogate"])
def test_well_signed_but_malformed_replies_are_one_clear_error(circle, tmp_path, change):
    """F19: an endorsement with no `id`, or a name with a lone surrogate, is one translated line."""
    from tests.test_cli_inprocess import run

    _, member, peers, cid = circle
    me, held = claim_made(member, cid)
    them = Recognition(peers[0])
    them.set_name(cid, "Pair")
    document = json.loads(json.dumps(them.endorse(me.request(held.id), "Oui.", "fr", cid).credential))
    if change == "no id":
        document = resigned({k: v for k, v in document.items() if k != "id"}, them.identity(cid))
    else:
        document["issuer"]["name"] = "Pair \ud800"  # (its proof can no longer hold: JCS refuses it)
    data = json.dumps(document).encode("ascii")
    before = (tmp_path / "member.vault").read_bytes()
    with pytest.raises(CredentialInvalid):
        me.receive(read_message(data))
    assert (tmp_path / "member.vault").read_bytes() == before
    (tmp_path / "reply.json").write_bytes(data)
    shown = run(tmp_path / "anyone", "badge", "verify", str(tmp_path / "reply.json"), passphrase=None)
    assert "Unexpected" not in shown.stderr + shown.stdout and "Traceback" not in shown.stderr
    if change == "lone surrogate":  # (a credential with no id does verify: it is only not kept)
        assert shown.returncode == 1 and "Rien n’a été changé" in shown.one_line()


def test_badge_award_names_the_endorsers_and_asks_before_the_circle_signs(tmp_path):
    """F14 (and F13, as far as it goes): the command line shows the claim and each endorser by name,
    key and comment, says that keys are not people, and asks; F15: the circle is the facilitator's."""
    from journal_app.vault.storage import open_database
    from tests.test_cli_inprocess import PASS, run

    facilitator = tmp_path / "f"
    run(facilitator, "init")
    db = open_database(facilitator / "journal.vault", PASS)
    keys = Circles(db).create("Cercle du jeudi", relay=new_relay(RELAY))
    cid = keys.invitation.circle_id
    db.close()
    member, peers = vault(tmp_path, "member"), [vault(tmp_path, f"peer{n}") for n in range(3)]
    for each in (member, *peers):
        Circles(each).join(keys.invitation.code())
    me = Recognition(member)
    me.set_name(cid, "Camille")
    me.set_statement("focusing", STATEMENT, circle_id=cid)
    held = me.claim("focusing", cid, [], "fr")
    endorsed_by(me, held, peers, cid)
    (tmp_path / "demande.json").write_bytes(to_json(me.request(held.id)))
    for each in (member, *peers):
        each.close()

    no = run(facilitator, "badge", "award", str(tmp_path / "demande.json"), tty=True, input="n\n")
    assert no.returncode == 1 and CODE_PREFIX not in no.stdout, no.stderr
    assert STATEMENT in no.stdout and "3 reconnaissances valides de pairs." in no.stdout
    for n in range(3):
        assert f"— Pair {n} (did:key:z6Mk" in no.stdout
    assert "«\u00a0Je l’ai vue tenir l’espace.\u00a0»" in no.stdout and "Rien ne prouve que deux clés" in no.stdout
    assert "Le cercle «\u00a0Cercle du jeudi\u00a0» signera son badge" in no.stdout
    unasked = run(facilitator, "badge", "award", str(tmp_path / "demande.json"))  # no terminal, no --yes
    assert unasked.returncode != 0 and CODE_PREFIX not in unasked.stdout
    yes = run(facilitator, "badge", "award", str(tmp_path / "demande.json"), "--yes")
    assert yes.returncode == 0 and yes.stdout.strip().splitlines()[-1].startswith(CODE_PREFIX), yes.stderr
    badge = read_message(yes.stdout.strip().splitlines()[-1])
    assert check(badge.credential).ok and check(badge.credential).issuer_name == "Cercle du jeudi"


def test_a_requests_qr_form_reads_as_the_request_and_a_typo_is_refused(circle):
    """p11: the QR code holds the request in base32 after « RSNTR1Q- »; pasted, it is the same
    request (in the app and on the command line), and a changed letter is refused."""
    from journal_app.recognition.credentials import CredentialInvalid
    from journal_app.recognition.exchange import QR_PREFIX, to_qr_text

    _, member, _, cid = circle
    me, held = claim_made(member, cid)
    request = me.request(held.id)
    text = to_qr_text(request)
    assert text.startswith(QR_PREFIX) and re.fullmatch(r"[A-Z0-9-]+", text)
    assert read_message(text) == read_message(to_code(request)) == read_message(text.encode() + b"\n")
    with pytest.raises(CredentialInvalid):
        read_message(text[:60] + ("A" if text[60] != "A" else "B") + text[61:])
