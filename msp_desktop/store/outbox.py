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

**A new device key** (S24; ``msp enrol --new-key``, then the office's ``msp-office
devices add --replace``): the office revokes the old key, so a bundle it signed that
the office had not imported yet would be quarantined at every delivery. Such a bundle
is *re-sealed* instead (``reseal_old_key_bundles``), before anything new is sealed:
the same records and audit entries, rebuilt from the workspace, in a new bundle signed
by the new key. It keeps its **sequence number**, and names as previous bundle the
hash of its predecessor as it now stands (itself re-sealed, or the one the office
holds): a quarantined bundle is not in the office's ledger, so the office sees that
sequence for the first time, with no gap, no replay and no broken chain. The old
bundle's row takes the new bytes, hash and id in the same transaction (its old bytes
are gone, so it is never written or sent again) and a ``bundle_resealed`` audit
entry names both. A person, concern, agreed action or contact note changed since it
was sealed goes with its content as it is now, under the same revision (the office
never had the earlier one); finalised visits and audit entries are exactly as before.
Which bundles were sealed with an older key is read from the hash-chained audit log:
one sealed (or re-sealed) before the latest ``device_key_made`` entry.
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
from msp_desktop.bundles.provisioning import Provisioning
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
from msp_desktop.store.sync_keys import DeviceIdentity, ready_to_sync

__all__ = [
    "NothingToExport",
    "OutgoingBundle",
    "ReceiptResult",
    "Sealing",
    "acknowledge_receipt",
    "bundles_to_write",
    "check_and_seal",
    "mark_written",
    "old_key_bundles",
    "pending_records",
    "reseal_old_key_bundles",
    "seal_bundle",
    "seal_waiting",
    "unacknowledged_bundles",
]

_SNAPSHOT_TABLES: dict[str, str] = {
    "person": "people",
    "concern": "concerns",
    "action": "actions",
    "contact": "contacts",
}

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
class Sealing:
    """What one export or sync sealed before sending: the bundles sealed again with the
    device's new key (``resealed``, their sequences) and the new bundle, if any."""

    sealed: int | None
    resealed: tuple[int, ...] = ()
    key_id: str | None = None
    """The key the bundles were sealed again with (None when none were)."""


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
        # Never a new bundle after one sealed with a replaced key: it would name the
        # old bundle's hash as its previous one (``check_and_seal`` re-seals first).
        _reseal(db, actor, provisioning, identity)
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
    return seal_waiting(db, actor, nothing_was=nothing_was).sealed


def seal_waiting(db: Database, actor: str, *, nothing_was: str) -> Sealing:
    """``check_and_seal``, saying also which bundles were sealed again with a new device
    key first (``reseal_old_key_bundles``, committed on its own: it stands even when
    nothing new is waiting)."""
    report = check_workspace(db)
    if not report.healthy:
        raise WorkspaceDamaged(
            f"{nothing_was}: the workspace check found a problem "
            f"({report.problems[0]}). Run msp check, and restore from a backup if needed."
        )
    resealed, key_id = reseal_old_key_bundles(db, actor)
    try:
        sealed: int | None = seal_bundle(db, actor)
    except NothingToExport:
        sealed = None
    return Sealing(sealed, tuple(resealed), key_id if resealed else None)


def old_key_bundles(db: Database) -> list[int]:
    """The bundles not acknowledged that were sealed with a key this device has since
    replaced (``msp enrol --new-key``), in sequence order: sealed, or last re-sealed,
    before the latest ``device_key_made`` audit entry."""
    key_made = db.scalar("SELECT max(seq) FROM audit WHERE action = 'device_key_made'")
    waiting = db.all(
        "SELECT sequence, bundle_id FROM bundles_sent WHERE acknowledged_at IS NULL"
        " AND data IS NOT NULL ORDER BY sequence"
    )
    if key_made is None or not waiting:
        return []
    current = {
        str(bundle_id)
        for (bundle_id,) in db.all(
            "SELECT entity_id FROM audit WHERE seq > ? AND entity = 'bundle'"
            " AND action IN ('bundle_sealed', 'bundle_resealed')",
            (int(key_made),),
        )
    }
    return [int(sequence) for sequence, bundle_id in waiting if bundle_id not in current]


def reseal_old_key_bundles(db: Database, actor: str) -> tuple[list[int], str]:
    """Seal again, with the device's current key, every bundle not acknowledged that an
    older key signed (the module docstring says how), in one transaction: their
    sequences, and the key id now signing them."""
    provisioning, identity = ready_to_sync(db)
    with db.transaction():
        return _reseal(db, actor, provisioning, identity), identity.key.key_id


