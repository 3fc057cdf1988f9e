"""The office database's interface: the ``OfficeStore`` protocol and the rows it deals in.

The importer and the commands talk to an ``OfficeStore``; there are two, on SQLite
(``sqlite``, the default, on the standard library's sqlite3) and on PostgreSQL
(``postgres``), sharing one copy of their SQL (``queries``). Both keep two rules
(S19-S21): a refused bundle leaves the database unchanged, and opening one never
writes (everything the importer decides is worked out from reads); and one bundle is
one transaction, in which ``apply`` first checks the change token the plan was made
at, so that if another import committed in between it rolls back untouched and the
importer plans again. How each backend keeps them is in its own module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from msp_desktop.office.db.resync_store import DeviceResync, ResyncStore
from msp_desktop.office.db.share_store import SharedCase, SharedRecord, ShareStore
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION

__all__ = [
    "AuditRow",
    "CaseloadWrite",
    "ConflictDecision",
    "ConflictRow",
    "CurrentRecord",
    "DeviceKey",
    "DeviceResync",
    "ImportPlan",
    "IssuedPack",
    "LedgerEntry",
    "LostDeviceKey",
    "NewConflict",
    "NewRevision",
    "OfficeCounts",
    "OfficeRevision",
    "OfficeStore",
    "QueuedChange",
    "RecordTransfer",
    "ResyncStore",
    "ReturnedForm",
    "ShareStore",
    "SharedCase",
    "SharedRecord",
    "StoredRevision",
    "Upgraded",
    "version_refusal",
]


@dataclass(frozen=True)
class DeviceKey:
    """One enrolled device key; a device has at most one active key at a time."""

    key_id: str
    device_id: str
    worker: str
    public_key: str
    enrolled_at: str
    revoked_at: str | None = None
    revoked_reason: str | None = None
    lost_device: str | None = None
    """For a key enrolled for a lost device (no rotation signed by the key before it),
    why the admin replaced it: the devices list marks such keys."""

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class LedgerEntry:
    """One imported bundle (the replay ledger, S21)."""

    sha256: str
    bundle_id: str
    device_id: str
    sequence: int
    previous_sha256: str | None
    manifest_sha256: str
    key_id: str
    worker: str
    created: str
    imported_at: str
    records: int
    audit_entries: int
    gap_before: int
    note: str
    epoch: int = 0
    """How many resyncs of the device the office had recorded when it was imported."""


@dataclass(frozen=True)
class StoredRevision:
    """A record revision the office holds."""

    kind: str
    record_id: str
    revision: int
    record_sha256: str


@dataclass(frozen=True)
class CurrentRecord:
    """The office's current revision of a record, and the bundle that brought it."""

    kind: str
    record_id: str
    revision: int
    record_sha256: str
    device_id: str
    bundle_sequence: int


@dataclass(frozen=True)
class NewRevision:
    """A record revision to store; ``make_current`` unless it is older history."""

    kind: str
    record_id: str
    revision: int
    record_sha256: str
    envelope: str
    make_current: bool


@dataclass(frozen=True)
class NewConflict:
    """An incoming revision that must not overwrite what the office has."""

    kind: str
    record_id: str
    revision: int
    record_sha256: str
    envelope: str
    reason: str
    office_revision: int | None
    office_record_sha256: str | None
    owner_device_id: str | None = None
    """The device the record belongs to (None: a record new here, never the case today)."""


@dataclass(frozen=True)
class RecordTransfer:
    """One ``msp-office records transfer``, as its audit row keeps it."""

    person_id: str
    from_device_id: str
    to_device_id: str
    records: int
    reason: str
    transferred_at: str


@dataclass(frozen=True)
class OfficeRevision:
    """A record revision made at the office (a caseload import, a correction), with its
    envelope as an office pack carries it."""

    kind: str
    record_id: str
    revision: int
    record_sha256: str
    envelope: str
    reason: str
    made_by: str
    """Who ran the command (the office account's login name)."""
    made_at: str


