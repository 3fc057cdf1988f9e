"""The small files the operations read and write, and one sentence for each failure.

Keys files, receipts and enrolment files are a few kilobytes; a folder may be a USB
stick that is missing, full or read-only. Every failure becomes an ``InvalidInput`` or
``WriteFailed`` sentence that says what to do, and nothing is left half-written.
"""

from __future__ import annotations

import errno
from pathlib import Path

from msp_desktop.atomic import write_atomic
from msp_desktop.errors import InvalidInput, KnownError
from msp_desktop.exit_codes import ExitCode
from msp_desktop.input_files import read_input

__all__ = [
    "MAX_SMALL_FILE",
    "ReadOnlyDisk",
    "WriteFailed",
    "could_not_write",
    "read_small",
    "require_folder",
    "write_public_file",
]

# A keys file, receipt or enrolment is a few kilobytes; refuse anything far larger unread.
MAX_SMALL_FILE = 64 * 1024


class WriteFailed(KnownError):
    """A folder refused a file for a reason other than a full disk (which is StorageFull)."""

    exit_code = ExitCode.INVALID_INPUT


class ReadOnlyDisk(WriteFailed):
    """The disk itself is read-only (a locked stick): the table's code for a disk that
    cannot take the file, as for a full one."""

    exit_code = ExitCode.STORAGE_FULL


def read_small(path: Path, what: str) -> bytes:
    """The bytes of a small file (``what``: "a receipt", "an office keys file"), or one
    sentence saying why it cannot be read; nothing is changed either way."""
    return read_input(path, what, MAX_SMALL_FILE)


def require_folder(folder: Path, nothing_was: str) -> None:
    """Refuse a folder that is not there, before anything is sealed or written.

    ``nothing_was`` ends the sentence ("Nothing was exported.").
    """
    if not Path(folder).is_dir():
        raise InvalidInput(
            f"The folder {folder} does not exist (is the USB stick plugged in?). {nothing_was}"
        )


def could_not_write(folder: Path, exc: OSError) -> WriteFailed:
    """The sentence for a folder that refused a file (read-only stick, no permission)."""
    if exc.errno == errno.EROFS:
        return ReadOnlyDisk(
            f"Could not write to {folder}: it cannot be written to "
            "(is the USB stick locked or read-only?)."
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return WriteFailed(
            f"Could not write to {folder}: it cannot be written to "
            "(is the USB stick locked or read-only?)."
        )
    return WriteFailed(f"Could not write to {folder} ({(exc.strerror or 'error').lower()}).")


def write_public_file(path: Path, data: bytes) -> None:
    """Write a file the office reads (an enrolment file, a bundle: public or encrypted
    data only) atomically and readable by others; a refused write says why."""
    try:
        write_atomic(path, data, mode=0o644)
    except OSError as exc:  # StorageFull is not an OSError: it passes through
        raise could_not_write(path.parent, exc) from exc
