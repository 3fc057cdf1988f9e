"""``msp-office caseload import`` and ``allocate`` (issue 17, item 1), on SQLite and
PostgreSQL: the council's people and open concerns become office records, each
allocated person is given to a device with an audit row and queued for its next office
pack, a dry run and a refused file change nothing, and importing again adds nobody twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.office.ownership import UNALLOCATED
from tests.office_helpers import FakeDevice, caseload, envelope
from tests.unit.office.conftest import Office
from tests.unit.office.test_caseload_csv import HEADER, _csv

ADA = (
    "M-1001,Ada Example,Ada,1948-03-02,943 476 5919,1 Fictional Road,01632 960001,Welsh,"
    "large_print,large-print,SAF-1,2026-11-03,Financial or Material Abuse,Own Home,"
    "Other - Known to individual,laptop-7"
)
ADA_AGAIN = "M-1001,Ada Example,Ada,1948-03-02,943 476 5919,1 Fictional Road,01632 960001,"
ADA_AGAIN += "Welsh,large_print,large-print,SAF-2,2026-11-20,Self-Neglect,,,laptop-7"
BRYN = "M-1002,Bryn Sample,,,,,,English,,,SAF-3,2026-11-04,Neglect and Acts of Omission,,,"
BRYN += "Second Worker"
CAI = "M-1003,Cai Other,,,,,,,,,,,,,,"


def _file(office: Office, *rows: str, name: str = "caseload.csv") -> str:
    path = Path(office.root).parent / name
    path.write_bytes(_csv(*rows))
    return str(path)


def _queued(office: Office) -> list[tuple[str, str, str, str]]:
    return sorted((q.device_id, q.change, q.kind, q.record_id) for q in office.store.queued())


def test_an_export_becomes_office_records_given_to_the_devices_it_names(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = _file(office, ADA, ADA_AGAIN, BRYN, CAI)
    capsys.readouterr()

    assert office.run("caseload", "import", "--csv", csv) == 0

    assert capsys.readouterr().out.splitlines() == [
        f"Imported {csv}: 4 rows, no problems.",
        "People: 3 new people added, 0 people already held (left as they are).",
        "Concerns: 3 new concerns added, 0 concerns already held.",
        "Given to device laptop-7: 1 person, queued for its next office pack.",
        "Given to device laptop-b: 1 person, queued for its next office pack.",
        "Not allocated to any device: 1 person (msp-office allocate --person ID --to DEVICE).",
    ]
    people = office.store.caseload_people()
    concerns = office.store.caseload_concerns()
    assert sorted(people) == ["M-1001", "M-1002", "M-1003"]
    assert sorted(concerns) == ["SAF-1", "SAF-2", "SAF-3"]
    ada, bryn, cai = people["M-1001"], people["M-1002"], people["M-1003"]
    # Each record is revision 1, in the envelope a pack will carry, saved by the office.
    stored = office.store.office_revision("person", ada)
    assert stored is not None
    wrapped = RecordEnvelope.model_validate_json(stored.envelope)
    assert (wrapped.revision, wrapped.saved_by, wrapped.reason) == (
        1, "the office", "from the council's caseload export",
    )  # fmt: skip
    assert wrapped.record["name"] == "Ada Example"
    assert wrapped.record["nhs_number"] == "9434765919"
    assert wrapped.record["preferred_language"] == "cy"
    concern = office.store.office_revision("concern", concerns["SAF-1"][0])
    assert concern is not None
    record = RecordEnvelope.model_validate_json(concern.envelope).record
    assert (record["person_id"], record["status"], record["raised_on"]) == (
        ada,
        "open",
        "2026-11-03",
    )
    # Allocated by device id and by the worker's name; Cai is nobody's yet.
    assert office.store.owner("person", ada) == "laptop-7"
    assert office.store.owner("person", bryn) == "laptop-b"
    assert office.store.owner("person", cai) is None
    assert _queued(office) == sorted([
        ("laptop-7", "allocate", "person", ada),
        ("laptop-7", "allocate", "concern", concerns["SAF-1"][0]),
        ("laptop-7", "allocate", "concern", concerns["SAF-2"][0]),
        ("laptop-b", "allocate", "person", bryn),
        ("laptop-b", "allocate", "concern", concerns["SAF-3"][0]),
    ])  # fmt: skip
    audit = {
        (t.person_id, t.from_device_id, t.to_device_id, t.records) for t in office.store.transfers()
    }
    assert audit == {(ada, UNALLOCATED, "laptop-7", 1), (bryn, UNALLOCATED, "laptop-b", 1)}
    # The report reads what devices sent: nothing yet.
    assert office.store.counts().records == 0


def test_a_dry_run_says_what_would_change_and_changes_nothing(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = _file(office, ADA, CAI)
    before = office.db_hash()
    capsys.readouterr()

    assert office.run("caseload", "import", "--csv", csv, "--dry-run") == 0

    assert capsys.readouterr().out.splitlines() == [
        f"Checked {csv}: 2 rows, no problems.",
        "People: 2 new people would be added, 0 people already held (left as they are).",
        "Concerns: 1 new concern would be added, 0 concerns already held.",
        "Would give to device laptop-7: 1 person, queued for its next office pack.",
        "Not allocated to any device: 1 person (msp-office allocate --person ID --to DEVICE).",
        "Dry run: nothing was changed.",
    ]
    assert office.db_hash() == before


def test_a_file_with_problems_imports_nothing_and_names_each(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_device = CAI.removesuffix(",") + ",laptop-zz"
    csv = _file(office, ADA, "M-1009,Dai Example,,2030-01-01,,,,,,,,,,,,", bad_device)
    before = office.db_hash()
    capsys.readouterr()

    assert office.run("caseload", "import", "--csv", csv) == 2

    assert capsys.readouterr().err.splitlines() == [
        "msp-office: Nothing was imported: the caseload export has 1 problem. Correct it in "
        "the file (or in the council's system and export again), then import it again.",
        "Row 3, column date_of_birth: date must not be in the future",
    ]
    assert office.db_hash() == before
    # Once the rows read well, the allocation is checked against the enrolled devices.
    csv = _file(office, ADA, bad_device)
    assert office.run("caseload", "import", "--csv", csv) == 2
    assert capsys.readouterr().err.splitlines()[1:] == [
        "Row 3, column allocated_to: 'laptop-zz' is no enrolled device id or worker here",
    ]
    assert office.db_hash() == before


def test_importing_again_adds_nobody_twice_and_a_new_concern_goes_to_their_device(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    assert office.run("caseload", "import", "--csv", _file(office, ADA, CAI)) == 0
    before = office.db_hash()
    capsys.readouterr()
    assert office.run("caseload", "import", "--csv", _file(office, ADA, CAI, name="again.csv")) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:3] == [
        "People: 0 new people added, 2 people already held (left as they are).",
        "Concerns: 0 new concerns added, 1 concern already held.",
    ]
    assert office.db_hash() == before  # nothing new: nothing written

    assert office.run("caseload", "import", "--csv", _file(office, ADA, ADA_AGAIN)) == 0
    [new_concern] = [
        c for ref, (c, _) in office.store.caseload_concerns().items() if ref == "SAF-2"
    ]
    assert office.store.owner("concern", new_concern) == "laptop-7"
    assert ("laptop-7", "allocate", "concern", new_concern) in _queued(office)
    assert len(office.store.caseload_people()) == 2


def test_a_person_a_worker_typed_in_is_matched_by_local_id_not_made_twice(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    case = caseload()
    typed = case.person.revised(local_id="M-1001")
    office.import_(device.bundle(office.inbox, [envelope("person", typed)]))
    capsys.readouterr()

    assert office.run("caseload", "import", "--csv", _file(office, ADA), "--json") == 0

    done = json.loads(capsys.readouterr().out)
    assert (done["people_added"], done["people_held"], done["concerns_added"]) == (0, 1, 1)
    [row] = done["rows"]
    assert (row["person_id"], row["person"], row["device_id"]) == (typed.id, "held", "laptop-7")
    assert office.store.office_revision("person", typed.id) is None  # the worker's record stands


def test_allocate_gives_a_caseload_person_to_a_device_then_moves_them(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    assert office.run("caseload", "import", "--csv", _file(office, CAI, BRYN)) == 0
    cai = office.store.caseload_people()["M-1003"]
    bryn = office.store.caseload_people()["M-1002"]
    capsys.readouterr()

    assert office.run("allocate", "--person", "M-1003", "--to", "laptop-7") == 0  # by local id
    assert capsys.readouterr().out == (
        f"Allocated person {cai} to device laptop-7: 1 record (1 person), queued for its next "
        "office pack.\n"
    )
    assert office.store.owner("person", cai) == "laptop-7"

    assert office.run("allocate", "--person", bryn, "--to", "laptop-7", "--reason", "cover") == 0
    out = capsys.readouterr().out
    assert "2 records (1 person, 1 concern)" in out
    assert out.endswith(
        "They belonged to laptop-b; that device is told in its next office pack, and lets "
        "them go once the office holds everything of theirs.\n"
    )
    concern = office.store.caseload_concerns()["SAF-3"][0]
    assert [(q.device_id, q.change, q.kind, q.record_id, q.reason) for q in office.store.queued()][
        -3:
    ] == [
        ("laptop-7", "allocate", "person", bryn, "cover"),
        ("laptop-7", "allocate", "concern", concern, "cover"),
        ("laptop-b", "remove", "person", bryn, "cover"),
    ]

    before = office.db_hash()
    assert office.run("allocate", "--person", bryn, "--to", "laptop-7") == 0
    assert "already belong to device laptop-7; nothing changed" in capsys.readouterr().out
    assert office.run("allocate", "--person", "M-4040", "--to", "laptop-7") == 8
    assert "holds no person with the id 'M-4040'" in capsys.readouterr().err
    assert office.db_hash() == before
    assert office.run("devices", "revoke", "laptop-b", "--reason", "stolen") == 0
    before = office.db_hash()
    assert office.run("allocate", "--person", bryn, "--to", "laptop-b") == 9
    assert "records cannot be given to a revoked device" in capsys.readouterr().err
    assert office.db_hash() == before


def test_the_allocated_device_sends_the_person_back_as_its_own(
    office: Office, device: FakeDevice, other: FakeDevice
) -> None:
    assert office.run("caseload", "import", "--csv", _file(office, ADA)) == 0
    ada = office.store.caseload_people()["M-1001"]
    stored = office.store.office_revision("person", ada)
    assert stored is not None
    record = RecordEnvelope.model_validate_json(stored.envelope).record
    changed = RecordEnvelope.wrap(
        "person", 2, {**record, "phone": "01632 960002"}, saved_at="2026-12-01T10:00:00Z",
        saved_by="Test Worker",
    )  # fmt: skip
    # Another device's revision is a conflict; the owner's becomes current.
    second_outcome = office.import_(other.bundle(office.inbox, [changed]))
    assert second_outcome.checked.reports == [
        f"conflict: person {ada} revision 2 is a record of device laptop-7, not of device "
        "laptop-b: kept aside, not made current"
    ]
    outcome = office.import_(device.bundle(office.inbox, [changed]))
    assert outcome.checked.reports == []
    current = office.store.current("person", ada)
    assert current is not None
    assert (current.revision, current.device_id) == (2, "laptop-7")
    assert office.store.owner("person", ada) == "laptop-7"


def test_the_header_names_every_documented_column() -> None:
    documented = Path(__file__).parents[3] / "docs" / "caseload-csv.md"
    text = documented.read_text("utf-8")
    for column in HEADER.split(","):
        assert f"`{column}`" in text
