"""The numeric building blocks (each takes and returns numpy arrays): centring, the nearest-
neighbour graph cut into communities (Louvain), splitting, prototypes, fitting, quotes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from journal_app.themes.encoder import model

if TYPE_CHECKING:
    import numpy as np

MIN_THEME = 3  # a suggested group smaller than this goes to "unsorted"
NEIGHBOURS = 10  # each insight is linked to this many nearest others
MAX_THEMES = 12  # more suggested themes than this are merged, closest first: a facilitator reads them all
RESOLUTION = 1.0  # Louvain's resolution: higher gives more, smaller themes
FIT_THRESHOLD = 0.05  # similarity (centred) below which a new insight is "unsorted", whatever the theme
OWN_QUANTILE = 0.25  # a theme takes an insight that fits it as well as its own members' lower quartile
SEED_WEIGHT = 1.0  # how much a seed's description counts against its members' centre
QUOTES = 3


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


def own_bars(groups: Sequence[np.ndarray], descriptions: Sequence[np.ndarray | None]) -> list[float]:
    """For each theme, how well its own members fit it (docs/sharing.md): each member against
    the prototype made without it (leave one out), the lower quartile of these fits (with fewer
    than four members, the lowest), never below FIT_THRESHOLD. A theme none of whose members can
    be measured (none, or one alone with no description) has no bar: infinity, it takes no one."""
    numpy = model().np
    bars = []
    for members, description in zip(groups, descriptions, strict=True):
        n = len(members)
        fits = []
        if n >= 2 or (n == 1 and description is not None):
            total = members.sum(axis=0)
            for i in range(n):
                vector = numpy.zeros(512, dtype="float32")
                if n > 1:
                    vector += normalize((total - members[i]) / (n - 1))
                if description is not None:
                    vector += SEED_WEIGHT * description
                fits.append(float(members[i] @ normalize(vector)))
        if not fits:
            bars.append(float("inf"))
            continue
        bar = float(numpy.quantile(fits, OWN_QUANTILE)) if n >= 4 else min(fits)
        bars.append(max(bar, FIT_THRESHOLD))
    return bars


def fit_as_members(x: np.ndarray, protos: np.ndarray, bars: Sequence[float]) -> list[int]:
    """For each insight, the theme it fits best when it fits it as well as that theme's own
    members do (its bar, `own_bars`); else -1."""
    if not len(protos) or not len(x):
        return [-1] * len(x)
    sims = x @ protos.T
    best = sims.argmax(axis=1)
    return [int(b) if sims[i, b] >= bars[b] else -1 for i, b in enumerate(best)]


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
