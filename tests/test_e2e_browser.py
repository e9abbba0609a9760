"""End to end in a real browser: Debian's Chromium, headless, driven by Playwright, against
`journal-app web` started on a free port with a temporary data folder.

Flutter draws on a canvas; its accessibility tree appears after clicking the hidden
`flt-semantics-placeholder`, and then buttons, text fields and texts are found by role and label.
Screenshots go to tests/artifacts/ (git-ignored) for review.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSPHRASE = "trois lunes bleues sur le lac"
# Requests that Flet's prebuilt web client makes by itself, even with no_cdn=True: it loads the
# Rive animation runtime from jsDelivr. The app asks for nothing else outside 127.0.0.1.
FLET_OWN_REQUESTS = ("https://cdn.jsdelivr.net/npm/@rive-app/flutter-native-wasm@",)

pytestmark = [
    pytest.mark.slow,
    # One browser at a time (pytest -n 2 --dist loadgroup): the other worker runs the rest.
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed (apt-get install chromium); "
                              ".ci/run installs it"),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def web_app(data: Path, log: Path) -> Iterator[str]:
    """`journal-app web` on a free port over `data`; its URL while it runs."""
    port = free_port()
    env = {**os.environ, "LANG": "fr_CA.UTF-8", "JOURNAL_APP_DATA_DIR": str(data)}
    env.pop("DISPLAY", None)
    proc = subprocess.Popen([sys.executable, "-m", "journal_app", "web", "--port", str(port)],
                            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError as exc:
            if proc.poll() is not None:
                raise AssertionError(log.read_text()) from exc
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    data = tmp_path / "data"
    # The log is read by tests that look for a traceback (never a pipe left unread).
    with web_app(data, tmp_path / "server.log") as url:
        yield url, data


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


# Flutter's web client types into the field's own element once the field has the focus; both
# states are read in the page, for the field of that label (not whichever field has the
# keyboard: right after typing in one field, the previous field still has it). An editing
# element of Flutter's own, outside the accessibility tree, has no label: it counts too.
_HAS_KEYBOARD = """label => { const e = document.activeElement;
    return !!e && (e.tagName === "INPUT" || e.tagName === "TEXTAREA")
        && (e.getAttribute("aria-label") === label || !e.hasAttribute("aria-label")); }"""
_HOLDS = """([label, text]) => { const e = document.activeElement;
    return [...document.querySelectorAll("input, textarea")].some(
        f => f.getAttribute("aria-label") === label && f.value === text)
      || (!!e && (e.tagName === "INPUT" || e.tagName === "TEXTAREA")
          && !e.hasAttribute("aria-label") && e.value === text); }"""


class App:
    """The app as a person sees it, through Flutter's accessibility tree."""

    def __init__(self, page, name: str) -> None:
        self.page = page
        self.name = name
        self.requests: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))

    def open(self, url: str, *, touch: bool = False) -> None:
        self.page.goto(url)
        placeholder = self.page.locator("flt-semantics-placeholder")
        placeholder.wait_for(state="attached", timeout=60_000)
        if touch:  # Flutter on a phone turns its accessibility tree on at a tap, not a click
            deadline = time.monotonic() + 60
            while placeholder.count() and time.monotonic() < deadline:
                placeholder.tap(force=True)
                self.page.wait_for_timeout(1_000)  # a tap too early is not seen: tap again
        else:
            placeholder.dispatch_event("click")

    def button(self, name: str):
        by_role = self.page.get_by_role
        return by_role("button", name=name).or_(by_role("tab", name=name)).or_(
            by_role("checkbox", name=name)).first  # a choice chip

    def click(self, name: str) -> None:
        button = self.button(name)
        # The screen that holds it may take a while on a busy machine (a new window compiles the
        # web client first): wait for the button itself, generously, before tapping it.
        button.wait_for(state="attached", timeout=120_000)
        try:
            button.click(timeout=5_000)
        except sync_api.TimeoutError:
            # Flutter sometimes leaves an empty semantics node over a button (after a route
            # change): send the click to the button's own node, as a screen reader would.
            button.dispatch_event("click")

    def unlock(self, passphrase: str = PASSPHRASE, *, field: str = "Phrase de passe",
               button: str = "Déverrouiller", opened: str | None = None) -> None:
        """Type the passphrase, tap the button and wait for the unlock screen to go (and, with
        `opened`, for a text the journal shows). If the unlock screen is still there after a
        while (a tap lost on a busy machine, as a person would see), type and submit once more:
        a second submit while the first is still opening the vault is ignored by the app."""
        self.fill(field, passphrase)
        self.click(button)
        still = self.page.locator(f'input[aria-label="{field}"]')
        try:
            still.first.wait_for(state="detached", timeout=45_000)
        except sync_api.TimeoutError:
            self.fill(field, passphrase)
            self.page.keyboard.press("Enter")
            still.first.wait_for(state="detached", timeout=90_000)
        if opened is not None:
            self.see(opened, timeout=60_000)

    def submit(self, field: str, text: str, button: str, said: str) -> None:
        """Type in `field`, tap `button` and wait for the app to say `said` (an error the screen
        stays on). A tap lost on a busy machine (seen once in CI: nothing said after 40 s) is
        answered as a person would: type again and press Enter in the field. A second attempt
        while the first still runs is ignored by the app; one after it says the same thing."""
        self.fill(field, text)
        self.click(button)
        try:
            self.see(said, timeout=30_000)
            return
        except sync_api.TimeoutError:
            pass
        self.fill(field, text)
        self.page.keyboard.press("Enter")
        self.see(said, timeout=60_000)

    def fill(self, label: str, text: str) -> None:
        """Tap the field, wait until that very field has the keyboard (a person sees the cursor in
        it before typing), type, and wait until the field holds the text. A tap can be lost: on a
        busy machine the screen may still be moving when it lands (the app catching up with what
        was typed above), and a tap beside the field only takes the keyboard away; letters typed
        before the app took the tap go to the field it left. Then tap and type again, as a person
        would, rather than wait for a text that cannot come."""
        field = self.page.locator(f'input[aria-label="{label}"], textarea[aria-label="{label}"]').first
        field.wait_for(state="attached", timeout=60_000)
        for attempt in range(3):
            if not self.page.evaluate(_HAS_KEYBOARD, label):  # autofocus may have given it already
                try:
                    field.click(timeout=5_000)
                except sync_api.TimeoutError:
                    field.focus()  # see click(): an empty semantics node may lie over the field
                try:
                    self.page.wait_for_function(_HAS_KEYBOARD, arg=label, timeout=20_000)
                except sync_api.TimeoutError:
                    continue
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(text)
            try:
                self.page.wait_for_function(_HOLDS, arg=[label, text], timeout=30_000 * (attempt + 1))
                return
            except sync_api.TimeoutError:
                continue
        raise AssertionError(f"« {label} » never held the text typed three times")

    def _text(self, text: str):
        # Flutter merges some texts into their container's aria-label instead of its text. A
        # space in `text` matches French typography's no-break spaces too.
        pattern = re.compile(r"[ \u00a0\u202f]".join(re.escape(part) for part in text.split(" ")))
        quote = '"' if '"' not in text else "'"
        label = (f"xpath=//*[contains(translate(@aria-label, '\u00a0\u202f', '  '), {quote}{text}{quote})]")
        return self.page.get_by_text(pattern).or_(self.page.locator(label))

    def tick_checkbox(self) -> None:
        box = self.page.get_by_role("checkbox").first
        try:
            box.click(timeout=5_000)
        except sync_api.TimeoutError:
            box.dispatch_event("click")

    def tap_text(self, text: str) -> None:
        """Tap a list item or card by its text (the text may sit in an aria-label)."""
        target = self._text(text).first
        target.wait_for(timeout=20_000)
        try:
            target.click(timeout=5_000)
        except sync_api.TimeoutError:
            target.dispatch_event("click")

    def see(self, text: str, timeout: float = 20_000) -> None:
        try:
            self._text(text).first.wait_for(timeout=timeout)
        except sync_api.TimeoutError:
            # Seen once in about a dozen runs: the screen showed the text (screenshot) while
            # Flutter's accessibility tree still held the screen before. A still screen draws no
            # new frame, so the tree waits for one: move the pointer, as a person would, and wait
            # again.
            self.page.mouse.move(5, 5)
            self.page.mouse.move(195, 420)
            self._text(text).first.wait_for(timeout=timeout)

    def click_until(self, name: str, shown: str, tries: int = 3) -> None:
        """Tap `name` and wait for `shown`; while the button is still there and `shown` is not
        (a tap lost on a busy machine, as a person would see), tap it again."""
        for attempt in range(tries):
            self.click(name)
            try:
                self._text(shown).first.wait_for(timeout=20_000 * (attempt + 1))
                return
            except sync_api.TimeoutError:
                if not self.button(name).count():
                    break  # the screen moved on: wait for it as `see` does
        self.see(shown)

    def absent(self, text: str) -> bool:
        return self._text(text).count() == 0

    def shot(self, step: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path))
        return path

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests
                if not u.startswith(("http://127.0.0.1", "data:", "blob:"))
                and not u.startswith(FLET_OWN_REQUESTS)]


