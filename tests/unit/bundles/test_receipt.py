"""Signed receipts coming back from the office."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from msp_desktop.bundles import (
    KeyPair,
    ReceiptRejected,
    SealedBundle,
    canonical_json,
    make_receipt,
    verify_receipt,
)
from tests.tools import require_tools

OFFICE = KeyPair.generate()
RECEIVED = datetime(2025, 3, 15, 8, 0, 0, tzinfo=UTC)


def _receipt(sealed: SealedBundle, **changes: object) -> bytes:
    return make_receipt(
        bundle_sha256=sealed.sha256,
        manifest=sealed.manifest,
        office_key=OFFICE,
        received=RECEIVED,
        **changes,  # type: ignore[arg-type]
    )


def test_round_trip(sealed: SealedBundle) -> None:
    receipt = verify_receipt(_receipt(sealed), OFFICE.public_key, bundle_sha256=sealed.sha256)
    assert receipt.bundle_id == sealed.manifest.bundle_id
    assert receipt.sequence == 1
    assert receipt.status == "imported"
    assert receipt.received == "2025-03-15T08:00:00Z"
    assert receipt.office_key_id == OFFICE.key_id


def _edit(data: bytes, **changes: object) -> bytes:
    document = json.loads(data)
    document["receipt"].update(changes)
    return canonical_json(document)


def _resign(data: bytes, **changes: object) -> bytes:
    document = json.loads(data)
    document["receipt"].update(changes)
    body = document["receipt"]
    comment = f"msp-receipt:1 bundle_sha256:{body['bundle_sha256']}"
    document["signature"] = OFFICE.sign(canonical_json(body), comment)
    return canonical_json(document)


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda d: _edit(d, sequence=2), "does not match the signed data"),
        (lambda d: _edit(d, status="already-imported"), "does not match the signed data"),
        (lambda d: d.replace(b'{"receipt"', b'{ "receipt"'), "canonical"),
        (lambda d: d[:-1] + b',"receipt":{}}', "repeats the JSON key"),
        (lambda d: b"[]", "not an MSP receipt"),
        (lambda d: b"\xff", "UTF-8"),
        (lambda d: b" " * 70_000, "larger"),
        (lambda d: _resign(d, status="lost"), "status"),
        (lambda d: _resign(d, bundle_sha256="b" * 64), "different bundle"),
        (lambda d: _resign(d, office_key_id="0" * 16), "different office key"),
    ],
)
def test_tampered_receipts_are_rejected(sealed: SealedBundle, tamper, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReceiptRejected, match=reason):
        verify_receipt(tamper(_receipt(sealed)), OFFICE.public_key, bundle_sha256=sealed.sha256)


def test_receipt_signed_by_another_key_is_rejected(sealed: SealedBundle) -> None:
    with pytest.raises(ReceiptRejected, match="made by key"):
        verify_receipt(_receipt(sealed), KeyPair.generate().public_key)


def test_stock_minisign_verifies_a_receipt(sealed: SealedBundle, tmp_path: Path) -> None:
    require_tools("minisign", "jq", package="minisign jq")
    path = tmp_path / "receipt.json"
    path.write_bytes(_receipt(sealed))
    # The documented hand check: the receipt object in canonical form, and its signature.
    body = subprocess.run(["jq", "-jcS", ".receipt", path], capture_output=True, check=True).stdout
    (tmp_path / "body.json").write_bytes(body)
    signature = subprocess.run(["jq", "-j", ".signature", path], capture_output=True, check=True)
    (tmp_path / "body.json.minisig").write_bytes(signature.stdout)
    done = subprocess.run(
        ["minisign", "-Vm", tmp_path / "body.json", "-P", OFFICE.public_key.line()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"bundle_sha256:{sealed.sha256}" in done.stdout
