"""Signed key rotation end to end (S24), both sides the real console scripts: a device's
new key replaces the old only with the change signed by it (``msp enrol --new-key``,
``msp-office devices add --replace``), and a lost laptop's replacement needs the key id
read out (``devices replace-lost --confirm-key-id``), marked and alerted."""

from __future__ import annotations

import json
from pathlib import Path

from msp_desktop.bundles import KeyPair
from msp_desktop.bundles.provisioning import make_enrolment, read_enrolment
from tests.e2e.conftest import MspRunner, OfficeRunner, demo_device, new_office, ok


def _keys(msp_office: OfficeRunner) -> list[dict[str, object]]:
    listed: list[dict[str, object]] = json.loads(ok(msp_office("devices", "list", "--json")))
    return listed


def test_a_new_key_replaces_the_old_only_when_the_old_signed_it(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    first = tmp_path / "enrolment.json"
    demo_device(msp, new_office(msp_office, tmp_path), first, "laptop-7")
    ok(msp_office("devices", "add", str(first)))
    old_key = read_enrolment(first.read_bytes()).key_id

    # Someone else's file for the same device, "a replacement" an admin is talked into.
    forged = tmp_path / "forged.json"
    forged.write_bytes(
        make_enrolment(device_id="laptop-7", worker="Test Worker", device_key=KeyPair.generate())
    )
    before = _keys(msp_office)
    refused = msp_office("devices", "add", str(forged), "--replace")
    assert refused.returncode == 2
    assert f"does not carry a key change signed by its enrolled key {old_key}" in " ".join(
        refused.stderr.split()
    )
    assert _keys(msp_office) == before

    # The worker makes a new key on the device: the file carries the signed change.
    second = tmp_path / "enrolment-2.json"
    made = ok(msp("enrol", "--new-key", "--out", str(second)))
    new_key = read_enrolment(second.read_bytes()).key_id
    assert "signed by the old key and the new one" in " ".join(made.split())
    assert f"Device key: {new_key}" in ok(msp("office-keys", "show"))
    added = ok(msp_office("devices", "add", str(second), "--replace"))
    assert f"Revoked the old key {old_key} of device laptop-7, which signed the change" in added
    keys = {k["key_id"]: k for k in _keys(msp_office)}
    assert keys[new_key]["revoked_at"] is None
    assert keys[old_key]["revoked_at"] is not None

    # Bundles signed with the new key are imported.
    (bundle,) = ok(msp("export", "--to", str(stick))).splitlines()
    imported = ok(msp_office("import", bundle))
    assert "imported" in imported


def test_a_lost_laptop_is_replaced_with_the_key_id_read_out(
    msp: MspRunner, msp_office: OfficeRunner, tmp_path: Path
) -> None:
    office = new_office(msp_office, tmp_path)
    for laptop in ("old", "new"):  # the old laptop is lost; the new one starts afresh
        workspace = str(tmp_path / f"workspace-{laptop}")
        demo_device(msp, office, tmp_path / f"{laptop}.json", "laptop-7", MSP_WORKSPACE=workspace)
    old_key = read_enrolment((tmp_path / "old.json").read_bytes()).key_id
    new_key = read_enrolment((tmp_path / "new.json").read_bytes()).key_id
    ok(msp_office("devices", "add", str(tmp_path / "old.json")))

    # The new laptop cannot sign with the lost key: --replace is refused.
    before = _keys(msp_office)
    refused = msp_office("devices", "add", str(tmp_path / "new.json"), "--replace")
    assert refused.returncode == 2
    assert "devices replace-lost" in refused.stderr
    wrong = msp_office(
        "devices", "replace-lost", str(tmp_path / "new.json"),
        "--confirm-key-id", old_key, "--reason", "laptop stolen",
    )  # fmt: skip
    assert wrong.returncode == 2
    assert f"not {old_key} as confirmed" in " ".join(wrong.stderr.split())
    assert _keys(msp_office) == before

    replaced = ok(msp_office(
        "devices", "replace-lost", str(tmp_path / "new.json"),
        "--confirm-key-id", new_key, "--reason", "laptop stolen",
    ))  # fmt: skip
    assert f"(key {old_key}, now revoked)" in replaced
    listing = ok(msp_office("devices", "list"))
    assert "(lost device)" in listing
    alerts = ok(msp_office("alerts", "list"))
    assert f"Device laptop-7 was given key {new_key} as a lost device's" in alerts
