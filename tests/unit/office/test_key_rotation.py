"""Signed key rotation (S24): ``devices add --replace`` needs the old key's signature;
a lost device's key is replaced only with the key id read out, marked and alerted."""

from __future__ import annotations

import json

import pytest

from msp_desktop.bundles import KeyPair
from msp_desktop.bundles.canonical import canonical_json
from msp_desktop.bundles.provisioning import EnrolmentRejected, make_enrolment
from msp_desktop.bundles.rotation import make_link
from msp_desktop.errors import InvalidInput
from msp_desktop.office import devices
from msp_desktop.office.errors import DeviceNotFound, DeviceRefused
from tests.office_helpers import CREATED, FakeDevice
from tests.unit.office.conftest import Office

NOW = "2026-11-21T09:00:00Z"


def test_a_key_change_signed_by_the_enrolled_key_replaces_it(office: Office) -> None:
    laptop = FakeDevice()
    office.enrol(laptop)
    new = laptop.rotated()
    result = devices.enrol(office.store, new.enrolment(), replace=True, now=NOW)
    assert result.replaced is not None
    assert result.replaced.key_id == laptop.key.key_id
    keys = {k.key_id: k for k in office.store.device_keys()}
    assert keys[new.key.key_id].active
    assert keys[new.key.key_id].lost_device is None
    assert not keys[laptop.key.key_id].active


def test_a_chain_of_changes_leads_from_the_enrolled_key(office: Office) -> None:
    # The worker made a new key twice before the office saw the first file.
    laptop = FakeDevice()
    office.enrol(laptop)
    third = laptop.rotated().rotated()
    devices.enrol(office.store, third.enrolment(), replace=True, now=NOW)
    active = [k.key_id for k in office.store.device_keys() if k.active]
    assert active == [third.key.key_id]


def test_replace_without_a_signed_change_is_refused_and_nothing_changes(office: Office) -> None:
    # The attack: someone talks the admin into "replacing" a device's key with their own.
    laptop = FakeDevice()
    office.enrol(laptop)
    before = office.db_hash()
    impostor = FakeDevice(device_id=laptop.device_id)
    with pytest.raises(DeviceRefused) as refused:
        devices.enrol(office.store, impostor.enrolment(), replace=True, now=NOW)
    assert refused.value.message == (
        f"The enrolment file for device laptop-7 does not carry a key change signed by its "
        f"enrolled key {laptop.key.key_id}. On the device, msp enrol --new-key --out FILE "
        "writes one. If the laptop was lost or its workspace wiped, the old key is gone: read "
        "the new key id with the worker and use msp-office devices replace-lost "
        "ENROLMENT.json --confirm-key-id ID --reason TEXT. Nothing was changed."
    )
    assert office.db_hash() == before


def test_a_change_signed_by_some_other_key_is_refused(office: Office) -> None:
    laptop = FakeDevice()
    office.enrol(laptop)
    before = office.db_hash()
    # The impostor signs a "change" from a key of their own: it starts nowhere the office knows.
    impostor = FakeDevice(device_id=laptop.device_id).rotated()
    with pytest.raises(
        DeviceRefused, match=f"No rotation in the enrolment file starts at key {laptop.key.key_id}"
    ):
        devices.enrol(office.store, impostor.enrolment(), replace=True, now=NOW)
    assert office.db_hash() == before


def test_a_change_claiming_the_enrolled_key_without_its_signature_is_refused(
    office: Office,
) -> None:
    laptop = FakeDevice()
    office.enrol(laptop)
    before = office.db_hash()
    new, forger = KeyPair.generate(), KeyPair.generate()
    link = make_link(laptop.device_id, forger, new, CREATED)
    facts = link.model_dump(mode="json", exclude={"old_signature", "new_signature"})
    facts["old_key_id"] = laptop.key.key_id  # names the enrolled key, signed by the forger
    comment = f"msp-key-rotation:1 device:laptop-7 old:{laptop.key.key_id} new:{new.key_id}"
    signed = canonical_json(facts)
    forged = {
        **facts,
        "old_signature": forger.sign(signed, comment),
        "new_signature": new.sign(signed, comment),
    }
    enrolment = make_enrolment(
        device_id="laptop-7", worker="Test Worker", device_key=new, created=CREATED,
        rotations=[type(link).model_validate(forged)],
    )  # fmt: skip
    with pytest.raises(DeviceRefused, match="is not signed by the key it replaces"):
        devices.enrol(office.store, enrolment, replace=True, now=NOW)
    assert office.db_hash() == before


def test_a_change_not_signed_by_the_new_key_is_not_an_enrolment(office: Office) -> None:
    laptop = FakeDevice()
    new = laptop.rotated()
    document = json.loads(new.enrolment())
    link = document["enrolment"]["rotations"][0]
    link["new_signature"] = laptop.rotated().rotations[0].new_signature
    tampered = canonical_json(document)
    with pytest.raises(EnrolmentRejected, match="not signed by the new key"):
        devices.enrol(office.store, tampered, replace=True, now=NOW)


