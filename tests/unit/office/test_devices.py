"""Enrolling, listing, revoking and replacing device keys."""

from __future__ import annotations

import json

import pytest

from msp_desktop.bundles.provisioning import EnrolmentRejected, read_enrolment
from msp_desktop.errors import InvalidInput
from msp_desktop.office import devices
from msp_desktop.office.errors import DeviceNotFound, DeviceRefused
from tests.office_helpers import FakeDevice
from tests.unit.office.conftest import Office

NOW = "2026-11-21T09:00:00Z"


def test_add_list_revoke_through_the_command_line(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = FakeDevice(device_id="laptop-7", worker="Siân Evans")
    enrolment = office.layout.root.parent / "enrolment.json"
    enrolment.write_bytes(laptop.enrolment())

    assert office.run("devices", "add", str(enrolment)) == 0
    out = capsys.readouterr().out
    assert f"Enrolled device laptop-7 (worker Siân Evans) with key {laptop.key.key_id}." in out

    assert office.run("devices", "list") == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["DEVICE", "WORKER", "KEY", "ID", "ENROLLED", "REVOKED"]
    assert laptop.key.key_id in table

    assert office.run("devices", "revoke", "laptop-7", "--reason", "lost on a train") == 0
    assert f"Revoked key {laptop.key.key_id}" in capsys.readouterr().out
    assert office.run("devices", "list", "--json") == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["device_id"] == "laptop-7"
    assert row["revoked_reason"] == "lost on a train"
    assert row["revoked_at"]


def test_adding_the_same_enrolment_again_changes_nothing(office: Office) -> None:
    laptop = FakeDevice()
    office.enrol(laptop)
    before = office.db_hash()
    result = devices.enrol(office.store, laptop.enrolment(), replace=False, now=NOW)
    assert result.already
    assert office.db_hash() == before


def test_a_second_key_for_a_device_needs_replace(office: Office) -> None:
    laptop = FakeDevice()
    office.enrol(laptop)
    new_key = laptop.rotated()
    with pytest.raises(DeviceRefused, match="add --replace"):
        devices.enrol(office.store, new_key.enrolment(), replace=False, now=NOW)
    result = devices.enrol(office.store, new_key.enrolment(), replace=True, now=NOW)
    assert result.replaced is not None
    keys = {k.key_id: k for k in office.store.device_keys()}
    assert not keys[result.replaced.key_id].active
    assert keys[result.replaced.key_id].revoked_reason == (
        f"replaced by key {new_key.key.key_id} (a change signed by this key)"
    )
    assert keys[new_key.key.key_id].active


def test_a_known_key_is_never_enrolled_again(office: Office) -> None:
    laptop = FakeDevice()
    office.enrol(laptop)
    devices.revoke(office.store, "laptop-7", reason="stolen", now=NOW)
    with pytest.raises(DeviceRefused, match="revoked for device laptop-7"):
        devices.enrol(office.store, laptop.enrolment(), replace=True, now=NOW)
    same_key_other_device = FakeDevice(device_id="laptop-8", key=laptop.key)
    with pytest.raises(DeviceRefused, match="a key is enrolled once only"):
        devices.enrol(office.store, same_key_other_device.enrolment(), replace=False, now=NOW)


def test_a_tampered_enrolment_is_refused(office: Office) -> None:
    data = FakeDevice(worker="Test Worker").enrolment().replace(b"Test Worker", b"Evil Worker")
    with pytest.raises(EnrolmentRejected):
        devices.enrol(office.store, data, replace=False, now=NOW)
    assert office.store.device_keys() == []


def test_revoking_an_unknown_device(office: Office) -> None:
    with pytest.raises(DeviceNotFound, match="No device 'laptop-1'"):
        devices.revoke(office.store, "laptop-1", reason="x", now=NOW)


def test_a_revocation_reason_is_one_line(office: Office) -> None:
    office.enrol(FakeDevice())
    with pytest.raises(InvalidInput, match="one line"):
        devices.revoke(office.store, "laptop-7", reason="two\nlines", now=NOW)


def test_an_oversized_enrolment_file_is_not_read(office: Office) -> None:
    big = office.layout.root.parent / "big.json"
    big.write_bytes(b" " * (devices.MAX_SIGNED_BYTES + 1))
    with pytest.raises(InvalidInput, match="is far too large to be an enrolment file"):
        devices.read_small_file(big, "enrolment file")


def test_a_device_from_before_packs_adds_its_pack_key_by_enrolling_again(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    old = FakeDevice(pack=None)
    office.enrol(old)
    stored = office.store.enrolment(old.key.key_id)
    assert stored is not None
    assert read_enrolment(stored).pack_key is None
    updated = FakeDevice(old.device_id, old.worker, old.key)  # the same key, now with a pack key
    path = office.layout.root.parent / "enrolment.json"
    path.write_bytes(updated.enrolment())
    capsys.readouterr()

    assert office.run("devices", "add", str(path)) == 0

    assert capsys.readouterr().out == (
        f"Device laptop-7 is already enrolled with key {old.key.key_id}; the file, signed by "
        "that key, adds the key office packs for it are sealed to, now kept.\n"
    )
    stored = office.store.enrolment(old.key.key_id)
    assert stored is not None
    assert updated.pack is not None
    assert read_enrolment(stored).pack_key == updated.pack.recipient
    before = office.db_hash()
    assert office.run("devices", "add", str(path)) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert office.db_hash() == before
    # Only the key's own signature can name its pack key: another key's file is refused.
    stranger = FakeDevice(old.device_id, old.worker)
    with pytest.raises(DeviceRefused, match="add --replace"):
        devices.enrol(office.store, stranger.enrolment(), replace=False, now=NOW)
    assert office.db_hash() == before
