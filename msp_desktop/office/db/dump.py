"""What a backup holds of the office database, and how it is checked: SQLite's part.

A backup records, for every table, its number of rows and a content hash: the SHA-256
of the table's rows, one line each, sorted byte for byte (so the hash does not depend
on the order a server returns rows in, or on its collation). On SQLite a row's line is
the JSON list of its values (a BLOB as ``{"hex": ...}``); PostgreSQL's lines are its
own ``COPY`` text (``postgres_dump``). A restore is checked by computing the same
numbers from the restored tables and comparing them with the recorded ones.

On SQLite the backup is the database file itself, copied with SQLite's backup API (a
consistent copy even while the inbox service imports), and the sums are taken from the
copy: what is recorded is what was saved.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from msp_desktop.office.db.sqlite_schema import APPLICATION_ID
from msp_desktop.office.errors import OfficeDamaged

__all__ = ["DatabaseSums", "TableSum", "copy_sqlite", "sqlite_sums", "sum_lines"]


@dataclass(frozen=True)
class TableSum:
    """One table's row count and content hash."""

    rows: int
    sha256: str


@dataclass(frozen=True)
class DatabaseSums:
    """The schema version and every table's ``TableSum``, by table name."""

    version: int
    tables: dict[str, TableSum]


def sum_lines(lines: Iterable[bytes]) -> TableSum:
    """The ``TableSum`` of a table given as one line per row (without line ends)."""
    ordered = sorted(lines)
    digest = hashlib.sha256()
    for line in ordered:
        digest.update(line + b"\n")
    return TableSum(len(ordered), digest.hexdigest())


def _value(value: object) -> object:
    return {"hex": value.hex()} if isinstance(value, bytes) else value


def _select_all(table: str) -> str:
    # The name is quoted as SQL quotes an identifier: a backup's file may hold any name.
    quoted = table.replace('"', '""')
    return f'SELECT * FROM "{quoted}"'  # noqa: S608 - an identifier, quoted above


def sqlite_sums(path: Path) -> DatabaseSums:
    """The sums of the SQLite office database at ``path`` (opened read-only), after
    SQLite's own integrity check; ``OfficeDamaged`` if it is not a sound office database."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        try:
            if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                raise OfficeDamaged(f"{path} fails SQLite's integrity check.")
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                raise OfficeDamaged(f"{path} is not an office database.")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            names = [
                str(name)
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            tables = {
                name: sum_lines(
                    json.dumps([_value(v) for v in row], ensure_ascii=False).encode("utf-8")
                    for row in conn.execute(_select_all(name))
                )
                for name in names
            }
        except sqlite3.DatabaseError:
            raise OfficeDamaged(f"{path} is not an office database.") from None
    finally:
        conn.close()
    return DatabaseSums(version, tables)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` into ``target`` (an existing, empty,
    owner-only file) with SQLite's backup API, and flush the copy to disk."""
    conn = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            conn.backup(copy)
        finally:
            copy.close()
    finally:
        conn.close()
    with target.open("rb+") as written:  # Windows flushes only through a write handle
        os.fsync(written.fileno())
