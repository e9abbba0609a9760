"""The web app's fallback fonts (M1): the paths the installed web client asks for, the files in
webfonts/ that answer them, and the server that hands them out. The browser test that types the
characters and looks at the pixels is tests/test_e2e_browser.py::
test_emoji_syllabics_arabic_and_chinese_are_drawn_not_boxes."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest

from journal_app.web_fonts import FallbackFonts, web_fonts_dir

ROOT = Path(__file__).parent.parent
pytest.importorskip("flet_web", reason="the web client (the `desktop` extra) is not installed")
ttLib = pytest.importorskip("fontTools.ttLib")

MEMBERS_CHARACTERS = "🙏💚🌈ᐊᐃᓐᖓᐃᑐᐃᓐᓇᔪᖅمرحبا你好谢谢"


def _tool():
    spec = importlib.util.spec_from_file_location("build_web_fonts", ROOT / "tools" / "build_web_fonts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def table():
    return _tool().fallback_fonts()


def test_each_character_the_client_falls_back_for_is_in_the_file_at_the_path_it_asks_for(table):
    """For each character, the font the engine would fetch (one that covers it; the engine picks
    among them, the Simplified Chinese one first on a tie) is in webfonts/ at that very path, and
    holds the character. A new Flet with new paths fails here: run tools/build_web_fonts.py."""
    for character in MEMBERS_CHARACTERS:
        candidates = [f for f in table if ord(character) in f.code_points]
        assert candidates, character
        served = [f for f in candidates if (web_fonts_dir() / f.path).is_file()]
        assert served, f"U+{ord(character):04X}: none of {[f.path for f in candidates]} is in webfonts/"
        for font in served:
            assert ord(character) in ttLib.TTFont(web_fonts_dir() / font.path).getBestCmap(), font.path


def test_webfonts_holds_only_what_the_client_asks_for_and_says_its_licences(table):
    paths = {f.path for f in table}
    shipped = [p.relative_to(web_fonts_dir()).as_posix() for p in web_fonts_dir().rglob("*.woff2")]
    assert shipped and set(shipped) <= paths, sorted(set(shipped) - paths)[:5]
    families = {p.split("/")[0] for p in shipped}
    notice = (web_fonts_dir() / "NOTICE.md").read_text(encoding="utf-8")
    assert "SIL Open Font License 1.1" in notice
    for family in families:
        licence = (web_fonts_dir() / "LICENSES" / f"{family}-OFL.txt").read_text(encoding="utf-8")
        assert "SIL OPEN FONT LICENSE VERSION 1.1" in licence.upper()
    # Reasonable for a page: what one emoji, or one Chinese word, costs the browser.
    assert max(p.stat().st_size for p in web_fonts_dir().rglob("*.woff2")) < 2_000_000  # the flags: 1.9 MB


def _get(app: FallbackFonts, path: str, method: str = "GET") -> tuple[int | str, dict[bytes, bytes], bytes]:
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    asyncio.run(app({"type": "http", "method": method, "path": path, "headers": []}, None, send))
    if sent and sent[0] == {"passed": True}:
        return "flet", {}, b""
    return sent[0]["status"], dict(sent[0]["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def test_the_server_answers_the_fallback_font_paths_and_passes_the_rest_to_flet(table, tmp_path):
    async def flet(scope, receive, send):
        await send({"passed": True})

    app = FallbackFonts(flet)
    emoji = next(f for f in table if f.name == "Noto Color Emoji 9")
    status, headers, body = _get(app, "/assets/fonts/" + emoji.path)
    assert status == 200 and headers[b"content-type"] == b"font/woff2"
    assert body == (web_fonts_dir() / emoji.path).read_bytes() and body[:4] == b"wOF2"
    assert _get(app, "/assets/fonts/" + emoji.path, "HEAD")[2] == b""
    assert _get(app, "/assets/fonts/" + emoji.path, "POST")[0] == "flet"
    for other in ["/", "/assets/fonts/roboto/v32/KFOmCnqEu92Fr1Me4GZLCzYlKw.woff2",
                  "/assets/fonts/../../pyproject.toml", "/assets/fonts/%2e%2e/NOTICE.md",
                  "/assets/fonts/../NOTICE.md.woff2", "/assets/fonts/LICENSES/notocoloremoji-OFL.txt",
                  "/assets/FontManifest.json"]:
        assert _get(app, other)[0] == "flet", other
    outside = tmp_path / "secret.woff2"
    outside.write_bytes(b"x")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "link.woff2").symlink_to(outside)
    assert _get(FallbackFonts(flet, tmp_path / "fonts"), "/assets/fonts/link.woff2")[0] == "flet"


def test_the_phone_package_leaves_the_web_fonts_out(tmp_path):
    """Fonts on a phone come from the system: `flet build` packages no webfonts/."""
    from tests.test_packaging import stage_flet_package

    app, _ = stage_flet_package(tmp_path / "app")
    assert not list(app.rglob("*.woff2")), "webfonts/ would weigh on every phone"
