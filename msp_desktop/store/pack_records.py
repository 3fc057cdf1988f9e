"""Writing the office's revision of a record on the device, for each kind a pack carries.

People and concerns are written through their repositories (audited as the worker's
own changes are). Agreed actions and contact notes are current-state records like
them, written here with an audit entry each. A visit is a chain of revisions, frozen
once finalised: the office sends a finalised revision (a colleague's, on a case moved
to this device), which is added to the visit's chain as it was finalised, by whom and
when, never opened as a draft here.

``held`` reads a record as the device holds it now, ``changed_here`` says whether the
worker changed it since the office last heard (then ``store.packs`` keeps the office's
revision beside it instead of writing it).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from msp_desktop.bundles.records import RecordEnvelope, record_sha256
from msp_desktop.errors import KnownError
from msp_desktop.exit_codes import ExitCode
from msp_desktop.model import AgreedAction, ContactNote, Visit
from msp_desktop.model.concern import Concern
from msp_desktop.model.person import Person
from msp_desktop.store import audit
from msp_desktop.store.clock import utc_now
from msp_desktop.store.concerns import ConcernsRepository
from msp_desktop.store.database import Database
from msp_desktop.store.people import PeopleRepository

__all__ = ["KINDS", "PackRefused", "changed_here", "held", "write_office_record"]

SNAPSHOT_TABLES = {
    "person": "people",
    "concern": "concerns",
    "action": "actions",
    "contact": "contacts",
}
KINDS = (*SNAPSHOT_TABLES, "visit")
"""The record kinds this version takes from a pack."""


class PackRefused(KnownError):
    """A pack this workspace cannot take; nothing was applied."""

    exit_code = ExitCode.REFUSED


def held(db: Database, kind: str, record_id: str) -> dict[str, Any] | None:
    """The record as this device holds it (a visit: its latest revision), or None."""
    if kind == "visit":
        row = db.one(
            "SELECT data FROM visit_revisions WHERE visit_id = ? ORDER BY revision DESC LIMIT 1",
            (record_id,),
        )
    else:
        table = SNAPSHOT_TABLES[kind]
        row = db.one(f"SELECT data FROM {table} WHERE id = ?", (record_id,))  # noqa: S608 - a fixed name
    return None if row is None else dict(json.loads(str(row[0])))


def changed_here(
    db: Database, kind: str, record_id: str, local: dict[str, Any], known: tuple[int, str] | None
) -> bool:
    """The worker changed the record since the office last heard of it (``known``: the
    revision and hash the office knows, ``packs.last_known``)."""
    if known is None:
        return True
    if kind == "visit":
        # A revision the office has not had, or one being amended here.
        return bool(
            db.scalar(
                "SELECT 1 FROM visit_revisions WHERE visit_id = ?"
                " AND (revision > ? OR status != 'finalised')",
                (record_id, known[0]),
            )
        )
    return record_sha256(local) != known[1]


def _refuse_unless(db: Database, found: str, params: tuple[object, ...], what: str) -> None:
    if not db.scalar(found, params):
        raise PackRefused(
            f"The office pack gives {what} of a person or concern it does not carry; nothing "
            "was changed. Tell the office."
        )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _audited(
    db: Database, actor: str, kind: str, record_id: str, new: bool, revision: int | None = None
) -> None:
    audit.append(
        db,
        actor=actor,
        action="create" if new else "update",
        entity=kind,
        entity_id=record_id,
        revision=revision,
        detail={"from": "office pack"},
    )


def _write_action(db: Database, actor: str, record: dict[str, Any], exists: bool) -> None:
    action = AgreedAction.model_validate(record)
    _refuse_unless(
        db,
        "SELECT 1 FROM concerns WHERE id = ? AND person_id = ?",
        (action.concern_id, action.person_id),
        "an agreed action",
    )
    now = utc_now()
    values = (str(action.status), _iso(action.by_when), action.model_dump_json())
    if exists:
        db.execute(
            "UPDATE actions SET status = ?, by_when = ?, data = ?, updated_at = ? WHERE id = ?",
            (*values, now, action.id),
        )
    else:
        db.execute(
            "INSERT INTO actions (id, person_id, concern_id, status, by_when, data,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (action.id, action.person_id, action.concern_id, *values, now, now),
        )
    _audited(db, actor, "action", action.id, not exists)


def _write_contact(db: Database, actor: str, record: dict[str, Any], exists: bool) -> None:
    contact = ContactNote.model_validate(record)
    _refuse_unless(db, "SELECT 1 FROM people WHERE id = ?", (contact.person_id,), "a contact note")
    if contact.concern_id is not None:
        _refuse_unless(
            db,
            "SELECT 1 FROM concerns WHERE id = ? AND person_id = ?",
            (contact.concern_id, contact.person_id),
            "a contact note",
        )
    now = utc_now()
    values = (
        contact.concern_id,
        contact.on.isoformat(),
        str(contact.kind),
        contact.model_dump_json(),
    )
    if exists:
        db.execute(
            "UPDATE contacts SET concern_id = ?, on_date = ?, kind = ?, data = ?,"
            " updated_at = ? WHERE id = ?",
            (*values, now, contact.id),
        )
    else:
        db.execute(
            "INSERT INTO contacts (id, person_id, concern_id, on_date, kind, data,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (contact.id, contact.person_id, *values, now, now),
        )
    _audited(db, actor, "contact", contact.id, not exists)


def _write_visit(db: Database, actor: str, envelope: RecordEnvelope) -> None:
    """Add the office's finalised revision to the visit's chain (the visit made if new)."""
    visit = Visit.model_validate(envelope.record)
    _refuse_unless(
        db,
        "SELECT 1 FROM concerns WHERE id = ? AND person_id = ?",
        (visit.concern_id, visit.person_id),
        "a visit",
    )
    now = utc_now()
    data = visit.model_dump_json()
    next_visit = visit.next_visit_on or (visit.not_held.rearranged_for if visit.not_held else None)
    columns = (_iso(visit.visit_date), _iso(next_visit), 0 if visit.not_held else 1)
    exists = db.scalar("SELECT 1 FROM visits WHERE id = ?", (visit.id,)) is not None
    if exists:
        db.execute(
            "UPDATE visits SET current_revision = ?, visit_date = ?, next_visit_on = ?,"
            " held = ? WHERE id = ?",
            (envelope.revision, *columns, visit.id),
        )
    else:
        db.execute(
            "INSERT INTO visits (id, concern_id, person_id, current_revision, created_at,"
            " visit_date, next_visit_on, held) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (visit.id, visit.concern_id, visit.person_id, envelope.revision, now, *columns),
        )
    # As it was finalised, by whom and when: the revision is the colleague's, frozen.
    db.execute(
        "INSERT INTO visit_revisions (visit_id, revision, status, data, reason, author,"
        " created_at, saved_at, finalised_at, finalised_by, content_sha256)"
        " VALUES (?, ?, 'finalised', ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            visit.id,
            envelope.revision,
            data,
            envelope.reason,
            envelope.saved_by,
            now,
            envelope.saved_at,
            envelope.saved_at,
            envelope.saved_by,
            audit.sha256_text(data),
        ),
    )
    # The workspace check ties every finalised revision to the hash its audit entry
    # recorded: "receive" here, as "finalise" on the laptop where it was finalised.
    detail = {"content_sha256": audit.sha256_text(data), "from": "office pack",
              "finalised_by": envelope.saved_by}  # fmt: skip
    audit.append(db, actor=actor, action="receive", entity="visit", entity_id=visit.id,
                 revision=envelope.revision, detail=detail)  # fmt: skip


def write_office_record(
    db: Database,
    actor: str,
    envelope: RecordEnvelope,
    *,
    exists: bool,
) -> None:
    """Write the office's revision of a record as the device's; ``PackRefused`` for a
    record of a person or concern the device does not hold."""
    kind, record = envelope.kind, envelope.record
    if kind == "visit":
        _write_visit(db, actor, envelope)
    elif kind == "action":
        _write_action(db, actor, record, exists)
    elif kind == "contact":
        _write_contact(db, actor, record, exists)
    elif kind == "person":
        people = PeopleRepository(db, actor)
        person = Person.model_validate(record)
        (people.update if exists else people.add)(person)
    else:
        concern = Concern.model_validate(record)
        _refuse_unless(db, "SELECT 1 FROM people WHERE id = ?", (concern.person_id,), "a concern")
        concerns = ConcernsRepository(db, actor)
        if exists:
            # The office's revision replaces the concern as it stands (a closed one too).
            concerns.replace(concern, because="office pack")
        else:
            concerns.add(concern)
