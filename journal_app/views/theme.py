"""The app's look: calm colours with AA contrast in both themes, and the kind icons."""

from __future__ import annotations

import flet as ft

SEED = "#2F6F73"  # a deep teal; Material 3 derives light and dark schemes from it

KIND_ICONS = {
    "free": ft.Icons.EDIT_NOTE,
    "focusing": ft.Icons.SELF_IMPROVEMENT,
    "reflection": ft.Icons.FORUM_OUTLINED,
}

THEME_MODES = {"system": ft.ThemeMode.SYSTEM, "light": ft.ThemeMode.LIGHT, "dark": ft.ThemeMode.DARK}


def apply_theme(page: ft.Page, theme: str) -> None:
    page.theme = ft.Theme(color_scheme_seed=SEED, use_material3=True)
    page.dark_theme = ft.Theme(color_scheme_seed=SEED, use_material3=True)
    page.theme_mode = THEME_MODES.get(theme, ft.ThemeMode.SYSTEM)


def heading(text: str, size: int = 22) -> ft.Text:
    return ft.Text(text, size=size, weight=ft.FontWeight.W_600)


def muted(text: str, size: int | None = None) -> ft.Text:
    return ft.Text(text, size=size, color=ft.Colors.ON_SURFACE_VARIANT)
