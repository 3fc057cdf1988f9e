"""The inbox's routes for office packs: devices fetch packs and send their receipts.

- ``GET /v1/packs/next`` with the device's signed request in the ``MSP-Pack-Request``
  header (``bundles.pack_request``): ``200`` with the next pack's bytes
  (``application/octet-stream``, its number in ``MSP-Pack-Sequence``), or ``204`` when
  nothing waits (``office.pack_delivery`` issues a pack on demand when changes are
  queued for the device).
- ``POST /v1/pack-receipts`` with the device's signed receipt for a pack it applied
  (``application/json``): ``200`` ``{"status": "acknowledged" | "already-acknowledged",
  "device_id": ..., "sequence": N}``.

Refusals are the same JSON as the bundle route's: 400 a receipt the office cannot
take, 403 a request not signed by an enrolled key of the device, or made too far from
the office's clock, 409 a device ahead of the office or without a pack key at the
office, 411/413/415 the receipt's headers, 429 the address's rate limit (shared with
uploads), 503 the office busy or its database unavailable. Every database step runs
on the service's worker thread, one at a time, as imports do.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from msp_desktop.bundles.pack_receipt import PackReceiptRejected
from msp_desktop.bundles.pack_request import (
    PACK_REQUEST_HEADER,
    PackRequestRejected,
    RequestClockSkew,
)
from msp_desktop.bundles.signed import MAX_SIGNED_BYTES
from msp_desktop.errors import KnownError
from msp_desktop.office.errors import OfficeBusy
from msp_desktop.office.inbox.refusals import (
    BUSY_RETRY_SECONDS,
    UNAVAILABLE_RETRY_SECONDS,
    Refusal,
)
from msp_desktop.office.pack_delivery import DeviceAheadOfOffice, NoPackKeyAtOffice

if TYPE_CHECKING:
    from msp_desktop.office.inbox.app import InboxService

__all__ = ["PACKS_NEXT", "PACK_RECEIPTS", "PACK_ROUTES", "PackRoutes"]

PACKS_NEXT = "/v1/packs/next"
PACK_RECEIPTS = "/v1/pack-receipts"
PACK_ROUTES = (PACKS_NEXT, PACK_RECEIPTS)
RECEIPT_TYPE = "application/json"


def pack_refusal(exc: KnownError) -> Refusal:
    """The HTTP refusal for what fetching a pack or taking a receipt raised."""
    if isinstance(exc, RequestClockSkew):
        return Refusal(403, "RequestClockSkew", exc.message)
    if isinstance(exc, PackRequestRejected):
        return Refusal(403, "PackRequestRejected", exc.message)
    if isinstance(exc, PackReceiptRejected):
        return Refusal(400, "PackReceiptRejected", exc.message)
    if isinstance(exc, DeviceAheadOfOffice | NoPackKeyAtOffice):
        return Refusal(409, type(exc).__name__, exc.message)
    if isinstance(exc, OfficeBusy):
        return Refusal(
            503,
            "OfficeBusy",
            f"The office is busy; try again in {BUSY_RETRY_SECONDS} seconds.",
            retry_after=BUSY_RETRY_SECONDS,
        )
    return Refusal(
        503,
        "OfficeUnavailable",
        "The office cannot answer right now; nothing was changed. Try again later.",
        retry_after=UNAVAILABLE_RETRY_SECONDS,
    )


def _refused(exc: Refusal | KnownError, fields: dict[str, Any]) -> Response:
    """The refusal's JSON answer, its reason noted in the request's log line."""
    refusal = exc if isinstance(exc, Refusal) else pack_refusal(exc)
    fields["reason"] = refusal.reason
    return refusal.response()


class PackRoutes:
    """The handlers of the two pack routes, sharing the service's limits and worker."""

    def __init__(self, service: InboxService, log: logging.Logger) -> None:
        self.service = service
        self.log = log

    def _fields(self, request: Request) -> dict[str, Any]:
        state = request.scope.get("state")
        fields = state.get("log") if isinstance(state, dict) else None
        return fields if isinstance(fields, dict) else {}

    def _rate(self, request: Request) -> None:
        address = request.client.host if request.client else "-"
        wait = self.service.addresses.take(address)
        if wait:
            raise Refusal(
                429,
                "RateLimited",
                f"Too many requests came from this address; try again in {wait} seconds.",
                retry_after=wait,
            )

    async def next_pack(self, request: Request) -> Response:
        """``GET /v1/packs/next``."""
        fields = self._fields(request)
        try:
            self._rate(request)
            header = request.headers.get(PACK_REQUEST_HEADER)
            if header is None:
                raise Refusal(
                    403,
                    "PackRequestRejected",
                    f"Ask for packs with the device's signed request in the "
                    f"{PACK_REQUEST_HEADER} header.",
                )
            loop = asyncio.get_running_loop()
            asked, delivery = await loop.run_in_executor(
                self.service.executor, self.service.inbox.next_pack, header
            )
        except (Refusal, KnownError) as exc:
            return _refused(exc, fields)
        fields.update(device_id=asked.device_id, after=asked.after)
        if delivery is None:
            fields["outcome"] = "nothing-waiting"
            return Response(status_code=204, headers={"Cache-Control": "no-store"})
        fields.update(sequence=delivery.sequence)
        fields["outcome"] = "issued" if delivery.issued_now else "issued-before"
        return Response(
            delivery.data,
            200,
            media_type="application/octet-stream",
            headers={"MSP-Pack-Sequence": str(delivery.sequence), "Cache-Control": "no-store"},
        )

    async def pack_receipt(self, request: Request) -> Response:
        """``POST /v1/pack-receipts``."""
        fields = self._fields(request)
        try:
            self._rate(request)
            data = await self._receipt_body(request)
            loop = asyncio.get_running_loop()
            taken = await loop.run_in_executor(
                self.service.executor, self.service.inbox.pack_receipt, data
            )
        except (Refusal, KnownError) as exc:
            return _refused(exc, fields)
        receipt = taken.receipt
        status = "already-acknowledged" if taken.already else "acknowledged"
        fields.update(device_id=receipt.device_id, sequence=receipt.sequence, outcome=status)
        return JSONResponse(
            {"status": status, "device_id": receipt.device_id, "sequence": receipt.sequence},
            headers={"Cache-Control": "no-store"},
        )

    async def _receipt_body(self, request: Request) -> bytes:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != RECEIPT_TYPE:
            raise Refusal(415, "UnsupportedMediaType", f"Send the pack receipt as {RECEIPT_TYPE}.")
        declared = request.headers.get("content-length")
        if declared is None:
            raise Refusal(411, "LengthRequired", "Send the receipt with a Content-Length header.")
        if not declared.strip().isdigit() or not declared.isascii():
            raise Refusal(400, "BadRequest", "The Content-Length header is not a number.")
        too_large = Refusal(
            413, "ReceiptTooLarge", "The body is larger than any pack receipt can be."
        )
        if int(declared) > MAX_SIGNED_BYTES:
            raise too_large
        body = bytearray()
        try:
            async with asyncio.timeout(30):
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > MAX_SIGNED_BYTES:
                        raise too_large
        except TimeoutError:
            raise Refusal(408, "RequestTimeout", "The receipt did not arrive in time.") from None
        except ClientDisconnect:
            raise Refusal(
                400, "ClientDisconnect", "The receipt stopped before its end arrived."
            ) from None
        return bytes(body)
