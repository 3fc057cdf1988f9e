"""Verifying and importing bundles at the office (docs/bundle-format.md §6 steps 1-7).

``Importer.check`` does every check and works out what importing would change, from
reads only: ``msp-office verify`` stops there. ``Importer.import_bundle`` then writes
the plan in one transaction and, only after the commit, a signed receipt.

Trust (S24). ``open_bundle`` is given every key ever enrolled, revoked ones too, so
that it does all of the format's checks (steps 1-5) for any bundle from a device we
know; the office then refuses a revoked key itself, at once, before anything else
is decided. A key never enrolled makes ``open_bundle`` refuse at the signature; only
then, to word the refusal and the quarantine note, ``quarantine.signer_of`` reads the
key id from the (still unverified) bundle. That way ``msp_desktop.bundles`` stays the
one authority on the format and no check is duplicated or skipped here.

What a refused bundle leaves behind (S19/S20): the office database is not touched.
A bundle from an unknown or revoked key is copied to ``OFFICE/quarantine/``. A replay
(same device and sequence as a bundle in force, other bytes; ``office.resync`` says
when a bundle is no longer in force) and a key signing for another device's id are
security alerts: one JSON line each in ``OFFICE/alerts.log`` (time, kind, device,
sequence, both hashes, message), printed too. ``verify`` writes nothing at all.

Ownership (``planning``). A bundle that carries revisions of records belonging to
another device is imported (its own records are taken), but those revisions are kept
aside as conflicts; its receipt lists them (``Receipt.conflicts``, with the owning
device and why), and, after the commit, one ``not-owner`` line in ``alerts.log`` names
the sending device, the owners and the first few records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from msp_desktop.bundles import (
    PublicKey,
    ReceiptConflict,
    SignatureRejected,
    VerifiedBundle,
    make_receipt,
    open_bundle,
)
from msp_desktop.bundles.manifest import format_time
from msp_desktop.errors import InvalidInput
from msp_desktop.office.alerts import write_alert
from msp_desktop.office.dates import DEFAULT_TIME_ZONE, latest_record_date
from msp_desktop.office.db.store import (
    ConflictRow,
    DeviceKey,
    ImportPlan,
    LedgerEntry,
    NewConflict,
    OfficeStore,
)
from msp_desktop.office.errors import (
    AlertingRejection,
    BundleQuarantined,
    DeviceMismatch,
    OfficeBusy,
    SequenceReplayed,
)
from msp_desktop.office.files import make_private_folder, write_atomic
from msp_desktop.office.keys import OfficeKeys, OfficeLayout, load_config
from msp_desktop.office.planning import (
    ledger_entry,
    parse_contents,
    plan_changes,
    sequence_report,
)
from msp_desktop.office.quarantine import Signer, put_in_quarantine, release, signer_of

__all__ = ["Checked", "ImportOutcome", "Importer", "receipt_name"]

MAX_ATTEMPTS = 5
ALERT_RECORDS = 10
"""How many of another device's records a ``not-owner`` alert names (it counts them all)."""


@dataclass(frozen=True)
class Checked:
    """A bundle that passed every check, and what importing it would do."""

    verified: VerifiedBundle
    device: DeviceKey
    already: LedgerEntry | None
    """The ledger row when these exact bytes were imported before (a no-op)."""
    plan: ImportPlan | None
    token: int
    records: int
    audit_entries: int
    reports: list[str]

    @property
    def status(self) -> Literal["imported", "already-imported"]:
        """What the receipt will say."""
        return "already-imported" if self.already else "imported"

    def summary(self) -> str:
        """``device laptop-7 sequence 3, 12 records, 40 audit entries``."""
        m = self.verified.manifest
        return (
            f"device {m.device_id} sequence {m.sequence}, {_count(self.records, 'record')}, "
            f"{_count(self.audit_entries, 'audit entry', 'audit entries')}"
        )


