"""The device's signed request for its next office pack (docs/bundle-format.md §10).

A laptop asks the office's inbox for packs with ``GET /v1/packs/next`` and proves it
holds its enrolled device key by signing the request: canonical JSON of
``{"pack_request": {...}, "signature": "<minisign>"}`` (as receipts and enrolment
files are, ``signed``), with trusted comment
``msp-pack-request:1 office:<office_id> device:<device_id> after:<after> time:<time>``,
sent base64url-encoded in the ``MSP-Pack-Request`` header.

The body names the office (a request made for one office is no use at another), the
device and key, the last pack number the device holds (``after``) and the time it was
made. The office answers only a request signed by an enrolled, unrevoked key of that
device and made within ``MAX_CLOCK_SKEW`` of its own clock, so a request copied off the
wire is useless minutes later. Even then it could only fetch a pack sealed to the
device's own pack key, which nobody else can open.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import Field

from msp_desktop.bundles import minisign
from msp_desktop.bundles.canonical import MAX_SAFE_INTEGER
from msp_desktop.bundles.errors import BundleRejected
from msp_desktop.bundles.manifest import (
    DeviceId,
    FormatVersion,
    KeyId,
    StrictModel,
    UtcTime,
    format_time,
)
from msp_desktop.bundles.signed import open_signed, seal_signed

__all__ = [
    "MAX_CLOCK_SKEW",
    "PACK_REQUEST_HEADER",
    "PackRequest",
    "PackRequestRejected",
    "RequestClockSkew",
    "make_pack_request",
    "read_pack_request",
]

PACK_REQUEST_HEADER = "MSP-Pack-Request"
MAX_CLOCK_SKEW = timedelta(minutes=10)
"""How far the laptop's clock may be from the office's; a request older (or newer) than
this is refused. Ten minutes: laptops set their clocks from the network, but one that
was offline for weeks may have drifted a little."""
MAX_HEADER_CHARS = 4096
"""A request is about 500 bytes, some 700 characters encoded."""


class PackRequestRejected(BundleRejected):
    """A pack request that is damaged, altered, or not signed by an enrolled device key."""


class RequestClockSkew(PackRequestRejected):
    """A well-signed pack request made too long before (or after) the office's clock."""

    def __init__(self, message: str, skew: timedelta) -> None:
        super().__init__(message)
        self.skew = skew


class PackRequest(StrictModel):
    """What a device asks the office for: its packs after number ``after``."""

    format_version: FormatVersion
    office_id: DeviceId  # an office id has the same form as a device id
    device_id: DeviceId
    key_id: KeyId
    after: Annotated[int, Field(ge=0, le=MAX_SAFE_INTEGER)]
    time: UtcTime

    def trusted_comment(self) -> str:
        """The trusted comment of the request's signature."""
        return (
            f"msp-pack-request:1 office:{self.office_id} device:{self.device_id} "
            f"after:{self.after} time:{self.time}"
        )


def make_pack_request(
    *,
    office_id: str,
    device_id: str,
    device_key: minisign.KeyPair,
    after: int,
    now: datetime | None = None,
) -> str:
    """The value of the ``MSP-Pack-Request`` header: the signed request, base64url."""
    body = PackRequest(
        format_version=1,
        office_id=office_id,
        device_id=device_id,
        key_id=device_key.key_id,
        after=after,
        time=format_time(now or datetime.now(UTC)),
    )
    signed = seal_signed(
        "pack_request", body, device_key, body.trusted_comment(), f"MSP pack request {device_id}"
    )
    return base64.urlsafe_b64encode(signed).decode("ascii")


def read_pack_request(
    header: str,
    *,
    office_id: str,
    device_key: Callable[[PackRequest], minisign.PublicKey],
    now: datetime,
) -> PackRequest:
    """Check a pack request for this office: signed by the key ``device_key`` gives for
    its device (which raises ``PackRequestRejected`` when there is none) and made
    within ``MAX_CLOCK_SKEW`` of ``now`` (``RequestClockSkew`` otherwise)."""
    what = "The pack request"
    if len(header) > MAX_HEADER_CHARS:
        raise PackRequestRejected(f"{what} is larger than any such request can be.")
    try:
        data = base64.b64decode(header.strip().encode("ascii"), altchars=b"-_", validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise PackRequestRejected(f"{what} is not base64url text.") from None
    request = open_signed(
        data,
        kind="pack_request",
        model=PackRequest,
        what=what,
        error=PackRequestRejected,
        public_key=device_key,
        trusted_comment=PackRequest.trusted_comment,
    )
    if request.office_id != office_id:
        raise PackRequestRejected(
            f"{what} was made for office {request.office_id}, not this office ({office_id})."
        )
    made = datetime.strptime(request.time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    skew = made - now
    if abs(skew) > MAX_CLOCK_SKEW:
        minutes = round(abs(skew).total_seconds() / 60)
        side = "behind" if skew < timedelta(0) else "ahead of"
        raise RequestClockSkew(
            f"{what} was made {minutes} minutes {side} the office's clock (more than "
            f"{int(MAX_CLOCK_SKEW.total_seconds() // 60)} allowed): set the laptop's date "
            "and time right, then sync again.",
            skew,
        )
    return request
