"""Routes: every screen has an address, renders in French and English on a phone and a laptop,
the back button (Android's, the app bar's, the browser's) returns where the person came from,
and a reload while locked lands on the same screen once unlocked."""

from __future__ import annotations

import re
from datetime import date

import flet as ft
import pytest

from journal_app.circles import Circles
from journal_app.session import JournalSession
from journal_app.sharing import CircleKeys
from journal_app.views.routes import DESTINATIONS, ROUTES, find
from journal_app.views.shell import JournalPage
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.flet_harness import new_harness, run_ui
from tests.test_views import app, unlock

CATALOG_KEY = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def rich_journal(data_dir) -> dict[str, str]:
    """Entries (free and guided), a joined circle with something shared, an owned circle."""
    session = JournalSession(data_dir, kdf=FAST_KDF)
    session.create(PASSPHRASE)
    journal = session.journal
    free = journal.add("Après le cercle, un galet dans la poche.", title="Après le cercle",
                       tags=("cercle",))
    journal.add("", kind="reflection", pack_id="orid", answers={"objective": "On était six."})
    circles = Circles(session.database)
    member_of = CircleKeys.create("Cercle du mardi")
    circles.join(member_of.invitation.code())
    circles.share(member_of.invitation.circle_id, "Un extrait", day=date(2026, 11, 24), kind="free")
    owned = circles.create("Cercle du jeudi")
    session.lock()
    return {"id": free.id, "circle": owned.invitation.circle_id, "joined": member_of.invitation.circle_id,
            "skill": "focusing"}


def address_of(pattern: str, ids: dict[str, str]) -> str:
    which = {"/circle/": "circle", "/harvest/": "joined", "/skill/": "skill"}
    key = next((v for k, v in which.items() if pattern.startswith(k)), "id")
    return pattern.format(id=ids[key], pack="orid" if pattern.startswith("/reflect") else "check-in")


def visible_keys(h) -> list[str]:
    return [t for t in h.texts() if CATALOG_KEY.match(t)]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_every_route_renders(tmp_path, lang, width):
    ids = rich_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path, width=width, lang=lang)
        await unlock(h, passphrase=PASSPHRASE) if lang == "fr" else await unlock_en(h)
        for route in ROUTES:
            address = address_of(route.pattern, ids)
            assert shell.go(address), address
            await h.settle()
            assert not h.conn.crashes, (address, h.conn.crashes)
            h.assert_client_up_to_date()
            assert shell.route == address and h.page.views[-1].route == address
            assert shell.stack[-1].route is route
            assert not visible_keys(h), (address, visible_keys(h))
        shell.lock()

    run_ui(body)


async def unlock_en(h):
    await h.type(h.find(ft.TextField, "Passphrase"), PASSPHRASE)
    await h.click(ft.FilledButton, "Unlock")
    await h.wait_for(lambda: not h.find_all(ft.FilledButton, "Unlock"))


def test_back_returns_where_the_person_came_from(tmp_path):
    ids = rich_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        for route in ROUTES:
            if route.parent is None:
                continue
            address = address_of(route.pattern, ids)
            parent = address_of(route.parent, ids)
            shell.go(parent)
            shell.go(address)
            assert [v.route for v in h.page.views][-2:] == [parent, address]
            # Android's back button pops the top view.
            await h.fire(h.page, "view_pop", {"route": address})
            assert shell.route == parent and h.page.views[-1].route == parent, address
            # The app bar's own arrow, named once, does the same.
            shell.go(address)
            arrow = h.page.views[-1].appbar.leading
            assert isinstance(arrow, ft.IconButton) and arrow.icon.semantics_label == "Retour"
            await h.fire(arrow, "click")
            assert shell.route == parent and h.page.views[-1].route == parent, address
            assert h.page.views[0].appbar.leading is None  # nothing under the first screen
        shell.lock()

    run_ui(body)


