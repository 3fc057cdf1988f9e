"""``msp-office conflicts show`` and ``conflicts resolve`` (issue 17, item 4), on SQLite
and PostgreSQL: the two revisions compared field by field with the one they started
from; a decision recorded once, audited, and sent on (``incoming`` as a correction in
the owner's next pack); refusals change nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from msp_desktop.bundles.pack import open_pack
from msp_desktop.office.packs import Issued, issue_packs
from tests.office_helpers import FakeDevice, caseload, envelope
from tests.unit.office.conftest import Office

NOW = datetime(2026, 12, 6, 11, 0, tzinfo=UTC)


def _conflict(office: Office, device: FakeDevice, other: FakeDevice) -> tuple[int, str]:
    """laptop-7's person, then laptop-b's revision 2 of them with another phone number."""
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    theirs = case.person.revised(phone="01632 960002")
    office.import_(other.bundle(office.inbox, [envelope("person", theirs, 2)]))
    [conflict] = office.store.conflicts()
    return conflict.id, case.person.id


def test_show_compares_the_two_revisions_with_their_base(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    conflict_id, person_id = _conflict(office, device, other)
    capsys.readouterr()

    assert office.run("conflicts", "show", str(conflict_id)) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        f"Conflict {conflict_id}: person {person_id} revision 2, sent by device laptop-b; "
        "the record belongs to device laptop-7.",
        "Kept aside because: sent by device laptop-b, but the record belongs to device laptop-7.",
        "Base: revision 1; current (the office's): revision 1; incoming (kept aside): revision 2.",
    ]
    [phone] = [line for line in lines if line.startswith("phone")]
    assert phone.split() == ["phone", "—", "—", '"01632', '960002"', "incoming"]
    assert lines[-1] == (
        f"Not resolved yet: msp-office conflicts resolve {conflict_id} --keep "
        "current|incoming --reason TEXT"
    )
    assert office.run("conflicts", "show", str(conflict_id), "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["fields"] == [
        {"name": "phone", "base": None, "current": None, "incoming": "01632 960002",
         "changed_by": "incoming"},
    ]  # fmt: skip
    assert shown["decision"] is None


def test_keeping_the_incoming_revision_sends_it_to_the_owner_as_a_correction(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    conflict_id, person_id = _conflict(office, device, other)
    capsys.readouterr()

    assert office.run("conflicts", "resolve", str(conflict_id), "--keep", "incoming",
                      "--reason", "the new number is right") == 0  # fmt: skip

    assert capsys.readouterr().out == (
        f"Conflict {conflict_id} resolved: the office keeps the incoming revision, as its "
        "revision 3, queued for the record's device as a correction.\n"
    )
    [decision] = office.store.decisions().values()
    assert (decision.keep, decision.reason, decision.office_revision) == (
        "incoming", "the new number is right", 3,
    )  # fmt: skip
    made = office.store.office_revision("person", person_id)
    assert made is not None
    assert json.loads(made.envelope)["record"]["phone"] == "01632 960002"
    [issued] = issue_packs(office.store, office.config, office.keys, device_id="laptop-7", now=NOW)
    assert isinstance(issued, Issued)
    assert device.pack is not None
    pack = open_pack(issued.sealed.data, identity=device.pack,
                     office_key=office.keys.signing.public_key, device_id="laptop-7")  # fmt: skip
    [change] = pack.changes
    assert (change.change, change.id, change.revision) == ("correct", person_id, 3)
    assert change.reason is not None
    assert "the new number is right" in change.reason
    # The list says it is decided.
    assert office.run("conflicts") == 0
    [row] = [line for line in capsys.readouterr().out.splitlines() if person_id in line]
    assert row.rstrip().endswith("kept incoming")
    assert office.run("conflicts", "--json") == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["decision"]["keep"] == "incoming"
    assert listed["decision"]["office_revision"] == 3
    # A decision stands: asked again, refused, nothing changed.
    before = office.db_hash()
    assert office.run("conflicts", "resolve", str(conflict_id), "--keep", "current") == 9
    assert "a decision stands" in capsys.readouterr().err
    assert office.db_hash() == before
    assert office.run("conflicts", "show", str(conflict_id)) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .endswith("kept the incoming revision (the new number is right).")
    )


def test_keeping_the_current_revision_tells_the_sender_in_its_next_pack(
    office: Office, device: FakeDevice, other: FakeDevice
) -> None:
    conflict_id, person_id = _conflict(office, device, other)
    assert office.run("conflicts", "resolve", str(conflict_id), "--keep", "current",
                      "--reason", "the number on file is right") == 0  # fmt: skip
    assert [(q.device_id, q.change, q.record_id) for q in office.store.queued()] == [
        ("laptop-b", "decision", person_id)
    ]
    assert office.store.office_revision("person", person_id) is None

    [issued] = issue_packs(office.store, office.config, office.keys, device_id=None, now=NOW)

    # The sender's pack carries the decision with the office's revision, which stands.
    assert isinstance(issued, Issued)
    assert issued.pack.device_id == "laptop-b"
    assert other.pack is not None
    pack = open_pack(issued.sealed.data, identity=other.pack,
                     office_key=office.keys.signing.public_key, device_id="laptop-b")  # fmt: skip
    [change] = pack.changes
    assert (change.change, change.id, change.revision, change.keep, change.reason) == (
        "decision", person_id, 1, "current", "the number on file is right",
    )  # fmt: skip
    carried = pack.records[("person", person_id, 1)]
    assert carried.record.get("phone") != "01632 960002"  # the office's words, not laptop-b's
    assert office.store.queued() == []


def test_an_unknown_conflict_or_a_bad_reason_changes_nothing(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    conflict_id, _ = _conflict(office, device, other)
    before = office.db_hash()
    assert office.run("conflicts", "--json") == 0
    assert [c["decision"] for c in json.loads(capsys.readouterr().out)] == [None]
    assert office.run("conflicts", "show", "999") == 8
    assert office.run("conflicts", "resolve", "999", "--keep", "current") == 8
    assert "no conflict 999" in capsys.readouterr().err
    assert office.run("conflicts", "resolve", str(conflict_id), "--keep", "current",
                      "--reason", "two\nlines") == 2  # fmt: skip
    assert "one line of plain text" in capsys.readouterr().err
    assert office.db_hash() == before