def open_journal(data: Path):
    """A journal made beforehand in the server's data folder, open for the test to fill."""
    from journal_app.errors import VaultLocked
    from journal_app.session import JournalSession
    from tests.conftest import FAST_KDF

    session = JournalSession(data, kdf=FAST_KDF)
    if not session.exists():
        session.create(PASSPHRASE)
        return session
    # After the browser closed, the server lets go of the journal once it has seen the tab go
    # (and saved what the tab held): on a busy machine that takes a moment.
    deadline = time.monotonic() + 60
    while True:
        try:
            session.unlock(PASSPHRASE)
            return session
        except VaultLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, read from /proc (Linux)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address if width == 32 else socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_the_web_app_listens_on_loopback_only(server):
    url, _ = server
    port = int(url.rsplit(":", 1)[1].strip("/"))
    assert listening_addresses(port) == {"127.0.0.1"}


@pytest.mark.parametrize("size", [(390, 844), (1280, 800)], ids=["phone", "desktop"])
def test_first_run_write_lock_unlock_search_and_switch_language(browser, server, size):
    url, data = server
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    app = App(context.new_page(), "phone" if width < 900 else "desktop")
    try:
        app.open(url)
        app.see("Bienvenue dans Ressenti")
        app.shot("1-bienvenue")
        app.click("Français")
        app.fill("Phrase de passe", PASSPHRASE)
        app.fill("Encore une fois, pour confirmer", PASSPHRASE)
        app.click("Créer mon journal")
        app.see("Votre clé de récupération")
        app.shot("2-cle")
        app.tick_checkbox()
        app.click("Continuer")
        app.see("Votre journal est vide pour l’instant")
        app.shot("3-vide")

        app.click("Écrire ma première entrée")
        app.fill("Titre", "Après la rencontre du cercle")
        app.fill("Texte", "J’ai senti une chaleur dans la poitrine; le cœur s’est ouvert.")
        app.see("Enregistré à")
        app.shot("4-entree")
        if width < 900:
            app.click("Retour")  # the app bar's arrow
        app.see("Après la rencontre du cercle")
        app.shot("5-journal")
        vault = (data / "journal.vault").read_bytes()
        assert "réunion".encode() not in vault and b"poitrine" not in vault

        app.click("Verrouiller le journal")
        app.see("Votre journal est verrouillé")
        assert app.absent("Après la rencontre du cercle")
        app.submit("Phrase de passe", "pas la bonne phrase", "Déverrouiller",
                   "Ce n’est pas la bonne phrase de passe")
        app.unlock()
        app.see("Après la rencontre du cercle")

        app.fill("Rechercher", "RENCONTRE coeur")
        app.see("1 entrée")
        app.see("Après la rencontre du cercle")
        app.fill("Rechercher", "introuvable")
        app.see("Aucune entrée ne correspond à cette recherche.")
        app.shot("6-recherche")

        app.click("Réglages")
        app.see("Apparence")
        app.click("English")
        app.see("Appearance")
        app.see("Settings")
        assert app.absent("Apparence")
        app.shot("7-english")
        assert app.outside_requests() == []
    finally:
        context.close()



