"""The worker is told what the office kept aside, end to end with both real programs:
a person moved to another device at the office (``records transfer``), then changed on
this one; the office keeps that change aside, and ``msp receipts import`` says whose
record it was, which device the office holds it for, and to ask the office."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import MspRunner, OfficeRunner, demo_device, new_office, ok
from tests.office_helpers import FakeDevice


def test_a_change_to_a_person_now_held_by_another_device_is_reported(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    stick, receipts = tmp_path / "stick", tmp_path / "receipts"
    stick.mkdir()
    demo_device(msp, new_office(msp_office, tmp_path), tmp_path / "enrolment.json", "laptop-7")
    ok(msp_office("devices", "add", str(tmp_path / "enrolment.json")))
    (first,) = ok(msp("export", "--to", str(stick))).splitlines()
    ok(msp_office("import", first, "--receipts", str(receipts)))

    # The office gives one person to a colleague's laptop.
    colleague = tmp_path / "colleague.json"
    colleague.write_bytes(FakeDevice(device_id="laptop-8", worker="A Colleague").enrolment())
    ok(msp_office("devices", "add", str(colleague)))
    person = json.loads(ok(msp("people", "list", "--json")))[0]
    ok(msp_office("records", "transfer", "--person", person["id"], "--to", "laptop-8"))

    # This laptop changes them anyway and sends it.
    ok(msp("people", "edit", person["id"], "--phone", "01632 960001"))
    (second,) = [
        line for line in ok(msp("export", "--to", str(stick))).splitlines() if line != first
    ]
    before = set(receipts.iterdir())
    imported = ok(msp_office("import", second, "--receipts", str(receipts)))
    (receipt,) = set(receipts.iterdir()) - before
    assert str(receipt) in imported

    taken = " ".join(ok(msp("receipts", "import", str(receipt))).split())
    assert "acknowledged by the office" in taken
    assert (
        f"The office kept 1 change from bundle 2 aside instead of taking it: "
        f"{person['name']}'s details, which the office holds for device laptop-8. Nothing "
        "is lost: the office holds it. Ask the office which version is right before you "
        "change these records again."
    ) in taken
    listed = ok(msp("sync", "status", "--records"))
    [row] = [line for line in listed.splitlines() if person["id"] in line and "person" in line]
    assert "acknowledged (kept aside by the office)" in row
