"""What a bundle carries besides its manifest: record envelopes and audit batches.

``records/<kind>.<id>.r<revision>.json`` holds one record revision in an envelope:

- ``kind``: ``person``, ``concern``, ``visit``, and from format version 2 ``action``
  (an agreed action) and ``contact`` (a contact note); ``id`` and ``revision``: which one;
- ``saved_at``/``saved_by``: when and by whom this revision was fixed (for a visit,
  when it was finalised; for the other kinds, when the snapshot was taken);
- ``reason``: why a visit was amended (``null`` for a first revision and for the
  other kinds);
- ``record_sha256``: SHA-256 of the canonical JSON of ``record``, so the office can
  spot two different contents claiming the same revision;
- ``record``: the record itself, valid against ``<kind>.schema.json`` (``msp schema``).

Visits are revisioned by the device (each amendment is a new revision). People,
concerns, actions and contacts are kept as their current state on the device, so the
device numbers the snapshots it sends: revision n+1 is sent only when the content
differs from revision n.

``audit/entries.<first seq>-<last seq>.json`` holds the device's audit entries added
since the previous bundle, in order, so the office can check the hash chain continues.

Every file of a bundle has the manifest's ``format_version``; a version 1 bundle (from
a device not yet updated) carries only people, concerns and visits.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import Field, JsonValue, StringConstraints, ValidationError, model_validator

from msp_desktop.bundles.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    is_canonical,
    parse_json_strict,
)
from msp_desktop.bundles.errors import ContentRejected
from msp_desktop.bundles.manifest import (
    FORMAT_VERSION,
    BundleFormatVersion,
    DeviceId,
    Sha256,
    StrictModel,
    UtcTime,
)

__all__ = [
    "KINDS_SINCE",
    "AuditBatch",
    "AuditItem",
    "RecordEnvelope",
    "RecordKind",
    "audit_entry_hash",
    "audit_file_name",
    "parse_audit_file",
    "parse_record_file",
    "record_file_name",
]

RecordKind = Literal["person", "concern", "visit", "action", "contact"]
KINDS_SINCE: dict[str, int] = {"person": 1, "concern": 1, "visit": 1, "action": 2, "contact": 2}
"""The format version that brought each record kind."""
_RECORD_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"
_RECORD_NAME = re.compile(
    r"^records/(person|concern|visit|action|contact)\.([a-z0-9][a-z0-9-]{0,63})"
    r"\.r([1-9][0-9]{0,8})\.json$"
)
_AUDIT_NAME = re.compile(r"^audit/entries\.([1-9][0-9]{0,15})-([1-9][0-9]{0,15})\.json$")
# Nine digits in the file name: far beyond any record's amendments.
Revision = Annotated[int, Field(ge=1, le=999_999_999)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]
M = TypeVar("M", bound=StrictModel)


def record_file_name(kind: str, record_id: str, revision: int) -> str:
    """``records/<kind>.<id>.r<revision>.json``."""
    return f"records/{kind}.{record_id}.r{revision}.json"


def audit_file_name(first_seq: int, last_seq: int) -> str:
    """``audit/entries.<first>-<last>.json``."""
    return f"audit/entries.{first_seq}-{last_seq}.json"


def audit_entry_hash(
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    revision: int | None,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """The hash chaining one audit entry to the previous one.

    SHA-256 (hex) of the UTF-8 of ``json.dumps([seq, at, actor, action, entity,
    entity_id, revision, detail, prev_hash], sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)``. The device's first entry has ``prev_hash`` of 64 zeros.
    """
    text = json.dumps(
        [seq, at, actor, action, entity, entity_id, revision, detail, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_sha256(record: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON."""
    return hashlib.sha256(canonical_json(record)).hexdigest()


class RecordEnvelope(StrictModel):
    """One record revision as it travels."""

    format_version: BundleFormatVersion
    kind: RecordKind
    id: Annotated[str, StringConstraints(pattern=_RECORD_ID)]
    revision: Revision
    saved_at: UtcTime
    saved_by: Text
    reason: Annotated[str, StringConstraints(min_length=1, max_length=10_000)] | None
    record_sha256: Sha256
    record: dict[str, JsonValue]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if KINDS_SINCE[self.kind] > self.format_version:
            raise ValueError(
                f"a format version {self.format_version} envelope cannot carry the record "
                f"kind {self.kind!r}, which came with version {KINDS_SINCE[self.kind]}"
            )
        if self.record.get("id") != self.id:
            raise ValueError("the record's id is not the envelope's id")
        if record_sha256(self.record) != self.record_sha256:
            raise ValueError("record_sha256 is not the hash of the record")
        return self

    @classmethod
    def wrap(
        cls,
        kind: RecordKind,
        revision: int,
        record: dict[str, Any],
        *,
        saved_at: str,
        saved_by: str,
        reason: str | None = None,
        format_version: int = FORMAT_VERSION,
    ) -> RecordEnvelope:
        """The envelope for ``record`` (its id is taken from the record), in the format
        version this code writes unless ``format_version`` says otherwise."""
        return cls(
            format_version=format_version,
            kind=kind,
            id=str(record["id"]),
            revision=revision,
            saved_at=saved_at,
            saved_by=saved_by,
            reason=reason,
            record_sha256=record_sha256(record),
            record=record,
        )

    @property
    def file_name(self) -> str:
        """Where this envelope lives inside a bundle."""
        return record_file_name(self.kind, self.id, self.revision)

    def to_bytes(self) -> bytes:
        """Canonical JSON of the envelope."""
        return canonical_json(self.model_dump(mode="json"))


