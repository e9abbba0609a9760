"""Every screen's address, in one table: adding a screen is one module and one line here.

A route names its navigation destination (which tab or rail item is lit), its parent (where
the back button goes) and how to build its screen. `{name}` parts of a pattern are parameters.
The first run and the unlock screen have no route: they show at whatever address was asked,
and once the journal is open, that address is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import flet as ft

from journal_app.prompts.library import PackLibrary
from journal_app.views.devices import AddDeviceScreen, DevicesScreen
from journal_app.views.facilitator import FacilitatorScreen
from journal_app.views.harvest import HarvestScreen
from journal_app.views.player import PlayerScreen
from journal_app.views.practice_library import PracticeLibraryScreen
from journal_app.views.progress_screen import ProgressScreen
from journal_app.views.recognition import RecognizeScreen, SkillScreen, SkillsScreen, VerifyScreen
from journal_app.views.settings_screen import SettingsScreen
from journal_app.views.share import OutboxScreen, ShareScreen
from journal_app.views.wizard import WizardScreen

if TYPE_CHECKING:
    from journal_app.views.shell import Shell

NAV_JOURNAL, NAV_WRITE, NAV_PRACTICE, NAV_SETTINGS = 0, 1, 2, 3
HOME = "/journal"


class Screen(Protocol):
    def control(self) -> ft.Control: ...


@dataclass(frozen=True)
class Route:
    pattern: str
    nav: int
    build: Callable[[Shell, dict[str, str]], Any]
    parent: str | None = None  # a pattern whose parameters come from this route's
    width: int | None = None  # the content's greatest width, for reading comfort
    focus: bool = False  # a practice under way: no navigation bar to pull the person elsewhere

    def match(self, path: str) -> dict[str, str] | None:
        regex = "^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(self.pattern)) + "$"
        found = re.match(regex, path)
        return found.groupdict() if found else None

    def address(self, params: dict[str, str]) -> str:
        return self.pattern.format(**params)


def _pack(shell: Shell, pack_id: str) -> Any:
    return PackLibrary(shell.ctx.session.database).get(pack_id)


ROUTES: list[Route] = [
    Route("/journal", NAV_JOURNAL, lambda s, p: s.journal_page(None)),
    Route("/entry/{id}", NAV_JOURNAL, lambda s, p: s.journal_page(p["id"]), parent="/journal"),
    Route("/write", NAV_WRITE, lambda s, p: s.journal_page(""), parent="/journal"),
    Route("/share/{id}", NAV_JOURNAL, lambda s, p: ShareScreen(
        s.ctx, s.ctx.session.journal.get(p["id"]), on_done=lambda: s.go_back(), on_see_outbox=s.show_outbox,
        on_shared=lambda: s.go(f"/entry/{p['id']}", rebuild=True)),
        parent="/entry/{id}", width=760),
    Route("/practices", NAV_PRACTICE, lambda s, p: PracticeLibraryScreen(
        s.ctx, on_pick=s.open_pack, on_progress=s.show_progress)),
    Route("/practice/{pack}", NAV_PRACTICE, lambda s, p: PlayerScreen(
        s.ctx, _pack(s, p["pack"]), s.practice_done), parent="/practices", width=760, focus=True),
    Route("/reflect/{pack}", NAV_PRACTICE, lambda s, p: WizardScreen(
        s.ctx, _pack(s, p["pack"]), s.practice_done), parent="/practices", width=760, focus=True),
    Route("/progress", NAV_PRACTICE, lambda s, p: ProgressScreen(
        s.ctx, on_back=lambda: s.go_back(), on_skills=lambda: s.go("/skills")), parent="/practices"),
    Route("/skills", NAV_PRACTICE, lambda s, p: SkillsScreen(
        s.ctx, on_back=lambda: s.go_back(), on_skill=lambda sid: s.go(f"/skill/{sid}"),
        on_recognize=lambda: s.go("/recognize"), on_verify=lambda: s.go("/verify")), parent="/progress", width=760),
    Route("/skill/{id}", NAV_PRACTICE, lambda s, p: SkillScreen(s.ctx, p["id"], on_back=lambda: s.go("/skills",
          rebuild=True)), parent="/skills", width=760),
    Route("/recognize", NAV_PRACTICE, lambda s, p: RecognizeScreen(s.ctx, on_back=lambda: s.go_back()),
          parent="/skills", width=760),
    Route("/verify", NAV_PRACTICE, lambda s, p: VerifyScreen(s.ctx, on_back=lambda: s.go_back()),
          parent="/skills", width=760),
    Route("/settings", NAV_SETTINGS, lambda s, p: SettingsScreen(
        s.ctx, on_lock=s.lock, on_imported=lambda: None, on_outbox=s.show_outbox,
        on_facilitate=s.show_facilitator, on_devices=lambda: s.go("/devices"))),
    Route("/devices", NAV_SETTINGS, lambda s, p: DevicesScreen(s.ctx, on_add=lambda: s.go("/devices/add")),
          parent="/settings", width=760),
    Route("/devices/add", NAV_SETTINGS, lambda s, p: AddDeviceScreen(s.ctx, on_back=lambda: s.go("/devices",
          rebuild=True)), parent="/devices", width=760),
    Route("/shares", NAV_SETTINGS, lambda s, p: OutboxScreen(
        s.ctx, on_back=lambda: s.go_back(), on_harvest=lambda cid: s.go(f"/harvest/{cid}")),
          parent="/settings", width=760),
    Route("/harvest/{id}", NAV_SETTINGS, lambda s, p: HarvestScreen(s.ctx, p["id"], on_back=lambda: s.go_back()),
          parent="/shares", width=760),
    Route("/circles", NAV_SETTINGS, lambda s, p: FacilitatorScreen(s.ctx, on_back=lambda: s.go_back()),
          parent="/settings", width=900),
    Route("/circle/{id}", NAV_SETTINGS, lambda s, p: FacilitatorScreen(
        s.ctx, on_back=lambda: s.go_back(), circle_id=p["id"], on_recognize=lambda: s.go(f"/circle/{p['id']}/badge")),
          parent="/settings", width=900),
    Route("/circle/{id}/badge", NAV_SETTINGS, lambda s, p: RecognizeScreen(s.ctx, on_back=lambda: s.go_back(),
                                                                            circle_id=p["id"]),
          parent="/circle/{id}", width=760),
]

# Where each navigation destination leads.
DESTINATIONS = {NAV_JOURNAL: "/journal", NAV_WRITE: "/write", NAV_PRACTICE: "/practices",
                NAV_SETTINGS: "/settings"}


def find(path: str) -> tuple[Route, dict[str, str]] | None:
    path = path.split("?")[0].rstrip("/") or HOME
    for route in ROUTES:
        params = route.match(path)
        if params is not None:
            return route, params
    return None


def chain(path: str) -> list[tuple[Route, dict[str, str]]]:
    """The route and its parents, outermost first: the views stack, so back goes up."""
    found = find(path)
    if found is None:
        found = find(HOME)
        assert found is not None
    routes = [found]
    while routes[0][0].parent is not None:
        parent = routes[0][0].parent
        assert parent is not None
        params = routes[0][1]
        above = find(parent.format(**params))
        assert above is not None, parent
        routes.insert(0, above)
    return routes


__all__ = ["DESTINATIONS", "HOME", "NAV_JOURNAL", "NAV_PRACTICE", "NAV_SETTINGS", "NAV_WRITE", "ROUTES",
           "Route", "Screen", "chain", "find"]
