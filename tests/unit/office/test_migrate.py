"""``msp-office migrate``: an office database of an earlier version taken to this version,
after a verified backup, keeping everything it holds, on SQLite and on PostgreSQL.

Two committed fixtures made by old code (``tests/fixtures/bundles-v1``): ``office-v1.db``
(version 1, bundle 1 imported) and ``office-v2.db`` (version 2, the previous schema,
made by ``make_office_v2.py`` at commit 1926d42^, both bundles imported). The test first
shows, from the files, that version 1 differs from this version only in the record
kinds ``record_revisions`` takes, the ``returned_forms`` table (version 3) and the
version number, and version 2 only in ``returned_forms``: the PostgreSQL databases of
those versions are then made by narrowing a new one in exactly that way, and the
version-2 one is filled with the committed file's rows.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import psycopg
import pytest

from msp_desktop.office.backup import verify_backup
from msp_desktop.office.cli.main import main
from msp_desktop.office.db.backends import create_store, open_store
from msp_desktop.office.db.postgres import PostgresOfficeStore
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.db.sqlite_schema import APPLICATION_ID, CHANGES_V6, SCHEMA_VERSION
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
STEP_2 = (
    "Version 2: record_revisions also takes agreed actions and contact notes (bundle format 2)."
)
STEP_3 = (
    "Version 3: a returned_forms table for the feedback forms posted back "
    "(msp-office feedback record)."
)
STEP_4 = (
    "Version 4: record ownership: each record belongs to the device that sent its first "
    "revision; revisions other devices sent become conflicts and never current "
    "(msp-office records transfer)."
)
STEP_5 = (
    "Version 5: a lost_device_keys table: keys enrolled for a lost device without the old "
    "key's signature (msp-office devices replace-lost)."
)
STEP_6 = (
    "Version 6: the caseload from the council's system, records made at the office, the "
    "queue of changes for devices' office packs, the packs issued and the decisions on "
    "conflicts (msp-office caseload import, allocate, packs issue, conflicts resolve); "
    "nothing is queued for what happened before."
)
STEP_7 = (
    "Version 7: shared cases: a person's case another device may read, and the records "
    "already sent to it; the queue for office packs takes shared records too (msp-office "
    "records share); nothing is shared until the office shares a case."
)
STEP_8 = (
    "Version 8: device resyncs: the ledger of bundles takes a resync epoch, every bundle "
    "held kept in the first, so a device restored from a backup can carry on after the "
    "office has looked at its replay alert (msp-office devices resync)."
)
OWNERSHIP_TABLES = {"record_owners", "record_transfers"}
CASELOAD_TABLES = {
    "office_revisions", "caseload_people", "caseload_concerns", "pack_queue", "packs",
    "conflict_decisions",
}  # fmt: skip
SHARE_TABLES = {"shared_cases", "shared_records"}
RESYNC_TABLES = {"device_resyncs"}
LATER_TABLES = {
    "returned_forms", *OWNERSHIP_TABLES, "lost_device_keys", *CASELOAD_TABLES, *SHARE_TABLES,
    *RESYNC_TABLES,
}  # fmt: skip
"""The tables versions 3 to 8 added."""


def with_epochs(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
    """SQLite rows as version 8 keeps them: each bundle in epoch 0, no resync."""
    return {**rows, "bundles": sorted((*row, 0) for row in rows["bundles"]), "device_resyncs": []}


def pg_with_epochs(rows: dict[str, list[str]]) -> dict[str, list[str]]:
    """``Office.db_state`` rows of PostgreSQL as version 8 keeps them (``with_epochs``)."""
    return {**rows, "bundles": sorted(row[:-1] + ", 0)" for row in rows["bundles"])}


def take_back(conn: psycopg.Connection[tuple[object, ...]], version: int) -> None:
    """Take a new PostgreSQL office back to schema ``version`` (3 to 7), one step at a
    time: no resyncs (version 8), no shared cases (7), no caseload (6), no lost-device
    keys (5), no ownership (4)."""
    if version < 8:
        conn.execute("DROP TABLE device_resyncs")
        conn.execute("ALTER TABLE bundles DROP COLUMN epoch")  # its unique constraint goes too
        conn.execute("ALTER TABLE bundles ADD UNIQUE (device_id, sequence)")
    if version < 7:
        for table in sorted(SHARE_TABLES):
            conn.execute(f"DROP TABLE {table}")
        # Version 6's queue took no "shared".
        conn.execute("ALTER TABLE pack_queue DROP CONSTRAINT pack_queue_change_check")
        conn.execute(
            "ALTER TABLE pack_queue ADD CONSTRAINT pack_queue_change_check "
            f"CHECK (change IN {CHANGES_V6})"
        )
    if version < 6:
        for table in sorted(CASELOAD_TABLES):
            conn.execute(f"DROP TABLE {table}")
    if version < 5:
        conn.execute("DROP TABLE lost_device_keys")
    if version < 4:
        conn.execute("DROP TABLE record_owners")
        conn.execute("DROP TABLE record_transfers")
        conn.execute("ALTER TABLE conflicts DROP COLUMN owner_device_id")


def older_office(
    request: pytest.FixtureRequest, tmp_path: Path, version: int, tables: Sequence[str]
) -> Office:
    """An office of schema ``version`` holding every row of the committed
    ``office-v{version}.db``: on SQLite that file; on PostgreSQL a new office taken back
    to that version (``take_back``) with the file's ``tables`` copied in (in that order,
    which their references allow). ``request.param`` names the backend."""
    name = f"office-v{version}.db"
    if request.param == "sqlite":
        return _office_with(tmp_path, name)
    url = request.getfixturevalue("postgres_url")
    office = _pg_office(tmp_path, url)
    with psycopg.connect(url, autocommit=True) as conn:
        take_back(conn, version)
        conn.execute("UPDATE schema_version SET version = %s", (version,))
        copy_rows(conn, FIXTURE / name, tables)
    return office


def table_rows(office: Office, table: str) -> list[tuple[object, ...]]:
    """The table's rows, read directly (an office of an older version refuses to open)."""
    if office.db_url is None:
        return _dump_sqlite(office.layout.database).get(table, [])
    return sorted(tuple(r) for r in office.sql(f"SELECT * FROM {table}"))


