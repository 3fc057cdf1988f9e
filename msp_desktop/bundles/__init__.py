"""Signed, encrypted record bundles (device -> office) and signed receipts (office -> device).

The format is specified in ``docs/bundle-format.md`` so an office can implement a
reader without this code and check a bundle with the stock ``age`` and ``minisign``
tools. This package is pure: bytes in, bytes out, no files, no database, no Qt.
"""

from __future__ import annotations

from msp_desktop.bundles.age import AgeIdentity, AgeRecipient, recipient_key_id
from msp_desktop.bundles.archive import DEFAULT_LIMITS, Limits
from msp_desktop.bundles.bundle import SealedBundle, VerifiedBundle, open_bundle, write_bundle
from msp_desktop.bundles.canonical import canonical_json, parse_json_strict
from msp_desktop.bundles.errors import (
    ArchiveRejected,
    BundleRejected,
    ContentRejected,
    DecryptionRejected,
    JsonRejected,
    ManifestRejected,
    ReceiptRejected,
    SignatureRejected,
)
from msp_desktop.bundles.manifest import (
    FILE_NAME_PATTERN,
    FORMAT_VERSION,
    FORMAT_VERSIONS,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    FileEntry,
    Manifest,
)
from msp_desktop.bundles.minisign import KeyPair, PublicKey
from msp_desktop.bundles.receipt import Receipt, ReceiptConflict, make_receipt, verify_receipt

__all__ = [
    "DEFAULT_LIMITS",
    "FILE_NAME_PATTERN",
    "FORMAT_VERSION",
    "FORMAT_VERSIONS",
    "MANIFEST_NAME",
    "SIGNATURE_NAME",
    "AgeIdentity",
    "AgeRecipient",
    "ArchiveRejected",
    "BundleRejected",
    "ContentRejected",
    "DecryptionRejected",
    "FileEntry",
    "JsonRejected",
    "KeyPair",
    "Limits",
    "Manifest",
    "ManifestRejected",
    "PublicKey",
    "Receipt",
    "ReceiptConflict",
    "ReceiptRejected",
    "SealedBundle",
    "SignatureRejected",
    "VerifiedBundle",
    "canonical_json",
    "make_receipt",
    "open_bundle",
    "parse_json_strict",
    "recipient_key_id",
    "verify_receipt",
    "write_bundle",
]
