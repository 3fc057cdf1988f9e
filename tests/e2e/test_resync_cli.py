"""A replaying device resynced by the office, end to end with both real programs: a
laptop sends bundles 1 and 2, is restored from a backup taken after bundle 1, and its
new bundle 2 (other bytes) is refused as a replay, with an alert. The office looks at
the alert and runs ``msp-office devices resync laptop-7 --from-sequence 2``: the same
file is then imported, its receipt accepted by the laptop, and bundle 3 follows as
usual; the alert shows as acknowledged by the resync. Every refusal is checked for its
words and for leaving the office database as it was."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from tests.e2e.conftest import MspRunner, OfficeRunner, demo_device, new_office, ok


def _db(office_dir: Path) -> str:
    return hashlib.sha256((office_dir / "office.db").read_bytes()).hexdigest()


def _export(msp: MspRunner, stick: Path, before: set[Path]) -> Path:
    """``msp export`` to ``stick``: the one new bundle file."""
    ok(msp("export", "--to", str(stick)))
    (made,) = set(stick.iterdir()) - before
    return made


def _ledger(office_dir: Path) -> list[tuple[int, int, str, str]]:
    with sqlite3.connect(f"file:{office_dir / 'office.db'}?mode=ro", uri=True) as db:
        return db.execute(
            "SELECT sequence, epoch, sha256, note FROM bundles ORDER BY sequence, epoch"
        ).fetchall()


def _first_audit_entry(office_dir: Path, sha256: str) -> int:
    """The first audit entry number a bundle carried (read from its ledger note's peers)."""
    with sqlite3.connect(f"file:{office_dir / 'office.db'}?mode=ro", uri=True) as db:
        (first,) = db.execute(
            "SELECT min(seq) FROM audit_entries WHERE bundle_sha256 = ?", (sha256,)
        ).fetchone()
    return int(first)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_restored_laptop_is_refused_as_a_replay_until_the_office_resyncs_it(
    msp: MspRunner, msp_office: OfficeRunner, office_dir: Path, tmp_path: Path
) -> None:
    # These programs are this tree's (PYTHONPATH passes through run_program's env).
    assert "office database version 8" in ok(msp_office("--version"))
    stick, receipts = tmp_path / "stick", tmp_path / "receipts"
    stick.mkdir()
    demo_device(msp, new_office(msp_office, tmp_path), tmp_path / "enrolment.json", "laptop-7")
    ok(msp_office("devices", "add", str(tmp_path / "enrolment.json")))
    first = _export(msp, stick, set())
    ok(msp_office("import", str(first), "--receipts", str(receipts)))
    ok(msp("receipts", "import", *map(str, receipts.iterdir())))
    backup = tmp_path / "after-bundle-1.mspdb"
    ok(msp("backup", "--to", str(backup)))
    person = json.loads(ok(msp("people", "list", "--json")))[0]
    ok(msp("people", "edit", person["id"], "--phone", "01632 960001"))
    old_second = _export(msp, stick, {first})
    ok(msp_office("import", str(old_second), "--receipts", str(receipts)))

    # The laptop is restored from the backup taken after bundle 1 and carries on.
    ok(msp("restore", "--from", str(backup)))
    ok(msp("people", "edit", person["id"], "--phone", "01632 960002"))
    new_second = _export(msp, stick, {first, old_second})
    assert "000002" in new_second.name
    assert new_second.read_bytes() != old_second.read_bytes()

    before = _db(office_dir)
    refused = msp_office("import", str(new_second), "--receipts", str(receipts))
    assert refused.returncode == 13
    said = _one_line(refused.stderr)
    assert "ALERT: Device laptop-7 sequence 2 was already imported from another bundle" in said
    assert (
        "if the device was restored from a backup and its bundles from here on are the ones "
        "to keep, run: msp-office devices resync laptop-7 --from-sequence 2 --reason TEXT"
    ) in said
    assert _db(office_dir) == before
    [alert] = json.loads(ok(msp_office("alerts", "list", "--json")))
    assert (alert["kind"], alert["acknowledged"]) == ("replay", False)

    # Refusals of the resync itself: one sentence each, nothing changed.
    for args, code, words in [
        (("laptop-9", "--from-sequence", "2"), 8, "No device 'laptop-9' was ever enrolled here"),
        (("laptop-7", "--from-sequence", "0"), 2, "--from-sequence must be 1 or more"),
        (("laptop-7", "--from-sequence", "4"), 2,
         "Device laptop-7's last bundle here is sequence 2, so its history can continue "
         "from sequence 3 at most, not 4"),
        (("laptop-7", "--from-sequence", "2", "--reason", "a\nb"), 2,
         "The reason must be one line of plain text"),
    ]:  # fmt: skip
        done = msp_office("devices", "resync", *args)
        assert done.returncode == code, done.stderr
        assert done.stderr.startswith(f"msp-office: {words}")
        assert len(done.stderr.strip().splitlines()) == 1
        assert _db(office_dir) == before
    assert json.loads(ok(msp_office("alerts", "list", "--json")))[0]["acknowledged"] is False

    why = "laptop restored from its backup, checked with the worker"
    resynced = ok(
        msp_office("devices", "resync", "laptop-7", "--from-sequence", "2", "--reason", why)
    )
    assert resynced.startswith("Device laptop-7's history now continues from sequence 2 (resync 1")
    assert f"Acknowledged the replay alert(s) it answers: {alert['id']}." in resynced

    imported = msp_office("import", str(new_second), "--receipts", str(receipts))
    assert imported.returncode == 0, imported.stderr
    (receipt,) = receipts.glob(
        f"laptop-7-000002-{hashlib.sha256(new_second.read_bytes()).hexdigest()[:12]}*"
    )
    taken = _one_line(ok(msp("receipts", "import", str(receipt))))
    assert "acknowledged by the office" in taken

    # The next bundle follows the new bundle 2: imported with nothing to report.
    ok(msp("people", "edit", person["id"], "--phone", "01632 960003"))
    third = _export(msp, stick, {first, old_second, new_second})
    ok(msp_office("import", str(third), "--receipts", str(receipts)))
    ledger = _ledger(office_dir)
    assert [(seq, epoch) for seq, epoch, _sha, _note in ledger] == [(1, 0), (2, 0), (2, 1), (3, 1)]
    assert ledger[2][3].startswith(
        "it takes the place of sequence 2 imported before the device's resync"
    )
    # No gap and no broken bundle chain at the boundary. The audit chain forked where the
    # backup was taken: the office keeps the entries it received first, so the new bundle
    # 2's entries with those numbers and bundle 3's first one are reported, as evidence.
    for _seq, _epoch, _sha, note in ledger[2:]:
        assert "bundle chain" not in note
        assert "gap" not in note
    assert ledger[3][3] == (
        f"audit entry {_first_audit_entry(office_dir, ledger[3][2])} does not follow entry "
        f"{_first_audit_entry(office_dir, ledger[3][2]) - 1} held here (the audit chain is "
        "broken)"
    )
    ok(msp("receipts", "import", *map(str, receipts.glob("laptop-7-000003-*"))))
    assert "acknowledged" in ok(msp("sync", "status"))

    [after] = json.loads(ok(msp_office("alerts", "list", "--json")))
    assert after["id"] == alert["id"]
    assert after["acknowledged"] is True
    assert after["note"].startswith(
        "resolved by msp-office devices resync (resync 1 from sequence 2): laptop restored"
    )
