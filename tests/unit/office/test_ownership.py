"""Record ownership (issue 16, item 1), on SQLite and PostgreSQL: a record belongs to the
device that first sent it; another device's revision of it never becomes current, is
a conflict naming both devices, is listed in that device's receipt and alerted; and
``msp-office records transfer`` gives a person's records to another device.

Before ownership, device B sending ``person.<A's id>.r999999999.json`` made the forged
record the office's current one, and the statutory report counted it.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from msp_desktop.bundles import verify_receipt
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.model import Concern, SG2cActionResult
from msp_desktop.office.inbox.openapi import openapi_document
from msp_desktop.office.reports.figures import build_report
from tests import builders
from tests.office_helpers import FakeDevice, caseload, envelope
from tests.unit.office.conftest import Office
from tests.unit.office.test_report import YEAR, _closed_case, _row

FORGED = 999_999_999


def _alerts(office: Office) -> list[dict[str, object]]:
    if not office.layout.alerts.exists():
        return []
    lines = office.layout.alerts.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _forged_person(person_record: dict[str, object], revision: int = FORGED) -> RecordEnvelope:
    forged = builders.person("Ada Example").model_validate(
        {**person_record, "local_id": "FORGED-1"}
    )
    return envelope("person", forged, revision)


def test_another_devices_higher_revision_stays_a_conflict_naming_both_devices(
    office: Office, device: FakeDevice, other: FakeDevice
) -> None:
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    own = caseload("Bryn Sample")  # B's own new records in the same bundle are taken
    forged = _forged_person(case.person.model_dump(mode="json"))

    outcome = office.import_(other.bundle(office.inbox, [forged, *own.envelopes()]))

    current = office.store.current("person", case.person.id)
    assert current is not None
    assert (current.revision, current.device_id) == (1, "laptop-7")
    assert office.store.revision("person", case.person.id, FORGED) is None
    assert [r["local_id"] for r in office.store.current_records("person")
            if r["id"] == case.person.id] == [None]  # fmt: skip
    assert office.store.owner("person", case.person.id) == "laptop-7"
    assert office.store.owner("person", own.person.id) == "laptop-b"
    [conflict] = office.store.conflicts()
    assert (conflict.kind, conflict.record_id, conflict.revision) == (
        "person", case.person.id, FORGED,
    )  # fmt: skip
    assert (conflict.device_id, conflict.owner_device_id) == ("laptop-b", "laptop-7")
    assert conflict.reason == "sent by device laptop-b, but the record belongs to device laptop-7"
    assert (
        f"conflict: person {case.person.id} revision {FORGED} is a record of device laptop-7, "
        "not of device laptop-b: kept aside, not made current"
    ) in outcome.checked.reports
    # B's receipt says so, signed by the office.
    receipt = verify_receipt(outcome.receipt.read_bytes(), office.keys.signing.public_key)
    assert receipt.status == "imported"
    assert receipt.conflicts_total == 1
    assert receipt.conflicts is not None
    [listed] = receipt.conflicts
    assert (listed.kind, listed.id, listed.revision, listed.owner) == (
        "person", case.person.id, FORGED, "laptop-7",
    )  # fmt: skip
    assert listed.reason == conflict.reason
    # One alert line, naming both devices.
    [alert] = _alerts(office)
    assert alert["kind"] == "not-owner"
    assert (alert["device"], alert["owners"], alert["records"]) == ("laptop-b", ["laptop-7"], 1)
    assert alert["first"] == [f"person {case.person.id} revision {FORGED}"]
    assert alert["bundle_sha256"] == outcome.checked.verified.sha256
    assert outcome.alert == (
        "Device laptop-b sent 1 revision of records that belong to device laptop-7; they "
        "were kept aside as conflicts, not made current."
    )
    # A's next genuine revision still becomes current.
    genuine = envelope("person", case.person.revised(local_id="LC-2"), 2)
    office.import_(device.bundle(office.inbox, [genuine]))
    current = office.store.current("person", case.person.id)
    assert current is not None
    assert current.revision == 2


def test_a_receipt_without_conflicts_is_as_before_and_a_resent_bundle_lists_them_again(
    office: Office, device: FakeDevice, other: FakeDevice
) -> None:
    case = caseload()
    first = office.import_(device.bundle(office.inbox, case.envelopes()))
    body = json.loads(first.receipt.read_bytes())["receipt"]
    assert "conflicts" not in body
    assert "conflicts_total" not in body
    sealed = other.bundle(office.inbox, [_forged_person(case.person.model_dump(mode="json"))])
    office.import_(sealed)
    first_receipt = verify_receipt(
        (office.layout.receipts / office.import_(sealed).receipt.name).read_bytes(),
        office.keys.signing.public_key,
    )
    assert first_receipt.status == "already-imported"
    assert first_receipt.conflicts is not None
    assert [(c.id, c.owner) for c in first_receipt.conflicts] == [(case.person.id, "laptop-7")]
    assert len(_alerts(office)) == 1  # the same bundle again is no new alert
    # Both receipts are what the published OpenAPI description says a receipt is.
    schema = openapi_document()["components"]["schemas"]["Receipt"]
    listed = json.loads((office.layout.receipts / office.import_(sealed).receipt.name).read_bytes())
    for receipt in (body, listed["receipt"]):
        jsonschema.validate(receipt, schema)
    assert listed["receipt"]["conflicts_total"] == 1


def test_the_report_counts_the_owners_revision_not_another_devices(
    office: Office, device: FakeDevice, other: FakeDevice
) -> None:
    case = _closed_case(action=SG2cActionResult.NO_RISK_NO_ACTION)
    office.import_(device.bundle(office.inbox, case))
    concern = Concern.model_validate(case[1].record)
    forged = concern.revised(action_result=SG2cActionResult.CEASED_AT_REQUEST)
    office.import_(other.bundle(office.inbox, [envelope("concern", forged, revision=FORGED)]))

    sg2c = _row(build_report(office.store, YEAR), "sg2c")
    assert sg2c[SG2cActionResult.NO_RISK_NO_ACTION] == 1
    assert sg2c[SG2cActionResult.CEASED_AT_REQUEST] == 0


def test_a_transfer_makes_the_new_devices_revisions_current_and_the_old_ones_conflicts(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    case = caseload()
    other_person = caseload("Cai Other")  # another person of A's: stays A's
    office.import_(device.bundle(office.inbox, [*case.envelopes(), *other_person.envelopes()]))
    forged = _forged_person(case.person.model_dump(mode="json"))
    office.import_(other.bundle(office.inbox, [forged]))  # before the transfer: a conflict

    code = office.run(
        "records", "transfer", "--person", case.person.id, "--to", "laptop-b",
        "--reason", "Case moved to the second worker",
    )  # fmt: skip

    assert code == 0
    assert capsys.readouterr().out == (
        f"Transferred person {case.person.id} from device laptop-7 to device laptop-b: 3 "
        "records (1 person, 1 concern, 1 visit). From now on only laptop-b's revisions of "
        "them become current; the change is queued for the devices' next office packs.\n"
    )
    # The new device gets the three records in its next pack; the old one lets them go.
    queued = [(q.device_id, q.change, q.kind, q.record_id, q.reason) for q in office.store.queued()]
    why = "Case moved to the second worker"
    assert sorted(queued) == sorted([
        ("laptop-b", "allocate", "person", case.person.id, why),
        ("laptop-b", "allocate", "concern", case.concern.id, why),
        ("laptop-b", "allocate", "visit", case.visit.id, why),
        ("laptop-7", "remove", "person", case.person.id, why),
    ])  # fmt: skip
    for kind, record_id in (("person", case.person.id), ("concern", case.concern.id),
                            ("visit", case.visit.id)):  # fmt: skip
        assert office.store.owner(kind, record_id) == "laptop-b"
    assert office.store.owner("person", other_person.person.id) == "laptop-7"
    [audit] = office.store.transfers()
    assert (audit.person_id, audit.from_device_id, audit.to_device_id, audit.records) == (
        case.person.id, "laptop-7", "laptop-b", 3,
    )  # fmt: skip
    assert audit.reason == "Case moved to the second worker"

    # B's revision now becomes current; A's later one is a conflict naming both.
    new = _forged_person(case.person.model_dump(mode="json"), revision=2)
    office.import_(other.bundle(office.inbox, [new]))
    late = envelope("visit", case.visit.revised(place="Library"), 2)
    outcome = office.import_(device.bundle(office.inbox, [late]))
    current = office.store.current("person", case.person.id)
    assert current is not None
    assert (current.revision, current.device_id) == (2, "laptop-b")
    visit = office.store.current("visit", case.visit.id)
    assert visit is not None
    assert visit.revision == 1
    conflict = office.store.conflicts()[-1]
    assert (conflict.kind, conflict.device_id, conflict.owner_device_id) == (
        "visit", "laptop-7", "laptop-b",
    )  # fmt: skip
    assert outcome.alert is not None
    assert "belong to device laptop-b" in outcome.alert

    # Transferring again to the same device changes nothing and says so.
    before = office.db_hash()
    assert office.run("records", "transfer", "--person", case.person.id, "--to", "laptop-b") == 0
    assert capsys.readouterr().out == (
        f"Person {case.person.id} and their records already belong to device laptop-b; "
        "nothing changed.\n"
    )
    assert office.db_hash() == before


@pytest.mark.parametrize(
    ("person", "to", "code", "message"),
    [
        ("unknown", "laptop-b", 8, "The office holds no person with the id 'unknown' "
         "(a record id, or the local id from the caseload import)."),
        ("Not An Id!", "laptop-b", 8, "The office holds no person with the id 'Not An Id!' "
         "(a record id, or the local id from the caseload import)."),
        ("PERSON", "laptop-x", 8, "No device 'laptop-x' is enrolled here."),
        ("PERSON", "laptop-b", 9, "Device laptop-b was revoked on 2026-11-21T09:00:00Z "
         "(stolen); records cannot be given to a revoked device."),
    ],
)  # fmt: skip
def test_a_transfer_is_refused_in_one_sentence_and_changes_nothing(
    office: Office,
    device: FakeDevice,
    other: FakeDevice,
    capsys: pytest.CaptureFixture[str],
    person: str,
    to: str,
    code: int,
    message: str,
) -> None:
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    if code == 9:
        office.store.revoke_key(other.key.key_id, at="2026-11-21T09:00:00Z", reason="stolen")
    person = case.person.id if person == "PERSON" else person
    before = office.db_hash()
    files = office.files()

    assert office.run("records", "transfer", "--person", person, "--to", to) == code

    assert capsys.readouterr().err == f"msp-office: {message}\n"
    assert office.db_hash() == before
    assert office.files() == files
    assert office.store.owner("person", case.person.id) == "laptop-7"


def test_a_transfer_reason_must_be_one_line(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    before = office.db_hash()
    args = ("records", "transfer", "--person", case.person.id, "--to", "laptop-b")
    assert office.run(*args, "--reason", "two\nlines") == 2
    assert capsys.readouterr().err == (
        "msp-office: The reason must be one line of plain text, at most 500 characters.\n"
    )
    assert office.db_hash() == before