@pytest.mark.parametrize("font_px", [24, 32], ids=["1.5x", "2x"])
def test_larger_text_still_fits_a_phone(browser, server, font_px):
    """Flutter follows the browser's font size: 24 px for the usual 16 px is 1.5× text, 32 px 2×."""
    url, _ = server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script("document.addEventListener('DOMContentLoaded', () => "
                            f"{{ document.documentElement.style.fontSize = '{font_px}px'; }});")
    app = App(context.new_page(), f"phone-{font_px / 16:g}x")

    def fits(name: str) -> None:
        box = app.button(name).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)

    try:
        app.open(url)
        app.see("Bienvenue dans Ressenti")
        fits("Français")
        fits("English")
        app.click("Français")
        app.fill("Phrase de passe", PASSPHRASE)
        app.fill("Encore une fois, pour confirmer", PASSPHRASE)
        fits("Créer mon journal")
        app.shot("1-phrase")
        app.click("Créer mon journal")
        app.see("Votre clé de récupération")
        fits("Enregistrer dans un fichier")
        app.tick_checkbox()
        app.click("Continuer")
        app.see("Votre journal est vide pour l’instant")
        fits("Écrire ma première entrée")
        app.shot("2-vide")
        app.click("Réglages")
        app.see("Apparence")
        fits("Verrouiller maintenant")
        app.shot("3-reglages")
    finally:
        context.close()


