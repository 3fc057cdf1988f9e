"""The one owner of a database connection, and its transactions (S8).

Every user save is one ``BEGIN IMMEDIATE`` transaction holding the record and its
audit entry; nothing is reported as saved until ``COMMIT`` returns. The same class
wraps a plain ``sqlite3`` connection in the benchmark, so encrypted and plain runs
execute exactly the same code.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from msp_desktop.errors import RecordReadOnly, StorageFull, WorkspaceBusy
from msp_desktop.store.connection import Connection, DatabaseErrors, OperationalErrors

SHARED_READ_ONLY = "msp: a shared case is read only"
"""The message of the triggers that keep a shared person's records read only
(``migrations._to_v7``); a transaction it ends raises ``RecordReadOnly``."""

Row = tuple[Any, ...]


def _is_disk_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "disk is full" in text or "disk i/o error" in text


class Database:
    """A connection used by one thread, with explicit transactions."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._owner = threading.get_ident()
        self._depth = 0
        # Called before every write transaction; it raises to refuse (the workspace's
        # files were replaced under it, or it is on read-only media).
        self.guard: Callable[[], None] | None = None

    @property
    def connection(self) -> Connection:
        """The underlying DB-API connection (for checks and backups)."""
        return self._conn

    def _check_thread(self) -> None:
        # One owner of the connection: a second thread is a bug in the caller.
        if threading.get_ident() != self._owner:
            raise RuntimeError("the workspace database is owned by another thread")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one ``BEGIN IMMEDIATE`` transaction; nested blocks join it."""
        self._check_thread()
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        if self.guard is not None:
            self.guard()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except OperationalErrors as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise WorkspaceBusy(
                    "Another MSP Desktop window or command is saving to this workspace; "
                    "try again in a moment."
                ) from exc
            raise
        self._depth = 1
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException as exc:
            # SQLite may already have rolled back by itself (e.g. disk full).
            with contextlib.suppress(*DatabaseErrors):
                self._conn.execute("ROLLBACK")
            if isinstance(exc, DatabaseErrors) and SHARED_READ_ONLY in str(exc):
                raise RecordReadOnly(
                    "The office shared this person's case with you to read: it belongs to "
                    "another worker's laptop, so it cannot be changed here. Nothing was changed."
                ) from exc
            if isinstance(exc, DatabaseErrors) and _is_disk_full(exc):
                raise StorageFull(
                    "Could not save: the disk is full or failing. "
                    "Your last saved work is safe; free some space and try again."
                ) from exc
            raise
        finally:
            self._depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read one consistent state within the block: a deferred transaction, which in
        WAL mode sees the database as of its first read while others go on writing.

        For a backup, which counts the rows, copies them and must find the same counts
        in the copy. Writes inside are to attached databases only; nothing of the main
        database is locked against the app.
        """
        self._check_thread()
        if self._depth:
            raise RuntimeError("a snapshot cannot be taken inside a transaction")
        self._conn.execute("BEGIN DEFERRED")
        self._depth = 1
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(*DatabaseErrors):
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        self._check_thread()
        cur = self._conn.execute(sql, params)
        return int(cur.rowcount)

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT; returns the new rowid."""
        self._check_thread()
        cur = self._conn.execute(sql, params)
        return int(cur.lastrowid)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        self._check_thread()
        row = self._conn.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""
        self._check_thread()
        return [tuple(r) for r in self._conn.execute(sql, params).fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.one(sql, params)
        return row[0] if row else None

    def close(self) -> None:
        """Close the connection; the key material it held goes with it."""
        self._check_thread()
        self._conn.close()
