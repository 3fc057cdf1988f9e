"""Unknown and revoked device keys (S24): quarantined, the database untouched."""

from __future__ import annotations

import json

import pytest

from msp_desktop.office import devices
from msp_desktop.office.errors import BundleQuarantined
from msp_desktop.office.quarantine import list_quarantine
from tests.office_helpers import FakeDevice, caseload
from tests.platforms import assert_mode
from tests.unit.office.conftest import Office


def test_an_unknown_device_is_quarantined_and_the_database_unchanged(office: Office) -> None:
    stranger = FakeDevice(device_id="laptop-9")
    sealed = stranger.bundle(office.inbox, caseload().envelopes())
    before = office.db_hash()

    with pytest.raises(BundleQuarantined) as caught:
        office.import_(sealed, source="laptop-9-000001.mspbundle")

    message = caught.value.message
    assert f"signed by key {stranger.key.key_id}, which is not enrolled here" in message
    assert "(it claims to be device laptop-9 sequence 1)" in message
    assert "msp-office devices add" in message
    assert caught.value.exit_code == 13
    assert office.db_hash() == before
    kept = office.layout.quarantine / f"{sealed.sha256}.mspbundle"
    assert kept.read_bytes() == sealed.data
    assert_mode(kept, 0o600)
    note = json.loads((office.layout.quarantine / f"{sealed.sha256}.json").read_text())
    assert note["key_id"] == stranger.key.key_id
    assert note["claimed_device_id"] == "laptop-9"
    assert note["source"] == "laptop-9-000001.mspbundle"
    assert "not enrolled" in note["reason"]
    [listed] = list_quarantine(office.layout.quarantine)
    assert listed.bundle_sha256 == sealed.sha256


def test_after_enrolment_the_quarantined_file_imports_and_leaves_quarantine(
    office: Office,
) -> None:
    stranger = FakeDevice(device_id="laptop-9")
    sealed = stranger.bundle(office.inbox, caseload().envelopes())
    with pytest.raises(BundleQuarantined):
        office.import_(sealed)
    with pytest.raises(BundleQuarantined):  # seen twice: still one entry, first time kept
        office.import_(sealed)
    assert len(list_quarantine(office.layout.quarantine)) == 1

    office.enrol(stranger)
    kept = office.layout.quarantine / f"{sealed.sha256}.mspbundle"
    outcome = office.importer().import_bundle(
        kept.read_bytes(), source=kept.name, receipts=office.layout.receipts
    )

    assert outcome.checked.status == "imported"
    assert outcome.released
    assert list_quarantine(office.layout.quarantine) == []


def test_a_revoked_device_is_quarantined(office: Office, device: FakeDevice) -> None:
    office.import_(device.bundle(office.inbox, caseload().envelopes()))
    devices.revoke(office.store, "laptop-7", reason="laptop stolen", now="2026-11-21T08:00:00Z")
    later = device.bundle(office.inbox, caseload("Bryn Sample").envelopes())
    before = office.db_hash()

    with pytest.raises(BundleQuarantined) as caught:
        office.import_(later)

    assert "which was revoked on 2026-11-21T08:00:00Z (laptop stolen)" in caught.value.message
    assert "never trusted again" in caught.value.message
    assert office.db_hash() == before
    assert (office.layout.quarantine / f"{later.sha256}.mspbundle").exists()


def test_a_bundle_imported_before_revocation_still_gets_a_receipt(
    office: Office, device: FakeDevice
) -> None:
    sealed = device.bundle(office.inbox, caseload().envelopes())
    office.import_(sealed)
    devices.revoke(office.store, "laptop-7", reason="new laptop", now="2026-11-21T08:00:00Z")
    assert office.import_(sealed).checked.status == "already-imported"


def test_a_replaced_key_quarantines_the_old_one(office: Office, device: FakeDevice) -> None:
    replacement = device.rotated()
    office.enrol(replacement, replace=True)
    with pytest.raises(BundleQuarantined, match="replaced by key"):
        office.import_(device.bundle(office.inbox, caseload().envelopes()))
    outcome = office.import_(replacement.bundle(office.inbox, caseload().envelopes()))
    assert outcome.checked.status == "imported"


def test_verify_names_the_quarantine_but_writes_nothing(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = FakeDevice(device_id="laptop-9")
    path = office.write(stranger.bundle(office.inbox, caseload().envelopes()))
    before = office.files()
    assert office.run("verify", str(path)) == 13
    err = capsys.readouterr().err
    assert "not enrolled here" in err
    assert "Importing it would keep it in quarantine" in err
    assert office.files() == before
