"""``msp-office records transfer`` and ``allocate``: give a person's records to a device.

Every record at the office belongs to one device (``planning``: the device that first
sent it), and only that device's revisions become current. When a person's case
moves to another worker's laptop, the office transfers the person and every record
about them (their concerns, visits, agreed actions and contact notes, found by the
records' ``person_id``) to the new device, in one transaction that also keeps an
audit row (``record_transfers``: the person, the device or devices they came from,
the device they went to, how many records, why and when). From then on the new
device's revisions become current and the old device's are conflicts.

People the office brought in from the council's caseload (``caseload``) may belong to
no device yet: ``msp-office allocate`` gives them, with their concerns, to one, the same
way (the audit row says they came from ``unallocated``). Either way the change is
queued for the devices' next office packs: the records for the device that now holds
them, and for each device that held them before, that the person has gone (the
device removes them only once the office has everything of theirs).

Refusals change nothing: a person the office does not hold, a device never enrolled
(exit 8), a device whose key is revoked (exit 9), a reason that is not one line.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from msp_desktop.errors import RecordNotFound
from msp_desktop.office.db.store import DeviceKey, OfficeStore, QueuedChange, RecordTransfer
from msp_desktop.office.devices import one_line_reason
from msp_desktop.office.errors import DeviceNotFound, DeviceRevoked

__all__ = [
    "ALLOCATE_REASON",
    "PERSON_KINDS",
    "UNALLOCATED",
    "Transferred",
    "active_device",
    "case_records",
    "find_person",
    "transfer_person",
]

PERSON_KINDS = ("concern", "visit", "action", "contact")
"""The record kinds about one person, each with a ``person_id``."""

DEFAULT_REASON = "transferred by the office"
ALLOCATE_REASON = "allocated by the office"
UNALLOCATED = "unallocated"
"""The ``from`` of the audit row of a person who belonged to no device before."""
_RECORD_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class Transferred:
    """What ``transfer_person`` did: the audit row (``records`` 0: nothing to move)."""

    transfer: RecordTransfer
    by_kind: dict[str, int]
    """How many records of each kind moved."""


def active_device(store: OfficeStore, device_id: str) -> DeviceKey:
    """The device's active key; ``DeviceNotFound`` for a device never enrolled and
    ``DeviceRevoked`` for one whose keys are all revoked."""
    keys = [k for k in store.device_keys() if k.device_id == device_id]
    if not keys:
        raise DeviceNotFound(f"No device {device_id!r} is enrolled here.")
    active = [k for k in keys if k.active]
    if not active:
        last = keys[-1]
        raise DeviceRevoked(
            f"Device {device_id} was revoked on {last.revoked_at} ({last.revoked_reason}); "
            "records cannot be given to a revoked device."
        )
    return active[0]


def find_person(store: OfficeStore, text: str) -> str:
    """The office's id of the person ``text`` names: their record id, or the local id
    a caseload import brought them with; ``RecordNotFound`` if neither."""
    if _RECORD_ID.fullmatch(text) and store.owner("person", text) is not None:
        return text
    caseload = store.caseload_people()
    if text in caseload.values():
        return text
    if text in caseload:
        return caseload[text]
    raise RecordNotFound(
        f"The office holds no person with the id {text!r} (a record id, or the local id "
        "from the caseload import)."
    )


def case_records(
    store: OfficeStore, person_ids: Collection[str]
) -> dict[str, list[tuple[str, str]]]:
    """``person id -> (kind, id)`` of every record about each person the office holds:
    the person first, then their concerns (those only a caseload import brought too),
    visits, agreed actions and contact notes (found by the records' ``person_id``), each
    kind ordered by id. One read of each kind, however many people."""
    wanted = set(person_ids)
    found: dict[str, dict[tuple[str, str], None]] = {p: {("person", p): None} for p in wanted}
    for kind in PERSON_KINDS:
        owners = store.owners(kind)
        for record in store.current_records(kind):
            record_id, of_person = str(record.get("id")), record.get("person_id")
            if of_person in wanted and record_id in owners:
                found[str(of_person)][(kind, record_id)] = None
        if kind == "concern":
            # Concerns from the caseload that no device has sent back yet.
            for concern_id, of_person in sorted(store.caseload_concerns().values()):
                if of_person in wanted:
                    found[of_person].setdefault(("concern", concern_id), None)
    return {person: list(records) for person, records in found.items()}


def _held(store: OfficeStore, person_id: str) -> dict[tuple[str, str], str | None]:
    """Every record about the person and the device it belongs to (None: nobody's yet)."""
    return {key: store.owner(*key) for key in case_records(store, [person_id])[person_id]}


def transfer_person(
    store: OfficeStore,
    person_id: str,
    to_device: str,
    *,
    reason: str | None,
    now: str,
    default_reason: str = DEFAULT_REASON,
) -> Transferred:
    """Give person ``person_id`` and every record about them to ``to_device``, and queue
    the change for the devices' next office packs.

    Raises ``RecordNotFound`` for a person the office does not hold, ``DeviceNotFound``
    for a device never enrolled, ``DeviceRevoked`` for one whose key is revoked, and
    ``InvalidInput`` for a bad reason, before anything is written.
    """
    why = one_line_reason(reason or default_reason)
    person_id = find_person(store, person_id)
    active_device(store, to_device)
    held = _held(store, person_id)
    # Records already the device's stay as they are; the rest move.
    moving = [key for key, device in held.items() if device != to_device]
    from_devices = {device for device in held.values() if device is not None}
    from_devices.discard(to_device)
    by_kind = {kind: sum(1 for k, _ in moving if k == kind) for kind in ("person", *PERSON_KINDS)}
    unowned = held[("person", person_id)] is None
    transfer = RecordTransfer(
        person_id=person_id,
        from_device_id=", ".join(sorted(from_devices)) or (UNALLOCATED if unowned else to_device),
        to_device_id=to_device,
        records=len(moving),
        reason=why,
        transferred_at=now,
    )
    queue = [
        QueuedChange(to_device, "allocate", kind, record_id, why, now) for kind, record_id in moving
    ]
    queue += [
        QueuedChange(device, "remove", "person", person_id, why, now)
        for device in sorted(from_devices)
    ]
    if moving:
        store.transfer(moving, transfer, queue)
    return Transferred(transfer, by_kind)
