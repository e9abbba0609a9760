"""The crawler (tests/crawler.py) over every route, in French and English, at phone and desktop
width, from a journal with entries, guided entries, a joined circle and an owned circle with
themes. It prints how many routes and controls it visited."""

from __future__ import annotations

import os
from datetime import date

import pytest

from journal_app.app import build_app
from journal_app.circles import Circles
from journal_app.harvest import Harvest
from journal_app.journal import FeltShift, Meeting, Practiced
from journal_app.session import JournalSession
from journal_app.settings import Settings, save_settings
from journal_app.sharing import CircleKeys, make_bundle, new_insight, seal
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.crawler import (
    TAPPABLE,
    TRICKY,
    Findings,
    activate,
    attached,
    check_screen,
    dialog_controls,
    dismiss_dialogs,
    identity,
    interactive,
    open_dialogs,
)
from tests.flet_harness import new_harness, run_ui
from tests.labelled_insights import labelled_set
from tests.test_words import roboto_cmap

USER_TEXTS = {"Après la rencontre du cercle", "Cercle du relais", "Qu’est-ce qui nous porte?", "What carries us?",
              "Le temps de nos rencontres", "On finit trop tard.", "We end late.", "Une idée qui attend le relais",
              "J’ai senti une chaleur dans la poitrine quand Sylvie a parlé.",
              "Les épaules descendent.", "galet", "On a parlé du budget.", "Cercle du jeudi", "Cercle des pairs"}


