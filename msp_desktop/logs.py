"""A log for support staff that never holds personal data or secrets.

Exception messages can carry record contents (a validation error quotes the value it
rejected), so bug reports are logged as a *scrubbed* traceback: file, line and
function names and the exception type only, never the message.
"""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import traceback
from pathlib import Path

from msp_desktop.owner_only import create_private_file, make_private_folder
from msp_desktop.paths import log_folder

LOG_NAME = "msp.log"
log = logging.getLogger("msp")


def scrubbed_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` with every exception message removed."""
    lines: list[str] = []
    current: BaseException | None = exc
    while current is not None:
        frames = traceback.extract_tb(current.__traceback__)
        lines.extend(f"  {f.filename}:{f.lineno} in {f.name}" for f in frames)
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("caused by:")
    return "\n".join(lines)


class _PrivateLogFile(logging.handlers.RotatingFileHandler):
    """A rotated log whose every file is created owner-only with "\n" line ends.

    The standard handler opens in text mode, which on Windows writes "\r\n", and
    creates each new file after a rotation with the default permissions.
    """

    def _open(self) -> io.TextIOWrapper:
        with contextlib.suppress(FileExistsError):
            create_private_file(Path(self.baseFilename))
        # "a": the handler always appends when it rotates (maxBytes > 0).
        return open(
            self.baseFilename, "a", encoding=self.encoding, errors=self.errors, newline="\n"
        )


def configure_logging(folder: Path | None = None) -> Path | None:
    """Log to ``msp.log`` (owner-only, rotated); returns its path, or None if unwritable."""
    folder = folder or log_folder()
    try:
        make_private_folder(folder)
        path = folder / LOG_NAME
        handler = _PrivateLogFile(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None  # a read-only profile must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for old in log.handlers:
        old.close()  # configured again in one process: don't leave the old file open
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    return path
