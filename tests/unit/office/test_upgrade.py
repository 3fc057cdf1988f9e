"""``msp-office upgrade``: an office database of version 1 (before bundle format 2) taken
to this version, keeping everything it holds, on SQLite and on PostgreSQL.

The SQLite database is the committed fixture made by the code before the journey
(``tests/fixtures/bundles-v1/office-v1.db``, one bundle imported). The test first shows,
from that file, that version 1 differs from this version only in the record kinds
``record_revisions`` takes, the ``returned_forms`` table (version 3) and the version
number: the PostgreSQL version-1 database is then made by narrowing a new one in exactly
that way.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest

from msp_desktop.office.cli.main import main
from msp_desktop.office.db.backends import create_store, open_store
from msp_desktop.office.db.postgres import PostgresOfficeStore
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.db.sqlite_schema import APPLICATION_ID, SCHEMA_VERSION
from msp_desktop.office.errors import OfficeDamaged
from msp_desktop.office.keys import OfficeLayout, create_office_keys, load_keys
from tests.office_helpers import FakeDevice, caseload, envelope
from tests.platforms import assert_mode
from tests.unit.office.conftest import NOW, Office
from tests.unit.office.test_import_journey import (
    FIXTURE,
    _action,
    _contact,
    import_fixture_bundles,
)
from tests.unit.office.test_schema_agreement import differences, postgres_tables, sqlite_tables

V1_KINDS = "kind in 'person', 'concern', 'visit'"
V2_KINDS = "kind in 'person', 'concern', 'visit', 'action', 'contact'"


def _dump_sqlite(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every office table, sorted (what an upgrade must keep)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def old_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Office:
    """An office folder whose database is the committed version-1 fixture."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    layout = OfficeLayout(tmp_path / "office")
    config = create_office_keys(layout, office_id="fixture-office", name="Fixture", now=NOW)
    shutil.copyfile(FIXTURE / "office-v1.db", layout.database)
    os.chmod(layout.database, 0o600)
    office = Office(layout, config, load_keys(layout, config), store=None)  # type: ignore[arg-type]
    return office


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_version_1_differs_from_this_version_only_in_the_record_kinds_and_returned_forms(
    old_office: Office, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.db"
    SqliteOfficeStore.create(fresh)
    old, old_version = sqlite_tables(old_office.layout.database)
    new, new_version = sqlite_tables(fresh)
    assert (old_version, new_version) == ((APPLICATION_ID, 1), (APPLICATION_ID, SCHEMA_VERSION))
    assert old["record_revisions"].checks == {V1_KINDS, "revision >= 1"}
    assert new["record_revisions"].checks == {V2_KINDS, "revision >= 1"}
    old["record_revisions"].checks = new["record_revisions"].checks
    assert set(new) - set(old) == {"returned_forms"}
    del new["returned_forms"]
    assert old == new


def test_an_older_database_is_refused_with_the_command_that_upgrades_it(
    old_office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    path = old_office.layout.database
    before = _sha(path)
    expected = (
        f"{path} has office database version 1; this msp-office uses version 3. Upgrade it "
        "first (everything it holds is kept): msp-office upgrade"
    )
    with pytest.raises(OfficeDamaged) as refused:
        SqliteOfficeStore.open(path, read_only=True)
    assert refused.value.message == expected
    assert main(["status", "--dir", old_office.root]) == 5
    assert capsys.readouterr().err.strip() == f"msp-office: {expected}"
    assert _sha(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["keys", "office.db", "office.json"]


def test_upgrade_keeps_every_row_and_a_copy_then_takes_every_kind(
    old_office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = old_office.layout.database
    rows = _dump_sqlite(path)

    assert main(["upgrade", "--dir", old_office.root]) == 0

    out = capsys.readouterr().out.splitlines()
    (copy,) = path.parent.glob("office.db.before-upgrade-v1-*")
    assert out == [
        f"Upgraded the office database ({path}) from version 1 to 3.",
        f"The database as it was is kept in {copy}.",
        "Everything it held is kept; bundles of every format version import into it.",
    ]
    # The copy is the database as it was (SQLite's backup API: the same rows and
    # schema, not necessarily the same bytes).
    assert _dump_sqlite(copy) == rows
    assert sqlite_tables(copy) == sqlite_tables(FIXTURE / "office-v1.db")
    assert_mode(copy, 0o600)
    assert _dump_sqlite(path) == {**rows, "returned_forms": []}
    fresh = tmp_path / "fresh.db"
    SqliteOfficeStore.create(fresh)
    assert sqlite_tables(path) == sqlite_tables(fresh)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

    # Again: nothing to do, and no second copy.
    after = _sha(path)
    assert main(["upgrade", "--dir", old_office.root]) == 0
    assert capsys.readouterr().out == (
        f"The office database ({path}) is already at version 3; nothing changed.\n"
    )
    assert _sha(path) == after
    assert len(list(path.parent.glob("office.db.before-upgrade-*"))) == 1

    # The old device's next bundle, then a device of today with actions and contacts.
    old_office.store = open_store(old_office.layout.root, None, read_only=False)
    try:
        _imports_every_kind(old_office)
    finally:
        old_office.store.close()


def _imports_every_kind(office: Office) -> None:
    """Bundle 2 of the old device (format 1; the device is enrolled already), then a
    format-2 bundle with an action and a contact note, into ``office`` after its upgrade."""
    assert import_fixture_bundles(office, 2, enrol=False) == [""]
    device = FakeDevice()
    office.enrol(device)
    case = caseload()
    records = [
        *case.envelopes(),
        envelope("action", _action(case.visit)),
        envelope("contact", _contact(case.person.id, case.concern.id)),
    ]
    outcome = office.import_(device.bundle(office.inbox, records))
    assert outcome.checked.reports == []
    kinds = office.sql("SELECT kind, count(*) FROM current_records GROUP BY kind ORDER BY kind")
    assert [(str(k), int(n)) for k, n in kinds] == [
        ("action", 1),
        ("concern", 3),
        ("contact", 1),
        ("person", 3),
        ("visit", 5),
    ]


@pytest.fixture
def pg_old_office(tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Office:
    """A PostgreSQL office holding the fixture's bundle 1, made back into version 1."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    layout = OfficeLayout(tmp_path / "office")
    config = create_office_keys(layout, office_id="fixture-office", name="Fixture", now=NOW)
    create_store(layout.root, postgres_url)
    office = Office(layout, config, load_keys(layout, config), store=None, db_url=postgres_url)  # type: ignore[arg-type]
    office.store = open_store(layout.root, postgres_url, read_only=False)
    try:
        assert import_fixture_bundles(office, 1) == [""]
    finally:
        office.store.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE record_revisions DROP CONSTRAINT record_revisions_kind_check")
        conn.execute(
            "ALTER TABLE record_revisions ADD CONSTRAINT record_revisions_kind_check "
            "CHECK (kind IN ('person', 'concern', 'visit'))"
        )
        conn.execute("DROP TABLE returned_forms")
        conn.execute("UPDATE schema_version SET version = 1")
    return office


def test_upgrade_on_postgresql_keeps_every_row_and_takes_every_kind(
    pg_old_office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office = pg_old_office
    assert office.db_url is not None
    old, _ = postgres_tables(office.db_url)
    assert V1_KINDS in old["record_revisions"].checks
    with pytest.raises(OfficeDamaged, match="has office database version 1; this msp-office"):
        PostgresOfficeStore.open(office.db_url)
    rows = office.db_state()
    assert isinstance(rows, dict)

    assert office.run("upgrade") == 0

    where = PostgresOfficeStore.describe(office.db_url)
    assert capsys.readouterr().out.splitlines() == [
        f"Upgraded the office database ({where}) from version 1 to 3.",
        "Everything it held is kept; bundles of every format version import into it.",
    ]
    after = office.db_state()
    assert isinstance(after, dict)
    # Every row kept; only the version and the change count moved on.
    assert {t: r for t, r in after.items() if t not in ("schema_version", "office_lock")} == {
        **{t: r for t, r in rows.items() if t not in ("schema_version", "office_lock")},
        "returned_forms": [],
    }
    fresh = tmp_path / "fresh.db"
    SqliteOfficeStore.create(fresh)
    tables, version = postgres_tables(office.db_url)
    assert differences(sqlite_tables(fresh)[0], tables) == []
    assert version == (APPLICATION_ID, SCHEMA_VERSION)
    assert office.run("upgrade") == 0
    assert "already at version 3; nothing changed" in capsys.readouterr().out

    office.store = open_store(office.layout.root, office.db_url, read_only=False)
    try:
        _imports_every_kind(office)
    finally:
        office.store.close()