def _dump_sqlite(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every office table, sorted (what a migration must keep)."""
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


def _as_migrated(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
    """What a version-1 or -2 office of one device holds after migrating: every row, an
    empty ``returned_forms``, ``record_transfers`` and ``lost_device_keys``, no owner on
    the (no) conflicts, and each record owned by the device of its first imported
    revision."""
    first: dict[tuple[object, object], tuple[object, ...]] = {}
    for row in rows["record_revisions"]:  # kind, id, revision, ..., device, bundle, at
        key = (row[0], row[1])
        if key not in first or (row[7], row[2]) < (first[key][7], first[key][2]):
            first[key] = row
    owners = sorted((kind, record_id, row[5], row[7]) for (kind, record_id), row in first.items())
    assert rows["conflicts"] == []
    return {
        **rows,
        "returned_forms": [],
        "record_owners": owners,
        "record_transfers": [],
        "lost_device_keys": [],
        **{table: [] for table in (*CASELOAD_TABLES, *SHARE_TABLES)},
        "bundles": sorted((*row, 0) for row in rows["bundles"]),
        "device_resyncs": [],
    }


def _office_with(tmp_path: Path, fixture: str) -> Office:
    layout = OfficeLayout(tmp_path / "office")
    config = create_office_keys(layout, office_id="fixture-office", name="Fixture", now=NOW)
    shutil.copyfile(FIXTURE / fixture, layout.database)
    os.chmod(layout.database, 0o600)
    return Office(layout, config, load_keys(layout, config), store=None)  # type: ignore[arg-type]


@pytest.fixture
def old_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Office:
    """An office folder whose database is the committed version-1 fixture."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    return _office_with(tmp_path, "office-v1.db")


@pytest.fixture
def previous_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Office:
    """An office folder whose database is the committed version-2 fixture (the previous
    schema)."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    return _office_with(tmp_path, "office-v2.db")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_fixtures_differ_from_this_version_only_as_their_versions_say(
    old_office: Office, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.db"
    SqliteOfficeStore.create(fresh)
    old, old_version = sqlite_tables(old_office.layout.database)
    previous, previous_version = sqlite_tables(FIXTURE / "office-v2.db")
    new, new_version = sqlite_tables(fresh)
    assert (old_version, previous_version, new_version) == (
        (APPLICATION_ID, 1),
        (APPLICATION_ID, 2),
        (APPLICATION_ID, SCHEMA_VERSION),
    )
    assert old["record_revisions"].checks == {V1_KINDS, "revision >= 1"}
    assert new["record_revisions"].checks == {V2_KINDS, "revision >= 1"}
    assert set(new) - set(previous) == LATER_TABLES
    assert set(new) - set(old) == LATER_TABLES
    for table in LATER_TABLES:
        del new[table]
    assert set(new["conflicts"].columns) - set(previous["conflicts"].columns) == {"owner_device_id"}
    del new["conflicts"].columns["owner_device_id"]
    # Version 8: bundles.epoch, unique with device and sequence instead of those two.
    assert set(new["bundles"].columns) - set(previous["bundles"].columns) == {"epoch"}
    assert new["bundles"].unique == {frozenset({"device_id", "epoch", "sequence"})}
    del new["bundles"].columns["epoch"]
    new["bundles"].unique = {frozenset({"device_id", "sequence"})}
    new["bundles"].checks.discard("epoch >= 0")
    assert previous == new
    old["record_revisions"].checks = new["record_revisions"].checks
    assert old == new


def test_an_older_database_is_refused_with_the_command_that_migrates_it(
    previous_office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    path = previous_office.layout.database
    before = _sha(path)
    expected = (
        f"{path} has office database version 2; this msp-office uses version 8. Migrate it "
        "first (it is backed up, then everything it holds is kept): msp-office migrate"
    )
    with pytest.raises(OfficeDamaged) as refused:
        SqliteOfficeStore.open(path, read_only=True)
    assert refused.value.message == expected
    for command in (["status"], ["devices", "list"], ["conflicts"]):
        assert main([*command, "--dir", previous_office.root]) == 5
        assert capsys.readouterr().err.strip() == f"msp-office: {expected}"
    assert "Use the msp-office that made it" not in expected
    assert _sha(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["keys", "office.db", "office.json"]


def test_a_dry_run_lists_the_steps_and_changes_nothing(
    previous_office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    path = previous_office.layout.database
    before = _sha(path)
    assert main(["migrate", "--dry-run", "--dir", previous_office.root]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"The office database ({path}) is at version 2; this msp-office uses version 8. "
        "Migrating would:",
        "  1. write a backup of the office and verify it",
        "  2. to version 3: a returned_forms table for the feedback forms posted back "
        "(msp-office feedback record)",
        "  3. to version 4: " + STEP_4.removeprefix("Version 4: ").removesuffix("."),
        "  4. to version 5: " + STEP_5.removeprefix("Version 5: ").removesuffix("."),
        "  5. to version 6: " + STEP_6.removeprefix("Version 6: ").removesuffix("."),
        "  6. to version 7: " + STEP_7.removeprefix("Version 7: ").removesuffix("."),
        "  7. to version 8: " + STEP_8.removeprefix("Version 8: ").removesuffix("."),
        "Nothing was changed (--dry-run).",
    ]
    assert _sha(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["keys", "office.db", "office.json"]


def test_migrating_the_previous_schema_backs_up_verifies_and_keeps_every_row(
    previous_office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = previous_office.layout.database
    rows = _dump_sqlite(path)
    total = sum(len(r) for r in rows.values())

    assert main(["migrate", "--dir", previous_office.root]) == 0

    (backup,) = (previous_office.layout.root / "backups").glob("before-migrate-v2-*.mspbackup")
    assert capsys.readouterr().out.splitlines() == [
        f"Backed up the office to {backup} and verified it "
        # keys (4 files) and office.json: no receipts, quarantine or alerts yet
        f"(6 tables, {total} rows, 5 files of the office folder).",
        STEP_3,
        STEP_4,
        STEP_5,
        STEP_6,
        STEP_7,
        STEP_8,
        f"Migrated the office database ({path}) from version 2 to 8; everything it held is kept.",
    ]
    assert_mode(backup, 0o600)
    assert_mode(backup.parent, 0o700)
    # The backup is the database as it was: version 2, every row.
    kept = verify_backup(previous_office.layout, None, backup)
    assert (kept.version, kept.tables, kept.rows) == (2, 6, total)
    assert _dump_sqlite(path) == _as_migrated(rows)
    fresh = tmp_path / "fresh.db"
    SqliteOfficeStore.create(fresh)
    assert sqlite_tables(path) == sqlite_tables(fresh)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # The commands take it now, and the feedback forms of version 3 go in.
    assert main(["status", "--dir", previous_office.root]) == 0
    assert "bundles imported: 2" in capsys.readouterr().out


def test_migrating_version_1_takes_each_step_then_every_kind(
    old_office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    path = old_office.layout.database
    rows = _dump_sqlite(path)

    assert main(["upgrade", "--dir", old_office.root]) == 0  # the earlier name still works

    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        STEP_2,
        STEP_3,
        STEP_4,
        STEP_5,
        STEP_6,
        STEP_7,
        STEP_8,
        f"Migrated the office database ({path}) from version 1 to 8; everything it held is kept.",
    ]
    assert _dump_sqlite(path) == _as_migrated(rows)

    # Again: nothing to do, and no second backup.
    after = _sha(path)
    assert main(["migrate", "--dir", old_office.root]) == 0
    assert capsys.readouterr().out == (
        f"The office database ({path}) is already at version 8; nothing changed.\n"
    )
    assert _sha(path) == after
    assert len(list((old_office.layout.root / "backups").iterdir())) == 1

    # The old device's next bundle, then a device of today with actions and contacts.
    old_office.store = open_store(old_office.layout.root, None, read_only=False)
    try:
        _imports_every_kind(old_office)
    finally:
        old_office.store.close()


def test_no_backup_means_no_migration(
    previous_office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = previous_office.layout.database
    before = _sha(path)
    taken = tmp_path / "taken.mspbackup"
    taken.write_bytes(b"an earlier file")
    assert main(["migrate", "--backup", str(taken), "--dir", previous_office.root]) == 2
    assert capsys.readouterr().err.strip() == (
        f"msp-office: {taken} already exists; a backup never replaces a file: name a new one."
    )
    assert _sha(path) == before
    assert taken.read_bytes() == b"an earlier file"


def _imports_every_kind(office: Office) -> None:
    """Bundle 2 of the old device (format 1; the device is enrolled already), then a
    format-2 bundle with an action and a contact note, into ``office`` after migrating."""
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


def _pg_office(tmp_path: Path, url: str) -> Office:
    layout = OfficeLayout(tmp_path / "office")
    config = create_office_keys(layout, office_id="fixture-office", name="Fixture", now=NOW)
    create_store(layout.root, url)
    return Office(layout, config, load_keys(layout, config), store=None, db_url=url)  # type: ignore[arg-type]


@pytest.fixture
def pg_old_office(tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Office:
    """A PostgreSQL office holding the fixture's bundle 1, made back into version 1."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    office = _pg_office(tmp_path, postgres_url)
    office.store = open_store(office.layout.root, postgres_url, read_only=False)
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
        take_back(conn, 3)
        conn.execute("UPDATE schema_version SET version = 1")
    return office


def copy_rows(
    conn: psycopg.Connection[tuple[object, ...]], path: Path, tables: Sequence[str]
) -> None:
    """Copy every row of ``tables`` (in that order, which their references allow) from
    the SQLite office database ``path`` into the PostgreSQL one ``conn`` is on."""
    rows = _dump_sqlite(path)
    columns_of = sqlite3.connect(path)
    try:
        for table in tables:
            columns = [str(c[1]) for c in columns_of.execute(f'PRAGMA table_info("{table}")')]
            names, marks = ", ".join(columns), ", ".join("%s" for _ in columns)
            identity = table in ("conflicts", "pack_queue")  # ids kept as they were
            override = " OVERRIDING SYSTEM VALUE" if identity else ""
            for row in rows[table]:
                values = [
                    bool(v) if c == "hash_ok" else v for c, v in zip(columns, row, strict=True)
                ]
                conn.execute(f"INSERT INTO {table} ({names}){override} VALUES ({marks})", values)
            if identity and rows[table]:
                # The next id follows the copied ones, as in the office the rows came from.
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
    finally:
        columns_of.close()


# The committed version-2 file's tables, in an order their references allow.
_V2_TABLES = ("device_keys", "bundles", "record_revisions", "current_records", "conflicts",
              "audit_entries")  # fmt: skip


@pytest.fixture
def pg_previous_office(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> Office:
    """A PostgreSQL office of version 2 (the previous schema) holding every row of the
    committed ``office-v2.db``."""
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    office = _pg_office(tmp_path, postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP TABLE returned_forms")
        take_back(conn, 3)
        conn.execute("UPDATE schema_version SET version = 2")
        copy_rows(conn, FIXTURE / "office-v2.db", _V2_TABLES)
    return office


def test_migrate_on_postgresql_takes_version_1_to_this_one(
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

    assert office.run("migrate") == 0

    where = PostgresOfficeStore.describe(office.db_url)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Backed up the office to {office.layout.root}/backups/")
    assert out[1:] == [
        STEP_2,
        STEP_3,
        STEP_4,
        STEP_5,
        STEP_6,
        STEP_7,
        STEP_8,
        f"Migrated the office database ({where}) from version 1 to 8; everything it held is kept.",
    ]
    after = office.db_state()
    assert isinstance(after, dict)
    # Every row kept; only the version and the change count moved on, and each record
    # has its owner (one device here: no conflicts).
    skip = ("schema_version", "office_lock", "conflicts", *OWNERSHIP_TABLES)
    assert {t: r for t, r in after.items() if t not in skip} == {
        **{t: r for t, r in rows.items() if t not in skip},
        "returned_forms": [],
        "lost_device_keys": [],
        **{table: [] for table in (*CASELOAD_TABLES, *SHARE_TABLES)},
        "bundles": pg_with_epochs(rows)["bundles"],
        "device_resyncs": [],
    }
    assert rows["conflicts"] == after["conflicts"] == []
    assert after["record_transfers"] == []
    owners = office.sql("SELECT DISTINCT device_id FROM record_owners")
    assert owners == [("laptop-v1",)]
    assert len(after["record_owners"]) == len(office.sql("SELECT * FROM current_records"))
    fresh = tmp_path / "fresh.db"
    SqliteOfficeStore.create(fresh)
    tables, version = postgres_tables(office.db_url)
    assert differences(sqlite_tables(fresh)[0], tables) == []
    assert version == (APPLICATION_ID, SCHEMA_VERSION)
    assert office.run("migrate") == 0
    assert "already at version 8; nothing changed" in capsys.readouterr().out

    office.store = open_store(office.layout.root, office.db_url, read_only=False)
    try:
        _imports_every_kind(office)
    finally:
        office.store.close()


def test_migrate_on_postgresql_takes_the_committed_previous_schema(
    pg_previous_office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    office = pg_previous_office
    assert office.db_url is not None
    rows = office.db_state()
    assert isinstance(rows, dict)
    committed = _dump_sqlite(FIXTURE / "office-v2.db")
    assert {t: len(rows[t]) for t in _V2_TABLES} == {t: len(committed[t]) for t in _V2_TABLES}
    assert office.run("status") == 5
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith(
            "has office database version 2; this msp-office uses version 8. Migrate it first "
            "(it is backed up, then everything it holds is kept): msp-office migrate"
        )
    )

    assert office.run("migrate", "--dry-run") == 0
    assert "  2. to version 3: a returned_forms table" in capsys.readouterr().out
    assert office.db_state() == rows

    assert office.run("migrate") == 0

    out = capsys.readouterr().out.splitlines()
    (backup,) = (office.layout.root / "backups").iterdir()
    total = sum(len(r) for r in rows.values())
    assert out[0] == (
        f"Backed up the office to {backup} and verified it "
        f"(8 tables, {total} rows, 5 files of the office folder)."
    )
    assert out[1:] == [
        STEP_3,
        STEP_4,
        STEP_5,
        STEP_6,
        STEP_7,
        STEP_8,
        f"Migrated the office database ({PostgresOfficeStore.describe(office.db_url)}) from "
        "version 2 to 8; everything it held is kept.",
    ]
    after = office.db_state()
    assert isinstance(after, dict)
    assert {t: after[t] for t in _V2_TABLES} == {t: pg_with_epochs(rows)[t] for t in _V2_TABLES}
    assert after["returned_forms"] == []
    assert office.run("status") == 0
    assert "bundles imported: 2" in capsys.readouterr().out


def test_version_names_the_program_and_the_database_version_it_uses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from msp_desktop import __version__

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == (
        f"msp-office {__version__} (office database version {SCHEMA_VERSION})\n"
    )
