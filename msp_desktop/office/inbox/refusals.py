"""How the inbox refuses: HTTP status, reason class and one plain sentence.

``refusal_for`` turns what the import raised into the refusal the device sees. The
sentences are written for the device: they name the bundle's key, device and
sequence, never the office's paths or the admin's next steps (those stay in the
office's own messages, quarantine notes and ``alerts.log``). A ``BundleQuarantined``
answer also names the signing key (``key_id``) and whether it is ``revoked`` here or
``not-enrolled`` (``key_state``), so the device can say what the worker and the office
must do (a new key, or enrolling the one it has).

| raised | status | reason |
|---|---|---|
| ``RateLimited`` | 429 + Retry-After | ``RateLimited`` |
| ``BundleQuarantined`` (unknown or revoked key) | 403 | ``BundleQuarantined`` |
| ``SequenceReplayed``, ``DeviceMismatch`` (alerts) | 409 | the class name |
| any other ``BundleRejected`` (the format's checks) | 400 | the class name |
| ``OfficeBusy`` | 503 + Retry-After 5 | ``OfficeBusy`` |
| ``StorageFull`` | 503 + Retry-After 60 | ``StorageFull`` |
| another known error (the database gone) | 503 + Retry-After 60 | ``OfficeUnavailable`` |
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from msp_desktop.bundles import BundleRejected
from msp_desktop.errors import KnownError, StorageFull
from msp_desktop.office.errors import (
    AlertingRejection,
    BundleQuarantined,
    DeviceMismatch,
    OfficeBusy,
)
from msp_desktop.office.inbox.limits import RateLimited

__all__ = ["BUSY_RETRY_SECONDS", "UNAVAILABLE_RETRY_SECONDS", "Refusal", "refusal_for"]

BUSY_RETRY_SECONDS = 5
UNAVAILABLE_RETRY_SECONDS = 60


class Refusal(Exception):
    """A request the inbox refuses: HTTP status, reason class and one plain sentence."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        *,
        retry_after: int | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.retry_after = retry_after
        self.fields = fields or {}

    def response(self, *, body_unread: bool = False) -> JSONResponse:
        """The JSON error response (with ``Retry-After`` when there is one).

        ``body_unread``: refused before the body was read, so the connection cannot carry
        another request; ``Connection: close`` tells the client not to send its retry on
        it (it would meet a closed connection, not this answer).
        """
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after else {}
        if body_unread:
            headers["Connection"] = "close"
        return JSONResponse(
            {"error": self.message, "reason": self.reason, **self.fields},
            self.status,
            headers=headers,
        )


def refusal_for(exc: KnownError) -> Refusal:
    """The HTTP refusal for an error of the import (the device sees no office paths)."""
    if isinstance(exc, RateLimited):
        return Refusal(429, "RateLimited", exc.message, retry_after=exc.retry_after)
    if isinstance(exc, BundleQuarantined):
        if exc.revoked:
            why = f"key {exc.key_id}, which this office has revoked; it was not imported."
        else:
            why = (
                f"key {exc.key_id}, which is not enrolled at this office; it was not "
                "imported and is kept for the office to review."
            )
        fields = {"key_state": "revoked" if exc.revoked else "not-enrolled"}
        if exc.key_id:
            fields["key_id"] = exc.key_id
        return Refusal(403, "BundleQuarantined", f"The bundle is signed by {why}", fields=fields)
    if isinstance(exc, AlertingRejection):
        device, sequence = exc.alert.get("device"), exc.alert.get("sequence")
        if isinstance(exc, DeviceMismatch):
            what = f"The bundle names device {device} but its key is enrolled for another device"
        else:
            what = f"Device {device} sequence {sequence} was already imported from another bundle"
        message = f"{what}; this one was not imported and the office has been alerted."
        return Refusal(409, type(exc).__name__, message)
    if isinstance(exc, BundleRejected):
        return Refusal(400, type(exc).__name__, exc.message)
    if isinstance(exc, OfficeBusy):
        return Refusal(
            503,
            "OfficeBusy",
            f"The office is busy with other bundles; nothing was imported. "
            f"Try again in {BUSY_RETRY_SECONDS} seconds.",
            retry_after=BUSY_RETRY_SECONDS,
        )
    reason = "StorageFull" if isinstance(exc, StorageFull) else "OfficeUnavailable"
    return Refusal(
        503,
        reason,
        "The office cannot take bundles right now; nothing was imported. Try again later.",
        retry_after=UNAVAILABLE_RETRY_SECONDS,
    )
