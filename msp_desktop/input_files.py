"""Reading a file someone named on the command line: bounded, regular files only.

A person (or a script) may name anything as an input file: a folder, ``/dev/zero``, a
named pipe nothing writes to, a file of gigabytes, a file in another encoding. Each of
those must end in one sentence, never a hang, a memory blow-up or a traceback. So every
input file the commands take (passphrase files, keys and enrolment files, receipts,
bundles, guides, identities) is read here:

- opened without blocking (a FIFO with no writer would otherwise wait for ever) and
  without following the open into anything but a regular file;
- read to at most ``limit`` bytes plus one, so a file that is too large is refused
  without being read whole;
- decoded, where the caller wants text, with a sentence naming the file if it is not
  UTF-8.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from msp_desktop.errors import InvalidInput, KnownError

__all__ = ["InputRefused", "read_input", "read_input_text"]

_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


class InputRefused(InvalidInput):
    """An input file that cannot be read as one: ``message`` is the whole sentence,
    ``reason`` the short why ("there is no such file"), for tools that print
    ``FILE:LINE: reason`` as editors expect."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def read_input(
    path: Path,
    what: str,
    limit: int,
    *,
    too_large: Callable[[], KnownError] | None = None,
) -> bytes:
    """The bytes of the input file ``path`` (``what``: "a receipt", "a passphrase
    file"), at most ``limit`` of them; ``InvalidInput`` with one sentence otherwise
    (``too_large`` makes the error for a file over the limit, where that has its own
    meaning, as a bundle over the cap is refused rather than mistyped).

    Nothing is changed either way.
    """
    path = Path(path)

    def oversized() -> KnownError:
        if too_large is not None:
            return too_large()
        return InputRefused(
            f"{path} is far too large to be {what}; nothing was read.",
            f"it is far too large to be {what}",
        )

    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise InputRefused(f"There is no file {path}.", "there is no such file") from None
    except OSError as exc:
        # Windows refuses to open a folder with "Permission denied", not EISDIR.
        if path.is_dir():
            raise InputRefused(f"{path} is a folder, not {what}.", "it is a folder") from None
        reason = _reason(exc)
        raise InputRefused(f"Could not read {path} ({reason}).", reason) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            kind = "a folder" if path.is_dir() else "a device or a pipe"
            raise InputRefused(f"{path} is {kind}, not {what}.", f"it is {kind}, not a file")
        if os.fstat(fd).st_size > limit:
            raise oversized()
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        reason = _reason(exc)
        raise InputRefused(f"Could not read {path} ({reason}).", reason) from None
    finally:
        os.close(fd)
    if size > limit:  # it grew while we read it
        raise oversized()
    return b"".join(chunks)


def read_input_text(path: Path, what: str, limit: int) -> str:
    """``read_input`` decoded as UTF-8 (a byte-order mark is dropped); a file in another
    encoding is refused with a sentence that says so."""
    data = read_input(path, what, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputRefused(
            f"{path} is not plain text in UTF-8 (line {line} holds other bytes), "
            f"so it cannot be {what}. Save it as UTF-8 and try again.",
            f"line {line} is not UTF-8 text",
        ) from None
