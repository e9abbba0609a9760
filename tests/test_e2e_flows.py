"""End to end in Chromium, at phone and desktop size, for the flows members asked for: sharing a
passage chosen sentence by sentence, the calendar and « Il y a un an », and a guided session
stopped with each choice, each tapped twice in a row as a hurried finger does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

import pytest

from journal_app.circles import Circles
from journal_app.i18n import format_date
from journal_app.sharing import CircleKeys
from tests.test_e2e_browser import (  # noqa: F401  (fixtures)
    _HAS_KEYBOARD,
    CHROMIUM,
    App,
    browser,
    open_journal,
    server,
)

pytestmark = [
    pytest.mark.slow,
    # One browser at a time (pytest -n 2 --dist loadgroup): the other worker runs the rest.
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed; .ci/run installs it"),
]

SIZES = pytest.mark.parametrize("size", [(390, 844), (1280, 800)], ids=["phone", "desktop"])


def no_crash(app: App, server_log) -> None:
    assert app.absent("Error running app")
    assert "Traceback" not in server_log.read_text(), server_log.read_text()[-3000:]


@contextmanager
def unlocked(chromium, url: str, size: tuple[int, int], name: str) -> Iterator[App]:
    """The app in a new browser window of `size`, the journal unlocked; the window closed after."""
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]})
    app = App(context.new_page(), f"{name}-{size[0]}")
    try:
        app.open(url)
        app.unlock()
        yield app
    finally:
        context.close()


def tap_twice(app: App, name: str) -> None:
    """Two taps in a row on one button, the second before the screen has changed."""
    button = app.button(name)
    button.wait_for(timeout=20_000)
    try:
        button.dblclick(timeout=5_000)
    except Exception:  # an empty semantics node over the button: send both to the button itself
        button.dispatch_event("click")
        button.dispatch_event("click")


def ticks(app, expected: str) -> None:
    """Wait until the three sentences' checkboxes read `expected` in the accessibility tree."""
    app.page.wait_for_function(
        """expected => [...document.querySelectorAll('[role=checkbox]')]
            .map(e => (e.getAttribute('aria-label') || e.textContent).slice(0, 5)
                      + '=' + e.getAttribute('aria-checked'))
            .filter(s => ['Le ce', 'Quand', 'Puis '].includes(s.slice(0, 5))).join() === expected""",
        arg=expected, timeout=60_000)


@SIZES
def test_a_passage_chosen_sentence_by_sentence_is_what_leaves(browser, server, size):  # noqa: F811
    url, data = server
    session = open_journal(data)
    entry = session.journal.add("Le cercle a commencé en retard. Quand Sylvie a parlé, j’ai senti ma gorge "
                                "se serrer. Puis tout s’est posé.", title="Après le cercle")
    facilitator = CircleKeys.create("Cercle du jeudi")
    Circles(session.database).join(facilitator.invitation.code())
    session.lock()
    with unlocked(browser, url, size, "share-passage") as app:
        app.tap_text("Après le cercle")
        app.click("Partager une idée")
        app.see("Phrase par phrase")
        # One control a sentence, read with its text as it would leave.
        first = app.page.get_by_role("checkbox", name="Le cercle a commencé en retard.")
        first.wait_for(timeout=20_000)
        assert app.page.get_by_role("checkbox", name="Quand [personne A] a parlé").count() == 1
        # Each tap is waited on until the screen shows it, before the next: a tap that comes
        # while the sentences are being redrawn from the one before can land on a node that is
        # going away (seen once on a busy machine).
        first.click()
        ticks(app, "Le ce=false,Quand=true,Puis =true")
        app.page.get_by_role("checkbox", name="Puis tout s’est posé.").click()
        kept = "Quand [personne A] a parlé, j’ai senti ma gorge se serrer."
        app.see("Ce qui partira")
        ticks(app, "Le ce=false,Quand=true,Puis =false")  # the two left out unticked, the kept one ticked
        app.shot("1-passage")
        app.click("Je confirme")
        app.see("a été partagée avec « Cercle du jeudi »")  # the entry says so, with its status
        app.shot("2-entry-says-shared")
        no_crash(app, data.parent / "server.log")
    session = open_journal(data)
    [item] = Circles(session.database).outbox()
    assert item.shared.insight.text == kept and item.entry_id == entry.id
    session.lock()