@dataclass(frozen=True)
class QueuedChange:
    """A change waiting for a device's next office pack (``pack_queue``)."""

    device_id: str
    change: str
    """``allocate`` (the record is the device's now: send it), ``remove`` (the person
    was given to another device, or their case is no longer shared with it), ``correct``
    (a new revision made at the office), ``decision`` (the office resolved a conflict) or
    ``shared`` (a record of a case shared with the device: send it, to read)."""
    kind: str
    record_id: str
    reason: str
    queued_at: str
    id: int | None = None
    pack_sequence: int | None = None
    """The pack that carried it; None while it waits."""


@dataclass(frozen=True)
class IssuedPack:
    """An office pack as the office keeps it (``packs``), without its bytes."""

    sha256: str
    pack_id: str
    device_id: str
    sequence: int
    previous_sha256: str | None
    key_id: str
    """The device key whose enrolment named the pack key the pack is sealed to."""
    recipient_key_id: str
    changes: int
    issued_at: str
    acknowledged_at: str | None = None


@dataclass(frozen=True)
class ConflictDecision:
    """How the office resolved a conflict (``msp-office conflicts resolve``)."""

    conflict_id: int
    keep: str
    """``current`` (the office's revision stands) or ``incoming`` (the revision sent)."""
    reason: str
    office_revision: int | None
    """For ``incoming``: the office revision carrying the kept content to the device."""
    decided_by: str
    decided_at: str


@dataclass(frozen=True)
class CaseloadWrite:
    """Everything one caseload import writes, in one transaction."""

    people: Sequence[tuple[str, str]]
    """``(local id, person id)`` of each person new here."""
    concerns: Sequence[tuple[str, str, str]]
    """``(reference, concern id, person id)`` of each concern new here."""
    revisions: Sequence[OfficeRevision]
    allocations: Sequence[RecordTransfer]
    """One audit row per person given to a device by the import."""
    owners: Sequence[tuple[str, str, str]]
    """``(kind, record id, device id)`` of each record allocated."""
    queue: Sequence[QueuedChange]


@dataclass(frozen=True)
class LostDeviceKey:
    """A key enrolled for a lost device (``msp-office devices replace-lost``), as kept."""

    key_id: str
    device_id: str
    previous_key_id: str
    reason: str
    replaced_at: str


@dataclass(frozen=True)
class AuditRow:
    """One device audit entry as stored; ``hash_ok`` is the office's recomputation."""

    seq: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    revision: int | None
    detail: str
    prev_hash: str
    hash: str
    hash_ok: bool


@dataclass(frozen=True)
class ImportPlan:
    """Everything one accepted bundle changes, decided before any write."""

    ledger: LedgerEntry
    revisions: Sequence[NewRevision] = field(default_factory=list)
    conflicts: Sequence[NewConflict] = field(default_factory=list)
    audit: Sequence[AuditRow] = field(default_factory=list)
    owners: Sequence[tuple[str, str]] = field(default_factory=list)
    """``(kind, id)`` of each record new here: it belongs to the bundle's device."""


@dataclass(frozen=True)
class ConflictRow:
    """A stored conflict, for ``msp-office conflicts``."""

    id: int
    kind: str
    record_id: str
    revision: int
    record_sha256: str
    reason: str
    office_revision: int | None
    device_id: str
    """The device that sent the revision."""
    bundle_sha256: str
    found_at: str
    owner_device_id: str | None
    """The device the record belonged to when the conflict was found (None: found
    before the office recorded owners, schema version 4)."""


@dataclass(frozen=True)
class OfficeCounts:
    """What ``msp-office status`` counts."""

    devices: int
    revoked_keys: int
    bundles: int
    records: int
    revisions: int
    conflicts: int
    audit_entries: int
    caseload_people: int
    """People the council's caseload export brought (``caseload import``)."""
    queued_changes: int
    """Changes waiting for a device's next office pack."""
    packs: int
    """Office packs issued."""
    packs_unacknowledged: int
    """Of those, packs no device receipt has acknowledged yet."""


