"""The member's preferences that are needed before unlocking: language, theme, auto-lock delay.

They hold nothing from the journal, so they live in clear in `settings.json` beside the vault.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from journal_app.i18n import LANGUAGES, system_language
from journal_app.paths import private_dir
from journal_app.vault import write_atomically

THEMES = ("system", "light", "dark")
AUTO_LOCK_CHOICES = (1, 2, 5, 10, 15, 30)
FILE_NAME = "settings.json"


@dataclass(frozen=True)
class Settings:
    language: str = "fr"
    theme: str = "system"
    auto_lock_minutes: int = 5

    def checked(self) -> Settings:
        """The same settings with any unknown value put back to its default."""
        default = Settings()
        return Settings(
            language=self.language if self.language in LANGUAGES else default.language,
            theme=self.theme if self.theme in THEMES else default.theme,
            auto_lock_minutes=(self.auto_lock_minutes if isinstance(self.auto_lock_minutes, int)
                               and 1 <= self.auto_lock_minutes <= 120 else default.auto_lock_minutes),
        )


def load_settings(folder: Path, fallback_language: str | None = None) -> Settings:
    """Read the settings; a missing or damaged file gives the defaults (never an error)."""
    try:
        raw = json.loads((Path(folder) / FILE_NAME).read_text(encoding="utf-8"))
        known = {k: raw[k] for k in ("language", "theme", "auto_lock_minutes") if k in raw}
        return Settings(**known).checked()
    except (OSError, ValueError, TypeError):
        return Settings(language=fallback_language or system_language())


def save_settings(folder: Path, settings: Settings) -> None:
    """Write the settings, keeping what else the file holds (the saves seen of each journal,
    journal_app/vault/seen.py)."""
    private_dir(folder)
    path = Path(folder) / FILE_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        kept = {"seen": raw["seen"]} if isinstance(raw, dict) and isinstance(raw.get("seen"), dict) else {}
    except (OSError, ValueError):
        kept = {}
    write_atomically(path, json.dumps({**asdict(settings.checked()), **kept}, indent=1).encode(),
                     keep_backup=False)
