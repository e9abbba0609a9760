"""The crawler's shorter pass in Chromium: every route, read through Chromium's own
accessibility tree (what a screen reader gets), in French on a phone and in English on a
desktop, from a journal with entries, guided entries, a joined circle and an owned circle with
themes. Fails on any interactive node without a name, a name said twice on one node, or (on a
phone) a control smaller than 44 px; prints the counts per screen."""

from __future__ import annotations

import re
import time

import pytest

from journal_app.i18n import translate
from journal_app.settings import Settings, save_settings
from tests.conftest import PASSPHRASE
from tests.test_crawler import addresses, crawl_journal
from tests.test_e2e_browser import CHROMIUM, App, browser, server  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.slow,
    # One browser at a time (pytest -n 2 --dist loadgroup): the other worker runs the rest.
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed; .ci/run installs it"),
]

INTERACTIVE = {"button", "checkbox", "radio", "switch", "slider", "textbox", "searchbox", "link",
               "menuitem", "menuitemcheckbox", "menuitemradio", "tab", "combobox", "spinbutton", "option"}
PHONE = {"user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
                        "Chrome/156.0.0.0 Mobile Safari/537.36", "is_mobile": True, "has_touch": True}
MIN_TARGET = 44  # px, WCAG 2.5.5 as the issue asks for phones

# A text each screen shows once it is drawn (waiting on it, not on time), by catalog key.
SEEN = {"/journal": "journal.search", "/entry": "editor.title", "/write": "editor.new",
        "/share": "share.by_sentence", "/practices": "practice.progress", "/practice": "player.start",
        "/reflect": "editor.meeting_name", "/progress": "progress.per_week",
        "/settings": "settings.current_passphrase", "/shares": "share.outbox", "/circles": "facilitator.title",
        "/circle": "facilitator.suggest", "/harvest": "harvest.check", "/skills": "badge.counted",
        "/skill": "badge.skill_help", "/recognize": "badge.recognize_help", "/verify": "badge.verify_help",
        "/badge": "badge.recognize_help"}


def ax_nodes(cdp) -> list[dict]:
    return [n for n in cdp.send("Accessibility.getFullAXTree")["nodes"] if not n.get("ignored")]


def role(node: dict) -> str:
    return (node.get("role") or {}).get("value", "")


def name(node: dict) -> str:
    return " ".join(str((node.get("name") or {}).get("value", "")).split())


def engine_editor(cdp, node: dict) -> bool:
    """Flutter's own hidden editing element (class flt-text-editing, out of the Tab order) that
    a phone's browser types into while a field has the cursor: the field itself is a named
    node of the tree, which a screen reader reaches; the engine's element is not ours to name."""
    described = cdp.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})["node"]
    attributes = dict(zip(described.get("attributes", [])[::2], described.get("attributes", [])[1::2], strict=True))
    return "flt-text-editing" in attributes.get("class", "") and attributes.get("tabindex") == "-1"


def said_twice(text: str) -> bool:
    """« Partager Partager »: a wrapper's label and the control's own, read one after the other."""
    words = text.split()
    half = len(words) // 2
    return len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]


def settled_tree(app: App, cdp, expected: str) -> list[dict]:
    """Chromium's tree once the screen is drawn: its text is there and two reads agree."""
    app.see(expected, timeout=60_000)
    previous: list[tuple[str, str]] = []
    deadline = time.monotonic() + 30
    while True:
        nodes = ax_nodes(cdp)
        now = [(role(n), name(n)) for n in nodes if role(n) in INTERACTIVE]
        if now == previous or time.monotonic() > deadline:
            return nodes
        previous = now
        app.page.wait_for_timeout(400)


def small_targets(app: App) -> list[str]:
    """Interactive semantics nodes drawn smaller than 44 px either way. A node cut by the edge
    of a scrolling area (it shares that edge) is measured whole by scrolling, not here."""
    return app.page.evaluate("""min => {
        const edge = (e, r) => { for (let a = e.parentElement; a; a = a.parentElement) {
            const p = a.getBoundingClientRect();
            if (p.height > r.height + 1 && (Math.abs(p.top - r.top) < 1 || Math.abs(p.bottom - r.bottom) < 1))
                return true; } return false; };
        return [...document.querySelectorAll('flt-semantics[role]')]
        .filter(e => ['button','checkbox','radio','switch','slider','tab','link'].includes(e.getAttribute('role')))
        .filter(e => e.getAttribute('aria-disabled') !== 'true')
        .map(e => [e, e.getBoundingClientRect()])
        .filter(([e, r]) => r.width > 0 && r.height > 0 && (r.width < min || r.height < min) && !edge(e, r))
        .map(([e, r]) => `${e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30)} `
                         + `${Math.round(r.width)}×${Math.round(r.height)} at ${Math.round(r.x)},`
                         + `${Math.round(r.y)}`)}""",
        MIN_TARGET)


