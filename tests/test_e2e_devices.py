"""Pairing two app windows in Chromium as a person would (issue 27): a real relay process, the
journal's window (a phone) shows « Ajouter un appareil »'s code, which is copied; a new
device's window (a laptop) at its first run chooses « J'ai déjà un journal sur un autre
appareil », pastes it, both show the same six digits, the person says so on the phone, the
journal arrives; an entry written on the laptop is seen on the phone after « Synchroniser »."""

from __future__ import annotations

import re
import time

import pytest

from journal_app.session import JournalSession
from journal_app.usecases.relay import create_circle
from tests.conftest import FAST_KDF
from tests.relay_live import free_port, relay_process, wait_healthy
from tests.test_e2e_browser import PASSPHRASE, browser  # noqa: F401 (browser: a fixture)
from tests.test_e2e_relay import window

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

CLIPBOARD = {"permissions": ["clipboard-read", "clipboard-write"]}


def six_digits(app) -> str:
    """The six digits the window shows, big (as text, or as a screen reader names them)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for element in app.page.get_by_text(re.compile(r"^\s*\d(\s*\d){5}\s*$")).all() + \
                app.page.locator("xpath=//*[@aria-label]").all():
            for text in (element.get_attribute("aria-label") or "", element.inner_text()):
                digits = re.sub(r"\s", "", text)
                if re.fullmatch(r"\d{6}", digits):
                    return digits
        app.page.mouse.move(5, 5)  # a still screen draws no new frame: see App.see
        app.page.mouse.move(195, 420)
        app.page.wait_for_timeout(200)
    raise AssertionError(f"no six digits on screen: {app.page.locator('body').inner_text()[:2000]}")


def test_two_windows_pair_then_an_entry_written_on_one_is_seen_on_the_other(browser, tmp_path):  # noqa: F811
    started = time.monotonic()
    port = free_port()
    relay = relay_process(tmp_path / "relay-data", port, rate=50)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        holder = JournalSession(tmp_path / "phone", kdf=FAST_KDF)
        holder.create(PASSPHRASE)
        create_circle(holder.database, "Cercle du jeudi", url)
        holder.journal.add("Le repas partagé nous a rapprochés.", title="Après le cercle")
        holder.lock()
        with window(browser, tmp_path / "phone", (390, 844), "pair-phone", **CLIPBOARD) as phone, \
                window(browser, tmp_path / "laptop", (1280, 800), "pair-laptop", **CLIPBOARD) as laptop:
            # The new device's first run: its own passphrase, then the other device's code.
            laptop.see("Bienvenue dans Ressenti", timeout=60_000)
            laptop.click("Français")
            laptop.fill("Phrase de passe", PASSPHRASE)
            laptop.fill("Encore une fois, pour confirmer", PASSPHRASE)
            laptop.tick_checkbox()  # « J'ai déjà un journal sur un autre appareil »
            laptop.see("vous collerez le code de jumelage")
            laptop.click("Créer mon journal")
            laptop.see("Votre clé de récupération", timeout=60_000)
            laptop.tick_checkbox()
            laptop.click("Continuer")
            laptop.see("Recevoir mon journal d’un autre appareil")

            phone.unlock(opened="Après le cercle")
            phone.click("Réglages")
            phone.click("Mes appareils")
            phone.click("Ajouter un appareil")
            phone.click("Copier le code")
            phone.see("Code de jumelage copié")
            phone.shot("1-code")
            code = phone.page.evaluate("navigator.clipboard.readText()")
            assert code.startswith("RSNTP1-")

            # Pasted on the laptop (the code carried across, as a message to oneself would).
            laptop.page.evaluate("text => navigator.clipboard.writeText(text)", code)
            laptop.click("Coller")
            laptop.see("confirmez-le là-bas", timeout=60_000)
            phone.see("Les six chiffres sont-ils les mêmes sur l’autre appareil?", timeout=60_000)
            assert six_digits(phone) == six_digits(laptop)
            phone.shot("2-digits")
            laptop.shot("2-digits")
            phone.click("Oui, ils sont pareils")
            phone.see("votre journal est maintenant aussi sur le nouvel appareil", timeout=60_000)
            laptop.see("Après le cercle", timeout=60_000)  # the journal arrived, and is shown
            laptop.shot("3-arrived")

            # Written on the laptop, « Synchroniser » there, then on the phone: seen there.
            laptop.click("Écrire")
            laptop.fill("Titre", "Écrit sur le portable")
            laptop.fill("Texte", "Une phrase écrite le soir, à la maison.")
            laptop.see("Enregistré à")
            laptop.click("Réglages")
            laptop.click("Mes appareils")
            laptop.see("cet appareil")
            laptop.click("Synchroniser")
            laptop.see("envoyé", timeout=60_000)  # after the privacy delay (or the app's own round sent it)
            phone.click("Fermer")
            phone.see("ajouté le")
            phone.click("Synchroniser")
            phone.see("reçu", timeout=60_000)  # (or the phone's own round took it already)
            phone.shot("4-synced")
            # The navigation's « Journal » (by its exact name: « Verrouiller le journal » holds it too).
            by_role = phone.page.get_by_role
            by_role("button", name="Journal", exact=True).or_(by_role("tab", name="Journal", exact=True)).first.click()
            phone.see("Écrit sur le portable", timeout=30_000)
            phone.shot("5-seen")
        print(f"\npairing two windows, an entry across: {time.monotonic() - started:.0f} s")
    finally:
        relay.kill()
        relay.wait(timeout=30)
