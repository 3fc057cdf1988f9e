"""``msp-office`` in this process: help, verify, import lines, lists and status."""

from __future__ import annotations

import json

import pytest

from msp_desktop.bundles import verify_receipt
from msp_desktop.office.cli.main import build_parser
from tests.office_helpers import FakeDevice, caseload, envelope
from tests.unit.office.conftest import Office

SUBCOMMANDS = [
    ["init"], ["provisioning"], ["devices", "add"], ["devices", "list"], ["devices", "revoke"],
    ["verify"], ["import"], ["conflicts"], ["quarantine", "list"], ["status"],
]  # fmt: skip


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_has_help(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([*words, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: msp-office " + " ".join(words))
    if words != ["init"]:
        assert "--dir OFFICE" in out


def test_verify_accepts_without_writing(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    path = office.write(device.bundle(office.inbox, caseload().envelopes()))
    before, files = office.db_hash(), office.files()
    assert office.run("verify", str(path)) == 0
    out = capsys.readouterr().out
    assert (
        out
        == f"{path}: would be accepted: device laptop-7 sequence 1, 3 records, 2 audit entries\n"
    )
    assert office.db_hash() == before
    assert office.files() == files


def test_verify_reports_what_import_would(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    device.bundle(office.inbox, caseload().envelopes())  # never arrives
    path = office.write(device.bundle(office.inbox, caseload("Bryn").envelopes()))
    assert office.run("verify", str(path)) == 0
    out = capsys.readouterr().out
    assert "would be accepted: device laptop-7 sequence 2" in out
    assert f"{path}: note: sequence 1 of device laptop-7 not received yet" in out


def test_verify_of_an_imported_bundle(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed = device.bundle(office.inbox, caseload().envelopes())
    office.import_(sealed)
    assert office.run("verify", str(office.write(sealed))) == 0
    assert "already imported on 2026-11-21T09:00:00Z" in capsys.readouterr().out


def test_verify_refuses_a_bundle_for_another_office(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    from msp_desktop.bundles import AgeIdentity

    path = office.write(device.bundle(AgeIdentity.generate().recipient, caseload().envelopes()))
    assert office.run("verify", str(path)) == 13
    assert capsys.readouterr().err == (
        f"msp-office: {path}: The bundle is not encrypted to this office's inbox key.\n"
    )


def test_import_several_bundles_reports_each_and_exits_with_the_first_failure(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    first = office.write(device.bundle(office.inbox, caseload().envelopes()), "1.mspbundle")
    device.bundle(office.inbox, caseload("Lost").envelopes())
    third = office.write(device.bundle(office.inbox, caseload("Cai").envelopes()), "3.mspbundle")
    stranger = FakeDevice(device_id="laptop-9")
    unknown = office.write(stranger.bundle(office.inbox, caseload().envelopes()), "x.mspbundle")
    receipts = office.layout.root.parent / "receipts"

    code = office.run("import", str(first), str(unknown), str(third), str(first),
                      "--receipts", str(receipts))  # fmt: skip

    assert code == 13
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert out[0].startswith(f"{first}: imported: device laptop-7 sequence 1, 3 records")
    assert f"; receipt {receipts / 'laptop-7-000001-'}" in out[0]
    assert out[1].startswith(f"{third}: imported: device laptop-7 sequence 3")
    assert (
        out[2] == f"{third}: note: sequence 2 of device laptop-7 not received yet (a gap before it)"
    )
    assert any(line.startswith(f"{first}: already imported on ") for line in out)
    [err] = captured.err.splitlines()
    assert err.startswith(f"msp-office: {unknown}: The bundle is signed by key")
    names = sorted(p.name for p in receipts.iterdir())
    assert len(names) == 2
    assert all(n.startswith("laptop-7-00000") and n.endswith(".receipt.json") for n in names)
    for receipt in receipts.iterdir():
        verify_receipt(receipt.read_bytes(), office.keys.signing.public_key)


def test_conflicts_quarantine_and_status_lists(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    changed = envelope("visit", case.visit.revised(place="Elsewhere"), 1)
    office.import_(device.bundle(office.inbox, [changed]))
    stranger = FakeDevice(device_id="laptop-9")
    unknown = office.write(stranger.bundle(office.inbox, caseload().envelopes()))
    office.run("import", str(unknown))
    capsys.readouterr()

    assert office.run("conflicts") == 0
    table = capsys.readouterr().out
    assert case.visit.id in table
    assert "different content" in table
    assert office.run("conflicts", "--json") == 0
    [conflict] = json.loads(capsys.readouterr().out)
    assert (conflict["kind"], conflict["revision"], conflict["office_revision"]) == (
        "visit", 1, 1,
    )  # fmt: skip

    assert office.run("quarantine", "list") == 0
    out = capsys.readouterr().out
    assert stranger.key.key_id in out
    assert "laptop-9" in out
    assert "msp-office import" in out
    assert office.run("quarantine", "list", "--json") == 0
    [note] = json.loads(capsys.readouterr().out)
    assert note["claimed_device_id"] == "laptop-9"

    assert office.run("status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert status["office_id"] == "north-council"
    wanted = {"devices": 1, "bundles": 2, "records": 3, "conflicts": 1, "quarantined": 1}
    assert {k: status[k] for k in wanted} == wanted
    assert office.run("status") == 0
    out = capsys.readouterr().out
    assert "bundles imported: 2" in out
    assert "quarantined bundles: 1" in out


def test_empty_lists_say_so(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    for words, text in (
        (["devices", "list"], "No devices are enrolled."),
        (["conflicts"], "No conflicts."),
        (["quarantine", "list"], "No bundles are in quarantine."),
    ):
        assert office.run(*words) == 0
        assert capsys.readouterr().out == text + "\n"
