"""What a backup holds of a PostgreSQL office database, through the office's own connection.

No ``pg_dump``: its file would be another copy of the password's ``.pgpass`` line to
keep in step, and a version that must match the server's. Instead every office table
is read with ``COPY ... TO STDOUT`` (PostgreSQL's text format, one line a row) in one
``REPEATABLE READ READ ONLY`` transaction, so all tables come from the same moment and
the office's data is never written. The table's columns and their types are recorded
with its data.

A restore (``restore_sums``) runs on the office's server too, in one transaction that
is always rolled back: each table's rows are copied into a temporary table of the
recorded columns (in the session's own ``pg_temp`` schema, which needs only the
``TEMPORARY`` privilege every role has by default), read back with ``COPY``, and summed
as at backup time. No statement names an office table, and nothing outlives the
transaction. (Not a read-only transaction: PostgreSQL refuses ``CREATE TEMPORARY
TABLE`` in one.)
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from msp_desktop.office.db.dump import DatabaseSums, TableSum, sum_lines
from msp_desktop.office.db.postgres import _connect, _office_tables, _version, describe_url
from msp_desktop.office.errors import OfficeDamaged, OfficeMissing

__all__ = ["TableDump", "dump", "restore_sums"]

TableDump = tuple[list[tuple[str, str]], bytes]
"""A table's columns (name, SQL type) and its ``COPY`` text."""

Connection = psycopg.Connection[tuple[Any, ...]]

COLUMN_TYPES = frozenset({"text", "bigint", "integer", "boolean"})
"""The column types office tables use: a backup naming any other is refused, so a
made-up manifest cannot put its own SQL into the restore."""


def _lines(data: bytes) -> list[bytes]:
    # COPY text escapes a newline inside a value as \n: every real newline ends a row.
    return data.split(b"\n")[:-1] if data else []


def _copy_out(conn: Connection, table: sql.Composable) -> bytes:
    chunks: list[bytes] = []
    with conn.cursor() as cur, cur.copy(sql.SQL("COPY {} TO STDOUT").format(table)) as copy:
        for chunk in copy:
            chunks.append(bytes(chunk))
    return b"".join(chunks)


def _columns(conn: Connection, table: str) -> list[tuple[str, str]]:
    rows = conn.execute(
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) "
        "FROM pg_catalog.pg_attribute a WHERE a.attrelid = %s::regclass "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        (table,),
    ).fetchall()
    return [(str(name), str(kind)) for name, kind in rows]


def dump(url: str) -> tuple[DatabaseSums, dict[str, TableDump]]:
    """Every office table's columns and rows, and their sums, from one snapshot."""
    conn = _connect(url)
    try:
        conn.autocommit = False
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            tables = sorted(_office_tables(conn))
            if "schema_version" not in tables:
                raise OfficeMissing(
                    f"There is no office database in the {describe_url(url)}; nothing to back up."
                )
            version = _version(conn, url, lock=False)
            dumps: dict[str, TableDump] = {}
            sums: dict[str, TableSum] = {}
            for table in tables:
                data = _copy_out(conn, sql.Identifier(table))
                dumps[table] = (_columns(conn, table), data)
                sums[table] = sum_lines(_lines(data))
    finally:
        conn.close()
    return DatabaseSums(version, sums), dumps


def restore_sums(url: str, version: int, tables: dict[str, TableDump]) -> DatabaseSums:
    """Restore ``tables`` into temporary tables on the office's server and sum them."""
    conn = _connect(url)
    try:
        conn.autocommit = False
        sums: dict[str, TableSum] = {}
        with conn.transaction(force_rollback=True):
            for table, (columns, data) in sorted(tables.items()):
                if not columns or any(kind not in COLUMN_TYPES for _, kind in columns):
                    raise OfficeDamaged(
                        f"The backup's table {table} has a column of no office type."
                    )
                scratch = sql.Identifier(f"msp_verify_{table}")
                conn.execute(
                    sql.SQL("CREATE TEMPORARY TABLE {} ({})").format(
                        scratch,
                        sql.SQL(", ").join(
                            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
                            for name, kind in columns
                        ),
                    )
                )
                with (
                    conn.cursor() as cur,
                    cur.copy(sql.SQL("COPY {} FROM STDIN").format(scratch)) as copy,
                ):
                    copy.write(data)
                sums[table] = sum_lines(_lines(_copy_out(conn, scratch)))
    except (psycopg.DataError, psycopg.ProgrammingError) as exc:
        raise OfficeDamaged(
            f"The backup's tables do not restore into PostgreSQL ({type(exc).__name__})."
        ) from None
    finally:
        conn.close()
    return DatabaseSums(version, sums)