def _reseal(
    db: Database, actor: str, provisioning: Provisioning, identity: DeviceIdentity
) -> list[int]:
    """Re-seal the old key's bundles inside the caller's transaction."""
    sequences = old_key_bundles(db)
    for sequence in sequences:
        _reseal_one(db, actor, sequence, provisioning, identity)
    return sequences


def _rebuilt_envelope(db: Database, kind: str, record_id: str, revision: int) -> RecordEnvelope:
    """The envelope of one revision a bundle carried, made again from the workspace: a
    finalised visit revision exactly, a snapshot record as it is now."""
    if kind == "visit":
        row = db.one(
            "SELECT data, finalised_at, finalised_by, reason FROM visit_revisions"
            " WHERE visit_id = ? AND revision = ? AND status = 'finalised'",
            (record_id, revision),
        )
        if row is not None:
            return RecordEnvelope.wrap(
                "visit", revision, json.loads(row[0]), saved_at=_utc(row[1]),
                saved_by=row[2], reason=row[3],
            )  # fmt: skip
    elif kind in _SNAPSHOT_TABLES:
        table = _SNAPSHOT_TABLES[kind]
        row = db.one(
            f"SELECT data, updated_at FROM {table} WHERE id = ?",  # noqa: S608
            (record_id,),
        )
        if row is not None:
            return RecordEnvelope.wrap(
                kind,  # type: ignore[arg-type] # one of the snapshot kinds
                revision,
                json.loads(row[0]),
                saved_at=_utc(row[1]),
                saved_by=_worker(db),
            )
    raise WorkspaceDamaged(
        f"A bundle sealed with this device's old key cannot be sealed again: {kind} "
        f"{record_id} revision {revision} is no longer in this workspace. Nothing was "
        "changed; run msp check."
    )


def _reseal_one(
    db: Database,
    actor: str,
    sequence: int,
    provisioning: Provisioning,
    identity: DeviceIdentity,
) -> None:
    old_id, old_sha256, audit_from, audit_to = db.one(
        "SELECT bundle_id, sha256, audit_from, audit_to FROM bundles_sent WHERE sequence = ?",
        (sequence,),
    ) or (None, None, None, None)
    previous = db.scalar("SELECT sha256 FROM bundles_sent WHERE sequence = ?", (sequence - 1,))
    carried = db.all(
        "SELECT kind, record_id, revision FROM records_sent WHERE bundle_sequence = ?"
        " ORDER BY kind, record_id, revision",
        (sequence,),
    )
    envelopes = [_rebuilt_envelope(db, k, r, int(n)) for k, r, n in carried]
    files = {e.file_name: e.to_bytes() for e in envelopes}
    if audit_from is not None and audit_to is not None:
        entries = [
            AuditItem(**asdict(e))
            for e in audit.entries(db, after_seq=int(audit_from) - 1)
            if e.seq <= int(audit_to)
        ]
        batch = AuditBatch(
            format_version=FORMAT_VERSION, device_id=identity.device_id, entries=entries
        )
        files[batch.file_name] = batch.to_bytes()
    sealed = write_bundle(
        files,
        device_id=identity.device_id,
        worker=" ".join(actor.split()) or "worker",
        sequence=sequence,
        previous_bundle_sha256=None if previous is None else str(previous),
        signing_key=identity.key,
        recipient=provisioning.inbox,
    )
    bundle_id = sealed.manifest.bundle_id
    # The old bytes go: the bundle signed by the replaced key is never written or sent
    # again. Not yet written anywhere: ``msp export`` writes the new one.
    db.execute(
        "UPDATE bundles_sent SET bundle_id = ?, sha256 = ?, file_name = ?, data = ?,"
        " records = ?, written_to = NULL, written_at = NULL WHERE sequence = ?",
        (
            bundle_id,
            sealed.sha256,
            f"{identity.device_id}-{sequence:06d}-{bundle_id}.mspbundle",
            sealed.data,
            len(envelopes),
            sequence,
        ),
    )
    for envelope in envelopes:
        db.execute(
            "UPDATE records_sent SET record_sha256 = ? WHERE kind = ? AND record_id = ?"
            " AND revision = ?",
            (envelope.record_sha256, envelope.kind, envelope.id, envelope.revision),
        )
    audit.append(
        db,
        actor=actor,
        action="bundle_resealed",
        entity="bundle",
        entity_id=bundle_id,
        detail={
            "sequence": sequence,
            "records": len(envelopes),
            "sha256": sealed.sha256,
            "key_id": identity.key.key_id,
            "replaces_bundle_id": old_id,
            "replaces_sha256": old_sha256,
        },
    )


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
