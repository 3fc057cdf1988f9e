"""A colleague's case the office shares with this laptop, to read (issue 17, item 2): a
real workspace's case carried to another real workspace as ``shared`` changes in a real
office pack. It arrives whole and stays read only whatever the caller (the workspace's
triggers); a later visit of the colleague's still arrives; when the office stops
sharing, the person leaves at once; an allocation makes the case this laptop's own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from msp_desktop.bundles.pack import Change, SealedPack
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.errors import RecordReadOnly
from msp_desktop.guide import load_guide
from msp_desktop.model import ContactKind
from msp_desktop.services.contacts import add_contact
from msp_desktop.services.export import export_bundles
from msp_desktop.store import Workspace
from msp_desktop.store.outbox import pending_records
from tests import builders
from tests.sync_helpers import Office, finalised_visit, ready, records_of
from tests.unit.store.test_pack_whole_case import ORDER, _case_from

TABLES = ("people", "concerns", "visits", "visit_revisions", "actions", "contacts")
READ_ONLY = "The office shared this person's case with you to read"


def _state(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    return {t: sorted(ws.db.all(f"SELECT * FROM {t}")) for t in TABLES}


def _changes(change: str, case: list[RecordEnvelope]) -> list[Change]:
    return [Change(change=change, kind=e.kind, id=e.id, revision=e.revision) for e in case]  # type: ignore[arg-type]


def _shared(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> tuple[Office, bytes, list[RecordEnvelope], SealedPack]:
    """laptop-7's whole case, shared with laptop-8 (``colleague``) in its pack 1."""
    office = Office()
    case = _case_from(workspace, office, tmp_path)
    enrolment = ready(colleague, office, "laptop-8")
    pack = office.pack(enrolment, _changes("shared", case), case)
    result = colleague.sync.import_pack(pack.data)
    person_id = next(e.id for e in case if e.kind == "person")
    assert result.shared == [person_id]
    assert result.taken == dict.fromkeys(ORDER, 1)
    return office, enrolment, case, pack


