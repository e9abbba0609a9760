"""The web app answers only pages it served itself.

Without this, any site open in the same browser could open its own WebSocket session to
http://127.0.0.1:8550 (a cross-site WebSocket: browsers do not apply the same-origin policy to
WebSockets), and a hostile domain that resolves to 127.0.0.1 could load the app as its own
(DNS rebinding). A pure ASGI wrapper around Flet's web server: every request must name one of
the addresses the server was started on in `Host`, and a request that carries an `Origin`
(every browser WebSocket does) must come from that same address.

On every interface (`--host 0.0.0.0 --allow-network`) the other devices' own addresses cannot
be listed in advance; an IP address in `Host` is let in (a rebinding page cannot send one: its
`Host` is its own domain), a name only when the person allowed it (`--allowed-host NAME`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


_LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def _split_host(value: str) -> tuple[str, int] | None:
    """`name:port`, `[v6]:port` or a bare `name` (port 80) from a Host header; None if malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ("80" if not rest else "")
    elif value.count(":") == 1:
        name, _, port = value.partition(":")
    elif ":" in value:
        return None
    else:
        name, port = value, "80"
    if not name or not port.isascii() or not port.isdigit():
        return None
    return name, int(port)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


@dataclass(frozen=True)
class ServedHosts:
    """Which `Host` values reach this server: a name in `names`, or on a server listening on
    every interface (0.0.0.0, ::) any IP address, always on `port`. A DNS-rebinding page sends
    its own domain name, never an address, so on every interface a name must be named
    (`--allowed-host`) to be let in."""

    port: int
    names: frozenset[str]
    any_address: bool = False

    def accepts(self, host: str) -> bool:
        split = _split_host(host)
        if split is None or split[1] != self.port:
            return False
        name = split[0]
        return name in self.names or (self.any_address and _is_address(name))


def served_hosts(host: str, port: int, allowed: Iterable[str] = ()) -> ServedHosts:
    """The `Host` values a browser sends for this server, started on `host`: that address (and
    on this computer, its other names), the names the person allowed and, when it listens on
    every interface, the computer's addresses as other devices type them."""
    bare = host.strip("[]").lower()
    names = {name.strip().lower().rstrip(".") for name in allowed}
    wildcard = bare in ("0.0.0.0", "::", "")
    if wildcard or bare in _LOOPBACK_NAMES:
        names |= _LOOPBACK_NAMES
    else:
        names.add(bare)
    return ServedHosts(port, frozenset(names), any_address=wildcard)


class SameOriginOnly:
    def __init__(self, app: ASGIApp, hosts: ServedHosts) -> None:
        self.app = app
        self.hosts = hosts

    def allowed(self, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        values = {k.lower(): v.decode("latin-1").strip() for k, v in headers}
        host = values.get(b"host", "").lower()
        if not host or not self.hosts.accepts(host):
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
