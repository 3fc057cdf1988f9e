"""Quarantine is bounded (issue 16, item 3): anyone with the public inbox key can sign
bundles with throwaway keys, so quarantine keeps at most so much in all and so many
from one key, oldest evicted first with an alert, and keeps only the note and hash of a
large bundle from a key this office never enrolled."""

from __future__ import annotations

import json

import pytest

from msp_desktop.office import devices
from msp_desktop.office.cli.main import main as office_main
from msp_desktop.office.errors import BundleQuarantined
from msp_desktop.office.keys import QuarantineLimits, load_config
from msp_desktop.office.quarantine import list_quarantine
from tests.office_helpers import FakeDevice, caseload
from tests.unit.office.conftest import Office


def _limits(office: Office, **limits: int) -> None:
    """Set ``office.json``'s quarantine limits, as an admin would."""
    config = load_config(office.layout)
    changed = config.model_copy(update={"quarantine": QuarantineLimits(**limits)})
    office.layout.config.write_bytes(changed.to_bytes())


def _quarantine(office: Office, device: FakeDevice, name: str) -> str:
    sealed = device.bundle(office.inbox, caseload(name).envelopes())
    with pytest.raises(BundleQuarantined):
        office.import_(sealed)
    return sealed.sha256


def _alerts(office: Office) -> list[dict[str, object]]:
    if not office.layout.alerts.exists():
        return []
    return [json.loads(line) for line in office.layout.alerts.read_text().splitlines()]


def test_the_defaults_are_those_the_office_guide_gives(office: Office) -> None:
    assert load_config(office.layout).quarantine == QuarantineLimits(
        max_total_mb=1024, max_per_key=20, keep_unenrolled_kb=64, max_notes=10_000
    )


def test_a_large_bundle_from_a_key_never_enrolled_keeps_only_its_note(office: Office) -> None:
    _limits(office, keep_unenrolled_kb=1)  # this test's bundles are a few KiB
    stranger = FakeDevice(device_id="laptop-9")
    sealed = stranger.bundle(office.inbox, caseload().envelopes())
    before = office.db_hash()
    with pytest.raises(BundleQuarantined) as caught:
        office.import_(sealed)
    assert "It was not imported and is too large to keep from a key this office never " in (
        caught.value.message
    )
    assert office.db_hash() == before
    assert not (office.layout.quarantine / f"{sealed.sha256}.mspbundle").exists()
    [note] = list_quarantine(office.layout.quarantine)
    assert note.bundle_sha256 == sealed.sha256
    assert note.kept is False
    assert note.size == len(sealed.data)
    assert note.key_id == stranger.key.key_id


def test_a_revoked_key_keeps_its_bundle_whole(office: Office, device: FakeDevice) -> None:
    _limits(office, keep_unenrolled_kb=1)
    office.import_(device.bundle(office.inbox, caseload().envelopes()))
    devices.revoke(office.store, "laptop-7", reason="laptop stolen", now="2026-11-21T08:00:00Z")
    sha = _quarantine(office, device, "Bryn Sample")
    assert (office.layout.quarantine / f"{sha}.mspbundle").exists()  # evidence, kept


def test_one_key_keeps_only_its_share_the_oldest_going_first(office: Office) -> None:
    _limits(office, max_per_key=2)
    stranger, other = FakeDevice(device_id="laptop-9"), FakeDevice(device_id="laptop-8")
    theirs = _quarantine(office, other, "Cara Test")
    first = _quarantine(office, stranger, "Ann One")
    second = _quarantine(office, stranger, "Ann Two")
    assert _alerts(office) == []
    third = _quarantine(office, stranger, "Ann Three")
    kept = {n.bundle_sha256 for n in list_quarantine(office.layout.quarantine)}
    assert kept == {theirs, second, third}  # the other key's bundle is untouched
    [alert] = _alerts(office)
    assert alert["kind"] == "quarantine-evicted"
    assert alert["evicted"] == {first: f"more than 2 from key {stranger.key.key_id}"}


def test_the_total_is_kept_under_its_limit_oldest_first(office: Office) -> None:
    _limits(office, max_total_mb=1, keep_unenrolled_kb=1024)  # these are kept whole
    strangers = [FakeDevice(device_id=f"laptop-{n}") for n in range(3)]
    big = "x" * 400_000  # each bundle about 0.4 MB: the third is over 1 MiB in all
    shas = []
    for device in strangers:
        padding = {"records/padding.json": json.dumps({"pad": big}).encode()}
        sealed = device.bundle(office.inbox, caseload().envelopes(), files=padding)
        with pytest.raises(BundleQuarantined):
            office.import_(sealed)
        shas.append(sealed.sha256)
    kept = [n.bundle_sha256 for n in list_quarantine(office.layout.quarantine)]
    total = sum(n.size or 0 for n in list_quarantine(office.layout.quarantine) if n.kept)
    assert total <= 1024 * 1024
    assert shas[-1] in kept
    assert shas[0] not in kept
    [alert] = _alerts(office)
    assert alert["evicted"] == {shas[0]: "more than 1 MiB in quarantine"}


def test_a_limit_that_is_not_a_positive_number_is_refused_in_one_sentence(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(office.layout.config.read_text())
    doc["quarantine"] = {"max_per_key": 0}
    office.layout.config.write_text(json.dumps(doc))
    assert office_main(["status", "--dir", str(office.layout.root)]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "office.json" in err