def crawl_journal(data_dir) -> dict[str, str]:
    """A journal as a member who also facilitates would have it; returns the ids to visit."""
    session = JournalSession(data_dir, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    journal = session.journal
    free = journal.add("J’ai senti une chaleur dans la poitrine quand Sylvie a parlé.",
                       title="Après la rencontre du cercle", tags=["cercle", "corps"])
    guided = journal.add(kind="focusing", pack_id="check-in", title="« galet » — Point de présence",
                         answers={"settle": "Les épaules descendent.", ":handle": "galet"},
                         felt_shift=FeltShift(3, 7), practiced=Practiced(290, True))
    journal.add(kind="focusing", pack_id="wholebody-focusing", title="Séance guidée de Wholebody Focusing",
                answers={"arrive": "Les pieds."}, practiced=Practiced(40, False))  # stopped: shown apart
    reflection = journal.add(kind="reflection", pack_id="orid", title="ORID après une rencontre",
                             answers={"objective": "On a parlé du budget."},
                             meeting=Meeting(name="Cercle du jeudi", date=date(2026, 11, 26), role="scribe"))
    db = session.database
    other = CircleKeys.create("Cercle des pairs")
    Circles(db).join(other.invitation.code())
    Circles(db).share(other.invitation.circle_id, "Un moment de grâce", day=date(2026, 11, 27), kind="free")
    # A circle with a relay that does not answer (loopback port 9): its questions and its
    # harvest signed and kept, one insight waiting to be sent.
    from journal_app.circle_messages import (
        Harvest as Given,
    )
    from journal_app.circle_messages import (
        HarvestTheme,
        Question,
        harvest_body,
        questions_body,
        sign_message,
    )
    from journal_app.circles import new_relay
    from journal_app.sharing import Invitation

    relay = new_relay("http://127.0.0.1:9")
    peers = CircleKeys.create("Cercle du relais")
    invitation = Invitation(peers.invitation.circle_id, peers.invitation.name, peers.invitation.public_key,
                            relay.access)
    Circles(db).join(invitation.code())
    Circles(db).keep_message(invitation.circle_id, sign_message(
        invitation.circle_id, "questions", 1, date(2026, 11, 28),
        questions_body([Question("q1", "Qu’est-ce qui nous porte?", "What carries us?")]), relay.signing_private))
    Circles(db).keep_message(invitation.circle_id, sign_message(
        invitation.circle_id, "harvest", 1, date(2026, 11, 28), harvest_body(Given("Cercle du relais", 5, 12, (
            HarvestTheme("Le temps de nos rencontres", 7, (("On finit trop tard.", "fr"), ("We end late.", "en"))),))),
        relay.signing_private))
    Circles(db).share(invitation.circle_id, "Une idée qui attend le relais", day=date(2026, 11, 28), kind="free")
    owned = Circles(db).create("Cercle du jeudi")
    rows = labelled_set()[::12]
    prompts = ["orid.reflective", "four-ls.liked", ""]
    envelopes = [seal(new_insight(r.text, day=date(2026, 11, 20), kind="reflection", prompt_id=prompts[n % 3],
                                  lang=r.lang)[0], owned.invitation) for n, r in enumerate(rows)]
    for half in (envelopes[::2], envelopes[1::2]):
        Harvest(db).import_bundle(make_bundle(owned.invitation.circle_id, half))
    USER_TEXTS.update(r.text for r in rows)
    session.lock()
    return {"free": free.id, "guided": guided.id, "reflection": reflection.id,
            "circle": owned.invitation.circle_id, "relay_circle": invitation.circle_id}


def addresses(ids: dict[str, str]) -> list[str]:
    return ["/journal", f"/entry/{ids['free']}", f"/entry/{ids['guided']}", f"/entry/{ids['reflection']}",
            "/write", f"/share/{ids['free']}", f"/share/{ids['reflection']}", "/practices",
            "/practice/check-in", "/reflect/orid", "/progress", "/settings", "/shares", "/circles",
            f"/circle/{ids['circle']}", f"/circle/{ids['circle']}/badge", f"/harvest/{ids['relay_circle']}",
            "/skills", "/skill/focusing",
            "/recognize", "/verify"]


async def crawl(data_dir, ids, lang: str, width: int, findings: Findings) -> None:
    save_settings(data_dir, Settings(language=lang))
    h = await new_harness(width=width)
    h.settle_rounds, h.check_each_event = 2, False

    async def quiet(rounds: int) -> None:
        """Once what a tap started (an autosave, a worker thread) had time to finish, whatever
        it changed was sent to the client."""
        await h.settle(rounds)
        h.assert_client_up_to_date()
    shell = build_app(h.page, data_dir, autosave_delay=0.01)
    shell.ctx.session._kdf = FAST_KDF
    h.page.update()
    drawable = roboto_cmap()

    async def unlock_if_locked() -> None:
        if shell.ctx.session.is_open:
            return
        field = next(c for c in interactive(h) if getattr(c, "password", False))
        h.client_sets(field, value=PASSPHRASE)
        await h.fire(field, "submit")
        # Unlocking is not what is crawled (other tests hold it to every update): wait until
        # the journal is open and its screen fully sent, however slow the machine.
        for _ in range(1000):
            await h.settle(5)
            before = h.conn.patches
            h.page.update()
            if shell.ctx.session.is_open and shell.lock_screen is None and h.conn.patches == before:
                return
        raise AssertionError("the journal did not open")

    async def go(address: str) -> None:
        await dismiss_dialogs(h)
        await unlock_if_locked()
        if shell.ctx.settings.language != lang:
            shell.ctx.change_settings(Settings(**{**shell.ctx.settings.__dict__, "language": lang}))
            shell._settings_changed()
        shell.go(address)
        await h.settle()

    await unlock_if_locked()
    for address in addresses(ids):
        where = f"{lang} {width}px {address}"
        await go(address)
        findings.visits += 1
        findings.addresses.add(address)
        check_screen(h, where, findings, drawable, USER_TEXTS, lang)
        count = len(interactive(h))
        for n in range(count):
            if (shell.route != address or open_dialogs(h) or not shell.ctx.session.is_open
                    or shell.ctx.settings.language != lang):
                await go(address)  # the last tap led elsewhere: come back
            controls = interactive(h)
            if n >= len(controls):
                break
            control = controls[n]
            findings.controls += 1

            async def exercise(control: object, n: int, rounds: int, where: str, address: str) -> None:
                findings.actions += await activate(h, control)
                if isinstance(control, TAPPABLE) and attached(control) and not dialog_controls(h):
                    findings.actions += await activate(h, control)  # twice in a row
                check_screen(h, where, findings, drawable, USER_TEXTS, lang)
                answers = dialog_controls(h)
                for m in range(len(answers)):
                    if m:
                        await go(address)
                        await activate(h, interactive(h)[n])
                    answer = dialog_controls(h)[m] if m < len(dialog_controls(h)) else None
                    if answer is None:
                        break
                    check_screen(h, where + " (dialog)", findings, drawable, USER_TEXTS, lang)
                    findings.controls += 1
                    findings.actions += await activate(h, answer)
                    if attached(answer):
                        findings.actions += await activate(h, answer)
                    check_screen(h, where, findings, drawable, USER_TEXTS, lang)
                await quiet(rounds)

            try:
                try:
                    await exercise(control, n, 6, where, address)
                except AssertionError as exc:
                    if "never sent" not in str(exc):
                        raise
                    # A busy machine may not have finished an autosave in 0.1 s: the same
                    # taps again, with time to finish. A change truly never sent fails again.
                    await go(address)
                    again = interactive(h)
                    if n < len(again):
                        await exercise(again[n], n, 80, where, address)
            except AssertionError as exc:  # a crash, or a change never sent to the client
                findings.add(where, f"tapping {identity(control)} failed: {str(exc)[:300]}")
    shell.lock()


# Both languages and both widths; CRAWL_PASSES=fr:390,fr:1280,en:390,en:1280 for every pair.
# One test a pass, so that `pytest -n 2` runs two passes side by side.
PASSES = os.environ.get("CRAWL_PASSES", "fr:390,en:1280").split(",")


@pytest.mark.extras  # the owned circle's themes need the facilitator extra
@pytest.mark.slow
@pytest.mark.parametrize("crawl_pass", PASSES)
def test_the_crawler_finds_nothing_a_person_would_trip_over(tmp_path, crawl_pass):
    ids = crawl_journal(tmp_path)
    findings = Findings()
    USER_TEXTS.update(t for t in TRICKY if t)  # what the crawler typed is the person's, not the app's
    lang, width = crawl_pass.split(":")

    async def body():
        await crawl(tmp_path, ids, lang, int(width), findings)

    run_ui(body)
    print(f"\ncrawler: {findings.visits} visits of {len(findings.addresses)} routes, "
          f"{findings.controls} controls, {findings.actions} actions")
    assert not findings.problems, "\n".join(findings.problems)
