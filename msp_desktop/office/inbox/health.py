"""What ``GET /v1/health`` checks: the office database answers, and the disk has room.

- **The database**: opened read-only through the office store (``db.backends``) and
  asked its change counter, the cheapest read there is, on a thread of its own (never
  the import worker, which may be busy with a bundle). The answer is kept for
  ``DB_CHECK_SECONDS``, so a monitor polling fast, or many at once, costs one check a
  second or two. A check that has not answered within ``DB_CHECK_TIMEOUT_SECONDS``
  counts as a failure, so a health request never waits long for a hung database.
- **The disk**: the free space where the service writes (the quarantine folder and
  receipts; the office folder when they do not exist yet), read every time (one
  ``statvfs``, microseconds). Below ``min_free_bytes`` (by default twice the largest
  bundle accepted: one more quarantined bundle and its note still fit) it fails.

A failure is answered ``503`` with a reason class and one sentence that names no path,
URL or account (the endpoint is unauthenticated); the service log gets one line each
time a check's verdict changes, with the error's class only.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from msp_desktop.office.db.backends import open_store
from msp_desktop.office.inbox.receive import MIB, Inbox

__all__ = ["DB_CHECK_SECONDS", "DB_CHECK_TIMEOUT_SECONDS", "Health", "Problem"]

DB_CHECK_SECONDS = 2.0
DB_CHECK_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class Problem:
    """Why the service is not healthy: a reason class and a sentence."""

    reason: str
    error: str


class Health:
    """The checks behind ``/v1/health``, for one inbox."""

    def __init__(self, inbox: Inbox, logger: logging.Logger) -> None:
        self.inbox = inbox
        self.log = logger
        self.min_free_bytes = inbox.settings.min_free
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="msp-health")
        self._checked_at = float("-inf")
        self._db_error: str | None = None  # the class of the last failure, if it failed
        self._probe: Future[str | None] | None = None
        self._reported: dict[str, bool] = {}

    def close(self) -> None:
        """Stop the checking thread (a hung check is left to end on its own)."""
        self.executor.shutdown(wait=False, cancel_futures=True)

    async def problem(self) -> Problem | None:
        """The first thing wrong (the database, then the disk), or None."""
        database = await self._database()
        if database is not None:
            return database
        return self._disk()

    async def _database(self) -> Problem | None:
        if time.monotonic() - self._checked_at >= DB_CHECK_SECONDS:
            if self._probe is None or self._probe.done():
                self._probe = self.executor.submit(self._check_and_keep)
            try:
                error = await asyncio.wait_for(
                    asyncio.shield(asyncio.wrap_future(self._probe)), DB_CHECK_TIMEOUT_SECONDS
                )
            except TimeoutError:
                error = "Timeout"  # the check goes on; its answer is kept when it comes
            self._note("database", error)
        else:
            error = self._db_error
        if error is None:
            return None
        return Problem(
            "DatabaseUnavailable",
            "The office database cannot be reached; uploads are refused until it can.",
        )

    def _check_and_keep(self) -> str | None:
        """On the health thread: check, and keep the answer for the next requests (also
        when the request that asked has stopped waiting)."""
        error = self._check_database()
        self._db_error, self._checked_at = error, time.monotonic()
        return error

    def _check_database(self) -> str | None:
        """On the health thread: None if the database answered, else the error's class."""
        settings = self.inbox.settings
        try:
            store = open_store(settings.office_dir, settings.db_url, read_only=True)
            try:
                store.change_token()
            finally:
                store.close()
        except Exception as exc:  # noqa: BLE001 - any failure to read is the answer
            return type(exc).__name__
        return None

    def _disk(self) -> Problem | None:
        layout = self.inbox.layout
        folders = {_existing(p) for p in (layout.quarantine, layout.receipts, layout.root)}
        try:
            free = min(shutil.disk_usage(folder).free for folder in folders)
        except OSError as exc:
            self._note("disk", type(exc).__name__)
            return Problem("DiskUnavailable", "The office folder's disk cannot be read.")
        low = free < self.min_free_bytes
        self._note("disk", "DiskLow" if low else None)
        if not low:
            return None
        return Problem(
            "DiskLow",
            f"Less than {self.min_free_bytes / MIB:g} MiB is free where the office keeps "
            "quarantined bundles and receipts; free some space.",
        )

    def _note(self, check: str, error: str | None) -> None:
        """One log line when a check starts or stops failing."""
        failing = error is not None
        if self._reported.get(check, False) == failing:
            return
        self._reported[check] = failing
        fields = {"event": "health", "check": check, "ok": not failing}
        if failing:
            fields["error"] = error
        self.log.log(logging.ERROR if failing else logging.INFO, "health", extra={"fields": fields})


def _existing(path: Path) -> Path:
    """``path``, or its nearest folder that exists (quarantine/ is made on first use)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return path
