"""What importing a verified bundle would change: decided from reads, written later.

**Sequences** (S21). Per device the ledger should hold 1, 2, 3, ... each naming the
hash of the one before. A bundle after a gap is imported and the gap reported (and
counted in ``gap_before``); a late bundle filling a gap is imported and reported as
arriving out of order; a ``previous_bundle_sha256`` that is not the hash of the
device's bundle ``sequence - 1`` held here (or a later bundle held here naming
another predecessor) is reported as a broken bundle chain. None of these refuse the
bundle: bundles travel by hand and can arrive in any order, and refusing one would
only lose records. The same sequence with other bytes *is* refused (``importer``),
unless the office has resynced the device from that sequence (``office.resync``): the
device's bundles set aside by the resync are history, and every rule here reads the
bundles in force (``resync_store``); a bundle taking the place of one set aside says
so in its report.

**Records.** People, concerns, visits and (from bundle format 2) agreed actions and
contact notes follow the same rules. Each incoming revision of ``(kind, id)`` is
compared with what the office holds:

- the same revision with the same ``record_sha256``: nothing to do;
- the same revision with a different hash: a conflict (two contents claim one
  revision, e.g. two devices numbering their own snapshots of one person);
- a revision above the office's current one (or a record new here): stored and made
  current;
- a revision below the current one: stored as history, current unchanged, *if* the
  current revision came from the same device in a later bundle (a late bundle of
  that device: the order is known and nothing is contradicted); otherwise a
  conflict. A conflict never overwrites anything: the incoming envelope is kept
  whole in ``conflicts`` for a person to resolve.

**Ownership.** Every record belongs to one device (``record_owners``): the device
that first sent it, until ``msp-office records transfer`` gives it to another. A
revision that the rules above would store (as current or as history) is stored only
if it comes from the record's owner; from any other device it is a conflict naming
both devices, reported, and listed in the receipt and in ``alerts.log`` (``importer``).
Only the owner's revisions ever become current, so what the office reports (the
statutory report reads current revisions only) is the owner's. Before ownership, any
enrolled device could send ``person.<id>.r999999999.json`` for another device's
person and become the office's current record.

**Audit chain.** Each device's audit entries are stored per device by ``seq``. Every
entry's hash is recomputed (``audit_entry_hash``) and the links are checked against
the neighbours already held: the entry before the batch (or 64 zeros for entry 1)
and the entry after it (a late batch must lead into what arrived before it). Any
break, missing stretch, wrong hash or entry differing from one already held is
*reported* (stdout and the ledger note), not refused, for the same reason as gaps:
the bundle is signed by an enrolled device, so a break is evidence to keep and look
at, and late bundles legitimately arrive before the stretch they follow. An entry
already held with the same hash is skipped; one held with a different hash is
reported and the held one kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError

from msp_desktop.bundles import ContentRejected, Manifest
from msp_desktop.bundles.records import (
    AuditBatch,
    RecordEnvelope,
    audit_entry_hash,
    parse_audit_file,
    parse_record_file,
)
from msp_desktop.model import RECORD_MODELS
from msp_desktop.model.base import TODAY
from msp_desktop.office.db.store import (
    AuditRow,
    LedgerEntry,
    NewConflict,
    NewRevision,
    OfficeStore,
)

__all__ = ["BundleContents", "ChangePlan", "parse_contents", "plan_changes", "sequence_report"]

GENESIS = "0" * 64


@dataclass(frozen=True)
class BundleContents:
    """The parsed record and audit files of a verified bundle."""

    records: list[tuple[RecordEnvelope, str]]
    """Each envelope with its file's text, ordered by kind, id and revision (numerically)."""
    audit: list[AuditBatch]


def parse_contents(
    manifest: Manifest, files: Mapping[str, bytes], *, latest_date: date | None = None
) -> BundleContents:
    """Parse every file; ``ContentRejected`` for any file that is not a valid one, or
    not in the manifest's format version (a version 1 bundle, from a device not yet
    updated, carries people, concerns and visits only)."""
    records: list[tuple[RecordEnvelope, str]] = []
    audit: list[AuditBatch] = []
    version = manifest.format_version
    for name, content in files.items():
        if name.startswith("records/"):
            envelope = parse_record_file(name, content, version)
            _check_record(name, envelope, latest_date)
            records.append((envelope, content.decode("utf-8")))
        else:
            batch = parse_audit_file(name, content, version)
            if batch.device_id != manifest.device_id:
                raise ContentRejected(
                    f"The audit entries in {name!r} are from device {batch.device_id!r}, "
                    f"not {manifest.device_id!r}."
                )
            audit.append(batch)
    records.sort(key=lambda item: (item[0].kind, item[0].id, item[0].revision))
    audit.sort(key=lambda batch: batch.entries[0].seq)
    return BundleContents(records=records, audit=audit)


