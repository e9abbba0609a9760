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


def private_dir(folder: str | os.PathLike[str]) -> Path:
    """Make `folder` (and any missing parent) and leave it readable by its owner only (0700 on
    POSIX), also when it already existed with wider permissions: the names of the files in it
    (a vault, a backup, an export) are nobody else's business. A folder that is not ours (a
    shared mount, someone else's) is left as it is."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        try:
            st = path.stat()
            if st.st_mode & 0o077 and st.st_uid == os.getuid():
                path.chmod(0o700)
        except OSError:
            pass  # not ours to change; the files inside are 0600 all the same
    return path


def assets_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the bell, the icon and the fonts are: the folder a phone build names in
    FLET_ASSETS_DIR, else inside the installed package (a wheel), else at the top of a source
    checkout, which is where `flet build` takes them from."""
    if environ.get("FLET_ASSETS_DIR"):
        return Path(environ["FLET_ASSETS_DIR"])
    installed = Path(__file__).parent / "assets"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "assets"


def vault_path(folder: Path) -> Path:
    return Path(folder) / VAULT_NAME
