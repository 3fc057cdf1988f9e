"""Sealing bundles for the office, writing them out, and taking the office's receipts.

A bundle carries every finalised visit revision, every changed person and concern,
and every audit entry not yet sent (drafts never leave the device). Sealing and
recording happen in one transaction; the sealed bytes (already encrypted to the
office) stay in the database until the office's signed receipt names them, so a
failed write, a full or lost USB stick costs nothing: the next export writes the
bundle again. The office treats a bundle it already has as a no-op, so writing one
twice is always safe.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from msp_desktop.atomic import write_atomic
from msp_desktop.bundles import verify_receipt, write_bundle
from msp_desktop.bundles.errors import ReceiptRejected
from msp_desktop.bundles.manifest import format_time
from msp_desktop.bundles.records import AuditBatch, AuditItem, RecordEnvelope, RecordKind
from msp_desktop.errors import InvalidInput, KnownError, WorkspaceDamaged
from msp_desktop.store import audit
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database
from msp_desktop.store.health import check_workspace
from msp_desktop.store.sync_keys import ready_to_sync

__all__ = [
    "BundleNotWritten",
    "BundleWritten",
    "ExportResult",
    "NothingToExport",
    "ReceiptResult",
    "acknowledge_receipt",
    "check_and_seal",
    "pending_records",
    "seal_bundle",
    "write_pending",
]

_RECORD_NAME_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class NothingToExport(KnownError):
    """Everything finalised has already been put into a bundle (not a failure)."""

    exit_code = 0


class BundleNotWritten(KnownError):
    """The folder refused the file (read-only stick, no permission); the bundle waits."""

    exit_code = 2

    def __init__(self, folder: Path, cause: OSError) -> None:
        why = (cause.strerror or "the write failed").lower()
        super().__init__(
            f"Could not write to {folder} ({why}). The bundle is kept on this device and "
            "is written the next time you export to a folder that accepts it."
        )
        self.folder = folder
        self.cause = cause


@dataclass(frozen=True)
class PendingRecord:
    """One record revision waiting for a bundle."""

    kind: RecordKind
    record_id: str
    revision: int
    envelope: RecordEnvelope


@dataclass(frozen=True)
class BundleWritten:
    """A bundle file written to the chosen folder."""

    sequence: int
    path: Path
    records: int


@dataclass(frozen=True)
class ExportResult:
    """What one export sealed (if anything new) and wrote."""

    sealed: int | None
    """The sequence number of the new bundle, or None if nothing new was waiting."""
    written: list[BundleWritten]


@dataclass(frozen=True)
class ReceiptResult:
    """What one receipt did on the device."""

    sequence: int
    records: int
    already: bool


def _utc(text: str) -> str:
    """A store timestamp (with microseconds) as the bundle format's UTC time."""
    moment = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return format_time(moment)


def _last_sent(db: Database, kind: str, record_id: str) -> tuple[int, str] | None:
    row = db.one(
        "SELECT revision, record_sha256 FROM records_sent WHERE kind = ? AND record_id = ?"
        " ORDER BY revision DESC LIMIT 1",
        (kind, record_id),
    )
    return None if row is None else (int(row[0]), str(row[1]))


def _snapshots(db: Database, kind: RecordKind, table: str) -> list[PendingRecord]:
    """People and concerns whose content differs from the last snapshot sent."""
    pending: list[PendingRecord] = []
    for record_id, data, updated_at in db.all(
        f"SELECT id, data, updated_at FROM {table} ORDER BY created_at, id"  # noqa: S608
    ):
        record: dict[str, Any] = json.loads(data)
        last = _last_sent(db, kind, record_id)
        envelope = RecordEnvelope.wrap(
            kind,
            1 if last is None else last[0] + 1,
            record,
            saved_at=_utc(updated_at),
            saved_by=_worker(db),
        )
        if last is None or last[1] != envelope.record_sha256:
            pending.append(PendingRecord(kind, record_id, envelope.revision, envelope))
    return pending


