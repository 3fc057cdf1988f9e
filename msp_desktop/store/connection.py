"""Opening the SQLCipher database, with every check asserted on every open.

S1: fail closed unless the SQLCipher build is what we expect.
S3: every connection uses an in-memory temp store, secure delete, WAL with FULL
    sync, no extension loading; each setting is read back and asserted, because
    SQLite silently ignores a pragma it does not understand.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3

from msp_desktop.errors import UnsupportedBuild, WorkspaceBusy, WorkspaceDamaged
from msp_desktop.store.key_memory import key_connection
from msp_desktop.store.space import disk_full_error, is_disk_error

# SQLCipher decrypts every page it reads, so a cache that holds the working set is
# what keeps the encrypted store close to plain SQLite (64 MiB; see the benchmark).
CACHE_KIB = 65536
BUSY_TIMEOUT_S = 5.0

# The errors both drivers raise, so callers can catch them without caring which.
DatabaseErrors: tuple[type[Exception], ...] = (sqlcipher3.DatabaseError, sqlite3.DatabaseError)
OperationalErrors: tuple[type[Exception], ...] = (
    sqlcipher3.OperationalError,
    sqlite3.OperationalError,
)

# Either driver's connection: both follow DB-API 2.0 and the sqlite3 module's API.
Connection = Any


def check_sqlcipher_build(conn: Connection) -> str:
    """S1: return the SQLCipher version, or raise ``UnsupportedBuild``."""
    row = conn.execute("PRAGMA cipher_version").fetchone()
    version = row[0] if row else None
    options = {r[0] for r in conn.execute("PRAGMA compile_options").fetchall()}
    missing = [opt for opt in ("HAS_CODEC", "TEMP_STORE=2", "ENABLE_FTS5") if opt not in options]
    if not version or missing:
        raise UnsupportedBuild(
            "This copy of MSP Desktop has an unexpected database library "
            f"(SQLCipher {version or 'missing'}; lacking {', '.join(missing) or 'nothing'}). "
            "It will not open records with it; reinstall the app."
        )
    return str(version)


def apply_pragmas(conn: Connection, *, read_only: bool = False) -> None:
    """S3: set and then assert the connection settings on ``conn``.

    A read-only connection writes nothing, so it keeps its file's journal mode.
    """
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA secure_delete = ON")
    mode = "wal" if read_only else conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    assert_pragmas(conn, journal_mode=str(mode))


def assert_pragmas(conn: Connection, journal_mode: str | None = None) -> None:
    """Read every safety setting back; raise ``UnsupportedBuild`` if one did not take."""
    expected: dict[str, object] = {
        "temp_store": 2,
        "secure_delete": 1,
        "journal_mode": "wal",
        "synchronous": 2,
        "cache_size": -CACHE_KIB,
        "foreign_keys": 1,
        "trusted_schema": 0,
    }
    actual: dict[str, object] = {
        name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in expected
    }
    if journal_mode is not None:
        actual["journal_mode"] = journal_mode
    wrong = sorted(name for name, value in expected.items() if actual[name] != value)
    # Extension loading is never enabled; prove the SQL function is refused too.
    try:
        conn.execute("SELECT load_extension('msp_no_such_extension')")
        wrong.append("load_extension")
    except DatabaseErrors:
        pass
    if wrong:
        raise UnsupportedBuild(
            "The database library ignored required safety settings "
            f"({', '.join(wrong)}); records will not be opened with it."
        )


def _read_only_uri(path: Path) -> str:
    # With a WAL left by a crash, SQLite reads it through "mode=ro"; without one,
    # "immutable" needs no -shm file, which read-only media cannot hold.
    has_wal = Path(f"{path}-wal").exists()
    return Path(path).absolute().as_uri() + ("?mode=ro" if has_wal else "?immutable=1")


def open_encrypted(
    path: Path, raw_key: bytes | bytearray, *, read_only: bool = False
) -> Connection:
    """Open (or create) the SQLCipher database at ``path`` with the raw key, given to
    SQLCipher from a wiped buffer where the platform allows (``key_memory``).

    The key has already been proven right by the keyslot's authentication tag, so a
    database that will not read is damaged, never "wrong passphrase" -- unless the
    disk refused (full, failing): that is ``StorageFull``, never damage. With
    ``read_only`` nothing is written, not even the ``-wal`` and ``-shm`` files.
    """
    if len(raw_key) != 32:
        raise ValueError("the database key must be 32 bytes")
    conn = sqlcipher3.connect(
        _read_only_uri(path) if read_only else str(path),
        isolation_level=None,
        timeout=BUSY_TIMEOUT_S,
        check_same_thread=True,
        uri=read_only,
    )
    try:
        check_sqlcipher_build(conn)
        # SQLCipher otherwise prints its own lines to stderr on a damaged page; the
        # person gets one plain sentence from us instead.
        conn.execute("PRAGMA cipher_log_level = NONE")
        if not key_connection(conn, Path(path), raw_key):  # Windows: no sqlite3_key to call
            conn.execute(f"PRAGMA key = \"x'{raw_key.hex()}'\"")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except DatabaseErrors as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise WorkspaceBusy(
                    "The workspace is in use by another MSP Desktop window or command; "
                    "close it and try again."
                ) from exc
            if is_disk_error(exc):
                raise disk_full_error(path.parent, "open the workspace") from exc
            raise WorkspaceDamaged(
                f"The workspace database in {path.parent} is damaged and cannot be read. "
                "Nothing has been changed or deleted."
            ) from exc
        try:
            apply_pragmas(conn, read_only=read_only)
        except DatabaseErrors as exc:
            if is_disk_error(exc):  # switching to WAL writes the header and the -shm
                raise disk_full_error(path.parent, "open the workspace") from exc
            raise
    except BaseException:
        conn.close()
        raise
    return conn


def cipher_integrity_problems(conn: Connection) -> list[str]:
    """SQLCipher's page check (HMAC of every page): empty when healthy (S7)."""
    return [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]


def integrity_problems(conn: Connection) -> list[str]:
    """SQLite's structural check: empty when healthy (S7)."""
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows
