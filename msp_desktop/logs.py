"""A log for support staff that never holds personal data or secrets.

Exception messages can carry record contents (a validation error quotes the value it
rejected), so bug reports are logged as a *scrubbed* traceback: file, line and
function names and the exception type only, never the message.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import traceback
from pathlib import Path

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


def configure_logging(folder: Path | None = None) -> Path | None:
    """Log to ``msp.log`` (owner-only, rotated); returns its path, or None if unwritable."""
    folder = folder or log_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / LOG_NAME
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None  # a read-only profile must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for old in log.handlers:
        old.close()  # configured again in one process: don't leave the old file open
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    return path
