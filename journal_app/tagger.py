"""A small trained tagger for what the rules miss: each word is read with its neighbours and
given a class — a person's name, a place, a role that points to one person, an age, or none.

Rules written from the sentences one has read catch those sentences; the next writer has a new
way to name someone. The tagger learns *how* personal data sits in a sentence (a capital after
« avec », an unknown word before « a dit », a job before « chez » and a capital, a number after
a name) from a few thousand labelled journal passages, and weighs every clue at once. It is an
averaged perceptron read greedily from left to right (the class of the word before is a clue):
pure Python, its weights a data file (journal_app/data/tagger.json.gz, built at development time
by tools/train_tagger.py from the labelled sets in tests/data), nothing downloaded.

The anonymizer (journal_app/anonymize.py) takes what the tagger is sure of as a redaction, and
what it is less sure of as a doubt the member sees on the consent screen.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from journal_app.journal import fold
from journal_app.lexicon import lexicon

CLASSES = ("O", "name", "place", "role", "age")
# The kind of redaction each class becomes (journal_app/anonymize.py's labels).
KINDS = {"name": "name", "place": "address", "role": "role", "age": "age"}

# Words, numbers and each other sign; an elided article or pronoun is its own word (« l' », « qu' »).
_TOKEN = re.compile(r"(?i:\b(?:[ldjmntsc]|qu|jusqu|lorsqu|puisqu)['’](?=\w))|\w+(?:[-'’.]\w+)*|[^\w\s]")
_ENDS = frozenset(".!?…:;")
SPACE = ("", " ", "\u00a0")  # what may lie between two words of one name (not « , », not a line)


def _shape(word: str) -> str:
    if word.isdigit():
        return "d" if len(word) < 3 else "dd"
    if not word[0].isalnum():
        return "p"
    if word.isupper():
        return "X" if len(word) == 1 else "XX"
    if word[0].isupper():
        return "Xx" if word[1:].islower() or len(word) == 1 else "XxX"
    if word.islower():
        return "x"
    return "mix"


class Token:
    __slots__ = ("start", "end", "word", "low", "shape", "lex", "first", "plain")

    def __init__(self, start: int, end: int, word: str, first: bool,
                 known: dict[str, tuple[str, str, str, bool]] | None = None) -> None:
        self.start, self.end, self.word, self.first = start, end, word, first
        seen = known.get(word) if known is not None else None
        if seen is None:
            low = fold(word)
            shape = _shape(word)
            lex = lexicon().get(low.replace("’", "'"), "-") if shape != "p" else "p"
            # An ordinary word in lower case, or a sign: never read (it is "O"), so the tagger costs
            # little on long texts. Names in lower case are no ordinary words; roles are the rules' work.
            seen = (low, shape, lex, shape == "p" or (shape == "x" and lex in "DR"))
            if known is not None:
                known[word] = seen
        self.low, self.shape, self.lex, self.plain = seen


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    known: dict[str, tuple[str, str, str, bool]] = {}  # a word read once is read
    last_end, first = 0, True
    for m in _TOKEN.finditer(text):
        if "\n" in text[last_end:m.start()]:
            first = True
        word = m.group()
        out.append(Token(m.start(), m.end(), word, first, known))
        first = word in _ENDS or (first and word in "«\"“(—–-")
        last_end = m.end()
    return out


_PAD = Token(0, 0, "·", False)
_PAD.low, _PAD.shape, _PAD.lex = "·", "·", "·"


def features(toks: list[Token], i: int, prev: str, prev2: str, lang: str) -> list[str]:
    t = toks[i]
    p = toks[i - 1] if i > 0 else _PAD
    p2 = toks[i - 2] if i > 1 else _PAD
    n = toks[i + 1] if i + 1 < len(toks) else _PAD
    n2 = toks[i + 2] if i + 2 < len(toks) else _PAD
    low = t.low
    cap = t.shape if not t.first else "^" + t.shape
    return [
        "b", "w=" + low, "s3=" + low[-3:], "s2=" + low[-2:], "p2=" + low[:2], "sh=" + cap, "lx=" + t.lex,
        "lxsh=" + t.lex + cap, "lg=" + lang + cap + t.lex, "len=" + str(min(len(low), 6)),
        "pw=" + p.low, "nw=" + n.low, "p2w=" + p2.low, "n2w=" + n2.low,
        "psh=" + p.shape + "|" + cap, "nsh=" + n.shape + "|" + cap, "plx=" + p.lex + "|" + t.lex,
        "nlx=" + n.lex + "|" + t.lex, "pwsh=" + p.low + "|" + cap, "nwsh=" + n.low + "|" + cap,
        "pw2=" + p2.low + "|" + p.low, "nw2=" + n.low + "|" + n2.low,
        "y=" + prev, "yy=" + prev2 + "|" + prev, "yw=" + prev + "|" + low, "ysh=" + prev + "|" + cap + t.lex,
    ]


class Model:
    """Weights: feature → one weight a class (CLASSES' order)."""

    def __init__(self, weights: dict[str, list[float]], lean: float = 0.0) -> None:
        self.weights = weights
        self.lean = lean  # added to every class but "O": a tagger that redacts more readily

    def scores(self, feats: list[str]) -> list[float]:
        s0, s1 = 0.0, self.lean
        s2 = s3 = s4 = s1
        get = self.weights.get
        for f in feats:
            w = get(f)
            if w is not None:
                s0 += w[0]
                s1 += w[1]
                s2 += w[2]
                s3 += w[3]
                s4 += w[4]
        return [s0, s1, s2, s3, s4]

    def tag(self, text: str, lang: str) -> list[tuple[Token, str, float]]:
        """Each word with its class and the margin by which it won (how sure the tagger is)."""
        toks = tokens(text)
        out: list[tuple[Token, str, float]] = []
        prev = prev2 = "<s>"
        for i, t in enumerate(toks):
            if t.plain:
                label, margin = "O", 0.0
            else:
                s = self.scores(features(toks, i, prev, prev2, lang))
                best = max(range(5), key=s.__getitem__)
                label = CLASSES[best]
                # How far a personal class is ahead of « none » (not of the next personal class:
                # a word surely personal, name or place, is surely personal).
                margin = s[best] - (s[0] if best else max(s[1:]))
            out.append((t, label, margin))
            prev2, prev = prev, label
        return out


def load(raw: bytes) -> Model:
    """Weights as tools/train_tagger.py writes them (gzip of JSON, whole numbers of 1/scale)."""
    data = json.loads(gzip.decompress(raw))
    scale = data["scale"]
    return Model({f: [v / scale for v in w] for f, w in data["weights"].items()}, data.get("lean", 0.0))


@cache
def model() -> Model | None:
    """The weights shipped with the app (None if the data file is absent)."""
    try:
        return load(resources.files("journal_app").joinpath("data/tagger.json.gz").read_bytes())
    except FileNotFoundError:
        return None


def spans(text: str, lang: str, using: Model | None = None) -> Iterator[tuple[int, int, str, float]]:
    """Stretches of one class (words side by side), as (start, end, kind, least margin)."""
    m = using or model()
    if m is None:
        return
    run: list[tuple[Token, str, float]] = []
    for item in [*m.tag(text, lang), (_PAD, "O", 0.0)]:
        if run and (item[1] != run[-1][1] or text[run[-1][0].end:item[0].start] not in SPACE):
            yield run[0][0].start, run[-1][0].end, KINDS[run[-1][1]], min(x[2] for x in run)
            run = []
        if item[1] != "O":
            run.append(item)
