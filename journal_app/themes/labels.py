"""Labels: the words that set a theme apart from the others (class-based TF-IDF), in the
facilitator's language where the theme has enough of it, never a placeholder of the anonymizer."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources

from journal_app.anonymize import PLACEHOLDER_PATTERN
from journal_app.journal import fold

LABEL_WORDS = 3
_WORD = re.compile(r"[^\W\d_]{3,}(?:['’-][^\W\d_]+)*")


@cache
def stop_words() -> frozenset[str]:
    text = resources.files("journal_app.data").joinpath("stopwords.txt").read_text("utf-8")
    return frozenset(fold(w) for line in text.splitlines() if not line.startswith("#")
                     for w in line.split())


def words(text: str) -> list[tuple[str, str]]:
    """(folded, as written in lower case) for each word worth a label."""
    out = []
    for match in _WORD.finditer(PLACEHOLDER_PATTERN.sub(" ", text)):
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