def test_a_short_guided_session_ends_in_the_journal(browser, server):
    url, data = server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    app = App(context.new_page(), "phone-session")
    try:
        app.open(url)
        app.click("Français")
        app.fill("Phrase de passe", PASSPHRASE)
        app.fill("Encore une fois, pour confirmer", PASSPHRASE)
        app.click("Créer mon journal")
        app.see("Votre clé de récupération")
        app.tick_checkbox()
        app.click("Continuer")
        app.click("Pratiques")
        app.see("Météo intérieure en cinq minutes")
        app.shot("1-pratiques")
        app.tap_text("Météo intérieure en cinq minutes")
        app.see("Commencer")
        app.shot("1b-avant")
        app.click("Commencer")
        app.see("Se poser")
        app.fill("Mes notes pour cette étape", "Les épaules descendent doucement.")
        app.shot("2-seance")
        app.click("Suivant")
        app.see("Qu’est-ce qui est là?")
        app.click("Suivant")
        app.see("L’espace dégagé")
        app.click("Terminer")
        app.see("Et maintenant, comment vous sentez-vous")
        app.fill("Un mot pour ce qui s’est présenté", "galet")
        app.click("Enregistrer la séance")
        app.see("« galet » — Météo intérieure en cinq minutes")  # p5: the handle first, never cut off
        app.shot("3-journal")
        vault = (data / "journal.vault").read_bytes()
        assert b"galet" not in vault and "épaules".encode() not in vault
        assert app.outside_requests() == []
    finally:
        context.close()


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_a_facilitator_sees_and_renames_a_theme(browser, server, size):
    from journal_app.circles import Circles
    from tests.labelled_insights import import_circle, labelled_set

    url, data = server
    session = open_journal(data)
    keys = Circles(session.database).create("Cercle du jeudi")
    import_circle(session.database, keys, labelled_set()[::4])
    session.lock()

    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    app = App(context.new_page(), f"{size[0]}-facilitator")
    try:
        app.open(url)
        app.unlock()
        app.click("Réglages")
        app.click("Animer un cercle")
        app.see("Seuil de confidentialité : 5")
        app.see("Thèmes (", timeout=90_000)
        app.shot("1-themes")
        app.click("Renommer")
        app.fill("Nom en français", "Le temps de nos rencontres")
        app.click("OK")
        app.see("Le temps de nos rencontres (")
        app.page.mouse.move(size[0] // 2, 500)
        app.page.mouse.wheel(0, 240)
        app.page.wait_for_timeout(800)
        app.shot("2-renamed")
        assert app.outside_requests() == []
    finally:
        context.close()
    assert b"rencontres" not in (data / "journal.vault").read_bytes()


def test_a_member_pastes_the_code_the_camera_read_and_shares_an_insight(browser, server):
    from journal_app.circles import Circles
    from journal_app.sharing import CircleKeys

    url, data = server
    session = open_journal(data)
    session.journal.add("Quand Sylvie a parlé, j’ai senti le groupe se poser.", title="Cercle du jeudi")
    session.lock()
    facilitator = CircleKeys.create("Cercle du jeudi")

    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  permissions=["clipboard-read", "clipboard-write"])
    app = App(context.new_page(), "phone-join")
    try:
        app.open(url)
        app.unlock()
        app.tap_text("Cercle du jeudi")
        app.click("Partager")
        app.see("[personne A]")
        # What the phone's camera app leaves on the clipboard after reading the QR code.
        app.page.evaluate("code => navigator.clipboard.writeText(code)", facilitator.invitation.code())
        app.click("Coller le code copié")
        app.see("Vous avez rejoint le cercle « Cercle du jeudi »")
        app.shot("1-joined")
        app.click("Je confirme")
        # The entry then says it was shared (a lasting state; the word in the snack bar goes away
        # after five seconds, which a loaded machine's accessibility tree once missed).
        app.see("Une idée tirée de cette entrée a été partagée avec « Cercle du jeudi »", timeout=120_000)
        assert app.outside_requests() == []
    finally:
        context.close()
    db = open_journal(data)
    try:
        [item] = Circles(db.database).outbox()
        assert item.shared.insight.text == "Quand [personne A] a parlé, j’ai senti le groupe se poser."
    finally:
        db.lock()


