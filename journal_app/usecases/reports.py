"""The themes report a facilitator hands to the wider collective (Markdown, CSV or JSON)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from journal_app.circles import Circles
from journal_app.harvest import Harvest, check_k
from journal_app.theme_report import build_report, render
from journal_app.themes import ThemeBoard
from journal_app.vault.storage import Database

SUFFIXES = {"markdown": ("md", "text/markdown"), "csv": ("csv", "text/csv"),
            "json": ("json", "application/json")}


@dataclass(frozen=True)
class ReportFile:
    name: str
    text: str
    mime_type: str


def circle_language(db: Database, circle_id: str, fallback: str) -> str:
    """The language most of the circle's released insights are written in (`fallback` on a tie,
    or before any): the report's language unless the facilitator chooses another."""
    counts = Counter(i.lang for i in Harvest(db).released(circle_id) if i.lang in ("fr", "en"))
    if counts["fr"] == counts["en"]:
        return fallback
    return "fr" if counts["fr"] > counts["en"] else "en"


def themes_report(db: Database, circle_id: str, lang: str, *, fmt: str = "markdown",
                  k: int | None = None, board: ThemeBoard | None = None,
                  today: date | None = None) -> ReportFile:
    """The report for one of this person's circles, in `lang` (headings, and each theme's name
    in that language), with only themes of at least k insights (k: the circle's own threshold
    unless given, never below 3)."""
    keys = Circles(db).owned_circle(circle_id)
    k = check_k(k) if k is not None else Harvest(db).k(circle_id)
    board = board or ThemeBoard(db, circle_id, lang)
    text = render(build_report(board, keys.invitation.name, k), fmt, lang)
    suffix, mime = SUFFIXES[fmt]
    return ReportFile(f"ressenti-themes-{(today or date.today()).isoformat()}.{suffix}", text, mime)
