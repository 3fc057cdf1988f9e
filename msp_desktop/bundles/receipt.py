"""Receipts: the office's signed word that it received (and imported) a bundle.

A receipt names the bundle by the SHA-256 of its bytes, so the device can match it to
what it sent, and is signed with the office's Ed25519 key in the same minisign format
as bundles. The device marks records acknowledged only on a receipt that verifies
(S25). The file is canonical JSON:
``{"receipt": {...fields...}, "signature": "<minisign signature file text>"}``, the
signature covering the RFC 8785 bytes of the ``receipt`` object.

A bundle whose revisions were not all taken (a conflict: most importantly a revision
of a record that belongs to another device, which never becomes current) gets a
receipt that lists them, ``conflicts`` (at most ``MAX_RECEIPT_CONFLICTS``) and
``conflicts_total``; both are left out otherwise, so every other receipt is exactly
as before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field

from msp_desktop.bundles import minisign
from msp_desktop.bundles.canonical import MAX_SAFE_INTEGER
from msp_desktop.bundles.errors import ReceiptRejected
from msp_desktop.bundles.manifest import (
    DeviceId,
    FormatVersion,
    KeyId,
    Manifest,
    Sha256,
    StrictModel,
    UtcTime,
    format_time,
)
from msp_desktop.bundles.records import RecordKind
from msp_desktop.bundles.signed import open_signed, seal_signed

__all__ = [
    "MAX_RECEIPT_CONFLICTS",
    "Receipt",
    "ReceiptConflict",
    "ReceiptStatus",
    "make_receipt",
    "verify_receipt",
]

ReceiptStatus = Literal["imported", "already-imported"]

MAX_RECEIPT_CONFLICTS = 100
"""The most conflicts a receipt lists (``conflicts_total`` counts them all): a receipt
stays far below the 64 KiB any signed file may be."""


class ReceiptConflict(StrictModel):
    """A revision in the bundle that the office kept aside instead of taking."""

    kind: RecordKind
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    revision: Annotated[int, Field(ge=1, le=MAX_SAFE_INTEGER)]
    owner: DeviceId | None = None
    """The device the record belongs to at the office; left out when not known (a
    conflict found before records had owners), as the receipt leaves out empty fields."""
    reason: Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[ -~]+$")]


class Receipt(StrictModel):
    """What the office signs for one bundle."""

    format_version: FormatVersion
    bundle_id: Annotated[str, Field(pattern=r"^[0-9a-f-]{36}$")]
    bundle_sha256: Sha256
    device_id: DeviceId
    sequence: Annotated[int, Field(ge=1, le=MAX_SAFE_INTEGER)]
    office_key_id: KeyId
    received: UtcTime
    status: ReceiptStatus
    conflicts: (
        Annotated[list[ReceiptConflict], Field(min_length=1, max_length=MAX_RECEIPT_CONFLICTS)]
        | None
    ) = None
    conflicts_total: Annotated[int, Field(ge=1, le=MAX_SAFE_INTEGER)] | None = None

    def trusted_comment(self) -> str:
        """The trusted comment of the receipt's signature."""
        return f"msp-receipt:{self.format_version} bundle_sha256:{self.bundle_sha256}"


def make_receipt(
    *,
    bundle_sha256: str,
    manifest: Manifest,
    office_key: minisign.KeyPair,
    status: ReceiptStatus = "imported",
    received: datetime | None = None,
    conflicts: list[ReceiptConflict] | None = None,
) -> bytes:
    """The signed receipt file for the bundle with ``bundle_sha256`` and ``manifest``
    (listing the first ``MAX_RECEIPT_CONFLICTS`` of ``conflicts``, if any)."""
    receipt = Receipt(
        format_version=1,
        bundle_id=manifest.bundle_id,
        bundle_sha256=bundle_sha256,
        device_id=manifest.device_id,
        sequence=manifest.sequence,
        office_key_id=office_key.key_id,
        received=format_time(received or datetime.now(UTC)),
        status=status,
        conflicts=conflicts[:MAX_RECEIPT_CONFLICTS] if conflicts else None,
        conflicts_total=len(conflicts) if conflicts else None,
    )
    return seal_signed(
        "receipt",
        receipt,
        office_key,
        receipt.trusted_comment(),
        f"MSP receipt for bundle {receipt.bundle_id}",
        exclude_none=True,
    )


def verify_receipt(
    data: bytes, office_key: minisign.PublicKey, *, bundle_sha256: str | None = None
) -> Receipt:
    """Check a receipt file against the office's public key (and the bundle's hash).

    Raises ``ReceiptRejected`` with the reason for anything else.
    """
    receipt = open_signed(
        data,
        kind="receipt",
        model=Receipt,
        what="The receipt",
        error=ReceiptRejected,
        public_key=lambda _body: office_key,
        trusted_comment=Receipt.trusted_comment,
    )
    if receipt.office_key_id != office_key.key_id:
        raise ReceiptRejected("The receipt names a different office key from its signer.")
    if bundle_sha256 is not None and receipt.bundle_sha256 != bundle_sha256:
        raise ReceiptRejected("The receipt is for a different bundle.")
    return receipt
