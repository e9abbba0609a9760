"""The relay end to end: a real relay process, a member's app in Chromium sharing with one tap,
and the facilitator's app in Chromium receiving through the dashboard."""

from __future__ import annotations

from datetime import date

import pytest

from journal_app.circles import Circles
from journal_app.harvest import Harvest
from journal_app.session import JournalSession
from journal_app.usecases.relay import create_circle
from tests.conftest import FAST_KDF
from tests.relay_live import free_port, relay_process, wait_healthy
from tests.test_e2e_browser import PASSPHRASE, App, browser, web_app  # noqa: F401 (browser: a fixture)
from tests.test_e2e_flows import no_crash

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def journal_at(folder):
    session = JournalSession(folder, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    return session


def test_a_member_shares_with_one_tap_and_the_facilitator_receives(browser, tmp_path):  # noqa: F811
    port = free_port()
    relay = relay_process(tmp_path / "relay-data", port, rate=50)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        facilitator = journal_at(tmp_path / "f")
        keys = create_circle(facilitator.database, "Cercle du jeudi", url)
        cid = keys.invitation.circle_id
        facilitator.lock()
        members = []
        for n in range(4):  # four other members already sent theirs from their phones
            other = journal_at(tmp_path / f"o{n}")
            Circles(other.database).join(keys.invitation.code())
            Circles(other.database).share(cid, f"Une idée d’un autre membre, {n}", day=date.today(), kind="free")
            from journal_app.usecases.relay import send_outbox

            assert send_outbox(other.database, date.today()).delivered == 1
            members.append(other)
            other.lock()
        member = journal_at(tmp_path / "m")
        member.journal.add("Le repas partagé nous a rapprochés.", title="Après le cercle")
        Circles(member.database).join(keys.invitation.code())
        member.lock()

        with web_app(tmp_path / "m", tmp_path / "member.log") as member_url:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            app = App(context.new_page(), "relay-member")
            try:
                app.open(member_url)
                app.unlock(opened="Après le cercle")
                app.tap_text("Après le cercle")
                app.click("Partager une idée")
                app.see("Phrase par phrase")
                app.click("Je confirme")
                app.see("partira vers le relais du cercle")
                app.shot("1-shared-by-relay")
                # A few seconds later (the random delay) the relay has it: the outbox says so.
                app.click("Voir mes idées partagées")
                app.see("envoyée le", timeout=90_000)
                app.shot("2-sent")
                no_crash(app, tmp_path / "member.log")
            finally:
                context.close()
        with web_app(tmp_path / "f", tmp_path / "facilitator.log") as facilitator_url:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            app = App(context.new_page(), "relay-facilitator")
            try:
                app.open(facilitator_url)
                app.unlock()
                app.click("Réglages")
                app.click("Animer un cercle")
                app.see("Recevoir", timeout=60_000)
                app.click("Recevoir")
                app.see("5 enveloppes reçues", timeout=90_000)
                app.shot("3-received")
                no_crash(app, tmp_path / "facilitator.log")
            finally:
                context.close()
        session = JournalSession(tmp_path / "f", kdf=FAST_KDF)
        session.unlock(PASSPHRASE)
        texts = sorted(i.text for i in Harvest(session.database).released(cid))
        session.lock()
        assert "Le repas partagé nous a rapprochés." in texts and len(texts) == 5
    finally:
        relay.kill()
        relay.wait(timeout=30)