def test_the_browser_back_button_and_leaving_the_editor_saves(tmp_path):
    ids = rich_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        await h.click(ft.ListTile, "Après le cercle")
        assert shell.route == f"/entry/{ids['id']}" and h.page.route == shell.route
        title = h.find(ft.TextField, "Titre")
        await h.type(title, "Après le cercle du jeudi")
        # The browser's back button: the client reports the previous address.
        h.page.route = "/journal"
        await h.fire(h.page, "route_change", {"route": "/journal"})
        assert shell.route == "/journal" and h.has_text("Après le cercle du jeudi")
        assert shell.ctx.session.journal.get(ids["id"]).title == "Après le cercle du jeudi"
        shell.lock()

    run_ui(body)


def test_a_reload_on_an_entry_while_locked_shows_unlock_then_the_entry(tmp_path):
    ids = rich_journal(tmp_path)

    async def body():
        from journal_app.app import build_app
        from journal_app.settings import Settings, save_settings

        save_settings(tmp_path, Settings(language="fr"))
        h = await new_harness()
        h.page.route = f"/entry/{ids['id']}"  # the address the browser reloads
        shell = build_app(h.page, tmp_path, autosave_delay=0.01)
        shell.ctx.session._kdf = FAST_KDF
        h.page.update()
        assert h.has_text("Déverrouiller") and not h.has_text("Après le cercle")
        await unlock(h)
        assert shell.route == f"/entry/{ids['id']}"
        assert h.find(ft.TextField, "Titre").value == "Après le cercle"
        await h.fire(h.page, "view_pop", {"route": shell.route})
        assert shell.route == "/journal"
        shell.lock()

    run_ui(body)


def test_an_address_that_names_nothing_lands_on_the_journal_with_a_word(tmp_path):
    rich_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path)
        await unlock(h)
        shell.go("/entry/nothing-here")
        await h.settle()
        assert shell.route == "/journal" and h.has_text("Aucune entrée")
        shell.go("/nowhere/at/all")
        assert shell.route == "/journal"
        shell.lock()

    run_ui(body)


def test_every_destination_is_a_registered_route_and_every_route_is_reachable(tmp_path):
    for nav, address in DESTINATIONS.items():
        found = find(address)
        assert found is not None and found[0].nav == nav, address
    patterns = [r.pattern for r in ROUTES]
    assert len(patterns) == len(set(patterns))
    for route in ROUTES:
        assert route.parent is None or find(route.parent.replace("{id}", "x")) is not None, route.pattern
    ids = rich_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path, width=1280)
        await unlock(h)
        # The navigation rail leads to each destination's route.
        for nav, address in DESTINATIONS.items():
            rail = h.find(ft.NavigationRail)
            rail.selected_index = nav
            await h.fire(rail, "change")
            assert shell.route == address and shell.nav == nav
        shell.go(f"/entry/{ids['id']}")
        assert isinstance(shell.screen, JournalPage)  # side by side on a laptop
        shell.lock()

    run_ui(body)


def back_controls(h) -> list[str]:
    """The controls a screen reader names « Retour… » on the screen shown."""
    named = []
    for c in h.walk():
        if isinstance(c, ft.IconButton) and isinstance(c.icon, ft.Icon):
            named.append(c.icon.semantics_label or "")
        elif isinstance(c, (ft.TextButton, ft.OutlinedButton, ft.FilledButton)) and isinstance(c.content, str):
            named.append(c.content)
    return [n for n in named if n.startswith("Retour")]


@pytest.mark.parametrize("width", [390, 1280])
def test_every_screen_reached_from_another_has_one_back_control(tmp_path, width):
    """Issue 28 (p1): the entry, shares, harvest, skills and circles screens had two back
    controls, the app bar's arrow and a « Retour » button, both read by a screen reader."""
    ids = rich_journal(tmp_path)

    async def body():
        h, shell = await app(tmp_path, width=width)
        await unlock(h)
        for route in ROUTES:
            if route.parent is None:
                continue
            address = address_of(route.pattern, ids)
            assert shell.go(address), address
            await h.settle()
            assert len(back_controls(h)) == 1, (address, back_controls(h))
        shell.lock()

    run_ui(body)