@SIZES
def test_the_calendar_and_a_year_ago_open_their_entries(browser, server, size):  # noqa: F811
    url, data = server
    today = date.today()
    a_year_ago = today.replace(year=today.year - 1) if (today.month, today.day) != (2, 29) \
        else today.replace(year=today.year - 1, day=28)
    other_day = today.replace(day=3) if today.day != 3 else today.replace(day=4)
    session = open_journal(data)
    old = session.journal.add("Le premier hiver du cercle.", title="Il y a longtemps",
                        created=datetime.combine(a_year_ago, time(10)).astimezone())
    session.journal.add("Une marche au parc.", title="Le jour trois",
                        created=datetime.combine(other_day, time(9)).astimezone())
    session.journal.add("Aujourd’hui, du calme.", title="Aujourd’hui")
    session.lock()
    with unlocked(browser, url, size, "calendar") as app:
        app.see("Il y a un an, ce jour-là")
        app.shot("1-a-year-ago")
        app.page.get_by_role("button", name="Il y a longtemps").first.click()
        app.page.wait_for_url(f"**/entry/{old.id}", timeout=20_000)  # that entry is open
        if size[0] < 600:
            app.click("Retour")  # the app bar's arrow
        app.click("Calendrier")
        day = app.page.get_by_role("button", name=f"{format_date(other_day, 'fr')}, 1 entrée", exact=True)
        day.wait_for(timeout=20_000)  # named once: its date and count, not its number again
        app.shot("2-calendar")
        day.click()
        app.see("1 entrée sur 3")  # only that day's entry is listed
        assert app.page.get_by_role("button", name="Le jour trois").count() >= 1
        assert app.page.get_by_role("button", name="Aujourd’hui").count() == 0
        app.shot("3-day")
        no_crash(app, data.parent / "server.log")


@SIZES
@pytest.mark.parametrize("choice", ["Garder mes notes", "Ne rien garder", "Reprendre la séance"])
def test_a_guided_session_stopped_with_a_double_tap(browser, server, size, choice):  # noqa: F811
    url, data = server
    open_journal(data).lock()
    with unlocked(browser, url, size, "stop") as app:
        app.click("Pratiques")
        app.tap_text("Météo intérieure en cinq minutes")
        app.click("Commencer")
        app.see("Se poser")
        app.fill("Mes notes pour cette étape", "Les épaules descendent.")
        app.click("Arrêter la séance")
        app.see("Arrêter maintenant?")
        tap_twice(app, choice)
        if choice == "Reprendre la séance":
            app.see("Suivant")  # still in the session; stopped again, the note is still there
            app._text("Arrêter maintenant?").first.wait_for(state="hidden", timeout=20_000)
            app.click("Arrêter la séance")
            app.click("Garder mes notes")
            app.see("Pratique enregistrée")
        elif choice == "Garder mes notes":
            app.see("Météo intérieure en cinq minutes")
            app.see("Pratique enregistrée")
        else:
            app.see("Mon parcours")  # back among the practices, nothing written
        app._text("Arrêter maintenant?").first.wait_for(state="hidden", timeout=20_000)  # closed for good
        no_crash(app, data.parent / "server.log")
    session = open_journal(data)
    entries = session.journal.entries()
    if choice == "Ne rien garder":
        assert entries == []
    else:
        [entry] = entries
        assert entry.kind == "focusing" and "Les épaules descendent." in entry.answers.values()
    session.lock()


@SIZES
def test_the_text_typed_while_the_title_is_first_saved_is_kept_whole(browser, server, size):  # noqa: F811
    """The first autosave of a new entry used to move the browser to the entry's address, and
    the web client then dropped the focus and the letters being typed: only « J’a » was kept."""
    url, data = server
    open_journal(data).lock()
    body = "J’ai senti une chaleur dans la poitrine et le cœur s’est ouvert doucement."
    with unlocked(browser, url, size, "typing") as app:
        app.click("Écrire ma première entrée")
        app.fill("Titre", "Après le cercle")
        app.page.wait_for_timeout(700)  # a person moving to the text; the title saves meanwhile
        field = app.page.locator('textarea[aria-label="Texte"]')
        field.click()
        # A person types once the cursor is in the text (on a busy machine, Flutter gives it the
        # keyboard a moment after the click; a letter typed before that is typed nowhere).
        app.page.wait_for_function(_HAS_KEYBOARD, arg="Texte", timeout=20_000)
        app.page.keyboard.type(body, delay=50)  # a second and more of typing, across the save
        app.see("Enregistré à")
        no_crash(app, data.parent / "server.log")
    session = open_journal(data)
    [entry] = session.journal.entries()
    assert (entry.title, entry.body) == ("Après le cercle", body)
    session.lock()
