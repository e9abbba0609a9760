"""While the journal is open on a device paired with the member's others (issue « Your journal on
your phone and on your laptop »): a round a few seconds after unlocking, then one every
`period` seconds while it stays open. Each round takes what the other devices sent and, after
the random privacy delay, sends what waits here (journal_app/usecases/devices.py); it runs in a
worker thread, and what could not leave waits in the vault. A round that would delete more than
a quarter of the journal stops the rounds and says so: the person decides in « Mes appareils »."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from journal_app.errors import RessentiError
from journal_app.sync import transport
from journal_app.sync.engine import MassDeletion
from journal_app.usecases.devices import SyncRound, sync_now

if TYPE_CHECKING:
    from journal_app.views.context import AppContext

PERIOD = 5.0  # seconds between rounds while open: an edit reaches the others within 5 + the 2–20 s delay + 5
FIRST = 3.0  # seconds after unlocking, once the first screen is shown


class DeviceSync:
    def __init__(self, ctx: AppContext, *, round_: Callable[..., SyncRound] = sync_now,
                 period: float = PERIOD, first: float = FIRST) -> None:
        self.ctx, self.round_, self.period, self.first = ctx, round_, period, first
        self._task: Future[None] | None = None
        self.last: SyncRound | None = None
        self.on_received: Callable[[], None] | None = None  # the shell refreshes the journal list

    def start(self) -> None:
        """At unlock: rounds begin if this journal is paired with other devices."""
        self.stop()
        try:
            paired = transport.link_of(self.ctx.session.database) is not None
        except RessentiError:
            return
        if paired:
            self._task = self.ctx.page.run_task(self._rounds)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = None

    async def _rounds(self) -> None:
        await asyncio.sleep(self.first)
        while self.ctx.session.is_open:
            try:
                self.last = await asyncio.to_thread(self.round_, self.ctx.session.database)
            except MassDeletion as exc:  # the person decides, in « Mes appareils »
                self.ctx.snack(exc.message(self.ctx.lang), seconds=10)
                return
            except RessentiError:  # the vault closed meanwhile (locked): the next unlock starts again
                return
            # Changes came in, or the journal's first arrival was under way (it may have completed
            # without a change new here): the screens that show them read them again.
            if (self.last.received or self.last.arrival is not None) and self.on_received is not None:
                try:
                    self.on_received()
                except Exception:  # a screen taken off the page meanwhile
                    pass
            await asyncio.sleep(self.period)
