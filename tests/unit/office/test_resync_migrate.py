"""``msp-office migrate`` to version 8 (device resyncs) of an office made by the version-7
code (``tests/fixtures/bundles-v1/office-v7.db``, ``make_office_v7.py``): two bundles of
``laptop-v1``, a caseload, a transfer, a pack, a correction and a shared case queued.

Migrating keeps every row (SQLite makes ``bundles`` again to give it ``epoch``;
PostgreSQL adds the column and changes the unique constraint), puts every bundle held
in epoch 0, leaves ``device_resyncs`` empty, makes today's schema, and the migrated
office can resync a device. On SQLite and on PostgreSQL (the committed file's rows
loaded into a version-7 database).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.office.db.backends import open_store
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from tests.unit.office.conftest import Office
from tests.unit.office.test_import_journey import FIXTURE
from tests.unit.office.test_migrate import (
    STEP_8,
    _dump_sqlite,
    older_office,
    table_rows,
)
from tests.unit.office.test_schema_agreement import differences, postgres_tables, sqlite_tables

V7 = FIXTURE / "office-v7.db"
# The committed file's tables, in an order their references allow.
_V7_TABLES = ("device_keys", "bundles", "record_revisions", "current_records", "conflicts",
              "audit_entries", "returned_forms", "record_owners", "record_transfers",
              "lost_device_keys", "office_revisions", "caseload_people", "caseload_concerns",
              "pack_queue", "packs", "conflict_decisions", "shared_cases",
              "shared_records")  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
def v7_office(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Office:
    """An office of version 7 holding every row of the committed ``office-v7.db``."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    return older_office(request, tmp_path, 7, _V7_TABLES)


def test_migrating_keeps_every_row_in_epoch_0_and_the_office_can_resync_a_device(
    v7_office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office = v7_office
    committed = _dump_sqlite(V7)
    before = {table: table_rows(office, table) for table in _V7_TABLES}
    assert {t: len(r) for t, r in before.items()} == {t: len(committed[t]) for t in _V7_TABLES}
    assert len(before["bundles"]) == 2
    assert len(before["shared_cases"]) == 1

    assert office.run("migrate") == 0

    out = capsys.readouterr().out.splitlines()
    assert out[1] == STEP_8
    assert out[2].endswith("from version 7 to 8; everything it held is kept.")
    assert {table: table_rows(office, table) for table in _V7_TABLES} == {
        **before,
        "bundles": sorted((*row, 0) for row in before["bundles"]),
    }
    assert table_rows(office, "device_resyncs") == []
    # The schema is today's, as a new office's.
    fresh = tmp_path / "fresh.db"
    SqliteOfficeStore.create(fresh)
    if office.db_url is None:
        assert sqlite_tables(office.layout.database) == sqlite_tables(fresh)
    else:
        assert differences(sqlite_tables(fresh)[0], postgres_tables(office.db_url)[0]) == []

    # The migrated office resyncs laptop-v1 from its bundle 2, which it keeps as history.
    [_, second] = sorted(before["bundles"], key=lambda row: int(str(row[3])))
    assert office.run("devices", "resync", "laptop-v1", "--from-sequence", "2") == 0
    office.store = open_store(office.layout.root, office.db_url, read_only=False)
    try:
        [resync] = office.store.resyncs()
        assert (resync.device_id, resync.held) == ("laptop-v1", ((2, str(second[0])),))
        assert office.store.last_sequence("laptop-v1") == 1
        assert office.store.counts().bundles == 2
    finally:
        office.store.close()
    assert {table: table_rows(office, table) for table in _V7_TABLES if table != "bundles"} == {
        table: rows for table, rows in before.items() if table != "bundles"
    }
