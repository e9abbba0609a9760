"""Circles, sealed insights, bundles and withdrawals."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date

import pytest

from journal_app.circles import Circles
from journal_app.sharing import (
    BundleInvalid,
    CircleKeys,
    EnvelopeDamaged,
    Insight,
    Invitation,
    InvitationInvalid,
    Withdrawal,
    b64,
    make_bundle,
    open_envelope,
    parse_invitation,
    read_bundle,
    seal,
    unb64,
    withdrawal_is_genuine,
)

TEXT = "Ce soir, j’ai senti le groupe se resserrer autour d’une peur commune."


def test_seal_open_round_trip_and_the_insight_says_nothing_of_its_author(db):
    circles = Circles(db)
    facilitator = CircleKeys.create("Cercle du jeudi")
    circles.join(facilitator.invitation.code())
    shared = circles.share(facilitator.invitation.circle_id, TEXT, day=date(2026, 11, 27),
                           kind="reflection", prompt_id="orid.reflective")
    opened = open_envelope(shared.envelope, facilitator)
    assert isinstance(opened, Insight) and opened.text == TEXT
    assert opened.week == "2026-W48" and opened.kind == "reflection" and opened.lang == "fr"
    assert set(vars(opened)) == {"id", "week", "kind", "prompt_id", "lang", "text", "proof", "question", "round"}
    assert opened.round == ""  # a relay round's tag is added only when the relay carries it
    assert opened.question == ""  # no question chosen: nothing more than version 1 carried


def test_a_bundle_holds_none_of_the_text_and_hides_lengths(db):
    circles = Circles(db)
    facilitator = CircleKeys.create("Cercle")
    circles.join(facilitator.invitation.code())
    cid = facilitator.invitation.circle_id
    short = circles.share(cid, "Peur.", day=date(2026, 11, 27), kind="free")
    longer = circles.share(cid, TEXT, day=date(2026, 11, 27), kind="free")
    bundle = circles.outbox_bundle(cid)
    for fragment in ("Peur", "peur", "resserrer", "2026-W48", "reflection", "free"):
        assert fragment.encode() not in bundle
    assert len(short.envelope["ct"]) == len(longer.envelope["ct"])
    envelopes = read_bundle(bundle, cid)
    assert sorted(open_envelope(e, facilitator).text for e in envelopes) == sorted(["Peur.", TEXT])


def test_the_wrong_circle_key_fails_cleanly_and_tampering_is_refused():
    ours, theirs = CircleKeys.create("A"), CircleKeys.create("B")
    insight = Insight("id", "2026-W48", "free", "", "fr", TEXT, "00")
    envelope = seal(insight, ours.invitation)
    impostor = replace(theirs, invitation=replace(theirs.invitation, circle_id=ours.invitation.circle_id))
    with pytest.raises(EnvelopeDamaged):
        open_envelope(envelope, impostor)
    ct = bytearray(unb64(envelope["ct"]))
    ct[10] ^= 1
    with pytest.raises(EnvelopeDamaged):
        open_envelope({**envelope, "ct": b64(bytes(ct))}, ours)
    with pytest.raises(EnvelopeDamaged):
        open_envelope({**envelope, "epk": b64(bytes(32))}, ours)


def test_a_withdrawal_counts_only_with_the_right_secret(db):
    circles = Circles(db)
    facilitator = CircleKeys.create("Cercle")
    cid = facilitator.invitation.circle_id
    circles.join(facilitator.invitation.code())
    shared = circles.share(cid, TEXT, day=date(2026, 11, 27), kind="free")
    (sent,) = read_bundle(circles.outbox_bundle(cid), cid)
    circles.mark_exported(cid, date(2026, 11, 28))
    circles.withdraw(shared.insight.id)
    (later,) = read_bundle(circles.outbox_bundle(cid), cid)
    insight, withdrawal = open_envelope(sent, facilitator), open_envelope(later, facilitator)
    assert isinstance(insight, Insight) and isinstance(withdrawal, Withdrawal)
    assert withdrawal_is_genuine(withdrawal, insight)
    forged = Withdrawal(insight.id, "ab" * 32)
    assert not withdrawal_is_genuine(forged, insight)
    assert not withdrawal_is_genuine(Withdrawal(insight.id, "not hex"), insight)
    assert circles.outbox()[0].withdrawn


@pytest.mark.parametrize("code", [
    "", "hello", "RSNT1-", "RSNT1-AAAA", "RSNT1-" + "A" * 3000,
    "RSNT1-" + b64(b'{"id":"x","name":"n","pk":"AAAA"}' + b"\0\0\0\0"),
])
def test_malformed_invitations_get_one_clear_error_and_change_nothing(db, vault_file, code):
    before = vault_file.read_bytes()
    with pytest.raises(InvitationInvalid) as caught:
        Circles(db).join(code)
    assert "invitation" in caught.value.message("fr")
    assert vault_file.read_bytes() == before


def test_a_typo_in_an_invitation_is_caught():
    code = CircleKeys.create("Cercle").invitation.code()
    broken = code[:-3] + ("A" if code[-3] != "A" else "B") + code[-2:]
    with pytest.raises(InvitationInvalid):
        parse_invitation(broken)
    assert parse_invitation(f"  {code[:20]}\n{code[20:]} ").name == "Cercle"  # pasted with breaks


def test_malformed_bundles_each_get_one_clear_error():
    keys = CircleKeys.create("Cercle")
    cid = keys.invitation.circle_id
    good = make_bundle(cid, [seal(Insight("i", "2026-W48", "free", "", "fr", "x", "00"), keys.invitation)])
    cases = {
        "truncated": good[: len(good) // 2],
        "not JSON": b"\x00\x01 definitely not json",
        "wrong version": good.replace(b'"version":1', b'"version":9'),
        "oversized": b" " * (32 * 1024 * 1024 + 1),
        "not a bundle": json.dumps({"hello": "world"}).encode(),
    }
    for name, data in cases.items():
        with pytest.raises(BundleInvalid) as caught:
            read_bundle(data, cid)
        assert caught.value.message("en"), name
    other = CircleKeys.create("Autre").invitation.circle_id
    with pytest.raises(Exception) as caught:
        read_bundle(good, other)
    assert "another circle" in caught.value.message("en")


def test_the_invitation_qr_image_is_a_png():
    png = CircleKeys.create("Cercle").invitation.qr_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 200


def test_circle_ids_are_safe_on_a_command_line():
    ids = {CircleKeys.create("c").invitation.circle_id for _ in range(300)}
    assert len(ids) == 300 and all(re.fullmatch(r"[0-9a-f]{20}", i) for i in ids)


def test_a_circle_needs_a_name(db):
    from journal_app.circles import CircleNameMissing

    with pytest.raises(CircleNameMissing) as caught:
        Circles(db).create("   ")
    assert "nom" in caught.value.message("fr") and Circles(db).owned() == []


@pytest.mark.extras  # ZXing and Pillow come with the test extra
def test_the_invitation_qr_image_reads_back_as_the_code_even_photographed_badly():
    """What a phone's camera app does with the QR: ZXing (the reader many Android apps use)
    finds the code in the image, also smaller, tilted and blurred."""
    import io

    import zxingcpp
    from PIL import Image, ImageFilter

    invitation = CircleKeys.create("Cercle du jeudi à Montréal").invitation
    image = Image.open(io.BytesIO(invitation.qr_png()))
    photo = (image.convert("L").resize((image.size[0] // 2,) * 2).rotate(12, expand=True, fillcolor=255)
             .filter(ImageFilter.GaussianBlur(1)))
    for picture in (image, photo):
        [found] = zxingcpp.read_barcodes(picture)
        assert found.text == invitation.qr_text()  # the code's QR form (base32): it joins the same
        assert parse_invitation(found.text) == invitation


def test_an_invitations_qr_form_joins_like_its_code_and_a_changed_letter_is_refused():
    """p11: the QR code holds the invitation in base32 after « RSNT2Q- » (QR's alphanumeric mode,
    fewer modules); what a camera read, pasted, is the same invitation; a typo is caught."""
    from journal_app.circles import new_relay

    keys = CircleKeys.create("Cercle du jeudi")
    relayed = Invitation(keys.invitation.circle_id, keys.invitation.name, keys.invitation.public_key,
                         new_relay("https://relais.example.org").access)
    for invitation, prefix in ((keys.invitation, "RSNT1Q-"), (relayed, "RSNT2Q-")):
        text = invitation.qr_text()
        assert text.startswith(prefix) and re.fullmatch(r"[A-Z0-9-]+", text)  # all alphanumeric mode
        assert parse_invitation(text) == invitation == parse_invitation(f"  {text[:40]}\n{text[40:]} ")
        broken = text[:30] + ("A" if text[30] != "A" else "B") + text[31:]
        with pytest.raises(InvitationInvalid):
            parse_invitation(broken)
    with pytest.raises(InvitationInvalid):
        parse_invitation("RSNT2Q-" + keys.invitation.qr_text()[7:])  # a version 1 body under version 2
