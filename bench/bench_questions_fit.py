"""Where do the insights with no question go, in a circle whose members attached some of theirs
to the circle's questions? The old rule and the new one (docs/sharing.md, « Which theme an
insight joins »), on the labelled set and on the held-out circle written after the new rule.

    python bench/bench_questions_fit.py        (needs the extra: pip install -e '.[facilitator]')

Both rules run the real ThemeBoard on a real vault; the old one only swaps the step that decides
where an insight with no question goes (`_fits`) for the code as it was before round 5 (every
theme judged by all its members, a question's theme with no description, fit threshold 0.05).
Prints, per set and rule: attached insights in their question's theme; unattached ones pulled
into a question's theme (right / wrong); suggested into new themes (and how pure those are: the
share of each new theme's largest topic); left unsorted.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from journal_app.circles import Circles  # noqa: E402
from journal_app.themes import ThemeBoard  # noqa: E402
from journal_app.themes.clustering import best_fit, prototypes, sort_into_seeds  # noqa: E402
from journal_app.vault.storage import Database, create_database  # noqa: E402
from tests.conftest import FAST_KDF, PASSPHRASE  # noqa: E402
from tests.labelled_insights import (  # noqa: E402
    LABELLED_QUESTIONS,
    Labelled,
    heldout_circle,
    import_question_circle,
    labelled_set,
)


class OldBoard(ThemeBoard):
    """The board with the placement as it was before round 5."""

    def _fits(self, pool: list[str]) -> list[int]:
        themes = self.board.themes
        descriptions = [None if t.origin == "question" else self._description_vector(t) for t in themes]
        if all(not t.members for t in themes):
            return sort_into_seeds(self._rows(pool), self._model.np.array(descriptions))
        return best_fit(self._rows(pool), prototypes([self._rows(t.members) for t in themes], descriptions))


@dataclass
class Figures:
    attached: int = 0
    attached_right: int = 0
    unattached: int = 0
    pulled_right: int = 0
    pulled_wrong: int = 0
    pulled_wrong_off: int = 0  # of the wrong ones, on a topic no question asks about
    suggested: int = 0
    suggested_themes: int = 0
    suggested_pure: int = 0  # insights of their new theme's largest topic
    unsorted: int = 0

    def lines(self) -> list[str]:
        purity = f"{self.suggested_pure / self.suggested:.0%}" if self.suggested else "-"
        return [
            f"attached in their question's theme     {self.attached_right:4d} / {self.attached}",
            f"unattached pulled into a question theme {self.pulled_right + self.pulled_wrong:4d} / "
            f"{self.unattached}  (right {self.pulled_right}, wrong {self.pulled_wrong}, "
            f"{self.pulled_wrong_off} of them on no question's topic)",
            f"unattached suggested into new themes    {self.suggested:4d}  "
            f"({self.suggested_themes} themes, {purity} of their largest topic)",
            f"unattached left unsorted                {self.unsorted:4d}",
        ]


def measure(board: ThemeBoard, by_id: dict[str, Labelled], attached: set[str], theme_topic: dict[str, str]) -> Figures:
    f = Figures()
    where = {i: t for t in board.board.themes for i in t.members}
    for theme in board.board.themes:
        if theme.id not in theme_topic and theme.members:
            topics = Counter(by_id[i].topic for i in theme.members)
            f.suggested_themes += 1
            f.suggested_pure += topics.most_common(1)[0][1]
    for insight_id, row in by_id.items():
        theme = where.get(insight_id)
        if insight_id in attached:
            f.attached += 1
            f.attached_right += theme is not None and theme_topic.get(theme.id) == row.topic
            continue
        f.unattached += 1
        if theme is None:
            f.unsorted += 1
        elif theme.id in theme_topic:
            if theme_topic[theme.id] == row.topic:
                f.pulled_right += 1
            else:
                f.pulled_wrong += 1
                f.pulled_wrong_off += row.topic not in theme_topic.values()
        else:
            f.suggested += 1
    return f


def circle(
    rows: list[Labelled], questions: dict[str, tuple[str, str]], folder: Path
) -> tuple[Database, str, dict[str, Labelled], set[str], dict[str, str]]:
    db, _ = create_database(folder / "journal.vault", PASSPHRASE, kdf=FAST_KDF)
    keys = Circles(db).create("Cercle")
    by_id, attached, theme_topic = import_question_circle(db, keys, rows, questions)
    return db, keys.invitation.circle_id, by_id, attached, theme_topic


def run(name: str, rows: list[Labelled], questions: dict[str, tuple[str, str]]) -> dict[str, Figures]:
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        db, cid, by_id, attached, theme_topic = circle(rows, questions, Path(folder))
        try:
            asked = sum(r.topic in questions for r in rows)
            print(
                f"\n{name}: {len(rows)} insights, {len(questions)} questions, {len(attached)} attached, "
                f"{asked - len(attached)} unattached on a question's topic, {len(rows) - asked} on no question's"
            )
            for rule, board_class in (("old", OldBoard), ("new", ThemeBoard)):
                board = board_class(db, cid, "fr")  # reading places everything, writes nothing
                out[rule] = figures = measure(board, by_id, attached, theme_topic)
                print(f"  {rule} rule")
                for line in figures.lines():
                    print(f"    {line}")
        finally:
            db.close()
    return out


def main() -> None:
    run("labelled set (the rule was written knowing it)", labelled_set(), LABELLED_QUESTIONS)
    rows, questions = heldout_circle()
    run("held-out circle (written after the rule)", rows, questions)


if __name__ == "__main__":
    main()
