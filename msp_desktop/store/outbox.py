"""The bundles this device seals for the office, kept until the office's receipt.

A bundle carries every finalised visit revision, every changed person, concern,
agreed action and contact note, and every audit entry not yet sent (drafts never
leave the device; an action typed into a draft travels once its visit is finalised). Sealing and
recording happen in one transaction; the sealed bytes (already encrypted to the
office) stay in the database until the office's signed receipt names them, so a
failed write, a full or lost USB stick or a dropped connection costs nothing: the
bundle is written or sent again. The office treats a bundle it already has as a
no-op, so delivering one twice is always safe. Writing files and sending over the
network are ``msp_desktop.services``' part; this module only keeps the records.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from msp_desktop.bundles import FORMAT_VERSION, verify_receipt, write_bundle
from msp_desktop.bundles.errors import ReceiptRejected
from msp_desktop.bundles.manifest import format_time
from msp_desktop.bundles.records import AuditBatch, AuditItem, RecordEnvelope, RecordKind
from msp_desktop.errors import InvalidInput, KnownError, WorkspaceDamaged
from msp_desktop.exit_codes import ExitCode
from msp_desktop.store import audit
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database
from msp_desktop.store.health import check_workspace
from msp_desktop.store.kept_aside import KeptAside, name_kept_aside
from msp_desktop.store.leaving import release_leaving
from msp_desktop.store.packs import last_known
from msp_desktop.store.sync_keys import ready_to_sync

__all__ = [
    "NothingToExport",
    "OutgoingBundle",
    "ReceiptResult",
    "acknowledge_receipt",
    "bundles_to_write",
    "check_and_seal",
    "mark_written",
    "pending_records",
    "seal_bundle",
    "unacknowledged_bundles",
]

_RECORD_NAME_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class NothingToExport(KnownError):
    """Everything finalised has already been put into a bundle (not a failure)."""

    exit_code = ExitCode.OK


@dataclass(frozen=True)
class PendingRecord:
    """One record revision waiting for a bundle."""

    kind: RecordKind
    record_id: str
    revision: int
    envelope: RecordEnvelope


@dataclass(frozen=True)
class OutgoingBundle:
    """A sealed bundle the office has not acknowledged yet, with its bytes."""

    sequence: int
    sha256: str
    records: int
    file_name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class ReceiptResult:
    """What one receipt did on the device."""

    sequence: int
    records: int
    already: bool
    kept_aside: tuple[KeptAside, ...] = ()
    """Revisions in the bundle the office kept aside instead of taking (a record that
    belongs to another device, or newer data there): listed on the receipt, at most
    its first ``MAX_RECEIPT_CONFLICTS``."""
    kept_aside_total: int = 0
    """How many it kept aside in all (``kept_aside`` may list fewer)."""
    released: tuple[str, ...] = ()
    """People the office moved to another device who left this one with this receipt:
    it acknowledged the last of their records (``store.leaving``)."""


def _utc(text: str) -> str:
    """A store timestamp (with microseconds) as the bundle format's UTC time."""
    moment = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return format_time(moment)


def _last_sent(db: Database, kind: str, record_id: str) -> tuple[int, str] | None:
    # What the office last knew of the record: sent from here, or brought by an office
    # pack. A record the office allocated goes back as the revision after the office's.
    return last_known(db, kind, record_id)


def _snapshots(db: Database, kind: RecordKind, table: str) -> list[PendingRecord]:
    """Records kept as current state (people, concerns, actions, contacts) whose content
    differs from the last snapshot sent."""
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
    """Finalised visit revisions not yet in a bundle (nor brought by an office pack)."""
    rows = db.all(
        "SELECT r.visit_id, r.revision, r.data, r.finalised_at, r.finalised_by, r.reason"
        " FROM visit_revisions r WHERE r.status = 'finalised' AND NOT EXISTS ("
        "   SELECT 1 FROM records_sent s WHERE s.kind = 'visit'"
        "   AND s.record_id = r.visit_id AND s.revision = r.revision) AND NOT EXISTS ("
        "   SELECT 1 FROM records_received g WHERE g.kind = 'visit'"
        "   AND g.record_id = r.visit_id AND g.revision = r.revision)"
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
    pending += _snapshots(db, "action", "actions") + _snapshots(db, "contact", "contacts")
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
            batch = AuditBatch(
                format_version=FORMAT_VERSION, device_id=identity.device_id, entries=entries
            )
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


def _outgoing(db: Database, condition: str) -> list[OutgoingBundle]:
    rows = db.all(
        "SELECT sequence, sha256, records, file_name, data FROM bundles_sent"  # noqa: S608
        f" WHERE {condition} AND data IS NOT NULL ORDER BY sequence"
    )
    return [
        OutgoingBundle(int(sequence), str(sha256), int(records), str(file_name), bytes(data))
        for sequence, sha256, records, file_name, data in rows
    ]


def unacknowledged_bundles(db: Database) -> list[OutgoingBundle]:
    """Every sealed bundle the office has not acknowledged, in sequence order."""
    return _outgoing(db, "acknowledged_at IS NULL")


def bundles_to_write(db: Database, *, again: bool = False) -> list[OutgoingBundle]:
    """Sealed bundles not yet written to any folder (``again``: every one not acknowledged)."""
    return _outgoing(db, "acknowledged_at IS NULL" + ("" if again else " AND written_at IS NULL"))


def mark_written(db: Database, sequence: int, path: str) -> None:
    """Record that bundle ``sequence`` was written to ``path`` (one transaction)."""
    with db.transaction():
        db.execute(
            "UPDATE bundles_sent SET written_to = ?, written_at = ? WHERE sequence = ?",
            (path, utc_now(), sequence),
        )


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
    kept = name_kept_aside(db, receipt.conflicts or [])
    total = receipt.conflicts_total or len(kept)
    if acknowledged_at is not None:
        return ReceiptResult(
            sequence, records, already=True, kept_aside=kept, kept_aside_total=total
        )
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
            detail={"sequence": sequence, "status": receipt.status}
            | ({"kept_aside": total} if total else {}),
        )
        released = release_leaving(db, actor)
    return ReceiptResult(
        sequence,
        records,
        already=False,
        kept_aside=kept,
        kept_aside_total=total,
        released=tuple(released),
    )
