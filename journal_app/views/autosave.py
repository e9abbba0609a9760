"""Saving as the person types: a moment after the last change, and at once when leaving."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from journal_app.views.context import AppContext


class Autosave:
    def __init__(self, ctx: AppContext, write: Callable[[], bool]) -> None:
        self.ctx = ctx
        self._write = write
        self.dirty = False
        self._generation = 0

    def changed(self) -> None:
        self.ctx.activity()
        self.dirty = True
        self._generation += 1
        self.ctx.page.run_task(self._later, self._generation)

    async def _later(self, generation: int) -> None:
        await asyncio.sleep(self.ctx.autosave_delay)
        if generation == self._generation and self.dirty:
            self.flush()
            self.ctx.page.update()

    def flush(self) -> bool:
        """Save now if anything changed; False when the save failed (the screen says why)."""
        if not self.dirty:
            return True
        if self._write():
            self.dirty = False
            return True
        return False

    def cancel(self) -> None:
        """Forget pending changes (after a delete, or when the draft is thrown away)."""
        self.dirty = False
        self._generation += 1
