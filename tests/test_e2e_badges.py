"""Peer recognition end to end in Chromium, as two people would do it on their phones: the member
signs a skill and copies the request; a peer pastes it in « Reconnaître un pair », reads it,
endorses it and copies the reply; the member pastes the reply back and sees it in the portfolio."""

from __future__ import annotations

import pytest

from journal_app.circles import Circles
from journal_app.journal import Meeting
from journal_app.recognition.wallet import Recognition
from journal_app.session import JournalSession
from journal_app.sharing import CircleKeys
from tests.conftest import FAST_KDF
from tests.test_e2e_browser import PASSPHRASE, App, browser  # noqa: F401 (browser: a fixture)
from tests.test_e2e_relay import window

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]
STATEMENT = "Je garde le temps sans brusquer personne."


def phone(chromium, data, name: str):
    """A phone-sized window over `data` that may use the clipboard, as a phone's apps do."""
    return window(chromium, data, (390, 844), name, permissions=["clipboard-read", "clipboard-write"])


def to_skills(app: App) -> None:
    """Pratiques → Mon parcours → Compétences, as a person taps through."""
    app.click("Pratiques")
    app.click("Mon parcours")
    app.click("Compétences")
    app.see("Mes compétences", timeout=60_000)


def clipboard(app: App) -> str:
    return str(app.page.evaluate("() => navigator.clipboard.readText()"))


def test_a_member_asks_a_peer_endorses_and_the_member_receives(browser, tmp_path):  # noqa: F811
    keys = CircleKeys.create("Cercle du jeudi")
    for name in ("m", "p"):
        session = JournalSession(tmp_path / name, kdf=FAST_KDF)
        session.create(PASSPHRASE)
        session.journal.add("La rencontre.", title="Après le cercle", kind="reflection", pack_id="orid",
                            meeting=Meeting("Cercle", None, "timekeeper"))
        Circles(session.database).join(keys.invitation.code())
        session.lock()

    with phone(browser, tmp_path / "m", "badge-member") as app:
        app.unlock(opened="Après le cercle")
        to_skills(app)
        app.tap_text("Pratique entre pairs")
        app.fill("Votre nom dans ce cercle", "Camille")
        app.fill("Dans vos mots", STATEMENT)
        app.click("Garde du temps")  # the count to include
        app.see("Compté par le journal — Garde du temps")
        app.page.mouse.move(195, 420)
        app.page.mouse.wheel(0, 520)  # down to « Voici exactement ce qui partira », as a thumb would
        app.page.wait_for_timeout(800)  # the scroll's animation, for the picture only
        app.shot("1-what-leaves")
        app.click("Signer et demander une reconnaissance")
        app.see("La demande à montrer", timeout=60_000)
        app.click("Copier le code")
        app.see("Code copié")
        request = clipboard(app)
        app.shot("2-request")
    assert request.startswith("RSNTR1-")

    with phone(browser, tmp_path / "p", "badge-peer") as app:
        app.unlock(opened="Après le cercle")
        to_skills(app)
        app.click("Reconnaître un pair")
        app.page.evaluate("code => navigator.clipboard.writeText(code)", request)  # as a message app copies it
        app.click("Coller")
        app.see(STATEMENT, timeout=60_000)
        app.see("Émis par : Camille")
        app.fill("Votre nom dans ce cercle", "Sam")
        app.fill("Ce que vous avez vu de sa pratique", "Elle tient le temps avec douceur.")
        app.shot("3-endorse")
        app.click("Signer cette reconnaissance")
        app.see("Reconnaissance signée.", timeout=60_000)
        app.click("Copier le code")
        app.see("Code copié")
        reply = clipboard(app)
    assert reply.startswith("RSNTR1-") and reply != request

    with phone(browser, tmp_path / "m", "badge-member-again") as app:
        app.unlock(opened="Après le cercle")
        to_skills(app)
        app.tap_text("Pratique entre pairs")
        app.page.evaluate("code => navigator.clipboard.writeText(code)", reply)
        app.click("Coller")
        app.see("Émis par : Sam", timeout=60_000)
        app.see("Elle tient le temps avec douceur.")
        app.shot("4-received")

    session = JournalSession(tmp_path / "m", kdf=FAST_KDF)
    session.unlock(PASSPHRASE)
    try:
        [endorsement] = [h for h in Recognition(session.database).held() if h.role == "endorsement"]
        assert endorsement.checked().ok and endorsement.checked().issuer_name == "Sam"
    finally:
        session.lock()
