"""Why a bundle, signature, key or receipt was refused.

Every failure of parsing or verifying is a ``BundleRejected`` subclass carrying one
plain sentence, so the office command line and the sync page can show the reason as
it is, and the fuzz tests can assert that nothing else ever escapes (S23).
"""

from __future__ import annotations

from msp_desktop.errors import KnownError
from msp_desktop.exit_codes import ExitCode

__all__ = [
    "ArchiveRejected",
    "BundleRejected",
    "ContentRejected",
    "DecryptionRejected",
    "JsonRejected",
    "ManifestRejected",
    "ReceiptRejected",
    "SignatureRejected",
]


class BundleRejected(KnownError):
    """A bundle (or a signature, key or receipt) failed a check; nothing was imported."""

    exit_code = ExitCode.REFUSED


class DecryptionRejected(BundleRejected):
    """The bytes are not an age file this identity can open."""


class ArchiveRejected(BundleRejected):
    """The archive inside is not a safe, well-formed ustar archive within the limits."""


class JsonRejected(BundleRejected):
    """A JSON file is not strict JSON: bad UTF-8, duplicate keys, too deep, NaN, ..."""


class SignatureRejected(BundleRejected):
    """A minisign signature or public key is malformed, unknown or does not verify."""


class ManifestRejected(BundleRejected):
    """The manifest is missing, not canonical, invalid, or names another office or key."""


class ContentRejected(BundleRejected):
    """The files do not match the manifest: missing, extra, wrong size or hash."""


class ReceiptRejected(BundleRejected):
    """A receipt is malformed, not signed by the office, or for another bundle."""
