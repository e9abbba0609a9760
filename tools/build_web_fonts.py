"""Build webfonts/: the fallback fonts the web client asks the app's own server for.

    npm and fonttools[woff] (the `test` extra) at development time only, never in the app
    python tools/build_web_fonts.py

Why (README, "What the web app serves"): Flutter draws text with its own fonts. A
character that Roboto lacks (an emoji, Inuktitut syllabics, Arabic, Chinese) is looked up in the
engine's table of Noto fallback fonts, and the font that covers it is fetched from
`configuration.fontFallbackBaseUrl` + the font's path in that table (the engine's
`font_fallbacks.dart`, `_FallbackFontDownloadQueue.startDownloads`). Flet's web client, run with
`no_cdn=True` as this app runs it, sets that base to `assets/fonts/` (flet_web's
`patch_index.py`), so the browser asks the app itself for, say,
`/assets/fonts/notocoloremoji/v32/Yq6P-…-aXxcn.9.woff2`: one of Google Fonts' slices of the font.
Nothing answered those paths (404), and every such character was an empty box.

This script reads that table from the installed web client (`flet_web/web/main.dart.js`: the fonts'
names and paths, and the packed code point ranges that the engine decodes in
`FontFallbackManager._decodeFontComponents` and `_UnicodePropertyLookup.fromPackedData`), and for
each path of the families below writes, at that very path under webfonts/, the source font cut
down to the code points the engine expects that path to cover. The sources are Noto fonts
(SIL Open Font License 1.1) from Fontsource's npm packages, fetched with `npm pack`; their licences
are copied beside the fonts (webfonts/LICENSES/) and listed in webfonts/NOTICE.md.

A new Flet (a new Flutter) may change the paths: tests/test_web_fonts.py then fails, and running
this script again brings webfonts/ back in line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "webfonts"

# Flutter's folder for a family -> (npm package, the file of the package that holds the whole
# script, what it is). Chosen for the circle's members: emoji, Inuktitut (Nunavik), Arabic,
# Chinese. Other scripts still show boxes (the README says which).
SOURCES: dict[str, tuple[str, str, str]] = {
    "notocoloremoji": ("@fontsource/noto-color-emoji@5.3.2",
                       "files/noto-color-emoji-emoji-400-normal.woff2", "Noto Color Emoji"),
    "notosanscanadianaboriginal": (
        "@fontsource/noto-sans-canadian-aboriginal@5.3.0",
        "files/noto-sans-canadian-aboriginal-canadian-aboriginal-400-normal.woff2",
        "Noto Sans Canadian Aboriginal (Inuktitut, Cree, Ojibwe syllabics)"),
    "notosansarabic": ("@fontsource/noto-sans-arabic@5.3.0",
                       "files/noto-sans-arabic-arabic-400-normal.woff2", "Noto Sans Arabic"),
    "notosanssc": ("@fontsource/noto-sans-sc@5.3.1",
                   "files/noto-sans-sc-chinese-simplified-400-normal.woff2",
                   "Noto Sans SC (its 7,946 most used simplified Chinese characters)"),
}


@dataclass(frozen=True)
class FallbackFont:
    name: str  # "Noto Color Emoji 9"
    path: str  # "notocoloremoji/v32/….9.woff2", after configuration.fontFallbackBaseUrl
    code_points: frozenset[int]


def web_client_script() -> Path:
    import flet_web

    return Path(flet_web.__file__).parent / "web" / "main.dart.js"


def fallback_fonts(script: Path | None = None) -> list[FallbackFont]:
    """The engine's fallback table, as compiled into the web client: each font, its path, and the
    code points the engine fetches it for."""
    js = (script or web_client_script()).read_text(encoding="utf-8")
    fonts = re.findall(r'"(Noto [^"]*)","(noto[^"]*\.woff2)"', js)
    packed = [m.group(1) for m in re.finditer(r'"([A-Za-z0-9,]{3000,})"', js)]
    if len(packed) != 2 or not fonts:
        raise SystemExit("the web client's fallback font table was not found: read the engine anew")
    font_sets_data, ranges_data = packed if "," in packed[0] else packed[::-1]

    def font_set(data: str) -> list[int]:  # FontFallbackManager._decodeFontSet
        found, previous, prefix = [], -1, 0
        for code in map(ord, data):
            if 97 <= code < 97 + 26:  # kFontIndexDigit0 'a', radix 26
                previous += prefix * 26 + (code - 97) + 1
                found.append(previous)
                prefix = 0
            elif 48 <= code < 58:  # kPrefixDigit0 '0', radix 10
                prefix = prefix * 10 + (code - 48)
            else:
                raise ValueError(chr(code))
        return found

    components = [font_set(part) for part in font_sets_data.split(",")]
    covered: dict[int, set[int]] = {}
    start, size, prefix = 0, 1, 0
    for code in map(ord, ranges_data):  # _UnicodePropertyLookup.fromPackedData
        if 65 <= code < 65 + 26:  # kRangeValueDigit0 'A', radix 26
            component = components[prefix * 26 + (code - 65)]
            for index in component:
                covered.setdefault(index, set()).update(range(start, start + size))
            start += size
            size, prefix = 1, 0
        elif 97 <= code < 97 + 26:  # kRangeSizeDigit0 'a', radix 26
            size = prefix * 26 + (code - 97) + 2
            prefix = 0
        elif 48 <= code < 58:
            prefix = prefix * 10 + (code - 48)
        else:
            raise ValueError(chr(code))
    if start != 0x110000:
        raise SystemExit(f"the fallback ranges end at {start:#x}, not 0x110000: read the engine anew")
    return [FallbackFont(name, path, frozenset(covered.get(i, ()))) for i, (name, path) in enumerate(fonts)]


def npm_package(spec: str, into: Path) -> Path:
    subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(into), spec], check=True,
                   stdout=subprocess.DEVNULL)
    tgz = max(into.glob("*.tgz"), key=lambda p: p.stat().st_mtime)
    folder = into / tgz.stem
    with tarfile.open(tgz) as archive:
        archive.extractall(folder, filter="data")
    tgz.unlink()
    return folder / "package"


def cut(source: Path, code_points: set[int], target: Path) -> None:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # ligatures (emoji sequences, Arabic joining) kept
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["SVG "]  # Flutter's Skia draws the COLR colour glyphs, never SVG ones
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.recalcTimestamp = False  # the source's date: the same fonts give the same bytes again
    subset.save_font(font, str(target), options)


def main() -> int:
    from fontTools.ttLib import TTFont

    table = fallback_fonts()
    # What the client's own font draws needs no fallback: left out of the count of missing ones.
    roboto = set(TTFont(str(web_client_script().parent / "assets" / "fonts" / "roboto.woff2")).getBestCmap())
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "LICENSES").mkdir(parents=True)
    notice = ["# The web app's fallback fonts", "",
              "Written by tools/build_web_fonts.py (see its docstring, and \"What the web app serves\" in",
              "the README): each file sits at the path the web client asks for after `assets/fonts/`,",
              "and holds the characters the client fetches it for. All are Noto fonts, cut down to",
              "those characters (a Modified Version in the licence's words; no Reserved Font Name",
              "applies), under the SIL Open Font License 1.1: its text, with each font's copyright, is",
              "in LICENSES/. The last column counts the characters the client would fetch that family",
              "for which neither the cut font nor Roboto draws: they stay empty boxes.", "",
              "| family | source (npm) | files | size | still boxes |",
              "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for folder, (spec, member, what) in SOURCES.items():
            package = npm_package(spec, Path(tmp))
            source = package / member
            licence = (package / "LICENSE").read_text(encoding="utf-8")
            if "Reserved Font Name" in licence.split("PREAMBLE")[0]:
                raise SystemExit(f"{spec}: a Reserved Font Name forbids shipping a cut-down copy")
            (OUT / "LICENSES" / f"{folder}-OFL.txt").write_text(licence, encoding="utf-8")
            whole = TTFont(str(source))
            available = set(whole.getBestCmap())
            whole.flavor = None  # unpacked once: each cut then reads it without brotli
            source = Path(tmp) / f"{folder}.ttf"
            whole.save(str(source))
            wanted = [f for f in table if f.path.startswith(folder + "/")]
            missing: set[int] = set()
            written = total = 0
            for font in wanted:
                beyond_ascii = {cp for cp in font.code_points if cp >= 0xA0}
                missing |= beyond_ascii - available - roboto
                if not beyond_ascii & available:
                    continue  # nothing of that slice in the source: the client gets a 404, as before
                target = OUT / font.path
                cut(source, set(font.code_points) & available, target)
                written += 1
                total += target.stat().st_size
            notice.append(f"| {what} | `{spec}` | {written} of {len(wanted)} | {total / 1024:,.0f} KiB "
                          f"| {len(missing)} |")
            print(f"{folder}: {written}/{len(wanted)} files, {total / 1024:,.0f} KiB, "
                  f"{len(missing)} code points not in the source", file=sys.stderr)
    (OUT / "NOTICE.md").write_text("\n".join(notice) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