def test_a_device_whose_keys_are_all_revoked_needs_the_lost_device_way(office: Office) -> None:
    laptop = FakeDevice()
    office.enrol(laptop)
    devices.revoke(office.store, "laptop-7", reason="stolen from a car", now=NOW)
    before = office.db_hash()
    with pytest.raises(DeviceRefused, match="Every key of device laptop-7 is revoked"):
        devices.enrol(office.store, FakeDevice().enrolment(), replace=True, now=NOW)
    assert office.db_hash() == before


def test_a_lost_device_needs_the_key_id_read_out(office: Office) -> None:
    laptop = FakeDevice()
    office.enrol(laptop)
    before = office.db_hash()
    new_laptop = FakeDevice()
    with pytest.raises(DeviceRefused) as refused:
        devices.replace_lost(
            office.store, new_laptop.enrolment(), confirm_key_id=laptop.key.key_id,
            reason="laptop stolen", now=NOW,
        )  # fmt: skip
    assert refused.value.message.startswith(
        f"The enrolment file's key id is {new_laptop.key.key_id}, not {laptop.key.key_id} as "
        "confirmed."
    )
    with pytest.raises(InvalidInput, match="one line"):
        devices.replace_lost(
            office.store, new_laptop.enrolment(), confirm_key_id=new_laptop.key.key_id,
            reason="  ", now=NOW,
        )  # fmt: skip
    assert office.db_hash() == before


def test_a_lost_device_is_replaced_and_kept_as_such(office: Office) -> None:
    laptop = FakeDevice()
    office.enrol(laptop)
    new_laptop = FakeDevice()
    result = devices.replace_lost(
        office.store, new_laptop.enrolment(), confirm_key_id=new_laptop.key.key_id.lower(),
        reason="laptop stolen, crime ref 123", now=NOW,
    )  # fmt: skip
    assert result.replaced is not None
    assert result.replaced.key_id == laptop.key.key_id
    keys = {k.key_id: k for k in office.store.device_keys()}
    assert keys[new_laptop.key.key_id].lost_device == "laptop stolen, crime ref 123"
    assert keys[laptop.key.key_id].revoked_reason == (
        f"replaced by key {new_laptop.key.key_id} as a lost device's (not signed by this key)"
    )


def test_lost_device_replacement_is_only_for_a_device_the_office_knows(office: Office) -> None:
    stranger = FakeDevice(device_id="laptop-9")
    with pytest.raises(DeviceNotFound, match="No device 'laptop-9' was ever enrolled here"):
        devices.replace_lost(
            office.store, stranger.enrolment(), confirm_key_id=stranger.key.key_id,
            reason="lost", now=NOW,
        )  # fmt: skip
    assert office.store.device_keys() == []


def test_the_command_line_marks_and_alerts_a_lost_device_key(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = FakeDevice(device_id="laptop-7")
    office.enrol(laptop)
    devices.revoke(office.store, "laptop-7", reason="reported stolen", now=NOW)
    new_laptop = FakeDevice(device_id="laptop-7")
    enrolment = office.layout.root.parent / "enrolment.json"
    enrolment.write_bytes(new_laptop.enrolment())
    capsys.readouterr()
    assert office.run(
        "devices", "replace-lost", str(enrolment), "--confirm-key-id", new_laptop.key.key_id,
        "--reason", "stolen from a car",
    ) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert (
        f"Device laptop-7 was given key {new_laptop.key.key_id} as a lost device's, without a "
        "change signed by its old key; key id confirmed out of band. Reason: stolen from a car"
    ) in out
    [line] = [json.loads(text) for text in office.layout.alerts.read_text().splitlines()]
    assert line["kind"] == "lost-device-key"
    assert line["key_id"] == new_laptop.key.key_id
    assert line["revoked_key_id"] is None  # revoked before, by its own command
    assert f"alerts log as {line['id']}" in out

    assert office.run("devices", "list") == 0
    listing = capsys.readouterr().out
    [row] = [r for r in listing.splitlines() if new_laptop.key.key_id in r and "(lost device)" in r]
    assert row.startswith("laptop-7")
    assert (
        f"Key {new_laptop.key.key_id} of device laptop-7 was enrolled as a lost device's, not "
        "signed by the key before it: stolen from a car"
    ) in listing
    assert office.run("devices", "list", "--json") == 0
    rows = {r["key_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[new_laptop.key.key_id]["lost_device"] == "stolen from a car"
    assert rows[laptop.key.key_id]["lost_device"] is None


def test_the_command_line_refuses_a_wrong_key_id_and_writes_no_alert(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    office.enrol(FakeDevice())
    before = office.db_hash()
    enrolment = office.layout.root.parent / "enrolment.json"
    enrolment.write_bytes(FakeDevice().enrolment())
    code = office.run(
        "devices", "replace-lost", str(enrolment), "--confirm-key-id", "0123456789ABCDEF",
        "--reason", "lost",
    )  # fmt: skip
    assert code == 2
    assert "not 0123456789ABCDEF as confirmed" in capsys.readouterr().err
    assert office.db_hash() == before
    assert not office.layout.alerts.exists()
