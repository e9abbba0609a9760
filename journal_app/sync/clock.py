"""A hybrid logical clock (Kulkarni et al., 2014): wall time in milliseconds, a counter for
events within one millisecond or while the wall clock lags, and the device's id to break ties.
Phones' clocks drift; ordering by this clock never goes backwards on a device, and a change
received is always ordered after what it was based on."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    device: str

    def pack(self) -> list[int | str]:
        return [self.wall_ms, self.counter, self.device]

    @classmethod
    def unpack(cls, raw: object) -> Stamp | None:
        if (isinstance(raw, list) and len(raw) == 3 and isinstance(raw[0], int) and isinstance(raw[1], int)
                and isinstance(raw[2], str)):
            return cls(raw[0], raw[1], raw[2])
        return None


class Clock:
    def __init__(self, device: str, last: Stamp | None = None,
                 wall: Callable[[], float] = time.time) -> None:
        self.device = device
        self._last = last or Stamp(0, 0, device)
        self._wall = wall

    @property
    def last(self) -> Stamp:
        return self._last

    def now(self) -> Stamp:
        """A stamp for a change made here."""
        wall = int(self._wall() * 1000)
        if wall > self._last.wall_ms:
            stamp = Stamp(wall, 0, self.device)
        else:
            stamp = Stamp(self._last.wall_ms, self._last.counter + 1, self.device)
        self._last = stamp
        return stamp

    def receive(self, remote: Stamp) -> None:
        """A change from another device was seen: later stamps here come after it."""
        wall = int(self._wall() * 1000)
        top = max(wall, self._last.wall_ms, remote.wall_ms)
        if top == self._last.wall_ms == remote.wall_ms:
            counter = max(self._last.counter, remote.counter) + 1
        elif top == self._last.wall_ms:
            counter = self._last.counter + 1
        elif top == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self._last = Stamp(top, counter, self.device)
