"""The relay end to end: a real relay process, a member's app in Chromium sharing with one tap,
and the facilitator's app in Chromium receiving through the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest

from journal_app.circles import Circles
from journal_app.harvest import Harvest
from journal_app.session import JournalSession
from journal_app.usecases.relay import create_circle, send_outbox
from tests.conftest import FAST_KDF
from tests.relay_live import free_port, relay_process, wait_healthy
from tests.test_e2e_browser import PASSPHRASE, App, browser, web_app  # noqa: F401 (browser: a fixture)
from tests.test_e2e_flows import no_crash

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def journal_at(folder):
    session = JournalSession(folder, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    return session


@contextmanager
def window(chromium, data, size: tuple[int, int], name: str, **options) -> Iterator[App]:
    """The app over `data` in its own server and browser window (`options`: the browser
    context's, such as clipboard permissions); no crash in its log after."""
    log = data.parent / f"{name}.log"
    with web_app(data, log) as url:
        context = chromium.new_context(viewport={"width": size[0], "height": size[1]}, **options)
        app = App(context.new_page(), name)
        try:
            app.open(url)
            yield app
            no_crash(app, log)
        finally:
            context.close()


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
        for n in range(4):  # four other members already sent theirs from their phones
            other = journal_at(tmp_path / f"o{n}")
            Circles(other.database).join(keys.invitation.code())
            Circles(other.database).share(cid, f"Une idée d’un autre membre, {n}", day=date.today(), kind="free")
            assert send_outbox(other.database, date.today(), pause=lambda: None).delivered == 1
            other.lock()
        member = journal_at(tmp_path / "m")
        member.journal.add("Le repas partagé nous a rapprochés.", title="Après le cercle")
        Circles(member.database).join(keys.invitation.code())
        member.lock()

        with window(browser, tmp_path / "m", (390, 844), "relay-member") as app:
            app.unlock(opened="Après le cercle")
            app.tap_text("Après le cercle")
            app.click("Partager une idée")
            app.see("Phrase par phrase")
            app.click("Je confirme")
            app.see("Une idée tirée de cette entrée a été partagée avec « Cercle du jeudi »", timeout=120_000)
            app.shot("1-shared-by-relay")
            # A few seconds later (the random delay) the relay has it: the outbox says so.
            app.click("Voir mes idées partagées")
            app.see("envoyée le", timeout=90_000)
            app.shot("2-sent")
        with window(browser, tmp_path / "f", (1280, 800), "relay-facilitator") as app:
            app.unlock()
            app.click("Réglages")
            app.click("Animer un cercle")
            app.see("Recevoir", timeout=60_000)
            app.click("Recevoir")
            app.see("5 envois reçus", timeout=90_000)
            app.shot("3-received")
        session = JournalSession(tmp_path / "f", kdf=FAST_KDF)
        session.unlock(PASSPHRASE)
        texts = sorted(i.text for i in Harvest(session.database).released(cid))
        session.lock()
        assert "Le repas partagé nous a rapprochés." in texts and len(texts) == 5
    finally:
        relay.kill()
        relay.wait(timeout=30)
