"""The app's look: calm colours with AA contrast in both themes, and the kind icons."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import flet as ft

SEED = "#2F6F73"  # a deep teal; Material 3 derives light and dark schemes from it

KIND_ICONS = {
    "free": ft.Icons.EDIT_NOTE,
    "focusing": ft.Icons.SELF_IMPROVEMENT,
    "reflection": ft.Icons.FORUM_OUTLINED,
}

THEME_MODES = {"system": ft.ThemeMode.SYSTEM, "light": ft.ThemeMode.LIGHT, "dark": ft.ThemeMode.DARK}


# A font shipped in assets/fonts: "monospace" is a real monospace font on Android only (not on
# iOS, nor in the web client's CanvasKit), and a recovery key must show each character apart.
MONOSPACE = "Ressenti Mono"
FONTS = {MONOSPACE: "fonts/DejaVuSansMono.ttf"}


LOCALES = {"fr": ft.Locale("fr", "CA"), "en": ft.Locale("en", "CA")}


def apply_theme(page: ft.Page, theme: str, lang: str) -> None:
    """Theme, fonts, and the app's locale: Flutter's own words (a dialog's « Fermer », the
    navigation bar's « Onglet 1 sur 4 », a date picker) follow the app's language."""
    page.locale_configuration = ft.LocaleConfiguration(supported_locales=list(LOCALES.values()),
                                                       current_locale=LOCALES.get(lang, LOCALES["fr"]))
    page.fonts = FONTS
    # Screens change without a zoom or slide: calmer, and the journal is there at once.
    still = ft.PageTransitionsTheme(**{platform: ft.PageTransitionTheme.NONE
                                       for platform in ("android", "ios", "linux", "macos", "windows")})
    page.theme = _theme(still)
    page.dark_theme = _theme(still)
    page.theme_mode = THEME_MODES.get(theme, ft.ThemeMode.SYSTEM)


def recovery_key_block(key: str, said: Callable[[str], str]) -> ft.Container:
    """The recovery key in a monospace font, each character apart. Screen readers hear it
    spelled group by group (`said(spelled)`: « Clé de récupération : A B C D, … »); a selectable text
    would have left it out of the accessibility tree (a copy button sits beside it)."""
    spelled = ", ".join(" ".join(group) for group in key.split("-"))
    return ft.Container(
        content=ft.Text(key, font_family=MONOSPACE, size=18, weight=ft.FontWeight.W_600,
                        semantics_label=said(spelled)),
        padding=12, border_radius=8, bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST)


# Focus is shown by a ring in the text colour (about 15:1 against the page, in both themes),
# not only by Material's faint tint (1.2:1 to 1.3:1): WCAG 2.2, 2.4.11 and 1.4.11.
FOCUS_RING = ft.BorderSide(3, ft.Colors.ON_SURFACE)
FOCUS_HALO = ft.Colors.with_opacity(0.5, ft.Colors.ON_SURFACE)


def _buttons(rest: ft.BorderSide | None = None) -> ft.ButtonStyle:
    """A button style whose only change is the focus ring (`rest`: the border otherwise)."""
    none = ft.BorderSide(0, ft.Colors.TRANSPARENT)
    return ft.ButtonStyle(side={ft.ControlState.FOCUSED: FOCUS_RING, ft.ControlState.DEFAULT: rest or none})


def _theme(transitions: ft.PageTransitionsTheme) -> ft.Theme:
    return ft.Theme(
        color_scheme_seed=SEED, use_material3=True, page_transitions=transitions,
        focus_color=FOCUS_HALO,  # list items and other tappable areas: half the text colour
        filled_button_theme=ft.FilledButtonTheme(style=_buttons()),
        text_button_theme=ft.TextButtonTheme(style=_buttons()),
        outlined_button_theme=ft.OutlinedButtonTheme(style=_buttons(ft.BorderSide(1, ft.Colors.OUTLINE))),
        icon_button_theme=ft.IconButtonTheme(style=_buttons()),
        # Radios and checkboxes: their focus halo half the text colour (3.5:1 and more).
        radio_theme=ft.RadioTheme(overlay_color={ft.ControlState.FOCUSED: FOCUS_HALO}),
        checkbox_theme=ft.CheckboxTheme(overlay_color={ft.ControlState.FOCUSED: FOCUS_HALO}))


def heading(text: str, size: int = 22) -> ft.Text:
    return ft.Text(text, size=size, weight=ft.FontWeight.W_600)


def subscreen(back: str, on_back: Callable[[], object], title: str | ft.Text, *controls: ft.Control) -> ft.Column:
    """A screen reached from another: its title (a heading the screen may change later), then
    its controls, scrolling. Its way back is the app bar's arrow, the one back control a screen
    reader names (a « Retour » button here made two, p1); `back` and `on_back` are kept for the
    screens that go back by themselves once done."""
    del back, on_back
    return ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=12,
                     horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                     controls=[heading(title) if isinstance(title, str) else title, *controls])


def muted(text: str, size: int | None = None) -> ft.Text:
    return ft.Text(text, size=size, color=ft.Colors.ON_SURFACE_VARIANT)


# Quebec's numbers in the practices' care notice, and what a tap on each one dials.
_PHONE_NUMBERS = re.compile(r"1[\s\u00a0-]866[\s\u00a0-]APPELLE(?:[\s\u00a0]\(277-3553\))?|9-8-8|9-1-1|811")
_DIALS = {"811": "tel:811", "9-8-8": "tel:988", "9-1-1": "tel:911"}


def with_phone_links(text: str, size: int | None = None) -> ft.Text:
    """A muted text whose phone numbers a tap dials (tel: links; on a phone, the dialer opens
    with the number typed)."""
    spans, at = [], 0
    for match in _PHONE_NUMBERS.finditer(text):
        number = match.group()
        spans += [ft.TextSpan(text[at : match.start()]),
                  ft.TextSpan(number, url=_DIALS.get(number, "tel:+18662773553"),
                              style=ft.TextStyle(decoration=ft.TextDecoration.UNDERLINE))]
        at = match.end()
    return ft.Text(spans=[*spans, ft.TextSpan(text[at:])], size=size, color=ft.Colors.ON_SURFACE_VARIANT)


def icon_button(icon: ft.IconData, label: str, on_click: Callable[[Any], Any], *,
                disabled: bool = False) -> ft.IconButton:
    """An icon button that screen readers announce by name, once. The name is the icon's own
    semantic label, which Flutter merges into the button's node (a wrapper's label would make a
    second, unnamed button node under it); the tooltip, for a mouse hovering on a desktop, stays
    out of the semantics tree."""
    return ft.IconButton(icon=ft.Icon(icon, semantics_label=label), on_click=on_click, disabled=disabled,
                         tooltip=ft.Tooltip(message=label, exclude_from_semantics=True))


def room(page: ft.Page, most: int) -> int:
    """The width a block may take on this page, at most `most`: the page less the view's padding
    and, on a wide screen, the navigation rail (a QR code's modules are sized to it)."""
    width = int(page.width or 390) - 2 * 16
    return min(most, width - 100 if width >= 900 else width)


def qr_picture(png: bytes, side: int, label: str) -> ft.Semantics:
    """A QR image shown pixel for pixel (`side`: its size), named for a screen reader. Scaled
    without smoothing (on a screen of 2 or 3 pixels a point): a module's edge stays sharp."""
    return ft.Semantics(label=label, image=True, content=ft.Image(
        src=png, width=side, height=side, filter_quality=ft.FilterQuality.NONE))


MIN_TARGET = 44  # px a side: the least a finger should have to touch (WCAG 2.5.5)
CHIP_LINES = 3  # lines a choice chip's label may take before « … »
LONG_CHIP = 24  # characters past which a chip's label may not fit a phone at 2× text: a tooltip


def choice_chip(text: str, value: Any, selected: bool, on_select: Callable[[Any], Any], *,
                square: bool = False) -> ft.Chip:
    """A chip for one of several options. The chosen one is filled with the primary colour and
    carries a checkmark (the default tint differs from the others by only 1.2:1). A long label
    (a circle's question) wraps, up to three lines, then ends with « … », the whole text in a
    tooltip: at 2× text it was cut off mid-word with nothing to say so (m13).
    A `square` chip (a number, 0 to 10) is at least MIN_TARGET px a side whatever its glyphs
    (« 0 » made a 42 × 34 px target, p18); its fill and the line under the numbers say which
    one is chosen, a checkmark beside a digit would make it twice as wide."""
    text_label = ft.Text(text, max_lines=CHIP_LINES, overflow=ft.TextOverflow.ELLIPSIS)
    label: ft.Control = text_label
    if square:  # the text centred over a box of the target's size, which grows with the text
        label = ft.Stack(alignment=ft.Alignment.CENTER, controls=[
            ft.Container(width=MIN_TARGET, height=MIN_TARGET), text_label])
    tip = ft.Tooltip(message=text, exclude_from_semantics=True) if len(text) > LONG_CHIP else None
    chip = ft.Chip(label=label, data=value, on_select=on_select, show_checkmark=not square, tooltip=tip,
                   check_color=ft.Colors.ON_PRIMARY, color={
                       ft.ControlState.SELECTED: ft.Colors.PRIMARY,
                       ft.ControlState.FOCUSED: FOCUS_HALO,
                       ft.ControlState.DEFAULT: ft.Colors.TRANSPARENT})
    if square:  # the box is the target: no padding around it
        chip.padding = chip.label_padding = ft.Padding.all(0)
    mark_chip(chip, selected)
    return with_focus_ring(chip)


def with_focus_ring(chip: ft.Chip) -> ft.Chip:
    """Focus draws the ring the buttons have: over a chosen chip's fill, a tint alone would
    hardly show (1.2:1), and Flet's chip border does not follow states by itself."""
    def ring(focused: bool) -> None:
        chip.border_side = FOCUS_RING if focused else None

    chip.on_focus = lambda _: ring(True)
    chip.on_blur = lambda _: ring(False)
    return chip


def mark_chip(chip: ft.Chip, selected: bool) -> None:
    chip.selected = selected
    label = chip.label
    if isinstance(label, ft.Stack):  # a square chip's text, over its box
        label = label.controls[-1]
    if isinstance(label, ft.Text):
        label.color = ft.Colors.ON_PRIMARY if selected else None


def choice_chips(options: list[tuple[Any, str]], selected: Any, on_change: Callable[[Any], Any], *,
                 allow_none: bool = False, square: bool = False) -> ft.Row:
    """A single choice among a few options, as filter chips (each one announced with its
    label and checked state; Flutter's dropdown menus have no accessible names on the web).
    With `allow_none`, tapping the chosen chip again chooses nothing (`on_change(None)`);
    `square`: short labels (numbers) on targets at least MIN_TARGET px a side."""
    row = ft.Row(wrap=True, spacing=6, run_spacing=6)

    def picked(e: ft.Event[ft.Chip]) -> None:
        value = e.control.data if e.control.selected or not allow_none else None
        select_chip(row, value)
        on_change(value)

    row.controls = [choice_chip(text, value, value == selected, picked, square=square) for value, text in options]
    row.data = selected
    return row


def select_chip(row: ft.Row, value: Any) -> None:
    """Show `value` as the chosen option of a row of choice chips (None: nothing chosen)."""
    for chip in row.controls:
        if isinstance(chip, ft.Chip):
            mark_chip(chip, chip.data == value)
    row.data = value


def radio_row(options: list[tuple[str, str]], selected: str,
              on_change: Callable[[str], Any]) -> ft.RadioGroup:
    def changed(e: ft.Event[ft.RadioGroup]) -> None:
        on_change(e.control.value or "")

    return ft.RadioGroup(value=selected, on_change=changed, content=ft.Row(
        wrap=True, spacing=4, controls=[ft.Radio(value=v, label=t) for v, t in options]))