def test_a_shared_case_arrives_whole_and_nothing_goes_back(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    _office, _enrolment, case, _pack = _shared(workspace, colleague, tmp_path)

    person_id = next(e.id for e in case if e.kind == "person")
    visit_id = next(e.id for e in case if e.kind == "visit")
    assert colleague.people.get(person_id).name == "Ada Example"
    assert colleague.visits.get(visit_id).is_final
    assert colleague.sync.is_shared(person_id)
    assert pending_records(colleague.db) == []
    # Nothing is due from this worker: the case is its own worker's to visit.
    [mine] = workspace.people.search("Ada")
    [theirs] = colleague.people.search("Ada")
    assert (mine.shared, mine.visit_due is not None) == (False, True)
    assert (theirs.shared, theirs.visit_due, theirs.overdue_actions) == (True, None, 0)


def test_every_change_to_a_shared_case_is_refused_and_changes_nothing(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    _office, _enrolment, case, _pack = _shared(workspace, colleague, tmp_path)
    person_id = next(e.id for e in case if e.kind == "person")
    concern_id = next(e.id for e in case if e.kind == "concern")
    person = colleague.people.get(person_id)
    before = _state(colleague)
    audit_before = colleague.db.scalar("SELECT count(*) FROM audit")
    attempts = [
        lambda: colleague.people.update(person.revised(phone="01632 960999")),
        lambda: colleague.concerns.add(builders.concern(person)),
        lambda: colleague.visits.begin(concern_id, load_guide().ref, date(2026, 12, 1)),
        lambda: add_contact(colleague, person_id, ContactKind.PHONE, "Rang Ada."),
    ]
    for attempt in attempts:
        with pytest.raises(RecordReadOnly, match=READ_ONLY):
            attempt()
        assert _state(colleague) == before
    assert colleague.db.scalar("SELECT count(*) FROM audit") == audit_before
    assert pending_records(colleague.db) == []


def test_a_later_visit_of_the_colleagues_arrives_on_the_shared_case(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    office, enrolment, case, first = _shared(workspace, colleague, tmp_path)
    concern_id = next(e.id for e in case if e.kind == "concern")
    later = finalised_visit(workspace, workspace.concerns.get(concern_id), "I want to stay home.")
    out = tmp_path / "later"
    out.mkdir()
    [written] = export_bundles(workspace, out).written
    visit = records_of(office.open(written.path.read_bytes(), ready(workspace, office, "laptop-7")))
    [sent] = [e for e in visit.values() if e.kind == "visit" and e.id == later.id]
    second = office.pack(enrolment, _changes("shared", [sent]), [sent], sequence=2,
                         previous=first.sha256)  # fmt: skip

    assert colleague.sync.import_pack(second.data).taken == {"visit": 1}

    got = colleague.visits.get(later.id)
    assert got.is_final
    assert got.visit.desired_outcomes[0].words.text == "I want to stay home."


def test_when_the_office_stops_sharing_the_person_leaves_at_once(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    office, enrolment, case, first = _shared(workspace, colleague, tmp_path)
    person_id = next(e.id for e in case if e.kind == "person")
    stop = Change(change="remove", kind="person", id=person_id)
    second = office.pack(enrolment, [stop], [], sequence=2, previous=first.sha256)

    result = colleague.sync.import_pack(second.data)

    assert result.released == [person_id]
    assert colleague.people.search("Ada") == []
    assert not colleague.sync.is_shared(person_id)
    assert all(rows == [] for rows in _state(colleague).values())


def test_a_shared_person_allocated_to_this_laptop_becomes_its_own(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    office, enrolment, case, first = _shared(workspace, colleague, tmp_path)
    person_id = next(e.id for e in case if e.kind == "person")
    ada = [e for e in case if e.kind == "person"]
    moved = RecordEnvelope.wrap("person", 2, ada[0].record, saved_at="2026-12-06T10:00:00Z",
                                saved_by="the office", reason="case moved")  # fmt: skip
    give = Change(change="allocate", kind="person", id=person_id, revision=2)
    second = office.pack(enrolment, [give], [moved], sequence=2, previous=first.sha256)

    colleague.sync.import_pack(second.data)

    assert not colleague.sync.is_shared(person_id)
    colleague.people.update(colleague.people.get(person_id).revised(phone="01632 960999"))
    assert colleague.people.get(person_id).phone == "01632 960999"


def test_a_share_stopped_and_made_again_before_the_laptop_heard_keeps_the_case(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    # The office's queue then holds the removal first, then the case again.
    office = Office()
    case = _case_from(workspace, office, tmp_path)
    enrolment = ready(colleague, office, "laptop-8")
    person_id = next(e.id for e in case if e.kind == "person")
    stop = Change(change="remove", kind="person", id=person_id)
    pack = office.pack(enrolment, [stop, *_changes("shared", case)], case)

    result = colleague.sync.import_pack(pack.data)

    assert result.released == []
    assert colleague.sync.is_shared(person_id)
    assert colleague.people.get(person_id).name == "Ada Example"
    assert colleague.sync.status().leaving == []


def test_a_person_given_away_then_shared_back_becomes_read_only_here(
    workspace: Workspace, colleague: Workspace, tmp_path: Path
) -> None:
    # Ada is laptop-8's own, with a change not yet sent; the office gives her to another
    # laptop and shares her back with this one (the worker covers): read only from now.
    office = Office()
    case = _case_from(workspace, office, tmp_path)
    enrolment = ready(colleague, office, "laptop-8")
    first = office.pack(enrolment, _changes("allocate", case), case)
    colleague.sync.import_pack(first.data)
    person_id = next(e.id for e in case if e.kind == "person")
    colleague.people.update(colleague.people.get(person_id).revised(phone="01632 960321"))
    stop = Change(change="remove", kind="person", id=person_id)
    second = office.pack(enrolment, [stop, *_changes("shared", case)], case, sequence=2,
                         previous=first.sha256)  # fmt: skip

    colleague.sync.import_pack(second.data)

    assert colleague.sync.is_shared(person_id)
    assert colleague.sync.status().leaving == []
    # The worker's words stay, and still go to the office; the record is read only now.
    assert colleague.people.get(person_id).phone == "01632 960321"
    assert [p.record_id for p in pending_records(colleague.db)] == [person_id]
    with pytest.raises(RecordReadOnly, match=READ_ONLY):
        colleague.people.update(colleague.people.get(person_id).revised(phone="01632 960322"))
