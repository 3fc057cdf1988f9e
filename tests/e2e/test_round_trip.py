"""The whole journey, as the README tells it: office set up, device trusts it and
enrols, records exported to a "USB stick", checked by hand with the stock ``age``,
``tar`` and ``minisign`` tools, imported at the office, and the receipt taken back.

Both sides are the real console scripts (``msp`` and ``msp-office``) in subprocesses.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from msp_desktop.bundles.provisioning import read_enrolment, read_provisioning
from tests.e2e.conftest import MspRunner, office_command, ok, run_program
from tests.tools import require_tools


def _office(env: dict[str, str], office: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_program([*office_command(), *args, "--dir", str(office)], env)


def test_device_to_office_and_back_with_the_stock_tools_checking_on_the_way(
    msp: MspRunner, msp_env: dict[str, str], tmp_path: Path
) -> None:
    require_tools("age", "minisign", "tar", package="age minisign tar")
    office, stick, receipts = tmp_path / "office", tmp_path / "stick", tmp_path / "receipts"
    stick.mkdir()

    # The office: keys, and the signed public half for its devices.
    ok(_office(msp_env, office, "init", "--office-id", "north", "--name", "North Borough ASC"))
    ok(_office(msp_env, office, "provisioning", "--out", str(tmp_path / "office-keys.json")))
    key_id = read_provisioning((tmp_path / "office-keys.json").read_bytes()).office_key_id

    # The device: a (fictional) caseload, the office trusted with its key id, enrolled.
    ok(msp("demo"))
    trusted = ok(
        msp("office-keys", "import", str(tmp_path / "office-keys.json"), "--office-key-id", key_id)
    )
    assert key_id in trusted
    ok(msp("enrol", "--out", str(tmp_path / "enrolment.json"), "--device-id", "laptop-7"))
    added = ok(_office(msp_env, office, "devices", "add", str(tmp_path / "enrolment.json")))
    assert "laptop-7" in added

    before = json.loads(ok(msp("sync", "status", "--json")))["counts"]
    assert before["finalised"] > 0
    assert before["in-bundle"] == before["acknowledged"] == 0

    (printed,) = ok(msp("export", "--to", str(stick))).splitlines()
    bundle = Path(printed)
    assert bundle.parent == stick

    # By hand, as docs/bundle-format.md shows: decrypt, unpack, check the signature.
    inner = tmp_path / "inner.tar"
    subprocess.run(
        ["age", "-d", "-i", str(office / "keys" / "inbox.key"), "-o", str(inner), str(bundle)],
        check=True,
        capture_output=True,
    )
    unpacked = tmp_path / "check"
    unpacked.mkdir()
    subprocess.run(["tar", "-xf", str(inner), "-C", str(unpacked)], check=True)
    device_key = read_enrolment((tmp_path / "enrolment.json").read_bytes()).minisign_public_key
    (tmp_path / "device.pub").write_text(device_key)
    checked = subprocess.run(
        ["minisign", "-Vm", "manifest.json", "-p", str(tmp_path / "device.pub")],
        cwd=unpacked,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "trusted comment: msp-bundle:2 bundle:" in checked.stdout.lower()
    manifest = json.loads((unpacked / "manifest.json").read_bytes())
    for entry in manifest["files"]:
        content = (unpacked / entry["name"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    records = [f for f in manifest["files"] if f["name"].startswith("records/")]
    assert len(records) == before["finalised"]

    # The office imports it and writes a receipt; the device takes the receipt.
    verified = ok(_office(msp_env, office, "verify", str(bundle)))
    assert "would be accepted" in verified
    imported = ok(_office(msp_env, office, "import", str(bundle), "--receipts", str(receipts)))
    (receipt,) = receipts.iterdir()
    assert str(receipt) in imported
    taken = ok(msp("receipts", "import", str(receipt)))
    assert "acknowledged by the office" in taken

    after = json.loads(ok(msp("sync", "status", "--json")))["counts"]
    assert after["acknowledged"] == before["finalised"]
    assert after["finalised"] == after["in-bundle"] == 0
    assert after["draft"] == before["draft"]  # drafts stay on the device

    # The same bundle again changes nothing at the office; nothing new to export.
    again = ok(_office(msp_env, office, "import", str(bundle), "--receipts", str(receipts)))
    assert "already imported" in again
    assert "Nothing to export" in ok(msp("export", "--to", str(stick)))