class AuditItem(StrictModel):
    """One device audit entry (see ``msp_desktop.store.audit`` for the hash rule)."""

    seq: Annotated[int, Field(ge=1, le=MAX_SAFE_INTEGER)]
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    revision: Annotated[int, Field(ge=0, le=MAX_SAFE_INTEGER)] | None
    detail: dict[str, JsonValue]
    prev_hash: str
    hash: Sha256

    @model_validator(mode="after")
    def _no_nul(self) -> Self:
        # No device writes U+0000, and databases differ on storing it (PostgreSQL
        # text cannot): refused here, so every office behaves the same.
        texts = [self.at, self.actor, self.action, self.entity, self.entity_id, self.prev_hash]
        if any("\x00" in t for t in texts) or "\\u0000" in json.dumps(self.detail):
            raise ValueError("audit entries must not contain the character U+0000")
        return self


class AuditBatch(StrictModel):
    """The audit entries of one bundle, consecutive by ``seq``."""

    format_version: BundleFormatVersion
    device_id: DeviceId
    entries: list[AuditItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _consecutive(self) -> Self:
        seqs = [entry.seq for entry in self.entries]
        if seqs != list(range(seqs[0], seqs[0] + len(seqs))):
            raise ValueError("audit entries must be consecutive")
        for before, after in zip(self.entries, self.entries[1:], strict=False):
            if after.prev_hash != before.hash:
                raise ValueError(f"audit entry {after.seq} does not follow entry {before.seq}")
        return self

    @property
    def file_name(self) -> str:
        """Where this batch lives inside a bundle."""
        return audit_file_name(self.entries[0].seq, self.entries[-1].seq)

    def to_bytes(self) -> bytes:
        """Canonical JSON of the batch."""
        return canonical_json(self.model_dump(mode="json"))


def parse_record_file(
    name: str, content: bytes, format_version: int | None = None
) -> RecordEnvelope:
    """A record file of a verified bundle whose manifest has ``format_version``.

    ``JsonRejected`` if it is not strict JSON, ``ContentRejected`` if it is not a
    canonical, valid envelope of the record its name says, in the manifest's format
    version (when given).
    """
    match = _RECORD_NAME.fullmatch(name)
    if not match:
        raise ContentRejected(f"{name!r} is not a record file name.")
    envelope = _validate(RecordEnvelope, name, content)
    if (envelope.kind, envelope.id, envelope.revision) != (
        match[1],
        match[2],
        int(match[3]),
    ):
        raise ContentRejected(f"The record in {name!r} is not the one its name says.")
    _same_version(name, envelope.format_version, format_version)
    return envelope


def parse_audit_file(name: str, content: bytes, format_version: int | None = None) -> AuditBatch:
    """An audit file of a verified bundle whose manifest has ``format_version``
    (``JsonRejected`` or ``ContentRejected`` if not)."""
    match = _AUDIT_NAME.fullmatch(name)
    if not match:
        raise ContentRejected(f"{name!r} is not an audit file name.")
    batch = _validate(AuditBatch, name, content)
    if (batch.entries[0].seq, batch.entries[-1].seq) != (int(match[1]), int(match[2])):
        raise ContentRejected(f"The audit entries in {name!r} are not the ones its name says.")
    _same_version(name, batch.format_version, format_version)
    return batch


def _same_version(name: str, found: int, manifest: int | None) -> None:
    # One bundle, one format: a reader decides how to read it from the manifest alone.
    if manifest is not None and found != manifest:
        raise ContentRejected(
            f"{name!r} is in format version {found}, but the bundle's manifest says {manifest}."
        )


def _validate(model: type[M], name: str, content: bytes) -> M:
    value = parse_json_strict(content, what=f"The bundle file {name!r}")
    if not is_canonical(content, value):
        raise ContentRejected(f"{name!r} is not in canonical JSON (RFC 8785) form.")
    try:
        return model.model_validate(value, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "file"
        raise ContentRejected(f"{name!r} is not valid: {where}: {first['msg']}.") from None
