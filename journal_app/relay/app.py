"""The relay's HTTP API (docs/relay.md), a Starlette app served by uvicorn.

What it keeps of a post: the mailbox, the day (never the time), the envelope. What it never
keeps, nor logs: an address, a user agent, a capability. Every accepted post gets the same
answer, new or already held, so the answer says nothing either.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from journal_app.circle_messages import KINDS, MessageForged, MessageInvalid, verify_message
from journal_app.relay import capabilities
from journal_app.relay.storage import Mailbox, QuotaFull, RelayStore
from journal_app.sharing import padded_envelope_size, unb64

MAX_ENVELOPE_BODY = 32 * 1024  # the largest padded envelope is about 22 KiB as JSON
MAX_MESSAGE_BODY = 600 * 1024
MAX_LIST = 1000
log = logging.getLogger("ressenti.relay")


@dataclass(frozen=True)
class Limits:
    """Per capability and per client, a bucket of `burst` requests refilled at `rate` a second."""

    rate_per_capability: float = 50.0
    burst_per_capability: int = 500
    rate_per_client: float = 50.0
    burst_per_client: int = 500
    mailbox_quota: int = 20_000  # envelopes a mailbox may hold
    ttl_days: int = 60
    registration_token: str | None = None  # when set, registering a mailbox needs it


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


def _event(event: str, status: int, mailbox: str = "", **fields: object) -> None:
    """One JSON line a request: what happened, never who or exactly when."""
    log.info(json.dumps({"event": event, "status": status, "mailbox": mailbox, **fields}, separators=(",", ":")))


def create_app(store: RelayStore, *, limits: Limits = Limits(),
               today: Callable[[], date] = lambda: datetime.now(timezone.utc).date()) -> Starlette:
    per_capability = Buckets(limits.rate_per_capability, limits.burst_per_capability)
    per_client = Buckets(limits.rate_per_client, limits.burst_per_client)

    def limited(request: Request, key: str) -> Response | None:
        client = request.client.host if request.client else "-"
        wait = max(per_client.take("c:" + client), per_capability.take("k:" + key))
        if wait:
            return _error(429, "rate_limited", {"Retry-After": str(max(1, math.ceil(wait)))})
        return None

    async def authorized(request: Request, kind: str) -> tuple[Mailbox | None, Response | None]:
        """The mailbox, if the request carries its `kind` capability ("send" or "read")."""
        mailbox_id = request.path_params["mailbox"]
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return None, _error(401, "capability_missing")
        capability = header[len("Bearer "):].strip()
        if not capabilities.MAILBOX.match(mailbox_id) or not capabilities.CAPABILITY.match(capability):
            return None, _error(403, "capability_refused")
        throttled = limited(request, capabilities.digest(capability))
        if throttled:
            return None, throttled
        mailbox = await store.mailbox(mailbox_id)
        allowed = {"send": (mailbox.send_digest,), "read": (mailbox.read_digest,),
                   "either": (mailbox.send_digest, mailbox.read_digest)}[kind] if mailbox else ()
        if not any(capabilities.matches(capability, kept) for kept in allowed):
            return None, _error(403, "capability_refused")  # an unknown mailbox looks the same
        return mailbox, None

    async def body_of(request: Request, limit: int) -> bytes | None:
        declared = request.headers.get("content-length")
        if declared and (not declared.isdigit() or int(declared) > limit):
            return None
        data = b""
        async for chunk in request.stream():
            data += chunk
            if len(data) > limit:
                return None
        return data

    def json_of(data: bytes) -> Any:
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            return None

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": 1})

    async def register(request: Request) -> Response:
        mailbox_id = request.path_params["mailbox"]
        if limits.registration_token is not None:
            given = request.headers.get("x-ressenti-registration", "")
            if not given:
                return _error(401, "registration_token_missing")
            import hmac

            if not hmac.compare_digest(given, limits.registration_token):
                return _error(403, "registration_refused")
        throttled = limited(request, "register")
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
        outcome = await store.register(Mailbox(mailbox_id, doc["send"], doc["read"], doc["sign"]), today())
        status = {"created": 201, "same": 200, "conflict": 409}[outcome]
        _event("register", status, mailbox_id)
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
            _event("post", 422, mailbox.id)
            return _error(422, "not_a_padded_envelope")
        canonical = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("ascii")
        envelope_id = hashlib.sha256(canonical).hexdigest()
        try:
            await store.post(mailbox.id, envelope_id, canonical, today(), limits.mailbox_quota)
        except QuotaFull:
            _event("post", 507, mailbox.id)
            return _error(507, "mailbox_full")
        _event("post", 202, mailbox.id, padded=size)
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
        _event("list", 200, mailbox.id, count=len(found))
        return JSONResponse({
            "envelopes": [{"id": s.id, "day": s.day, "envelope": json.loads(s.body)} for s in found],
            "next": f"{found[-1].day}:{found[-1].id}" if len(found) == limit else None})

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
        _event("ack", 200, mailbox.id, count=gone)
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
            _event("message", 403, mailbox.id)
            return _error(403, "signature_refused")
        except MessageInvalid:
            return _error(422, "not_a_circle_message")
        if message.kind != kind:
            return _error(422, "kind_mismatch")
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if not await store.put_message(mailbox.id, kind, message.serial, today(), body):
            return _error(409, "older_than_kept")
        _event("message", 200, mailbox.id, kind=kind)
        return JSONResponse({"status": "published"})

    async def get_messages(request: Request) -> Response:
        mailbox, refused = await authorized(request, "either")
        if refused:
            return refused
        assert mailbox is not None
        found = await store.messages(mailbox.id)
        return JSONResponse({"messages": [json.loads(m) for m in found]})

    async def expire_now() -> int:
        return await store.expire(today() - timedelta(days=limits.ttl_days))

    async def expiry_loop() -> None:
        while True:
            try:
                gone = await expire_now()
                if gone:
                    _event("expire", 200, count=gone)
            except Exception:  # the relay keeps serving; the next round tries again
                log.exception("expiry failed")
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
    app.state.kinds = KINDS
    return app


def serve(host: str, port: int, database_url: str | None, data_dir: Any, *, limits: Limits = Limits()) -> None:
    """Run the relay until stopped (SIGINT/SIGTERM); logs go to standard error as JSON lines."""
    import uvicorn

    from journal_app.relay.storage import open_store

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = create_app(open_store(database_url, data_dir), limits=limits)
    # No access log: uvicorn's names the client's address, which the relay never keeps.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", proxy_headers=False,
                server_header=False, date_header=False, timeout_graceful_shutdown=5)
