"""``msp-office migrate`` to version 5 (``lost_device_keys``) of an office made by the
version-4 code (``tests/fixtures/bundles-v1/office-v4.db``, ``make_office_v4.py``), in
which one device's key had been replaced by a file its old key never signed.

Migrating keeps every row and marks nothing: the old replacement stays as it was, not
called a lost device's after the fact. From then on the rules of version 5 hold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msp_desktop.office import devices
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.errors import DeviceRefused
from tests.office_helpers import FakeDevice
from tests.unit.office.conftest import Office
from tests.unit.office.test_migrate import (
    CASELOAD_TABLES,
    SHARE_TABLES,
    STEP_5,
    STEP_6,
    STEP_7,
    STEP_8,
    _dump_sqlite,
    _office_with,
)

NOW = "2026-12-06T09:00:00Z"


@pytest.fixture
def v4_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Office:
    """An office folder whose database is the committed version-4 fixture."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    return _office_with(tmp_path, "office-v4.db")


def test_migrating_keeps_every_key_as_it_was(
    v4_office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    office = v4_office
    rows = _dump_sqlite(office.layout.database)
    [replaced] = [r for r in rows["device_keys"] if r[7] is not None]  # revoked_reason
    assert office.run("migrate") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        STEP_5,
        STEP_6,
        STEP_7,
        STEP_8,
        f"Migrated the office database ({office.layout.database}) from version 4 to 8; "
        "everything it held is kept.",
    ]
    assert _dump_sqlite(office.layout.database) == {
        **rows,
        "lost_device_keys": [],
        **{table: [] for table in (*CASELOAD_TABLES, *SHARE_TABLES)},
        "bundles": sorted((*row, 0) for row in rows["bundles"]),
        "device_resyncs": [],
    }

    assert office.run("devices", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [k["lost_device"] for k in listed] == [None, None, None]
    assert {k["key_id"]: k["revoked_reason"] for k in listed}[str(replaced[0])] == replaced[7]
    assert office.run("devices", "list") == 0
    assert "(lost device)" not in capsys.readouterr().out


def test_after_migrating_a_new_key_needs_a_signed_change_or_the_lost_device_way(
    v4_office: Office,
) -> None:
    office = v4_office
    assert office.run("migrate") == 0
    office.store = open_store(office.layout.root, None, read_only=False)
    try:
        before = office.db_hash()
        stranger = FakeDevice(device_id="laptop-8")
        with pytest.raises(DeviceRefused, match="does not carry a key change signed"):
            devices.enrol(office.store, stranger.enrolment(), replace=True, now=NOW)
        assert office.db_hash() == before
        devices.replace_lost(
            office.store, stranger.enrolment(), confirm_key_id=stranger.key.key_id,
            reason="laptop stolen", now=NOW,
        )  # fmt: skip
        lost = [k for k in office.store.device_keys() if k.lost_device is not None]
        assert [(k.device_id, k.key_id) for k in lost] == [("laptop-8", stranger.key.key_id)]
    finally:
        office.store.close()
