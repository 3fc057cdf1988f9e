"""Resyncing a device after a replay alert: ``msp-office devices resync ID --from-sequence N``.

A replay (S21, ``importer``) is a bundle with the sequence of one already imported and
other bytes. It is refused and alerted, and the device's every later sync is refused
the same way: its outbox waits for that bundle's receipt. The usual honest cause is a
laptop restored from an older backup (its later bundles reuse numbers with other
content), or a bundle re-sealed under a new key after the office had imported it from
a stick (``store.outbox.reseal_old_key_bundles``).

Once the office has looked at the alert and asked the worker, ``resync`` records that
the device's history continues from sequence N as the device now numbers it
(``device_resyncs``: who, when, why, N, and which bundles at or above N the office
held). From then on the device's bundles at or above N that the office held are *set
aside*: they stay in the ledger and everything they brought stays (nothing is
deleted), but the replay check and the sequence reports no longer compare with them.
So the device's bundle N with its new bytes is imported by the usual rules (ownership,
revisions, conflicts), its receipt signed, and its next sync accepted. A bundle
imported after the resync is in force like any other: a replay of it is refused.

The resync also acknowledges the device's open ``replay`` alerts at or above N (the
question they asked is answered, by the command that answered it); those below N stay
open.

Refusals change nothing: a device never enrolled here; N below 1 (sequences start at
1); N beyond the device's last bundle in force + 1 (the office has never seen those
sequences, so there is nothing to continue from: a resync names where the device's
history departs from what the office holds); a reason that is not one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from msp_desktop.errors import InvalidInput
from msp_desktop.office.db.store import DeviceResync, OfficeStore
from msp_desktop.office.devices import one_line_reason
from msp_desktop.office.errors import DeviceNotFound, OfficeBusy

__all__ = ["RESYNC_COMMAND", "ResyncPlan", "Resynced", "plan_resync", "resync_device"]

RESYNC_COMMAND = "msp-office devices resync {device} --from-sequence {sequence} --reason TEXT"
"""The command a replay refusal names (``importer``, the inbox, the laptop's message)."""

DEFAULT_REASON = "device history continues after a replay alert"


@dataclass(frozen=True)
class Resynced:
    """The outcome of ``resync_device``."""

    resync: DeviceResync
    last_sequence: int
    """The device's last sequence in force before the resync."""


@dataclass(frozen=True)
class ResyncPlan:
    """What a resync would do (``--dry-run``): nothing is written to make it."""

    device_id: str
    from_sequence: int
    last_sequence: int
    held: tuple[tuple[int, str], ...]
    """``(sequence, sha256)`` of the bundles in force it would set aside."""
    epoch: int
    """The number the resync would have for the device."""


def plan_resync(
    store: OfficeStore, device_id: str, from_sequence: int, *, reason: str | None
) -> ResyncPlan:
    """What ``resync_device`` would record, refused as it would be; writes nothing."""
    last = _checked(store, device_id, from_sequence)
    one_line_reason(reason or DEFAULT_REASON)
    held = tuple(pair for pair in store.in_force(device_id) if pair[0] >= from_sequence)
    return ResyncPlan(device_id, from_sequence, last, held, store.device_epoch(device_id) + 1)


def _checked(store: OfficeStore, device_id: str, from_sequence: int) -> int:
    """The refusals (the module docstring); the device's last sequence in force."""
    if not any(key.device_id == device_id for key in store.device_keys()):
        shown = device_id if device_id.isprintable() and len(device_id) <= 80 else "given"
        raise DeviceNotFound(
            f"No device {shown!r} was ever enrolled here, so there is nothing to resync; "
            "nothing was changed."
        )
    last = store.last_sequence(device_id)
    if from_sequence < 1:
        raise InvalidInput(
            f"--from-sequence must be 1 or more (bundle sequences start at 1), not "
            f"{from_sequence}; nothing was changed."
        )
    if from_sequence > last + 1:
        raise InvalidInput(_beyond(device_id, from_sequence, last))
    return last


def resync_device(
    store: OfficeStore, device_id: str, from_sequence: int, *, reason: str | None, by: str, now: str
) -> Resynced:
    """Record that ``device_id``'s history continues from ``from_sequence``; refusals
    (the module docstring) raise and write nothing."""
    last = _checked(store, device_id, from_sequence)
    why = one_line_reason(reason or DEFAULT_REASON)
    resync = store.record_resync(device_id, from_sequence, reason=why, by=by, at=now)
    if resync is None:
        # Another resync set bundles aside between the read above and the write.
        raise OfficeBusy(
            _beyond(device_id, from_sequence, store.last_sequence(device_id))
            .replace("; nothing was changed.", " (it changed meanwhile); nothing was changed.")
        )  # fmt: skip
    return Resynced(resync=resync, last_sequence=last)


def _beyond(device_id: str, from_sequence: int, last: int) -> str:
    held = f"sequence {last}" if last else "no bundle"
    return (
        f"Device {device_id}'s last bundle here is {held}, so its history can continue "
        f"from sequence {last + 1} at most, not {from_sequence}: the office has never seen "
        "the sequences in between; nothing was changed."
    )
