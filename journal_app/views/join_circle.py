"""Joining a circle with its invitation code: typed, pasted from the phone's camera app, or
received by e-mail. Used where people look for it: on the share screen before a first circle,
and in « Mes idées partagées » at any time.

A circle already held never changes in silence (journal_app/circles.py `Circles.join`): a new
relay is taken only after the person has seen its host and said yes."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from journal_app.circles import Circles, RelayNeedsConsent
from journal_app.sharing import Invitation
from journal_app.views.context import AppContext
from journal_app.views.theme import muted


class JoinCircle:
    def __init__(self, ctx: AppContext, circles: Circles, on_joined: Callable[[Invitation], None]) -> None:
        self.ctx, self.circles, self.on_joined = ctx, circles, on_joined
        self.code = ft.TextField(label=ctx.t("share.invitation"), on_submit=lambda _: self.join())
        self.message = ft.Text("")

    def controls(self, intro: str) -> list[ft.Control]:
        t = self.ctx.t
        return [ft.Text(intro), muted(t("share.scan_help")), self.code,
                ft.Row(wrap=True, spacing=8, controls=[
                    ft.OutlinedButton(content=t("share.paste"), icon=ft.Icons.CONTENT_PASTE,
                                      on_click=lambda _: self.ctx.page.run_task(self.paste)),
                    ft.OutlinedButton(content=t("share.join"), on_click=lambda _: self.join())]),
                self.message]

    def join(self, accept_relay: str | None = None) -> None:
        try:
            invitation = self.circles.join(self.code.value or "", accept_relay=accept_relay)
        except RelayNeedsConsent as exc:
            # A circle joined without a relay, now with one: the person sees its host first.
            host = exc.host  # `exc` is gone once the except block ends; the button comes later
            self.ctx.ask(self.ctx.t("share.relay_consent_title"), self.ctx.message(exc), [
                (self.ctx.t("share.cancel"), None),
                (self.ctx.t("share.relay_consent_yes"), lambda: self.join(accept_relay=host))])
            return
        except Exception as exc:
            self.message.value, self.message.color = self.ctx.message(exc), ft.Colors.ERROR
            return
        self.code.value = ""
        self.message.value, self.message.color = self.ctx.t("share.joined", name=invitation.name), None
        self.on_joined(invitation)

    async def paste(self) -> None:
        """The code copied from the phone's camera (which reads the QR image) or a message."""
        text = await self.ctx.clipboard.get() if self.ctx.clipboard else None
        self.code.value = (text or "").strip()
        self.join()
        self.ctx.page.update()
