"""When the app talks to a circle's relay: a little after « Je confirme » (a small random delay,
so the relay's order says less), at each unlock, on « Réessayer », and after a failure with a
growing pause. Each round runs in a worker thread (journal_app/usecases/relay.py); what could
not leave waits in the vault, so closing the app loses nothing."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from typing import TYPE_CHECKING

from journal_app.errors import RessentiError
from journal_app.relay_client import RelayClient
from journal_app.usecases.relay import SendRound, fetch_messages, next_retry, send_delay, send_outbox

if TYPE_CHECKING:
    from journal_app.views.context import AppContext


class RelaySync:
    def __init__(self, ctx: AppContext, *, client: Callable[[str], RelayClient] = RelayClient,
                 delay: Callable[[], float] = send_delay, retry: Callable[[int], float] = next_retry,
                 today: Callable[[], date] = date.today) -> None:
        self.ctx, self.client, self.delay, self.retry, self.today = ctx, client, delay, retry, today
        self.failures = 0
        self.last: SendRound | None = None
        self.last_error: RessentiError | None = None
        self._listeners: list[weakref.WeakMethod[Callable[[], None]]] = []
        self._timer: Future[None] | None = None
        self._due: float | None = None
        self._running = False

    def soon(self, delay: float | None = None) -> None:
        """A round after `delay` seconds (the random send delay when None); an earlier round
        already planned stays."""
        wait = self.delay() if delay is None else delay
        due = time.monotonic() + wait
        if self._timer is not None and not self._timer.done() and self._due is not None and self._due <= due:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._due = due
        self._timer = self.ctx.page.run_task(self._after, wait)

    def now(self) -> None:
        """« Réessayer »: a round at once, the pause after failures forgotten."""
        self.failures = 0
        self.soon(0)

    async def _after(self, wait: float) -> None:
        await asyncio.sleep(wait)
        await self.round()

    async def round(self) -> None:
        if self._running or not self.ctx.session.is_open:
            return
        self._running = True
        db = self.ctx.session.database
        try:
            self.last = await asyncio.to_thread(send_outbox, db, self.today(), client=self.client)
            await asyncio.to_thread(fetch_messages, db, client=self.client)
        except RessentiError as exc:  # the vault closed meanwhile (locked), say: next unlock
            self.last_error = exc
            return
        finally:
            self._running = False
        self.last_error = self.last.error
        if self.last.error is not None and self.last.waiting:
            self.failures += 1
            self.soon(self.retry(self.failures))
        else:
            self.failures = 0
        for ref in list(self._listeners):
            listener = ref()
            if listener is None:  # its screen is gone
                self._listeners.remove(ref)
                continue
            try:
                listener()
            except Exception:  # a screen taken off the page meanwhile: the others still hear
                pass

    def listen(self, method: Callable[[], None]) -> None:
        """Call a screen's method after each round, for as long as the screen lives."""
        self._listeners.append(weakref.WeakMethod(method))

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._due = None, None