# Characters a member may write that the web client's own font (Roboto) lacks: each comes from a
# fallback font the app serves itself (journal_app/web_fonts.py). U+10FFFD is in no font: it is
# drawn as the box every missing character gets.
MIXED_TEXT = "Gratitude 🙏💚 ᐊᐃᓐᖓᐃ مرحبا 你好"
NO_FONT = "\U0010fffd"
_TITLE_LEFT = """label => { const e = document.activeElement;
    return !!e && e.getAttribute("aria-label") === label; }"""


def _field_pixels(app: App, label: str):
    """What the field labelled `label` shows on screen, as a picture."""
    import io

    from PIL import Image

    box = app.page.locator(f'input[aria-label="{label}"], textarea[aria-label="{label}"]').first.bounding_box()
    assert box is not None
    return Image.open(io.BytesIO(app.page.screenshot(clip=box))).convert("RGB")


def _unlike(drawn, box) -> bool:
    """Whether `drawn` shows something else than `box`. Softened first: the same box drawn in a
    right-to-left run (Arabic) lands a fraction of a pixel aside, which changes the softened
    picture by at most 5 levels of 255; every real glyph tried changed it by 47 or more."""
    from PIL import ImageChops, ImageFilter

    soft = [image.convert("L").filter(ImageFilter.GaussianBlur(1.5)) for image in (drawn, box)]
    return ImageChops.difference(*soft).getextrema()[1] > 25


def _colour_pixels(image) -> int:
    data = image.tobytes()  # RGB, three bytes a pixel
    return sum(1 for i in range(0, len(data), 3) if max(data[i:i + 3]) - min(data[i:i + 3]) > 80)


def test_emoji_syllabics_arabic_and_chinese_are_drawn_not_boxes(browser, server):
    """M1: every character typed is drawn. Each one, alone in the title (the keyboard in the text
    below, so no cursor blinks over it), must look unlike the box of a character no font has, and
    an emoji must be in colour. Before the app served the fallback fonts, all were that box."""
    url, data = server
    open_journal(data).lock()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    app = App(context.new_page(), "phone-characters")
    try:
        app.open(url)
        app.unlock()
        app.click("Écrire ma première entrée")
        app.fill("Texte", MIXED_TEXT)  # asks for every fallback font at once

        def title_alone(text: str):
            app.fill("Titre", text)
            app.page.locator('textarea[aria-label="Texte"], input[aria-label="Texte"]').first.click()
            app.page.wait_for_function(_TITLE_LEFT, arg="Texte", timeout=20_000)

        title_alone(NO_FONT)
        box = _field_pixels(app, "Titre")
        app.page.wait_for_timeout(300)  # the box, drawn once more: the same picture
        assert _field_pixels(app, "Titre").tobytes() == box.tobytes()
        boxed = []
        # A fallback font arrives a while after the character is typed (all were asked for with
        # the text above): the box shows until then. Wait for the drawing to change, not for a
        # time, for a minute in all (on a busy machine a font takes a few seconds).
        deadline = time.monotonic() + 60
        for character in ["🙏", "💚", "ᐊ", "ᓐ", "م", "你", "好"]:
            title_alone(character)
            drawn = _field_pixels(app, "Titre")
            while not _unlike(drawn, box) and time.monotonic() < deadline:
                app.page.wait_for_timeout(250)
                drawn = _field_pixels(app, "Titre")
            if not _unlike(drawn, box):
                boxed.append(f"U+{ord(character):04X}")
                continue
            if character in "🙏💚":
                while _colour_pixels(drawn) <= _colour_pixels(box) + 20 and time.monotonic() < deadline:
                    app.page.wait_for_timeout(250)
                    drawn = _field_pixels(app, "Titre")
                if _colour_pixels(drawn) <= _colour_pixels(box) + 20:
                    boxed.append(f"U+{ord(character):04X} (not in colour)")
        app.fill("Titre", MIXED_TEXT)
        app.page.locator('textarea[aria-label="Texte"], input[aria-label="Texte"]').first.click()
        app.see("Enregistré à")
        app.shot("1-entry")
        assert boxed == [], f"drawn as an empty box: {boxed}"
        # The share screen draws with the same fonts: what leaves, word for word, can be read.
        app.click("Partager une idée avec mon cercle")
        app.see("Ce qui partira, mot pour mot")
        app.shot("2-share")
        assert app.outside_requests() == []
    finally:
        context.close()


