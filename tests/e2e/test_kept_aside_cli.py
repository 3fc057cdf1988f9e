"""The worker is told what the office kept aside, end to end with both real programs:
a person moved to another device at the office (``records transfer``), then changed on
this one; the office keeps that change aside, and ``msp receipts import`` says whose
record it was, which device the office holds it for, and to ask the office."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from msp_desktop.bundles.provisioning import read_provisioning
from tests.e2e.conftest import MspRunner, OfficeRunner
from tests.office_helpers import FakeDevice


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_change_to_a_person_now_held_by_another_device_is_reported(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    stick, receipts = tmp_path / "stick", tmp_path / "receipts"
    stick.mkdir()
    _ok(msp_office("init", "--office-id", "north", "--name", "North Borough ASC"))
    _ok(msp_office("provisioning", "--out", str(tmp_path / "office-keys.json")))
    key_id = read_provisioning((tmp_path / "office-keys.json").read_bytes()).office_key_id
    _ok(msp("demo"))
    _ok(msp("office-keys", "import", str(tmp_path / "office-keys.json"), "--office-key-id", key_id))
    _ok(msp("enrol", "--out", str(tmp_path / "enrolment.json"), "--device-id", "laptop-7"))
    _ok(msp_office("devices", "add", str(tmp_path / "enrolment.json")))
    (first,) = _ok(msp("export", "--to", str(stick))).splitlines()
    _ok(msp_office("import", first, "--receipts", str(receipts)))

    # The office gives one person to a colleague's laptop.
    colleague = tmp_path / "colleague.json"
    colleague.write_bytes(FakeDevice(device_id="laptop-8", worker="A Colleague").enrolment())
    _ok(msp_office("devices", "add", str(colleague)))
    person = json.loads(_ok(msp("people", "list", "--json")))[0]
    _ok(msp_office("records", "transfer", "--person", person["id"], "--to", "laptop-8"))

    # This laptop changes them anyway and sends it.
    _ok(msp("people", "edit", person["id"], "--phone", "01632 960001"))
    (second,) = [
        line for line in _ok(msp("export", "--to", str(stick))).splitlines() if line != first
    ]
    before = set(receipts.iterdir())
    imported = _ok(msp_office("import", second, "--receipts", str(receipts)))
    (receipt,) = set(receipts.iterdir()) - before
    assert str(receipt) in imported

    taken = " ".join(_ok(msp("receipts", "import", str(receipt))).split())
    assert "acknowledged by the office" in taken
    assert (
        f"The office kept 1 change from bundle 2 aside instead of taking it: "
        f"{person['name']}'s details, which the office holds for device laptop-8. Nothing "
        "is lost: the office holds it. Ask the office which version is right before you "
        "change these records again."
    ) in taken
    listed = _ok(msp("sync", "status", "--records"))
    [row] = [line for line in listed.splitlines() if person["id"] in line and "person" in line]
    assert "acknowledged (kept aside by the office)" in row