@dataclass(frozen=True)
class ReturnedForm:
    """A feedback form posted back and recorded at the office (``returned_forms``).

    ``answers`` maps each answered question to its answer (``ExperienceQuestion`` and
    ``ExperienceAnswer`` values); a question left blank is absent.
    """

    code: str
    concern_id: str
    lang: str
    answers: dict[str, str]
    recorded_at: str


@dataclass(frozen=True)
class Upgraded:
    """What ``upgrade`` did: the schema versions before and after."""

    before: int
    after: int


def version_refusal(where: str, version: int) -> str:
    """The sentence for a database this msp-office cannot read (``where``: ``PATH`` or
    ``The PostgreSQL database ...``): migrate an older one, or use a newer msp-office."""
    if 1 <= version < SCHEMA_VERSION:
        return (
            f"{where} has office database version {version}; this msp-office uses version "
            f"{SCHEMA_VERSION}. Migrate it first (it is backed up, then everything it holds "
            "is kept): msp-office migrate"
        )
    return (
        f"{where} has database version {version}; this msp-office reads version "
        f"{SCHEMA_VERSION}. Use the msp-office that made it."
    )


class OfficeStore(ShareStore, ResyncStore, Protocol):
    """What the importer and the commands need from an office database (the shared
    cases' part in ``share_store``, the device resyncs' in ``resync_store``)."""

    def close(self) -> None:
        """Release the database."""

    def change_token(self) -> int:
        """A value that changes whenever another connection commits."""

    def device_keys(self) -> list[DeviceKey]:
        """Every key ever enrolled, revoked ones included, oldest first."""

    def add_device_key(
        self,
        key: DeviceKey,
        enrolment: bytes,
        *,
        revoke: str | None,
        revoke_reason: str = "",
        lost: LostDeviceKey | None = None,
    ) -> None:
        """Enrol ``key``, in one transaction revoking the key id ``revoke`` (for
        ``revoke_reason``) and keeping ``lost``, the record of a lost-device key."""

    def enrolment(self, key_id: str) -> bytes | None:
        """The enrolment file a key was enrolled (or last re-enrolled) with."""

    def update_enrolment(self, key_id: str, enrolment: bytes) -> None:
        """Keep a newer enrolment file of the same key (one that adds its pack key)."""

    def revoke_key(self, key_id: str, *, at: str, reason: str) -> None:
        """Mark a key revoked."""

    def ledger_by_hash(self, sha256: str) -> LedgerEntry | None:
        """The imported bundle with these bytes."""

    def ledger_entry(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The imported bundle in force (``resync_store``) with this device and sequence."""

    def nearest_before(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The device's bundle in force with the highest sequence below ``sequence``."""

    def last_sequence(self, device_id: str) -> int:
        """The device's highest sequence in force, 0 if none."""

    def ledger(self) -> list[LedgerEntry]:
        """Every imported bundle (those a resync set aside too), by device, sequence and
        epoch."""

    def revision(self, kind: str, record_id: str, revision: int) -> StoredRevision | None:
        """One stored record revision."""

    def current(self, kind: str, record_id: str) -> CurrentRecord | None:
        """The current revision of a record."""

    def owner(self, kind: str, record_id: str) -> str | None:
        """The device the record belongs to; None for a record not held here."""

    def owners(self, kind: str) -> dict[str, str]:
        """``record id -> owning device`` of every record of ``kind``."""

    def transfer(
        self,
        records: Sequence[tuple[str, str]],
        transfer: RecordTransfer,
        queue: Sequence[QueuedChange] = (),
    ) -> None:
        """Give ``records`` (``(kind, id)``, owned or not yet) to ``transfer.to_device_id``,
        keep the transfer's audit row and queue ``queue``, in one transaction."""

    def transfers(self) -> list[RecordTransfer]:
        """Every transfer, oldest first."""

    def audit_hashes(self, device_id: str, first: int, last: int) -> dict[int, tuple[str, str]]:
        """``seq -> (prev_hash, hash)`` of the device's stored entries in ``first..last``."""

    def apply(self, plan: ImportPlan, token: int) -> bool:
        """Import ``plan`` in one transaction; False (nothing written) if ``token`` is stale."""

    def conflicts(self, bundle_sha256: str | None = None) -> list[ConflictRow]:
        """Every conflict (or those the bundle ``bundle_sha256`` brought), oldest first."""

    def counts(self) -> OfficeCounts:
        """Totals for ``status``."""

    def current_records(self, kind: str) -> list[dict[str, Any]]:
        """The record of the current revision of every record of ``kind``, ordered by id."""

    def current_envelopes(self, kind: str) -> list[tuple[int, dict[str, Any]]]:
        """``(format_version, record)`` of the current revision of every record of
        ``kind``, ordered by id."""

    def revision_times(self, kind: str) -> dict[str, str]:
        """``record id -> time`` (UTC, ``YYYY-MM-DDTHH:MM:SSZ``) of the latest revision of
        each record of ``kind`` the office received from a device or made itself."""

    def add_returned_form(self, form: ReturnedForm) -> bool:
        """Record a returned feedback form in one transaction; False, with nothing
        written, when a form with its code is already recorded."""

    def returned_forms(self) -> list[ReturnedForm]:
        """Every returned feedback form, by code."""

    def caseload_people(self) -> dict[str, str]:
        """``local id -> person id`` of everyone a caseload import brought."""

    def caseload_concerns(self) -> dict[str, tuple[str, str]]:
        """``reference -> (concern id, person id)`` of every concern a caseload import
        brought."""

    def add_caseload(self, write: CaseloadWrite) -> None:
        """Write one caseload import, in one transaction."""

    def office_revision(self, kind: str, record_id: str) -> OfficeRevision | None:
        """The highest revision of a record made at the office, None if there is none."""

    def queued(self, device_id: str | None = None) -> list[QueuedChange]:
        """The changes waiting for a pack (for one device, or all), oldest first."""

    def revision_envelope(self, kind: str, record_id: str, revision: int) -> str | None:
        """The envelope of a revision the office holds, sent by a device or made here."""

    def latest_revision(self, kind: str, record_id: str) -> int | None:
        """The record's revision to send a device: the higher of the current one devices
        sent and the highest made at the office; None for a record not held."""

    def packs(self, device_id: str | None = None) -> list[IssuedPack]:
        """Every pack issued (to one device, or all), by device and sequence."""

    def pack_data(self, sha256: str) -> bytes | None:
        """The sealed bytes of an issued pack."""

    def acknowledge_pack(self, sha256: str, at: str) -> None:
        """Mark an issued pack acknowledged by its device (once)."""

    def conflict_envelope(self, conflict_id: int) -> str | None:
        """The revision a conflict kept aside, as it travelled."""

    def held_revisions(self, kind: str, record_id: str) -> list[int]:
        """Every revision of the record the office holds (sent or made here), ascending."""

    def decisions(self) -> dict[int, ConflictDecision]:
        """Every conflict decision, by conflict id."""

    def resolve_conflict(
        self,
        decision: ConflictDecision,
        revision: OfficeRevision | None,
        queue: Sequence[QueuedChange],
    ) -> bool:
        """Keep a decision, the office revision it makes and what it queues, in one
        transaction; False, with nothing written, when the conflict is decided already."""

    def add_office_revision(
        self, revision: OfficeRevision, queue: Sequence[QueuedChange], *, after: int
    ) -> bool:
        """Keep a revision made at the office (a correction) and what it queues, in one
        transaction; False, with nothing written, when the record's latest revision is
        no longer ``after``."""

    def add_pack(self, pack: IssuedPack, data: bytes, queue_ids: Sequence[int]) -> bool:
        """Keep an issued pack and mark the queued changes it carries, in one
        transaction; False, with nothing written, if another writer issued a pack to
        the device or took one of the changes first."""
