"""A local log of unexpected errors, for bug reports, that holds no word of the journal.

An error the code did not foresee is written to `ressenti.log` in the data folder: when, the
versions, the exception's type and where it went through the code (module, function, line).
Never the exception's message, nor any value: a message may quote an entry, a passphrase or a
key. The same text is what "copy the diagnostic" puts on the clipboard.
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

from journal_app import __version__

LOG_NAME = "ressenti.log"
MAX_LOG_BYTES = 256 * 1024  # then the log starts again, the previous one kept as .1


def describe(exc: BaseException, where: str = "") -> str:
    """The diagnostic of an exception: types and code locations only."""
    lines = [f"Ressenti {__version__} · Python {platform.python_version()} · {sys.platform}"
             + (f" · {where}" if where else "")]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}")
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {_module_of(frame.filename)}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
    return "\n".join(lines)


def _module_of(filename: str) -> str:
    """A file named from its package down, never with the person's own folders."""
    parts = Path(filename).parts
    for anchor in ("journal_app", "site-packages"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) + (anchor == "site-packages"):])
    return Path(filename).name


def record(data_dir: Path, exc: BaseException, where: str = "") -> str:
    """Add the diagnostic to the log in `data_dir` (mode 0600); returns it. Never raises."""
    text = describe(exc, where)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        log = Path(data_dir) / LOG_NAME
        if log.exists() and log.stat().st_size > MAX_LOG_BYTES:
            os.replace(log, log.with_name(LOG_NAME + ".1"))
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(f"{stamp} {text}\n\n")
    except OSError:
        pass  # a log that cannot be written must not hide the error itself
    return text
