"""Enrolling and revoking devices: which keys the office trusts, for which device (S24).

A device is enrolled from its ``enrolment.json`` (``make_enrolment`` on the device),
which is self-signed: it proves the sender holds the key, not who they are. The admin
must therefore compare the key id printed here with the one the worker reads out from
the device, out of band. Rules:

- a key id is enrolled once, ever: a key already known (for any device, revoked or
  not) is refused, so a revoked key can never come back;
- a device has one active key at a time: a second key for an enrolled device is
  refused unless ``--replace``, which revokes the old key in the same transaction, and
  only when the enrolment carries a key rotation signed by the enrolled key (``msp
  enrol --new-key``; ``bundles.rotation``): someone talked into adding a key cannot
  take a device over with a file the device never vouched for;
- a device that lost its key (a stolen laptop, a wiped workspace) cannot sign such a
  rotation: ``replace_lost`` enrols its new key only with the key id the worker read
  out from the new device (``--confirm-key-id``) and a reason, keeps a row in
  ``lost_device_keys`` and writes an alert; the devices list marks the key. A device
  whose keys are all revoked gets a new key this way only;
- adding exactly the enrolment already in force changes nothing and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from msp_desktop.bundles import minisign
from msp_desktop.bundles.provisioning import Enrolment, read_enrolment
from msp_desktop.bundles.rotation import RotationRejected, check_chain_from
from msp_desktop.bundles.signed import MAX_SIGNED_BYTES
from msp_desktop.errors import InvalidInput
from msp_desktop.input_files import read_input
from msp_desktop.office.db.store import DeviceKey, LostDeviceKey, OfficeStore
from msp_desktop.office.errors import DeviceNotFound, DeviceRefused

__all__ = ["Enrolled", "enrol", "one_line_reason", "read_small_file", "replace_lost", "revoke"]

LOST_COMMAND = "msp-office devices replace-lost ENROLMENT.json --confirm-key-id ID --reason TEXT"


@dataclass(frozen=True)
class Enrolled:
    """The outcome of ``enrol``."""

    key: DeviceKey
    replaced: DeviceKey | None
    already: bool
    pack_key_added: bool = False
    """The key was enrolled already, and the office now has its pack key as well."""


def read_small_file(path: Path, what: str, limit: int = MAX_SIGNED_BYTES) -> bytes:
    """Read at most ``limit`` bytes of ``path``; ``InvalidInput`` if missing or larger."""
    return read_input(path, f"an {what}", limit)


def enrol(store: OfficeStore, data: bytes, *, replace: bool, now: str) -> Enrolled:
    """Enrol the device of a signed enrolment file by the rules above."""
    enrolment = read_enrolment(data)
    keys = store.device_keys()
    already = _known_key(keys, enrolment)
    if already is not None:
        # The same key again, now with the key office packs are sealed to (a device
        # enrolled before office packs, enrolling again): signed by that same key, so
        # only its holder can name it.
        kept = store.enrolment(already.key_id)
        held = read_enrolment(kept).pack_recipient if kept else None
        if enrolment.pack_recipient is not None and enrolment.pack_recipient != held:
            store.update_enrolment(already.key_id, data)
            return Enrolled(key=already, replaced=None, already=True, pack_key_added=True)
        return Enrolled(key=already, replaced=None, already=True)
    mine = [k for k in keys if k.device_id == enrolment.device_id]
    active = next((k for k in mine if k.active), None)
    if mine and active is None:
        last = mine[-1]
        raise DeviceRefused(
            f"Every key of device {enrolment.device_id} is revoked (the last, {last.key_id}, "
            f"on {last.revoked_at}: {last.revoked_reason}). A new key for it is enrolled only "
            f"as a lost device's, after reading its key id with the worker: {LOST_COMMAND}. "
            "Nothing was changed."
        )
    if active is not None and not replace:
        raise DeviceRefused(
            f"Device {enrolment.device_id} already has key {active.key_id} enrolled (since "
            f"{active.enrolled_at}). If this is a replacement, add --replace: the old key "
            "is then revoked."
        )
    reason = ""
    if active is not None:
        _check_rotation(enrolment, active)
        reason = f"replaced by key {enrolment.key_id} (a change signed by this key)"
    key = _key_of(enrolment, now)
    store.add_device_key(key, data, revoke=active.key_id if active else None, revoke_reason=reason)
    return Enrolled(key=key, replaced=active, already=False)


def replace_lost(
    store: OfficeStore, data: bytes, *, confirm_key_id: str, reason: str, now: str
) -> Enrolled:
    """Enrol a new key for an enrolled device that lost its own (no signed rotation):
    only when ``confirm_key_id``, read out by the worker, is the file's key id; the
    active key, if any, is revoked; ``lost_device_keys`` keeps why."""
    enrolment = read_enrolment(data)
    reason = one_line_reason(reason)
    confirmed = confirm_key_id.strip().upper()
    if confirmed != enrolment.key_id:
        raise DeviceRefused(
            f"The enrolment file's key id is {enrolment.key_id}, not {confirmed} as confirmed. "
            "Read the key id again with the worker, from the new device (msp enrol printed "
            "it; msp office-keys show shows it); nothing was changed."
        )
    keys = store.device_keys()
    if _known_key(keys, enrolment) is not None:
        raise DeviceRefused(
            f"Key {enrolment.key_id} is already enrolled for device {enrolment.device_id}; "
            "nothing was changed."
        )
    mine = [k for k in keys if k.device_id == enrolment.device_id]
    if not mine:
        raise DeviceNotFound(
            f"No device {enrolment.device_id!r} was ever enrolled here, so there is no lost "
            "key to replace; enrol it with msp-office devices add ENROLMENT.json."
        )
    active = next((k for k in mine if k.active), None)
    previous = active or mine[-1]
    key = _key_of(enrolment, now)
    lost = LostDeviceKey(key.key_id, key.device_id, previous.key_id, reason, now)
    store.add_device_key(
        key,
        data,
        revoke=active.key_id if active else None,
        revoke_reason=f"replaced by key {key.key_id} as a lost device's (not signed by this key)",
        lost=lost,
    )
    return Enrolled(key=key, replaced=active, already=False)


def _known_key(keys: list[DeviceKey], enrolment: Enrolment) -> DeviceKey | None:
    """The key already in force for exactly this enrolment; ``DeviceRefused`` if the
    key id is known otherwise (revoked, or another device's)."""
    same_key = next((k for k in keys if k.key_id == enrolment.key_id), None)
    if same_key is None:
        return None
    if same_key.active and same_key.device_id == enrolment.device_id:
        return same_key
    state = "revoked" if not same_key.active else "enrolled"
    raise DeviceRefused(
        f"Key {enrolment.key_id} is already known here ({state} for device "
        f"{same_key.device_id}); a key is enrolled once only. Ask the worker to make a "
        "new enrolment file."
    )


def _check_rotation(enrolment: Enrolment, active: DeviceKey) -> None:
    refused = (
        f"The enrolment file for device {enrolment.device_id} does not carry a key change "
        f"signed by its enrolled key {active.key_id}"
    )
    advice = (
        "On the device, msp enrol --new-key --out FILE writes one. If the laptop was lost "
        "or its workspace wiped, the old key is gone: read the new key id with the worker "
        f"and use {LOST_COMMAND}. Nothing was changed."
    )
    if not enrolment.rotations:
        raise DeviceRefused(f"{refused}. {advice}")
    try:
        check_chain_from(enrolment.rotations, minisign.PublicKey.from_text(active.public_key))
    except RotationRejected as exc:
        raise DeviceRefused(f"{refused} ({exc.message}). {advice}") from None


def _key_of(enrolment: Enrolment, now: str) -> DeviceKey:
    return DeviceKey(
        key_id=enrolment.key_id,
        device_id=enrolment.device_id,
        worker=enrolment.worker,
        public_key=enrolment.minisign_public_key,
        enrolled_at=now,
    )


def one_line_reason(reason: str) -> str:
    """``reason`` trimmed, or ``InvalidInput`` unless it is one line of plain text of at
    most 500 characters (every reason the office keeps in an audit row)."""
    reason = reason.strip()
    if not reason or len(reason) > 500 or re.search(r"[\x00-\x1f\x7f]", reason):
        raise InvalidInput("The reason must be one line of plain text, at most 500 characters.")
    return reason


def revoke(store: OfficeStore, device_id: str, *, reason: str, now: str) -> DeviceKey:
    """Revoke the device's active key; ``DeviceNotFound`` if it has none."""
    reason = one_line_reason(reason)
    active = next((k for k in store.device_keys() if k.device_id == device_id and k.active), None)
    if active is None:
        raise DeviceNotFound(f"No device {device_id!r} with an active key is enrolled here.")
    store.revoke_key(active.key_id, at=now, reason=reason)
    return active