@dataclass(frozen=True)
class ImportOutcome:
    """One bundle imported (or found already imported) and its receipt written."""

    checked: Checked
    receipt: Path
    released: bool
    """True when the bundle had been in quarantine and was taken out of it."""
    alert: str | None = None
    """The ``not-owner`` alert written for this import, if any."""


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def receipt_name(device_id: str, sequence: int, sha256: str) -> str:
    """``<device>-<sequence, 6 digits>-<first 12 of the bundle hash>.receipt.json``."""
    return f"{device_id}-{sequence:06d}-{sha256[:12]}.receipt.json"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Importer:
    """Checks and imports bundles for one office."""

    def __init__(
        self,
        store: OfficeStore,
        keys: OfficeKeys,
        layout: OfficeLayout,
        *,
        clock: Callable[[], datetime] = _utc_now,
        time_zone: str = DEFAULT_TIME_ZONE,
        calendar: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.store = store
        self.keys = keys
        self.layout = layout
        self.clock = clock
        # "Not in the future" is judged by the real time in the council's zone. A clock
        # of its own, so tests that fix the receipts' time keep records dated today.
        self.time_zone = time_zone
        self.calendar = calendar

    def check(self, data: bytes) -> Checked:
        """Every check, and the plan, from reads only; a ``BundleRejected`` says why not."""
        token = self.store.change_token()  # first: any commit after it voids the plan
        known = {key.key_id: key for key in self.store.device_keys()}
        verified = self._open(data, known)
        manifest = verified.manifest
        device = known[manifest.key_id]
        if device.device_id != manifest.device_id:
            raise DeviceMismatch(
                f"The bundle says it comes from device {manifest.device_id}, but it is signed "
                f"by key {device.key_id}, enrolled for device {device.device_id}.",
                alert=self._alert("device-mismatch", verified, key_id=device.key_id),
            )
        already = self.store.ledger_by_hash(verified.sha256)
        if already is not None:
            # These exact bytes were accepted when the key was trusted: a no-op, and a
            # fresh receipt, even if the key has been revoked since.
            return Checked(
                verified, device, already, None, token, already.records,
                already.audit_entries, [],
            )  # fmt: skip
        if not device.active:
            raise BundleQuarantined(
                f"The bundle is signed by key {device.key_id} of device {device.device_id}, "
                f"which was revoked on {device.revoked_at} ({device.revoked_reason}).",
                key_id=device.key_id,
                claimed_device_id=manifest.device_id,
                claimed_sequence=manifest.sequence,
                revoked=True,
            )
        self._check_replay(verified)
        latest = latest_record_date(self.calendar(), self.time_zone)
        contents = parse_contents(manifest, verified.files, latest_date=latest)
        records = len(contents.records)
        audit_entries = sum(len(batch.entries) for batch in contents.audit)
        gap_before, reports = sequence_report(self.store, manifest, verified.sha256)
        changes = plan_changes(self.store, manifest, contents)
        reports += changes.reports
        plan = ImportPlan(
            ledger=ledger_entry(
                manifest,
                sha256=verified.sha256,
                manifest_sha256=hashlib.sha256(manifest.to_bytes()).hexdigest(),
                imported_at=format_time(self.clock()),
                records=records,
                audit_entries=audit_entries,
                gap_before=gap_before,
                reports=reports,
                epoch=self.store.device_epoch(manifest.device_id),
            ),
            revisions=changes.revisions,
            conflicts=changes.conflicts,
            audit=changes.audit,
            owners=changes.owners,
        )
        return Checked(verified, device, None, plan, token, records, audit_entries, reports)

    def _open(self, data: bytes, known: dict[str, DeviceKey]) -> VerifiedBundle:
        trusted = {key_id: PublicKey.from_text(key.public_key) for key_id, key in known.items()}
        try:
            return open_bundle(data, identity=self.keys.inbox, trusted_keys=trusted)
        except SignatureRejected:
            signer = signer_of(data, self.keys.inbox)
            if signer is None or signer.key_id in known:
                raise  # a bad signature by a known key: refused as it is, not quarantined
            raise BundleQuarantined(
                f"The bundle is signed by key {signer.key_id}, which is not enrolled here"
                + _claimed(signer)
                + ".",
                key_id=signer.key_id,
                claimed_device_id=signer.claimed_device_id,
                claimed_sequence=signer.claimed_sequence,
            ) from None

    def _check_replay(self, verified: VerifiedBundle) -> None:
        manifest = verified.manifest
        other = self.store.ledger_entry(manifest.device_id, manifest.sequence)
        if other is None or other.sha256 == verified.sha256:
            # These very bytes, imported by another connection since ``ledger_by_hash``
            # was read: not a replay. The plan goes stale and is made again (``apply``).
            return
        same_manifest = other.manifest_sha256 == hashlib.sha256(manifest.to_bytes()).hexdigest()
        what = "the same manifest sealed again" if same_manifest else "different content"
        raise SequenceReplayed(
            f"Device {manifest.device_id} sequence {manifest.sequence} was already imported "
            f"from another bundle ({other.sha256[:12]}, on {other.imported_at}); this one "
            f"({verified.sha256[:12]}) has {what}. Ask the worker which file is genuine; "
            "if the device was restored from a backup and its bundles from here on are the "
            f"ones to keep, run: msp-office devices resync {manifest.device_id} "
            f"--from-sequence {manifest.sequence} --reason TEXT",
            alert=self._alert("replay", verified, imported_sha256=other.sha256),
        )

    def _alert(self, kind: str, verified: VerifiedBundle, **extra: str) -> dict[str, object]:
        return {
            "time": format_time(self.clock()),
            "kind": kind,
            "device": verified.manifest.device_id,
            "sequence": verified.manifest.sequence,
            "bundle_sha256": verified.sha256,
            **extra,
        }

    def import_bundle(self, data: bytes, *, source: str, receipts: Path) -> ImportOutcome:
        """Check, import in one transaction, then write the receipt into ``receipts``.

        Refusals raise ``BundleRejected``; quarantine and alerts are written first.
        """
        for _ in range(MAX_ATTEMPTS):
            checked = self._check_for_import(data, source)
            if checked.plan is None or self.store.apply(checked.plan, checked.token):
                break
        else:
            raise OfficeBusy(
                "Other imports kept changing the office database; try this bundle again."
            )
        manifest = checked.verified.manifest
        kept_aside: list[NewConflict] | list[ConflictRow] = (
            list(checked.plan.conflicts)
            if checked.plan is not None
            else self.store.conflicts(checked.verified.sha256)
        )
        alert = None
        if checked.plan is not None:
            alert = self._not_owner_alert(checked, checked.plan.conflicts, source)
        receipt = make_receipt(
            bundle_sha256=checked.verified.sha256,
            manifest=manifest,
            office_key=self.keys.signing,
            status=checked.status,
            received=self.clock(),
            conflicts=[_receipt_conflict(c) for c in kept_aside],
        )
        path = receipts / receipt_name(
            manifest.device_id, manifest.sequence, checked.verified.sha256
        )
        try:
            make_private_folder(receipts)
            write_atomic(path, receipt, mode=0o644)
            released = release(self.layout.quarantine, checked.verified.sha256)
        except PermissionError as exc:
            # The bundle is in the database now: say so, never "unchanged". Importing the
            # same file again writes the receipt and changes nothing else.
            done = "already imported" if checked.already else "imported"
            raise InvalidInput(
                f"The bundle was {done}, but its receipt could not be written "
                f"({exc.filename or receipts}: permission denied); as the office folder's "
                "owner, import the same file again to write it."
            ) from None
        return ImportOutcome(checked=checked, receipt=path, released=released, alert=alert)

    def _not_owner_alert(
        self, checked: Checked, conflicts: Sequence[NewConflict], source: str
    ) -> str | None:
        """Write the ``not-owner`` line for the revisions of other devices' records that
        the (committed) import kept aside; its message, or None if there were none."""
        sender = checked.verified.manifest.device_id
        foreign = [c for c in conflicts if c.owner_device_id not in (None, sender)]
        if not foreign:
            return None
        owners = sorted({str(c.owner_device_id) for c in foreign})
        message = (
            f"Device {sender} sent {_count(len(foreign), 'revision')} of records that belong "
            f"to {'device' if len(owners) == 1 else 'devices'} {', '.join(owners)}; "
            "they were kept aside as conflicts, not made current."
        )
        line = {
            **self._alert("not-owner", checked.verified),
            "owners": owners,
            "records": len(foreign),
            "first": [f"{c.kind} {c.record_id} revision {c.revision}" for c in foreign][
                :ALERT_RECORDS
            ],
            "source": source,
            "message": message,
        }
        write_alert(self.layout.alerts, line)  # the file and syslog, with an id
        return message

    def _check_for_import(self, data: bytes, source: str) -> Checked:
        try:
            return self.check(data)
        except BundleQuarantined as exc:
            sha256 = hashlib.sha256(data).hexdigest()
            signer = (
                Signer(exc.key_id, exc.claimed_device_id, exc.claimed_sequence)
                if exc.key_id
                else None
            )
            kept = put_in_quarantine(
                self.layout.quarantine,
                data,
                sha256=sha256,
                reason=exc.message,
                signer=signer,
                source=source,
                now=format_time(self.clock()),
                never_enrolled=not exc.revoked,
                limits=load_config(self.layout).quarantine,
                alerts=self.layout.alerts,
            )
            hint = (
                "a revoked key is never trusted again."
                if exc.revoked
                else "enrol the device (msp-office devices add ENROLMENT.json), "
                "then import that file again."
            )
            where = (
                f"is kept in quarantine as {kept}"
                if kept is not None
                else "is too large to keep from a key this office never enrolled: only its "
                f"note and hash are kept in {self.layout.quarantine}"
            )
            raise BundleQuarantined(
                f"{exc.message} It was not imported and {where}; {hint}",
                key_id=exc.key_id,
                revoked=exc.revoked,
            ) from None
        except AlertingRejection as exc:
            line = {**exc.alert, "source": source, "message": exc.message}
            line = write_alert(self.layout.alerts, line)
            raise type(exc)(
                f"ALERT: {exc.message} Not imported; the alert is in {self.layout.alerts}.",
                alert=line,
            ) from None


def _receipt_conflict(conflict: NewConflict | ConflictRow) -> ReceiptConflict:
    return ReceiptConflict(
        kind=conflict.kind,  # type: ignore[arg-type] # a kind the bundle format allows
        id=conflict.record_id,
        revision=conflict.revision,
        owner=conflict.owner_device_id,
        reason=conflict.reason,
    )


def _claimed(signer: Signer) -> str:
    if signer.claimed_device_id is None:
        return ""
    sequence = f" sequence {signer.claimed_sequence}" if signer.claimed_sequence else ""
    return f" (it claims to be device {signer.claimed_device_id}{sequence})"
