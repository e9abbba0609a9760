"""Themes across a circle's insights: the app suggests, the facilitator decides.

Insights are embedded with a multilingual sentence encoder (USE multilingual v3, in pure numpy),
so a French and an English sentence about the same concern land close together. Suggestions
come from a graph of each insight's nearest neighbours, cut into communities (Louvain); the
measurements that chose this over k-means, agglomerative clustering and TF-IDF are in
bench/bench_themes_quality.py. Labels are the words that set a theme apart from the others
(class-based TF-IDF), taken from the facilitator's language where the theme has enough of it.

The facilitator curates: rename, merge, split, move an insight, pin a theme, or name themes up
front (seeds). What they decided is kept in their vault; insights that arrive later join the
theme they fit best, judged by the theme's members (and a seed's description), or "unsorted".

The heavy part lives in the optional extra `facilitator` and is imported only here, on first
use. Without it, `model()` raises FacilitatorExtraMissing, whose message says how to install it.
"""

from journal_app.harvest import VECTORS
from journal_app.themes.board import ThemeBoard
from journal_app.themes.encoder import Model, model
from journal_app.themes.errors import (
    CannotSplit,
    FacilitatorExtraMissing,
    InsightNotFound,
    ThemeNameMissing,
    ThemeNotFound,
)
from journal_app.themes.model import Board, Theme, ThemeView
from journal_app.themes.store import BOARDS

__all__ = ["BOARDS", "VECTORS", "Board", "CannotSplit", "FacilitatorExtraMissing", "InsightNotFound", "Model",
           "Theme", "ThemeBoard", "ThemeNameMissing", "ThemeNotFound", "ThemeView", "model"]
