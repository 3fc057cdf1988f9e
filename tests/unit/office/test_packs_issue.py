"""``msp-office packs issue`` and ``packs list`` (issue 17, item 2), on SQLite and
PostgreSQL: what is queued for a device is sealed into its next pack, which opens with
the device's pack key; every change goes in one pack only; a lost pack is written again
byte for byte; a device without a pack key is told what to do."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from msp_desktop.bundles.pack import open_pack
from msp_desktop.bundles.pack_receipt import make_pack_receipt
from msp_desktop.office.db.store import IssuedPack, QueuedChange, RecordTransfer
from msp_desktop.office.ownership import UNALLOCATED
from msp_desktop.office.packs import Issued, issue_packs
from tests.office_helpers import FakeDevice, caseload
from tests.unit.office.conftest import Office
from tests.unit.office.test_caseload import ADA, BRYN, _file

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def _opened(
    device: FakeDevice, office: Office, path: Path
) -> list[tuple[str, str, str, int | None]]:
    assert device.pack is not None
    pack = open_pack(
        path.read_bytes(), identity=device.pack, office_key=office.keys.signing.public_key,
        device_id=device.device_id,
    )  # fmt: skip
    return [(c.change, c.kind, c.id, c.revision) for c in pack.changes]


def test_an_allocation_reaches_the_device_in_its_next_pack(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    assert office.run("caseload", "import", "--csv", _file(office, ADA, BRYN)) == 0
    ada = office.store.caseload_people()["M-1001"]
    saf1 = office.store.caseload_concerns()["SAF-1"][0]
    out = Path(office.root).parent / "usb"
    out.mkdir()
    capsys.readouterr()

    assert office.run("packs", "issue", "--out", str(out), "--device", "laptop-7") == 0

    [written] = list(out.iterdir())
    [pack] = office.store.packs("laptop-7")
    assert capsys.readouterr().out == (f"Issued pack 1 to device laptop-7 (2 changes): {written}\n")
    assert written.name == f"laptop-7-pack-000001-{pack.pack_id}.msppack"
    assert _opened(device, office, written) == [
        ("allocate", "person", ada, 1),
        ("allocate", "concern", saf1, 1),
    ]
    assert office.store.queued("laptop-7") == []
    assert [q.device_id for q in office.store.queued()] == ["laptop-b", "laptop-b"]
    # Nothing new for laptop-7: nothing issued; --again writes the same bytes again.
    before = written.read_bytes()
    written.unlink()
    assert office.run("packs", "issue", "--out", str(out), "--device", "laptop-7") == 0
    assert capsys.readouterr().out == "Nothing is waiting for any device laptop-7.\n"
    assert office.run("packs", "issue", "--out", str(out), "--device", "laptop-7", "--again") == 0
    assert written.read_bytes() == before
    assert capsys.readouterr().out == f"Wrote again, not yet acknowledged: {written}\n"
    assert office.run("packs", "list", "--json") == 0
    [listed] = json.loads(capsys.readouterr().out)[-1:]
    assert (listed["device_id"], listed["sequence"], listed["changes"]) == ("laptop-7", 1, 2)
    assert listed["acknowledged_at"] is None


def test_a_transfer_tells_the_old_device_in_a_pack_that_follows_its_last(
    office: Office, device: FakeDevice, other: FakeDevice, tmp_path: Path
) -> None:
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    assert office.run("caseload", "import", "--csv", _file(office, ADA)) == 0
    first = [i for i in issue_packs(office.store, office.config, office.keys, device_id="laptop-7",
                                    now=NOW) if isinstance(i, Issued)]  # fmt: skip
    assert office.run("records", "transfer", "--person", case.person.id, "--to", "laptop-b") == 0

    done = issue_packs(office.store, office.config, office.keys, device_id=None, now=NOW)

    by_device = {d.pack.device_id: d for d in done if isinstance(d, Issued)}
    old, new = by_device["laptop-7"], by_device["laptop-b"]
    assert (old.pack.sequence, old.pack.previous_sha256) == (2, first[0].pack.sha256)
    out = tmp_path / "packs"
    out.mkdir()
    for made in (old, new):
        (out / made.sealed.file_name).write_bytes(made.sealed.data)
    assert _opened(device, office, out / old.sealed.file_name) == [
        ("remove", "person", case.person.id, None)
    ]
    # The whole case, parents first: the visit as laptop-7 finalised it.
    assert _opened(other, office, out / new.sealed.file_name) == [
        ("allocate", "person", case.person.id, 1),
        ("allocate", "concern", case.concern.id, 1),
        ("allocate", "visit", case.visit.id, 1),
    ]
    assert office.store.queued() == []
    assert issue_packs(office.store, office.config, office.keys, device_id=None, now=NOW) == []


def test_a_device_without_a_pack_key_is_told_and_its_changes_wait(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    office.enrol(FakeDevice(pack=None))
    assert office.run("caseload", "import", "--csv", _file(office, ADA)) == 0
    out = Path(office.root).parent
    capsys.readouterr()
    assert office.run("packs", "issue", "--out", str(out)) == 0
    assert capsys.readouterr().out == (
        "Device laptop-7 has 2 change(s) waiting but no pack key yet (enrolled before office "
        "packs): ask the worker to run msp enrol --out FILE and add the file with msp-office "
        "devices add FILE; then issue again.\n"
    )
    assert office.store.packs() == []
    assert len(office.store.queued("laptop-7")) == 2


def test_a_pack_another_office_process_issued_first_is_not_issued_twice(
    office: Office, device: FakeDevice
) -> None:
    assert office.run("caseload", "import", "--csv", _file(office, ADA)) == 0
    waiting = office.store.queued("laptop-7")
    other = office.open_store()  # another msp-office on the same database
    try:
        [done] = issue_packs(other, office.config, office.keys, device_id="laptop-7", now=NOW)
    finally:
        other.close()
    assert isinstance(done, Issued)
    before = office.db_hash()
    # This process had planned pack 1 from the same queue: refused, nothing written.
    late = IssuedPack("0" * 64, "late", "laptop-7", 1, None, device.key.key_id, "K" * 16, 2, "now")
    assert not office.store.add_pack(late, b"late", [q.id for q in waiting if q.id is not None])
    second = IssuedPack("1" * 64, "late2", "laptop-7", 2, done.pack.sha256, device.key.key_id,
                        "K" * 16, 2, "now")  # fmt: skip
    assert not office.store.add_pack(second, b"late", [q.id for q in waiting if q.id is not None])
    assert office.db_hash() == before
    assert issue_packs(office.store, office.config, office.keys, device_id=None, now=NOW) == []


def test_a_devices_receipt_marks_its_pack_acknowledged_once(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    assert office.run("caseload", "import", "--csv", _file(office, ADA)) == 0
    [made] = issue_packs(office.store, office.config, office.keys, device_id="laptop-7", now=NOW)
    assert isinstance(made, Issued)
    folder = Path(office.root).parent

    def receipt(signer: FakeDevice, name: str, **changes: object) -> Path:
        values: dict[str, object] = {"sequence": 1, "pack_sha256": made.pack.sha256, **changes}
        path = folder / name
        path.write_bytes(
            make_pack_receipt(device_id=signer.device_id, device_key=signer.key,
                              kept_aside=0, applied=NOW, **values)  # type: ignore[arg-type]
        )  # fmt: skip
        return path

    before = office.db_hash()
    wrong_device = receipt(other, "laptop-b-pack-000001.pack-receipt.json")
    forged = receipt(FakeDevice(), "laptop-7-pack-000009.pack-receipt.json")
    unknown = receipt(device, "laptop-7-pack-000002.pack-receipt.json", pack_sha256="0" * 64)
    capsys.readouterr()
    for bad in (wrong_device, forged, unknown):
        assert office.run("import", str(bad)) == 13
    errors = capsys.readouterr().err.splitlines()
    assert "names office pack 1 of device laptop-b with a hash the office never issued" in errors[0]
    assert "which is not an enrolled, unrevoked key of device laptop-7" in errors[1]
    assert "names office pack 1 of device laptop-7 with a hash the office never issued" in errors[2]
    assert office.db_hash() == before

    good = receipt(device, "laptop-7-pack-000001.pack-receipt.json")
    assert office.run("import", str(good)) == 0
    assert capsys.readouterr().out == (
        f"{good}: office pack 1 of device laptop-7 acknowledged (applied 2026-12-06T10:00:00Z)\n"
    )
    [pack] = office.store.packs("laptop-7")
    assert pack.acknowledged_at is not None
    after = office.db_hash()
    assert office.run("import", str(good)) == 0
    assert "was already acknowledged; nothing changed" in capsys.readouterr().out
    assert office.db_hash() == after


def test_an_allocation_of_a_record_no_longer_held_makes_no_empty_pack(
    office: Office, device: FakeDevice
) -> None:
    ghost = QueuedChange("laptop-7", "allocate", "person", "ghost", "test", "2026-12-06T09:00:00Z")
    transfer = RecordTransfer("ghost", UNALLOCATED, "laptop-7", 1, "test", "2026-12-06T09:00:00Z")
    office.store.transfer([("person", "ghost")], transfer, [ghost])
    assert issue_packs(office.store, office.config, office.keys, device_id=None, now=NOW) == []
    assert office.store.packs() == []


def test_status_counts_the_caseload_the_queue_and_the_packs(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    assert office.run("caseload", "import", "--csv", _file(office, ADA, BRYN)) == 0
    issue_packs(office.store, office.config, office.keys, device_id="laptop-7", now=NOW)
    capsys.readouterr()
    assert office.run("status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert {k: status[k] for k in ("caseload_people", "queued_changes", "packs",
                                   "packs_unacknowledged")} == {
        "caseload_people": 2, "queued_changes": 2, "packs": 1, "packs_unacknowledged": 1,
    }  # fmt: skip
    assert office.run("status") == 0
    out = capsys.readouterr().out
    assert "people from the caseload export: 2\n" in out
    assert "changes waiting for office packs: 2\n" in out
    assert "office packs issued: 1 (1 not yet acknowledged by their device)\n" in out
