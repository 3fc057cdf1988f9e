"""The office schema on SQLite and on PostgreSQL agree, compared by introspection.

The two schemas are written twice (``db/sqlite_schema.py``, ``db/postgres_schema.py``);
this test reads back what each database really made (SQLite's PRAGMAs, PostgreSQL's
catalogue) and compares, table by table: the columns, their types (as translated
below), NOT NULL, defaults, the primary key, unique constraints, foreign keys, CHECK
constraints and indexes (as column sets), and the schema version. Only the differences
``postgres_schema``'s docstring names are allowed, and each is checked to exist.

One SQLite quirk is read in PostgreSQL's terms: a primary key column counts as NOT
NULL on both. PostgreSQL implies it; SQLite enforces it only for an INTEGER PRIMARY
KEY (the rowid), and its TEXT keys (``device_keys.key_id``, ``bundles.sha256``) would
take a NULL, which the office's code never writes.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from msp_desktop.office.db import sqlite_schema
from msp_desktop.office.db.postgres import PostgresOfficeStore
from msp_desktop.office.db.sqlite import SqliteOfficeStore

# SQLite's declared type -> PostgreSQL's, for every column but the exceptions.
TYPES = {"TEXT": "text", "INTEGER": "bigint"}
TYPE_EXCEPTIONS = {("audit_entries", "hash_ok"): ("INTEGER", "boolean")}
# What only PostgreSQL has (postgres_schema's docstring): its version and lock rows, and
# enrolled_order standing in for SQLite's rowid (an identity column, unique).
POSTGRES_ONLY_TABLES = {"schema_version", "office_lock"}
POSTGRES_ONLY_COLUMNS = {("device_keys", "enrolled_order")}


@dataclass(frozen=True)
class Column:
    type: str
    not_null: bool
    default: str | None


@dataclass
class Table:
    """One table as its database describes it; constraints as column sets."""

    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    unique: set[frozenset[str]] = field(default_factory=set)
    foreign_keys: set[tuple[tuple[str, ...], str, tuple[str, ...]]] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)
    indexes: set[tuple[frozenset[str], bool, str]] = field(default_factory=set)
    """(columns, unique, the WHERE of a partial index or '')."""


def _expression(sql: str) -> str:
    """An expression in one spelling: PostgreSQL's casts, brackets, case and spaces gone."""
    sql = re.sub(r"::[a-z ]+(\[\])?", "", sql.lower())
    sql = sql.replace("= any (array[", "in (").replace("])", ")")
    sql = re.sub(r"[()\s]+", " ", sql).strip()
    return sql


def _sqlite_checks(create_sql: str) -> set[str]:
    """The CHECK (...) expressions of a CREATE TABLE statement, brackets balanced."""
    found = set()
    for match in re.finditer(r"\bCHECK\s*\(", create_sql, re.IGNORECASE):
        depth, start = 1, match.end()
        end = start
        while depth:
            depth += {"(": 1, ")": -1}.get(create_sql[end], 0)
            end += 1
        found.add(_expression(create_sql[start : end - 1]))
    return found


def sqlite_tables(path: Path) -> tuple[dict[str, Table], tuple[int, int]]:
    """Every table of the SQLite database, and (application_id, user_version)."""
    conn = sqlite3.connect(path)
    try:
        tables: dict[str, Table] = {}
        for name, create_sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ):
            table = tables[name] = Table()
            pk: dict[int, str] = {}
            for _, column, type_, not_null, default, pk_index in conn.execute(
                f"PRAGMA table_info('{name}')"
            ):
                table.columns[column] = Column(type_, bool(not_null), default)
                if pk_index:
                    pk[pk_index] = column
            table.primary_key = tuple(pk[i] for i in sorted(pk))
            for _, index, unique, origin, partial in conn.execute(f"PRAGMA index_list('{name}')"):
                columns = frozenset(row[2] for row in conn.execute(f"PRAGMA index_info('{index}')"))
                if origin == "u":
                    table.unique.add(columns)
                elif origin == "c":
                    (index_sql,) = conn.execute(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (index,)
                    ).fetchone()
                    where = index_sql.split(" WHERE ", 1)[1] if partial else ""
                    table.indexes.add((columns, bool(unique), _expression(where)))
            keys: dict[int, list[tuple[str, str, str]]] = {}
            for key_id, _, parent, column, parent_column, *_ in conn.execute(
                f"PRAGMA foreign_key_list('{name}')"
            ):
                keys.setdefault(key_id, []).append((column, parent, parent_column))
            for parts in keys.values():
                table.foreign_keys.add(
                    (tuple(p[0] for p in parts), parts[0][1], tuple(p[2] for p in parts))
                )
            table.checks = _sqlite_checks(create_sql)
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        return tables, (app_id, version)
    finally:
        conn.close()


