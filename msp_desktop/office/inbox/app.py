"""The office inbox over HTTP(S): ``msp-office serve`` (Starlette, run by uvicorn).

Routes (described in ``inbox.openapi``, served at ``/openapi.json``):

- ``POST /v1/bundles``, body the bundle file (``application/octet-stream``): the same
  checks and import as ``msp-office import``, and the signed receipt file's bytes in
  the response (``200``, ``application/json``). The same bundle again gets the same
  receipt, byte for byte (``inbox.receive``). Refusals are JSON
  ``{"error": "<sentence>", "reason": "<class>"}``: 400 the format refused it, 403
  unknown or revoked key (quarantined), 409 a replay or a key signing for another
  device (alerted), 411 no Content-Length, 413 too large, 415 not
  ``application/octet-stream``, 429 rate limited and 503 busy (both with
  ``Retry-After``), 408 the body came too slowly, 500 a bug (never a traceback).
- ``GET /v1/packs/next`` and ``POST /v1/pack-receipts``: a device fetches its office
  packs with a signed request, and sends its signed receipt for each (``pack_routes``).
- ``GET /v1/health``: ``{"status": "ok", "office_id": ..., "version": ...}``, or
  ``503`` with ``{"status": "unavailable", "reason": ..., "error": <sentence>, ...}``
  when the office database cannot be read or the disk is nearly full (``health``).

``/v1/metrics`` is not served here: only on the separate listener of
``--metrics-bind`` (``metrics``), which shares this service's counters.

The bundle's signature by an enrolled device key is the only authorisation of an
upload (a pack request and a pack receipt are signed by that key too). Before
the body is read a request is checked in this order: the rate limit of its address,
its Content-Type, its Content-Length (present, a number, under the limit) and the
number of uploads in progress; so a refused request costs almost nothing. The body
is then read under the size limit and a deadline, and imported on a worker thread,
one bundle at a time, off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msp_desktop import __version__
from msp_desktop.errors import KnownError
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from msp_desktop.office.errors import AlertingRejection, BundleQuarantined
from msp_desktop.office.inbox.health import Health
from msp_desktop.office.inbox.limits import TokenBuckets
from msp_desktop.office.inbox.logs import LOGGER_NAME
from msp_desktop.office.inbox.metrics import Metrics
from msp_desktop.office.inbox.openapi import openapi_document
from msp_desktop.office.inbox.pack_routes import PACK_RECEIPTS, PACK_ROUTES, PACKS_NEXT, PackRoutes
from msp_desktop.office.inbox.receive import Accepted, Inbox, InboxSettings
from msp_desktop.office.inbox.refusals import BUSY_RETRY_SECONDS, Refusal, refusal_for

__all__ = ["BUNDLES", "HEALTH", "INTERNAL_ERROR", "OPENAPI", "create_app"]

BUNDLES = "/v1/bundles"
HEALTH = "/v1/health"
OPENAPI = "/openapi.json"
_ROUTES = (BUNDLES, HEALTH, OPENAPI, *PACK_ROUTES)
BUNDLE_TYPE = "application/octet-stream"
INTERNAL_ERROR = "The office could not take the bundle; nothing was imported. Try again later."
# The body must arrive within 30 s plus its size at 32 KiB/s (a slow mobile link):
# 64 MiB may take 35 minutes, a 100 KiB bundle 33 s; then 408 and the slot is free.
BODY_GRACE_SECONDS = 30.0
MIN_BODY_BYTES_PER_SECOND = 32 * 1024
# And it must keep coming: in every window of this many seconds, at least
# ``min_bytes_per_second`` times the window (or all that is left) must arrive. A client
# sending a byte a minute holds its place for one window, not for 35 minutes.
RATE_WINDOW_SECONDS = 15.0


def _fields(request: Request) -> dict[str, Any]:
    """The log fields of this request (set up by ``RequestLog``)."""
    state = request.scope.get("state")
    fields = state.get("log") if isinstance(state, dict) else None
    return fields if isinstance(fields, dict) else {}


class InboxService:
    """The routes' handlers, around one ``Inbox`` and the per-address rate limit."""

    def __init__(self, inbox: Inbox, logger: logging.Logger) -> None:
        self.inbox = inbox
        self.settings: InboxSettings = inbox.settings
        self.log = logger
        self.addresses = TokenBuckets(self.settings.ip_rate)
        self.pending = 0
        self.pending_by_address: dict[str, int] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="msp-inbox")
        self.metrics = Metrics()
        self.checks = Health(inbox, logger)

    async def upload(self, request: Request) -> Response:
        """``POST /v1/bundles``."""
        fields = _fields(request)
        address = request.client.host if request.client else "-"
        body_read = False
        try:
            length = self._admit(request, address)
            fields["bytes"] = length
            self.pending += 1
            self.pending_by_address[address] = self.pending_by_address.get(address, 0) + 1
            try:
                data = await self._read_body(request, length)
                body_read = True
                accepted = await asyncio.get_running_loop().run_in_executor(
                    self.executor, self._receive, data, fields
                )
            finally:
                self.pending -= 1
                left = self.pending_by_address.pop(address) - 1
                if left:
                    self.pending_by_address[address] = left
        except Refusal as refusal:
            fields["reason"] = refusal.reason
            return refusal.response(body_unread=not body_read)
        except KnownError as exc:
            refused = refusal_for(exc)
            fields["reason"] = refused.reason
            if refused.reason != type(exc).__name__:
                fields["error"] = type(exc).__name__
            self._note_refusal(exc, fields)
            return refused.response()
        fields.update(device_id=accepted.device_id, sequence=accepted.sequence)
        fields["outcome"] = accepted.outcome
        if accepted.released:
            fields["released_from_quarantine"] = True
        return Response(
            accepted.receipt,
            200,
            media_type="application/json",
            headers={"MSP-Import-Status": accepted.outcome, "Cache-Control": "no-store"},
        )

    def _admit(self, request: Request, address: str) -> int:
        """Every check before the body is read; the declared length, or a ``Refusal``."""
        wait = self.addresses.take(address)
        if wait:
            rate = self.settings.ip_rate
            raise Refusal(
                429,
                "RateLimited",
                f"More than {rate.per_minute:g} uploads a minute came from this address; "
                f"nothing was imported, try again in {wait} seconds.",
                retry_after=wait,
            )
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != BUNDLE_TYPE:
            raise Refusal(
                415,
                "UnsupportedMediaType",
                f"Send the bundle file as {BUNDLE_TYPE}; nothing was imported.",
            )
        declared = request.headers.get("content-length")
        if declared is None:
            raise Refusal(
                411,
                "LengthRequired",
                "Send the bundle with a Content-Length header; nothing was imported.",
            )
        if not declared.strip().isdigit() or not declared.isascii():
            raise Refusal(400, "BadRequest", "The Content-Length header is not a number.")
        length = int(declared)
        limit = self.settings.max_bundle_bytes
        if length > limit:
            raise self._too_large()
        if self.pending_by_address.get(address, 0) >= self.settings.max_pending_per_address:
            raise Refusal(
                429,
                "TooManyAtOnce",
                f"This address is already sending {self.settings.max_pending_per_address} "
                f"bundles; nothing was imported. Try again in {BUSY_RETRY_SECONDS} seconds.",
                retry_after=BUSY_RETRY_SECONDS,
            )
        if self.pending >= self.settings.max_pending:
            raise Refusal(
                503,
                "OfficeBusy",
                f"The office is taking other bundles; nothing was imported. "
                f"Try again in {BUSY_RETRY_SECONDS} seconds.",
                retry_after=BUSY_RETRY_SECONDS,
            )
        return length

    def _too_large(self) -> Refusal:
        mib = self.settings.max_bundle_bytes / (1024 * 1024)
        return Refusal(
            413,
            "BundleTooLarge",
            f"The bundle is larger than this office accepts ({mib:g} MiB); nothing was imported.",
        )

    async def _read_body(self, request: Request, length: int) -> bytes:
        limit = self.settings.max_bundle_bytes
        loop = asyncio.get_running_loop()
        last = loop.time() + BODY_GRACE_SECONDS + length / MIN_BODY_BYTES_PER_SECOND
        per_window = int(self.settings.min_bytes_per_second * RATE_WINDOW_SECONDS)
        body = bytearray()
        try:
            # One deadline, moved on each time a window's share has arrived: the end of
            # the current window, never past the overall deadline.
            async with asyncio.timeout_at(min(loop.time() + RATE_WINDOW_SECONDS, last)) as timer:
                owed = min(per_window, length)
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > limit:
                        raise self._too_large()
                    owed -= len(chunk)
                    if owed <= 0:
                        owed = min(per_window, max(length - len(body), 1))
                        timer.reschedule(min(loop.time() + RATE_WINDOW_SECONDS, last))
        except TimeoutError:
            raise Refusal(
                408,
                "RequestTimeout",
                "The bundle did not arrive in time; nothing was imported. Try again.",
            ) from None
        except ClientDisconnect:
            raise Refusal(
                400,
                "ClientDisconnect",
                "The upload stopped before the whole bundle arrived; nothing was imported.",
            ) from None
        return bytes(body)

    def _receive(self, data: bytes, fields: dict[str, Any]) -> Accepted:
        """On the worker thread: hash for the log, then import."""
        fields["bundle"] = hashlib.sha256(data).hexdigest()[:12]
        started = time.perf_counter()
        try:
            return self.inbox.receive(data)
        finally:
            self.metrics.import_took(time.perf_counter() - started)

    def _note_refusal(self, exc: KnownError, fields: dict[str, Any]) -> None:
        """A line of its own for a security alert or a quarantined bundle."""
        common = {"request_id": fields.get("request_id"), "bundle": fields.get("bundle")}
        if isinstance(exc, AlertingRejection):
            device, sequence = exc.alert.get("device"), exc.alert.get("sequence")
            fields.update(device_id=device, sequence=sequence)
            self.log.warning(
                "alert",
                extra={
                    "fields": {
                        "event": "alert",
                        "kind": exc.alert.get("kind"),
                        "device_id": device,
                        "sequence": sequence,
                        **common,
                        "alerts_log": self.inbox.layout.alerts.name,
                    }
                },
            )
        elif isinstance(exc, BundleQuarantined):
            fields["key_id"] = exc.key_id
            self.log.warning(
                "quarantined",
                extra={
                    "fields": {
                        "event": "quarantined",
                        "key_id": exc.key_id,
                        "revoked": exc.revoked,
                        **common,
                    }
                },
            )

    async def health(self, request: Request) -> Response:
        """``GET /v1/health``: up, which office, the msp-office version and the office
        database version it uses (the service refuses to start on any other); ``503``
        with a reason when the database cannot be read or the disk is nearly full
        (``health``). Nothing counted, nothing personal."""
        about = {
            "office_id": self.inbox.config.office_id,
            "version": __version__,
            "schema_version": SCHEMA_VERSION,
        }
        problem = await self.checks.problem()
        if problem is None:
            return JSONResponse({"status": "ok", **about})
        _fields(request)["reason"] = problem.reason
        body = {"status": "unavailable", "reason": problem.reason, "error": problem.error}
        return JSONResponse({**body, **about}, 503, headers={"Cache-Control": "no-store"})

    async def openapi(self, request: Request) -> Response:
        """``GET /openapi.json``."""
        return JSONResponse(openapi_document())


