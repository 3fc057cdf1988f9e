"""The office database on PostgreSQL: ``OfficeStore`` on psycopg 3.

The same tables and constraints as the SQLite backend (``postgres_schema``), the
same rules (``store``'s docstring), and these choices for a server that many
``msp-office`` processes may use at once:

- **Reads are single statements in autocommit**, as on SQLite: ``Importer.check``
  plans from reads and takes no lock, so a slow plan never holds up other imports.
- **Writers take turns on one row.** Every write transaction first locks the one
  row of ``office_lock`` (``SELECT ... FOR UPDATE``), the counterpart of SQLite's
  ``BEGIN IMMEDIATE``, and adds one to its ``change_count`` before committing. The
  count is the change token: ``apply(plan, token)`` compares it, under the lock,
  with the token the plan was made at, so a plan made before another writer
  committed is rolled back untouched and the importer plans again. Under READ
  COMMITTED the locking ``SELECT`` returns the newest committed row once the lock is
  granted, and every later statement of the transaction sees every commit made
  before it: no SERIALIZABLE retries are needed, because writers never overlap.
- **The constraints are the last word.** ``bundles`` is keyed by the bundle hash and
  (device, sequence) is unique, so even a writer that ignored the lock could not
  import a bundle twice: a unique violation rolls the transaction back and is
  treated as a lost race (``apply`` returns False; the importer plans again and
  finds the bundle already imported, or refuses the replay).
- **Read-only opening** (verify, lists, status) sets
  ``default_transaction_read_only``, so the server itself refuses any write.
- Opening never writes: a missing or foreign schema is reported, not created.
- Text is sorted ``COLLATE "C"`` (by code point), as SQLite sorts it, whatever the
  server's locale.

The queries themselves are ``queries.SqlOfficeQueries``, shared with SQLite.
PostgreSQL text cannot hold the NUL character: the bundle format refuses it in
audit entries (``bundles.records.AuditItem``), so it never reaches a transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from msp_desktop.errors import InvalidInput
from msp_desktop.office.db.postgres_schema import (
    APPLICATION_ID,
    OFFICE_TABLES,
    SCHEMA_STATEMENTS,
    SCHEMA_VERSION,
    UPGRADES,
)
from msp_desktop.office.db.queries import SqlOfficeQueries
from msp_desktop.office.db.store import ImportPlan, Upgraded, version_refusal
from msp_desktop.office.errors import OfficeBusy, OfficeDamaged, OfficeExists, OfficeMissing

__all__ = ["PostgresOfficeStore", "describe_url"]

LOCK_TIMEOUT = "30s"
"""How long a writer waits for another to finish before ``OfficeBusy`` (SQLite: 30 s)."""
CONNECT_TIMEOUT_SECONDS = 10

Connection = psycopg.Connection[tuple[Any, ...]]


class _StalePlan(Exception):
    """Another connection committed after the plan was made."""


def _params(url: str) -> dict[str, Any]:
    try:
        return conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise InvalidInput(
            "The database URL is not a valid postgresql:// URL "
            "(postgresql://USER@HOST:PORT/DATABASE)."
        ) from None


def describe_url(url: str) -> str:
    """``database office on db.example:5432``: the URL without user or password."""
    params = _params(url)
    host = str(params.get("host") or "localhost")
    port = params.get("port")
    where = f"{host}:{port}" if port and not host.startswith("/") else host
    return f"PostgreSQL database {params.get('dbname') or '(default)'} on {where}"


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(exc).__name__


def _connect(url: str) -> Connection:
    params = _params(url)
    extra: dict[str, Any] = {}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    if "application_name" not in params:
        extra["application_name"] = "msp-office"
    try:
        conn: Connection = psycopg.connect(url, autocommit=True, **extra)
    except psycopg.OperationalError as exc:
        raise OfficeMissing(
            f"Cannot connect to the office's {describe_url(url)}: {_first_line(exc)}."
        ) from None
    # Whatever the server's default: the office lock relies on READ COMMITTED (above).
    conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
    return conn


def _office_tables(conn: Connection) -> set[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_catalog.pg_class c "
        "WHERE c.relkind IN ('r', 'p') AND c.relname = ANY(%s) "
        "AND pg_catalog.pg_table_is_visible(c.oid)",
        (list(OFFICE_TABLES),),
    ).fetchall()
    return {str(name) for (name,) in rows}


def _refuse_existing(conn: Connection, url: str) -> None:
    found = _office_tables(conn)
    if "schema_version" in found:
        raise OfficeExists(
            f"The {describe_url(url)} already holds an office database; "
            "use an empty database for a new office."
        )
    if found:
        raise OfficeExists(
            f"The {describe_url(url)} already has tables named like the office's "
            f"({', '.join(sorted(found))}); use an empty database for a new office."
        )


def _version(conn: Connection, url: str, *, lock: bool) -> int:
    """The schema version, refusing a database that is not an office's or is newer."""
    if lock:
        cursor = conn.execute("SELECT application_id, version FROM schema_version FOR UPDATE")
    else:
        cursor = conn.execute("SELECT application_id, version FROM schema_version")
    found = cursor.fetchone()
    if found is None or int(found[0]) != APPLICATION_ID:
        raise OfficeDamaged(f"The {describe_url(url)} is not an office database.")
    version = int(found[1])
    if not 1 <= version <= SCHEMA_VERSION:
        raise OfficeDamaged(version_refusal(f"The {describe_url(url)}", version))
    return version


