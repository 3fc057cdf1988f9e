"""The one table of exit codes for ``msp`` and ``msp-office``: each number, one meaning.

Scripts (an IT team's deployment, an office's cron job) act on these numbers, so a
number never changes meaning and two kinds of failure never share one. Every
``KnownError`` takes its ``exit_code`` from here; a test checks that the README's table
lists exactly these.
"""

from __future__ import annotations

import enum

__all__ = ["ExitCode"]


class ExitCode(enum.IntEnum):
    """What a command's exit status means (the README's "Exit codes" table)."""

    OK = 0
    """Done (also: nothing to export, which is not a failure)."""
    PROBLEM_FOUND = 1
    """A check found a problem (``msp check``), or another failure with its sentence."""
    INVALID_INPUT = 2
    """What was typed or given is not acceptable, or a folder refused a file; the
    sentence says why."""
    MISSING_OR_EXISTS = 3
    """The workspace or office is not where it was expected, or one is already there."""
    WRONG_KEY = 4
    """The passphrase, or the office recovery key, does not open this workspace."""
    DAMAGED = 5
    """The key is right but files are damaged or of an unknown version; nothing changed."""
    UNSUPPORTED_BUILD = 6
    """The SQLCipher library is not the build the app was checked against."""
    BUSY = 7
    """Another program is writing or has the workspace open (the sentence names the
    desktop app or an msp command), or the office asks to wait; try again shortly."""
    NOT_FOUND = 8
    """No record or device has the id given."""
    NOT_IN_THIS_STATE = 9
    """The record's state does not allow it: a finalised record cannot change in place,
    a draft cannot be given to the person."""
    STORAGE_FULL = 10
    """The disk is full, failing or read-only (the sentence says which and how much space
    is needed); the last saved state is intact."""
    NOT_READY_TO_FINALISE = 11
    """The visit still needs something before it can be finalised (said in words)."""
    NOT_READY_TO_SYNC = 12
    """No office keys yet, this device is not enrolled, or the office has no inbox address."""
    REFUSED = 13
    """A bundle, receipt, keys or enrolment file was refused (signature, format, replay)."""
    OFFICE_UNREACHABLE = 14
    """The office could not be reached, or the sync was stopped; everything stays queued."""
    GUIDE_INVALID = 15
    """The conversation guide file is not valid (the sentence names the line and field)."""
    NOT_INSTALLED = 16
    """Something the command needs is not installed or not available here: the office
    server's packages, Qt, a display or Qt's system libraries (the sentence names it)."""
    BUG = 70
    """An unexpected error: a bug. Saved records are safe; details (without personal
    data) are in the log."""
    INTERRUPTED = 130
    """Stopped with Ctrl+C; anything already saved is kept."""
