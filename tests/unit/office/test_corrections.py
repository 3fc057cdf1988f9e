"""``msp-office records correct`` (issue 17, item 2: corrections made at the office), on
SQLite and PostgreSQL: the corrected record becomes the office's next revision with its
reason, goes to the record's device in its next pack, and is what the office's own views
read; every refusal is one sentence and changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from msp_desktop.bundles.pack import open_pack
from msp_desktop.office.packs import Issued, issue_packs
from tests.office_helpers import FakeDevice, caseload
from tests.unit.office.conftest import Office

NOW = datetime(2026, 12, 6, 11, 0, tzinfo=UTC)
REASON = "date of birth checked against the council's record"


def test_a_correction_is_the_offices_next_revision_and_goes_to_the_records_device(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    person_id = case.person.id
    capsys.readouterr()

    assert office.run("records", "correct", "person", person_id,
                      "--set", "date_of_birth=1948-03-02", "--set", "phone=01632 960123",
                      "--reason", REASON) == 0  # fmt: skip

    assert capsys.readouterr().out == (
        f"Corrected person {person_id} (date_of_birth, phone) as office revision 2; queued "
        "for device laptop-7 as a correction in its next office pack.\n"
    )
    made = office.store.office_revision("person", person_id)
    assert made is not None
    assert (made.revision, made.reason) == (2, REASON)
    record = json.loads(made.envelope)["record"]
    assert (record["date_of_birth"], record["phone"], record["name"]) == (
        "1948-03-02", "01632 960123", case.person.name,
    )  # fmt: skip
    # The office's own views read the corrected record.
    [held] = [p for p in office.store.current_records("person") if p["id"] == person_id]
    assert held["phone"] == "01632 960123"
    # The device gets it in its next pack, with the reason.
    [issued] = issue_packs(office.store, office.config, office.keys, device_id=None, now=NOW)
    assert isinstance(issued, Issued)
    assert device.pack is not None
    pack = open_pack(issued.sealed.data, identity=device.pack,
                     office_key=office.keys.signing.public_key, device_id="laptop-7")  # fmt: skip
    [change] = pack.changes
    assert (change.change, change.id, change.revision, change.reason) == (
        "correct", person_id, 2, REASON,
    )  # fmt: skip
    assert pack.records[("person", person_id, 2)].record == record


def test_a_list_field_is_set_as_json_and_an_empty_value_clears(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    concern_id = case.concern.id
    assert office.run("records", "correct", "concern", concern_id, "--set",
                      'risk_types=["Neglect and Acts of Omission", "Self-Neglect"]',
                      "--reason", "the referral named two types") == 0  # fmt: skip
    assert office.run("records", "correct", "person", case.person.id, "--set", "phone=01632 960001",
                      "--reason", "number given at the visit") == 0  # fmt: skip
    assert office.run("records", "correct", "person", case.person.id, "--set", "phone=",
                      "--reason", "the number is no longer hers") == 0  # fmt: skip

    [concern] = office.store.current_records("concern")
    assert concern["risk_types"] == ["Neglect and Acts of Omission", "Self-Neglect"]
    [person] = office.store.current_records("person")
    assert person["phone"] is None
    made = office.store.office_revision("person", case.person.id)
    assert made is not None
    assert made.revision == 3  # each correction follows the last
    # Both corrections of the person go in one pack, as its latest revision.
    [issued] = issue_packs(office.store, office.config, office.keys, device_id=None, now=NOW)
    assert isinstance(issued, Issued)
    assert issued.pack.changes == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["person", "no-such-person", "--set", "phone=1"],
            "The office holds no person with the id 'no-such-person'",
        ),
        (["visit", "{visit}", "--set", "place=Home"], "a visit is amended by its worker"),
        (
            ["person", "{person}", "--set", "shoe_size=9"],
            "A person record has no field 'shoe_size'",
        ),
        (["person", "{person}", "--set", "id=other"], "A correction cannot change id"),
        (["concern", "{concern}", "--set", "person_id=other"], "cannot change person_id"),
        (
            ["person", "{person}", "--set", "date_of_birth=02/03/1948"],
            "The corrected person is not valid: date_of_birth:",
        ),
        (["concern", "{concern}", "--set", "risk_types=[Neglect"], "is not valid JSON"),
        (["person", "{person}", "--set", "phone"], "write FIELD=VALUE"),
        (["person", "{person}", "--set", "name=Ada Example"], "holds those values already"),
        (["person", "{person}", "--set", "phone=1", "--set", "phone=2"], "gives phone twice"),
        (["person", "{person}", "--set", "phone=1", "--reason", "two\nlines"], "one line"),
    ],
)
def test_a_refused_correction_says_why_and_changes_nothing(
    office: Office,
    device: FakeDevice,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    ids = {"person": case.person.id, "concern": case.concern.id, "visit": case.visit.id}
    filled = [a.format(**ids) for a in arguments]
    if "--reason" not in filled:
        filled += ["--reason", REASON]
    before = office.db_hash()
    capsys.readouterr()

    code = office.run("records", "correct", *filled)

    assert code != 0
    assert message in capsys.readouterr().err
    assert office.db_hash() == before
