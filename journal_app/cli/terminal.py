"""Text on its way to a terminal: what others wrote (a member's insight, an imported title)
must not drive it. Control characters (ESC sequences can write the clipboard, erase lines or
retitle the window) and bidirectional overrides (which make a line read other than it is) are
shown as « � »; in JSON they are written as \\u escapes, so the data stays whole."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (U+009B is a CSI by itself), and the
# bidirectional marks, embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str) -> str:
    return _UNSAFE.sub("\ufffd", text)


def safe_json(text: str) -> str:
    """JSON text (as json.dumps writes it) with the same characters escaped instead."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
