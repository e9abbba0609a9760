"""A keyboard-only person in Chromium: on the share screen, Tab reaches each sentence and each
word and Space leaves it out (M2, m12). Focus is followed as the browser sees it
(`document.activeElement`, which Flutter moves to the focused control's node)."""

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


def test_a_long_circle_question_is_whole_at_twice_the_text_size(browser, server, tmp_path):  # noqa: F811
    """m13: on a phone at 2× text, the circle's questions were cut off mid-word without « … »
    (« Qu'est-ce qui nous a »). The chip wraps within the screen, and its name is the whole
    question."""
    from datetime import date

    from journal_app.circle_messages import questions_body, sign_message
    from journal_app.circles import Circles, new_relay
    from journal_app.session import JournalSession
    from tests.conftest import FAST_KDF

    question = "Qu’est-ce qui nous aide à rester présents les uns aux autres quand le cercle s’agite?"
    facilitator = JournalSession(tmp_path / "animation", kdf=FAST_KDF)
    facilitator.create(PASSPHRASE)
    relay = new_relay("http://127.0.0.1:9")  # nothing listens: the member's app only reads what it holds
    keys = Circles(facilitator.database).create("Cercle du jeudi", relay)
    cid = keys.invitation.circle_id
    Circles(facilitator.database).add_question(cid, question, "What helps us stay present to each other?")
    questions = Circles(facilitator.database).questions(cid)
    signed = sign_message(cid, "questions", 1, date.today(), questions_body(questions), relay.signing_private)
    facilitator.lock()

    url, data = server
    session = open_journal(data)
    session.journal.add("Le silence du début m’a aidé à arriver.", title="Cercle du jeudi")
    circles = Circles(session.database)
    circles.join(keys.invitation.code())
    assert circles.keep_message(cid, signed)
    session.lock()

    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script("document.addEventListener('DOMContentLoaded', () => "
                            "{ document.documentElement.style.fontSize = '32px'; });")
    app = App(context.new_page(), "phone-2x-question")
    try:
        app.open(url)
        app.unlock()
        app.tap_text("Cercle du jeudi")
        app.click("Partager")
        chip = app.page.get_by_role("checkbox", name=question)
        chip.wait_for(state="attached", timeout=60_000)
        chip.scroll_into_view_if_needed()
        box = chip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["height"] > 70, box  # more than one line of 2× text: it wraps
        app.shot("1-question")
        print(f"\nthe question's chip at 2×: {box['width']:.0f} × {box['height']:.0f} px")
    finally:
        context.close()
