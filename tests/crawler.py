"""A crawler over every screen of the app, in the Flet harness: it visits each address, taps
every enabled control (twice in a row, as an impatient thumb does), answers every dialog that
opens, types awkward text into every field, and collects what a person would trip over:
an unhandled error, a catalog key or an internal id on screen, a character the web client's
font cannot draw, an interactive control with no name, or one name read twice."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import flet as ft

from journal_app.i18n import catalog
from journal_app.journal import KINDS, ROLES
from journal_app.practice import HANDLE_KEY
from journal_app.prompts.packs import builtin_packs
from tests.flet_harness import Harness, plain

TRICKY = ["", "é" * 5000, "Un soir 🙂🌧️ au cercle", "שלום עולם مرحبا", "<b>gras</b>", "=1+1"]

BUTTONS = (ft.IconButton, ft.TextButton, ft.FilledButton, ft.OutlinedButton, ft.Button,
           ft.FilledTonalButton, ft.FloatingActionButton, ft.PopupMenuItem, ft.MenuItemButton)
TAPPABLE = (*BUTTONS, ft.ListTile, ft.Container)  # a second tap in a row means something for these
INTERACTIVE = (*BUTTONS, ft.Chip, ft.Radio, ft.Switch, ft.Checkbox, ft.ListTile, ft.SegmentedButton,
               ft.TextField, ft.Slider, ft.NavigationBar, ft.Dropdown, ft.ExpansionTile)


@functools.cache
def _shown_ids(lang: str) -> frozenset[str]:
    translations = {plain(str(v)) for v in catalog(lang).values() if isinstance(v, str)}
    return frozenset(internal_ids() - translations)


def internal_ids() -> set[str]:
    """Words that are the program's, never a person's: step ids, enum values, answer keys."""
    ids = {HANDLE_KEY, *KINDS, *ROLES}
    for pack in builtin_packs():
        ids |= {s.id for s in pack.steps} | {f"{pack.id}.{s.id}" for s in pack.steps}
    return ids


CATALOG_KEYS = {key for lang in ("fr", "en") for key in catalog(lang)}
_KEY_GROUPS = {k.split(".")[0] for k in CATALOG_KEYS}
_KEYLIKE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


@dataclass
class Findings:
    visits: int = 0
    controls: int = 0
    actions: int = 0
    addresses: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        line = f"{where}: {what}"
        if line not in self.problems:
            self.problems.append(line)


def _has_handler(c: Any) -> bool:
    return any(getattr(c, name, None) is not None
               for name in ("on_click", "on_change", "on_select", "on_submit", "on_tap", "on_delete"))


def interactive(h: Harness) -> list[Any]:
    """The controls a person can act on, in the order they are drawn."""
    out = []
    for c in h.walk():
        if isinstance(c, INTERACTIVE) and not getattr(c, "disabled", False):
            if isinstance(c, ft.ListTile) and c.on_click is None:
                continue
            out.append(c)
        elif isinstance(c, ft.Container) and c.on_click is not None and not c.disabled:
            out.append(c)
    return out


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, ft.Text):
        return value.value or "".join(span.text or "" for span in value.spans or [])
    if isinstance(value, (ft.Row, ft.Column, ft.Stack)):  # a stack: a text over a target's box
        return " ".join(filter(None, (_text_of(v) for v in value.controls)))
    return ""


def names(c: Any) -> list[str]:
    """Every text a screen reader takes as this control's name (a wrapper's label counts)."""
    found = []
    parent = getattr(c, "parent", None)
    if isinstance(parent, ft.Semantics) and parent.label:
        found.append(parent.label)
    for attr in ("semantics_label", "tooltip", "label", "content", "title", "text", "hint_text"):
        value = getattr(c, attr, None)
        if isinstance(value, ft.Tooltip):
            value = None if value.exclude_from_semantics else value.message
        text = _text_of(value)
        if text:
            found.append(text)
    icon = getattr(c, "icon", None)
    if isinstance(icon, ft.Icon) and icon.semantics_label:  # merged into the button's name
        found.append(icon.semantics_label)
    if isinstance(c, ft.NavigationBar):
        found.append("navigation")  # each destination carries its own label
    return [plain(n).strip() for n in found if plain(n).strip()]


def check_screen(h: Harness, where: str, findings: Findings, drawable: set[int], user_texts: set[str],
                 lang: str) -> None:
    # An id is a defect on screen unless it is also this language's word ("reflection").
    ids = _shown_ids(lang)
    for text in h.texts():
        shown = plain(text).strip()
        if shown in CATALOG_KEYS or (_KEYLIKE.match(shown) and shown.split(".")[0] in _KEY_GROUPS):
            findings.add(where, f"catalog key shown: {shown!r}")
        if shown in ids:
            findings.add(where, f"internal id shown: {shown!r}")
        if not any(u and u[:40] in text for u in user_texts):
            missing = {ch for ch in text if ord(ch) not in drawable and ch not in "\n\t"}
            if missing:
                findings.add(where, f"characters the font cannot draw {sorted(missing)} in {text[:60]!r}")
    for c in interactive(h):
        said = names(c)
        kind = type(c).__name__
        if isinstance(c, ft.TextField) and not (c.label or c.hint_text or isinstance(c.parent, ft.Semantics)):
            findings.add(where, f"unnamed {kind}")
        elif not said:
            findings.add(where, f"unnamed {kind}")
        elif len(said) != len(set(said)):
            findings.add(where, f"name read twice on one {kind}: {said[0]!r}")


async def activate(h: Harness, c: Any) -> int:
    """Act on a control as a person would; returns how many events that took."""
    if isinstance(c, ft.TextField):
        for text in TRICKY:
            c.value = text
            await h.fire(c, "change")
            if c.on_submit is not None:
                await h.fire(c, "submit")
            if c.on_blur is not None:
                await h.fire(c, "blur")
        return len(TRICKY)
    if isinstance(c, ft.Chip):
        if c.on_delete is not None:  # a tag's ✕
            await h.fire(c, "delete")
        elif c.on_select is not None:
            c.selected = not c.selected
            await h.fire(c, "select")
        else:
            await h.fire(c, "click")
        return 1
    if isinstance(c, ft.Radio):
        group = c.parent
        while group is not None and not isinstance(group, ft.RadioGroup):
            group = group.parent
        if group is not None:
            group.value = c.value
            await h.fire(group, "change")
        return 1
    if isinstance(c, (ft.Switch, ft.Checkbox)):
        c.value = not c.value
        await h.fire(c, "change")
        return 1
    if isinstance(c, ft.ExpansionTile):  # a folded section: unfolded (then its insides are crawled)
        c.expanded = True
        await h.fire(c, "change", True)
        return 1
    if isinstance(c, ft.Slider):
        c.value = c.max
        await h.fire(c, "change")
        return 1
    if isinstance(c, ft.SegmentedButton):
        others = [s.value for s in c.segments if s.value not in (c.selected or [])]
        if others:
            c.selected = [others[0]]
            await h.fire(c, "change")
        return 1
    if isinstance(c, ft.NavigationBar):
        for n in range(len(c.destinations)):
            if not attached(c):
                break
            c.selected_index = n
            await h.fire(c, "change")
        return len(c.destinations)
    if isinstance(c, ft.Dropdown):
        if c.options:
            c.value = c.options[-1].key
            await h.fire(c, "select")
        return 1
    await h.fire(c, "click")
    return 1


def attached(c: Any) -> bool:
    """Whether the control is still on the page (a tap may have replaced the screen)."""
    try:
        return c.page is not None
    except RuntimeError:
        return False


def open_dialogs(h: Harness) -> list[Any]:
    return [d for d in h.page._dialogs.controls if getattr(d, "open", False)]


async def dismiss_dialogs(h: Harness) -> None:
    for dialog in open_dialogs(h):
        dialog.open = False
        await h.fire(dialog, "dismiss")


def dialog_controls(h: Harness) -> list[Any]:
    dialogs = open_dialogs(h)
    return [c for c in interactive(h) if any(_inside(c, d) for d in dialogs)]


def _inside(c: Any, root: Any) -> bool:
    node = c
    while node is not None:
        if node is root:
            return True
        node = getattr(node, "parent", None)
    return False


def identity(c: Any) -> tuple[str, str]:
    return type(c).__name__, " | ".join(names(c))


__all__ = ["TAPPABLE", "Findings", "activate", "attached", "check_screen", "dialog_controls", "dismiss_dialogs",
           "identity", "interactive", "open_dialogs"]
