"""Where the data lives: --data-dir, else JOURNAL_APP_DATA_DIR, else the app storage Flet gives
a phone app, else the platform's user data dir."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

VAULT_NAME = "journal.vault"


def data_dir(explicit: str | os.PathLike[str] | None = None,
             environ: Mapping[str, str] = os.environ) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    for var in ("JOURNAL_APP_DATA_DIR", "FLET_APP_STORAGE_DATA"):
        if environ.get(var):
            return Path(environ[var]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("Ressenti", appauthor=False))


def vault_path(folder: Path) -> Path:
    return Path(folder) / VAULT_NAME
