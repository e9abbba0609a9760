"""The soft bell rung between practice steps, synthesized here (no downloaded audio).

`python -m journal_app.bell` writes assets/bell.wav; the file is committed, and a
test checks that this code still makes exactly those bytes.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path

RATE = 22_050
SECONDS = 3.0
# A singing-bowl-like tone: a fundamental and two inharmonic partials that fade faster.
PARTIALS = ((432.0, 1.0, 1.1), (1192.3, 0.35, 2.2), (2332.8, 0.12, 3.5))  # Hz, level, decay /s


def bell_wav() -> bytes:
    frames = bytearray()
    total = int(RATE * SECONDS)
    attack = int(RATE * 0.01)
    for n in range(total):
        t = n / RATE
        value = sum(level * math.exp(-decay * t) * math.sin(2 * math.pi * freq * t)
                    for freq, level, decay in PARTIALS)
        envelope = min(1.0, n / attack) * 0.35  # soft: about half of full scale at most
        frames += struct.pack("<h", int(max(-1.0, min(1.0, value * envelope)) * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(frames))
    return out.getvalue()


ASSET = Path(__file__).parent.parent / "assets" / "bell.wav"  # in a source checkout

if __name__ == "__main__":
    ASSET.write_bytes(bell_wav())
    print(ASSET, ASSET.stat().st_size)
