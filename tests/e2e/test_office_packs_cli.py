"""People allocated at the office reach a fresh laptop without typing, end to end with
both real programs (issue 17, item 7): the council's caseload export imported at the
office, a person allocated to a laptop, the office pack written to a USB stick and
taken with ``msp packs import``; then the person moved to a colleague's laptop, which
gets them in its own pack while the first laptop is told. A pack for another laptop
is refused, and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import MspRunner, OfficeRunner, new_office, ok
from tests.unit.office.test_caseload_csv import HEADER

ADA = (
    "M-1001,Ada Example,Ada,1948-03-02,943 476 5919,1 Fictional Road,01632 960001,Welsh,"
    "large_print,large-print,SAF-1,2026-11-03,Financial or Material Abuse,Own Home,"
    "Other - Known to individual,laptop-7"
)
BRYN = "M-1002,Bryn Sample,,,,,,,,,,,,,,"


def _laptop(msp: MspRunner, office: tuple[Path, str], enrolment: Path, device: str,
            workspace: Path) -> dict[str, str]:  # fmt: skip
    """A fresh workspace that trusts the office and wrote its enrolment file."""
    env = {"MSP_WORKSPACE": str(workspace)}
    keys, key_id = office
    ok(msp("init", "--office-keys", str(keys), "--office-key-id", key_id, env=env))
    ok(msp("enrol", "--out", str(enrolment), "--device-id", device, env=env))
    return env


def _enrolled(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path, *devices: str
) -> list[dict[str, str]]:
    """A new office and a fresh laptop for each device (``laptop-7``: folder ``mine``,
    ``laptop-8``: ``theirs``), each enrolled there; the laptops' environments."""
    office = new_office(msp_office, tmp_path)
    folders = {"laptop-7": "mine", "laptop-8": "theirs"}
    envs = []
    for device in devices:
        enrolment = tmp_path / f"{folders[device]}.json"
        envs.append(_laptop(msp, office, enrolment, device, tmp_path / folders[device]))
        ok(msp_office("devices", "add", str(enrolment)))
    return envs


