"""Which way of grouping insights into themes works best? Measured on the labelled set.

    python bench/bench_themes_quality.py        (needs the extra: pip install -e '.[facilitator]')

Prints, for each approach, the adjusted Rand index (ARI) against the labelled topics and the
time it took (embedding time printed once, apart), then the seeded accuracy. The approach kept
in journal_app/themes/clustering.py is "graph": centred sentence embeddings, 10 nearest neighbours,
Louvain communities.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.cluster import AgglomerativeClustering, KMeans  # noqa: E402
from sklearn.decomposition import TruncatedSVD  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score, silhouette_score  # noqa: E402

from journal_app.journal import fold  # noqa: E402
from journal_app.themes import clustering as themes  # noqa: E402
from tests.labelled_insights import labelled_set, seeds  # noqa: E402


def by_silhouette(x: np.ndarray, fit, ks=range(4, 16)) -> np.ndarray:
    """The clustering whose number of groups has the best silhouette."""
    best = None
    for k in ks:
        labels = fit(x, k)
        score = silhouette_score(x, labels, metric="cosine")
        if best is None or score > best[0]:
            best = (score, labels)
    return best[1]


def kmeans(x, k):
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(x)


def average(x, k):
    return AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(x)


def ward(x, k):
    return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)


def from_groups(groups, n):
    labels = np.full(n, -1)
    for g, members in enumerate(groups):
        labels[members] = g
    # groups smaller than MIN_THEME are "unsorted" in the app: each its own label here
    for members in groups:
        if len(members) < themes.MIN_THEME:
            for m in members:
                labels[m] = n + m
    return labels


def main() -> None:
    rows = labelled_set()
    truth = [r.topic for r in rows]
    texts = [r.text for r in rows]
    model = themes.model()
    start = time.perf_counter()
    raw = model.encode(texts)
    print(f"{len(rows)} insights, {len(set(truth))} topics; embedding {time.perf_counter() - start:.2f} s "
          f"(USE multilingual v3, numpy)")
    centred = themes.centred(raw, raw.mean(axis=0))
    tfidf = TfidfVectorizer(preprocessor=fold, min_df=2, sublinear_tf=True).fit_transform(texts)
    lsa = themes.normalize(TruncatedSVD(100, random_state=0).fit_transform(tfidf))
    combined = themes.normalize(np.hstack([raw, 0.3 * lsa]))

    def graph(x):
        return from_groups(themes.communities(x), len(x))

    approaches = [
        ("lexical: TF-IDF + k-means, k by silhouette", lambda: by_silhouette(tfidf.toarray(), kmeans)),
        ("lexical: TF-IDF/LSA + Louvain graph", lambda: graph(lsa)),
        ("embeddings + k-means, k by silhouette", lambda: by_silhouette(raw, kmeans)),
        ("embeddings + agglomerative (average), k by silhouette", lambda: by_silhouette(raw, average)),
        ("embeddings + LSA (0.3) + Ward, k by silhouette", lambda: by_silhouette(combined, ward)),
        ("centred embeddings + k-means, k by silhouette", lambda: by_silhouette(centred, kmeans)),
        ("centred embeddings + k-means, k = 8 (told the answer)", lambda: kmeans(centred, 8)),
        ("graph: centred embeddings + 10-NN + Louvain (kept)", lambda: graph(centred)),
    ]
    print(f"\n{'approach':58s} {'ARI':>6s} {'groups':>6s} {'time':>8s}")
    for name, run in approaches:
        start = time.perf_counter()
        labels = run()
        elapsed = time.perf_counter() - start
        groups = len({v for v in labels if v < len(rows)})
        print(f"{name:58s} {adjusted_rand_score(truth, labels):6.3f} {groups:6d} {elapsed * 1000:6.0f} ms")

    # The graph depends on the order insights arrive in (Louvain visits nodes in order): spread.
    scores = []
    for seed in range(10):
        order = list(range(len(rows)))
        random.Random(seed).shuffle(order)
        labels = graph(centred[order])
        scores.append(adjusted_rand_score([truth[i] for i in order], labels))
    print(f"graph over 10 arrival orders: ARI median {statistics.median(scores):.3f}, "
          f"min {min(scores):.3f}, max {max(scores):.3f}")

    # Seeded themes: descriptions written before the insights (tests/data/theme_seeds.txt).
    topics = list(seeds())
    descriptions = themes.centred(model.encode([f"{n}: {d}" for n, d in seeds().values()]), raw.mean(axis=0))
    for name, rounds in (("descriptions only", 0), ("descriptions + self-training (kept)", 2)):
        fits = themes.sort_into_seeds(centred, descriptions, rounds=rounds)
        sorted_ = [(truth[i], topics[f]) for i, f in enumerate(fits) if f >= 0]
        right = sum(t == p for t, p in sorted_)
        print(f"seeded, {name:38s} accuracy {right / len(rows):.3f} of all, "
              f"{right / max(1, len(sorted_)):.3f} of sorted; unsorted {len(rows) - len(sorted_)}")


if __name__ == "__main__":
    main()
