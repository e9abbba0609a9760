"""The relay's HTTP API (docs/relay.md), a Starlette app served by uvicorn.

What it keeps of a post: the mailbox, the day (never the time), the envelope. What it never
keeps, nor logs: an address, a user agent, a capability, the moment of a request (it logs counts
once an hour). Every accepted post gets the same answer, new or already held, so the answer says
nothing either.

Rate limits, in memory only: a request is checked for its capability first, then counted
against its capability *and its client's address* (behind the documented proxy, the address the
proxy names in X-Forwarded-For, believed only from `Limits.trusted_proxies`); a refused
capability or registration token is counted in a bucket of refusals of its own, per address, so
a stranger's guesses never spend what members use.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import h11
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.h11_impl import H11Protocol

from journal_app.circle_messages import KINDS, MessageForged, MessageInvalid, verify_message
from journal_app.relay import capabilities
from journal_app.relay.storage import Mailbox, MailboxGone, QuotaFull, RelayStore
from journal_app.sharing import padded_envelope_size, unb64

MAX_ENVELOPE_BODY = 32 * 1024  # the largest padded envelope is about 22 KiB as JSON
MAX_MESSAGE_BODY = 600 * 1024
MAX_LIST = 1000
log = logging.getLogger("ressenti.relay")


@dataclass(frozen=True)
class Limits:
    """Buckets of `burst` requests refilled at `rate` a second: per capability (all addresses
    together), per capability and client address, and for refusals per client address."""

    rate_per_capability: float = 200.0
    burst_per_capability: int = 2000
    rate_per_client: float = 50.0
    burst_per_client: int = 500
    rate_of_refusals: float = 1.0  # wrong capabilities and registration tokens, per address
    burst_of_refusals: int = 30
    mailbox_quota: int = 20_000  # envelopes a mailbox may hold
    ttl_days: int = 60
    # Personal mailboxes (a member's devices) one circle's send capability may hold open, all
    # members together: the relay cannot tell members apart, so it cannot count per member. Only
    # those in use count: one that holds nothing and was idle for `ttl_days` is deleted.
    personal_mailboxes: int = 64
    registration_token: str | None = None  # registering a mailbox needs it...
    open_registration: bool = False  # ...unless the operator opened registration to anyone
    trusted_proxies: str = "127.0.0.1,::1"  # whose X-Forwarded-For names the client
    header_timeout: float = 10.0  # seconds a connection has to send its request line and headers
    body_timeout: float = 30.0  # seconds a request has to send its body


class Buckets:
    """Token buckets in memory only (a key is a capability's digest or a client's address and
    is forgotten with the process; the least recent go first past `size` keys)."""

    def __init__(self, rate: float, burst: int, size: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.size, self.clock = rate, burst, size, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """0 when the request may go; else the seconds to wait."""
        now = self.clock()
        tokens, last = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.size:
            self._buckets.popitem(last=False)
        return wait


def _error(status: int, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code}, status_code=status, headers=headers)


class Counts:
    """What happened, counted in memory and logged once an hour as one JSON line: never a line a
    request (journald and podman time-stamp each line), never who, never which mailbox."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def add(self, event: str, status: int, n: int = 1) -> None:
        key = f"{event} {status}"
        self._counts[key] = self._counts.get(key, 0) + n

    def flush(self) -> None:
        counts, self._counts = self._counts, {}
        if counts:
            log.info(json.dumps({"event": "counts", "hour": dict(sorted(counts.items()))}, separators=(",", ":")))