@pytest.mark.parametrize("font_px", [16, 32], ids=["1x", "2x"])
def test_the_session_and_reflection_bars_stay_in_reach_on_every_step(browser, server, font_px):
    """On a phone, at 1× and 2× text, « Suivant » and « Arrêter » and the time left are on
    screen on every step of the longest session and every page of a reflection, without
    scrolling; the keyboard stays on « Suivant » from step to step; the answer box of each
    question gets the cursor, and the lock screen puts it in the passphrase. Screenshots in
    tests/artifacts/phone-*-bar-*.png."""
    url, data = server
    open_journal(data).lock()
    height = 844
    context = browser.new_context(viewport={"width": 390, "height": height})
    context.add_init_script("document.addEventListener('DOMContentLoaded', () => "
                            f"{{ document.documentElement.style.fontSize = '{font_px}px'; }});")
    app = App(context.new_page(), f"phone-{font_px / 16:g}x-bar")

    def on_screen(target, what: str) -> None:
        target.wait_for(state="attached", timeout=20_000)
        box = target.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 \
            and box["y"] >= 0 and box["y"] + box["height"] <= height, (what, box)

    try:
        app.open(url)
        app.unlock()
        app.click("Pratiques")
        app.tap_text("Séance guidée de Wholebody Focusing")
        app.click_until("Commencer", "Étape 1 sur 9")
        for n in range(1, 10):
            app.see(f"Étape {n} sur 9")
            forward = "Terminer" if n == 9 else "Suivant"
            for name in (forward, "Arrêter la séance", "Pause", "Précédent"):
                on_screen(app.button(name), name)
            on_screen(app.page.get_by_text(re.compile(r"s restantes?$|min restantes?$|écoulé$")).first, "temps")
            if n in (1, 5, 9):
                app.shot(f"{n}-etape")
            if n == 2:  # the keyboard stayed on « Suivant » (not « Verrouiller »): Enter goes on
                app.page.wait_for_function("() => document.activeElement?.textContent === 'Suivant'",
                                           timeout=20_000)
                app.page.keyboard.press("Enter")
            elif n < 9:
                app.click(forward)
        app.click("Arrêter la séance")
        app.click("Ne rien garder")
        app.tap_text("ORID après une rencontre")
        app.see("De quelle rencontre s’agit-il?")
        for n in range(0, 5):
            if n:
                app.see(f"Question {n} sur 4")
            forward = "Terminer" if n == 4 else "Suivant"
            for name in (forward, "Arrêter"):
                on_screen(app.button(name), name)
            if n in (1, 4):
                app.shot(f"orid-{n}")
            if n < 4:
                app.click(forward)
                if n < 3:  # the next question's answer box has the cursor
                    label = ("Les faits", "Ce que j’ai ressenti", "Ce que j’en comprends")[n]
                    app.page.wait_for_function(_HAS_KEYBOARD, arg=label, timeout=20_000)
        app.click("Verrouiller le journal")  # the lock screen: the cursor waits in the passphrase
        app.see("Votre journal est verrouillé")
        app.page.wait_for_function(_HAS_KEYBOARD, arg="Phrase de passe", timeout=20_000)
        assert app.outside_requests() == []
    finally:
        context.close()
