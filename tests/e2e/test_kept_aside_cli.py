"""The worker is told what the office kept aside, end to end with both real programs:
a person moved to another device at the office (``records transfer``), then changed on
this one; the office keeps that change aside, and ``msp receipts import`` says whose
record it was, which device the office holds it for, and to ask the office. Then the
office decides (``conflicts resolve --keep current``) and the laptop's next office pack
brings the decision: the office's version is the record there again, and the person,
everything of theirs at the office, leaves the laptop."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import MspRunner, OfficeRunner, demo_device, new_office, ok
from tests.office_helpers import FakeDevice


def _kept_aside(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> tuple[dict[str, str], Path]:
    """A demo person moved to laptop-8, then changed and sent from laptop-7: the office
    keeps the change aside. Returns the person and the receipt for the bundle."""
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
    return person, receipt


def test_a_change_to_a_person_now_held_by_another_device_is_reported(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    person, receipt = _kept_aside(msp, msp_office, tmp_path)

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


def test_the_offices_decision_reaches_the_laptop_in_its_next_pack(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    person, _receipt = _kept_aside(msp, msp_office, tmp_path)
    # Both bundles' receipts: everything the laptop sent is at the office.
    ok(msp("receipts", "import", *map(str, sorted((tmp_path / "receipts").iterdir()))))
    [conflict] = json.loads(ok(msp_office("conflicts", "--json")))
    ok(msp_office("conflicts", "resolve", str(conflict["id"]), "--keep", "current",
                  "--reason", "the number on file is right"))  # fmt: skip
    packs = tmp_path / "packs"
    packs.mkdir()
    ok(msp_office("packs", "issue", "--device", "laptop-7", "--out", str(packs)))
    [pack] = sorted(packs.iterdir())

    told = " ".join(ok(msp("packs", "import", str(pack))).split())

    assert (
        "After comparing, the office kept its own version of 1 record you had sent; "
        "yours is kept at the office." in told
    )
    # The office's version is the record here; everything of theirs is at the office,
    # so the person leaves this laptop, as the transfer asked.
    assert "1 person the office gave to another worker has left this laptop" in told
    assert person["id"] not in ok(msp("people", "list", "--json"))
    # Nothing goes back for the decision but the pack's receipt.
    [pack_receipt] = ok(msp("export", "--to", str(tmp_path / "stick"))).splitlines()
    assert pack_receipt.endswith("laptop-7-pack-000001.pack-receipt.json")
    assert "acknowledged" in ok(msp_office("import", pack_receipt))
