"""The one owner of the workspace: a worker thread that runs every database operation.

The SQLCipher connection is bound to the thread that opened it, so the workspace is
created or unlocked *on* the worker thread and only ever used there. The GUI thread
sends it operations (plain functions taking the ``Workspace``); results and errors come
back through a queued signal, so callbacks always run on the GUI thread and the worker
never touches a widget. Unlocking (Argon2id, about 0.2 s) therefore never freezes the
window.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from msp_desktop.errors import WrongPassphrase
from msp_desktop.services.rekey import check_rekey, rekey_workspace
from msp_desktop.store import Workspace
from msp_desktop.store.owner_lock import Holder
from ui import messages

log = logging.getLogger("msp.ui")

Operation = Callable[[Workspace], Any]
OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class WorkspaceLocked(RuntimeError):
    """An operation was sent while no workspace is open (a bug in the caller)."""


class _Executor(QObject):
    """Lives on the worker thread; holds the open workspace."""

    finished = Signal(int, bool, object)

    def __init__(self) -> None:
        super().__init__()
        self.workspace: Workspace | None = None

    @Slot(int, object)
    def run(self, job_id: int, job: Callable[[_Executor], Any]) -> None:
        try:
            result = job(self)
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which decides
            self.finished.emit(job_id, False, exc)
        else:
            self.finished.emit(job_id, True, result)

    def adopt(self, workspace: Workspace) -> None:
        if self.workspace is not None:
            self.workspace.close()
        self.workspace = workspace

    def close_workspace(self) -> None:
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None


def _open_with_either(folder: Path, first: str, second: str) -> Workspace:
    try:
        return Workspace.open(folder, first, Holder.APP)
    except WrongPassphrase:
        return Workspace.open(folder, second, Holder.APP)


@dataclass
class _Pending:
    on_done: OnDone | None
    on_error: OnError | None


class DbWorker(QObject):
    """The GUI thread's handle on the database thread (one per unlocked session)."""

    _dispatch = Signal(int, object)
    opened = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._stopped = False
        self._thread = QThread()
        self._thread.setObjectName("msp-database")
        self._executor = _Executor()
        self._executor.moveToThread(self._thread)
        self._dispatch.connect(self._executor.run, Qt.ConnectionType.QueuedConnection)
        self._executor.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread.start()

    # -- sending work ------------------------------------------------------------------

    def _send(
        self, job: Callable[[_Executor], Any], on_done: OnDone | None, on_error: OnError | None
    ) -> int:
        if self._stopped:
            raise RuntimeError("the database worker has been stopped")
        job_id = next(self._ids)
        self._pending[job_id] = _Pending(on_done, on_error)
        self._dispatch.emit(job_id, job)
        return job_id

    def submit(
        self, operation: Operation, on_done: OnDone | None = None, on_error: OnError | None = None
    ) -> int:
        """Run ``operation(workspace)`` on the worker thread.

        ``on_done(result)`` or ``on_error(exception)`` is then called on the GUI thread;
        without ``on_error`` the error is shown through ``ui.messages``.
        """

        def job(executor: _Executor) -> Any:
            if executor.workspace is None:
                raise WorkspaceLocked("no workspace is open")
            return operation(executor.workspace)

        return self._send(job, on_done, on_error)

    def open_workspace(
        self, folder: Path, passphrase: str, on_done: OnDone, on_error: OnError
    ) -> int:
        """Unlock the workspace in ``folder`` on the worker thread."""
        return self._send(
            lambda executor: executor.adopt(Workspace.open(folder, passphrase, Holder.APP)),
            self._opened(on_done),
            on_error,
        )

    def create_workspace(
        self, folder: Path, passphrase: str, worker: str, on_done: OnDone, on_error: OnError
    ) -> int:
        """Create (and keep open) a new workspace in ``folder`` on the worker thread."""
        return self._send(
            lambda executor: executor.adopt(
                Workspace.create(folder, passphrase, worker, Holder.APP)
            ),
            self._opened(on_done),
            on_error,
        )

    def rekey_workspace(
        self, folder: Path, old: str, new: str, on_done: OnDone, on_error: OnError
    ) -> int:
        """Give the open workspace a new database key and passphrase on the worker thread
        (``msp_desktop.services.rekey``); ``on_done`` gets its ``RekeyResult``.

        Bad input is refused with the workspace still open. Then the workspace is closed
        (a re-key needs it alone), re-keyed, and opened again with whichever passphrase
        opens it now: the new one, or the old one when the re-key was refused (another
        program had the workspace open, say). Should neither open it, it stays closed
        and ``workspace`` is None: the caller then locks.
        """

        def job(executor: _Executor) -> Any:
            check_rekey(folder, old, new)
            executor.close_workspace()
            try:
                return rekey_workspace(folder, old, new)
            finally:
                executor.adopt(_open_with_either(folder, new, old))

        return self._send(job, on_done, on_error)

    def _opened(self, on_done: OnDone) -> OnDone:
        def done(result: Any) -> None:
            self.opened.emit()
            on_done(result)

        return done

    # -- results -----------------------------------------------------------------------

    @Slot(int, bool, object)
    def _deliver(self, job_id: int, ok: bool, payload: object) -> None:
        pending = self._pending.pop(job_id, None)
        if pending is None:  # stopped meanwhile: nobody is waiting any more
            return
        if ok:
            if pending.on_done is not None:
                pending.on_done(payload)
            return
        assert isinstance(payload, BaseException)
        if pending.on_error is not None:
            pending.on_error(payload)
        else:
            messages.show_error(None, payload)

    # -- state and shutdown ------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while operations sent are still to come back."""
        return bool(self._pending)

    @property
    def workspace(self) -> Workspace | None:
        """For tests and checks only: the GUI must never call into the workspace."""
        return self._executor.workspace

    @property
    def worker_thread(self) -> QThread:
        """The worker thread (for tests: it must be finished after ``stop``)."""
        return self._thread

    def stop(self, wait_ms: int = 10_000) -> bool:
        """Close the workspace on its own thread, then end the thread and wait for it.

        Operations already sent run first (the queue is in order); their results are
        dropped, because whoever sent them is going away. Returns whether the thread
        ended within ``wait_ms``.
        """
        if self._stopped:
            return self._thread.isFinished()
        self._stopped = True
        self._pending.clear()

        def close_and_quit(executor: _Executor) -> None:
            try:
                executor.close_workspace()
            finally:
                QThread.currentThread().quit()

        self._dispatch.emit(0, close_and_quit)
        if not self._thread.wait(wait_ms):
            log.error("The database thread did not stop within %.1f seconds", wait_ms / 1000)
            return False
        return True
