"""The relay through the screens, tapping the real controls, with a real relay on loopback: a
member shares with one tap (and a circle question), sees « envoyée le … »; with the relay down
the insight waits and « Réessayer l'envoi » sends it once the relay is back; the harvest given
back to the circle shows; a facilitator makes a circle on a relay, writes and publishes its
questions, and receives what members sent."""

from __future__ import annotations

from datetime import date

import flet as ft

from journal_app.circle_messages import Harvest, HarvestTheme, harvest_body, sign_message
from journal_app.circles import Circles
from journal_app.harvest import Harvest as Received
from journal_app.session import JournalSession
from journal_app.usecases.relay import create_circle, publish_questions, send_outbox
from journal_app.vault.storage import create_database
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.flet_harness import run_ui
from tests.relay_live import free_port, relay_in_thread
from tests.test_views import app, unlock

DAY = date(2026, 12, 3)


def member_journal(data_dir, code: str) -> str:
    session = JournalSession(data_dir, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    entry = session.journal.add("Le repas partagé nous a rapprochés.", title="Après le cercle")
    Circles(session.database).join(code)
    session.lock()
    return entry.id


def facilitator_db(tmp_path):
    return create_database(tmp_path / "facilitator.vault", PASSPHRASE, kdf=FAST_KDF)[0]


def test_a_member_shares_with_one_tap_and_attaches_a_question(tmp_path):
    facilitator = facilitator_db(tmp_path)
    with relay_in_thread(tmp_path / "relay") as url:
        keys = create_circle(facilitator, "Cercle du jeudi", url)
        cid = keys.invitation.circle_id
        question = Circles(facilitator).add_question(cid, "Qu’est-ce qui nous a nourris?", "What nourished us?")
        publish_questions(facilitator, cid, DAY)
        entry_id = member_journal(tmp_path / "m", keys.invitation.code())

        async def body():
            h, shell = await app(tmp_path / "m")
            shell.ctx.relay.delay = lambda: 2.0  # the privacy delay, shortened
            await unlock(h)
            await h.wait_for(lambda: bool(Circles(shell.ctx.session.database).circle_questions(cid)), timeout=30)
            shell.go(f"/share/{entry_id}")
            await h.settle()
            assert h.has_text("À quelle question du cercle répond-elle?")
            await h.choose("Qu’est-ce qui nous a nourris?")
            await h.click(ft.FilledButton, "Je confirme")
            circles = Circles(shell.ctx.session.database)
            # During the privacy delay: calm words, not a failure.
            await h.wait_for(lambda: h.has_text("partira dans quelques instants"), timeout=30)
            await h.wait_for(lambda: bool(circles.outbox()) and circles.outbox()[0].sent is not None, timeout=30)
            # Back on the entry, which says so without being opened again (m3).
            await h.wait_for(lambda: h.has_text("a été partagée avec « Cercle du jeudi » : envoyée le"), timeout=30)
            shell.show_outbox()
            await h.settle()
            assert h.has_text("envoyée le") and not h.find_all(ft.OutlinedButton, "Réessayer l’envoi")
            shell.lock()

        run_ui(body)
        from journal_app.usecases.relay import receive

        assert receive(facilitator, cid).received == 1
    [held] = [d for d in facilitator.storage.read()["received"].values() if "text" in d]
    assert held["question"] == question.id and held["text"] == "Le repas partagé nous a rapprochés."
    facilitator.close()


def test_with_the_relay_down_the_insight_waits_and_retry_sends_it_once(tmp_path):
    facilitator = facilitator_db(tmp_path)
    port = free_port()
    with relay_in_thread(tmp_path / "relay", port) as url:
        keys = create_circle(facilitator, "Cercle", url)
    cid = keys.invitation.circle_id
    entry_id = member_journal(tmp_path / "m", keys.invitation.code())

    async def body():
        h, shell = await app(tmp_path / "m")
        relay = shell.ctx.relay
        relay.delay, relay.retry = (lambda: 0.0), (lambda attempt: 3600.0)  # the automatic retry is far off
        await unlock(h)
        shell.go(f"/share/{entry_id}")
        await h.settle()
        await h.click(ft.FilledButton, "Je confirme")
        await h.wait_for(lambda: relay.last is not None and relay.last.waiting == 1, timeout=30)
        shell.show_outbox()
        await h.settle()
        assert h.has_text("en attente d’envoi") and h.has_text("ne répond pas")
        with relay_in_thread(tmp_path / "relay", port):
            await h.click(ft.OutlinedButton, "Réessayer l’envoi")
            await h.wait_for(lambda: h.has_text("envoyée le"), timeout=30)
            assert not h.find_all(ft.OutlinedButton, "Réessayer l’envoi")
            from journal_app.usecases.relay import receive

            assert receive(facilitator, cid).received == 1  # once, not twice
            assert send_outbox(shell.ctx.session.database, DAY, pause=lambda: None).reports == []
        shell.lock()

    run_ui(body)
    facilitator.close()


def test_what_the_circle_harvested_shows_to_members(tmp_path):
    from journal_app.circles import new_relay
    from journal_app.sharing import CircleKeys, Invitation

    relay = new_relay("http://127.0.0.1:9")  # nothing answers there: the message is already held
    keys = CircleKeys.create("Cercle du jeudi")
    invitation = Invitation(keys.invitation.circle_id, keys.invitation.name, keys.invitation.public_key, relay.access)
    member_journal(tmp_path, invitation.code())
    session = JournalSession(tmp_path, kdf=FAST_KDF)
    session.unlock(PASSPHRASE)
    given = Harvest("Cercle du jeudi", 5, 17, (HarvestTheme("Le temps de nos rencontres", 9, (
        ("We always end late.", "en"), ("On finit toujours trop tard.", "fr"))),))
    Circles(session.database).keep_message(invitation.circle_id, sign_message(
        invitation.circle_id, "harvest", 1, DAY, harvest_body(given), relay.signing_private))
    session.lock()

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        shell.show_outbox()
        await h.settle()
        await h.click(ft.OutlinedButton, "La récolte de «\u00a0Cercle du jeudi\u00a0»")
        assert shell.route == f"/harvest/{invitation.circle_id}"
        assert h.has_text("Le temps de nos rencontres (9)") and h.has_text("3 décembre 2026")
        texts = h.texts()
        fr_quote = next(i for i, t in enumerate(texts) if "On finit toujours" in t)
        en_quote = next(i for i, t in enumerate(texts) if "We always end late" in t)
        assert fr_quote < en_quote  # the member's language first
        shell.lock()

    run_ui(body)


def new_journal(folder):
    session = JournalSession(folder, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    session.lock()


async def create_on_relay(folder, url):
    """A facilitator on a laptop fills « Créer le cercle » with a name and the relay's address."""
    h, shell = await app(folder, width=1280)
    await unlock(h)
    shell.show_facilitator()
    await h.settle()
    await h.type(h.find(ft.TextField, "Nom du cercle"), "Cercle du jeudi")
    await h.type(h.find(ft.TextField, "Adresse du relais du cercle"), url)
    await h.click(ft.FilledButton, "Créer le cercle")
    return h, shell


def test_a_facilitator_makes_a_circle_on_a_relay_publishes_questions_and_receives(tmp_path):
    with relay_in_thread(tmp_path / "relay") as url:
        new_journal(tmp_path / "f")

        async def body():
            h, shell = await create_on_relay(tmp_path / "f", url)
            circles = Circles(shell.ctx.session.database)
            await h.wait_for(lambda: bool(circles.owned()), timeout=30)
            [keys] = circles.owned()
            assert keys.invitation.relay is not None and keys.invitation.code().startswith("RSNT2-")
            assert h.has_text(url)
            await h.unfold("Les questions du cercle (0)")
            await h.type(h.find(ft.TextField, "La question en français"), "Qu’est-ce qui nous freine?")
            await h.type(h.find(ft.TextField, "La question en anglais"), "What holds us back?")
            await h.click(ft.OutlinedButton, "Ajouter la question")
            assert [q.en for q in circles.questions(keys.invitation.circle_id)] == ["What holds us back?"]
            await h.click(ft.FilledButton, "Publier pour le cercle")
            await h.wait_for(lambda: h.has_text("publiée pour le cercle"), timeout=30)
            # Two members send from their phones meanwhile.
            cid = keys.invitation.circle_id
            for n in range(2):
                member = create_database(tmp_path / f"m{n}.vault", PASSPHRASE, kdf=FAST_KDF)[0]
                Circles(member).join(keys.invitation.code())
                for i in range(3):
                    Circles(member).share(cid, f"Idée {n}-{i}", day=DAY, kind="free")
                assert send_outbox(member, DAY, pause=lambda: None).delivered == 3
                member.close()
            await h.click(ft.FilledButton, "Recevoir")
            await h.wait_for(lambda: h.has_text("6 envois reçus"), timeout=60)
            assert len(Received(shell.ctx.session.database).released(cid)) == 6
            shell.lock()

        run_ui(body)


def test_a_relay_that_asks_for_its_registration_token_gets_it_from_the_form(tmp_path):
    """Relays ask for a registration token by default: the form has a field for it, a wrong or
    missing token is said on that field, and the right one creates the circle."""
    from journal_app.relay.app import Limits

    with relay_in_thread(tmp_path / "relay", limits=Limits(registration_token="jeton-du-relais")) as url:
        new_journal(tmp_path / "f")

        async def body():
            h, shell = await create_on_relay(tmp_path / "f", url)
            token = h.find(ft.TextField, "Jeton d’inscription du relais")
            await h.wait_for(lambda: bool(token.error), timeout=30)
            assert "jeton" in token.error and not Circles(shell.ctx.session.database).owned()
            await h.type(token, "jeton-du-relais")
            await h.click(ft.FilledButton, "Créer le cercle")
            circles = Circles(shell.ctx.session.database)
            await h.wait_for(lambda: bool(circles.owned()), timeout=30)
            assert "jeton-du-relais" not in repr(shell.ctx.session.database.storage.read())  # not kept
            shell.lock()

        run_ui(body)
