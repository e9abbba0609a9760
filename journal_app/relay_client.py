"""The app's side of the circle relay (docs/relay.md), in the standard library only (the phone
app gets no HTTP dependency): post sealed envelopes with the circle's send capability, list and
acknowledge them with the read capability, publish and fetch the circle's signed messages.

Plain http:// is refused unless the relay is on this computer: whoever carries the connection
would see the capabilities. A relay on this computer or a private network needs the user's word
(`sharing.relay_url_allowed`), also for the addresses a name resolves to. Redirects are never
followed (they would carry a capability elsewhere). Every failure is a RelayUnreachable (try
again later: nothing was lost) or a RelayRefused (the relay said no, with its reason).
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from journal_app.errors import RessentiError
from journal_app.sharing import private_relay_allowed, relay_host_allowed, relay_url_allowed

TIMEOUT = 20.0
QUOTA_WARNING = 0.8  # past this share of its quota, the facilitator hears the mailbox is filling


class RelayError(RessentiError):
    key = "error.relay_unreachable"


class RelayUnreachable(RelayError):
    """No answer (offline, the relay down, a timeout): what waits to be sent still waits."""

    key = "error.relay_unreachable"


class RelayRefused(RelayError):
    """The relay answered no (a wrong capability, a full mailbox, too many requests)."""

    key = "error.relay_refused"

    REASONS = ("capability_refused", "mailbox_full", "rate_limited", "signature_refused", "older_than_kept",
               "registration_refused", "registration_token_missing", "not_a_padded_envelope",
               "personal_mailboxes_full")

    def __init__(self, status: int, reason: str = "", retry_after: int | None = None) -> None:
        super().__init__(status=status)
        self.status, self.reason, self.retry_after = status, reason, retry_after

    def message(self, lang: str) -> str:
        from journal_app.i18n import translate

        if self.reason in self.REASONS:
            return translate(f"error.relay.{self.reason}", lang)
        return translate(self.key, lang, status=self.status)


class RelayAddressRefused(RelayError):
    key = "error.relay_address_refused"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer, not a new address: the capability goes to the relay's URL only."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None


@dataclass(frozen=True)
class Received:
    id: str
    day: str
    envelope: dict[str, Any]


def _tls() -> ssl.SSLContext:
    try:
        import certifi  # phones may have no system store Python can find

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:
        return ssl.create_default_context()


class RelayClient:
    def __init__(self, url: str, *, timeout: float = TIMEOUT,
                 opener: Callable[..., Any] | None = None) -> None:
        if not relay_url_allowed(url):
            raise RelayAddressRefused(url=url)
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._open = opener or urllib.request.build_opener(urllib.request.HTTPSHandler(context=_tls()),
                                                           _NoRedirect()).open
        self.fill: float | None = None  # how full the mailbox was at the last listing (0 to 1)
        self._resolved = False  # what its name resolves to was checked (once per client)

    def _check_resolved(self) -> None:
        """A name that resolves to this computer or a private network is refused like the
        address itself (unless the user allowed such relays)."""
        import socket
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if private_relay_allowed() or self._by_address():
            return  # an address, not a name: relay_url_allowed judged it already
        try:
            found = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            raise RelayUnreachable(detail="dns") from None
        if not all(relay_host_allowed(str(info[4][0]).split("%")[0], False) for info in found):
            raise RelayAddressRefused(url=self.url)

    def _call(self, method: str, path: str, body: object = None, capability: str | None = None,
              headers: dict[str, str] | None = None, query: str = "") -> tuple[int, Any]:
        data = None if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        request = urllib.request.Request(self.url + path + query, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("User-Agent", "Ressenti")  # the same for everyone
        if capability:
            request.add_header("Authorization", f"Bearer {capability}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if not self._resolved:
            self._check_resolved()
            self._resolved = True
        try:
            with self._open(request, timeout=self.timeout) as answer:
                raw = answer.read(8 * 1024 * 1024)
                try:
                    return answer.status, json.loads(raw) if raw else None
                except (ValueError, RecursionError):  # not JSON, or nested past any listing's depth
                    raise RelayRefused(answer.status, "not_json") from None
        except urllib.error.HTTPError as exc:
            reason = ""
            try:
                reason = str(json.loads(exc.read(4096)).get("error", ""))
            except (ValueError, AttributeError, RecursionError, OSError):
                pass
            retry = exc.headers.get("Retry-After") if exc.headers else None
            raise RelayRefused(exc.code, reason, int(retry) if retry and retry.isdigit() else None) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise RelayUnreachable(detail=type(exc).__name__) from None

    def _by_address(self) -> bool:
        """The URL names an address, not a host name (relay_url_allowed judged it already)."""
        import ipaddress
        from urllib.parse import urlsplit

        host = urlsplit(self.url).hostname or ""
        try:
            ipaddress.ip_address(host)
            return True  # an address, not a name: relay_url_allowed judged it
        except ValueError:
            return False

    def health(self) -> bool:
        status, doc = self._call("GET", "/v1/health")
        return status == 200 and isinstance(doc, dict) and doc.get("status") == "ok"

    def register(self, mailbox: str, send_digest: str, read_digest: str, signing_key: str,
                 token: str | None = None) -> str:
        status, doc = self._call("PUT", f"/v1/mailboxes/{mailbox}",
                                 {"send": send_digest, "read": read_digest, "sign": signing_key},
                                 headers={"X-Ressenti-Registration": token} if token else None)
        return str(doc.get("status")) if isinstance(doc, dict) else str(status)

    def open_personal(self, mailbox: str, send_digest: str, read_digest: str, signing_key: str,
                      circle_mailbox: str, circle_send_capability: str) -> str:
        """A personal mailbox (one of the member's devices, docs/sync.md), opened with a circle's
        send capability in place of the registration token: "created" or "same"."""
        status, doc = self._call("PUT", f"/v1/mailboxes/{mailbox}",
                                 {"send": send_digest, "read": read_digest, "sign": signing_key},
                                 circle_send_capability, headers={"X-Ressenti-Circle": circle_mailbox})
        return str(doc.get("status")) if isinstance(doc, dict) else str(status)

    def post_envelope(self, mailbox: str, send_capability: str, envelope: dict[str, Any]) -> None:
        self._call("POST", f"/v1/mailboxes/{mailbox}/envelopes", envelope, send_capability)

    def list_envelopes(self, mailbox: str, read_capability: str, after: str | None = None,
                       limit: int = 1000) -> tuple[list[Received], str | None]:
        from urllib.parse import urlencode

        query = "?" + urlencode({"limit": limit, **({"after": after} if after else {})})
        _, doc = self._call("GET", f"/v1/mailboxes/{mailbox}/envelopes", capability=read_capability, query=query)
        if not isinstance(doc, dict) or not isinstance(doc.get("envelopes"), list):
            raise RelayRefused(200, "not_a_listing")
        items = [Received(str(i.get("id")), str(i.get("day")), dict(i["envelope"]))
                 for i in doc["envelopes"] if isinstance(i, dict) and isinstance(i.get("envelope"), dict)]
        held, quota = doc.get("held"), doc.get("quota")
        if type(held) is int and type(quota) is int and quota > 0:
            self.fill = max(self.fill or 0.0, min(1.0, held / quota))  # the fullest seen this round
        nxt = doc.get("next")
        return items, nxt if isinstance(nxt, str) else None

    def acknowledge(self, mailbox: str, read_capability: str, ids: Sequence[str]) -> int:
        _, doc = self._call("POST", f"/v1/mailboxes/{mailbox}/ack", {"ids": list(ids)}, read_capability)
        return int(doc.get("acknowledged", 0)) if isinstance(doc, dict) else 0

    def publish(self, mailbox: str, read_capability: str, kind: str, message: dict[str, Any]) -> None:
        self._call("PUT", f"/v1/mailboxes/{mailbox}/messages/{kind}", message, read_capability)

    def messages(self, mailbox: str, capability: str) -> list[Any]:
        _, doc = self._call("GET", f"/v1/mailboxes/{mailbox}/messages", capability=capability)
        found = doc.get("messages") if isinstance(doc, dict) else None
        return found if isinstance(found, list) else []
