"""Bundle format 2 at the office: agreed actions and contact notes, on SQLite and on
PostgreSQL, with the same revision, history and conflict rules as the other records;
and bundles from devices before the journey (format 1, a committed fixture made by
that code) still import.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from msp_desktop.bundles import AgeIdentity, ContentRejected
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.model import (
    ActionChange,
    ActionStatus,
    AgreedAction,
    Concern,
    ConcernStatus,
    ContactKind,
    ContactNote,
    Note,
    Reopening,
    SG2cActionResult,
    Visit,
)
from msp_desktop.office import devices
from msp_desktop.office.importer import Importer
from tests.office_helpers import FakeDevice, caseload, envelope
from tests.unit.office.conftest import NOW, Office

FIXTURE = Path(__file__).parents[2] / "fixtures" / "bundles-v1"


def _action(case_visit: Visit, **changes: object) -> AgreedAction:
    action = AgreedAction(
        person_id=case_visit.person_id,
        concern_id=case_visit.concern_id,
        id="a1b2c3d4-0000-4000-8000-000000000001",
        what=Note(text="Ring the bank together."),
        by_when=date(2026, 12, 1),
        agreed_on=date(2026, 11, 2),
        agreed_in_visit=case_visit.id,
    )
    return action.revised(**changes) if changes else action


def _contact(person_id: str, concern_id: str | None) -> ContactNote:
    return ContactNote(
        person_id=person_id,
        concern_id=concern_id,
        on=date(2026, 11, 9),
        kind=ContactKind.PHONE,
        text=Note.internal("Her daughter rang: the bank visit is booked."),
    )


def test_actions_and_contacts_are_imported_as_records_of_their_own(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    action = _action(case.visit)
    contact = _contact(case.person.id, case.concern.id)
    records = [*case.envelopes(), envelope("action", action), envelope("contact", contact)]

    outcome = office.import_(device.bundle(office.inbox, records))

    assert outcome.checked.reports == []
    assert outcome.checked.verified.manifest.format_version == 2
    counts = office.store.counts()
    assert (counts.records, counts.revisions, counts.conflicts) == (5, 5, 0)
    assert office.store.current_records("action") == [action.model_dump(mode="json")]
    assert office.store.current_records("contact") == [contact.model_dump(mode="json")]
    rows = office.sql("SELECT kind, revision FROM record_revisions ORDER BY kind")
    assert [(str(k), int(r)) for k, r in rows] == [
        ("action", 1),
        ("concern", 1),
        ("contact", 1),
        ("person", 1),
        ("visit", 1),
    ]


def test_a_later_action_snapshot_becomes_current_and_an_older_one_is_history_or_conflict(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    open_ = _action(case.visit)
    done = open_.revised(
        status=ActionStatus.DONE,
        history=[ActionChange(on=date(2026, 11, 30), status=ActionStatus.DONE)],
    )
    reworded = open_.revised(what=Note(text="Ring the bank and the building society."))
    first = device.bundle(office.inbox, [*case.envelopes(), envelope("action", open_)])
    second = device.bundle(office.inbox, [envelope("action", reworded, 2)])
    third = device.bundle(office.inbox, [envelope("action", done, 3)])
    office.import_(first)
    office.import_(third)

    late = office.import_(second)  # the same device's snapshot 2, after its 3: history

    assert not any("conflict" in r for r in late.checked.reports)
    current = office.store.current("action", open_.id)
    assert current is not None
    assert (current.revision, current.bundle_sequence) == (3, 3)
    assert office.store.revision("action", open_.id, 2) is not None
    assert office.store.current_records("action")[0]["status"] == "done"

    other = FakeDevice(device_id="laptop-9", worker="Second Worker")
    office.enrol(other)
    stale = office.import_(other.bundle(office.inbox, [envelope("action", reworded, 1)]))

    assert f"conflict: action {open_.id} revision 1 differs from the one held here" in (
        stale.checked.reports
    )
    [conflict] = office.store.conflicts()
    assert (conflict.kind, conflict.revision, conflict.office_revision) == ("action", 1, 3)
    assert office.store.current_records("action")[0]["status"] == "done"


def test_a_contact_revision_claimed_twice_is_a_conflict_and_the_held_one_stays(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    contact = _contact(case.person.id, None)
    office.import_(device.bundle(office.inbox, [envelope("person", case.person),
                                                envelope("contact", contact)]))  # fmt: skip
    other = FakeDevice(device_id="laptop-9")
    office.enrol(other)
    changed = contact.revised(text=Note.internal("Another call altogether."))

    outcome = office.import_(other.bundle(office.inbox, [envelope("contact", changed)]))

    assert any(r.startswith(f"conflict: contact {contact.id} revision 1") for r in (
        outcome.checked.reports
    ))  # fmt: skip
    assert office.store.current_records("contact") == [contact.model_dump(mode="json")]
    [(kind, reason)] = office.sql("SELECT kind, reason FROM conflicts")
    assert (kind, reason) == (
        "contact",
        "the office already holds this revision with different content",
    )


def test_a_concern_travels_with_its_closure_and_reopenings(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    reopened = case.concern.revised(
        reopenings=[
            Reopening(
                on=date(2026, 11, 20),
                reason=Note.internal("She rang: he is back."),
                was_closed_on=date(2026, 11, 10),
                was_result=SG2cActionResult.CEASED_AT_REQUEST,
            )
        ]
    )
    closed = reopened.revised(
        status=ConcernStatus.CLOSED,
        closed_on=date(2026, 11, 28),
        action_result=SG2cActionResult.NO_RISK_NO_ACTION,
        close_reason=Note.internal("Moved away; nothing further."),
    )
    office.import_(device.bundle(office.inbox, [envelope("concern", closed, 3)]))
    (held,) = office.store.current_records("concern")
    assert Concern.model_validate(held) == closed
    assert held["closed_on"] == "2026-11-28"
    assert held["reopenings"][0]["was_closed_on"] == "2026-11-10"


def test_an_action_that_is_not_a_valid_action_is_refused_and_nothing_changes(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    record = _action(case.visit).model_dump(mode="json")
    record["status"] = "finished"
    bad = RecordEnvelope.wrap("action", 1, record, saved_at="2026-11-20T10:00:00Z", saved_by="x")
    before = office.db_hash()

    with pytest.raises(ContentRejected) as refused:
        office.import_(device.bundle(office.inbox, [bad], advance=False))

    assert refused.value.message.startswith(
        f"The record in 'records/action.{bad.id}.r1.json' is not a valid action: status: "
    )
    assert office.db_hash() == before


def test_a_version_1_bundle_cannot_carry_actions_or_version_2_files(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    old = dataclasses.replace(device, format_version=1)
    action = envelope("action", _action(case.visit))
    before = office.db_hash()

    # A version 2 envelope (an action, or a person) in a bundle whose manifest says 1.
    for records in ([action], [envelope("person", case.person)]):
        with pytest.raises(ContentRejected) as refused:
            office.import_(old.bundle(office.inbox, records, advance=False))
        assert refused.value.message == (
            f"{records[0].file_name!r} is in format version 2, but the bundle's manifest says 1."
        )
    # An envelope claiming version 1 that carries an action.
    files = {
        action.file_name: RecordEnvelope.model_construct(
            **{**dict(action), "format_version": 1}
        ).to_bytes()
    }
    with pytest.raises(ContentRejected) as refused:
        office.import_(old.bundle(office.inbox, files=files, advance=False))
    assert refused.value.message == (
        f"{action.file_name!r} is not valid: file: Value error, a format version 1 envelope "
        "cannot carry the record kind 'action', which came with version 2."
    )
    assert office.db_hash() == before


# --- bundles from devices before the journey (format 1), committed ----------------------


def _fixture_importer(office: Office, *, enrol: bool) -> Importer:
    """The office, opening bundles with the fixture's inbox key (they were sealed to it),
    with the fixture's device enrolled first if asked."""
    inbox = AgeIdentity.from_text((FIXTURE / "inbox.key").read_text("utf-8"))
    keys = dataclasses.replace(office.keys, inbox=inbox)
    if enrol:
        devices.enrol(
            office.store,
            (FIXTURE / "enrolment.json").read_bytes(),
            replace=False,
            now="2026-12-01T09:00:00Z",
        )
    return Importer(office.store, keys, office.layout, clock=lambda: NOW)


