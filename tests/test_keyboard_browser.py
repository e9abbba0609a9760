"""A keyboard-only person in Chromium: on the share screen, Tab reaches each sentence and each
word and Space leaves it out (M2, m12); on a laptop, Tab goes through the journal by region,
and « Écrire » puts the cursor where the text goes (M3). Focus is followed as the browser
sees it (`document.activeElement`, which Flutter moves to the focused control's node)."""

from __future__ import annotations

import pytest

from tests.test_e2e_browser import CHROMIUM, PASSPHRASE, App, browser, open_journal, server  # noqa: F401

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed; .ci/run installs it"),
]

_FOCUSED = """() => { const e = document.activeElement;
    if (!e || e === document.body) return null;
    const r = e.getBoundingClientRect();
    return {label: (e.getAttribute('aria-label') || e.textContent || '').replace(/[\\u00a0\\u202f]/g, ' ').trim(),
            role: e.getAttribute('role') || e.tagName.toLowerCase(), checked: e.getAttribute('aria-checked'),
            x: r.x, y: r.y, width: r.width, height: r.height}; }"""


def tab(app: App) -> dict | None:
    """Press Tab once and wait until the focus has moved (Flutter moves it a moment after the
    key); None if it went nowhere."""
    app.page.evaluate("() => { window.__stop = document.activeElement; }")
    app.page.keyboard.press("Tab")
    try:
        app.page.wait_for_function("() => document.activeElement && document.activeElement !== document.body"
                                   " && document.activeElement !== window.__stop", timeout=10_000)
    except Exception:
        return None
    return app.page.evaluate(_FOCUSED)


def tab_to(app: App, wanted, most: int = 60) -> tuple[dict, list[dict]]:
    """Tab until `wanted(stop)` holds; the stop reached and every stop on the way."""
    stops: list[dict] = []
    for _ in range(most):
        stop = tab(app)
        if stop is None:
            continue
        stops.append(stop)
        if wanted(stop):
            return stop, stops
    raise AssertionError(f"never reached; Tab went through {[s['label'][:40] for s in stops]}")


def focused_checked(app: App, checked: str) -> None:
    app.page.wait_for_function("c => !!document.activeElement"
                               " && document.activeElement.getAttribute('aria-checked') === c",
                               arg=checked, timeout=20_000)


def test_a_keyboard_alone_leaves_out_a_sentence_and_a_word(browser, server):  # noqa: F811
    """Tab to the first sentence, Space: it stays on the device; « Mot par mot », Tab to
    « gorge », Space: it is replaced. « Ce qui partira » shows exactly that, and Enter on
    « Je confirme » shares it. The word targets are measured: 44 px a side at least."""
    from journal_app.circles import Circles
    from journal_app.sharing import CircleKeys

    url, data = server
    session = open_journal(data)
    session.journal.add("Le cercle a commencé en retard. Quand Sylvie a parlé, j’ai senti ma gorge se serrer. "
                        "Puis tout s’est posé.", title="Cercle du jeudi")
    facilitator = CircleKeys.create("Cercle du jeudi")
    Circles(session.database).join(facilitator.invitation.code())
    session.lock()

    context = browser.new_context(viewport={"width": 390, "height": 844})
    app = App(context.new_page(), "keyboard-share")
    try:
        app.open(url)
        app.unlock()
        app.tap_text("Cercle du jeudi")
        app.click("Partager")
        app.see("Phrase par phrase")
        app.page.mouse.click(195, 5)  # nothing focused, in the app bar
        sentence, _ = tab_to(app, lambda s: s["label"].startswith("Le cercle a commencé"))
        assert sentence["checked"] == "true", sentence
        app.page.keyboard.press("Space")
        focused_checked(app, "false")  # still on the sentence, now left out
        app.see("Quand [personne A] a parlé, j’ai senti ma gorge se serrer. Puis tout s’est posé.")
        app.shot("1-sentence-left-out")

        tab_to(app, lambda s: s["label"] == "Mot par mot")
        app.page.keyboard.press("Space")
        app.see("Touchez un mot pour le retirer")
        gorge, stops = tab_to(app, lambda s: s["label"] == "gorge")
        said = [s["label"] for s in stops]
        assert said[said.index("Quand"):] == ["Quand", "« Sylvie », retiré : remplacé par [personne A]", "a", "parlé,",
                                              "j’ai", "senti", "ma", "gorge"], said  # one stop a word, in order
        assert "retard." not in said  # the sentence left out has no words here
        app.page.keyboard.press("Space")
        focused_checked(app, "false")
        app.see("Quand [personne A] a parlé, j’ai senti ma [retiré] se serrer. Puis tout s’est posé.")
        app.shot("2-word-left-out")

        sizes = app.page.evaluate("""() => [...document.querySelectorAll('flt-semantics[role="checkbox"]')]
            .map(e => [(e.getAttribute('aria-label') || e.textContent).replace(/[\\u00a0\\u202f]/g, ' ').trim(),
                       e.getBoundingClientRect()])
            .filter(([l, r]) => r.width > 0 && r.width < 300)
            .map(([l, r]) => [l, Math.round(r.width), Math.round(r.height)])""")
        targets = {label: (w, h) for label, w, h in sizes if label not in ("Phrase par phrase", "Mot par mot")}
        assert len(targets) >= 12, targets  # the words of the two sentences kept
        print(f"\nword targets (px): smallest {min(w for w, _ in targets.values())} wide, "
              f"{min(h for _, h in targets.values())} tall; « a » {targets.get('a')}, « gorge » {gorge['width']:.0f}"
              f"×{gorge['height']:.0f}")
        assert targets.get("a") is not None, targets
        assert all(w >= 44 and h >= 44 for w, h in targets.values()), targets

        tab_to(app, lambda s: s["label"].startswith("Je confirme"))
        app.page.keyboard.press("Enter")
        app.see("Une idée tirée de cette entrée a été partagée avec « Cercle du jeudi »", timeout=120_000)
    finally:
        context.close()
    db = open_journal(data)
    try:
        [item] = Circles(db.database).outbox()
        assert item.shared.insight.text == ("Quand [personne A] a parlé, j’ai senti ma [retiré] se serrer. "
                                            "Puis tout s’est posé.")
    finally:
        db.lock()