def postgres_tables(url: str) -> tuple[dict[str, Table], tuple[int, int]]:
    """Every table of the current schema, and the schema_version row."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:

        def rows(sql: str, *params: object) -> list[tuple[object, ...]]:
            return conn.execute(sql, params).fetchall()

        here = "c.relnamespace = current_schema()::regnamespace"
        tables: dict[str, Table] = {}
        for (name,) in rows(f"SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND {here}"):
            tables[str(name)] = Table()
        for table_name, column, type_, not_null, default, identity in rows(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), a.attidentity "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            f"WHERE c.relkind = 'r' AND {here} AND a.attnum > 0 AND NOT a.attisdropped"
        ):
            shown = None if default is None else _expression(str(default)).replace(" ", "")
            tables[str(table_name)].columns[str(column)] = Column(
                str(type_), bool(not_null), "identity" if identity else shown
            )

        def names(table_oid: object, numbers: object) -> tuple[str, ...]:
            query = "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum = %s"
            assert isinstance(numbers, list)
            return tuple(str(rows(query, table_oid, n)[0][0]) for n in numbers)

        for table_name, oid, kind, keys, parent, parent_oid, parent_keys, definition in rows(
            "SELECT c.relname, c.oid, k.contype, k.conkey, p.relname, k.confrelid, k.confkey, "
            "pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_class c "
            f"ON c.oid = k.conrelid LEFT JOIN pg_class p ON p.oid = k.confrelid WHERE {here}"
        ):
            table = tables[str(table_name)]
            if kind == "p":
                table.primary_key = names(oid, keys)
            elif kind == "u":
                table.unique.add(frozenset(names(oid, keys)))
            elif kind == "f":
                table.foreign_keys.add(
                    (names(oid, keys), str(parent), names(parent_oid, parent_keys))
                )
            elif kind == "c":
                table.checks.add(_expression(str(definition).removeprefix("CHECK ")))
        for table_name, oid, keys, unique, where in rows(
            "SELECT c.relname, c.oid, i.indkey::int2[], i.indisunique, "
            "pg_get_expr(i.indpred, i.indrelid) "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            f"WHERE {here} AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        ):
            tables[str(table_name)].indexes.add(
                (frozenset(names(oid, keys)), bool(unique), _expression(str(where or "")))
            )
        app_id, version = rows("SELECT application_id, version FROM schema_version")[0]
        return tables, (int(str(app_id)), int(str(version)))


def _as_postgres_would(tables: dict[str, Table]) -> dict[str, Table]:
    """The SQLite description in PostgreSQL's terms: translated types, and primary key
    columns NOT NULL (PostgreSQL implies it; SQLite enforces it only for an INTEGER
    PRIMARY KEY, the rowid, which it fills in itself like an identity column)."""
    translated: dict[str, Table] = {}
    for name, table in tables.items():
        columns = {}
        for column, c in table.columns.items():
            source, target = TYPE_EXCEPTIONS.get((name, column), (c.type, TYPES[c.type]))
            assert c.type == source, (name, column, c.type)
            rowid = table.primary_key == (column,) and c.type == "INTEGER"
            default = "identity" if rowid else c.default
            columns[column] = Column(target, c.not_null or column in table.primary_key, default)
        translated[name] = Table(
            columns, table.primary_key, table.unique, table.foreign_keys, table.checks,
            table.indexes,
        )  # fmt: skip
    return translated


def _without_postgres_only(tables: dict[str, Table]) -> dict[str, Table]:
    kept = {name: t for name, t in tables.items() if name not in POSTGRES_ONLY_TABLES}
    for name, column in POSTGRES_ONLY_COLUMNS:
        table = kept[name]
        del table.columns[column]
        table.unique.discard(frozenset({column}))
    return kept


def differences(sqlite: dict[str, Table], postgres: dict[str, Table]) -> list[str]:
    """What differs, one line each; empty when the two schemas agree."""
    found = []
    theirs, ours = _as_postgres_would(sqlite), _without_postgres_only(postgres)
    for name in sorted(theirs.keys() | ours.keys()):
        if name not in ours or name not in theirs:
            found.append(f"{name}: only on {'SQLite' if name in theirs else 'PostgreSQL'}")
            continue
        a, b = theirs[name], ours[name]
        for column in sorted(a.columns.keys() | b.columns.keys()):
            if a.columns.get(column) != b.columns.get(column):
                found.append(
                    f"{name}.{column}: SQLite {a.columns.get(column)}, "
                    f"PostgreSQL {b.columns.get(column)}"
                )
        for part in ("primary_key", "unique", "foreign_keys", "checks", "indexes"):
            if getattr(a, part) != getattr(b, part):
                found.append(
                    f"{name} {part}: SQLite {getattr(a, part)}, PostgreSQL {getattr(b, part)}"
                )
    return found


@pytest.fixture
def both(tmp_path: Path, postgres_url: str) -> tuple[Path, str]:
    """A new, empty office database on each backend, made by the stores themselves."""
    path = tmp_path / "office.db"
    SqliteOfficeStore.create(path)
    PostgresOfficeStore.create(postgres_url)
    return path, postgres_url


def test_the_sqlite_and_postgresql_schemas_agree(both: tuple[Path, str]) -> None:
    sqlite, sqlite_version = sqlite_tables(both[0])
    postgres, postgres_version = postgres_tables(both[1])
    assert differences(sqlite, postgres) == []
    assert sqlite_version == postgres_version == (
        sqlite_schema.APPLICATION_ID, sqlite_schema.SCHEMA_VERSION,
    )  # fmt: skip
    # The comparison saw the whole schema, not an empty one.
    assert set(sqlite) == {
        "device_keys", "bundles", "record_revisions", "current_records", "conflicts",
        "audit_entries", "returned_forms", "record_owners", "record_transfers",
        "lost_device_keys", "office_revisions", "caseload_people", "caseload_concerns",
        "pack_queue", "packs", "conflict_decisions", "shared_cases", "shared_records",
        "device_resyncs",
    }  # fmt: skip
    assert sum(len(t.columns) for t in sqlite.values()) == 140
    assert sqlite["bundles"].unique == {frozenset({"device_id", "epoch", "sequence"})}
    assert sqlite["device_keys"].indexes == {(frozenset({"device_id"}), True, "revoked_at is null")}
    assert ((("kind", "record_id", "revision")), "record_revisions", (
        "kind", "record_id", "revision")) in sqlite["current_records"].foreign_keys  # fmt: skip
    assert "sequence >= 1" in sqlite["bundles"].checks


def test_what_only_postgresql_has_is_there(both: tuple[Path, str]) -> None:
    sqlite, _ = sqlite_tables(both[0])
    postgres, _ = postgres_tables(both[1])
    assert postgres.keys() >= POSTGRES_ONLY_TABLES
    assert not POSTGRES_ONLY_TABLES & sqlite.keys()
    for name, column in POSTGRES_ONLY_COLUMNS:
        assert postgres[name].columns[column] == Column("bigint", True, "identity")
        assert frozenset({column}) in postgres[name].unique
        assert column not in sqlite[name].columns


@pytest.mark.parametrize(
    ("old", "new", "reported"),
    [
        # A column left out, a NOT NULL, a type, a default, each constraint, an index.
        ("    envelope TEXT NOT NULL,\n    reason TEXT NOT NULL,\n    office_revision",
         "    reason TEXT NOT NULL,\n    office_revision", "conflicts.envelope:"),
        ("    revoked_at TEXT,\n    revoked_reason TEXT\n", "    revoked_at TEXT\n",
         "device_keys.revoked_reason:"),
        ("    worker TEXT NOT NULL,\n    public_key", "    worker TEXT,\n    public_key",
         "device_keys.worker:"),
        ("    records INTEGER NOT NULL,", "    records TEXT NOT NULL,", "bundles.records:"),
        ("gap_before INTEGER NOT NULL DEFAULT 0", "gap_before INTEGER NOT NULL",
         "bundles.gap_before:"),
        ("    PRIMARY KEY (device_id, seq)", "    UNIQUE (device_id, seq)",
         "audit_entries primary_key"),
        (",\n    UNIQUE (device_id, epoch, sequence)", "", "bundles unique"),
        ("NOT NULL REFERENCES bundles (sha256),\n    imported_at", "NOT NULL,\n    imported_at",
         "record_revisions foreign_keys"),
        ("CHECK (revision >= 1),\n    record_sha256 TEXT NOT NULL,\n    envelope TEXT NOT NULL,\n"
         "    device_id", ",\n    record_sha256 TEXT NOT NULL,\n    envelope TEXT NOT NULL,\n"
         "    device_id", "record_revisions checks"),
        ("\n    WHERE revoked_at IS NULL", "", "device_keys indexes"),
    ],
)  # fmt: skip
def test_the_comparison_sees_a_part_changed_on_one_side(
    both: tuple[Path, str], tmp_path: Path, old: str, new: str, reported: str
) -> None:
    # The SQLite schema with one part changed must not agree with PostgreSQL's.
    assert sqlite_schema.SCHEMA.count(old) == 1
    path = tmp_path / "edited.db"
    conn = sqlite3.connect(path)
    conn.executescript(sqlite_schema.SCHEMA.replace(old, new))
    conn.close()
    found = differences(sqlite_tables(path)[0], postgres_tables(both[1])[0])
    assert any(line.startswith(reported) for line in found), found
