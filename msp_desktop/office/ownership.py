"""``msp-office records transfer``: give a person's records to another device.

Every record at the office belongs to one device (``planning``: the device that first
sent it), and only that device's revisions become current. When a person's case
moves to another worker's laptop, the office transfers the person and every record
about them (their concerns, visits, agreed actions and contact notes, found by the
records' ``person_id``) to the new device, in one transaction that also keeps an
audit row (``record_transfers``: the person, the device or devices they came from,
the device they went to, how many records, why and when). From then on the new
device's revisions become current and the old device's are conflicts.

Refusals change nothing: a person the office does not hold, a device never enrolled
(exit 8), a device whose key is revoked (exit 9), a reason that is not one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from msp_desktop.errors import InvalidInput, RecordNotFound
from msp_desktop.office.db.store import OfficeStore, RecordTransfer
from msp_desktop.office.errors import DeviceNotFound, DeviceRevoked

__all__ = ["PERSON_KINDS", "Transferred", "transfer_person"]

PERSON_KINDS = ("concern", "visit", "action", "contact")
"""The record kinds about one person, each with a ``person_id``."""

DEFAULT_REASON = "transferred by the office"
_RECORD_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class Transferred:
    """What ``transfer_person`` did: the audit row (``records`` 0: nothing to move)."""

    transfer: RecordTransfer
    by_kind: dict[str, int]
    """How many records of each kind moved."""


def _reason(text: str | None) -> str:
    reason = (text or DEFAULT_REASON).strip()
    if not reason or len(reason) > 500 or re.search(r"[\x00-\x1f\x7f]", reason):
        raise InvalidInput("The reason must be one line of plain text, at most 500 characters.")
    return reason


def transfer_person(
    store: OfficeStore, person_id: str, to_device: str, *, reason: str | None, now: str
) -> Transferred:
    """Give person ``person_id`` and every record about them to ``to_device``.

    Raises ``RecordNotFound`` for a person the office does not hold, ``DeviceNotFound``
    for a device never enrolled, ``DeviceRevoked`` for one whose key is revoked, and
    ``InvalidInput`` for a bad reason, before anything is written.
    """
    why = _reason(reason)
    if not _RECORD_ID.fullmatch(person_id) or store.owner("person", person_id) is None:
        raise RecordNotFound(f"The office holds no person with the id {person_id!r}.")
    keys = [k for k in store.device_keys() if k.device_id == to_device]
    if not keys:
        raise DeviceNotFound(f"No device {to_device!r} is enrolled here.")
    if not any(k.active for k in keys):
        last = keys[-1]
        raise DeviceRevoked(
            f"Device {to_device} was revoked on {last.revoked_at} ({last.revoked_reason}); "
            "records cannot be given to a revoked device."
        )
    owner = store.owner("person", person_id)
    held: list[tuple[str, str, str]] = [("person", person_id, str(owner))]
    for kind in PERSON_KINDS:
        owners = store.owners(kind)
        for record in store.current_records(kind):
            record_id = str(record.get("id"))
            if record.get("person_id") == person_id and record_id in owners:
                held.append((kind, record_id, owners[record_id]))
    # Records already the device's stay as they are; the rest move.
    moving = [(kind, record_id) for kind, record_id, device in held if device != to_device]
    from_devices = {device for _, _, device in held}
    by_kind = {kind: sum(1 for k, _ in moving if k == kind) for kind in ("person", *PERSON_KINDS)}
    from_devices.discard(to_device)
    transfer = RecordTransfer(
        person_id=person_id,
        from_device_id=", ".join(sorted(from_devices)) or to_device,
        to_device_id=to_device,
        records=len(moving),
        reason=why,
        transferred_at=now,
    )
    if moving:
        store.transfer(moving, transfer)
    return Transferred(transfer, by_kind)
