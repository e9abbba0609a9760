"""The themes of one circle, as the facilitator shapes them: suggest, seed, rename, pin, merge,
split, move, dissolve. Opening a board only reads; insights released since it was saved are
placed by `place_new()`, and nothing is written before `save()` (a change a person makes saves
itself)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from journal_app.harvest import Harvest
from journal_app.sharing import Insight
from journal_app.themes import store
from journal_app.themes.clustering import (
    MIN_THEME,
    at_most,
    centred,
    communities,
    fit_as_members,
    normalize,
    own_bars,
    prototypes,
    representatives,
    sort_into_seeds,
    split_in_two,
)
from journal_app.themes.encoder import model
from journal_app.themes.errors import CannotSplit, InsightNotFound, ThemeNameMissing
from journal_app.themes.labels import labels
from journal_app.themes.model import Board, Theme, ThemeView
from journal_app.vault.storage import Database

if TYPE_CHECKING:
    import numpy as np

QUOTE_CHARS = 300
LANGS = ("fr", "en")


class ThemeBoard:
    """The themes of one circle, as the facilitator has shaped them."""

    def __init__(self, db: Database, circle_id: str, lang: str = "fr") -> None:
        self._db = db
        self.circle_id = circle_id
        self.lang = lang
        self._model = model()
        self.insights: dict[str, Insight] = {}
        self._x: np.ndarray | None = None
        self._row: dict[str, int] = {}
        self.board = Board()
        self._descriptions: dict[str, np.ndarray] = {}
        self._unsaved_vectors: dict[str, np.ndarray] = {}
        self._questions: dict[str, tuple[str, str]] = {}  # a question's theme id -> its text (fr, en)
        self.unsaved = False  # insights placed since the board was saved, not written yet
        self.reload()

    # -- state ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the released insights and the saved board, and place the insights released
        since, in memory: reading writes nothing (`save()` does)."""
        self.insights = {i.id: i for i in Harvest(self._db).released(self.circle_id)}
        self.board = store.load_board(self._db, self.circle_id)
        for theme in self.board.themes:  # withdrawn insights leave their themes
            theme.members = [i for i in theme.members if i in self.insights]
        self.board.unsorted = [i for i in self.board.unsorted if i in self.insights]
        self.board.fixed = [i for i in self.board.fixed if i in self.insights]
        self._vectors()
        new = [i for i in self.insights if i not in self.board.placed()]
        new = self._place_answers(new)
        if new:
            self._place(new, cluster_rest=not any(t.origin != "question" for t in self.board.themes))
        if new or self.unsaved:
            self._relabel()
            self.unsaved = True

    def _place_answers(self, pool: list[str]) -> list[str]:
        """Insights a member attached to one of the circle's questions go straight into that
        question's theme (members group better than any model); the rest are returned."""
        from journal_app.circles import CircleNotFound, Circles

        try:
            questions = {q.id: q for q in Circles(self._db).questions(self.circle_id)}
        except CircleNotFound:
            return pool
        self._questions = {f"q-{q.id}": (q.fr, q.en) for q in questions.values()}
        rest = []
        for insight_id in pool:
            question = questions.get(self.insights[insight_id].question)
            if question is None:
                rest.append(insight_id)
                continue
            theme = next((t for t in self.board.themes if t.id == f"q-{question.id}"), None)
            if theme is None:
                theme = Theme(f"q-{question.id}", question.text(self.lang)[:120], [], named=True, pinned=True,
                              origin="question", names={"fr": question.fr[:120], "en": question.en[:120]})
                self.board.themes.append(theme)
            theme.members.append(insight_id)
            self.board.fixed.append(insight_id)  # placed by the member: never moved by a suggestion
            self.unsaved = True
        return rest

    def save(self) -> None:
        """Keep the board, and the vectors computed since the last save, in the vault."""
        self._relabel()
        store.save(self._db, self.circle_id, self.board, self._unsaved_vectors)
        self._unsaved_vectors = {}
        self.unsaved = False

    def _vectors(self) -> None:
        """Every insight's vector, centred on the circle; computed once, kept at the next save."""
        np = self._model.np
        ids = list(self.insights)
        kept = store.load_vectors(self._db, ids)
        missing = [i for i in ids if i not in kept]
        fresh = self._model.encode([self.insights[i].text for i in missing])
        self._unsaved_vectors = dict(zip(missing, fresh, strict=True))
        vectors = {**kept, **self._unsaved_vectors}
        raw = np.array([vectors[i] for i in ids], dtype="float32").reshape(len(ids), 512)
        self._mean = raw.mean(axis=0) if len(ids) >= 2 else np.zeros(512, dtype="float32")
        self._x = centred(raw, self._mean) if len(ids) else raw
        self._row = {i: n for n, i in enumerate(ids)}

    def _rows(self, ids: Iterable[str]) -> np.ndarray:
        assert self._x is not None
        return self._x[[self._row[i] for i in ids]]

    def _description_vector(self, theme: Theme) -> np.ndarray | None:
        """A seed's name and description, or a question's text in French and English (the
        question counts as its theme's description); None for a suggested theme."""
        if theme.origin == "question" and theme.id in self._questions:
            texts = list(self._questions[theme.id])
        elif theme.description or theme.origin == "seeded":
            texts = [f"{theme.label}: {theme.description}" if theme.description else theme.label]
        else:
            return None
        key = "\n".join(texts)
        if key not in self._descriptions:  # encoded once, not at every placement
            self._descriptions[key] = normalize(self._model.encode(texts)).mean(axis=0)
        return centred(self._descriptions[key], self._mean)

    def _own(self, theme: Theme, fixed: set[str]) -> list[str]:
        """The members a theme is judged by: for a question's theme, the answers members attached
        to it (and insights the facilitator moved there), never what the app added."""
        if theme.origin == "question":
            return [i for i in theme.members if i in fixed]
        return theme.members

    def _fits(self, pool: list[str]) -> list[int]:
        """For each insight of `pool`, the index of the theme it joins, or -1."""
        themes = self.board.themes
        descriptions = [self._description_vector(t) for t in themes]
        if all(not t.members for t in themes):  # only fresh seeds: sort into their descriptions
            return sort_into_seeds(self._rows(pool), self._model.np.array(descriptions))
        # A theme takes an insight that fits it as well as its own members do (docs/sharing.md).
        fixed = set(self.board.fixed)
        own = [self._rows(self._own(t, fixed)) for t in themes]
        return fit_as_members(self._rows(pool), prototypes(own, descriptions), own_bars(own, descriptions))

    def _place(self, pool: list[str], *, cluster_rest: bool) -> None:
        """Put insights into the themes they fit; cluster the rest into new suggestions, or
        leave them unsorted."""
        themes = self.board.themes
        rest = pool
        if themes and pool:
            fits = self._fits(pool)
            rest = []
            for insight_id, fit in zip(pool, fits, strict=True):
                if fit >= 0:
                    themes[fit].members.append(insight_id)
                else:
                    rest.append(insight_id)
        if cluster_rest and len(rest) >= 2 * MIN_THEME:
            rest = sorted(rest, key=lambda i: self.insights[i].text)  # same insights, same themes
            leftover = []
            rows = self._rows(rest)
            for group in at_most(communities(rows), rows):
                members = [rest[i] for i in group]
                if len(members) >= MIN_THEME:
                    themes.append(Theme(uuid.uuid4().hex[:12], "", members))
                else:
                    leftover.extend(members)
            rest = leftover
        self.board.unsorted.extend(rest)

    def _relabel(self) -> None:
        """The app's keywords for the themes no one named, in French and in English (each from
        the members in that language where they share enough words)."""
        unnamed = [t for t in self.board.themes if not t.named]
        if not unnamed:
            return
        groups = [[(self.insights[i].text, self.insights[i].lang) for i in t.members] for t in self.board.themes]
        by_lang = {lang: labels(groups, lang) for lang in LANGS}
        for n, theme in enumerate(self.board.themes):
            if theme in unnamed:
                theme.names = {lang: by_lang[lang][n] for lang in LANGS if by_lang[lang][n]}
                theme.label = theme.name(self.lang) or "…"

    # -- what the facilitator does ------------------------------------------------------------
    def suggest(self) -> None:
        """Suggest themes again, keeping pinned, named and seeded ones as they are."""
        kept = [t for t in self.board.themes if t.pinned or t.named or t.origin == "seeded"]
        pool = [i for t in self.board.themes if t not in kept for i in t.members] + self.board.unsorted
        self.board = Board(kept, [], self.board.fixed)
        self._place(pool, cluster_rest=True)
        self.save()

    def seed(self, name: str, description: str = "") -> Theme:
        return self.seed_many([(name, description)])[0]

    def seed_many(self, named: Sequence[tuple[str, str]]) -> list[Theme]:
        """Themes named up front. Every insight the facilitator did not place by hand and that
        is not in a pinned theme is sorted again into the seeded themes, or left unsorted."""
        new = []
        for name, description in named:
            if not name.strip():
                raise ThemeNameMissing()
            new.append(Theme(uuid.uuid4().hex[:12], name.strip()[:120], [], named=True,
                             description=description.strip()[:500], pinned=True, origin="seeded"))
        fixed = set(self.board.fixed)
        seeds = [t for t in self.board.themes if t.origin == "seeded"] + new
        kept = [t for t in self.board.themes if (t.pinned or t.named) and t.origin != "seeded"]
        pool = [i for t in self.board.themes if t not in kept for i in t.members if i not in fixed]
        pool += [i for i in self.board.unsorted if i not in fixed]
        for theme in seeds:
            theme.members = [i for i in theme.members if i in fixed]
        self.board.themes = kept + seeds
        self.board.unsorted = [i for i in self.board.unsorted if i in fixed]
        if pool:
            fits = sort_into_seeds(self._rows(pool), self._model.np.array(
                [self._description_vector(t) for t in seeds]))
            for insight_id, fit in zip(pool, fits, strict=True):
                (seeds[fit].members if fit >= 0 else self.board.unsorted).append(insight_id)
        self.save()
        return new

    def rename(self, theme_id: str, label: str = "", *, fr: str | None = None, en: str | None = None) -> None:
        """Name a theme: in French and in English (`fr`, `en`), or in the board's language only
        (`label`). A name left empty is no name: that theme then shows its other name in both
        languages (never the app's keywords in one and the facilitator's name in the other)."""
        theme = self.board.theme(theme_id)
        given = {"fr": fr, "en": en} if fr is not None or en is not None else {self.lang: label}
        names = {lang: text.strip()[:120] for lang, text in given.items() if text and text.strip()}
        if names:
            theme.names, theme.named = names, True
            theme.label = theme.name(self.lang)
        self.save()

    def names(self, theme: Theme) -> dict[str, str]:
        """A theme's names by language, as members will read them (a board kept before names in
        both languages: its one label, in the board's language)."""
        return {lang: text for lang, text in theme.names.items() if text} or {self.lang: theme.label}

    def pin(self, theme_id: str, pinned: bool = True) -> None:
        self.board.theme(theme_id).pinned = pinned
        self.save()

    def merge(self, theme_id: str, into_id: str) -> None:
        """Merge a theme into another, which keeps the name it had when the facilitator chose it
        (the app's keywords, recomputed over both, had renamed it)."""
        source, target = self.board.theme(theme_id), self.board.theme(into_id)
        if source is target:
            return
        if not target.named:
            target.names, target.named = self.names(target), True
        target.members.extend(i for i in source.members if i not in target.members)
        target.pinned = target.pinned or source.pinned
        self.board.themes.remove(source)
        self.save()

    def split(self, theme_id: str) -> Theme:
        theme = self.board.theme(theme_id)
        if len(theme.members) < 2:
            raise CannotSplit()
        halves = split_in_two(self._rows(theme.members))
        kept = [i for i, h in zip(theme.members, halves, strict=True) if h == halves[0]]
        other = Theme(uuid.uuid4().hex[:12], "", [i for i in theme.members if i not in kept],
                      pinned=theme.pinned)
        theme.members = kept
        self.board.themes.insert(self.board.themes.index(theme) + 1, other)
        self.save()
        return other

    def move(self, insight_id: str, theme_id: str | None) -> None:
        """Move an insight to another theme, or to "unsorted" (None). It becomes an example of
        the theme it is moved to, for the insights that arrive later."""
        if insight_id not in self.insights:
            raise InsightNotFound(id=insight_id)
        target = self.board.theme(theme_id) if theme_id else None
        self.board.take(insight_id)
        (target.members if target else self.board.unsorted).append(insight_id)
        if insight_id not in self.board.fixed:
            self.board.fixed.append(insight_id)
        self.save()

    def dissolve(self, theme_id: str) -> None:
        theme = self.board.theme(theme_id)
        self.board.themes.remove(theme)
        self.board.unsorted.extend(theme.members)
        self.save()

    # -- what screens and reports show --------------------------------------------------------
    def views(self, kind: str | None = None, prompt_id: str | None = None) -> tuple[list[ThemeView], list[Insight]]:
        """Themes, largest first, and the unsorted insights, for the insights that pass the filters."""
        def keep(ids: Iterable[str]) -> list[str]:
            return [i for i in ids if (kind is None or self.insights[i].kind == kind)
                    and (prompt_id is None or self.insights[i].prompt_id == prompt_id)]

        out = []
        for theme in self.board.themes:
            ids = keep(theme.members)
            if not ids:
                if theme.origin == "seeded" or theme.pinned:
                    out.append(ThemeView(theme, [], [], []))
                continue
            insights = [self.insights[i] for i in ids]
            short = [i for i in ids if len(self.insights[i].text) <= QUOTE_CHARS] or ids
            quotes = [self.insights[short[q]] for q in representatives(self._rows(short))]
            weeks = sorted(Counter(i.week for i in insights).items())
            out.append(ThemeView(theme, insights, weeks, quotes))
        out.sort(key=lambda v: (not v.theme.pinned, -v.count, v.theme.label))
        return out, [self.insights[i] for i in keep(self.board.unsorted)]
