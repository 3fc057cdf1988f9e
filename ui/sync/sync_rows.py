"""Every record's way to the office, as the sync page lists it: read on the database thread.

``load_view`` reads the sync status with each record named by its person and dated, and
returns plain values, so the GUI thread never touches the workspace. What the page
does (export, receipts, trusting the office, "Sync now") is ``msp_desktop.services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from msp_desktop.store import Workspace
from msp_desktop.store.sync_status import SyncState, SyncStatus

KIND_ORDER = {"person": 0, "concern": 1, "visit": 2, "action": 3, "contact": 4}


@dataclass(frozen=True)
class SyncRow:
    """One row of the sync table: one record (one revision, for visits)."""

    kind: str
    record_id: str
    person: str
    on: date | None  # the day a concern was raised, of the visit or contact, or an action agreed
    revision: int | None
    state: SyncState
    bundle: int | None
    written: bool  # False while its bundle has not been written to any folder yet
    kept_aside: bool = False  # the office's receipt says it kept this revision aside
    from_office: bool = False  # an office pack brought this revision


@dataclass(frozen=True)
class SyncView:
    """Everything the page shows, read in one operation."""

    status: SyncStatus
    rows: list[SyncRow]
    inbox_url: str | None = None
    """Where the office takes bundles over the network; None: on a stick or in a folder."""

    @property
    def ready(self) -> bool:
        """Office keys imported and this device enrolled: export and receipts work."""
        return self.status.office is not None and self.status.device_id is not None

    @property
    def unwritten(self) -> list[int]:
        """Bundles sealed but not yet written to any folder (say the disk was full)."""
        return [
            b.sequence
            for b in self.status.bundles
            if b.written_at is None and b.acknowledged_at is None
        ]


def load_view(ws: Workspace) -> SyncView:
    """The status, with each record named by its person and dated (a few queries)."""
    status = ws.sync.status()
    provisioning = ws.sync.office_keys()
    inbox_url = provisioning.inbox_url if provisioning is not None else None
    names = {p.id: p.name for p in ws.people.search("", limit=max(ws.people.count(), 1))}
    visits = {v.id: v for v in ws.visits.list(limit=max(ws.visits.count(), 1))}
    concerns: dict[str, tuple[str, date | None]] = {}
    if any(r.kind == "concern" for r in status.records):
        for person_id in names:
            for concern in ws.concerns.for_person(person_id):
                concerns[concern.id] = (concern.person_id, concern.raised_on)
    # Actions and contact notes: whose, and from which day (read only when listed).
    kinds = {r.kind for r in status.records}
    others: dict[tuple[str, str], tuple[str, date | None]] = {}
    if "action" in kinds:
        for action in ws.actions.listed():
            others[("action", action.id)] = (action.person_id, action.agreed_on)
    if "contact" in kinds:
        for person_id in names:
            for contact in ws.contacts.for_person(person_id):
                others[("contact", contact.id)] = (contact.person_id, contact.on)
    unwritten = {b.sequence for b in status.bundles if b.written_at is None}
    rows: list[SyncRow] = []
    for record in status.records:
        person_id, on = record.record_id, None
        if record.kind == "concern" and record.record_id in concerns:
            person_id, on = concerns[record.record_id]
        elif record.kind == "visit" and record.record_id in visits:
            visit = visits[record.record_id]
            person_id, on = visit.person_id, visit.visit_date
        elif (record.kind, record.record_id) in others:
            person_id, on = others[(record.kind, record.record_id)]
        rows.append(
            SyncRow(
                kind=record.kind,
                record_id=record.record_id,
                person=names.get(person_id, "—"),
                on=on,
                revision=record.revision,
                state=record.state,
                bundle=record.bundle,
                # Over the network there is no folder: a bundle waits for its receipt.
                written=inbox_url is not None or record.bundle not in unwritten,
                kept_aside=record.kept_aside,
                from_office=record.from_office,
            )
        )
    # Grouped by person, so a worker finds someone's records together.
    rows.sort(
        key=lambda r: (
            r.person.casefold(),
            KIND_ORDER.get(r.kind, len(KIND_ORDER)),
            r.on or date.min,
            r.record_id,
            r.revision or 0,
        )
    )
    return SyncView(status, rows, inbox_url)
