"""What can go wrong with themes, each with its translated message."""

from __future__ import annotations

from journal_app.errors import RessentiError


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
