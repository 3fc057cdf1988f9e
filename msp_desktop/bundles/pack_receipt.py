"""The device's receipt for an office pack (docs/bundle-format.md §9): signed by the
device key, it tells the office which pack the device applied and when.

Canonical JSON of ``{"pack_receipt": {...}, "signature": "<minisign>"}``, as receipts
and enrolment files are (``signed``), with trusted comment
``msp-pack-receipt:1 device:<device_id> sequence:<sequence> pack:<pack_sha256>``. The
office checks it with the device key it has enrolled under ``key_id`` for that device,
and marks the pack acknowledged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from pydantic import Field

from msp_desktop.bundles import minisign
from msp_desktop.bundles.canonical import MAX_SAFE_INTEGER
from msp_desktop.bundles.errors import ReceiptRejected
from msp_desktop.bundles.manifest import (
    DeviceId,
    FormatVersion,
    KeyId,
    Sha256,
    StrictModel,
    UtcTime,
    format_time,
)
from msp_desktop.bundles.signed import open_signed, seal_signed

__all__ = [
    "PACK_RECEIPT_SUFFIX",
    "PackReceipt",
    "PackReceiptRejected",
    "make_pack_receipt",
    "pack_receipt_name",
    "read_pack_receipt",
]

PACK_RECEIPT_SUFFIX = ".pack-receipt.json"


class PackReceiptRejected(ReceiptRejected):
    """A pack receipt that is damaged, altered, or not signed by the device's enrolled key."""


class PackReceipt(StrictModel):
    """What the device says of one pack it applied."""

    format_version: FormatVersion
    device_id: DeviceId
    key_id: KeyId
    sequence: Annotated[int, Field(ge=1, le=MAX_SAFE_INTEGER)]
    pack_sha256: Sha256
    applied: UtcTime
    kept_aside: Annotated[int, Field(ge=0, le=MAX_SAFE_INTEGER)]
    """Office revisions the device kept beside records the worker had changed."""

    def trusted_comment(self) -> str:
        """The trusted comment of the receipt's signature."""
        return (
            f"msp-pack-receipt:1 device:{self.device_id} sequence:{self.sequence} "
            f"pack:{self.pack_sha256}"
        )


def pack_receipt_name(device_id: str, sequence: int) -> str:
    """``<device>-pack-000001.pack-receipt.json``."""
    return f"{device_id}-pack-{sequence:06d}{PACK_RECEIPT_SUFFIX}"


def make_pack_receipt(
    *,
    device_id: str,
    device_key: minisign.KeyPair,
    sequence: int,
    pack_sha256: str,
    kept_aside: int,
    applied: datetime | None = None,
) -> bytes:
    """The device's signed receipt for the pack it applied."""
    body = PackReceipt(
        format_version=1,
        device_id=device_id,
        key_id=device_key.key_id,
        sequence=sequence,
        pack_sha256=pack_sha256,
        applied=format_time(applied or datetime.now(UTC)),
        kept_aside=kept_aside,
    )
    return seal_signed(
        "pack_receipt",
        body,
        device_key,
        body.trusted_comment(),
        f"MSP pack receipt from {device_id}",
    )


def read_pack_receipt(
    data: bytes, device_key: Callable[[PackReceipt], minisign.PublicKey]
) -> PackReceipt:
    """Check a pack receipt: ``device_key`` gives the key the office enrolled for the
    body's device and key id (and raises ``PackReceiptRejected`` when there is none)."""
    return open_signed(
        data,
        kind="pack_receipt",
        model=PackReceipt,
        what="The pack receipt",
        error=PackReceiptRejected,
        public_key=device_key,
        trusted_comment=PackReceipt.trusted_comment,
    )