class PostgresOfficeStore(SqlOfficeQueries):
    """``OfficeStore`` on a PostgreSQL database (one connection, autocommit reads)."""

    _COLLATE = ' COLLATE "C"'  # byte order, as SQLite sorts, whatever the server locale
    _ENROLLED_ORDER = "enrolled_order"

    def __init__(self, conn: Connection, url: str) -> None:
        self._conn = conn
        self.url = url

    describe = staticmethod(describe_url)

    @classmethod
    def check_creatable(cls, url: str) -> None:
        """Refuse before anything is made if the database cannot take a new office."""
        conn = _connect(url)
        try:
            _refuse_existing(conn, url)
        finally:
            conn.close()

    @classmethod
    def create(cls, url: str) -> None:
        """Make the office tables in an existing, empty database, in one transaction."""
        conn = _connect(url)
        try:
            _refuse_existing(conn, url)
            with conn.transaction():
                for statement in SCHEMA_STATEMENTS:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (application_id, version) VALUES (%s, %s)",
                    (APPLICATION_ID, SCHEMA_VERSION),
                )
                conn.execute("INSERT INTO office_lock (change_count) VALUES (0)")
        except (pg_errors.DuplicateTable, pg_errors.DuplicateObject, pg_errors.UniqueViolation):
            # Another init got there between the check and the transaction.
            raise OfficeExists(
                f"The {describe_url(url)} already holds an office database."
            ) from None
        finally:
            conn.close()

    @classmethod
    def open(cls, url: str, *, read_only: bool = False) -> PostgresOfficeStore:
        """Connect and check the schema; reads only, so opening changes nothing."""
        conn = _connect(url)
        try:
            # Session settings only: nothing is stored in the database.
            conn.execute("SELECT pg_catalog.set_config('lock_timeout', %s, false)", (LOCK_TIMEOUT,))
            if read_only:
                conn.execute("SET default_transaction_read_only = on")
            if "schema_version" not in _office_tables(conn):
                raise OfficeMissing(
                    f"There is no office database in the {describe_url(url)}; create an "
                    "office with: msp-office init --db URL"
                )
            row = conn.execute("SELECT application_id, version FROM schema_version").fetchone()
        except BaseException:
            conn.close()
            raise
        if row is None or int(row[0]) != APPLICATION_ID:
            conn.close()
            raise OfficeDamaged(f"The {describe_url(url)} is not an office database.")
        version = int(row[1])
        if version != SCHEMA_VERSION:
            conn.close()
            raise OfficeDamaged(version_refusal(f"The {describe_url(url)}", version))
        return cls(conn, url)

    @classmethod
    def version(cls, url: str) -> int:
        """The schema version of the office database, read without writing;
        ``OfficeDamaged`` for one that is not an office database or is newer."""
        conn = _connect(url)
        try:
            if "schema_version" not in _office_tables(conn):
                raise OfficeMissing(
                    f"There is no office database in the {describe_url(url)}; create an "
                    "office with: msp-office init --db URL"
                )
            return _version(conn, url, lock=False)
        finally:
            conn.close()

    @classmethod
    def upgrade(cls, url: str) -> Upgraded:
        """Take the office database to ``SCHEMA_VERSION``, one step per transaction.

        Each step holds the office lock (imports wait, then plan again) and records its
        version, so an interrupted upgrade leaves the database at the last version it
        finished. A current database is left untouched. ``msp-office migrate`` makes
        and verifies a backup before calling this."""
        conn = _connect(url)
        store = cls(conn, url)
        try:
            conn.execute("SELECT pg_catalog.set_config('lock_timeout', %s, false)", (LOCK_TIMEOUT,))
            if "schema_version" not in _office_tables(conn):
                raise OfficeMissing(
                    f"There is no office database in the {describe_url(url)}; create an "
                    "office with: msp-office init --db URL"
                )
            before = _version(conn, url, lock=False)
            for step in range(before + 1, SCHEMA_VERSION + 1):
                with store._write():
                    if _version(conn, url, lock=True) != step - 1:
                        continue  # another migrate took this step meanwhile
                    for statement in UPGRADES[step]:
                        conn.execute(statement)
                    conn.execute("UPDATE schema_version SET version = %s", (step,))
            return Upgraded(before, SCHEMA_VERSION)
        finally:
            conn.close()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> PostgresOfficeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[int]:
        """One write transaction holding the office lock; yields the change count."""
        try:
            with self._conn.transaction():
                row = self._conn.execute(
                    "SELECT change_count FROM office_lock FOR UPDATE"
                ).fetchone()
                if row is None:
                    raise OfficeDamaged(f"The {describe_url(self.url)} has no office lock row.")
                yield int(row[0])
                self._conn.execute("UPDATE office_lock SET change_count = change_count + 1")
        except pg_errors.LockNotAvailable:
            raise OfficeBusy(
                "Another msp-office is writing to the office database; try again shortly."
            ) from None

    # The shared queries are written with "?"; psycopg takes "%s". No query has a "?"
    # of its own or a "%" that would need escaping.
    def _rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql.replace("?", "%s"), params).fetchall()

    def _run(self, sql: str, *params: object) -> None:
        self._conn.execute(sql.replace("?", "%s"), params)

    def _run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), rows)

    def change_token(self) -> int:
        """``office_lock.change_count``: one more with every committed write."""
        row = self._one("SELECT change_count FROM office_lock")
        if row is None:
            raise OfficeDamaged(f"The {describe_url(self.url)} has no office lock row.")
        return int(row[0])

    def apply(self, plan: ImportPlan, token: int) -> bool:
        """Import ``plan`` in one transaction, unless another import committed since ``token``.

        False, with nothing written, when the plan is stale: another writer committed
        after ``token`` was read, or (the constraints' backstop) the ledger or a
        revision it adds is already there, or the server reports another writer in
        the way (a serialization failure or deadlock, which the lock should prevent).
        """
        try:
            with self._write() as count:
                if count != token:
                    raise _StalePlan  # nothing written yet: the rollback changes nothing
                self._insert(plan)
        except (_StalePlan, pg_errors.UniqueViolation, pg_errors.SerializationFailure,
                pg_errors.DeadlockDetected):  # fmt: skip
            return False
        return True
