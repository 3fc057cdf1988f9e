"""A case moved to another worker arrives whole (issue 17, items 2 and 7): the person,
their concern, the colleague's finalised visit, the action agreed at it and a contact
note, taken from one real workspace's bundle and carried to another's in a real office
pack. Not a word is lost; the visit stays as the colleague finalised it; nothing is
sent back; and the new worker carries on from it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from msp_desktop.bundles.pack import Change
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.guide import load_guide
from msp_desktop.model import ContactKind, ContactNote, Note
from msp_desktop.services.export import export_bundles
from msp_desktop.store import Workspace
from msp_desktop.store.outbox import pending_records
from msp_desktop.store.packs import PackRefused
from tests.sync_helpers import (
    Office,
    close,
    finalised_visit,
    person_with_concern,
    ready,
    records_of,
    send_and_acknowledge,
)

ORDER = ("person", "concern", "visit", "action", "contact")
WORDS = "I want my own key back, and to choose who comes in."


def _case_from(workspace: Workspace, office: Office, tmp_path: Path) -> list[RecordEnvelope]:
    """Ada's whole case as the first laptop sent it to the office, parents first."""
    enrolment = ready(workspace, office, "laptop-7")
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern, WORDS)
    note = Note(text="Her nephew rang about the key.")
    on = date(2026, 11, 3)
    contact = ContactNote(person_id=person.id, concern_id=concern.id, on=on,
                          kind=ContactKind.PHONE, text=note)  # fmt: skip
    workspace.contacts.add(contact)
    out = tmp_path / "out"
    out.mkdir()
    [written] = export_bundles(workspace, out).written
    sent = records_of(office.open(written.path.read_bytes(), enrolment)).values()
    return sorted(sent, key=lambda e: ORDER.index(e.kind))


def test_a_case_moved_to_another_worker_arrives_whole(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    office = Office()
    case = _case_from(workspace, office, tmp_path)
    assert [e.kind for e in case] == list(ORDER)
    enrolment = ready(colleague, office, "laptop-8")
    changes = [Change(change="allocate", kind=e.kind, id=e.id, revision=e.revision) for e in case]

    result = colleague.sync.import_pack(office.pack(enrolment, changes, case).data)

    assert result.taken == dict.fromkeys(ORDER, 1)
    person_id = next(e.id for e in case if e.kind == "person")
    visit_id = next(e.id for e in case if e.kind == "visit")
    record = colleague.visits.get(visit_id)
    assert record.is_final
    assert record.visit.desired_outcomes[0].words.text == WORDS
    assert record.visit.model_dump(mode="json") == next(e.record for e in case if e.kind == "visit")
    # As the colleague finalised it: by them, then; frozen here too.
    finalised_by = colleague.db.scalar(
        "SELECT finalised_by FROM visit_revisions WHERE visit_id = ?", (visit_id,)
    )
    assert finalised_by == "Test Worker"
    [action] = colleague.actions.for_person(person_id)
    assert action.what.text == "Ask the bank about a second signatory."
    [note] = json.loads(colleague.db.scalar("SELECT json_group_array(data) FROM contacts"))
    assert "Her nephew rang" in note
    # The office has all of it: nothing goes back, and the sync page says where it came from.
    assert pending_records(colleague.db) == []
    status = colleague.sync.status()
    assert status.counts["finalised"] == 0
    assert {r.kind for r in status.records if r.from_office} == set(ORDER)
    # And the new worker carries on: the next visit brings the person's outcome forward.
    concern_id = next(e.id for e in case if e.kind == "concern")
    following = colleague.visits.begin(concern_id, load_guide().ref, date(2026, 12, 1))
    assert [o.words.text for o in following.desired_outcomes] == [WORDS]


def test_a_visit_of_a_concern_the_pack_does_not_carry_is_refused_whole(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    office = Office()
    case = [e for e in _case_from(workspace, office, tmp_path) if e.kind in ("person", "visit")]
    enrolment = ready(colleague, office, "laptop-8")
    changes = [Change(change="allocate", kind=e.kind, id=e.id, revision=e.revision) for e in case]
    before = colleague.db.all("SELECT count(*) FROM people")

    with pytest.raises(PackRefused, match="gives a visit of a person or concern it does not"):
        colleague.sync.import_pack(office.pack(enrolment, changes, case).data)

    assert colleague.db.all("SELECT count(*) FROM people") == before
    assert colleague.db.all("SELECT count(*) FROM packs_received") == [(0,)]


def test_a_moved_case_closed_here_is_purged_once_the_office_holds_it(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    office = Office()
    case = _case_from(workspace, office, tmp_path)
    enrolment = ready(colleague, office, "laptop-8")
    changes = [Change(change="allocate", kind=e.kind, id=e.id, revision=e.revision) for e in case]
    colleague.sync.import_pack(office.pack(enrolment, changes, case).data)
    concern_id = next(e.id for e in case if e.kind == "concern")
    close(colleague, concern_id)
    assert colleague.sync.purge(0).concerns == 0  # the closing is not at the office yet

    send_and_acknowledge(colleague, office, enrolment, tmp_path / "back")
    purged = colleague.sync.purge(0)

    # The colleague's visit, action and note came from the office: it holds them too.
    assert (purged.concerns, purged.visits, purged.actions, purged.contacts, purged.people) == (
        1, 1, 1, 1, 1)  # fmt: skip
    assert colleague.db.scalar("SELECT count(*) FROM visit_revisions") == 0
