"""``msp-office caseload import``: the council's people and open concerns, into the office.

``caseload_csv`` reads and checks the export; this module decides what is new and
writes it, in one transaction (or, with ``--dry-run``, only says what it would do):

- A person is matched by the ``local_id`` of the council's system: first among those
  an earlier import brought, then among the people devices have sent (a worker may
  have typed the local id in). A person already held is left as they are: the worker's
  record is not overwritten by the council's (``msp-office records correct`` changes
  it).
- A concern is matched by its ``concern_reference``; one already held is left as it is.
- Everything new becomes revision 1 of an office record (``office_revisions``), in the
  envelope an office pack will carry, saved by "the office".
- ``allocated_to`` (a device id, or the worker's name as enrolled) gives a new person,
  or a held one who belongs to no device yet, with their concerns to that device: the
  same as ``msp-office allocate``, with the same audit row and queued for the device's
  next office pack. A new concern of a person who already belongs to a device goes to
  that device. A person who belongs to another device than the file says stays where
  they are, with a note (``msp-office allocate`` moves them).

Nothing is written unless every row is good; refusals change nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from msp_desktop.bundles.canonical import canonical_json
from msp_desktop.bundles.manifest import FORMAT_VERSION
from msp_desktop.errors import InvalidInput
from msp_desktop.model.base import TODAY, new_id
from msp_desktop.model.concern import Concern
from msp_desktop.model.person import Person
from msp_desktop.office.admin import login_name
from msp_desktop.office.caseload_csv import CaseloadProblem, CaseloadRow, read_caseload
from msp_desktop.office.db.store import (
    CaseloadWrite,
    DeviceKey,
    OfficeRevision,
    OfficeStore,
    QueuedChange,
    RecordTransfer,
)
from msp_desktop.office.ownership import UNALLOCATED

__all__ = [
    "IMPORT_REASON",
    "SAVED_BY",
    "CaseloadEntry",
    "CaseloadImport",
    "import_caseload",
    "office_envelope",
]

M = TypeVar("M", Person, Concern)

SAVED_BY = "the office"
"""``saved_by`` of a record the office made (the envelope's; who ran it is kept apart)."""
IMPORT_REASON = "from the council's caseload export"
ALLOCATE_REASON = "allocated in the caseload import"


class CaseloadRefused(InvalidInput):
    """The export has problems: nothing was imported (``problems`` lists them)."""

    def __init__(self, problems: Sequence[CaseloadProblem], more: int) -> None:
        lines = [str(p) for p in problems]
        if more:
            lines.append(f"… and {more:,} more problems.")
        count = len(problems) + more
        super().__init__(
            f"Nothing was imported: the caseload export has {count:,} "
            f"problem{'s' if count != 1 else ''}. Correct "
            f"{'them' if count != 1 else 'it'} in the file (or in the council's system and "
            "export again), then import it again.\n" + "\n".join(lines)
        )
        self.problems = list(problems)


@dataclass(frozen=True)
class CaseloadEntry:
    """What became of one row."""

    row: int
    local_id: str
    person_id: str
    person: str
    """``added`` or ``held`` (already at the office)."""
    concern_reference: str | None
    concern_id: str | None
    concern: str | None
    """``added``, ``held`` or None (no concern on the row)."""
    device_id: str | None
    """The device the person belongs to after the import (None: nobody's yet)."""


@dataclass
class CaseloadImport:
    """What an import did (or, for a dry run, would do)."""

    dry_run: bool
    entries: list[CaseloadEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    people_added: int = 0
    concerns_added: int = 0
    allocated: dict[str, int] = field(default_factory=dict)
    """People given to each device by this import."""

    @property
    def people_held(self) -> int:
        """People on the file the office held already."""
        return len({e.person_id for e in self.entries if e.person == "held"})

    @property
    def concerns_held(self) -> int:
        """Concerns on the file the office held already."""
        return sum(1 for e in self.entries if e.concern == "held")

    @property
    def unallocated(self) -> int:
        """People on the file who belong to no device after it."""
        return len({e.person_id for e in self.entries if e.device_id is None})


def _with(model: M | None, **ids: str) -> M | None:
    """``model`` (checked when the file was read, with stand-in ids) with its real ids:
    ids need no second check, and checking 20,000 records twice was a second of the
    import."""
    return model.model_copy(update=ids) if model is not None else None


def _find_device(text: str, keys: Sequence[DeviceKey]) -> str:
    """The active device ``text`` names (its id, or its worker's name, any case)."""
    active = [k for k in keys if k.active]
    if any(k.device_id == text for k in active):
        return text
    by_worker = sorted({k.device_id for k in active if k.worker.casefold() == text.casefold()})
    if len(by_worker) == 1:
        return by_worker[0]
    if len(by_worker) > 1:
        raise ValueError(
            f"{text!r} is the worker of more than one device ({', '.join(by_worker)}); "
            "give the device id"
        )
    if any(k.device_id == text for k in keys):
        raise ValueError(f"device {text!r} is revoked; allocate to an enrolled device")
    raise ValueError(f"{text!r} is no enrolled device id or worker here")


_SLOT = b'"record":{}'


def office_envelope(
    kind: str, record: dict[str, Any], *, revision: int, saved_at: str, reason: str
) -> tuple[str, bytes]:
    """``(record_sha256, envelope bytes)`` of a record the office made: the envelope's
    canonical JSON (``RecordEnvelope.to_bytes``), saved by ``SAVED_BY``.

    The record is encoded once. Canonical JSON (RFC 8785) of an object is made of the
    canonical JSON of its members, so the envelope is encoded with an empty record and
    the record's bytes put in its place; ``record_sha256`` is the hash of those same
    bytes. At 10,000 people, encoding each record three times (for the hash, the
    envelope's own check of it, and the envelope) was most of the import.
    """
    record_bytes = canonical_json(record)
    digest = hashlib.sha256(record_bytes).hexdigest()
    fields = {
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "id": record["id"],
        "revision": revision,
        "saved_at": saved_at,
        "saved_by": SAVED_BY,
        "reason": reason,
        "record_sha256": digest,
        "record": {},
    }
    outer = canonical_json(fields)
    assert outer.count(_SLOT) == 1  # no other member can hold these bytes
    return digest, outer.replace(_SLOT, b'"record":' + record_bytes)


def _revision(kind: str, record: dict[str, Any], now: str, made_by: str) -> OfficeRevision:
    digest, envelope = office_envelope(kind, record, revision=1, saved_at=now, reason=IMPORT_REASON)
    return OfficeRevision(
        kind=kind,
        record_id=str(record["id"]),
        revision=1,
        record_sha256=digest,
        envelope=envelope.decode("utf-8"),
        reason=IMPORT_REASON,
        made_by=made_by,
        made_at=now,
    )


class _Planner:
    """Works out one import from reads; ``write`` is what to store."""

    def __init__(self, store: OfficeStore, today: date, now: str, dry_run: bool) -> None:
        self.store, self.today, self.now = store, today, now
        self.made_by = login_name()
        self.result = CaseloadImport(dry_run=dry_run)
        self.keys = store.device_keys()
        self.people = dict(store.caseload_people())
        for record in store.current_records("person"):
            local_id = record.get("local_id")
            if isinstance(local_id, str) and local_id not in self.people:
                self.people[local_id] = str(record["id"])
        self.concerns = store.caseload_concerns()
        # The concerns earlier imports brought, by person: allocating a held person
        # gives them these too.
        self.earlier: dict[str, list[str]] = {}
        for concern_id, person_id in self.concerns.values():
            self.earlier.setdefault(person_id, []).append(concern_id)
        self.new_people: list[tuple[str, str]] = []
        self.new_concerns: list[tuple[str, str, str]] = []
        self.revisions: list[OfficeRevision] = []
        self.owners: list[tuple[str, str, str]] = []
        self.allocations: list[RecordTransfer] = []
        self.queue: list[QueuedChange] = []
        self.person_device: dict[str, str | None] = {}
        self.person_added: set[str] = set()

    def device_of(self, person_id: str) -> str | None:
        if person_id not in self.person_device:
            self.person_device[person_id] = self.store.owner("person", person_id)
        return self.person_device[person_id]

    def give(self, kind: str, record_id: str, device: str, reason: str) -> None:
        self.owners.append((kind, record_id, device))
        self.queue.append(QueuedChange(device, "allocate", kind, record_id, reason, self.now))

    def row(self, row: CaseloadRow, problems: list[CaseloadProblem]) -> None:
        device_wanted: str | None = None
        if row.allocated_to is not None:
            try:
                device_wanted = _find_device(row.allocated_to, self.keys)
            except ValueError as exc:
                problems.append(CaseloadProblem(row.row, "allocated_to", str(exc)))
                return
        person_id = self.people.get(row.local_id)
        # A person on two rows (two concerns) is "added" on both when this import adds them.
        person_state = "added" if person_id in self.person_added else "held"
        if person_id is None:
            person = _with(row.checked_person, id=new_id()) or Person.model_validate(
                {"id": new_id(), **row.person}, context={TODAY: self.today}
            )
            person_id = person.id
            self.people[row.local_id] = person_id
            self.new_people.append((row.local_id, person_id))
            self.revisions.append(
                _revision("person", person.model_dump(mode="json"), self.now, self.made_by)
            )
            self.person_device[person_id] = None
            self.person_added.add(person_id)
            self.result.people_added += 1
            person_state = "added"
        device = self.device_of(person_id)
        if device_wanted is not None and device is None:
            self._allocate(person_id, device_wanted)
            device = device_wanted
        elif device_wanted is not None and device != device_wanted:
            self.result.notes.append(
                f"Row {row.row}: person {person_id} ({row.local_id}) belongs to device {device}, "
                f"not {device_wanted} as the file says; left with {device} "
                f"(msp-office allocate --person {person_id} --to {device_wanted} moves them)."
            )
        concern_id, concern_state = self._concern(row, person_id, device)
        self.result.entries.append(
            CaseloadEntry(row.row, row.local_id, person_id, person_state, row.reference,
                          concern_id, concern_state, device)
        )  # fmt: skip

    def _allocate(self, person_id: str, device: str) -> None:
        """Give a person nobody holds yet, and the concerns already noted, to ``device``."""
        self.person_device[person_id] = device
        self.give("person", person_id, device, ALLOCATE_REASON)
        moved = 1
        for concern_id in self.earlier.get(person_id, ()):
            if self.store.owner("concern", concern_id) is None:
                self.give("concern", concern_id, device, ALLOCATE_REASON)
                moved += 1
        self.allocations.append(
            RecordTransfer(person_id, UNALLOCATED, device, moved, ALLOCATE_REASON, self.now)
        )
        self.result.allocated[device] = self.result.allocated.get(device, 0) + 1

    def _concern(
        self, row: CaseloadRow, person_id: str, device: str | None
    ) -> tuple[str | None, str | None]:
        if row.reference is None or row.concern is None:
            return None, None
        held = self.concerns.get(row.reference)
        if held is not None:
            return held[0], "held"
        concern = _with(row.checked_concern, id=new_id(), person_id=person_id) or (
            Concern.model_validate(
                {"person_id": person_id, **row.concern}, context={TODAY: self.today}
            )
        )
        self.concerns[row.reference] = (concern.id, person_id)
        self.new_concerns.append((row.reference, concern.id, person_id))
        self.revisions.append(
            _revision("concern", concern.model_dump(mode="json"), self.now, self.made_by)
        )
        self.result.concerns_added += 1
        if device is not None:
            self.give("concern", concern.id, device, ALLOCATE_REASON)
        return concern.id, "added"

    def write(self) -> CaseloadWrite:
        return CaseloadWrite(
            people=self.new_people,
            concerns=self.new_concerns,
            revisions=self.revisions,
            allocations=self.allocations,
            owners=self.owners,
            queue=self.queue,
        )


def import_caseload(
    store: OfficeStore, data: bytes, *, today: date, now: str, dry_run: bool
) -> CaseloadImport:
    """Import a caseload export (``data``: the CSV file's bytes), or with ``dry_run`` only
    say what importing would do; ``today`` is the latest date a record may carry.

    Raises ``CaseloadRefused`` (every problem, by row and column) and writes nothing
    when any row is wrong.
    """
    read = read_caseload(data, today=today)
    if read.problems:
        raise CaseloadRefused(read.problems, read.more_problems)
    planner = _Planner(store, today, now, dry_run)
    problems: list[CaseloadProblem] = []
    for row in read.rows:
        planner.row(row, problems)
    if problems:
        raise CaseloadRefused(problems, 0)
    write = planner.write()
    if not dry_run and (write.revisions or write.owners):
        store.add_caseload(write)
    return planner.result