def import_fixture_bundles(office: Office, *numbers: int, enrol: bool = True) -> list[str]:
    """Import ``bundle-<n>.mspbundle`` of the fixture; each one's reports, joined."""
    importer = _fixture_importer(office, enrol=enrol)
    notes = []
    for number in numbers:
        outcome = importer.import_bundle(
            (FIXTURE / f"bundle-{number}.mspbundle").read_bytes(),
            source=f"bundle-{number}.mspbundle",
            receipts=office.layout.receipts,
        )
        assert outcome.checked.status == "imported"
        assert outcome.checked.verified.manifest.format_version == 1
        notes.append("; ".join(outcome.checked.reports))
    return notes


def test_format_1_bundles_from_a_device_before_the_journey_still_import(office: Office) -> None:
    assert import_fixture_bundles(office, 1, 2) == ["", ""]

    counts = office.store.counts()
    # Two people, two concerns (one with two snapshots), four visits; 19 audit entries.
    assert (counts.records, counts.revisions, counts.conflicts) == (8, 9, 0)
    assert counts.audit_entries == 19
    assert office.store.current_records("action") == []
    assert office.store.current_records("contact") == []
    visits = [Visit.model_validate(v) for v in office.store.current_records("visit")]
    # What the old device wrote reads with today's model: actions with yes/no "done",
    # plain names of who was present, consent to share as yes/no.
    middle = next(v for v in visits if v.actions)
    assert [a.status for a in middle.actions] == [ActionStatus.OPEN, ActionStatus.DONE]
    assert [p.name for p in middle.present] == ["Sam Fixture-Neighbour"]
    assert middle.consent_to_share.decision is not None
    concerns = {c["id"]: Concern.model_validate(c) for c in office.store.current_records("concern")}
    assert sorted((c.status, c.closed_on) for c in concerns.values()) == [
        (ConcernStatus.CLOSED, None),  # closed the old way: no closing date
        (ConcernStatus.OPEN, None),
    ]
