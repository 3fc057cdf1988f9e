"""Receipts: the office's signed word that it received (and imported) a bundle.

A receipt names the bundle by the SHA-256 of its bytes, so the device can match it to
what it sent, and is signed with the office's Ed25519 key in the same minisign format
as bundles. The device marks records acknowledged only on a receipt that verifies
(S25). The file is canonical JSON:
``{"receipt": {...fields...}, "signature": "<minisign signature file text>"}``, the
signature covering the RFC 8785 bytes of the ``receipt`` object.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from msp_desktop.bundles import minisign
from msp_desktop.bundles.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    is_canonical,
    parse_json_strict,
)
from msp_desktop.bundles.errors import BundleRejected, ReceiptRejected
from msp_desktop.bundles.manifest import (
    DeviceId,
    KeyId,
    Manifest,
    Sha256,
    StrictModel,
    UtcTime,
    format_time,
)

__all__ = ["Receipt", "ReceiptStatus", "make_receipt", "verify_receipt"]

ReceiptStatus = Literal["imported", "already-imported"]
_MAX_RECEIPT_BYTES = 64 * 1024


class Receipt(StrictModel):
    """What the office signs for one bundle."""

    format_version: Literal[1]
    bundle_id: Annotated[str, Field(pattern=r"^[0-9a-f-]{36}$")]
    bundle_sha256: Sha256
    device_id: DeviceId
    sequence: Annotated[int, Field(ge=1, le=MAX_SAFE_INTEGER)]
    office_key_id: KeyId
    received: UtcTime
    status: ReceiptStatus

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
) -> bytes:
    """The signed receipt file for the bundle with ``bundle_sha256`` and ``manifest``."""
    receipt = Receipt(
        format_version=1,
        bundle_id=manifest.bundle_id,
        bundle_sha256=bundle_sha256,
        device_id=manifest.device_id,
        sequence=manifest.sequence,
        office_key_id=office_key.key_id,
        received=format_time(received or datetime.now(UTC)),
        status=status,
    )
    body = receipt.model_dump(mode="json")
    signature = office_key.sign(
        canonical_json(body),
        receipt.trusted_comment(),
        untrusted_comment=f"MSP receipt for bundle {receipt.bundle_id}",
    )
    return canonical_json({"receipt": body, "signature": signature})


def verify_receipt(
    data: bytes, office_key: minisign.PublicKey, *, bundle_sha256: str | None = None
) -> Receipt:
    """Check a receipt file against the office's public key (and the bundle's hash).

    Raises ``ReceiptRejected`` with the reason for anything else.
    """
    try:
        return _verify(data, office_key, bundle_sha256)
    except ReceiptRejected:
        raise
    except BundleRejected as exc:  # JSON or signature problems, restated as a receipt's
        raise ReceiptRejected(f"The receipt was refused: {exc.message}") from None


def _verify(data: bytes, office_key: minisign.PublicKey, bundle_sha256: str | None) -> Receipt:
    if len(data) > _MAX_RECEIPT_BYTES:
        raise ReceiptRejected("The receipt is larger than any receipt can be.")
    document = parse_json_strict(data, what="The receipt")
    if (
        not isinstance(document, dict)
        or set(document) != {"receipt", "signature"}
        or not isinstance(document["receipt"], dict)
        or not isinstance(document["signature"], str)
    ):
        raise ReceiptRejected("The file is not an MSP receipt.")
    if not is_canonical(data, document):
        raise ReceiptRejected("The receipt is not in canonical JSON (RFC 8785) form.")
    body = document["receipt"]
    trusted_comment = minisign.verify(canonical_json(body), document["signature"], office_key)
    try:
        receipt = Receipt.model_validate(body, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "receipt"
        raise ReceiptRejected(f"The receipt is not valid: {where}: {first['msg']}.") from None
    if trusted_comment != receipt.trusted_comment():
        raise ReceiptRejected("The receipt's trusted comment does not match the receipt.")
    if receipt.office_key_id != office_key.key_id:
        raise ReceiptRejected("The receipt names a different office key from its signer.")
    if bundle_sha256 is not None and receipt.bundle_sha256 != bundle_sha256:
        raise ReceiptRejected("The receipt is for a different bundle.")
    return receipt
