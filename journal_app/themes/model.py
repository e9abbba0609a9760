"""The facilitator's board as data: themes, what a screen shows of one, and the board itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from journal_app.sharing import Insight
from journal_app.themes.errors import ThemeNotFound


@dataclass
class Theme:
    id: str
    label: str
    members: list[str]
    named: bool = False  # the facilitator chose the label: the app never changes it
    description: str = ""  # a seed's description, in the facilitator's words
    pinned: bool = False  # kept as it is when themes are suggested again
    origin: str = "suggested"  # or "seeded", or "question" (the circle's question it answers)
    # The name in each language ("fr", "en"): the facilitator's (named) or the app's keywords.
    # A board kept before names in both languages has none: its `label` is the one name.
    names: dict[str, str] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        """The name in `lang`; a theme named in one language only shows that name in both."""
        return self.names.get(lang) or self.names.get("en" if lang == "fr" else "fr") or self.label


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
