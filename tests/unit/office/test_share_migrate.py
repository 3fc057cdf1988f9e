"""``msp-office migrate`` to version 7 (shared cases) of an office made by the version-6
code (``tests/fixtures/bundles-v1/office-v6.db``, ``make_office_v6.py``): a caseload
allocation, a transfer, pack 1 issued to ``laptop-8``, a removal and a correction still
waiting in the queue.

Migrating keeps every row, the queue's ids and the pack sequences on them included
(SQLite makes ``pack_queue`` again to let it take ``shared``; PostgreSQL changes its
CHECK), leaves the new tables empty, and the migrated office can share a case. On SQLite
and on PostgreSQL (the committed file's rows loaded into a version-6 database).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.office.db.backends import open_store
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from tests.unit.office.conftest import Office
from tests.unit.office.test_import_journey import FIXTURE
from tests.unit.office.test_migrate import (
    SHARE_TABLES,
    STEP_7,
    STEP_8,
    _dump_sqlite,
    older_office,
    table_rows,
)
from tests.unit.office.test_schema_agreement import differences, postgres_tables, sqlite_tables

V6 = FIXTURE / "office-v6.db"
# The committed file's tables, in an order their references allow.
_V6_TABLES = ("device_keys", "bundles", "record_revisions", "current_records", "conflicts",
              "audit_entries", "returned_forms", "record_owners", "record_transfers",
              "lost_device_keys", "office_revisions", "caseload_people", "caseload_concerns",
              "pack_queue", "packs", "conflict_decisions")  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
def v6_office(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Office:
    """An office of version 6 holding every row of the committed ``office-v6.db``."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    return older_office(request, tmp_path, 6, _V6_TABLES)


def test_migrating_keeps_every_row_and_queue_id_and_the_office_can_share_a_case(
    v6_office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office = v6_office
    committed = _dump_sqlite(V6)
    before = {table: table_rows(office, table) for table in _V6_TABLES}
    assert {t: len(r) for t, r in before.items()} == {t: len(committed[t]) for t in _V6_TABLES}
    queue = before["pack_queue"]
    # The fixture's queue: pack 1 carried laptop-8's rows; two rows still wait.
    assert [(r[0], r[1], r[2], r[7]) for r in queue if r[7] is None] == [
        (8, "laptop-v1", "remove", None),
        (9, "laptop-8", "correct", None),
    ]
    assert len([r for r in queue if r[7] == 1]) == 7

    assert office.run("migrate") == 0

    out = capsys.readouterr().out.splitlines()
    assert out[1:3] == [STEP_7, STEP_8]
    assert out[3].endswith("from version 6 to 8; everything it held is kept.")
    assert {table: table_rows(office, table) for table in _V6_TABLES} == {
        **before,
        "bundles": sorted((*row, 0) for row in before["bundles"]),
    }
    for table in SHARE_TABLES:
        assert table_rows(office, table) == []
    # The schema is today's, as a new office's.
    fresh = tmp_path / "fresh.db"
    SqliteOfficeStore.create(fresh)
    if office.db_url is None:
        assert sqlite_tables(office.layout.database) == sqlite_tables(fresh)
    else:
        assert differences(sqlite_tables(fresh)[0], postgres_tables(office.db_url)[0]) == []

    # The migrated office shares a case of laptop-v1's with laptop-8.
    office.store = open_store(office.layout.root, office.db_url, read_only=False)
    try:
        owners = office.store.owners("person")
        person = min(p for p, device in owners.items() if device == "laptop-v1")
        assert office.run("records", "share", "--person", person, "--with", "laptop-8") == 0
        waiting = office.store.queued("laptop-8")
        assert (waiting[0].id, waiting[0].change) == (9, "correct")
        shared = waiting[1:]
        assert [(q.change, q.kind) for q in shared][:2] == [
            ("shared", "person"),
            ("shared", "concern"),
        ]
        assert {q.change for q in shared} == {"shared"}
        assert min(q.id or 0 for q in shared) > 9  # new ids follow the kept ones
        assert [s.person_id for s in office.store.shares("laptop-8")] == [person]
    finally:
        office.store.close()
    assert {table: table_rows(office, table) for table in ("packs", "record_owners")} == {
        table: before[table] for table in ("packs", "record_owners")
    }
