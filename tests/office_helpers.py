"""A fictional device for office tests: its key, enrolment and a run of valid bundles.

Bundles carry real record envelopes (a person, a concern, a visit, from
``tests.builders``) and an audit batch chained from 64 zeros with
``audit_entry_hash``, sealed with ``write_bundle`` exactly as the device will.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from msp_desktop.bundles import (
    FORMAT_VERSION,
    AgeIdentity,
    AgeRecipient,
    KeyPair,
    SealedBundle,
    write_bundle,
)
from msp_desktop.bundles.provisioning import make_enrolment
from msp_desktop.bundles.records import (
    AuditBatch,
    AuditItem,
    RecordEnvelope,
    RecordKind,
    audit_entry_hash,
)
from msp_desktop.bundles.rotation import RotationLink, make_link
from msp_desktop.model import AgreedAction, Concern, ContactNote, Person, Visit
from tests import builders

CREATED = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
SAVED_AT = "2026-11-20T10:00:00Z"
GENESIS = "0" * 64


def envelope(
    kind: RecordKind,
    record: Person | Concern | Visit | AgreedAction | ContactNote,
    revision: int = 1,
    **extra: Any,
) -> RecordEnvelope:
    """The envelope of one record revision, as the device export writes it."""
    return RecordEnvelope.wrap(
        kind,
        revision,
        record.model_dump(mode="json"),
        saved_at=SAVED_AT,
        saved_by="Test Worker",
        **extra,
    )


@dataclass(frozen=True)
class Caseload:
    """One fictional person with a concern and a finalised visit."""

    person: Person
    concern: Concern
    visit: Visit

    def envelopes(self) -> list[RecordEnvelope]:
        """Revision 1 of each."""
        return [
            envelope("person", self.person),
            envelope("concern", self.concern),
            envelope("visit", self.visit),
        ]


def caseload(name: str = "Ada Example") -> Caseload:
    """A fresh fictional person, concern and complete visit."""
    person = builders.person(name)
    concern = builders.concern(person)
    return Caseload(person, concern, builders.complete_visit(concern))


@dataclass
class FakeDevice:
    """A device as the office sees it: a key, a sequence of bundles, an audit chain.

    ``format_version`` is the bundle format it writes (1: a device not yet updated; its
    envelopes must then be made with ``format_version=1`` too)."""

    device_id: str = "laptop-7"
    worker: str = "Test Worker"
    key: KeyPair = field(default_factory=KeyPair.generate)
    sequence: int = 0
    last_sha256: str | None = None
    audit: list[AuditItem] = field(default_factory=list)
    format_version: int = FORMAT_VERSION
    rotations: list[RotationLink] = field(default_factory=list)
    pack: AgeIdentity | None = field(default_factory=AgeIdentity.generate)
    """The key office packs for it are sealed to (None: a device from before packs)."""

    def enrolment(self) -> bytes:
        """The signed enrolment file for ``msp-office devices add`` (with the rotations
        that led to its key, as ``msp enrol --new-key`` writes them)."""
        return make_enrolment(
            device_id=self.device_id,
            worker=self.worker,
            device_key=self.key,
            created=CREATED,
            rotations=self.rotations,
            pack_recipient=self.pack.recipient if self.pack else None,
        )

    def rotated(self) -> FakeDevice:
        """The same device with a new key (and pack key), the change signed by the old
        key and the new."""
        new = KeyPair.generate()
        link = make_link(self.device_id, self.key, new, CREATED)
        return FakeDevice(self.device_id, self.worker, new, rotations=[*self.rotations, link])

    def audit_entries(self, count: int, *, actor: str | None = None) -> list[AuditItem]:
        """``count`` new entries continuing this device's chain (not yet recorded)."""
        items: list[AuditItem] = []
        prev = self.audit[-1].hash if self.audit else GENESIS
        seq = self.audit[-1].seq if self.audit else 0
        for _ in range(count):
            seq += 1
            detail: dict[str, Any] = {"note": f"entry {seq}"}
            fields = (seq, "2026-11-20T10:00:00Z", actor or self.worker, "finalise", "visit",
                      f"entity-{seq}", 1, detail, prev)  # fmt: skip
            # Not validated here, so tests can also build entries the office must refuse.
            item = AuditItem.model_construct(
                seq=seq, at=fields[1], actor=fields[2], action=fields[3], entity=fields[4],
                entity_id=fields[5], revision=1, detail=detail, prev_hash=prev,
                hash=audit_entry_hash(*fields),
            )  # fmt: skip
            items.append(item)
            prev = item.hash
        return items

    def files(
        self, records: Sequence[RecordEnvelope], audit: Sequence[AuditItem]
    ) -> dict[str, bytes]:
        """Bundle files for these envelopes and audit entries."""
        files = {e.file_name: e.to_bytes() for e in records}
        if audit:
            batch = AuditBatch.model_construct(  # unvalidated, as the entries above
                format_version=self.format_version, device_id=self.device_id, entries=list(audit)
            )
            files[batch.file_name] = batch.to_bytes()
        return files

    def bundle(
        self,
        recipient: AgeRecipient,
        records: Sequence[RecordEnvelope] = (),
        *,
        audit: int = 2,
        files: dict[str, bytes] | None = None,
        sequence: int | None = None,
        previous: str | None = "auto",
        advance: bool = True,
        bundle_id: str | None = None,
    ) -> SealedBundle:
        """The device's next bundle (or one at ``sequence``), advancing its state if asked."""
        entries = self.audit_entries(audit)
        if files is None:
            files = self.files(records, entries)
        sequence = sequence or self.sequence + 1
        if previous == "auto":
            previous = self.last_sha256 if sequence == self.sequence + 1 else None
        if sequence > 1 and previous is None:
            previous = hashlib.sha256(b"a bundle the office never saw").hexdigest()
        sealed = write_bundle(
            files,
            device_id=self.device_id,
            worker=self.worker,
            sequence=sequence,
            previous_bundle_sha256=previous if sequence > 1 else None,
            signing_key=self.key,
            recipient=recipient,
            bundle_id=bundle_id,
            created=CREATED,
            format_version=self.format_version,
        )
        if advance:
            self.sequence = sequence
            self.last_sha256 = sealed.sha256
            self.audit.extend(entries)
        return sealed


def office_command() -> list[str]:
    """The installed ``msp-office`` console script beside this Python, else the module."""
    script = Path(sys.executable).parent / "msp-office"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "msp_desktop.office.cli.main"]