def _check_record(name: str, envelope: RecordEnvelope, latest_date: date | None) -> None:
    # The record must be one the app itself could have written (docs §5: it validates
    # against the schema of its kind); the office keeps no record it cannot read. Dates
    # are judged against the office's calendar (``latest_date``), not this machine's.
    context = {TODAY: latest_date} if latest_date else None
    try:
        RECORD_MODELS[envelope.kind].model_validate(envelope.record, context=context)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or envelope.kind
        raise ContentRejected(
            f"The record in {name!r} is not a valid {envelope.kind}: {where}: {first['msg']}."
        ) from None


def sequence_report(store: OfficeStore, manifest: Manifest, sha256: str) -> tuple[int, list[str]]:
    """``gap_before`` and what to report about this bundle's place in its device's chain."""
    device, sequence = manifest.device_id, manifest.sequence
    reports: list[str] = []
    before = store.nearest_before(device, sequence)
    before_sequence = before.sequence if before else 0
    gap_before = sequence - before_sequence - 1
    last = store.last_sequence(device)
    if last > sequence:
        reports.append(
            f"it arrived out of order: sequence {sequence} after {last} had been imported"
        )
    if gap_before:
        missing = _span(before_sequence + 1, sequence - 1)
        reports.append(f"{missing} of device {device} not received yet (a gap before it)")
    if (
        before
        and before.sequence == sequence - 1
        and manifest.previous_bundle_sha256 != before.sha256
    ):
        reports.append(
            f"it names a previous bundle other than sequence {sequence - 1} imported here "
            "(the bundle chain is broken)"
        )
    # Any bundle held with this sequence is one a resync set aside (one in force with
    # other bytes is a replay, refused before this): say which, so the ledger tells.
    for old in store.held_at(device, sequence):
        reports.append(
            f"it takes the place of sequence {sequence} imported before the device's resync "
            f"({old.sha256[:12]}, imported on {old.imported_at}, kept as history)"
        )
    after = store.ledger_entry(device, sequence + 1)
    if after and after.previous_sha256 != sha256:
        reports.append(
            f"sequence {sequence + 1}, imported earlier, names a different previous bundle "
            "(the bundle chain is broken)"
        )
    return gap_before, reports


def _span(first: int, last: int) -> str:
    return f"sequence {first}" if first == last else f"sequences {first} to {last}"


@dataclass
class ChangePlan:
    """Record and audit changes of one bundle, and what to report about them."""

    revisions: list[NewRevision] = field(default_factory=list)
    conflicts: list[NewConflict] = field(default_factory=list)
    audit: list[AuditRow] = field(default_factory=list)
    owners: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    history: int = 0
    reports: list[str] = field(default_factory=list)


def plan_changes(store: OfficeStore, manifest: Manifest, contents: BundleContents) -> ChangePlan:
    """Decide, by the rules in the module docstring, what the bundle adds."""
    plan = ChangePlan()
    _plan_records(store, manifest, contents.records, plan)
    _plan_audit(store, manifest.device_id, contents.audit, plan)
    return plan


@dataclass(frozen=True)
class _Current:
    revision: int
    record_sha256: str
    device_id: str
    bundle_sequence: int


def _plan_records(
    store: OfficeStore,
    manifest: Manifest,
    records: Sequence[tuple[RecordEnvelope, str]],
    plan: ChangePlan,
) -> None:
    # Revisions of one record within this bundle are planned in order, each seeing
    # the ones before it: ``pending`` shadows the database.
    pending: dict[tuple[str, str], _Current] = {}
    for envelope, text in records:
        key = (envelope.kind, envelope.id)
        current = pending.get(key) or _stored_current(store, *key)
        owner = manifest.device_id if key in pending else store.owner(*key)
        made_current = _plan_record(store, manifest, envelope, text, current, owner, plan)
        if made_current:
            if current is None and owner is None:
                # New here: it belongs to the device that sent it. (A record the office
                # allocated before any device sent it has its owner already.)
                plan.owners.append(key)
            pending[key] = _Current(
                envelope.revision, envelope.record_sha256, manifest.device_id, manifest.sequence
            )


def _stored_current(store: OfficeStore, kind: str, record_id: str) -> _Current | None:
    stored = store.current(kind, record_id)
    if stored is None:
        return None
    return _Current(stored.revision, stored.record_sha256, stored.device_id, stored.bundle_sequence)


