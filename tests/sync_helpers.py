"""A real office for the sync tests: its keys, its provisioning file, opening bundles and
signing receipts, all with the real age, minisign and bundle code (no mocks).

Plus small builders for a caseload on its way to the office.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from msp_desktop.bundles import (
    AgeIdentity,
    KeyPair,
    VerifiedBundle,
    make_receipt,
    open_bundle,
)
from msp_desktop.bundles.pack import Change, SealedPack, write_pack
from msp_desktop.bundles.provisioning import make_provisioning, read_enrolment
from msp_desktop.bundles.receipt import ReceiptConflict, ReceiptStatus
from msp_desktop.bundles.records import AuditBatch, RecordEnvelope, parse_audit_file
from msp_desktop.bundles.records import parse_record_file as _parse_record_file
from msp_desktop.model import Concern, ConcernStatus, Person, SG2cActionResult, Visit
from msp_desktop.services.export import export_bundles
from msp_desktop.store import Workspace
from tests import builders
from tests.conftest import snapshot

DEVICE_ID = "laptop-7"
ZERO_HASH = "0" * 64


def sha256(data: bytes) -> str:
    """Lower-case hex SHA-256, as the bundle format names bundles."""
    return hashlib.sha256(data).hexdigest()


def stored(folder: Path) -> dict[str, str]:
    """``snapshot`` of a workspace folder without SQLite's ``-shm`` file.

    The ``-shm`` file is SQLite's shared-memory WAL index: every read updates its read
    marks, it holds no record and is rebuilt from the WAL. The database, its WAL and the
    key file are compared byte for byte.
    """
    return {name: digest for name, digest in snapshot(folder).items() if not name.endswith("-shm")}


class Office:
    """The office side with real keys: an age inbox and recovery identity, and an
    Ed25519 (minisign) office key that signs the keys file and receipts."""

    def __init__(self, office_id: str = "north-1", name: str = "North Office") -> None:
        self.office_id = office_id
        self.name = name
        self.inbox = AgeIdentity.generate()
        self.recovery = AgeIdentity.generate()
        self.key = KeyPair.generate()

    def provisioning(self, *, created: datetime | None = None, **changes: Any) -> bytes:
        """The signed ``office-keys.json`` (``changes`` override an argument, e.g. inbox)."""
        arguments: dict[str, Any] = {
            "office_id": self.office_id,
            "office_name": self.name,
            "inbox": self.inbox.recipient,
            "recovery": self.recovery.recipient,
            "office_key": self.key,
            "created": created or datetime.now(UTC),
        }
        arguments.update(changes)
        return make_provisioning(**arguments)

    def open(self, data: bytes, enrolment: bytes) -> VerifiedBundle:
        """Verify a bundle as the office does: inbox identity, the enrolled device key."""
        enrolled = read_enrolment(enrolment)
        return open_bundle(
            data,
            identity=self.inbox,
            trusted_keys={enrolled.key_id: enrolled.public_key},
        )

    def receipt(
        self,
        data: bytes,
        enrolment: bytes,
        *,
        status: ReceiptStatus = "imported",
        signer: KeyPair | None = None,
        bundle_sha256: str | None = None,
        conflicts: list[ReceiptConflict] | None = None,
        **manifest_changes: Any,
    ) -> bytes:
        """The signed receipt for the bundle ``data`` (opened and checked first), listing
        ``conflicts`` as kept aside.

        ``signer``, ``bundle_sha256`` and ``manifest_changes`` make the wrong receipts
        the device must refuse: another key, a hash never sent, another device/sequence.
        """
        manifest = self.open(data, enrolment).manifest
        if manifest_changes:
            manifest = manifest.model_copy(update=manifest_changes)
        return make_receipt(
            bundle_sha256=bundle_sha256 or sha256(data),
            manifest=manifest,
            office_key=signer or self.key,
            status=status,
            conflicts=conflicts,
        )

    def pack(
        self,
        enrolment: bytes,
        changes: list[Change],
        records: list[RecordEnvelope],
        *,
        sequence: int = 1,
        previous: str | None = None,
        signer: KeyPair | None = None,
    ) -> SealedPack:
        """An office pack for the enrolled device, sealed to its pack key (as
        ``msp-office packs issue`` makes it; ``signer`` for a pack the device must refuse)."""
        enrolled = read_enrolment(enrolment)
        assert enrolled.pack_key is not None
        return write_pack(
            changes,
            records,
            office_id=self.office_id,
            device_id=enrolled.device_id,
            sequence=sequence,
            previous_pack_sha256=previous,
            office_key=signer or self.key,
            recipient=enrolled.pack_key,
        )


def ready(ws: Workspace, office: Office, device_id: str = DEVICE_ID) -> bytes:
    """Trust ``office`` and enrol this device; returns the enrolment file."""
    ws.import_office_keys(office.provisioning(), office.key.key_id)
    return ws.sync.enrol(device_id)


def person_with_concern(ws: Workspace, name: str = "Ada Example") -> tuple[Person, Concern]:
    """A person and one open concern, saved."""
    person = builders.person(name=name)
    concern = builders.concern(person)
    ws.people.add(person)
    ws.concerns.add(concern)
    return person, concern


def concern_for(ws: Workspace, person: Person) -> Concern:
    """Another open concern for ``person``, saved."""
    concern = builders.concern(person)
    ws.concerns.add(concern)
    return concern


def finalised_visit(ws: Workspace, concern: Concern, words: str = "I want to feel safe.") -> Visit:
    """A complete visit of ``concern``, finalised as revision 1."""
    visit = builders.complete_visit(concern, words)
    ws.visits.start(visit)
    ws.visits.finalise(visit.id)
    return visit


def draft_visit(ws: Workspace, concern: Concern, words: str = "Still talking it over.") -> Visit:
    """A complete visit of ``concern`` left as a draft."""
    visit = builders.complete_visit(concern, words)
    ws.visits.start(visit)
    return visit


def amend_and_finalise(ws: Workspace, visit_id: str, reason: str, place: str) -> None:
    """Amend a finalised visit (a new draft), change it, and finalise the new revision."""
    ws.visits.amend(visit_id, reason)
    current = ws.visits.get(visit_id).visit
    ws.visits.save_draft(current.model_copy(update={"place": place}))
    ws.visits.finalise(visit_id)


def close(ws: Workspace, concern_id: str, **changes: Any) -> Concern:
    """Close a concern today with "No risk identified and no action taken" (or as
    ``changes`` say), saved."""
    concern = ws.concerns.get(concern_id)
    closed = concern.revised(
        status=ConcernStatus.CLOSED,
        closed_on=date.today(),
        action_result=SG2cActionResult.NO_RISK_NO_ACTION,
        **changes,
    )
    ws.concerns.close(closed)
    return closed


def bundle_files(folder: Path) -> list[Path]:
    """Every file in ``folder`` (bundles, and anything else left there), sorted."""
    return sorted(p for p in Path(folder).iterdir())


def records_of(bundle: VerifiedBundle) -> dict[str, RecordEnvelope]:
    """The record envelopes of a verified bundle, by file name (each checked)."""
    return {
        name: _parse_record_file(name, content)
        for name, content in bundle.files.items()
        if name.startswith("records/")
    }


def record_keys(bundle: VerifiedBundle) -> set[tuple[str, str, int]]:
    """(kind, id, revision) of every record in the bundle."""
    return {(e.kind, e.id, e.revision) for e in records_of(bundle).values()}


def audit_of(bundle: VerifiedBundle) -> AuditBatch:
    """The one audit batch of a verified bundle (checked against its name)."""
    (name,) = [n for n in bundle.files if n.startswith("audit/")]
    return parse_audit_file(name, bundle.files[name])


def send_and_acknowledge(ws: Workspace, office: Office, enrolment: bytes, folder: Path) -> int:
    """Export what is waiting to ``folder`` and import the office's receipt for every
    bundle written; returns the sequence sealed."""
    folder.mkdir(exist_ok=True)
    result = export_bundles(ws, folder)
    for written in result.written:
        ws.sync.import_receipt(office.receipt(written.path.read_bytes(), enrolment))
    assert result.sealed is not None
    return result.sealed
