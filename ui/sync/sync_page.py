"""The sync page: where every record stands, "Sync now" over the network, export to a
folder, and the office's receipts.

Everything the workspace does runs on the database thread (the operations of
``msp_desktop.services``, the rows of ``ui.sync.sync_rows``); the
page only shows plain results. While an export or an import runs, a busy bar and one
line say so and the buttons wait. Each outcome is said twice: in a message box (the
app's convention, see ``ui.messages``) and on the status line, where it stays. Records
are read whenever the page is shown and after each operation, and forgotten when the
worker leaves the page or the workspace locks.

"Sync now" (shown when the office keys carry an inbox address) runs through
``ui.sync.sync_now``: the network on a thread of its own, the database on its thread;
the busy bar counts the bundles ("Sending bundle 2 of 3…").
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.errors import KnownError
from msp_desktop.network.uploader import KeyRefused, ReplayRefused
from msp_desktop.services.export import (
    ExportResult,
    NothingToExport,
    ReceiptOutcome,
    export_bundles,
    import_receipts,
)
from msp_desktop.services.network_sync import NoInboxAddress, SyncReport
from msp_desktop.services.packs import PackOutcome, import_packs
from msp_desktop.store import Workspace
from msp_desktop.store.sync_keys import NotReadyToSync
from ui import messages
from ui.a11y import StatusLabel, mark_heading, name_button, named
from ui.db_worker import DbWorker
from ui.dialog_parts import heading, paragraph
from ui.i18n import N_, tr, tr_marked
from ui.screen_fit import scrolling_body, wrapping_row
from ui.sync.sync_model import SyncModel
from ui.sync.sync_now import SyncNow
from ui.sync.sync_parts import PAGE_STYLE, CountsBox, SyncTable
from ui.sync.sync_rows import SyncView, load_view
from ui.sync.sync_setup import SetupPanel
from ui.sync.sync_text import (
    BUSY_EXPORT,
    BUSY_FETCH,
    BUSY_PACKS,
    BUSY_PREPARE,
    BUSY_RECEIPTS,
    BY_HAND,
    NO_ADDRESS,
    NOT_READY,
    export_sentence,
    from_office_line,
    key_refusal_words,
    packs_sentence,
    receipts_sentence,
    replay_refusal_words,
    retry_words,
    sending_words,
    sync_sentence,
)

RECEIPTS_FILTER = N_("Receipts (*.receipt.json);;All files (*)")
PACKS_FILTER = N_("Office packs (*.msppack);;All files (*)")


def failure_sentence(exc: BaseException) -> str:
    """One sentence for any failure (the app's wording where the store's names a command)."""
    if isinstance(exc, NoInboxAddress):
        return tr_marked(NO_ADDRESS)
    if isinstance(exc, NotReadyToSync):
        return tr_marked(NOT_READY)
    if isinstance(exc, KeyRefused):
        return key_refusal_words(exc)
    if isinstance(exc, ReplayRefused):
        return replay_refusal_words(exc)
    return messages.error_sentence(exc)


class SyncPage(QWidget):
    """Shows every record's state; exports bundles and imports receipts through the worker."""

    back_requested = Signal()
    refreshed = Signal()  # the records were read and are shown
    reported = Signal(str)  # an operation's outcome, as the status line says it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page.sync")
        self.setStyleSheet(PAGE_STYLE)
        self._worker: DbWorker | None = None
        self._generation = 0
        self._open = False
        self._focus_pending = False
        self._focus_after: QWidget | None = None  # where the keyboard was before a run
        self._busy = False
        self._last_folder: Path | None = None
        self.view: SyncView | None = None
        self.sync_run: SyncNow | None = None  # the "Sync now" under way (or last)
        self.sync_sleep: Callable[[float], object] | None = None  # tests: no real waits

        self.back_button = QPushButton(tr("Back to caseload"), self)
        self.back_button.setObjectName("sync.back")
        named(
            self.back_button,
            tr("Back to caseload"),
            tr("Return to the list of people. Escape does this too."),
        )
        self.back_button.clicked.connect(self.back_requested)
        self.title = heading(tr("Send records to the office"), self)
        self.office_line = paragraph("", self)
        self.office_line.setObjectName("sync.office")
        self.office_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setup = SetupPanel(self, self)
        self.setup.hide()  # until the status says whether anything is left to set up

        self.counts = CountsBox(self)

        self.sync_button = name_button(QPushButton(tr("&Sync now"), self))
        self.sync_button.setObjectName("sync.now")
        self.sync_button.setAccessibleDescription(
            tr(
                "Send what is waiting to the office over the network and take its "
                "receipts; nothing is confirmed until the office's receipt is checked."
            )
        )
        self.sync_button.clicked.connect(self.sync_now)
        self.sync_button.hide()  # until the office keys say the office takes bundles so
        self.by_hand_note = paragraph(tr_marked(BY_HAND), self)
        self.by_hand_note.setObjectName("sync.by_hand")
        self.by_hand_note.hide()

        self.export_button = name_button(QPushButton(tr("&Export to folder…"), self))
        self.export_button.setObjectName("sync.export")
        self.export_button.setAccessibleDescription(
            tr("Choose a USB stick or a folder; what is waiting is sealed and written there.")
        )
        self.export_button.clicked.connect(self.export)
        self.again_check = QCheckBox(tr("Write &again what the office has not confirmed"), self)
        self.again_check.setObjectName("sync.again")
        named(
            self.again_check,
            tr("Write again what the office has not confirmed"),
            tr("For a lost or broken USB stick: the office ignores a bundle it already has."),
        )
        self.receipts_button = name_button(QPushButton(tr("Import &receipts…"), self))
        self.receipts_button.setObjectName("sync.receipts")
        self.receipts_button.setAccessibleDescription(
            tr("Choose the receipt files the office gave you.")
        )
        self.receipts_button.clicked.connect(self.import_receipts)
        self.packs_button = name_button(QPushButton(tr("Import office &packs…"), self))
        self.packs_button.setObjectName("sync.packs")
        self.packs_button.setAccessibleDescription(
            tr("Choose the office pack files the office gave you: people and concerns for you.")
        )
        self.packs_button.clicked.connect(self.import_packs)
        self.from_office = paragraph("", self)
        self.from_office.setObjectName("sync.from_office")
        self.from_office.hide()

        self.progress = QProgressBar(self)
        self.progress.setObjectName("sync.progress")
        self.progress.setRange(0, 0)  # busy: how long it takes is not known
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        named(self.progress, tr("Working"))
        self.progress.hide()
        self.status_line = StatusLabel(tr("Sync status"), self)
        self.status_line.setWordWrap(True)
        self.status_line.setObjectName("sync.status")
        self.status_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = SyncModel(self)
        self.table = SyncTable(self.model, self)
        self.table_title = QLabel(tr("Every record"), self)
        bold = self.table_title.font()
        bold.setBold(True)
        self.table_title.setFont(bold)
        self.table_title.setBuddy(self.table)
        mark_heading(self.table_title, 2)

        # Wraps at large text sizes rather than pushing the page wider than the screen.
        buttons = wrapping_row(
            self,
            (
                (self.sync_button, self.export_button),
                (self.again_check,),
                (self.receipts_button, self.packs_button),
            ),
        )
        working = QHBoxLayout()
        working.setSpacing(12)
        working.addWidget(self.progress)
        working.addWidget(self.status_line, 1)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 14, 24, 12)
        # The page scrolls down when the text is large, so the table is always reachable.
        scroller, layout = scrolling_body(self, "sync.scroll", tr("Send records to the office"))
        outer.addWidget(scroller)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.office_line)
        layout.addWidget(self.setup)
        layout.addWidget(self.counts)
        layout.addWidget(self.from_office)
        layout.addWidget(self.by_hand_note)
        layout.addWidget(buttons)
        layout.addLayout(working)
        layout.addWidget(self.table_title)
        layout.addWidget(self.table, 1)
        order = [
            self.back_button,
            self.setup.import_button,
            self.setup.enrol_button,
            self.sync_button,
            self.export_button,
            self.again_check,
            self.receipts_button,
            self.packs_button,
            self.table,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)
        self._set_ready(False)

    # -- the worker --------------------------------------------------------------------

    def attach(self, worker: DbWorker) -> None:
        """Work through ``worker`` from now on."""
        self._worker = worker

    def detach(self) -> None:
        """The workspace is locking: forget the worker and everything shown."""
        self._worker = None
        if self.sync_run is not None:
            self.sync_run.cancel()  # wakes its waits; it says nothing more
            self.sync_run = None
        self._set_busy("")
        self.leave()
        self.status_line.clear()

    def show_status(self) -> None:
        """The page is being shown: read every record's state again."""
        self._open = True
        self._focus_pending = True
        self._focus_after = None
        self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.refresh()

    def leave(self) -> None:
        """The page is no longer shown: nothing of the records stays behind it."""
        self._open = False
        self._generation += 1
        self.view = None
        self.model.clear()

    def refresh(self) -> None:
        """Read the status again (only while the page is shown)."""
        if self._worker is None or not self._open:
            return
        self._generation += 1
        generation = self._generation
        self._worker.submit(
            load_view,
            lambda view: self._show(generation, view),
            lambda exc: self._read_failed(generation, exc),
        )

    def _show(self, generation: int, view: SyncView) -> None:
        if generation != self._generation:
            return  # the page moved on while this was read
        self.view = view
        status = view.status
        if view.ready:
            self.office_line.setText(
                tr(
                    "Records go to {office} (office key {key_id}). This device is {device}.",
                    office=status.office,
                    key_id=status.office_key_id,
                    device=status.device_id,
                )
            )
        else:
            self.office_line.setText(
                tr("This laptop is not set up to send records to the office yet.")
            )
        self.setup.show_for(status)
        self.sync_button.setVisible(view.ready and view.inbox_url is not None)
        self.by_hand_note.setVisible(view.ready and view.inbox_url is None)
        self.counts.show_view(view)
        self.from_office.setText(from_office_line(status))
        self.from_office.setVisible(bool(status.packs))
        self.model.set_rows(view.rows)
        self._set_ready(view.ready)
        if self._focus_pending:
            self._focus_pending = False
            self.focus_first(self._focus_after)
        self.refreshed.emit()

    def _read_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.status_line.setText(failure_sentence(exc))

    # -- running an operation ----------------------------------------------------------

    def run(
        self,
        busy: str,
        operation: Callable[[Workspace], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """Run ``operation`` on the database thread with the busy bar showing; then
        ``on_done(result)`` or ``on_error(exc)`` (default: say the failure), and read the
        status again. False (nothing sent) while another operation runs."""
        if self._worker is None or self._busy:
            return False
        # Disabled buttons lose the keyboard focus: it comes back once the page is read.
        focus = self.focusWidget()
        self._focus_after = focus if focus is not None and self.isAncestorOf(focus) else None
        self._set_busy(busy)

        def done(result: Any) -> None:
            self._set_busy("")
            on_done(result)
            self._focus_pending = self._focus_after is not None
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._set_busy("")
            (on_error or self.fail)(exc)
            self._focus_pending = self._focus_after is not None
            self.refresh()

        self._worker.submit(operation, done, failed)
        return True

    def _set_busy(self, text: str) -> None:
        self._busy = bool(text)
        self.progress.setVisible(self._busy)
        self.progress.setRange(0, 0)  # busy, until "Sync now" counts the bundles
        if self._busy:
            self.status_line.setText(text)
        self.setup.set_busy(self._busy)
        self._set_ready(self.view is not None and self.view.ready)

    def _set_ready(self, ready: bool) -> None:
        enabled = ready and not self._busy
        # Said, not only greyed out: why the buttons cannot be used yet.
        why = "" if ready or self.view is None else tr_marked(NOT_READY)
        controls = (
            self.sync_button, self.export_button, self.again_check, self.receipts_button,
            self.packs_button,
        )  # fmt: skip
        for control in controls:
            control.setEnabled(enabled)
            control.setToolTip(why or control.accessibleDescription())

    def report(self, text: str) -> None:
        """Say how an operation went (calmly: it went well, or there was nothing to do)."""
        self.status_line.setText(text)
        self.reported.emit(text)
        messages.inform(self, text)

    def fail(self, exc: BaseException) -> None:
        """Say what went wrong, in one sentence the worker can act on."""
        text = failure_sentence(exc)
        self.status_line.setText(text)
        self.reported.emit(text)
        messages.show_error(self, KnownError(text))  # said once: an unknown error is logged once

    def start_folder(self) -> Path:
        """Where file dialogs open: the folder used last, else the home folder."""
        if self._last_folder is not None and self._last_folder.is_dir():
            return self._last_folder
        return Path.home()

    def remember_folder(self, folder: Path) -> None:
        """Open the next file dialog in ``folder`` (kept in memory only)."""
        self._last_folder = folder

    # -- export ------------------------------------------------------------------------

    def export(self) -> None:
        """Choose a folder, then seal and write what is waiting there."""
        chosen = QFileDialog.getExistingDirectory(
            self,
            tr("Choose the USB stick or folder to write the bundle to"),
            str(self.start_folder()),
        )
        if not chosen:
            return
        folder = Path(chosen)
        self.remember_folder(folder)
        again = self.again_check.isChecked()
        self.run(
            tr_marked(BUSY_EXPORT),
            lambda ws: export_bundles(ws, folder, again=again),
            lambda result: self._exported(folder, result),
            self._export_failed,
        )

    def _exported(self, folder: Path, result: ExportResult) -> None:
        self.again_check.setChecked(False)
        self.report(export_sentence(result, folder))

    def _export_failed(self, exc: BaseException) -> None:
        if isinstance(exc, NothingToExport):
            self.report(
                tr(
                    "Nothing to export: every finalised record is already in a bundle. "
                    "Finalised visits are sent the next time you export."
                )
            )
            return
        self.fail(exc)

    # -- receipts ----------------------------------------------------------------------

    def import_receipts(self) -> None:
        """Choose receipt files and import each one."""
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            tr("Choose the office's receipts"),
            str(self.start_folder()),
            tr_marked(RECEIPTS_FILTER),
        )
        if not names:
            return
        paths = [Path(name) for name in names]
        self.remember_folder(paths[0].parent)
        self.run(
            tr_marked(BUSY_RECEIPTS), lambda ws: import_receipts(ws, paths), self._receipts_done
        )

    def _receipts_done(self, outcomes: list[ReceiptOutcome]) -> None:
        done = [o.result for o in outcomes if o.result is not None]
        failed = [(o.path.name, failure_sentence(o.error)) for o in outcomes if o.error is not None]
        self._say_batch(receipts_sentence(done, failed), failed=bool(failed))

    # -- office packs ------------------------------------------------------------------

    def import_packs(self) -> None:
        """Choose office pack files and take each one, in order."""
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            tr("Choose the office packs"),
            str(self.start_folder()),
            tr_marked(PACKS_FILTER),
        )
        if not names:
            return
        paths = [Path(name) for name in names]
        self.remember_folder(paths[0].parent)
        self.run(tr_marked(BUSY_PACKS), lambda ws: import_packs(ws, paths), self._packs_done)

    def _packs_done(self, outcomes: list[PackOutcome]) -> None:
        done = [o.result for o in outcomes if o.result is not None]
        failed = [(o.path.name, failure_sentence(o.error)) for o in outcomes if o.error is not None]
        self._say_batch(packs_sentence(done, failed), failed=bool(failed))

    def _say_batch(self, text: str, *, failed: bool) -> None:
        """How a batch of files went: calmly when all were taken, as an error otherwise."""
        if not failed:
            self.report(text)
            return
        self.status_line.setText(text)
        self.reported.emit(text)
        messages.show_error(self, KnownError(text))

    # -- sync now ----------------------------------------------------------------------

    def sync_now(self) -> None:
        """Seal what is waiting, send every bundle not yet confirmed, take the receipts."""
        if self._worker is None or self._busy:
            return
        focus = self.focusWidget()
        self._focus_after = focus if focus is not None and self.isAncestorOf(focus) else None
        self._set_busy(tr_marked(BUSY_PREPARE))
        run = SyncNow(self._worker, sleep=self.sync_sleep)
        run.sending.connect(self._sending)
        run.retrying.connect(self._retrying)
        run.fetching.connect(self._fetching)
        run.finished.connect(lambda report: self._synced(run, report))
        run.failed.connect(lambda exc: self._sync_failed(run, exc))
        self.sync_run = run
        run.start()

    def _sending(self, index: int, total: int) -> None:
        if not self._busy:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(index - 1)
        self.status_line.setText(sending_words(index, total))

    def _fetching(self) -> None:
        if self._busy:
            self.progress.setRange(0, 0)
            self.status_line.setText(tr_marked(BUSY_FETCH))

    def _retrying(self, why: str, seconds: float) -> None:
        if self._busy:
            self.status_line.setText(retry_words(why, seconds))

    def _sync_ended(self) -> None:
        self._set_busy("")
        self._focus_pending = self._focus_after is not None
        self.refresh()

    def _synced(self, run: SyncNow, report: SyncReport) -> None:
        if run is not self.sync_run:
            return
        self._sync_ended()
        failures = [failure_sentence(error) for error in report.errors]
        text = sync_sentence(report, failures)
        if report.ok:
            self.report(text)
            return
        self.status_line.setText(text)
        self.reported.emit(text)
        messages.show_error(self, KnownError(text))

    def _sync_failed(self, run: SyncNow, exc: BaseException) -> None:
        if run is not self.sync_run:
            return
        self._sync_ended()
        self.fail(exc)

    def focus_first(self, rather: QWidget | None = None) -> None:
        """Keyboard focus on ``rather`` if it can take it, else on the first thing to
        do: set up, sync now, or export."""
        candidates = (rather, self.setup.import_button, self.setup.enrol_button)
        for control in (*candidates, self.sync_button, self.export_button):
            if control is not None and control.isVisibleTo(self) and control.isEnabled():
                control.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)
