"""``msp-office migrate`` through version 6 (the caseload, office revisions and the pack
queue) of an office made by the version-5 code (``tests/fixtures/bundles-v1/office-v5.db``,
``make_office_v5.py``), in which one person had been transferred to a second device.

Migrating keeps every row and queues nothing for what happened before (no pack ever
promised it); from then on a transfer or an allocation is queued. On SQLite and on
PostgreSQL (the committed file's rows loaded into a version-5 database).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.office.db.backends import open_store
from tests.unit.office.conftest import Office
from tests.unit.office.test_import_journey import FIXTURE
from tests.unit.office.test_migrate import (
    CASELOAD_TABLES,
    SHARE_TABLES,
    STEP_6,
    STEP_7,
    STEP_8,
    _dump_sqlite,
    older_office,
    table_rows,
)

V5 = FIXTURE / "office-v5.db"
# The committed file's tables, in an order their references allow.
_V5_TABLES = ("device_keys", "bundles", "record_revisions", "current_records", "conflicts",
              "audit_entries", "returned_forms", "record_owners", "record_transfers",
              "lost_device_keys")  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
def v5_office(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Office:
    """An office of version 5 holding every row of the committed ``office-v5.db``."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    return older_office(request, tmp_path, 5, _V5_TABLES)


def test_migrating_keeps_every_row_and_queues_nothing_from_before(
    v5_office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    office = v5_office
    committed = _dump_sqlite(V5)
    before = {table: table_rows(office, table) for table in _V5_TABLES}
    assert {t: len(r) for t, r in before.items()} == {t: len(committed[t]) for t in _V5_TABLES}
    [transfer] = committed["record_transfers"]
    person = str(transfer[0])

    assert office.run("migrate") == 0

    out = capsys.readouterr().out.splitlines()
    assert out[1:4] == [STEP_6, STEP_7, STEP_8]
    assert out[4].endswith("from version 5 to 8; everything it held is kept.")
    assert {table: table_rows(office, table) for table in _V5_TABLES} == {
        **before,
        "bundles": sorted((*row, 0) for row in before["bundles"]),
    }
    for table in CASELOAD_TABLES | SHARE_TABLES:
        assert table_rows(office, table) == []

    # From now on a move is queued: the person goes back to the first laptop.
    office.store = open_store(office.layout.root, office.db_url, read_only=False)
    try:
        assert office.store.owner("person", person) == "laptop-8"
        assert office.run("allocate", "--person", person, "--to", "laptop-v1") == 0
        queued = {(q.device_id, q.change, q.kind) for q in office.store.queued()}
        assert ("laptop-v1", "allocate", "person") in queued
        assert ("laptop-8", "remove", "person") in queued
    finally:
        office.store.close()
