"""The shared cases' part of the office database's interface (``OfficeStore`` includes it).

A shared case (``office.sharing``): the office lets another device read a person's case
that belongs to one device. ``shared_cases`` keeps one row per person and device (who
shared it, when and why; who stopped it, when and why), ``shared_records`` the highest
revision of each of the case's records already queued for that device as ``shared``.
Every write here is one transaction that checks the share's state inside it, so two
``msp-office`` processes (or the inbox issuing a pack meanwhile) never queue a revision
twice or write over a stop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["ShareStore", "SharedCase", "SharedRecord"]


@dataclass(frozen=True)
class SharedCase:
    """One row of ``shared_cases``: a person's case another device may read."""

    person_id: str
    device_id: str
    """The device it is shared with (never the one the person belongs to)."""
    reason: str
    shared_by: str
    """Who shared it (the office account's login name)."""
    shared_at: str
    stopped_at: str | None = None
    stopped_by: str | None = None
    stopped_reason: str | None = None

    @property
    def active(self) -> bool:
        """Not stopped."""
        return self.stopped_at is None


@dataclass(frozen=True)
class SharedRecord:
    """A record of a shared case at the revision to send the device it is shared with."""

    person_id: str
    kind: str
    record_id: str
    revision: int


class ShareStore(Protocol):
    """What sharing needs from an office database."""

    def shares(self, device_id: str | None = None) -> list[SharedCase]:
        """Every share (with one device, or all), active or stopped, by device and person."""

    def start_share(self, share: SharedCase, records: Sequence[SharedRecord]) -> bool:
        """Keep ``share`` as active (a stopped one becomes active again) and queue
        ``shared`` of each of ``records``, in order, for its device, noting each revision
        queued, in one transaction; False, with nothing written, if the case is shared
        with that device already."""

    def stop_share(self, person_id: str, device_id: str, *, by: str, reason: str, at: str) -> bool:
        """Stop the active share, drop what it queued that no pack carries yet and what it
        noted as sent, and queue a ``remove`` of the person for the device, in one
        transaction; False, with nothing written, if no share of theirs is active."""

    def shared_revisions(self, device_id: str) -> dict[tuple[str, str], int]:
        """``(kind, record id) -> highest revision queued as shared`` for the device."""

    def follow_shares(self, device_id: str, records: Sequence[SharedRecord], *, at: str) -> int:
        """Queue ``shared`` for the device of each of ``records`` (in order) whose share is
        active and whose revision is above the one noted (or none noted yet), noting it,
        in one transaction; how many were queued."""
