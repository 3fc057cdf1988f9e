"""Autosave for the visit being written: nothing typed is lost.

Every change starts (but never restarts) a short timer, so while the worker types
the draft is saved at least every ``DELAY_MS``: well within a second of any change.
Saves run on the database thread, one at a time; a change made while one is in
flight is saved straight after. ``flush`` queues the latest change at once even while
a save is running (the database thread runs in order), so whatever is asked next, a
finalise or closing the workspace, always finds it saved. "Saved" is reported only
when the commit has returned. A failed save keeps the latest text in memory, says so
in plain words, and tries again -- unless the workspace's files were replaced under
the app (by a program that ignored its lock): then it says so and stops saving.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from msp_desktop.errors import WorkspaceReplaced
from msp_desktop.model import Concern, Visit
from msp_desktop.store import Changes, Workspace
from ui.db_worker import DbWorker
from ui.messages import error_sentence

DELAY_MS = 400
RETRY_MS = 2000


class Autosaver(QObject):
    """Saves a draft visit shortly after each change, off the GUI thread."""

    saving = Signal()
    saved = Signal(str)  # the time of the commit, e.g. "14:03:27"
    failed = Signal(str)  # a plain sentence

    def __init__(self, worker: DbWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._latest: tuple[Visit, Concern | None] | None = None
        self._saved: tuple[Visit, Concern | None] | None = None
        self._in_flight = 0  # saves sent to the database thread and not yet returned
        self._last_sent: tuple[Visit, Concern | None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._save)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._save)

    @property
    def unsaved(self) -> bool:
        """True while the latest change is not yet committed."""
        return self._latest is not None and self._latest != self._saved

    def start_from(self, visit: Visit, concern: Concern | None = None) -> None:
        """The draft (and its concern) as in the database: nothing to save yet."""
        self._latest = self._saved = (visit, concern)

    def changed(self, visit: Visit, concern: Concern | None = None) -> None:
        """The worker changed the draft (or the concern's closing answers): save soon."""
        self._latest = (visit, concern)
        if self.unsaved and not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Send the latest change now (before locking, leaving the page or finalising).

        The database thread runs operations in order, so anything sent after this
        (including closing the workspace) happens after the save.
        """
        self._timer.stop()
        self._retry.stop()
        # Even with a save running: the next operation must come after this change.
        self._save(now=True)

    def _save(self, *, now: bool = False) -> None:
        if not self.unsaved:
            return
        if self._in_flight and (not now or self._latest == self._last_sent):
            return  # the running save's answer sends what came since
        draft = self._latest
        assert draft is not None
        self._in_flight += 1
        self._last_sent = draft
        self.saving.emit()

        def save(ws: Workspace) -> Changes:
            return ws.visits.save_draft(*draft)

        self._worker.submit(save, lambda _changes: self._done(draft), self._error)

    def _done(self, draft: tuple[Visit, Concern | None]) -> None:
        self._in_flight -= 1
        self._saved = draft  # answers come back in the order the saves were sent
        if self._in_flight:
            return  # a later save is still on its way
        if self.unsaved:
            self._save()  # typed more while that save was running
        else:
            self.saved.emit(time.strftime("%H:%M:%S"))

    def _error(self, exc: BaseException) -> None:
        self._in_flight -= 1
        self._last_sent = None  # send it again, whatever it was
        self.failed.emit(error_sentence(exc))
        if not isinstance(exc, WorkspaceReplaced):  # trying again cannot help there
            self._retry.start()
