"""The office database on SQLite: ``SqliteOfficeStore``, one file, on the standard library.

Two rules shape this module (S19-S21):

- **A refused bundle leaves the database file byte for byte unchanged.** Opening an
  existing database never writes: no schema creation, no journal-mode switch, no
  persistent PRAGMA (``foreign_keys``, ``synchronous`` and ``busy_timeout`` are per
  connection). The rollback journal (SQLite's default, ``DELETE``) is kept, so reads
  create no ``-wal``/``-shm`` files either. Everything the importer decides is worked
  out from reads; only an accepted bundle opens a write transaction.
- **One bundle, one transaction.** ``apply`` writes the ledger row, the record
  revisions, conflicts and audit entries between ``BEGIN IMMEDIATE`` and ``COMMIT``.
  Because the plan was made outside the write lock, ``apply`` first checks
  ``PRAGMA data_version`` (which changes when another connection commits): if another
  import got in between, it rolls back untouched and the importer plans again.

One exception to "opening never writes": an import killed inside its transaction can
leave a *hot* rollback journal (``office.db-journal``) beside a half-written file. A
read-only connection may not roll it back (SQLite says ``SQLITE_READONLY_ROLLBACK``),
so a read-only open that meets one opens read-write just long enough for SQLite's own
rollback to put the file back as it was before that import, then reads as usual. That
write only restores bytes the killed import had changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from msp_desktop.errors import KnownError, StorageFull
from msp_desktop.office.db.queries import SqlOfficeQueries
from msp_desktop.office.db.sqlite_schema import APPLICATION_ID, SCHEMA, SCHEMA_VERSION, UPGRADES
from msp_desktop.office.db.store import ImportPlan, Upgraded, version_refusal
from msp_desktop.office.errors import OfficeBusy, OfficeDamaged, OfficeInterrupted, OfficeMissing
from msp_desktop.office.files import fsync_directory, hand_over
from msp_desktop.owner_only import create_private_file

__all__ = ["SqliteOfficeStore"]

BUSY_TIMEOUT_SECONDS = 30.0

# Result codes (sqlite3 errors carry them as ``sqlite_errorcode``; the low byte is the
# primary code).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL = 5, 6, 10, 11, 13
_SQLITE_NOTADB = 26
_SQLITE_READONLY_ROLLBACK = 776  # a hot journal only a writer may roll back


class _StalePlan(Exception):
    """Another connection committed after the plan was made."""


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "?mode=rw")
    try:
        # isolation_level=None: no implicit BEGIN; every transaction below is explicit.
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.OperationalError:
        raise OfficeMissing(
            f"There is no office database at {path}; create an office with: msp-office init"
        ) from None
    return conn


def _first_read(conn: sqlite3.Connection) -> tuple[int, int]:
    """Per-connection settings, then the application id and schema version."""
    # Per-connection settings only: neither is stored in the file.
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return int(app_id), int(version)


def _roll_back_hot_journal(path: Path) -> None:
    """Let SQLite roll back the hot journal a killed writer left beside ``path``.

    The first read on a connection that may write does it (under the exclusive lock,
    so two readers cannot both try); the connection is closed straight after.
    """
    try:
        conn = _connect(path, read_only=False)
        try:
            conn.execute("PRAGMA application_id").fetchone()
        finally:
            conn.close()
    except (sqlite3.DatabaseError, OfficeMissing):
        raise OfficeInterrupted(
            f"{path} was left mid-import by an msp-office that was stopped; its journal "
            f"{path.name}-journal must be rolled back before it can be read, which needs "
            f"write access: run msp-office as a user who may write to {path.parent}."
        ) from None


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> KnownError:
    """What a failed first read of ``path`` means, in one sentence.

    Only a file that is not a SQLite database is "not an office database"; a lock held
    too long or a read error says so, since the database itself may be healthy.
    """
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return OfficeBusy(f"Another msp-office is using {path}; try again shortly.")
    if code == _SQLITE_NOTADB:
        return OfficeDamaged(f"{path} is not an office database.")
    if code == _SQLITE_CORRUPT:
        return OfficeDamaged(
            f"{path} is damaged (SQLite: {exc}); restore the office database from a backup."
        )
    if code in (_SQLITE_IOERR, _SQLITE_FULL):
        return StorageFull(
            f"{path} could not be read (SQLite: {exc}); check the disk it is on has room "
            "and no errors."
        )
    return OfficeDamaged(f"{path} could not be read (SQLite: {exc}).")


def _checked_version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's ``user_version``, refusing one that is not an office database's or
    that this msp-office cannot take (newer)."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError:
        raise OfficeDamaged(f"{path} is not an office database.") from None
    if app_id != APPLICATION_ID:
        raise OfficeDamaged(f"{path} is not an office database.")
    if not 1 <= version <= SCHEMA_VERSION:
        raise OfficeDamaged(version_refusal(str(path), version))
    return version


class SqliteOfficeStore(SqlOfficeQueries):
    """``OfficeStore`` on one SQLite file (rollback journal, synchronous FULL)."""

    _ENROLLED_ORDER = "rowid"  # the order keys were enrolled in, within one second

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def create(cls, path: Path) -> None:
        """Create a new, empty database at ``path`` (which must not exist).

        Made under a temporary name and renamed into place, so an interrupted ``init``
        never leaves a half-made database where the office expects one.
        """
        tmp = path.with_name(f".{path.name}.creating")
        tmp.unlink(missing_ok=True)
        # Owner-only from the first byte; SQLite gives its journal the same mode.
        create_private_file(tmp)
        hand_over(tmp)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.executescript(
                f"BEGIN;\n{SCHEMA}\nPRAGMA application_id = {APPLICATION_ID};\n"
                f"PRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
            )
        finally:
            conn.close()
        tmp.replace(path)
        fsync_directory(path.parent)

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> SqliteOfficeStore:
        """Open an existing database; reads only, so the file is not changed by opening."""
        if not path.is_file():
            raise OfficeMissing(
                f"There is no office database at {path}; create an office with: msp-office init"
            )
        conn = _connect(path, read_only=read_only)
        try:
            app_id, version = _first_read(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            if getattr(exc, "sqlite_errorcode", 0) != _SQLITE_READONLY_ROLLBACK:
                raise _unreadable(path, exc) from None
            _roll_back_hot_journal(path)
            conn = _connect(path, read_only=read_only)
            try:
                app_id, version = _first_read(conn)
            except sqlite3.DatabaseError as again:
                conn.close()
                raise _unreadable(path, again) from None
        if app_id != APPLICATION_ID:
            conn.close()
            raise OfficeDamaged(f"{path} is not an office database.")
        if version != SCHEMA_VERSION:
            conn.close()
            raise OfficeDamaged(version_refusal(str(path), version))
        return cls(conn, path)

    @classmethod
    def version(cls, path: Path) -> int:
        """The schema version of the database at ``path``, read without writing;
        ``OfficeDamaged`` for a file that is not an office database or is newer."""
        if not path.is_file():
            raise OfficeMissing(
                f"There is no office database at {path}; create an office with: msp-office init"
            )
        conn = _connect(path, read_only=True)
        try:
            return _checked_version(conn, path)
        finally:
            conn.close()

    @classmethod
    def upgrade(cls, path: Path) -> Upgraded:
        """Take the database at ``path`` to ``SCHEMA_VERSION``, one step at a time.

        Each step (``UPGRADES[n]``) runs in its own transaction that also records
        version n, so an interrupted upgrade leaves the database at the last version it
        finished, whole, and ``migrate`` goes on from there. A current database is left
        untouched. ``msp-office migrate`` makes and verifies a backup before calling this.
        """
        if not path.is_file():
            raise OfficeMissing(
                f"There is no office database at {path}; create an office with: msp-office init"
            )
        conn = _connect(path, read_only=False)
        try:
            before = _checked_version(conn, path)
            # Outside the transaction (SQLite ignores it inside one): the old table goes
            # before its replacement takes its name, so references wait until the end.
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute("PRAGMA synchronous = FULL")
            store = cls(conn, path)
            for step in range(before + 1, SCHEMA_VERSION + 1):
                with store._write():
                    if _checked_version(conn, path) != step - 1:
                        continue  # another migrate took this step meanwhile
                    for statement in UPGRADES[step]:
                        conn.execute(statement)
                    if conn.execute("PRAGMA foreign_key_check").fetchall():
                        raise OfficeDamaged(
                            f"{path} holds rows that point at nothing; it was left at "
                            f"version {step - 1}."
                        )
                    conn.execute(f"PRAGMA user_version = {step}")
            return Upgraded(before, SCHEMA_VERSION)
        finally:
            conn.close()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> SqliteOfficeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise OfficeBusy(
                    "Another msp-office is writing to the office database; try again shortly."
                ) from None
            raise
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()

    def _run(self, sql: str, *params: object) -> None:
        self._conn.execute(sql, params)

    def _run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self._conn.executemany(sql, rows)

    def change_token(self) -> int:
        """``PRAGMA data_version``: changes when another connection commits."""
        row = self._one("PRAGMA data_version")
        assert row is not None
        return int(row[0])

    def apply(self, plan: ImportPlan, token: int) -> bool:
        """Import ``plan`` in one transaction, unless another import committed since ``token``."""
        try:
            with self._write():
                if self.change_token() != token:
                    raise _StalePlan  # nothing written yet: the rollback changes nothing
                self._insert(plan)
        except _StalePlan:
            return False
        return True
