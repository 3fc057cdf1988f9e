"""Enrolling and revoking devices: which keys the office trusts, for which device (S24).

A device is enrolled from its ``enrolment.json`` (``make_enrolment`` on the device),
which is self-signed: it proves the sender holds the key, not who they are. The admin
must therefore compare the key id printed here with the one the worker reads out from
the device, out of band. Rules:

- a key id is enrolled once, ever: a key already known (for any device, revoked or
  not) is refused, so a revoked key can never come back;
- a device has one active key at a time: a second key for an enrolled device is
  refused unless ``--replace`` (a new laptop, a reinstalled app), which revokes the
  old key in the same transaction;
- adding exactly the enrolment already in force changes nothing and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.bundles.signed import MAX_SIGNED_BYTES
from msp_desktop.errors import InvalidInput
from msp_desktop.input_files import read_input
from msp_desktop.office.db.store import DeviceKey, OfficeStore
from msp_desktop.office.errors import DeviceNotFound, DeviceRefused

__all__ = ["Enrolled", "enrol", "read_small_file", "revoke"]


@dataclass(frozen=True)
class Enrolled:
    """The outcome of ``enrol``."""

    key: DeviceKey
    replaced: DeviceKey | None
    already: bool


def read_small_file(path: Path, what: str, limit: int = MAX_SIGNED_BYTES) -> bytes:
    """Read at most ``limit`` bytes of ``path``; ``InvalidInput`` if missing or larger."""
    return read_input(path, f"an {what}", limit)


def enrol(store: OfficeStore, data: bytes, *, replace: bool, now: str) -> Enrolled:
    """Enrol the device of a signed enrolment file by the rules above."""
    enrolment = read_enrolment(data)
    keys = store.device_keys()
    same_key = next((k for k in keys if k.key_id == enrolment.key_id), None)
    active = next((k for k in keys if k.device_id == enrolment.device_id and k.active), None)
    if same_key is not None:
        if same_key.active and same_key.device_id == enrolment.device_id:
            return Enrolled(key=same_key, replaced=None, already=True)
        state = "revoked" if not same_key.active else "enrolled"
        raise DeviceRefused(
            f"Key {enrolment.key_id} is already known here ({state} for device "
            f"{same_key.device_id}); a key is enrolled once only. Ask the worker to make a "
            "new enrolment file."
        )
    if active is not None and not replace:
        raise DeviceRefused(
            f"Device {enrolment.device_id} already has key {active.key_id} enrolled (since "
            f"{active.enrolled_at}). If this is a replacement, add --replace: the old key "
            "is then revoked."
        )
    key = DeviceKey(
        key_id=enrolment.key_id,
        device_id=enrolment.device_id,
        worker=enrolment.worker,
        public_key=enrolment.minisign_public_key,
        enrolled_at=now,
    )
    store.add_device_key(key, data, revoke=active.key_id if active else None)
    return Enrolled(key=key, replaced=active, already=False)


def revoke(store: OfficeStore, device_id: str, *, reason: str, now: str) -> DeviceKey:
    """Revoke the device's active key; ``DeviceNotFound`` if it has none."""
    reason = reason.strip()
    if not reason or len(reason) > 500 or re.search(r"[\x00-\x1f\x7f]", reason):
        raise InvalidInput("The reason must be one line of plain text, at most 500 characters.")
    active = next((k for k in store.device_keys() if k.device_id == device_id and k.active), None)
    if active is None:
        raise DeviceNotFound(f"No device {device_id!r} with an active key is enrolled here.")
    store.revoke_key(active.key_id, at=now, reason=reason)
    return active
