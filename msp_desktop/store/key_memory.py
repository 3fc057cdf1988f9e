"""The database key in memory: one mutable buffer, wiped when done (issue: key hygiene).

Python's ``bytes`` and ``str`` cannot be changed, and freeing them does not clear them:
a key that passed through one stays in the process's memory until the allocator happens
to reuse the spot, where a crash dump, a swapped page or a memory read could find it.
So the raw key lives in a ``bytearray`` (``KeyBuffer``) that its owner overwrites on
lock, and:

- the one immutable copy we cannot avoid, the ``bytes`` that AES-GCM decryption returns,
  is copied into a buffer and overwritten in place at once (``wipe``);
- SQLCipher is given the key through its C function ``sqlite3_key_v2`` from a buffer that
  holds SQLCipher's raw-key form (``x'<64 hex digits>'``) and is wiped straight after,
  instead of ``PRAGMA key = "x'…'"``, whose SQL text would be an immutable ``str``. The
  function is found in the sqlcipher3 extension itself where the platform exports it
  (Linux, macOS); a Windows build exports no SQLite functions, and there the PRAGMA
  text is used (``docs/security.md``, S2);
- an attached database takes the main database's key inside SQLCipher (``ATTACH``
  without ``KEY``: a backup), or its own key the same way as the main one (a re-key's
  copy), so no key text is written into SQL.

SQLCipher keeps its own copy while the database is open, in memory it locks and
clears when the connection closes.
"""

from __future__ import annotations

import ctypes
import functools
import secrets
import sys
from pathlib import Path
from typing import Any

__all__ = ["KeyBuffer", "key_connection", "new_key_buffer", "raw_key_literal", "wipe"]

KeyBuffer = bytearray
"""A raw database key the holder wipes when done."""

# Where a bytes object's characters start: the object's size with none, less the one
# byte CPython keeps for the terminating NUL.
_BYTES_DATA_OFFSET = sys.getsizeof(b"") - 1
_HEX_DIGITS = b"0123456789abcdef"


def wipe(secret: bytes | bytearray) -> None:
    """Overwrite ``secret`` with zeros in place.

    For ``bytes`` this writes into an object Python treats as unchangeable: only ever
    call it on a key no one else holds (never an interned or shared object; those are
    at most one byte long, which is refused).
    """
    if isinstance(secret, bytearray):
        if secret:
            ctypes.memset((ctypes.c_char * len(secret)).from_buffer(secret), 0, len(secret))
        return
    if len(secret) < 2 or type(secret) is not bytes:
        raise ValueError("only a key of its own can be wiped")
    ctypes.memset(id(secret) + _BYTES_DATA_OFFSET, 0, len(secret))


def new_key_buffer(size: int) -> KeyBuffer:
    """A fresh random key in a buffer of its own."""
    fresh = secrets.token_bytes(size)
    key = bytearray(fresh)
    wipe(fresh)
    return key


def raw_key_literal(key: bytes | bytearray) -> bytearray:
    """SQLCipher's raw-key form, ``x'<hex>'``, built in a buffer the caller wipes (no
    ``str`` or ``bytes`` copy of the hex on the way)."""
    literal = bytearray(len(key) * 2 + 3)
    literal[0:2] = b"x'"
    for i, byte in enumerate(key):
        literal[2 + 2 * i] = _HEX_DIGITS[byte >> 4]
        literal[3 + 2 * i] = _HEX_DIGITS[byte & 0x0F]
    literal[-1] = ord("'")
    return literal


@functools.cache
def _sqlite3_key() -> Any:
    """The extension's ``sqlite3_key_v2`` and ``sqlite3_db_filename``, or None where the
    platform does not export them (Windows)."""
    try:
        from sqlcipher3 import _sqlite3  # the compiled extension, SQLCipher linked in

        library = ctypes.CDLL(_sqlite3.__file__)
        key, filename = library.sqlite3_key_v2, library.sqlite3_db_filename
    except (OSError, AttributeError, ImportError):
        return None
    key.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int]
    key.restype = ctypes.c_int
    filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    filename.restype = ctypes.c_char_p
    return key, filename


def _handle(conn: Any, path: Path, schema: bytes) -> int | None:
    """The connection's ``sqlite3 *``: the first field after the object header, as in
    every pysqlite-derived module; None unless SQLite itself confirms that its database
    ``schema`` is the file ``path``."""
    functions = _sqlite3_key()
    if functions is None:
        return None
    handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
    if not handle:
        return None
    named = functions[1](handle, schema)
    if named is None or Path(named.decode("utf-8", "replace")).resolve() != path.resolve():
        return None
    return int(handle)


def key_connection(conn: Any, path: Path, key: bytes | bytearray, schema: str = "main") -> bool:
    """Give ``key`` to the SQLCipher connection ``conn`` for its database ``schema``
    (the file ``path``; an attached one before its first use) through ``sqlite3_key_v2``,
    from a buffer wiped straight after. False where that function is not available: the
    caller then gives the key as SQL text."""
    name = schema.encode("ascii")
    handle = _handle(conn, path, name)
    if handle is None:
        return False
    literal = raw_key_literal(key)
    try:
        buffer = (ctypes.c_char * len(literal)).from_buffer(literal)
        status = _sqlite3_key()[0](handle, name, buffer, len(literal))
        del buffer  # the view must go before the buffer can be wiped and freed
    finally:
        wipe(literal)
    if status != 0:
        raise OSError(f"SQLCipher refused the key (status {status})")
    return True
