"""The device resyncs' part of the office database's interface (``OfficeStore`` includes it).

A resync (``office.resync``, ``msp-office devices resync``) records that a device's
history continues from a sequence as the device now numbers it, after a replay alert.
``device_resyncs`` keeps one row per resync, numbered per device from 1: that number is
the *epoch* every later bundle of the device is imported in (``bundles.epoch``; 0 before
any resync). A bundle is *in force* unless a resync with a higher epoch starts at or
below its sequence; the replay check and the sequence reports read the bundles in force
(``ledger_entry``, ``nearest_before``, ``last_sequence``), and the others stay in the
ledger as history (``held_at``). Nothing is ever deleted or rewritten: a resync only
adds its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # store imports this module: only the type, to avoid a cycle
    from msp_desktop.office.db.store import LedgerEntry

__all__ = ["DeviceResync", "ResyncStore"]


@dataclass(frozen=True)
class DeviceResync:
    """One row of ``device_resyncs``."""

    device_id: str
    epoch: int
    """Its number for the device (1, 2, ...): the epoch of the bundles imported after it."""
    from_sequence: int
    held: tuple[tuple[int, str], ...]
    """``(sequence, sha256)`` of the device's bundles in force at or above
    ``from_sequence`` when the resync was recorded: the ones it set aside as history."""
    reason: str
    resynced_by: str
    resynced_at: str


class ResyncStore(Protocol):
    """Reads and the one write of device resyncs."""

    def resyncs(self, device_id: str | None = None) -> list[DeviceResync]:
        """Every resync (of one device, or all), by device and epoch."""

    def device_epoch(self, device_id: str) -> int:
        """The device's latest resync number, 0 if it was never resynced."""

    def held_at(self, device_id: str, sequence: int) -> list[LedgerEntry]:
        """Every bundle of the device with this sequence, in force or not, oldest
        epoch first."""

    def in_force(self, device_id: str) -> list[tuple[int, str]]:
        """``(sequence, sha256)`` of the device's bundles in force, by sequence."""

    def record_resync(
        self, device_id: str, from_sequence: int, *, reason: str, by: str, at: str
    ) -> DeviceResync | None:
        """Record a resync in one write transaction (its epoch and ``held`` read inside
        it); None, with nothing written, if ``from_sequence`` is then beyond the
        device's last bundle in force + 1."""