def _visits(db: Database) -> list[PendingRecord]:
    """Finalised visit revisions not yet in a bundle."""
    rows = db.all(
        "SELECT r.visit_id, r.revision, r.data, r.finalised_at, r.finalised_by, r.reason"
        " FROM visit_revisions r WHERE r.status = 'finalised' AND NOT EXISTS ("
        "   SELECT 1 FROM records_sent s WHERE s.kind = 'visit'"
        "   AND s.record_id = r.visit_id AND s.revision = r.revision)"
        " ORDER BY r.finalised_at, r.visit_id, r.revision"
    )
    return [
        PendingRecord(
            "visit",
            visit_id,
            int(revision),
            RecordEnvelope.wrap(
                "visit",
                int(revision),
                json.loads(data),
                saved_at=_utc(finalised_at),
                saved_by=finalised_by,
                reason=reason,
            ),
        )
        for visit_id, revision, data, finalised_at, finalised_by, reason in rows
    ]


def _worker(db: Database) -> str:
    return str(db.scalar("SELECT value FROM meta WHERE key = 'worker'") or "worker")


def pending_records(db: Database) -> list[PendingRecord]:
    """Every record revision the next bundle would carry, people first."""
    pending = _snapshots(db, "person", "people") + _snapshots(db, "concern", "concerns")
    pending += _visits(db)
    for item in pending:
        if not _RECORD_NAME_ID.fullmatch(item.record_id):
            # Bundle file names are lower case only; our ids are lower-case UUIDs.
            raise InvalidInput(f"The record id {item.record_id!r} cannot go into a bundle.")
    return pending


def _pending_audit(db: Database) -> list[AuditItem]:
    last = int(db.scalar("SELECT max(audit_to) FROM bundles_sent") or 0)
    # The store's entry and the bundle's item have the same fields, by design.
    return [AuditItem(**asdict(e)) for e in audit.entries(db, after_seq=last)]


def seal_bundle(db: Database, actor: str) -> int:
    """Seal everything waiting into the next bundle and record it; returns its sequence.

    Raises ``NothingToExport`` when no record revision is waiting. Audit entries alone
    do not make a bundle: they travel with the next records.
    """
    provisioning, identity = ready_to_sync(db)
    with db.transaction():
        records = pending_records(db)
        if not records:
            raise NothingToExport("Nothing to export: every finalised record is already sent.")
        entries = _pending_audit(db)
        files = {item.envelope.file_name: item.envelope.to_bytes() for item in records}
        if entries:
            batch = AuditBatch(format_version=1, device_id=identity.device_id, entries=entries)
            files[batch.file_name] = batch.to_bytes()
        last = db.one("SELECT sequence, sha256 FROM bundles_sent ORDER BY sequence DESC LIMIT 1")
        sequence = 1 if last is None else int(last[0]) + 1
        sealed = write_bundle(
            files,
            device_id=identity.device_id,
            worker=" ".join(actor.split()) or "worker",
            sequence=sequence,
            previous_bundle_sha256=None if last is None else str(last[1]),
            signing_key=identity.key,
            recipient=provisioning.inbox,
        )
        file_name = f"{identity.device_id}-{sequence:06d}-{sealed.manifest.bundle_id}.mspbundle"
        db.execute(
            "INSERT INTO bundles_sent (sequence, bundle_id, sha256, file_name, created_at,"
            " records, audit_from, audit_to, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sequence,
                sealed.manifest.bundle_id,
                sealed.sha256,
                file_name,
                utc_now(),
                len(records),
                entries[0].seq if entries else None,
                entries[-1].seq if entries else None,
                sealed.data,
            ),
        )
        for item in records:
            db.execute(
                "INSERT INTO records_sent (kind, record_id, revision, record_sha256,"
                " bundle_sequence) VALUES (?, ?, ?, ?, ?)",
                (item.kind, item.record_id, item.revision, item.envelope.record_sha256, sequence),
            )
        audit.append(
            db,
            actor=actor,
            action="bundle_sealed",
            entity="bundle",
            entity_id=sealed.manifest.bundle_id,
            detail={"sequence": sequence, "records": len(records), "sha256": sealed.sha256},
        )
    return sequence


