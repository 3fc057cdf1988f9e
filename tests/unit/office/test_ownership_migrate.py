"""``msp-office migrate`` to version 4 (record ownership) of an office made by the
version-3 code, in which a second device had already forged a revision of the first
device's person (``tests/fixtures/bundles-v1/office-v3.db``, ``make_office_v3.py``).

After migrating, every record belongs to the device that sent its first imported
revision, the forged revision is a conflict naming both devices, the person's current
revision is the owner's again, and the report reads only the owner's records; on
SQLite and on PostgreSQL (the committed file's rows loaded into a version-3 database).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from msp_desktop.office.db.backends import open_store
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from tests.unit.office.conftest import Office
from tests.unit.office.test_import_journey import FIXTURE
from tests.unit.office.test_migrate import (
    _dump_sqlite,
    older_office,
)

FORGED = 999_999_999
V3 = FIXTURE / "office-v3.db"
# The committed file's tables, in an order their references allow.
_V3_TABLES = ("device_keys", "bundles", "record_revisions", "current_records", "conflicts",
              "audit_entries", "returned_forms")  # fmt: skip


def _forged_person() -> str:
    conn = sqlite3.connect(V3)
    try:
        row = conn.execute(
            "SELECT record_id FROM record_revisions WHERE kind = 'person' AND revision = ?",
            (FORGED,),
        ).fetchone()
        current = conn.execute(
            "SELECT revision FROM current_records WHERE record_id = ?", (row[0],)
        ).fetchone()
    finally:
        conn.close()
    # What the version-3 code did: the forged revision was the office's current one.
    assert current == (FORGED,)
    return str(row[0])


@pytest.fixture(params=["sqlite", "postgres"])
def v3_office(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Office:
    """An office of version 3 holding every row of the committed ``office-v3.db``."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    return older_office(request, tmp_path, 3, _V3_TABLES)


def test_migrating_gives_each_record_its_first_device_and_sets_the_forgery_aside(
    v3_office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    office = v3_office
    person = _forged_person()
    revisions_before = sorted(row[:3] for row in _dump_sqlite(V3)["record_revisions"])

    assert office.run("migrate") == 0

    out = capsys.readouterr().out
    assert f"from version 3 to {SCHEMA_VERSION}; everything it held is kept." in out
    store = open_store(office.layout.root, office.db_url, read_only=True)
    try:
        owners = store.owners("person")
        assert owners[person] == "laptop-v1"
        # Every record held has an owner, and only laptop-v1 sent any first revision.
        assert {str(d) for (d,) in office.sql("SELECT device_id FROM record_owners")} == {
            "laptop-v1"
        }
        assert len(office.sql("SELECT * FROM record_owners")) == len(
            office.sql("SELECT * FROM current_records")
        )
        current = store.current("person", person)
        assert current is not None
        assert (current.revision, current.device_id) == (1, "laptop-v1")
        assert all(r.get("local_id") != "FORGED-1" for r in store.current_records("person"))
        [conflict] = store.conflicts()
        assert (conflict.kind, conflict.record_id, conflict.revision) == ("person", person, FORGED)
        assert (conflict.device_id, conflict.owner_device_id) == ("laptop-forger", "laptop-v1")
        assert conflict.reason == (
            "sent by device laptop-forger, but the record belongs to device laptop-v1 "
            "(found by migrate)"
        )
    finally:
        store.close()
    # Nothing was deleted: the forged revision is still held, as history.
    after = office.sql("SELECT kind, record_id, revision FROM record_revisions")
    assert sorted(tuple(row) for row in after) == revisions_before
    assert office.run("conflicts") == 0
    assert "laptop-forger" in capsys.readouterr().out
