"""An office decision on a revision it kept aside from this device (issue 17, item 4),
taken from a real pack into a real workspace: the office's revision stands and takes
the place of the worker's sent one, unless the worker changed the record since (then it
is kept beside, never over their words); nothing is sent back for it; a decision for
the device's own words changes nothing here."""

from __future__ import annotations

from pathlib import Path

from msp_desktop.bundles.pack import Change, SealedPack
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.cli.output import pack_sentence
from msp_desktop.services.contacts import chronology
from msp_desktop.store import Workspace
from msp_desktop.store.outbox import pending_records
from msp_desktop.store.packs import PackResult
from tests import builders
from tests.sync_helpers import Office, ready, send_and_acknowledge

PHONE_AT_OFFICE = "01632 960001"


def _allocated(workspace: Workspace, office: Office) -> tuple[bytes, RecordEnvelope, SealedPack]:
    """Pack 1: Ada, allocated to this device, as the office holds her (revision 1)."""
    enrolment = ready(workspace, office)
    person = builders.person("Ada Example", phone=PHONE_AT_OFFICE)
    ada = RecordEnvelope.wrap(
        "person", 1, person.model_dump(mode="json"), saved_at="2026-12-06T09:00:00Z",
        saved_by="the office", reason="from the council's caseload export",
    )  # fmt: skip
    change = Change(change="allocate", kind="person", id=ada.id, revision=1)
    first = office.pack(enrolment, [change], [ada])
    workspace.sync.import_pack(first.data)
    return enrolment, ada, first


def _sent_new_phone(workspace: Workspace, office: Office, enrolment: bytes, folder: Path,
                    person_id: str) -> None:  # fmt: skip
    """The worker changes Ada's phone and sends it (revision 2); the office keeps it aside."""
    changed = workspace.people.get(person_id).revised(phone="01632 960999")
    workspace.people.update(changed)
    send_and_acknowledge(workspace, office, enrolment, folder)
    assert pending_records(workspace.db) == []


def _decision(office: Office, enrolment: bytes, first: SealedPack, ada: RecordEnvelope,
              keep: str) -> SealedPack:  # fmt: skip
    """Pack 2: the office's decision on Ada's revision 2 (``current`` carries revision 1)."""
    reason = "the council holds the number Ada gave at the last review"
    if keep == "current":
        change = Change(change="decision", kind="person", id=ada.id, revision=1, keep="current",
                        reason=reason)  # fmt: skip
        return office.pack(enrolment, [change], [ada], sequence=2, previous=first.sha256)
    change = Change(change="decision", kind="person", id=ada.id, keep="incoming", reason=reason)
    return office.pack(enrolment, [change], [], sequence=2, previous=first.sha256)


def test_the_offices_revision_stands_and_nothing_goes_back_for_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    office = Office()
    enrolment, ada, first = _allocated(workspace, office)
    _sent_new_phone(workspace, office, enrolment, tmp_path / "usb", ada.id)

    result = workspace.sync.import_pack(_decision(office, enrolment, first, ada, "current").data)

    assert result.settled == [("person", ada.id, "current")]
    assert result.kept_aside == []
    assert workspace.people.get(ada.id).phone == PHONE_AT_OFFICE
    # Recorded at the number the device sent, so it is not taken for a change here.
    assert pending_records(workspace.db) == []
    assert workspace.db.one(
        "SELECT revision, change, reason FROM records_received WHERE record_id = ?"
        " ORDER BY revision DESC LIMIT 1",
        (ada.id,),
    ) == (2, "decision", "the council holds the number Ada gave at the last review")
    assert (
        workspace.db.scalar(
            "SELECT count(*) FROM audit WHERE action = 'office_decision' AND entity_id = ?",
            (ada.id,),
        )
        == 1
    )
    [entry] = [e for e in chronology(workspace, ada.id) if e.kind == "office"]
    assert (entry.title, entry.text) == (
        "The office kept its own version",
        "Their details: the council holds the number Ada gave at the last review",
    )
    # The worker's next change follows both: revision 3.
    workspace.people.update(workspace.people.get(ada.id).revised(preferred_name="Addie"))
    [(kind, record_id, revision)] = [(p.kind, p.record_id, p.revision)
                                     for p in pending_records(workspace.db)]  # fmt: skip
    assert (kind, record_id, revision) == ("person", ada.id, 3)


def test_a_record_changed_again_since_keeps_the_workers_words(
    workspace: Workspace, tmp_path: Path
) -> None:
    office = Office()
    enrolment, ada, first = _allocated(workspace, office)
    _sent_new_phone(workspace, office, enrolment, tmp_path / "usb", ada.id)
    mine = workspace.people.get(ada.id).revised(preferred_name="Addie")
    workspace.people.update(mine)  # not sent yet

    result = workspace.sync.import_pack(_decision(office, enrolment, first, ada, "current").data)

    assert result.settled == [("person", ada.id, "current")]
    assert result.kept_aside == [("person", ada.id)]
    assert workspace.people.get(ada.id) == mine
    [office_version] = workspace.sync.office_versions(ada.id)
    assert office_version.theirs["phone"] == PHONE_AT_OFFICE
    assert [p.record_id for p in pending_records(workspace.db)] == [ada.id]


def test_a_decision_to_take_the_devices_words_changes_nothing_here(
    workspace: Workspace, tmp_path: Path
) -> None:
    office = Office()
    enrolment, ada, first = _allocated(workspace, office)
    _sent_new_phone(workspace, office, enrolment, tmp_path / "usb", ada.id)
    before = workspace.db.all("SELECT * FROM people")

    result = workspace.sync.import_pack(_decision(office, enrolment, first, ada, "incoming").data)

    assert result.settled == [("person", ada.id, "incoming")]
    assert result.taken == {}
    assert workspace.db.all("SELECT * FROM people") == before
    assert pending_records(workspace.db) == []


def test_a_decision_settles_an_office_version_kept_beside_before(
    workspace: Workspace, tmp_path: Path
) -> None:
    # The office's correction (revision 2) was kept beside the worker's change; the worker
    # sent theirs; the office kept its own: the note on the person's page goes.
    office = Office()
    enrolment, ada, first = _allocated(workspace, office)
    workspace.people.update(workspace.people.get(ada.id).revised(phone="01632 960999"))
    reason = "number checked with Ada"
    corrected = RecordEnvelope.wrap(
        "person", 2, {**ada.record, "phone": "01632 960002"}, saved_at="2026-12-06T10:00:00Z",
        saved_by="the office", reason=reason,
    )  # fmt: skip
    correct = Change(change="correct", kind="person", id=ada.id, revision=2, reason=reason)
    second = office.pack(enrolment, [correct], [corrected], sequence=2, previous=first.sha256)
    assert workspace.sync.import_pack(second.data).kept_aside == [("person", ada.id)]
    send_and_acknowledge(workspace, office, enrolment, tmp_path / "usb")
    decide = Change(change="decision", kind="person", id=ada.id, revision=2, keep="current",
                    reason=reason)  # fmt: skip
    third = office.pack(enrolment, [decide], [corrected], sequence=3, previous=second.sha256)

    workspace.sync.import_pack(third.data)

    assert workspace.people.get(ada.id).phone == "01632 960002"
    assert workspace.sync.office_versions(ada.id) == []
    assert pending_records(workspace.db) == []


def test_the_command_line_says_what_the_office_decided() -> None:
    decided = PackResult(2, settled=[("person", "p-1", "current")])
    assert pack_sentence(decided) == (
        "office pack 2 taken. After comparing, the office kept its own version of 1 record "
        "you had sent; yours is kept at the office."
    )
