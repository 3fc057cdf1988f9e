"""Office packs: what the office sends one device (docs/bundle-format.md §9).

A pack is a bundle turned round: an age file sealed to the **device's** pack recipient
(an X25519 key the device adds to its enrolment), holding a ustar archive with a
canonical manifest signed by the **office** key, ``changes.json`` (what the device is
to do, in order) and the record envelopes those changes carry. The same layers and
the same strictness as bundles (``archive``, ``canonical``, ``minisign``, ``age``),
with these differences:

- the manifest names the office (``office_id``, ``office_key_id``) and the device it
  is for, and numbers the device's packs: ``sequence`` 1, 2, 3, …, each naming the
  hash of the one before (``previous_pack_sha256``);
- the trusted comment is ``msp-pack:1 pack:<pack_id> device:<device_id> sequence:<n>``;
- ``changes.json`` lists the changes; every record file is named by exactly one change
  and every change that carries a record has its file.

``open_pack`` makes every check that needs nothing but the pack, the device's identity,
the office key and the device id. Sequence, replay and rollback need the device's own
record of the packs it applied, and belong to the device's store.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import Field, StringConstraints, ValidationError, model_validator

from msp_desktop.bundles import age, minisign
from msp_desktop.bundles.archive import DEFAULT_LIMITS, Limits
from msp_desktop.bundles.bundle import listed_files, seal_archive, sha256_hex, unseal_archive
from msp_desktop.bundles.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    is_canonical,
    parse_json_strict,
)
from msp_desktop.bundles.errors import (
    ArchiveRejected,
    ContentRejected,
    DecryptionRejected,
    ManifestRejected,
    SignatureRejected,
)
from msp_desktop.bundles.manifest import (
    Count,
    DeviceId,
    KeyId,
    Sha256,
    StrictModel,
    UtcTime,
    format_time,
)
from msp_desktop.bundles.records import RecordEnvelope, RecordKind, parse_record_file

__all__ = [
    "CHANGES_NAME",
    "PACK_FORMAT_VERSION",
    "Change",
    "PackChanges",
    "PackManifest",
    "SealedPack",
    "VerifiedPack",
    "open_pack",
    "pack_file_name",
    "write_pack",
]

PACK_FORMAT_VERSION = 1
"""The office pack format this code writes and reads."""
CHANGES_NAME = "changes.json"
MAX_CHANGES = 50_000
"""Changes in one pack (a whole caseload of 10,000 people with their concerns fits)."""
_PACK_FILE = r"^(changes\.json|records/[a-z0-9][a-z0-9._-]{0,84}\.json)$"
_UUID4 = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
_RECORD_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"
PackVersion = Annotated[int, Field(strict=True, ge=1, le=PACK_FORMAT_VERSION)]
OfficeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
RecordId = Annotated[str, StringConstraints(pattern=_RECORD_ID)]
Revision = Annotated[int, Field(ge=1, le=999_999_999)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]


def pack_file_name(device_id: str, sequence: int, pack_id: str) -> str:
    """``<device>-pack-000001-<pack id>.msppack``: a convenience; readers go by content."""
    return f"{device_id}-pack-{sequence:06d}-{pack_id}.msppack"


class PackFile(StrictModel):
    """One file of the pack besides the manifest and its signature."""

    name: Annotated[str, StringConstraints(pattern=_PACK_FILE)]
    size: Count
    sha256: Sha256


class PackManifest(StrictModel):
    """The signed description of one office pack."""

    format_version: PackVersion
    pack_id: Annotated[str, StringConstraints(pattern=_UUID4)]
    office_id: OfficeId
    office_key_id: KeyId
    device_id: DeviceId
    sequence: Annotated[int, Field(ge=1, le=MAX_SAFE_INTEGER)]
    previous_pack_sha256: Sha256 | None
    created: UtcTime
    recipient_key_id: KeyId
    files: list[PackFile] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.sequence == 1) != (self.previous_pack_sha256 is None):
            raise ValueError("only the first pack (sequence 1) has no previous pack hash")
        names = [entry.name for entry in self.files]
        if any(a >= b for a, b in itertools.pairwise(names)):
            raise ValueError("files must be sorted by name, without duplicates")
        if CHANGES_NAME not in names:
            raise ValueError(f"files must include {CHANGES_NAME}")
        return self

    def to_bytes(self) -> bytes:
        """The canonical (RFC 8785) bytes that are signed and stored as manifest.json."""
        return canonical_json(self.model_dump(mode="json"))

    def trusted_comment(self) -> str:
        """The trusted comment of the manifest's signature (binds the pack's identity)."""
        return (
            f"msp-pack:{self.format_version} pack:{self.pack_id} "
            f"device:{self.device_id} sequence:{self.sequence}"
        )


class Change(StrictModel):
    """One thing the device is to do, in the order the pack lists them.

    - ``allocate``: the record is the device's now; take this revision of it.
    - ``correct``: the office made a new revision of one of the device's records
      (``reason`` says why); take it unless the worker changed the record since.
    - ``shared``: a record of a colleague's case the office shares with this device
      (the person, their concerns, finalised visits, agreed actions, contact notes), to
      read, never to change or send.
    - ``remove``: the person (``kind`` is ``person``) was given to another device; let
      them and their records go once the office holds everything of theirs.
    - ``decision``: the office resolved a conflict on the record: ``keep`` ``current``
      (the office's revision stands; ``revision`` is it, and its file is in the pack) or
      ``incoming`` (the device's revision was taken; no file).
    """

    change: Literal["allocate", "correct", "shared", "remove", "decision"]
    kind: RecordKind
    id: RecordId
    revision: Revision | None = None
    reason: Reason | None = None
    keep: Literal["current", "incoming"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _absent_not_null(cls, data: Any) -> Any:
        # Optional fields are left out, never null: one shape, one set of bytes.
        if isinstance(data, dict) and any(value is None for value in data.values()):
            raise ValueError("a change leaves out what does not apply (never null)")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        carries = self.carries_record
        if carries and self.revision is None:
            raise ValueError(f"a {self.change} change names the revision it carries")
        if not carries and self.revision is not None and self.change != "decision":
            raise ValueError(f"a {self.change} change carries no revision")
        if self.change == "remove" and self.kind != "person":
            raise ValueError("a remove change names a person")
        if (self.change == "decision") != (self.keep is not None):
            raise ValueError("keep belongs to a decision, and a decision says what it keeps")
        if self.change in ("correct", "decision") and self.reason is None:
            raise ValueError(f"a {self.change} change says why")
        return self

    @property
    def carries_record(self) -> bool:
        """Whether the pack holds a record file for this change."""
        return self.change in ("allocate", "correct", "shared") or self.keep == "current"


class PackChanges(StrictModel):
    """``changes.json``."""

    format_version: PackVersion
    changes: list[Change] = Field(min_length=1, max_length=MAX_CHANGES)

    def to_bytes(self) -> bytes:
        """Canonical JSON, each change without the fields that do not apply to it."""
        return canonical_json(self.model_dump(mode="json", exclude_none=True))


@dataclass(frozen=True)
class SealedPack:
    """A pack as written: the bytes to send, their SHA-256 and the signed manifest."""

    data: bytes
    sha256: str
    manifest: PackManifest

    @property
    def file_name(self) -> str:
        """Where to save it (``pack_file_name``)."""
        m = self.manifest
        return pack_file_name(m.device_id, m.sequence, m.pack_id)


@dataclass(frozen=True)
class VerifiedPack:
    """A pack that passed every check that needs nothing but the pack and its readers'
    keys: its changes in order, and the envelope each record-carrying change names."""

    sha256: str
    manifest: PackManifest
    changes: Sequence[Change]
    records: Mapping[tuple[str, str, int], RecordEnvelope]
    """``(kind, id, revision) -> envelope`` of every record the pack carries."""


def write_pack(
    changes: Sequence[Change],
    records: Sequence[RecordEnvelope],
    *,
    office_id: str,
    device_id: str,
    sequence: int,
    previous_pack_sha256: str | None,
    office_key: minisign.KeyPair,
    recipient: age.AgeRecipient,
    pack_id: str | None = None,
    created: datetime | None = None,
) -> SealedPack:
    """Seal ``changes`` and the ``records`` they carry into a pack for ``device_id``.

    Raises ``pydantic.ValidationError`` (or ``ContentRejected``) for what a device would
    refuse: the office never writes a pack the device cannot take.
    """
    files = {CHANGES_NAME: PackChanges(format_version=1, changes=list(changes)).to_bytes()}
    files |= {envelope.file_name: envelope.to_bytes() for envelope in records}
    _check_changes(list(changes), {n: c for n, c in files.items() if n != CHANGES_NAME})
    manifest = PackManifest(
        format_version=PACK_FORMAT_VERSION,
        pack_id=pack_id or str(uuid.uuid4()),
        office_id=office_id,
        office_key_id=office_key.key_id,
        device_id=device_id,
        sequence=sequence,
        previous_pack_sha256=previous_pack_sha256,
        created=format_time(created or datetime.now(UTC)),
        recipient_key_id=recipient.key_id,
        files=[
            PackFile(name=n, size=len(files[n]), sha256=sha256_hex(files[n])) for n in sorted(files)
        ],
    )
    data = seal_archive(
        manifest.to_bytes(),
        manifest.trusted_comment(),
        f"MSP office pack {manifest.pack_id} for device {device_id}",
        [(entry.name, files[entry.name]) for entry in manifest.files],
        signing_key=office_key,
        recipient=recipient,
    )
    return SealedPack(data=data, sha256=sha256_hex(data), manifest=manifest)


def open_pack(
    data: bytes,
    *,
    identity: age.AgeIdentity,
    office_key: minisign.PublicKey,
    device_id: str,
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedPack:
    """Verify a pack for the device ``device_id`` holding ``identity``, from the office
    whose signing key is ``office_key``; ``BundleRejected`` (one sentence) if it fails.

    Checks, in order: the size cap; age (sealed to this device's pack key; header
    limits as for bundles); the archive; strict JSON; the signature, by the office key
    and no other; the manifest (canonical, valid, for this device, sealed to this key,
    trusted comment matching); every listed file present and nothing else; the changes
    and the records they carry.
    """
    if len(data) > limits.max_bundle_bytes:
        raise ArchiveRejected("The office pack is larger than allowed.")
    entries, manifest_bytes, signature_bytes = unseal_archive(
        _decrypt(data, identity), limits, what="The office pack", file_what="The pack file"
    )
    comment = _check_signature(manifest_bytes, signature_bytes, office_key)
    manifest = _check_manifest(manifest_bytes, office_key, identity.recipient, device_id, comment)
    files = _listed_files(manifest, entries)
    changes_bytes = files.pop(CHANGES_NAME)
    try:
        changes = PackChanges.model_validate_json(changes_bytes, strict=True).changes
    except ValidationError as exc:
        raise ContentRejected(f"The office pack's changes are not valid: {_first(exc)}.") from None
    if not is_canonical(changes_bytes, parse_json_strict(changes_bytes, what="The changes")):
        raise ContentRejected("The office pack's changes are not in canonical JSON form.")
    records = _check_changes(changes, files)
    return VerifiedPack(
        sha256=sha256_hex(data), manifest=manifest, changes=changes, records=records
    )


def _decrypt(data: bytes, identity: age.AgeIdentity) -> bytes:
    try:
        return age.decrypt(data, identity)
    except DecryptionRejected as exc:
        # age's sentences speak of a bundle and the office inbox: say them of a pack.
        message = exc.message.replace(
            "not encrypted to this office's inbox key",
            "not sealed to this device's pack key: it is for another device or workspace",
        )
        raise DecryptionRejected(message.replace("The bundle", "The office pack")) from None


def _first(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "file"
    return f"{where}: {first['msg']}"


def _check_signature(
    manifest_bytes: bytes, signature_bytes: bytes, office_key: minisign.PublicKey
) -> str:
    try:
        signature_text = signature_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureRejected("The pack's signature is not a minisign signature.") from None
    key_id = minisign.parse_signature(signature_text).key_id
    if key_id != office_key.key_id:
        raise SignatureRejected(
            f"The office pack is signed by key {key_id}, not by the office key "
            f"{office_key.key_id} this workspace trusts."
        )
    return minisign.verify(manifest_bytes, signature_text, office_key)


def _check_manifest(
    manifest_bytes: bytes,
    office_key: minisign.PublicKey,
    recipient: age.AgeRecipient,
    device_id: str,
    trusted_comment: str,
) -> PackManifest:
    if not is_canonical(manifest_bytes, parse_json_strict(manifest_bytes, what="The manifest")):
        raise ManifestRejected("The pack's manifest is not in canonical JSON (RFC 8785) form.")
    try:
        manifest = PackManifest.model_validate_json(manifest_bytes, strict=True)
    except ValidationError as exc:
        raise ManifestRejected(f"The pack's manifest is not valid: {_first(exc)}.") from None
    if manifest.office_key_id != office_key.key_id:
        raise ManifestRejected(
            "The pack's manifest names another office key than the one that signed it."
        )
    if manifest.device_id != device_id:
        raise ManifestRejected(
            f"The office pack is for device {manifest.device_id}, not this device ({device_id})."
        )
    if manifest.recipient_key_id != recipient.key_id:
        raise ManifestRejected("The office pack was sealed for another key of this device.")
    if trusted_comment != manifest.trusted_comment():
        raise ManifestRejected("The pack's trusted comment does not match its manifest.")
    return manifest


def _listed_files(manifest: PackManifest, entries: Mapping[str, bytes]) -> dict[str, bytes]:
    listed = [(entry.name, entry.size, entry.sha256) for entry in manifest.files]
    return listed_files(listed, entries, what="The office pack", the_manifest="the pack's manifest")


def _check_changes(
    changes: Sequence[Change], files: Mapping[str, bytes]
) -> dict[tuple[str, str, int], RecordEnvelope]:
    """Every record file is carried by exactly one change and every change's record is
    there; the envelopes themselves parse (canonical, hash matching, name matching)."""
    records: dict[tuple[str, str, int], RecordEnvelope] = {}
    for name, content in files.items():
        envelope = parse_record_file(name, content)
        records[(envelope.kind, envelope.id, envelope.revision)] = envelope
    carried: set[tuple[str, str, int]] = set()
    for number, change in enumerate(changes, start=1):
        if not change.carries_record:
            continue
        assert change.revision is not None  # a record-carrying change names its revision
        key = (change.kind, change.id, change.revision)
        if key not in records:
            raise ContentRejected(
                f"Change {number} ({change.change} {change.kind} {change.id} revision "
                f"{change.revision}) names a record the office pack does not hold."
            )
        if key in carried:
            raise ContentRejected(f"Change {number} carries a record another change carries.")
        carried.add(key)
    extra = sorted(set(records) - carried)
    if extra:
        kind, record_id, revision = extra[0]
        raise ContentRejected(
            f"The office pack holds {kind} {record_id} revision {revision}, which no change names."
        )
    return records
