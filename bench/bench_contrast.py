"""Contrast of the focus indicator and of the selected state, measured on the real app's pixels.

    python bench/bench_contrast.py            # light theme, then dark

Needs Debian's chromium and the `test` extra (playwright, pillow). Opens `journal-app web` in
headless Chromium at 1280×2000 and, for a few controls of each kind: moves the keyboard focus to
it with Tab (as a keyboard user does), takes its picture focused and not focused, and reports the
WCAG contrast ratio between what changed and what was there (the 95th percentile of the changed
pixels, so that anti-aliased edges do not count); for choice chips, the chosen one against the
same chip not chosen. WCAG 2.2 asks ≥ 3:1 (2.4.11, 1.4.11).
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_app import CHROMIUM, web_server  # noqa: E402

PASSPHRASE = "trois lunes bleues sur le lac"


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def changed_contrast(before: bytes, after: bytes) -> tuple[float, int]:
    """The 95th percentile contrast over the pixels that changed, and how many changed."""
    from PIL import Image

    one = Image.open(io.BytesIO(before)).convert("RGB")
    two = Image.open(io.BytesIO(after)).convert("RGB")
    pixels = getattr(Image.Image, "get_flattened_data", Image.Image.getdata)  # Pillow 12 renamed it
    ratios = sorted(ratio(p, q) for p, q in zip(pixels(one), pixels(two), strict=True) if p != q)
    if not ratios:
        return 1.0, 0
    return ratios[int(len(ratios) * 0.95) - 1 if len(ratios) > 1 else 0], len(ratios)


def box(page, name: str, role: str = "button"):
    node = page.get_by_role(role, name=name, exact=True).first
    node.wait_for(timeout=60_000)
    b = node.bounding_box()
    margin = 6  # the ring is drawn around the control
    return node, {"x": b["x"] - margin, "y": b["y"] - margin,
                  "width": b["width"] + 2 * margin, "height": b["height"] + 2 * margin}


def destination(page, name: str):
    """A place of the navigation rail or bar (a tab, or a button, by width)."""
    return page.get_by_role("tab", name=name).or_(page.get_by_role("button", name=re.compile(f"^{name}"))).first


def tab_to(page, name: str, limit: int = 80) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        page.wait_for_timeout(60)
        if page.evaluate("() => (document.activeElement?.getAttribute('aria-label') || "
                         "document.activeElement?.textContent || '').trim()") == name:
            page.wait_for_timeout(300)  # the ring's animation
            return True
    return False


def measure(theme: str) -> list[tuple[str, float, int]]:
    from playwright.sync_api import sync_playwright

    from journal_app.session import JournalSession
    from journal_app.settings import Settings, save_settings

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        session = JournalSession(data)
        session.create(PASSPHRASE)
        session.journal.add("Une chaleur dans la poitrine.", title="Après le cercle", tags=["cercle"])
        session.lock()
        save_settings(data, Settings(language="fr", theme=theme))
        with web_server(data) as (port, _):
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                            args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1280, "height": 2000})  # all of Settings at once
                page.goto(f"http://127.0.0.1:{port}/")
                page.locator("flt-semantics-placeholder").wait_for(state="attached", timeout=60_000)
                page.locator("flt-semantics-placeholder").dispatch_event("click")
                page.locator('input[aria-label="Phrase de passe"]').click()
                page.keyboard.insert_text(PASSPHRASE)
                page.get_by_role("button", name="Déverrouiller").click()
                page.get_by_role("button", name="Verrouiller le journal").wait_for(timeout=60_000)
                destination(page, "Réglages").click()
                page.get_by_role("button", name="Verrouiller maintenant").wait_for(timeout=60_000)
                page.mouse.move(1, 1999)  # no hover anywhere
                for name, kind, role in [("Verrouiller maintenant", "bouton à contour", "button"),
                                         ("Verrouiller le journal", "bouton icône", "button"),
                                         ("Exporter en JSON", "bouton à contour (2)", "button"),
                                         ("Clair", "puce (choisie en thème clair)", "checkbox"),
                                         ("Système", "puce", "checkbox"),
                                         ("5 min", "bouton radio", "radio")]:
                    node, clip = box(page, name, role)
                    before = page.screenshot(clip=clip)
                    if not tab_to(page, name):
                        out.append((f"focus: {kind} « {name} » (Tab n’y mène pas)", 0.0, 0))
                        continue
                    after = page.screenshot(clip=clip)
                    value, n = changed_contrast(before, after)
                    out.append((f"focus: {kind} « {name} »", value, n))
                    page.keyboard.press("Escape")
                # Selected against not selected: the same chip, before and after it is chosen.
                destination(page, "Pratiques").click()
                page.mouse.move(1, 1999)
                tile = page.get_by_role("button", name=re.compile("Météo intérieure en cinq minutes")).first
                tile.wait_for(timeout=60_000)
                b = tile.bounding_box()
                clip = {"x": b["x"], "y": b["y"], "width": b["width"], "height": b["height"]}
                before = page.screenshot(clip=clip)
                for _ in range(80):
                    page.keyboard.press("Tab")
                    page.wait_for_timeout(60)
                    if "Point de présence" in page.evaluate("() => document.activeElement?.textContent || "
                                                            "document.activeElement?.getAttribute('aria-label') || ''"):
                        break
                page.wait_for_timeout(300)
                value, n = changed_contrast(before, page.screenshot(clip=clip))
                out.append(("focus: élément de liste « Point de présence… »", value, n))
                node, clip = box(page, "Réflexions", "checkbox")
                before = page.screenshot(clip=clip)
                node.click()
                page.keyboard.press("Tab")  # the focus moves on: the chosen state alone is measured
                page.mouse.move(1, 1999)
                page.wait_for_timeout(500)
                after = page.screenshot(clip=clip)
                value, n = changed_contrast(before, after)
                out.append(("choisi ou non: puce « Réflexions »", value, n))
                browser.close()
    return out


def main() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit("needs Debian's chromium: apt-get install chromium")
    for theme in ("light", "dark"):
        print(f"== {theme} theme (WCAG 2.2 asks ≥ 3:1)")
        for what, value, n in measure(theme):
            print(f"  {what:<52} {value:5.2f}:1   ({n} pixels changed)")


if __name__ == "__main__":
    main()
