"""S1 and S3: the SQLCipher build is checked and every connection's settings asserted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from msp_desktop.errors import UnsupportedBuild
from msp_desktop.store import Workspace
from msp_desktop.store.connection import (
    CACHE_KIB,
    assert_pragmas,
    check_sqlcipher_build,
    open_encrypted,
)


def test_sqlcipher_build_is_the_expected_one(workspace: Workspace) -> None:
    version = check_sqlcipher_build(workspace.db.connection)
    assert version.startswith("4.")


def test_a_plain_sqlite_build_is_refused(tmp_path: Path) -> None:
    # The standard library's sqlite3 is a real build without the codec: exactly the
    # library S1 says must never be trusted with records.
    plain = sqlite3.connect(tmp_path / "plain.db")
    try:
        with pytest.raises(UnsupportedBuild, match="unexpected database library"):
            check_sqlcipher_build(plain)
    finally:
        plain.close()


def test_every_connection_has_the_safety_settings(workspace: Workspace) -> None:
    conn = workspace.db.connection
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(Exception, match="not authorized"):
        conn.execute("SELECT load_extension('anything')")


@pytest.mark.parametrize(
    ("pragma", "bad_value", "name"),
    [
        ("secure_delete", "OFF", "secure_delete"),
        ("synchronous", "NORMAL", "synchronous"),
        ("temp_store", "FILE", "temp_store"),
        ("foreign_keys", "OFF", "foreign_keys"),
        ("cache_size", "-2000", "cache_size"),
    ],
)
def test_a_setting_that_did_not_take_is_caught(
    workspace: Workspace, pragma: str, bad_value: str, name: str
) -> None:
    conn = workspace.db.connection
    conn.execute(f"PRAGMA {pragma} = {bad_value}")
    with pytest.raises(UnsupportedBuild, match=name):
        assert_pragmas(conn)


def test_database_file_is_not_plain_sqlite(workspace: Workspace) -> None:
    header = Workspace.db_path(workspace.folder).read_bytes()[:16]
    assert header != b"SQLite format 3\x00"


def test_key_must_be_256_bits(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        open_encrypted(tmp_path / "x.db", b"short")
