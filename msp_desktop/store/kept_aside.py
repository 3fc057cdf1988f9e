"""What the office kept aside from a bundle, named for the worker.

The office takes a revision only from the device its record belongs to, and only if
nothing newer is there (record ownership). What it does not take it keeps aside as a
conflict and lists on the receipt. The device still marks the bundle acknowledged (the
office holds every byte of it), so the worker must hear it when the receipt comes:
whose record it was, and to ask the office before changing that record again.
"""

from __future__ import annotations

from dataclasses import dataclass

from msp_desktop.bundles.receipt import ReceiptConflict
from msp_desktop.store.database import Database

__all__ = ["KeptAside", "name_kept_aside"]

# Each record kind's table; every one but people has the person's id.
_TABLES = {"concern": "concerns", "visit": "visits", "action": "actions", "contact": "contacts"}


@dataclass(frozen=True)
class KeptAside:
    """One revision the office kept aside instead of taking."""

    kind: str
    """person, concern, visit, action or contact."""
    record_id: str
    revision: int
    person: str | None
    """The name of the person the record is about, while this device still holds it."""
    owner: str | None
    """The device the record belongs to at the office, when it said."""


def _person_name(db: Database, kind: str, record_id: str) -> str | None:
    person_id: object = record_id
    if kind != "person":
        table = _TABLES.get(kind)
        if table is None:
            return None
        person_id = db.scalar(f"SELECT person_id FROM {table} WHERE id = ?", (record_id,))  # noqa: S608 - a name from _TABLES
    row = db.one("SELECT coalesce(preferred_name, name) FROM people WHERE id = ?", (person_id,))
    return None if row is None else str(row[0])


def name_kept_aside(db: Database, conflicts: list[ReceiptConflict]) -> tuple[KeptAside, ...]:
    """The receipt's kept-aside revisions with the person each is about (None once the
    record is purged from this device, or never was on it)."""
    return tuple(
        KeptAside(c.kind, c.id, c.revision, _person_name(db, c.kind, c.id), c.owner)
        for c in conflicts
    )
