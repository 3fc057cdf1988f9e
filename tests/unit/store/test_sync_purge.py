"""Purging what the office holds (S25): only closed concerns whose every record (visits,
agreed actions and contact notes too) the office acknowledged, as they are now, longer
ago than the grace period."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from msp_desktop.errors import InvalidInput
from msp_desktop.model import ContactKind, CopyChoice, Person
from msp_desktop.services.contacts import add_contact
from msp_desktop.services.export import export_bundles
from msp_desktop.store import Workspace
from msp_desktop.store.outbox import NothingToExport
from msp_desktop.store.purge import PurgeResult
from tests.sync_helpers import (
    Office,
    amend_and_finalise,
    close,
    concern_for,
    draft_visit,
    finalised_visit,
    person_with_concern,
    ready,
    send_and_acknowledge,
)


@pytest.fixture
def office() -> Office:
    return Office()


@pytest.fixture
def enrolment(workspace: Workspace, office: Office) -> bytes:
    return ready(workspace, office)


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    return tmp_path / "stick"


def _tick() -> None:
    """Let the clock pass the acknowledgement, for a grace period of zero days."""
    time.sleep(0.01)


def _counts(ws: Workspace) -> tuple[int, int, int, int]:
    return (
        int(ws.db.scalar("SELECT count(*) FROM people")),
        int(ws.db.scalar("SELECT count(*) FROM concerns")),
        int(ws.db.scalar("SELECT count(*) FROM visits")),
        int(ws.db.scalar("SELECT count(*) FROM visit_revisions")),
    )


def _journey(ws: Workspace) -> tuple[int, int]:
    """How many agreed actions and contact notes the workspace holds."""
    return (
        int(ws.db.scalar("SELECT count(*) FROM actions")),
        int(ws.db.scalar("SELECT count(*) FROM contacts")),
    )


def _exists(ws: Workspace, table: str, record_id: str) -> bool:
    return bool(ws.db.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (record_id,)))


def _acknowledged_days_ago(ws: Workspace, days: int) -> None:
    moment = datetime.now(UTC) - timedelta(days=days)
    ws.db.execute(
        "UPDATE bundles_sent SET acknowledged_at = ? WHERE acknowledged_at IS NOT NULL",
        (moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),),
    )


def test_a_closed_acknowledged_concern_goes_with_its_visits_and_person(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    person, concern = person_with_concern(workspace)
    first = finalised_visit(workspace, concern, "I want to feel safe.")
    second = finalised_visit(workspace, concern, "I want to see my friends.")
    amend_and_finalise(workspace, second.id, "Place was wrong", "Kitchen")
    workspace.copies.record(first.id, CopyChoice.NO_COPY, None, "en")
    add_contact(
        workspace, person.id, ContactKind.PHONE, "Rang about the bank.", concern_id=concern.id
    )
    add_contact(workspace, person.id, ContactKind.LETTER, "Wrote with the leaflet.")
    close(workspace, concern.id)
    workspace.remember_place({"visit": first.id, "step": "closing"})
    send_and_acknowledge(workspace, office, enrolment, stick)
    assert _counts(workspace) == (1, 1, 2, 3)
    assert _journey(workspace) == (2, 2)  # one action agreed at each visit
    _tick()

    result = workspace.sync.purge(0)

    assert result == PurgeResult(concerns=1, visits=2, people=1, actions=2, contacts=2)
    assert _counts(workspace) == (0, 0, 0, 0)
    assert _journey(workspace) == (0, 0)
    assert workspace.db.scalar("SELECT count(*) FROM copies_given") == 0
    assert workspace.db.scalar("SELECT count(*) FROM purge_permits") == 0
    assert workspace.remembered_place() is None
    entry = workspace.audit_entries()[-1]
    assert (entry.action, entry.entity, entry.entity_id, entry.detail) == (
        "purge",
        "concern",
        concern.id,
        {"visits": 2, "actions": 2, "contacts": 2, "person_removed": True},
    )
    # The audit log keeps the history of what was there: it is never purged.
    assert [e.action for e in workspace.audit_entries(first.id)][:2] == ["create", "finalise"]
    assert workspace.check().healthy
    assert workspace.sync.status().records == []
    with pytest.raises(NothingToExport):
        export_bundles(workspace, stick)
    assert workspace.people.search("") == []
    assert person.id not in {p.id for p in workspace.people.search("")}


def test_the_grace_period_keeps_recent_acknowledgements(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    _, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    close(workspace, concern.id)
    send_and_acknowledge(workspace, office, enrolment, stick)
    _tick()

    assert workspace.sync.purge(1) == PurgeResult(0, 0, 0)
    assert _counts(workspace) == (1, 1, 1, 1)
    assert "purge" not in [e.action for e in workspace.audit_entries()]

    _acknowledged_days_ago(workspace, 10)
    assert workspace.sync.purge(30) == PurgeResult(0, 0, 0)
    assert workspace.sync.purge(11) == PurgeResult(0, 0, 0)
    assert _counts(workspace) == (1, 1, 1, 1)
    assert workspace.sync.purge(9) == PurgeResult(1, 1, 1, 1)
    assert _counts(workspace) == (0, 0, 0, 0)


def test_nothing_to_purge_changes_nothing(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    _, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    send_and_acknowledge(workspace, office, enrolment, stick)  # still open
    _tick()
    counts, entries = _counts(workspace), workspace.audit_entries()
    assert workspace.sync.purge(0) == PurgeResult(0, 0, 0)
    assert _counts(workspace) == counts
    assert workspace.audit_entries() == entries
    assert workspace.check().healthy


def test_a_negative_grace_period_is_refused(workspace: Workspace) -> None:
    with pytest.raises(InvalidInput, match="zero days or more"):
        workspace.sync.purge(-1)


def test_only_the_fully_acknowledged_closed_concern_goes(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    open_person, open_concern = person_with_concern(workspace, "Open Example")
    open_visit = finalised_visit(workspace, open_concern)

    unacked_person, unacked_concern = person_with_concern(workspace, "Unacked Example")
    unacked_visit = finalised_visit(workspace, unacked_concern)

    draft_person, draft_concern = person_with_concern(workspace, "Draft Example")
    finalised_visit(workspace, draft_concern)
    draft = draft_visit(workspace, draft_concern)

    amended_person, amended_concern = person_with_concern(workspace, "Amended Example")
    amended_visit = finalised_visit(workspace, amended_concern)

    changed_person, changed_concern = person_with_concern(workspace, "Changed Example")
    changed_visit = finalised_visit(workspace, changed_concern)

    gone_person, gone_concern = person_with_concern(workspace, "Gone Example")
    gone_visit = finalised_visit(workspace, gone_concern)

    for concern in (unacked_concern, draft_concern, amended_concern, gone_concern):
        close(workspace, concern.id)
    send_and_acknowledge(workspace, office, enrolment, stick)

    # After the receipt: a new revision sent but not acknowledged; an amendment still
    # a draft; a concern changed (closed) after the office acknowledged it. A closed
    # concern's visits change only once it is reopened, and the reopening is a change
    # of the concern too.
    today = date.today()
    workspace.concerns.reopen(unacked_concern.id, "The time was wrong", today)
    amend_and_finalise(workspace, unacked_visit.id, "Time was wrong", "Garden")
    close(workspace, unacked_concern.id)
    (bundle_2,) = export_bundles(workspace, stick).written
    assert bundle_2.records == 2  # the visit's new revision and the concern
    workspace.concerns.reopen(amended_concern.id, "Spelling", today)
    workspace.visits.amend(amended_visit.id, "Spelling")
    close(workspace, amended_concern.id)
    close(workspace, changed_concern.id)
    _tick()

    result = workspace.sync.purge(0)

    assert result == PurgeResult(concerns=1, visits=1, people=1, actions=1)
    assert not _exists(workspace, "concerns", gone_concern.id)
    assert not _exists(workspace, "people", gone_person.id)
    assert not _exists(workspace, "visits", gone_visit.id)
    for person, concern, visit_id in (
        (open_person, open_concern, open_visit.id),
        (unacked_person, unacked_concern, unacked_visit.id),
        (draft_person, draft_concern, draft.id),
        (amended_person, amended_concern, amended_visit.id),
        (changed_person, changed_concern, changed_visit.id),
    ):
        assert _exists(workspace, "people", person.id), person.name
        assert _exists(workspace, "concerns", concern.id), person.name
        assert _exists(workspace, "visits", visit_id), person.name
    assert [r.revision for r in workspace.visits.revisions(unacked_visit.id)] == [1, 2]
    assert [r.status for r in workspace.visits.revisions(amended_visit.id)] == [
        "finalised",
        "draft",
    ]
    assert workspace.check().healthy
    purged = [e for e in workspace.audit_entries() if e.action == "purge"]
    assert [e.entity_id for e in purged] == [gone_concern.id]


def test_the_person_stays_while_a_concern_remains(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    person, first = person_with_concern(workspace)
    second = concern_for(workspace, person)
    finalised_visit(workspace, first)
    close(workspace, first.id)
    send_and_acknowledge(workspace, office, enrolment, stick)
    _tick()

    assert workspace.sync.purge(0) == PurgeResult(concerns=1, visits=1, people=0, actions=1)
    assert _exists(workspace, "people", person.id)
    assert _exists(workspace, "concerns", second.id)
    assert workspace.audit_entries()[-1].detail == {
        "visits": 1,
        "actions": 1,
        "contacts": 0,
        "person_removed": False,
    }

    close(workspace, second.id)
    send_and_acknowledge(workspace, office, enrolment, stick)
    _tick()
    assert workspace.sync.purge(0) == PurgeResult(concerns=1, visits=0, people=1)
    assert _counts(workspace) == (0, 0, 0, 0)
    assert workspace.check().healthy


def test_the_person_stays_when_changed_since_the_office_acknowledged_them(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    close(workspace, concern.id)
    send_and_acknowledge(workspace, office, enrolment, stick)
    workspace.people.update(person.model_copy(update={"preferred_name": "Ada"}))
    _tick()

    assert workspace.sync.purge(0) == PurgeResult(concerns=1, visits=1, people=0, actions=1)
    assert workspace.people.get(person.id).preferred_name == "Ada"
    # The change still goes to the office.
    (written,) = export_bundles(workspace, stick).written
    assert written.records == 1


def _changed_and_back(ws: Workspace, stick: Path, person: Person) -> None:
    """Change the person, send that (not acknowledged), then change them back to what
    the office acknowledged first. (A closed concern cannot change at all: it is
    read-only until reopened, and reopening is kept in its history.)"""
    ws.people.update(person.model_copy(update={"preferred_name": "Ada"}))
    export_bundles(ws, stick)
    ws.people.update(person)


def test_content_changed_back_to_an_acknowledged_snapshot_is_not_purged(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    """The office's latest copy is the unacknowledged change; the device's current state
    (the same as an older snapshot) has not been sent, so purging would lose it."""
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    close(workspace, concern.id)
    send_and_acknowledge(workspace, office, enrolment, stick)
    _changed_and_back(workspace, stick, person)
    _tick()

    # The closed concern and its visit go; the person, whose current state the office
    # has not acknowledged, stays.
    assert workspace.sync.purge(0) == PurgeResult(1, 1, 0, 1)
    assert _exists(workspace, "people", person.id)
    states = {(r.kind, r.state) for r in workspace.sync.status().records}
    assert ("person", "finalised") in states

    # A person is removed only with their last closed concern, so once that has gone
    # the person stays on the caseload (a known limit, in the README's purge notes).
    send_and_acknowledge(workspace, office, enrolment, stick)
    _tick()
    assert workspace.sync.purge(0) == PurgeResult(0, 0, 0)
    assert _exists(workspace, "people", person.id)


def test_finalised_records_stay_undeletable_outside_the_purge(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    _, concern = person_with_concern(workspace)
    visit = finalised_visit(workspace, concern)
    workspace.copies.record(visit.id, CopyChoice.NO_COPY, None, "en")
    other_person, other_concern = person_with_concern(workspace, "Other Example")
    finalised_visit(workspace, other_concern)
    close(workspace, other_concern.id)
    send_and_acknowledge(workspace, office, enrolment, stick)
    _tick()
    assert workspace.sync.purge(0) == PurgeResult(1, 1, 1, 1)  # a purge ran; its permits are gone

    with pytest.raises(Exception, match="finalised revisions are read-only"):
        workspace.db.execute("DELETE FROM visit_revisions WHERE visit_id = ?", (visit.id,))
    with pytest.raises(Exception, match="copy decisions are kept as recorded"):
        workspace.db.execute("DELETE FROM copies_given WHERE visit_id = ?", (visit.id,))
    assert len(workspace.visits.revisions(visit.id)) == 1
    assert len(workspace.copies.for_visit(visit.id)) == 1
    assert not _exists(workspace, "people", other_person.id)


def test_purge_needs_an_acknowledgement_not_just_a_bundle(
    workspace: Workspace, enrolment: bytes, stick: Path
) -> None:
    _, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    close(workspace, concern.id)
    stick.mkdir()
    export_bundles(workspace, stick)
    _tick()
    assert enrolment
    assert workspace.sync.purge(0) == PurgeResult(0, 0, 0)
    assert _counts(workspace) == (1, 1, 1, 1)


def test_a_contact_note_the_office_does_not_hold_yet_keeps_its_concern(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    close(workspace, concern.id)
    send_and_acknowledge(workspace, office, enrolment, stick)
    # A call about the concern after it closed: recorded, not yet at the office.
    note = add_contact(
        workspace,
        person.id,
        ContactKind.PHONE,
        "Daughter rang to say thanks.",
        concern_id=concern.id,
    )
    _tick()
    before = (_counts(workspace), _journey(workspace))

    assert workspace.sync.purge(0) == PurgeResult(0, 0, 0)
    assert (_counts(workspace), _journey(workspace)) == before
    assert ("contact", note.id, "finalised") in {
        (r.kind, r.record_id, r.state) for r in workspace.sync.status().records
    }

    send_and_acknowledge(workspace, office, enrolment, stick)
    _tick()
    assert workspace.sync.purge(0) == PurgeResult(1, 1, 1, actions=1, contacts=1)
    assert (_counts(workspace), _journey(workspace)) == ((0, 0, 0, 0), (0, 0))


def test_an_action_changed_since_the_office_acknowledged_it_keeps_its_concern(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    """Actions travel as snapshots of their own, so the rule holds for each one even
    when its row changes without its concern (as when the schema-5 upgrade copied the
    actions of visits finalised before it into the actions table)."""
    _, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    close(workspace, concern.id)
    send_and_acknowledge(workspace, office, enrolment, stick)
    (action,) = workspace.actions.for_concern(concern.id)
    changed = action.revised(status_note=None, who="Another Worker")
    workspace.db.execute(
        "UPDATE actions SET data = ? WHERE id = ?", (changed.model_dump_json(), action.id)
    )
    _tick()

    assert workspace.sync.purge(0) == PurgeResult(0, 0, 0)
    assert _journey(workspace) == (1, 0)
    assert workspace.actions.get(action.id).who == "Another Worker"

    waiting = [(r.kind, r.record_id, r.state) for r in workspace.sync.status().records]
    assert [w for w in waiting if w[2] != "acknowledged"] == [("action", action.id, "finalised")]
    send_and_acknowledge(workspace, office, enrolment, stick)
    _tick()
    assert workspace.sync.purge(0) == PurgeResult(1, 1, 1, actions=1)


def test_a_persons_own_contact_note_not_at_the_office_keeps_them(
    workspace: Workspace, office: Office, enrolment: bytes, stick: Path
) -> None:
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    close(workspace, concern.id)
    send_and_acknowledge(workspace, office, enrolment, stick)
    note = add_contact(workspace, person.id, ContactKind.EMAIL, "GP surgery wrote back.")
    _tick()

    # The concern (all of it acknowledged) goes; the person and their newer note stay.
    assert workspace.sync.purge(0) == PurgeResult(1, 1, 0, actions=1)
    assert _exists(workspace, "people", person.id)
    assert _exists(workspace, "contacts", note.id)
    assert workspace.audit_entries()[-1].detail == {
        "visits": 1,
        "actions": 1,
        "contacts": 0,
        "person_removed": False,
    }
    assert workspace.check().healthy
