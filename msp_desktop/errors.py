"""Errors a person can act on, as opposed to bugs.

A ``KnownError`` carries one plain sentence for the person at the keyboard and an
exit code for the command line. Anything that is not a ``KnownError`` is a bug: the
command line logs its traceback and says so, without showing personal data.
"""

from __future__ import annotations

from msp_desktop.exit_codes import ExitCode


class KnownError(Exception):
    """An error with a plain-English sentence the person can act on."""

    exit_code: int = ExitCode.PROBLEM_FOUND

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WorkspaceMissing(KnownError):
    """There is no workspace where one was expected."""

    exit_code = ExitCode.MISSING_OR_EXISTS


class WorkspaceExists(KnownError):
    """A workspace is already there; creating another would destroy records."""

    exit_code = ExitCode.MISSING_OR_EXISTS


class WrongPassphrase(KnownError):
    """The passphrase does not unlock this workspace."""

    exit_code = ExitCode.WRONG_KEY


class WrongRecoveryKey(KnownError):
    """The office recovery key does not open this workspace, or it has none (S14)."""

    exit_code = ExitCode.WRONG_KEY


class WorkspaceDamaged(KnownError):
    """The key is right but the files are damaged; nothing was changed."""

    exit_code = ExitCode.DAMAGED


class UnsupportedBuild(KnownError):
    """The SQLCipher library is not the build the app was checked against."""

    exit_code = ExitCode.UNSUPPORTED_BUILD


class WorkspaceBusy(KnownError):
    """Another program has the workspace open for writing."""

    exit_code = ExitCode.BUSY


class RecordNotFound(KnownError):
    """No record has the id that was asked for."""

    exit_code = ExitCode.NOT_FOUND


class RecordReadOnly(KnownError):
    """A finalised record cannot be changed in place."""

    exit_code = ExitCode.NOT_IN_THIS_STATE


class InvalidInput(KnownError):
    """What was typed or passed is not acceptable, with the reason."""

    exit_code = ExitCode.INVALID_INPUT


class StorageFull(KnownError):
    """The disk is full or failing; the last saved state is intact."""

    exit_code = ExitCode.STORAGE_FULL


class WorkspaceReplaced(WorkspaceBusy):
    """The workspace's files were replaced under an open workspace (e.g. a restore by
    another program); nothing more is saved through the old connection."""


class WorkspaceReadOnly(KnownError):
    """The workspace is on read-only media: it opens to read, and refuses changes."""

    exit_code = ExitCode.STORAGE_FULL
