"""Where a board and the insights' vectors live in the facilitator's vault: two tables, one
document per circle (the board) and one per insight (its vector, as float16 in base64)."""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, cast

from journal_app.harvest import VECTORS
from journal_app.themes.encoder import model
from journal_app.themes.model import Board, Theme
from journal_app.vault.storage import Database

if TYPE_CHECKING:
    import numpy as np

BOARDS = "theme_boards"


def _vector_text(vector: np.ndarray) -> str:
    return base64.b64encode(vector.astype("float16").tobytes()).decode("ascii")


def _vector(text: str) -> np.ndarray:
    numpy = model().np
    return cast("np.ndarray", numpy.frombuffer(base64.b64decode(text), dtype="float16").astype("float32"))


def load_board(db: Database, circle_id: str) -> Board:
    doc = db.table(BOARDS).get_doc(circle_id)
    if not doc:
        return Board()
    return Board([Theme(**t) for t in doc["themes"]], list(doc["unsorted"]), list(doc["fixed"]))


def load_vectors(db: Database, ids: list[str]) -> dict[str, np.ndarray]:
    """The vectors already kept for these insights."""
    stored = db.table(VECTORS)
    return {i: _vector(doc["v"]) for i in ids if (doc := stored.get_doc(i)) is not None}


def save(db: Database, circle_id: str, board: Board, vectors: dict[str, np.ndarray]) -> None:
    """The board and new vectors, in one save."""
    doc = {"themes": [asdict(t) for t in board.themes], "unsorted": list(board.unsorted),
           "fixed": list(board.fixed)}

    def write(tables: dict[str, dict[str, Any]]) -> None:
        tables.setdefault(BOARDS, {})[circle_id] = doc
        kept = tables.setdefault(VECTORS, {})
        for insight_id, vector in vectors.items():
            kept[insight_id] = {"v": _vector_text(vector)}
    db.change(write)
