"""One "Sync now": seal what is waiting, send every unacknowledged bundle to the office's
inbox, and take each receipt, with progress along the way; then fetch and apply the
office's packs and send their receipts (``pack_sync``).

Three threads, each doing only its own part:

- the **database thread** (``DbWorker``) checks the workspace, seals what is waiting and
  reads the bundles (``network_sync.prepare``), and later takes each receipt
  (``network_sync.take_receipt``): short operations, so the rest of the app is never held up;
- a **network thread** of its own sends the bundles (``Uploader``), waits between
  tries, and hands each answer to the database thread, waiting for it to be taken
  before sending the next bundle (and so for each office pack and its receipt). A
  slow or unreachable office (up to a minute per try) therefore never blocks the
  database thread: locking the workspace, say, closes it at once;
- the **GUI thread** only starts the run and hears about it through signals.

Locking (``cancel``) wakes a wait between tries and stops before the next bundle or
try; anything already acknowledged stays acknowledged, everything else stays queued.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from msp_desktop.network.uploader import SyncCancelled, Uploader
from msp_desktop.services.network_sync import (
    Prepared,
    SyncReport,
    prepare,
    take_receipt,
    upload_all,
)
from msp_desktop.services.pack_sync import PackSteps, fetch_packs
from msp_desktop.store import Workspace
from msp_desktop.store.outbox import OutgoingBundle, ReceiptResult
from ui.db_worker import DbWorker
from ui.i18n import N_, tr_marked

STOPPED = N_(
    "The sync was stopped when the workspace locked; everything not confirmed stays queued."
)
T = TypeVar("T")
POLL = 0.1  # how often a wait for the database thread looks whether the run was stopped


class SyncNow(QObject):
    """One run of "Sync now" (made for each run; no parent, so that the network thread
    keeps it alive until it ends even after the page has let go of it)."""

    sending = Signal(int, int)  # the bundle being sent, and how many: 2 of 3
    retrying = Signal(str, float)  # why a try failed, and the seconds until the next one
    fetching = Signal()  # the bundles are done: asking the office for its packs
    finished = Signal(object)  # the SyncReport: what the office confirmed, what failed
    failed = Signal(object)  # what stopped the run before anything was sent (or a bug)
    _ask_database = Signal(object)  # from the network thread: (operation, future)
    _ended = Signal(object, object)  # from the network thread: (report, error)

    def __init__(self, worker: DbWorker, *, sleep: Callable[[float], object] | None = None) -> None:
        super().__init__()
        self._worker = worker
        self._stop = threading.Event()
        self._sleep = sleep
        self.network_thread: threading.Thread | None = None
        self._ask_database.connect(self._on_database, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._end, Qt.ConnectionType.QueuedConnection)

    # -- on the GUI thread ----------------------------------------------------------------

    def start(self) -> None:
        """Seal and read on the database thread, then send on the network thread."""
        self._worker.submit(lambda ws: prepare(ws), self._prepared, self._failed_early)

    def cancel(self) -> None:
        """Stop as soon as possible and say nothing more (the workspace is locking)."""
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        """``cancel`` was called."""
        return self._stop.is_set()

    def _prepared(self, prepared: Prepared) -> None:
        if self._stop.is_set():
            return
        self.network_thread = threading.Thread(
            target=self._send, args=(prepared,), name="msp-sync", daemon=True
        )
        self.network_thread.start()

    def _failed_early(self, exc: BaseException) -> None:
        if not self._stop.is_set():
            self.failed.emit(exc)

    @Slot(object)
    def _on_database(self, request: tuple[Callable[[Workspace], Any], Future[Any]]) -> None:
        operation, future = request
        if self._stop.is_set():
            future.set_exception(SyncCancelled(tr_marked(STOPPED)))
            return
        try:
            self._worker.submit(operation, future.set_result, future.set_exception)
        except RuntimeError as exc:  # the database thread has been stopped
            future.set_exception(exc)

    @Slot(object, object)
    def _end(self, report: SyncReport | None, error: BaseException | None) -> None:
        if self._stop.is_set():
            return  # locked meanwhile: nobody is there to tell
        if report is not None:
            self.finished.emit(report)
        else:
            self.failed.emit(error)

    # -- on the network thread ------------------------------------------------------------

    def _send(self, prepared: Prepared) -> None:
        try:
            uploader = Uploader(
                prepared.endpoint,
                sleep=self._sleep or self._stop.wait,  # a lock cuts a wait short
                on_retry=self.retrying.emit,
                cancelled=self._stop.is_set,
            )
            report = upload_all(
                prepared,
                uploader,
                self._take_receipt,
                progress=lambda index, total, _bundle: self.sending.emit(index, total),
            )
            if not report.stops_packs:
                self.fetching.emit()
                report = dataclasses.replace(
                    report, packs=fetch_packs(uploader, self._pack_steps())
                )
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which says it
            self._ended.emit(None, exc)
        else:
            self._ended.emit(report, None)

    def _take_receipt(self, bundle: OutgoingBundle, answer: bytes) -> ReceiptResult:
        """Have the database thread take the office's answer; wait for it (or a lock)."""
        return self._on_database_thread(lambda ws: take_receipt(ws, bundle, answer))

    def _pack_steps(self) -> PackSteps:
        """The office packs' workspace steps, each run on the database thread."""
        return PackSteps(
            request=lambda: self._on_database_thread(lambda ws: ws.sync.pack_request()),
            apply=lambda data: self._on_database_thread(lambda ws: ws.sync.import_pack(data)),
            receipts=lambda: self._on_database_thread(lambda ws: ws.sync.pack_receipts_to_write()),
            delivered=lambda sequence: self._on_database_thread(
                lambda ws: ws.sync.mark_pack_receipt_written(sequence)
            ),
        )

    def _on_database_thread(self, operation: Callable[[Workspace], T]) -> T:
        """Run ``operation`` on the database thread and wait for it (or for a lock)."""
        future: Future[T] = Future()
        self._ask_database.emit((operation, future))
        while True:
            try:
                return future.result(timeout=POLL)
            except TimeoutError:
                if self._stop.is_set():
                    raise SyncCancelled(tr_marked(STOPPED)) from None