def _plan_record(
    store: OfficeStore,
    manifest: Manifest,
    envelope: RecordEnvelope,
    text: str,
    current: _Current | None,
    owner: str | None,
    plan: ChangePlan,
) -> bool:
    """Plan one incoming revision; True if it becomes the current one."""
    label = f"{envelope.kind} {envelope.id} revision {envelope.revision}"
    held = store.revision(envelope.kind, envelope.id, envelope.revision)
    newer = current is None or envelope.revision > current.revision
    late = (
        current is not None
        and current.device_id == manifest.device_id
        and current.bundle_sequence > manifest.sequence
    )
    if held is not None:
        if held.record_sha256 == envelope.record_sha256:
            plan.unchanged += 1
            return False
        reason = "the office already holds this revision with different content"
        plan.reports.append(f"conflict: {label} differs from the one held here")
    elif owner is not None and owner != manifest.device_id and (newer or late):
        # Stored, it would be current (or history): only the owner's revisions are.
        reason = f"sent by device {manifest.device_id}, but the record belongs to device {owner}"
        plan.reports.append(
            f"conflict: {label} is a record of device {owner}, not of device "
            f"{manifest.device_id}: kept aside, not made current"
        )
    elif newer:
        plan.revisions.append(_new_revision(envelope, text, make_current=True))
        return True
    elif late:
        plan.revisions.append(_new_revision(envelope, text, make_current=False))
        plan.history += 1
        return False
    else:
        assert current is not None  # not newer
        reason = f"older than the office's current revision {current.revision}"
        plan.reports.append(
            f"conflict: {label} is older than revision {current.revision} held here"
        )
    plan.conflicts.append(
        NewConflict(
            kind=envelope.kind,
            record_id=envelope.id,
            revision=envelope.revision,
            record_sha256=envelope.record_sha256,
            envelope=text,
            reason=reason,
            office_revision=current.revision if current else None,
            office_record_sha256=current.record_sha256 if current else None,
            owner_device_id=owner,
        )
    )
    return False


def _new_revision(envelope: RecordEnvelope, text: str, *, make_current: bool) -> NewRevision:
    return NewRevision(
        kind=envelope.kind,
        record_id=envelope.id,
        revision=envelope.revision,
        record_sha256=envelope.record_sha256,
        envelope=text,
        make_current=make_current,
    )


def _plan_audit(
    store: OfficeStore, device_id: str, batches: Sequence[AuditBatch], plan: ChangePlan
) -> None:
    pending: dict[int, tuple[str, str]] = {}
    for batch in batches:
        first, last = batch.entries[0].seq, batch.entries[-1].seq
        held = {**store.audit_hashes(device_id, first - 1, last + 1), **pending}
        for item in batch.entries:
            recomputed = audit_entry_hash(
                item.seq, item.at, item.actor, item.action, item.entity, item.entity_id,
                item.revision, dict(item.detail), item.prev_hash,
            )  # fmt: skip
            hash_ok = recomputed == item.hash
            if not hash_ok:
                plan.reports.append(f"audit entry {item.seq}: its hash does not match its content")
            if item.seq in held:
                if held[item.seq][1] != item.hash:
                    plan.reports.append(
                        f"audit entry {item.seq} differs from the one already held "
                        "(kept the one held)"
                    )
                continue
            plan.audit.append(
                AuditRow(
                    seq=item.seq, at=item.at, actor=item.actor, action=item.action,
                    entity=item.entity, entity_id=item.entity_id, revision=item.revision,
                    detail=json.dumps(item.detail, sort_keys=True, ensure_ascii=False),
                    prev_hash=item.prev_hash, hash=item.hash, hash_ok=hash_ok,
                )
            )  # fmt: skip
            pending[item.seq] = (item.prev_hash, item.hash)
        _check_links(batch, held, plan)


def _check_links(batch: AuditBatch, held: Mapping[int, tuple[str, str]], plan: ChangePlan) -> None:
    first, last = batch.entries[0], batch.entries[-1]
    if first.seq == 1:
        if first.prev_hash != GENESIS:
            plan.reports.append("audit entry 1 does not start a chain (its prev_hash is not zeros)")
    elif first.seq - 1 not in held:
        plan.reports.append(f"the audit entries before entry {first.seq} have not arrived yet")
    elif held[first.seq - 1][1] != first.prev_hash:
        plan.reports.append(
            f"audit entry {first.seq} does not follow entry {first.seq - 1} held here "
            "(the audit chain is broken)"
        )
    after = held.get(last.seq + 1)
    if after is not None and after[0] != last.hash:
        plan.reports.append(
            f"audit entry {last.seq + 1}, held here, does not follow entry {last.seq} "
            "(the audit chain is broken)"
        )


def ledger_note(reports: Sequence[str]) -> str:
    """The ledger's note: every report of the import, in one line."""
    return "; ".join(reports)


def ledger_entry(
    manifest: Manifest,
    *,
    sha256: str,
    manifest_sha256: str,
    imported_at: str,
    records: int,
    audit_entries: int,
    gap_before: int,
    reports: Sequence[str],
    epoch: int = 0,
) -> LedgerEntry:
    """The ledger row of an accepted bundle, in the device's ``epoch`` (its resyncs)."""
    return LedgerEntry(
        sha256=sha256,
        bundle_id=manifest.bundle_id,
        device_id=manifest.device_id,
        sequence=manifest.sequence,
        previous_sha256=manifest.previous_bundle_sha256,
        manifest_sha256=manifest_sha256,
        key_id=manifest.key_id,
        worker=manifest.worker,
        created=manifest.created,
        imported_at=imported_at,
        records=records,
        audit_entries=audit_entries,
        gap_before=gap_before,
        note=ledger_note(reports),
        epoch=epoch,
    )
