"""The last guard of both command lines (``msp``, ``msp-office``): errors a person can
act on print one line and exit with their code; anything else is a bug, logged as a
scrubbed traceback (no personal data) and reported in one line pointing at the log."""

from __future__ import annotations

import errno
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from msp_desktop.errors import InvalidInput, KnownError, StorageFull
from msp_desktop.exit_codes import ExitCode
from msp_desktop.logs import scrubbed_traceback

__all__ = ["run_guarded"]


# The disk itself cannot take it: full, failing or read-only (the table's code 10).
_STORAGE = {
    errno.ENOSPC: "is full: free some space and try again",
    errno.EDQUOT: "is full (your share of it is used up): free some space and try again",
    errno.EIO: "is failing (the system could not read or write it): try another disk",
    errno.EROFS: "is read-only (a locked USB stick?): unlock it or choose another disk",
    errno.EFBIG: "cannot hold a file this large: choose another disk",
}
# What was named cannot be used as it is: the sentence names it (code 2).
_NAMED = {
    errno.EACCES, errno.EPERM, errno.ENAMETOOLONG, errno.ENOTDIR, errno.EISDIR,
    errno.ENOENT, errno.EEXIST, errno.ELOOP, errno.EINVAL, errno.ETXTBSY, errno.EXDEV,
}  # fmt: skip


def file_refused(exc: OSError, safe: str) -> KnownError | None:
    """The sentence for a file the system refused (a read-only stick, a name too long,
    no permission), or None when it is not that but a bug.

    Commands say what they were doing where they can; this is the last word for a file
    operation any command might meet, so that a refused file is never reported as a bug.
    Only errors that name a file, or that are the disk's own, count.
    """
    reason = (exc.strerror or "refused").lower()
    where = exc.filename if exc.filename is not None else None
    if exc.errno in _STORAGE:
        disk = f"The disk holding {where}" if where is not None else "The disk"
        return StorageFull(f"{disk} {_STORAGE[exc.errno]}; {safe}.")
    if exc.errno in _NAMED and where is not None:
        return InvalidInput(f"Could not use {where} ({reason}); {safe}.")
    return None


def run_guarded(
    prog: str,
    run: Callable[[], int],
    log: logging.Logger,
    log_path: Path | None,
    *,
    kept: str,
    safe: str,
    refused: str | None = None,
) -> int:
    """Run one command; ``kept`` says what Ctrl+C keeps ("anything already saved is
    kept"), ``safe`` what a bug leaves safe ("saved records are safe"). ``arguments``
    ``refused`` is the sentence refusing the arguments themselves, if any
    (``msp_desktop.arg_types.arguments_problem``): then nothing runs."""
    try:
        if refused is not None:
            raise InvalidInput(refused)
        return int(run())
    except KeyboardInterrupt:
        print(f"{prog}: stopped; {kept}.", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # noqa: BLE001 - the last guard: a bug, logged without data
        known = exc if isinstance(exc, KnownError) else None
        if isinstance(exc, OSError):
            known = file_refused(exc, safe)
        if known is not None:
            log.info("known error %s", type(known).__name__)
            print(f"{prog}: {known.message}", file=sys.stderr)
            return known.exit_code
        log.error("unexpected error\n%s", scrubbed_traceback(exc))
        where = f" Details (without personal data) are in {log_path}." if log_path else ""
        print(f"{prog}: an unexpected error stopped the command; {safe}.{where}", file=sys.stderr)
        return ExitCode.BUG
