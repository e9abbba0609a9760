"""The web app answers only pages it served itself.

Without this, any site open in the same browser could open its own WebSocket session to
http://127.0.0.1:8550 (a cross-site WebSocket: browsers do not apply the same-origin policy to
WebSockets), and a hostile domain that resolves to 127.0.0.1 could load the app as its own
(DNS rebinding). A pure ASGI wrapper around Flet's web server: every request must name one of
the addresses the server was started on in `Host`, and a request that carries an `Origin`
(every browser WebSocket does) must come from that same address.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def served_hosts(host: str, port: int) -> frozenset[str] | None:
    """The `Host` values a browser sends for this server; None when it listens on every
    interface (0.0.0.0, ::), where any name may lead to it and only the Origin rule holds."""
    bare = host.strip("[]")
    if bare in ("0.0.0.0", "::", ""):
        return None
    names = {f"[{bare}]" if ":" in bare else bare}
    if bare in ("127.0.0.1", "::1", "localhost"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return frozenset(f"{name}:{port}".lower() for name in names)


class SameOriginOnly:
    def __init__(self, app: ASGIApp, hosts: Iterable[str] | None) -> None:
        self.app = app
        self.hosts = frozenset(hosts) if hosts is not None else None

    def allowed(self, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        values = {k.lower(): v.decode("latin-1").strip() for k, v in headers}
        host = values.get(b"host", "").lower()
        if not host or (self.hosts is not None and host not in self.hosts):
            return False
        origin = values.get(b"origin")
        return origin is None or origin.lower() in (f"http://{host}", f"https://{host}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.allowed(scope.get("headers", ())):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accept: a 403
            return
        body = b"Forbidden: this address does not serve that site.\n"
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
