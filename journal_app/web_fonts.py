"""The fallback fonts of the web app, served by the app itself.

Flutter's web client draws every character with its own fonts; one that Roboto lacks (an emoji,
Inuktitut syllabics, Arabic, Chinese) is drawn with a Noto font fetched, with the app run as
`no_cdn=True`, from the app's own `/assets/fonts/<the engine's path for that font>` (for example
`/assets/fonts/notocoloremoji/v32/Yq6P-…-aXxcn.9.woff2`). Flet's server has no such files and
answered 404: the character stayed an empty box. This ASGI wrapper answers those paths from
webfonts/ (built by tools/build_web_fonts.py; README, "What the web app serves"), and passes every other
request to Flet. Only the web app needs it: on a phone the fonts come from the system.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from journal_app.same_origin import ASGIApp, Receive, Scope, Send

PREFIX = "/assets/fonts/"
_CHUNK = 64 * 1024


def web_fonts_dir() -> Path:
    """webfonts/ inside the installed package (a wheel), else at the top of a source checkout."""
    installed = Path(__file__).parent / "webfonts"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "webfonts"


class FallbackFonts:
    """Answers GET and HEAD for the fallback fonts that `folder` holds; anything else, and a font
    it does not hold, goes on to `app` (which answers 404 as before)."""

    def __init__(self, app: ASGIApp, folder: Path | None = None) -> None:
        self.app = app
        self.folder = (folder or web_fonts_dir()).resolve()

    def font(self, path: str) -> Path | None:
        if not path.startswith(PREFIX) or not path.endswith(".woff2"):
            return None
        parts = PurePosixPath(path[len(PREFIX):]).parts
        if not parts or any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
            return None
        found = self.folder.joinpath(*parts)
        try:
            if found.resolve().is_relative_to(self.folder) and found.is_file():
                return found
        except (OSError, ValueError):
            return None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        found = self.font(scope.get("path", ""))
        if found is None:
            await self.app(scope, receive, send)
            return
        data = found.read_bytes()
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"font/woff2"),
            (b"content-length", str(len(data)).encode()),
            # The path names the font's version: a new one comes under a new path.
            (b"cache-control", b"public, max-age=31536000, immutable"),
        ]})
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        for start in range(0, len(data), _CHUNK):
            await send({"type": "http.response.body", "body": data[start:start + _CHUNK],
                        "more_body": start + _CHUNK < len(data)})
        if not data:
            await send({"type": "http.response.body", "body": b""})