def typed_into_text(app: App, text: str) -> None:
    """The entry's « Texte » holds what was typed (Flutter's own editing element, which has the
    cursor, or the field's node)."""
    app.page.wait_for_function("""t => [...document.querySelectorAll('textarea, input')].some(f => f.value === t)""",
                               arg=text, timeout=30_000)
    app.see("Enregistré à", timeout=60_000)


def test_a_keyboard_writes_a_first_entry_and_tabs_through_the_journal_by_region(browser, server):  # noqa: F811
    """M3, on a laptop: Enter on « Écrire ma première entrée » then typing puts the words in the
    entry (they were lost); Tab then goes from the navigation rail through the list and then
    through the entry, never back and forth between the columns; Enter on « Écrire » in the
    rail opens a new entry with the cursor in its text."""
    url, data = server
    open_journal(data).lock()  # an empty journal
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    app = App(context.new_page(), "keyboard-journal")
    try:
        app.open(url)
        app.unlock()
        app.see("Votre journal est vide pour l’instant")
        app.page.mouse.click(640, 5)
        tab_to(app, lambda s: s["label"] == "Écrire ma première entrée")
        app.page.keyboard.press("Enter")
        app.see("Nouvelle entrée")
        app.page.keyboard.type("Premier jet au clavier")
        typed_into_text(app, "Premier jet au clavier")
        app.shot("1-first-entry")

        app.page.mouse.click(640, 5)
        app.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        stops: list[dict] = []
        for _ in range(40):
            stop = tab(app)
            if stop is None:
                continue
            if stops and stop["label"] == stops[0]["label"]:
                break  # round again
            stops.append(stop)
        names = [s["label"] for s in stops]
        column = ["rail" if s["x"] < 100 else "list" if s["x"] < 500 else "entry" for s in stops if s["y"] > 60]
        regions = [c for i, c in enumerate(column) if i == 0 or c != column[i - 1]]
        print(f"\nTab through the journal: {len(stops)} stops: " + " → ".join(n[:20] for n in names))
        assert regions == ["rail", "list", "entry"], (regions, names)
        assert names.index("Rechercher") < names.index("Filtres"), names  # the list in its own order
        assert names.index("Titre") < names.index("Texte"), names

        tab_to(app, lambda s: s["label"].startswith("Écrire"))
        app.page.keyboard.press("Enter")
        app.see("Nouvelle entrée")
        app.page.keyboard.type("Deuxième, tout au clavier")
        typed_into_text(app, "Deuxième, tout au clavier")
        app.shot("2-write")
    finally:
        context.close()
    session = open_journal(data)
    try:
        bodies = sorted(e.body for e in session.journal.entries())
        assert bodies == ["Deuxième, tout au clavier", "Premier jet au clavier"]
    finally:
        session.lock()
