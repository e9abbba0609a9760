"""QR images of the codes people hand over (an invitation, a recognition request), made for a
phone's camera: few modules, each a whole number of pixels, and a quiet zone around them.

A code is base64url (upper and lower case), which a QR code can only hold in byte mode, 8 bits
a character. Its QR form writes the same bytes in base32 (A-Z, 2-7) after a prefix that says so
(« RSNT2Q- » for « RSNT2- »): QR's alphanumeric mode holds such text at 5.5 bits a character, a
code about 17 % smaller in bits, so fewer, larger modules (a 1,215-character request: 117
modules a side → 105). Whoever pastes what their camera read gets the same thing as the code.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

QUIET_ZONE = 4  # modules of light around the code, as the QR standard asks (2 made it harder to find)
MIN_MODULE_PX = 3  # a module's side on screen, at least: a phone's camera reads it at a glance
MAX_MODULE_PX = 8  # and at most: bigger adds nothing but scrolling
QR_MARK = "Q"  # « RSNT2- » becomes « RSNT2Q- » in a QR code: base32 follows


def to_base32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def from_base32(text: str) -> bytes:
    """Base32 as a camera read it (upper or lower case), without its padding; ValueError if not."""
    return base64.b32decode(text.upper() + "=" * (-len(text) % 8))


def qr_form(prefix: str, data: bytes) -> str:
    """A code's QR form: its prefix marked (« RSNTR1- » → « RSNTR1Q- ») and base32 of its bytes."""
    return prefix[:-1] + QR_MARK + prefix[-1] + to_base32(data)


def qr_prefix(prefix: str) -> str:
    return prefix[:-1] + QR_MARK + prefix[-1]


@dataclass(frozen=True)
class QrImage:
    png: bytes
    modules: int  # a side of the code, without the quiet zone
    module_px: int  # a module's side, in pixels of the image (shown one for one on screen)
    error: str  # the error correction level: L, M, Q or H

    @property
    def side(self) -> int:
        """The image's side in pixels, quiet zone included."""
        return (self.modules + 2 * QUIET_ZONE) * self.module_px


def qr_image(text: str, width: int, error: str = "l") -> QrImage:
    """`text` as a QR code for a place `width` pixels wide: each module as many whole pixels as
    fit (a scaled image blurs the modules' edges), between MIN_MODULE_PX (even if it overflows a
    very narrow place) and MAX_MODULE_PX. Error correction `error` at least (raised when that
    costs no module)."""
    import segno  # small, pure Python: only loaded when a QR image is asked for

    code = segno.make(text, error=error)
    modules = int(code.symbol_size(scale=1, border=0)[0])
    module_px = max(MIN_MODULE_PX, min(MAX_MODULE_PX, width // (modules + 2 * QUIET_ZONE)))
    out = io.BytesIO()
    code.save(out, kind="png", scale=module_px, border=QUIET_ZONE)
    return QrImage(out.getvalue(), modules, module_px, code.error or error.upper())