def _same_secret(given: str, kept: str) -> bool:
    """Compared digest to digest: any header (non-ASCII too) is a plain no, never a 500."""
    def encode(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()

    return hmac.compare_digest(encode(given), encode(kept))


def create_app(store: RelayStore, *, limits: Limits = Limits(),
               today: Callable[[], date] = lambda: datetime.now(timezone.utc).date()) -> Starlette:
    per_capability = Buckets(limits.rate_per_capability, limits.burst_per_capability)
    per_client = Buckets(limits.rate_per_client, limits.burst_per_client)
    refusals = Buckets(limits.rate_of_refusals, limits.burst_of_refusals)
    counts = Counts()

    def client_of(request: Request) -> str:
        return request.client.host if request.client else "-"

    def too_many(wait: float) -> Response:
        return _error(429, "rate_limited", {"Retry-After": str(max(1, math.ceil(wait)))})

    def limited(request: Request, key: str) -> Response | None:
        """A request that holds its capability: its own address's bucket for that capability
        first (one member's flood stops there), then the capability's, shared by all members."""
        wait = per_client.take(f"c:{key}:{client_of(request)}") or per_capability.take("k:" + key)
        if wait:
            counts.add("limited", 429)
        return too_many(wait) if wait else None

    def refused(request: Request, status: int, code: str) -> Response:
        """A wrong capability or token: counted per address, apart from what members use."""
        wait = refusals.take("r:" + client_of(request))
        counts.add("refused", 429 if wait else status)
        return too_many(wait) if wait else _error(status, code)

    async def authorized(request: Request, kind: str,
                         mailbox_id: str | None = None) -> tuple[Mailbox | None, Response | None]:
        """The mailbox (the path's, or `mailbox_id`), if the request carries its `kind`
        capability ("send" or "read")."""
        mailbox_id = request.path_params["mailbox"] if mailbox_id is None else mailbox_id
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return None, refused(request, 401, "capability_missing")
        capability = header[len("Bearer "):].strip()
        if not capabilities.MAILBOX.match(mailbox_id) or not capabilities.CAPABILITY.match(capability):
            return None, refused(request, 403, "capability_refused")
        mailbox = await store.mailbox(mailbox_id)
        allowed = {"send": (mailbox.send_digest,), "read": (mailbox.read_digest,),
                   "either": (mailbox.send_digest, mailbox.read_digest)}[kind] if mailbox else ()
        if not any(capabilities.matches(capability, kept) for kept in allowed):
            return None, refused(request, 403, "capability_refused")  # an unknown mailbox looks the same
        throttled = limited(request, capabilities.digest(capability))
        if throttled:
            return None, throttled
        return mailbox, None

    async def used(mailbox: Mailbox) -> None:
        """A personal mailbox's last day of use, for the sweep (a circle's mailbox is never swept,
        so its reads are not kept)."""
        if mailbox.opened is None:
            await store.touch(mailbox.id, today())

    async def body_of(request: Request, limit: int) -> bytes | None:
        declared = request.headers.get("content-length")
        if declared and (not declared.isdigit() or int(declared) > limit):
            return None
        data = b""

        async def read() -> bytes | None:
            nonlocal data
            async for chunk in request.stream():
                data += chunk
                if len(data) > limit:
                    return None
            return data

        try:
            return await asyncio.wait_for(read(), limits.body_timeout)
        except asyncio.TimeoutError:  # a body sent a byte at a time: the connection is not kept
            return None

    def json_of(data: bytes) -> Any:
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            return None

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": 1})

    async def register(request: Request) -> Response:
        mailbox_id = request.path_params["mailbox"]
        circle_id = request.headers.get("x-ressenti-circle")
        circle: Mailbox | None = None
        if circle_id is not None:
            # A personal mailbox, opened with a circle's send capability instead of the token.
            circle, refusal = await authorized(request, "send", circle_id)
            if refusal:
                return refusal
            assert circle is not None
            if circle.opened is None:  # a personal mailbox opens none
                return refused(request, 403, "capability_refused")
        elif not limits.open_registration:
            given = request.headers.get("x-ressenti-registration", "")
            if not given:
                return refused(request, 401, "registration_token_missing")
            if limits.registration_token is None or not _same_secret(given, limits.registration_token):
                return refused(request, 403, "registration_refused")
        throttled = None if circle else limited(request, "register")
        if throttled:
            return throttled
        data = await body_of(request, 4096)
        if data is None:
            return _error(413, "too_large")
        doc = json_of(data)
        hexd = "0123456789abcdef"
        if not (capabilities.MAILBOX.match(mailbox_id) and isinstance(doc, dict)
                and set(doc) == {"send", "read", "sign"}
                and all(isinstance(doc[k], str) and len(doc[k]) == 64 and set(doc[k]) <= set(hexd)
                        for k in ("send", "read"))
                and isinstance(doc["sign"], str) and capabilities.CAPABILITY.match(doc["sign"])):
            return _error(422, "not_a_registration")
        asked = Mailbox(mailbox_id, doc["send"], doc["read"], doc["sign"])
        if circle is None:
            outcome = await store.register(asked, today())
        else:
            opened_by = hmac.new(request.headers["authorization"][len("Bearer "):].strip().encode("ascii"),
                                 b"ressenti relay personal mailbox v1", hashlib.sha256).hexdigest()
            outcome = await store.open_personal(circle.id, opened_by, asked, today(), limits.personal_mailboxes)
        status = {"created": 201, "same": 200, "conflict": 409, "full": 507}[outcome]
        counts.add("register" if circle is None else "open", status)
        if outcome == "full":
            return _error(507, "personal_mailboxes_full")
        return JSONResponse({"status": outcome}, status_code=status)

    async def post_envelope(request: Request) -> Response:
        mailbox, refused = await authorized(request, "send")
        if refused:
            return refused
        assert mailbox is not None
        data = await body_of(request, MAX_ENVELOPE_BODY)
        if data is None:
            return _error(413, "too_large")
        doc = json_of(data)
        size = padded_envelope_size(doc)
        if size is None:
            counts.add("post", 422)
            return _error(422, "not_a_padded_envelope")
        canonical = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("ascii")
        envelope_id = hashlib.sha256(canonical).hexdigest()
        try:
            await store.post(mailbox.id, envelope_id, canonical, today(), limits.mailbox_quota)
        except QuotaFull:
            counts.add("post", 507)
            return _error(507, "mailbox_full")
        except MailboxGone:  # swept since the capability was checked: as an unknown mailbox
            return _error(403, "capability_refused")
        await used(mailbox)
        counts.add("post", 202)
        return JSONResponse({"status": "accepted"}, status_code=202)  # new or already held: the same

    async def list_envelopes(request: Request) -> Response:
        mailbox, refused = await authorized(request, "read")
        if refused:
            return refused
        assert mailbox is not None
        after = request.query_params.get("after")
        cursor: tuple[str, str] | None = None
        if after:
            day, _, last = after.partition(":")
            try:
                date.fromisoformat(day)
            except ValueError:
                return _error(422, "bad_cursor")
            cursor = (day, last)
        try:
            limit = min(MAX_LIST, max(1, int(request.query_params.get("limit", MAX_LIST))))
        except ValueError:
            return _error(422, "bad_limit")
        found = await store.listing(mailbox.id, cursor, limit)
        await used(mailbox)
        counts.add("list", 200)
        return JSONResponse({
            "envelopes": [{"id": s.id, "day": s.day, "envelope": json.loads(s.body)} for s in found],
            "next": f"{found[-1].day}:{found[-1].id}" if len(found) == limit else None,
            # how full the mailbox is, so the facilitator hears of it before posts get 507
            "held": mailbox.envelopes, "quota": limits.mailbox_quota})

    async def acknowledge(request: Request) -> Response:
        mailbox, refused = await authorized(request, "read")
        if refused:
            return refused
        assert mailbox is not None
        data = await body_of(request, 256 * 1024)
        if data is None:
            return _error(413, "too_large")
        doc = json_of(data)
        ids = doc.get("ids") if isinstance(doc, dict) else None
        if not (isinstance(ids, list) and len(ids) <= MAX_LIST * 5
                and all(isinstance(i, str) and len(i) == 64 for i in ids)):
            return _error(422, "not_an_acknowledgement")
        gone = await store.ack(mailbox.id, ids)
        await used(mailbox)
        counts.add("ack", 200, gone)
        return JSONResponse({"acknowledged": gone})

    async def put_message(request: Request) -> Response:
        mailbox, refused = await authorized(request, "read")
        if refused:
            return refused
        assert mailbox is not None
        kind = request.path_params["kind"]
        data = await body_of(request, MAX_MESSAGE_BODY)
        if data is None:
            return _error(413, "too_large")
        doc = json_of(data)
        circle = doc.get("circle") if isinstance(doc, dict) else None
        try:
            message = verify_message(doc, str(circle), unb64(mailbox.sign_key))
        except MessageForged:
            counts.add("message", 403)
            return _error(403, "signature_refused")
        except MessageInvalid:
            return _error(422, "not_a_circle_message")
        if message.kind != kind:
            return _error(422, "kind_mismatch")
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if not await store.put_message(mailbox.id, kind, message.serial, today(), body):
            return _error(409, "older_than_kept")
        counts.add("message", 200)
        return JSONResponse({"status": "published"})

    async def get_messages(request: Request) -> Response:
        mailbox, refused = await authorized(request, "either")
        if refused:
            return refused
        assert mailbox is not None
        found = await store.messages(mailbox.id)
        return JSONResponse({"messages": [json.loads(m) for m in found]})

    async def expire_now() -> int:
        """Delete the envelopes older than the time-to-live, then the personal mailboxes idle as
        long that hold nothing (they no longer count against their circle's bound); how many
        envelopes."""
        before = today() - timedelta(days=limits.ttl_days)
        gone = await store.expire(before)
        swept = await store.sweep(before)
        if swept:
            counts.add("sweep", 200, swept)
        return gone

    async def hourly() -> None:
        """Expire old envelopes and idle personal mailboxes, blur the order of the recent
        envelopes, log the hour's counts."""
        try:
            gone = await expire_now()
            if gone:
                counts.add("expire", 200, gone)
            await store.blur(today() - timedelta(days=1))
        except Exception:  # the relay keeps serving; the next round tries again
            log.exception("expiry failed")
        counts.flush()

    first_round = asyncio.Event()  # set once the round made at start-up is done (tests wait on it)

    async def expiry_loop() -> None:
        while True:
            await hourly()
            first_round.set()
            await asyncio.sleep(3600)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(expiry_loop())
        try:
            yield
        finally:
            task.cancel()
            await store.close()

    routes = [
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/mailboxes/{mailbox}", register, methods=["PUT"]),
        Route("/v1/mailboxes/{mailbox}/envelopes", post_envelope, methods=["POST"]),
        Route("/v1/mailboxes/{mailbox}/envelopes", list_envelopes, methods=["GET"]),
        Route("/v1/mailboxes/{mailbox}/ack", acknowledge, methods=["POST"]),
        Route("/v1/mailboxes/{mailbox}/messages/{kind}", put_message, methods=["PUT"]),
        Route("/v1/mailboxes/{mailbox}/messages", get_messages, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.expire_now = expire_now
    app.state.hourly = hourly
    app.state.first_round = first_round
    app.state.kinds = KINDS
    # The client's address, from the proxy's X-Forwarded-For when the connection comes from a
    # trusted proxy (uvicorn's middleware; the address lives in the request, in memory only).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=limits.trusted_proxies)
    return app


class _HeaderTimeout(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline for each request line and its headers: a
    connection that sends half a request (or nothing) is closed instead of kept for ever."""

    header_timeout = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._arm()  # still waiting for a whole request line and headers: the clock runs on
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def server_config(app: Starlette, host: str, port: int, limits: Limits = Limits()) -> Any:
    """The uvicorn settings the relay runs with (the tests start it with the same)."""
    import uvicorn

    protocol = type("HeaderTimeout", (_HeaderTimeout,), {"header_timeout": limits.header_timeout})
    # No access log: uvicorn's names the client's address, which the relay never keeps.
    # proxy_headers off: the app reads X-Forwarded-For itself, from trusted proxies only.
    return uvicorn.Config(app, host=host, port=port, http=protocol, access_log=False, log_level="warning",
                          proxy_headers=False, server_header=False, date_header=False,
                          timeout_keep_alive=5, timeout_graceful_shutdown=5)


def serve(host: str, port: int, database_url: str | None, data_dir: Any, *, limits: Limits = Limits()) -> None:
    """Run the relay until stopped (SIGINT/SIGTERM); logs go to standard error as JSON lines."""
    import uvicorn

    from journal_app.relay.storage import open_store

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = create_app(open_store(database_url, data_dir), limits=limits)
    uvicorn.Server(server_config(app, host, port, limits)).run()