def go(app: App, address: str) -> None:
    """Move to an address as the browser's history does (the app follows the URL)."""
    app.page.evaluate("""a => { history.pushState({}, '', a);
                               dispatchEvent(new PopStateEvent('popstate', {state: history.state})); }""", address)


@pytest.mark.parametrize("lang,size", [("fr", (390, 844)), ("en", (1280, 800))], ids=["fr-phone", "en-desktop"])
def test_every_screen_names_every_control_in_chromiums_accessibility_tree(browser, server, lang, size):  # noqa: F811
    url, data = server
    ids = crawl_journal(data)
    save_settings(data, Settings(language=lang))
    phone = size[0] < 600
    # A phone is a phone to Flutter by its user agent: Android's touch targets and density.
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **(PHONE if phone else {}))
    app = App(context.new_page(), f"a11y-{lang}")
    cdp = context.new_cdp_session(app.page)
    report, problems = [], []
    try:
        app.open(url, touch=phone)
        app.unlock(PASSPHRASE, field="Phrase de passe" if lang == "fr" else "Passphrase",
                   button="Déverrouiller" if lang == "fr" else "Unlock", opened=translate(SEEN["/journal"], lang))
        for address in addresses(ids):
            go(app, "/journal")  # from the journal each time, as the navigation would
            app.see(translate(SEEN["/journal"], lang), timeout=60_000)
            go(app, address)
            key = "/badge" if address.endswith("/badge") else re.match(r"^/[a-z]+", address).group()
            nodes = settled_tree(app, cdp, translate(SEEN[key], lang))
            controls = [n for n in nodes if role(n) in INTERACTIVE]
            unnamed = [role(n) for n in controls if not name(n) and not engine_editor(cdp, n)]
            twice = [name(n) for n in nodes if said_twice(name(n))]
            small = small_targets(app) if phone else []
            report.append(f"{address.split('/')[1]:<9} {len(controls):>3} controls, {len(unnamed)} unnamed"
                          + (f", {len(small)} under {MIN_TARGET} px" if phone else ""))
            problems += [f"{address}: unnamed {r}" for r in unnamed]
            problems += [f"{address}: name said twice: {n!r}" for n in twice]
            problems += [f"{address}: small target {s}" for s in small]
        app.shot("last")
    finally:
        context.close()
    print(f"\nChromium accessibility pass, {lang} at {size[0]}×{size[1]}: {len(report)} screens")
    print("\n".join(report))
    assert len(report) == len(addresses(ids))
    assert not problems, "\n".join(problems)


def test_tab_follows_the_visual_order_of_a_screen(browser, server):  # noqa: F811
    """Tab, as a keyboard user presses it, through the settings (a long screen) on a desktop:
    within the content pane each stop is below or beside the one before, never back up."""
    url, data = server
    crawl_journal(data)
    save_settings(data, Settings(language="fr"))
    context = browser.new_context(viewport={"width": 1280, "height": 3000})  # the whole screen at once
    app = App(context.new_page(), "tab-order")
    try:
        app.open(url)
        app.unlock(PASSPHRASE, opened=translate(SEEN["/journal"], "fr"))  # submits again if the tap was lost
        go(app, "/settings")
        app.see("Phrase de passe actuelle", timeout=60_000)
        app.page.mouse.click(700, 5)  # nothing focused yet, in the app bar's empty middle
        stops: list[tuple[str, float, float]] = []
        app.page.evaluate("() => { window.__stop = null; }")
        for _ in range(60):
            app.page.keyboard.press("Tab")
            try:  # the focus moves (Flutter moves it a moment after the key)
                app.page.wait_for_function("() => document.activeElement && document.activeElement !== document.body"
                                           " && document.activeElement !== window.__stop", timeout=10_000)
            except Exception:
                break  # nowhere further to go
            where = app.page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
                window.__stop = e;
                return [(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40), r.x, r.y]; }""")
            if tuple(where) in stops:
                break  # round again, from the top
            stops.append(tuple(where))
        pane = [s for s in stops if s[1] > 100 and s[2] > 64]  # right of the navigation rail, below the app bar
        assert len(pane) >= 15, stops
        names = [s[0] for s in pane]
        assert names.index("Verrouiller maintenant") < names.index("Exporter en JSON"), names
        backwards = [(a, b) for a, b in zip(pane, pane[1:], strict=False) if b[2] < a[2] - 4]
        assert not backwards, backwards
        print(f"\nTab through Settings: {len(stops)} stops, {len(pane)} in the content pane, in reading order")
    finally:
        context.close()
