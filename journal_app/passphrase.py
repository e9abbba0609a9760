"""The one passphrase policy: a strength estimate (shown as feedback while typing) and the rule
every new passphrase meets, whether it is chosen in the app or on the command line."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from journal_app.errors import PassphraseTooWeak
from journal_app.i18n import LANGUAGES, translate
from journal_app.vault import MIN_PASSPHRASE_CHARS

# Below this, a passphrase falls to a guess of a few billion tries (« aaaaaaaa »).
_MIN_BITS = 25.0

# A few of the passphrases people reach for first; any of them is "too weak".
_COMMON = {
    "motdepasse", "password", "12345678", "123456789", "azertyuiop", "qwertyuiop", "bonjour123",
    "soleil123", "iloveyou", "jetaime123", "motdepasse123", "password123", "11111111",
    "00000000", "abcdefgh", "ressenti", "journal123", "focusing",
}


@dataclass(frozen=True)
class Strength:
    score: int  # 0 too weak, 1 weak, 2 fair, 3 good, 4 strong
    bits: float
    public: bool = False  # a password everyone tries first, or the example the app shows

    @property
    def acceptable(self) -> bool:
        return self.score >= 1

    @property
    def key(self) -> str:
        if self.public:
            return "strength.public"
        return f"strength.{('too_weak', 'weak', 'fair', 'good', 'strong')[self.score]}"


@cache
def _public() -> frozenset[str]:
    """What no one should pick: the common ones, and the examples the app itself shows."""
    return frozenset(_COMMON | {_folded(translate("onboarding.passphrase_example", lang)) for lang in LANGUAGES})


def _folded(text: str) -> str:
    return "".join(text.lower().split())


def estimate(passphrase: str) -> Strength:
    """Rough entropy: character pool and length, with credit for several words."""
    text = passphrase.strip()
    if _folded(text) in _public():
        return Strength(0, 0.0, public=True)
    if len(text) < MIN_PASSPHRASE_CHARS:
        return Strength(0, 0.0)
    pool = 0
    pool += 26 if any(c.islower() for c in text) else 0
    pool += 26 if any(c.isupper() for c in text) else 0
    pool += 10 if any(c.isdigit() for c in text) else 0
    pool += 33 if any(not c.isalnum() and not c.isspace() for c in text) else 0
    pool += 40 if any(ord(c) > 127 for c in text) else 0  # accents widen the pool
    # Repeated characters add little: count distinct characters more than length.
    effective = min(len(text), 2 * len(set(text)))
    bits = effective * math.log2(max(pool, 2))
    words = len(text.split())
    if words >= 3:
        bits = max(bits, words * 11.0)  # a word drawn from a large vocabulary
    score = 0 if bits < _MIN_BITS else 1 if bits < 40 else 2 if bits < 60 else 3 if bits < 80 else 4
    return Strength(score, bits)


def require_acceptable(passphrase: str) -> None:
    """Refuse a new passphrase the estimate calls too weak (raises PassphraseTooWeak)."""
    check_length = len(passphrase.strip()) >= MIN_PASSPHRASE_CHARS
    if not (check_length and estimate(passphrase).acceptable):
        raise PassphraseTooWeak(min=MIN_PASSPHRASE_CHARS)
