"""``msp-office`` end to end, as the office admin runs it: the real console script.

init -> provisioning -> devices add -> verify -> import -> receipt, then the stock
tools: ``age -d -i OFFICE/keys/inbox.key BUNDLE`` opens a bundle made for this office
and ``minisign`` checks a receipt with ``office.pub``.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

from msp_desktop.bundles import canonical_json, verify_receipt
from msp_desktop.bundles.provisioning import Provisioning, read_provisioning
from tests.e2e.conftest import OfficeRunner
from tests.office_helpers import FakeDevice, caseload, envelope
from tests.tools import require_tools


def _db_hash(office_dir: Path) -> str:
    return hashlib.sha256((office_dir / "office.db").read_bytes()).hexdigest()


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("msp-office: ")
    return lines[0]


def _set_up(msp_office: OfficeRunner, tmp_path: Path) -> tuple[Provisioning, FakeDevice]:
    created = msp_office("init", "--office-id", "north-council",
                  "--name", "North Council Adult Safeguarding")  # fmt: skip
    assert created.returncode == 0, created.stderr
    match = re.search(r"^Office key id: ([0-9A-F]{16})$", created.stdout, re.MULTILINE)
    assert match, created.stdout
    keys_file = tmp_path / "office-keys.json"
    provisioned = msp_office("provisioning", "--out", str(keys_file))
    assert provisioned.returncode == 0, provisioned.stderr
    provisioning = read_provisioning(keys_file.read_bytes(), expected_key_id=match[1])

    laptop = FakeDevice(device_id="laptop-7", worker="Siân Evans")
    enrolment = tmp_path / "enrolment.json"
    enrolment.write_bytes(laptop.enrolment())
    added = msp_office("devices", "add", str(enrolment))
    assert added.returncode == 0, added.stderr
    assert laptop.key.key_id in added.stdout
    return provisioning, laptop


def test_init_provision_enrol_import_and_receipt(
    msp_office: OfficeRunner, tmp_path: Path, office_dir: Path
) -> None:
    provisioning, laptop = _set_up(msp_office, tmp_path)
    bundle = tmp_path / "laptop-7-000001.mspbundle"
    sealed = laptop.bundle(provisioning.inbox, caseload().envelopes())
    bundle.write_bytes(sealed.data)

    checked = msp_office("verify", str(bundle))
    assert checked.returncode == 0, checked.stderr
    assert "would be accepted: device laptop-7 sequence 1, 3 records" in checked.stdout

    receipts = tmp_path / "receipts"
    imported = msp_office("import", str(bundle), "--receipts", str(receipts))
    assert imported.returncode == 0, imported.stderr
    receipt_path = receipts / f"laptop-7-000001-{sealed.sha256[:12]}.receipt.json"
    assert f"receipt {receipt_path}" in imported.stdout
    receipt = verify_receipt(
        receipt_path.read_bytes(), provisioning.office_key, bundle_sha256=sealed.sha256
    )
    assert receipt.status == "imported"

    before = _db_hash(office_dir)
    again = msp_office("import", str(bundle), "--receipts", str(receipts))
    assert again.returncode == 0, again.stderr
    assert "already imported" in again.stdout
    assert _db_hash(office_dir) == before
    assert verify_receipt(receipt_path.read_bytes(), provisioning.office_key).status == (
        "already-imported"
    )

    tampered = tmp_path / "tampered.mspbundle"
    data = bytearray(sealed.data)
    data[-20] ^= 1
    tampered.write_bytes(bytes(data))
    refused = msp_office("import", str(tampered), "--receipts", str(receipts))
    assert refused.returncode == 13
    assert "not a readable age file" in _one_line(refused.stderr)
    assert _db_hash(office_dir) == before

    status = msp_office("status", "--json")
    assert status.returncode == 0, status.stderr
    counts = json.loads(status.stdout)
    assert (counts["devices"], counts["bundles"], counts["records"]) == (1, 1, 3)

    listed = msp_office("devices", "list", "--json")
    assert [d["device_id"] for d in json.loads(listed.stdout)] == ["laptop-7"]


def test_errors_are_one_line_and_help_works(msp_office: OfficeRunner, tmp_path: Path) -> None:
    helped = msp_office("--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("usage: msp-office")
    missing = msp_office("status")
    assert missing.returncode == 3
    assert "msp-office init" in _one_line(missing.stderr)


def test_stock_age_opens_a_bundle_and_minisign_checks_a_receipt(
    msp_office: OfficeRunner, tmp_path: Path, office_dir: Path
) -> None:
    require_tools("age", package="age")
    require_tools("minisign", package="minisign")
    provisioning, laptop = _set_up(msp_office, tmp_path)
    bundle = tmp_path / "laptop-7-000001.mspbundle"
    sealed = laptop.bundle(provisioning.inbox, caseload().envelopes())
    bundle.write_bytes(sealed.data)

    inner = tmp_path / "inner.tar"
    opened = subprocess.run(
        ["age", "-d", "-i", str(office_dir / "keys" / "inbox.key"), "-o", str(inner), str(bundle)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    assert inner.read_bytes()[:13] == b"manifest.json"

    receipts = tmp_path / "receipts"
    assert msp_office("import", str(bundle), "--receipts", str(receipts)).returncode == 0
    [receipt] = receipts.iterdir()
    document = json.loads(receipt.read_text())
    body = tmp_path / "receipt-body.json"
    body.write_bytes(canonical_json(document["receipt"]))
    (tmp_path / "receipt-body.json.minisig").write_text(document["signature"])
    checked = subprocess.run(
        ["minisign", "-Vm", str(body), "-p", str(office_dir / "keys" / "office.pub")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert f"bundle_sha256:{sealed.sha256}" in checked.stdout


def test_another_devices_revision_is_kept_aside_and_a_transfer_moves_the_person(
    msp_office: OfficeRunner, tmp_path: Path, office_dir: Path
) -> None:
    provisioning, laptop = _set_up(msp_office, tmp_path)
    case = caseload()
    genuine = tmp_path / "laptop-7-000001.mspbundle"
    genuine.write_bytes(laptop.bundle(provisioning.inbox, case.envelopes()).data)
    assert msp_office("import", str(genuine)).returncode == 0
    forger = FakeDevice(device_id="laptop-b", worker="Second Worker")
    (tmp_path / "b.json").write_bytes(forger.enrolment())
    assert msp_office("devices", "add", str(tmp_path / "b.json")).returncode == 0
    forged = envelope("person", case.person.revised(local_id="FORGED-1"), 999_999_999)
    sealed = forger.bundle(provisioning.inbox, [forged])
    bundle = tmp_path / "laptop-b-000001.mspbundle"
    bundle.write_bytes(sealed.data)
    receipts = tmp_path / "receipts"

    imported = msp_office("import", str(bundle), "--receipts", str(receipts))

    assert imported.returncode == 0, imported.stderr
    assert (
        f"{bundle}: ALERT: Device laptop-b sent 1 revision of records that belong to device "
        "laptop-7; they were kept aside as conflicts, not made current. The alert is in "
        f"{office_dir / 'alerts.log'}."
    ) in imported.stdout.splitlines()
    receipt = verify_receipt(
        (receipts / f"laptop-b-000001-{sealed.sha256[:12]}.receipt.json").read_bytes(),
        provisioning.office_key,
    )
    assert receipt.conflicts is not None
    assert [(c.id, c.owner) for c in receipt.conflicts] == [(case.person.id, "laptop-7")]
    listed = json.loads(msp_office("conflicts", "--json").stdout)
    assert [(c["device_id"], c["owner_device_id"]) for c in listed] == [("laptop-b", "laptop-7")]

    before = _db_hash(office_dir)
    refused = msp_office("records", "transfer", "--person", case.person.id, "--to", "nobody")
    assert refused.returncode == 8
    assert _one_line(refused.stderr) == "msp-office: No device 'nobody' is enrolled here."
    assert _db_hash(office_dir) == before

    moved = msp_office("records", "transfer", "--person", case.person.id, "--to", "laptop-b")
    assert moved.returncode == 0, moved.stderr
    assert "3 records (1 person, 1 concern, 1 visit)" in moved.stdout
