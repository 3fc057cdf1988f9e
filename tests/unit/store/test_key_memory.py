"""The database key in memory (``key_memory``): one buffer, wiped on lock; SQLCipher
keyed from a wiped buffer; and, read from the process's own memory after a session and
a lock, no copy of the key left behind, raw or as text."""

from __future__ import annotations

import binascii
import gc
import sys
from pathlib import Path

import pytest
import sqlcipher3

from msp_desktop.store import Workspace
from msp_desktop.store.key_memory import key_connection, new_key_buffer, raw_key_literal, wipe
from msp_desktop.store.keyslots import load_key_file
from tests import builders
from tests.conftest import PASSPHRASE

# Where a bytes object's characters start (as key_memory works it out).
BYTES_DATA = sys.getsizeof(b"") - 1


def test_the_literal_is_sqlciphers_raw_key_form() -> None:
    key = new_key_buffer(32)
    literal = raw_key_literal(key)
    assert bytes(literal) == b"x'" + binascii.hexlify(bytes(key)) + b"'"
    wipe(literal)
    assert literal == bytearray(len(literal))


def test_wiping_clears_a_buffer_and_an_unshared_bytes_in_place() -> None:
    buffer = bytearray(b"secret material")
    wipe(buffer)
    assert buffer == bytearray(15)
    unshared = bytes(bytearray(b"a key of its own"))
    wipe(unshared)
    assert unshared == bytes(16)
    with pytest.raises(ValueError, match="only a key of its own"):
        wipe(b"x")  # one-byte objects are shared by all of Python


def test_windows_falls_back_to_the_pragma_text(tmp_path: Path) -> None:
    # Linux and macOS export SQLCipher's C functions from the module; a Windows build
    # does not, and open_encrypted gives the key as PRAGMA text there.
    conn = sqlcipher3.connect(str(tmp_path / "keyed.db"), isolation_level=None)
    assert key_connection(conn, tmp_path / "keyed.db", new_key_buffer(32)) is (
        sys.platform != "win32"
    )
    conn.close()


@pytest.mark.posix_only("a Windows build of sqlcipher3 exports no SQLite functions to call")
def test_sqlcipher_is_keyed_from_the_buffer(tmp_path: Path) -> None:
    key = new_key_buffer(32)
    path = tmp_path / "keyed.db"
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    assert key_connection(conn, path, key)
    conn.execute("CREATE TABLE t (a)")
    conn.close()
    again = sqlcipher3.connect(str(path), isolation_level=None)
    again.execute(f"PRAGMA key = \"x'{key.hex()}'\"")  # the same key, as SQL text
    assert again.execute("SELECT count(*) FROM t").fetchone() == (0,)
    again.close()
    wrong = sqlcipher3.connect(str(path), isolation_level=None)
    wrong.execute("PRAGMA cipher_log_level = NONE")
    assert key_connection(wrong, path, new_key_buffer(32))
    with pytest.raises(sqlcipher3.DatabaseError):
        wrong.execute("SELECT count(*) FROM t").fetchone()
    wrong.close()


def test_a_connection_to_another_file_is_not_keyed(tmp_path: Path) -> None:
    conn = sqlcipher3.connect(str(tmp_path / "one.db"), isolation_level=None)
    assert key_connection(conn, tmp_path / "other.db", new_key_buffer(32)) is False
    conn.close()


def _readable_regions() -> list[tuple[int, int]]:
    regions = []
    for line in Path("/proc/self/maps").read_text("utf-8", "replace").splitlines():
        fields = line.split()
        if fields[1].startswith("r") and not line.endswith(("[vvar]", "[vsyscall]")):
            start, end = (int(part, 16) for part in fields[0].split("-"))
            regions.append((start, end))
    return regions


def _copies_in_memory(needles: list[bytes]) -> list[tuple[int, int]]:
    """Every place in this process's memory holding one of ``needles`` (which needle,
    where), but the needles' own characters."""
    own = {id(needle) + BYTES_DATA for needle in needles}
    longest = max(len(n) for n in needles)
    found: list[tuple[int, int]] = []
    chunk_size = 16 * 1024 * 1024
    with open("/proc/self/mem", "rb", buffering=0) as memory:
        for start, end in _readable_regions():
            at = start
            while at < end:
                size = min(chunk_size, end - at)
                try:
                    memory.seek(at)
                    chunk = memory.read(size + min(longest, end - at - size))
                except (OSError, ValueError, OverflowError):
                    break
                for number, needle in enumerate(needles):
                    # find, not a regular expression: re would keep copies of the needle
                    hit = chunk.find(needle)
                    while hit != -1:
                        if at + hit not in own:
                            found.append((number, at + hit))
                        hit = chunk.find(needle, hit + 1)
                at += size
    return found


@pytest.mark.posix_only("reads the process's own memory through Linux's /proc/self/mem")
def test_no_copy_of_the_key_is_left_in_memory_after_lock(workspace_dir: Path) -> None:
    folder = workspace_dir / "ws"
    Workspace.create(folder, PASSPHRASE, "Test Worker").close()
    key = load_key_file(Workspace.keys_path(folder)).unwrap(PASSPHRASE)
    raw = bytes(key)
    wipe(key)
    lower = binascii.hexlify(raw)
    needles = [raw, lower, lower.upper()]

    # A working session: unlock, save a record, back up, lock.
    ws = Workspace.open(folder, PASSPHRASE)
    ws.people.add(builders.person("Kay Memory"))
    ws.backup(workspace_dir / "backup.db")
    ws.close()
    gc.collect()
    assert _copies_in_memory(needles) == []

    # The search finds a copy when there is one.
    planted = bytearray(raw)
    assert [number for number, _ in _copies_in_memory(needles)] == [0]
    wipe(planted)