def check_and_seal(db: Database, actor: str, *, nothing_was: str) -> int | None:
    """Run the workspace check (S7), then seal what is waiting: the new bundle's
    sequence, or None when nothing was waiting. A damaged workspace seals nothing;
    ``nothing_was`` starts its sentence ("Nothing was exported", "Nothing was sent")."""
    report = check_workspace(db)
    if not report.healthy:
        raise WorkspaceDamaged(
            f"{nothing_was}: the workspace check found a problem "
            f"({report.problems[0]}). Run msp check, and restore from a backup if needed."
        )
    try:
        return seal_bundle(db, actor)
    except NothingToExport:
        return None


def write_pending(db: Database, folder: Path, *, again: bool = False) -> list[BundleWritten]:
    """Write every sealed bundle not yet written (``again``: every one not acknowledged).

    A bundle whose write fails stays waiting, and the error (for example
    ``StorageFull``) is raised after the ones before it were written and recorded.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput(f"The folder {folder} does not exist (is the USB stick plugged in?).")
    condition = "acknowledged_at IS NULL" + ("" if again else " AND written_at IS NULL")
    rows = db.all(
        f"SELECT sequence, file_name, data, records FROM bundles_sent WHERE {condition}"  # noqa: S608
        " AND data IS NOT NULL ORDER BY sequence"
    )
    written: list[BundleWritten] = []
    for sequence, file_name, data, records in rows:
        path = folder / str(file_name)
        try:
            # Readable by the office admin who copies it off the stick: it is encrypted.
            write_atomic(path, bytes(data), mode=0o644)
        except OSError as exc:  # read-only stick, no permission (StorageFull passes through)
            raise BundleNotWritten(folder, exc) from exc
        with db.transaction():
            db.execute(
                "UPDATE bundles_sent SET written_to = ?, written_at = ? WHERE sequence = ?",
                (str(path), utc_now(), sequence),
            )
        written.append(BundleWritten(int(sequence), path, int(records)))
    return written


def acknowledge_receipt(db: Database, actor: str, data: bytes) -> ReceiptResult:
    """Check one receipt and mark its bundle's records acknowledged (S25).

    Only a receipt signed by the provisioned office key, naming the hash of a bundle
    this device sealed, for this device, sequence and bundle id, changes anything.
    """
    provisioning, identity = ready_to_sync(db)
    receipt = verify_receipt(data, provisioning.office_key)
    row = db.one(
        "SELECT sequence, acknowledged_at, records, bundle_id FROM bundles_sent WHERE sha256 = ?",
        (receipt.bundle_sha256,),
    )
    if row is None:
        raise ReceiptRejected(
            "The receipt is for a bundle this device never sent. Nothing was changed."
        )
    sequence, acknowledged_at, records = int(row[0]), row[1], int(row[2])
    if (
        receipt.device_id != identity.device_id
        or receipt.sequence != sequence
        or receipt.bundle_id != row[3]
    ):
        raise ReceiptRejected(
            "The receipt names another device or bundle number. Nothing was changed."
        )
    if acknowledged_at is not None:
        return ReceiptResult(sequence, records, already=True)
    with db.transaction():
        # The bytes are no longer needed once the office holds them.
        db.execute(
            "UPDATE bundles_sent SET acknowledged_at = ?, receipt = ?, data = NULL"
            " WHERE sequence = ?",
            (utc_now(), data.decode("utf-8"), sequence),
        )
        audit.append(
            db,
            actor=actor,
            action="receipt",
            entity="bundle",
            entity_id=receipt.bundle_id,
            detail={"sequence": sequence, "status": receipt.status},
        )
    return ReceiptResult(sequence, records, already=False)
