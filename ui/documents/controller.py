"""Documents in the app: the safe-copy check, the preview, printing and saving.

The main window owns one ``DocumentsController``. Every document is made on the
database thread (``msp_desktop.services.documents``, the code ``msp summary`` runs)
and arrives as bytes in memory; the GUI thread only shows and prints them. At most
one preview is open; locking closes it and the copy dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from msp_desktop.services.documents import (
    TEAM_DETAILS_MISSING,
    CopyDefaults,
    Made,
    TeamDetailsMissing,
    audit_output,
    concern_document,
    copy_defaults,
    give_copy,
)
from ui import messages
from ui.db_worker import DbWorker
from ui.documents.copy_dialog import CopyDialog, CopyRequest
from ui.documents.preview_window import PreviewWindow
from ui.documents.printing import PrintFailed, new_printer, print_pdf
from ui.documents.saving import SaveFlow, confirm_unencrypted
from ui.documents.team_dialog import TeamDialog
from ui.i18n import N_, tr, tr_marked, tr_n
from ui.security.privacy_screen import PrivacyScreen

TITLES = {
    "summary": N_("Preview: the person's copy"),
    "office_record": N_("Preview: office record"),
    "feedback_form": N_("Preview: feedback form"),
}


class DocumentsController(QObject):
    """Opens the copy dialog and previews for ``window``; prints and saves from them."""

    preview_opened = Signal(object)  # PreviewWindow
    copy_dialog_opened = Signal(object)  # CopyDialog
    team_dialog_opened = Signal(object)  # TeamDialog
    print_dialog_opened = Signal(object)  # QPrintDialog

    def __init__(self, window: QWidget, shared_actions: list[QAction] | None = None) -> None:
        super().__init__(window)
        self._window = window
        # Lock and the privacy key must work while a preview has the keyboard too.
        self._shared_actions = shared_actions or []
        self.worker: DbWorker | None = None
        self.preview: PreviewWindow | None = None
        self.made: Made | None = None  # what the open preview shows
        self.copy_dialog: CopyDialog | None = None
        self.team_dialog: TeamDialog | None = None
        self.save_flow: SaveFlow | None = None
        self._privacy: PrivacyScreen | None = None

    def attach(self, worker: DbWorker) -> None:
        """Make documents through ``worker``."""
        self.worker = worker

    def detach(self) -> None:
        """Locking: close the dialog and the preview; nothing of a document stays."""
        self.worker = None
        if self.copy_dialog is not None:
            self.copy_dialog.reject()
        if self.team_dialog is not None:
            self.team_dialog.abandon()
        self.close_preview()

    # -- the team's details ------------------------------------------------------------

    def open_team_details(
        self, parent: QWidget | None = None, then: Callable[[], None] | None = None
    ) -> None:
        """Show the team details dialog (over ``parent``); ``then`` runs once they are saved."""
        if self.worker is None:
            return
        dialog = self.team_dialog
        if dialog is None:
            dialog = TeamDialog(self.worker, parent or self._window)
            dialog.addActions(self._shared_actions)
            dialog.finished.connect(lambda _result: self._forget_team_dialog(dialog))
            # Opened over the Settings dialog, it goes when that one does.
            dialog.destroyed.connect(lambda _obj=None: self._team_dialog_gone(dialog))
            self.team_dialog = dialog
            dialog.open()
        else:
            dialog.raise_()
            dialog.activateWindow()
        if then is not None:
            dialog.saved.connect(lambda _info: then())
        self.team_dialog_opened.emit(dialog)

    def _forget_team_dialog(self, dialog: TeamDialog) -> None:
        if self.team_dialog is dialog:
            self.team_dialog = None
        dialog.deleteLater()

    def _team_dialog_gone(self, dialog: TeamDialog) -> None:
        if self.team_dialog is dialog:
            self.team_dialog = None

    def _ask_for_team(self, then: Callable[[], None]) -> None:
        # Said calmly, as a step still to take, with the way to take it: no copy can be
        # made until the person can read on it how to reach the team.
        messages.offer(
            self._window,
            TEAM_DETAILS_MISSING,
            tr("Set &team details…"),
            lambda: self.open_team_details(then=then),
        )

    # -- the person's copy -------------------------------------------------------------

    def give_copy(self, visit_id: str) -> None:
        """Ask the safety question about a copy of the finalised visit ``visit_id``."""
        if self.worker is None:
            return
        self.worker.submit(
            lambda ws: copy_defaults(ws, visit_id),
            lambda defaults: self._ask(visit_id, defaults),
            lambda error: messages.show_error(self._window, error),
        )

    def _ask(self, visit_id: str, defaults: CopyDefaults) -> None:
        if self.worker is None:
            return  # locked before the answer came back
        if not defaults.team_set:
            # Before the safety question: the person is not asked about a copy that
            # cannot yet be made.
            self._ask_for_team(lambda: self.give_copy(visit_id))
            return
        dialog = CopyDialog(defaults.lang, self._window, asked_style=defaults.asked_style)
        dialog.addActions(self._shared_actions)
        dialog.decided.connect(lambda request: self._decided(visit_id, request))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.copy_dialog = dialog
        dialog.open()
        self.copy_dialog_opened.emit(dialog)

    def _forget_dialog(self, dialog: CopyDialog) -> None:
        if self.copy_dialog is dialog:
            self.copy_dialog = None
        dialog.deleteLater()

    def _decided(self, visit_id: str, request: CopyRequest) -> None:
        if self.worker is None:
            return
        self.worker.submit(
            lambda ws: give_copy(
                ws,
                visit_id,
                request.choice,
                style=request.style,
                lang=request.lang,
                neutral_title=request.neutral_title,
            ),
            lambda made: self._copy_made(request, made),
            lambda error: self._copy_refused(visit_id, request, error),
        )

    def _copy_refused(self, visit_id: str, request: CopyRequest, error: BaseException) -> None:
        if isinstance(error, TeamDetailsMissing):
            # The store's refusal is the rule; the check before the dialog only spares the
            # person the question. Nothing was recorded, so once the details are set the
            # same answer is given again.
            self._ask_for_team(lambda: self._decided(visit_id, request))
            return
        messages.show_error(self._window, error)

    def _copy_made(self, request: CopyRequest, made: Made | None) -> None:
        if made is None:
            messages.inform(
                self._window,
                tr(
                    "Recorded: {answer}. No copy was made; tell the person what was agreed.",
                    answer=tr_marked(request.choice.label),
                ),
            )
            return
        self.show_preview(made)

    # -- the concern's documents -------------------------------------------------------

    def open_document(self, kind: str, concern_id: str) -> None:
        """Make and preview the office record or the feedback form of a concern."""
        if self.worker is None or kind not in ("office_record", "feedback_form"):
            return
        chosen: Literal["office_record", "feedback_form"] = (
            "office_record" if kind == "office_record" else "feedback_form"
        )
        self.worker.submit(
            lambda ws: concern_document(ws, chosen, concern_id),
            self.show_preview,
            lambda error: messages.show_error(self._window, error),
        )

    # -- preview, print, save ----------------------------------------------------------

    def show_preview(self, made: Made) -> None:
        """Show ``made`` in the preview (hidden at once if the privacy screen is on)."""
        self.close_preview()
        preview = PreviewWindow(made.pdf, tr_marked(TITLES[made.document]), self._window)
        preview.addActions(self._shared_actions)
        preview.print_requested.connect(lambda: self.print_document(preview, made))
        preview.save_requested.connect(lambda: self.save_document(preview, made))
        preview.destroyed.connect(lambda _obj=None: self._forget_preview(preview))
        self.preview, self.made = preview, made
        privacy = self._privacy_screen()
        preview.present(private=privacy is not None and privacy.on)
        self.preview_opened.emit(preview)

    def close_preview(self) -> None:
        """Close the preview, if one is open."""
        preview, self.preview, self.made = self.preview, None, None
        if preview is not None:
            preview.close()

    def _forget_preview(self, preview: PreviewWindow) -> None:
        if self.preview is preview:
            self.preview = self.made = None

    def _privacy_screen(self) -> PrivacyScreen | None:
        # The session makes the privacy screen after the window, as the window's child.
        if self._privacy is None:
            found = [c for c in self._window.children() if isinstance(c, PrivacyScreen)]
            if found:
                self._privacy = found[0]
                self._privacy.changed.connect(self._privacy_changed)
        return self._privacy

    def _privacy_changed(self, on: bool) -> None:
        if self.preview is not None:
            self.preview.set_private(on)

    def print_document(self, preview: PreviewWindow, made: Made) -> QPrintDialog:
        """Open the print dialog without blocking; print once it is accepted."""
        if preview.printer is None:
            preview.printer = new_printer(preview.document)
        printer = preview.printer
        dialog = QPrintDialog(printer, preview)
        dialog.setObjectName("dialog.print")
        dialog.accepted.connect(lambda: self.print_on(preview, made, printer))
        QDialog.open(dialog)  # PySide's QPrintDialog.open wants a slot; this is the plain one
        self.print_dialog_opened.emit(dialog)
        return dialog

    def print_on(self, preview: PreviewWindow, made: Made, printer: QPrinter) -> None:
        """Print the preview's document on ``printer`` (as set up in the print dialog)."""
        to_file = bool(printer.outputFileName())
        if to_file and not confirm_unencrypted(preview):
            return
        try:
            pages = print_pdf(preview.document, printer)
        except PrintFailed as error:
            messages.show_error(preview, error)
            return
        if self.worker is None:
            return
        extra = {"pages": pages, "to_file": to_file}
        self.worker.submit(
            lambda ws: audit_output(ws, made, "print", extra),
            lambda _none: messages.inform(
                preview, tr_n("Printed {count} page.", "Printed {count} pages.", pages)
            ),
            lambda error: messages.show_error(preview, error),
        )

    def save_document(self, preview: PreviewWindow, made: Made) -> None:
        """Save ``made`` as a PDF file, after the warning."""
        if self.worker is None:
            return
        self.save_flow = SaveFlow(preview, self.worker, made)
        self.save_flow.start()