async def _http_error(request: Request, exc: Exception) -> Response:
    """404, 405 and other routing errors as the same JSON as every refusal."""
    assert isinstance(exc, HTTPException)
    reason = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "BadRequest")
    message = {
        404: "There is nothing here; bundles go to POST /v1/bundles.",
        405: "This route does not take that method.",
    }.get(exc.status_code, "The request was not understood.")
    _fields(request)["reason"] = reason
    return JSONResponse(
        {"error": message, "reason": reason}, exc.status_code, headers=exc.headers or None
    )


class RequestLog:
    """ASGI middleware: a request id, one JSON log line per request, and the last guard.

    An exception that reaches it is a bug: logged as a scrubbed traceback, answered
    with a plain 500 (if nothing was sent yet), and never passed on to the server,
    which would log its message.
    """

    def __init__(
        self, app: ASGIApp, logger: logging.Logger, metrics: Metrics | None = None
    ) -> None:
        self.app = app
        self.log = logger
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one connection scope."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        path = scope.get("path", "")
        fields: dict[str, Any] = {
            "event": "request",
            "request_id": request_id,
            "method": scope.get("method"),
            "route": path if path in _ROUTES else "(other)",
        }
        scope.setdefault("state", {})["log"] = fields
        started = time.perf_counter()
        status = 0

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        except Exception as exc:  # the last guard: a bug, logged without data
            fields["reason"] = "InternalError"
            self.log.error(
                "bug",
                exc_info=exc,
                extra={"fields": {"event": "bug", "request_id": request_id}},
            )
            if status == 0:
                body = {"error": INTERNAL_ERROR, "reason": "InternalError"}
                await JSONResponse(body, 500)(scope, receive, send_logged)
            status = status or 500
        finally:
            fields["status"] = status
            fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
            if self.metrics is not None and path == BUNDLES and scope.get("method") == "POST":
                self.metrics.upload(fields.get("outcome"), fields.get("reason"))
            self.log.log(
                logging.ERROR if status >= 500 else logging.INFO,
                "request",
                extra={"fields": fields},
            )


def create_app(inbox: Inbox, *, logger: logging.Logger | None = None) -> Starlette:
    """The ASGI application serving ``inbox``."""
    log = logger or logging.getLogger(LOGGER_NAME)
    service = InboxService(inbox, log)
    packs = PackRoutes(service, log)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            service.executor.shutdown(wait=True)
            service.checks.close()

    app = Starlette(
        routes=[
            Route(BUNDLES, service.upload, methods=["POST"]),
            Route(PACKS_NEXT, packs.next_pack, methods=["GET"]),
            Route(PACK_RECEIPTS, packs.pack_receipt, methods=["POST"]),
            Route(HEALTH, service.health, methods=["GET"]),
            Route(OPENAPI, service.openapi, methods=["GET"]),
        ],
        middleware=[Middleware(RequestLog, logger=log, metrics=service.metrics)],
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.service = service
    return app