def test_an_allocated_person_reaches_a_fresh_laptop_and_moves_to_a_colleagues(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    mine, theirs = _enrolled(msp, msp_office, tmp_path, "laptop-7", "laptop-8")
    export = tmp_path / "caseload.csv"
    export.write_text(f"{HEADER}\n{ADA}\n{BRYN}\n", encoding="utf-8")
    ok(msp_office("caseload", "import", "--csv", str(export)))
    stick = tmp_path / "stick"
    stick.mkdir()

    issued = ok(msp_office("packs", "issue", "--out", str(stick)))

    [pack] = sorted(stick.iterdir())
    assert issued == f"Issued pack 1 to device laptop-7 (2 changes): {pack}\n"
    taken = ok(msp("packs", "import", str(pack), env=mine))
    assert taken == f"{pack}: office pack 1 taken: 1 person and 1 concern from the office.\n"
    [ada] = json.loads(ok(msp("people", "list", "--json", env=mine)))
    assert (ada["name"], ada["local_id"]) == ("Ada Example", "M-1001")
    assert json.loads(ok(msp("people", "list", "--json", env=theirs))) == []

    # A pack for laptop-7 cannot be taken by laptop-8: refused, nothing changed.
    refused = msp("packs", "import", str(pack), env=theirs)
    assert refused.returncode == 13
    assert "not sealed to this device's pack key: it is for another device" in refused.stderr
    assert json.loads(ok(msp("people", "list", "--json", env=theirs))) == []

    # The laptop's next export carries its signed receipt for the pack; the office marks
    # the pack acknowledged.
    back = tmp_path / "back"
    back.mkdir()
    [receipt] = ok(msp("export", "--to", str(back), env=mine)).splitlines()
    assert receipt.endswith("laptop-7-pack-000001.pack-receipt.json")
    applied = json.loads(Path(receipt).read_bytes())["pack_receipt"]["applied"]
    assert ok(msp_office("import", receipt)) == (
        f"{receipt}: office pack 1 of device laptop-7 acknowledged (applied {applied})\n"
    )
    [listed] = json.loads(ok(msp_office("packs", "list", "--json")))
    assert listed["acknowledged_at"] is not None

    # The case moves to the colleague: their pack brings Ada, and laptop-7 is told.
    ok(msp_office("allocate", "--person", "M-1001", "--to", "laptop-8", "--reason", "cover"))
    second = tmp_path / "second"
    second.mkdir()
    ok(msp_office("packs", "issue", "--out", str(second)))
    packs = {p.name.split("-pack-")[0]: p for p in second.iterdir()}
    assert ok(msp("packs", "import", str(packs["laptop-8"]), env=theirs)).endswith(
        "office pack 1 taken: 1 person and 1 concern from the office.\n"
    )
    [moved] = json.loads(ok(msp("people", "list", "--json", env=theirs)))
    assert moved["id"] == ada["id"]
    told = ok(msp("packs", "import", str(packs["laptop-7"]), env=mine))
    # Everything of Ada's on laptop-7 is what the office sent it: she leaves at once.
    assert told.endswith(
        "office pack 2 taken. 1 person the office gave to another worker has left this "
        "laptop: everything about them is at the office.\n"
    )
    assert json.loads(ok(msp("people", "list", "--json", env=mine))) == []
    # Taking the same pack again is harmless.
    again = ok(msp("packs", "import", str(packs["laptop-7"]), env=mine))
    assert again == f"{packs['laptop-7']}: office pack 2 was already taken.\n"


def test_a_correction_made_at_the_office_reaches_the_laptop_with_its_reason(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    [mine] = _enrolled(msp, msp_office, tmp_path, "laptop-7")
    export = tmp_path / "caseload.csv"
    export.write_text(f"{HEADER}\n{ADA}\n", encoding="utf-8")
    ok(msp_office("caseload", "import", "--csv", str(export)))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    ok(msp_office("packs", "issue", "--out", str(first)))
    [pack] = sorted(first.iterdir())
    ok(msp("packs", "import", str(pack), env=mine))
    [ada] = json.loads(ok(msp("people", "list", "--json", env=mine)))

    # The manager corrects Ada's date of birth, naming her by the council's id.
    fix = ["--set", "date_of_birth=1948-03-12", "--reason", "checked"]
    corrected = ok(msp_office("records", "correct", "person", "M-1001", *fix))
    assert corrected == (
        f"Corrected person {ada['id']} (date_of_birth) as office revision 2; queued for device "
        "laptop-7 as a correction in its next office pack.\n"
    )
    ok(msp_office("packs", "issue", "--out", str(second)))
    [pack] = sorted(second.iterdir())
    ok(msp("packs", "import", str(pack), env=mine))

    [now] = json.loads(ok(msp("people", "list", "--json", env=mine)))
    assert (ada["date_of_birth"], now["date_of_birth"]) == ("1948-03-02", "1948-03-12")
    assert now["name"] == "Ada Example"
    # A revision the office made and the laptop holds: nothing goes back but the receipts.
    status = ok(msp("sync", "status", "--records", env=mine))
    [row] = [line for line in status.splitlines() if ada["id"] in line and "person" in line]
    assert row.split()[2:5] == ["2", "acknowledged", "(from"]


def test_a_shared_case_reaches_a_colleagues_laptop_to_read_and_leaves_when_the_share_stops(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    mine, theirs = _enrolled(msp, msp_office, tmp_path, "laptop-7", "laptop-8")
    export = tmp_path / "caseload.csv"
    export.write_text(f"{HEADER}\n{ADA}\n", encoding="utf-8")
    ok(msp_office("caseload", "import", "--csv", str(export)))
    ok(msp_office("records", "share", "--person", "M-1001", "--with", "laptop-8",
                  "--reason", "covering while J. Smith is away"))  # fmt: skip
    stick = tmp_path / "stick"
    stick.mkdir()
    ok(msp_office("packs", "issue", "--out", str(stick)))
    packs = {p.name.split("-pack-")[0]: p for p in stick.iterdir()}
    ok(msp("packs", "import", str(packs["laptop-7"]), env=mine))

    told = ok(msp("packs", "import", str(packs["laptop-8"]), env=theirs))

    assert "The office shared 1 person's case with you to read" in told
    [ada] = json.loads(ok(msp("people", "list", "--json", env=theirs)))
    assert ada["local_id"] == "M-1001"
    refused = msp("people", "edit", ada["id"], "--phone", "01632 960888", env=theirs)
    assert refused.returncode == 9
    assert "The office shared this person's case with you to read" in refused.stderr
    [same] = json.loads(ok(msp("people", "list", "--json", env=theirs)))
    assert same == ada
    # The owner's laptop keeps the case as its own.
    ok(msp("people", "edit", ada["id"], "--phone", "01632 960888", env=mine))

    # The share stops: the colleague's next pack lets Ada go at once.
    ok(msp_office("records", "share", "--stop", "--person", "M-1001", "--with", "laptop-8"))
    second = tmp_path / "second"
    second.mkdir()
    ok(msp_office("packs", "issue", "--device", "laptop-8", "--out", str(second)))
    [stop] = sorted(second.iterdir())
    left = ok(msp("packs", "import", str(stop), env=theirs))
    assert "has left this laptop" in left
    assert json.loads(ok(msp("people", "list", "--json", env=theirs))) == []
