"""The bundle manifest (format version 2; version 1 still read): what was sealed, by
whom, for whom.

The manifest is the one signed document of a bundle: it names the device and its key,
the office inbox it was sealed to, its place in the device's sequence of bundles, and
the size and SHA-256 of every other file. It travels as RFC 8785 canonical JSON, so
the signed bytes are exactly ``Manifest.to_bytes()`` and a reader can check that no
other serialisation was used (``docs/bundle-format.md`` lists every field).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from msp_desktop.bundles.canonical import MAX_SAFE_INTEGER, canonical_json

__all__ = [
    "FILE_NAME_PATTERN",
    "FORMAT_VERSION",
    "FORMAT_VERSIONS",
    "MANIFEST_NAME",
    "SIGNATURE_NAME",
    "FileEntry",
    "Manifest",
    "format_time",
]

FORMAT_VERSION = 2
"""The bundle format version this code writes (docs/bundle-format.md says what changed)."""
FORMAT_VERSIONS = (1, 2)
"""Every bundle format version this code reads: devices not yet updated still send 1."""
MANIFEST_NAME = "manifest.json"
# The name ``minisign -Vm manifest.json`` looks for by default.
SIGNATURE_NAME = "manifest.json.minisig"

# Fixed folders, lower case only (so no two names differ only in case on any file
# system), ending in .json, and short enough for a plain ustar name field.
FILE_NAME_PATTERN = r"^(records|audit)/[a-z0-9][a-z0-9._-]{0,84}\.json$"
_TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
_UUID4 = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
KeyId = Annotated[str, StringConstraints(pattern=r"^[0-9A-F]{16}$")]
DeviceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
UtcTime = Annotated[
    str, StringConstraints(pattern=_TIME_PATTERN), AfterValidator(lambda t: _check_time(t))
]
# Strict int: pydantic's Literal[1] would also take true (True == 1) and 1.0.
# Receipts and the key-exchange files are still at version 1 only.
FormatVersion = Annotated[int, Field(strict=True, ge=1, le=1)]
# A bundle's manifest, record envelopes and audit batches: version 1 or 2.
BundleFormatVersion = Annotated[
    int, Field(strict=True, ge=min(FORMAT_VERSIONS), le=max(FORMAT_VERSIONS))
]
Count = Annotated[int, Field(ge=0, le=MAX_SAFE_INTEGER)]


def format_time(moment: datetime) -> str:
    """``moment`` as the manifest's UTC time text: ``YYYY-MM-DDTHH:MM:SSZ``."""
    if moment.tzinfo is None:
        raise ValueError("manifest times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_time(text: str) -> str:
    # The pattern fixes the shape; this refuses impossible dates like 2025-02-30.
    datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    return text


class StrictModel(BaseModel):
    # strict: a sequence of "1" or 1.0 or true is refused, not coerced.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FileEntry(StrictModel):
    """One file of the bundle besides the manifest and its signature."""

    name: Annotated[str, StringConstraints(pattern=FILE_NAME_PATTERN)]
    size: Count
    sha256: Sha256


class Manifest(StrictModel):
    """The signed description of one bundle."""

    format_version: BundleFormatVersion
    bundle_id: Annotated[str, StringConstraints(pattern=_UUID4)]
    device_id: DeviceId
    key_id: KeyId
    worker: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    sequence: Annotated[int, Field(ge=1, le=MAX_SAFE_INTEGER)]
    previous_bundle_sha256: Sha256 | None
    created: UtcTime
    recipient_key_id: KeyId
    files: list[FileEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in self.worker):
            raise ValueError("worker must not contain control characters")
        if self.worker != self.worker.strip():
            raise ValueError("worker must not start or end with spaces")
        if (self.sequence == 1) != (self.previous_bundle_sha256 is None):
            raise ValueError("only the first bundle (sequence 1) has no previous bundle hash")
        names = [entry.name for entry in self.files]
        # Sorted, strictly: one order for the same files, and no duplicates.
        if any(a >= b for a, b in itertools.pairwise(names)):
            raise ValueError("files must be sorted by name, without duplicates")
        # The pattern already allows only lower case; kept should the pattern widen.
        if len({n.casefold() for n in names}) != len(names):
            raise ValueError("file names must not differ only in case")
        return self

    @property
    def created_at(self) -> datetime:
        """``created`` as an aware UTC datetime."""
        return datetime.strptime(self.created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)

    def to_bytes(self) -> bytes:
        """The canonical (RFC 8785) bytes that are signed and stored as manifest.json."""
        return canonical_json(self.model_dump(mode="json"))

    def trusted_comment(self) -> str:
        """The trusted comment of the manifest's signature (binds the bundle's identity)."""
        return (
            f"msp-bundle:{self.format_version} bundle:{self.bundle_id} "
            f"device:{self.device_id} sequence:{self.sequence}"
        )
