"""The main window: the caseload, a person's page, the guided visit and the sync page in
one stack."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from msp_desktop.calendar_day import council_today
from msp_desktop.guide import Guide, available_guides, guide_named, load_guide
from msp_desktop.services.visits import last_guide_id, start_visit
from ui import actions
from ui.a11y import StatusLabel, named, plain
from ui.caseload.caseload_page import CaseloadPage
from ui.db_worker import DbWorker
from ui.documents.controller import DocumentsController
from ui.i18n import tr
from ui.person.guide_choice_dialog import GuideChoiceDialog
from ui.person.person_dialog import PersonDialog
from ui.person.person_page import PersonPage
from ui.screen_fit import fit_to_screen
from ui.sync.sync_page import SyncPage
from ui.theme import base_point_size
from ui.visit.visit_page import VisitPage


class MainWindow(QMainWindow):
    """Shows the open workspace; asks its owner (the session) to lock or quit."""

    lock_requested = Signal()
    closing = Signal()
    visit_requested = Signal(str, object)  # concern id, draft visit id or None

    def __init__(self, parent: QWidget | None = None, guide: Guide | None = None) -> None:
        super().__init__(parent)
        self.guide = guide or load_guide()
        # Every shipped guide is read (and checked) now, so a broken one stops the start,
        # not a visit. A window given one guide offers only that one.
        self.guides = [self.guide] if guide is not None else available_guides()
        self.guide_dialog: GuideChoiceDialog | None = None
        self.worker: DbWorker | None = None
        self.setWindowTitle(tr("MSP Desktop"))
        self.setObjectName("window.main")
        # Larger with larger text (as far as the screen allows), and never off the
        # screen: at 200 % Lock and the page's buttons stay in sight.
        scale = self.font().pointSizeF() / base_point_size(
            cast(QApplication, QApplication.instance())
        )
        fit_to_screen(self, QSize(1000, 640) * max(scale, 1.0))

        self.pages = QStackedWidget(self)
        self.pages.setObjectName("window.pages")
        self.caseload = CaseloadPage(self.pages)
        self.person = PersonPage(self.pages)
        self.pages.addWidget(self.caseload)
        self.pages.addWidget(self.person)
        self.visit_page = VisitPage(self.guide, self.pages)
        self.pages.addWidget(self.visit_page)
        self.sync_page = SyncPage(self.pages)
        self.pages.addWidget(self.sync_page)
        self.setCentralWidget(self.pages)
        self.caseload.person_chosen.connect(self.open_person)
        self.person.back_requested.connect(self.show_caseload)
        self.person.visit_requested.connect(self.visit_requested)
        self.person.visit_requested.connect(self.open_visit_for)
        self.person.records_changed.connect(lambda _id: self.caseload.refresh())
        self.person.journey.guide_ref = self.guide.ref
        self.person_dialog: PersonDialog | None = None
        self.visit_page.closed.connect(self._visit_closed)
        self.visit_page.place_changed.connect(self._remember_place)
        self.sync_page.back_requested.connect(self.show_caseload)
        # Packs bring and take people, receipts let people go: the caseload is read again.
        self.sync_page.reported.connect(lambda _said: self.caseload.refresh())

        self.people_label = StatusLabel(tr("People on the caseload"), self)
        self.people_label.setObjectName("status.people")
        self.people_label.setContentsMargins(20, 2, 20, 4)
        self.statusBar().addWidget(self.people_label, 1)
        self.statusBar().setSizeGripEnabled(False)
        self.caseload.summary_changed.connect(self.people_label.setText)
        # "N people" is about the list: shown only while the caseload is.
        self.pages.currentChanged.connect(self._page_changed)

        self.actions_by_id: dict[str, QAction] = {
            spec.id: actions.make_action(spec, self) for spec in actions.ALL
        }
        self.action(actions.LOCK.id).triggered.connect(self.lock_requested)
        self.action(actions.FIND.id).triggered.connect(self._find)
        self.action(actions.QUIT.id).triggered.connect(self.close)
        self.action(actions.SYNC.id).triggered.connect(self.open_sync)
        add = self.action(actions.ADD_PERSON.id)
        add.triggered.connect(self.add_person)
        self.caseload.add_button.clicked.connect(add.trigger)
        self._offer_adding()
        back = self.action(actions.BACK.id)
        # Escape as well: the key people reach for to leave a page. Only while the
        # person page shows (the action is disabled otherwise), so Escape elsewhere
        # keeps its usual meaning.
        back.setShortcuts([QKeySequence(actions.BACK.shortcut or ""), QKeySequence("Escape")])
        back.triggered.connect(self.show_caseload)
        back.setEnabled(False)
        self._build_menus()
        shared = [self.action(actions.PRIVACY.id), self.action(actions.LOCK.id)]
        self.documents = DocumentsController(self, shared)
        self.visit_page.copy_requested.connect(self.documents.give_copy)
        team = self.action(actions.TEAM_DETAILS.id)
        team.triggered.connect(lambda: self.documents.open_team_details())
        team.setEnabled(False)  # until a workspace is open
        self.action(actions.REKEY.id).setEnabled(False)  # the session opens its dialog
        self.person.document_requested.connect(self.documents.open_document)

    def action(self, action_id: str) -> QAction:
        """The action declared with ``action_id`` (see ``ui.actions``)."""
        return self.actions_by_id[action_id]

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu(tr("&Workspace"))
        menu.addAction(self.action(actions.FIND.id))
        menu.addAction(self.action(actions.ADD_PERSON.id))
        menu.addAction(self.action(actions.BACK.id))
        menu.addSeparator()
        menu.addAction(self.action(actions.SYNC.id))
        menu.addSeparator()
        menu.addAction(self.action(actions.PRIVACY.id))
        menu.addAction(self.action(actions.SETTINGS.id))
        menu.addAction(self.action(actions.TEAM_DETAILS.id))
        menu.addAction(self.action(actions.REKEY.id))
        menu.addSeparator()
        menu.addAction(self.action(actions.LOCK.id))
        menu.addAction(self.action(actions.QUIT.id))
        named(self.menuBar(), tr("Menu bar"))

        toolbar = QToolBar(tr("Workspace"), self)
        toolbar.setObjectName("toolbar.workspace")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        named(toolbar, tr("Workspace tools"))
        toolbar.addAction(self.action(actions.SYNC.id))
        spacer = QWidget(toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.action(actions.PRIVACY.id))
        toolbar.addAction(self.action(actions.LOCK.id))
        for action in toolbar.actions():
            button = toolbar.widgetForAction(action)
            if button is not None and action.text():
                named(button, plain(action.text()))
            if isinstance(button, QToolButton):
                button.setAutoRaise(False)  # drawn as a button, not as plain words
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        # Qt's own overflow buttons, shown when the window is too narrow.
        extensions = {
            "qt_menubar_ext_button": tr("More menus"),
            "qt_toolbar_ext_button": tr("More tools"),
        }
        for button in self.findChildren(QToolButton):
            if button.objectName() in extensions:
                named(button, extensions[button.objectName()])

    def _page_changed(self, _index: int) -> None:
        self.people_label.setVisible(self.pages.currentWidget() is self.caseload)
        self._offer_adding()
        if self.pages.currentWidget() is not self.sync_page:
            self.sync_page.leave()  # nothing of the records stays behind another page

    def _offer_adding(self) -> None:
        # A new person opens on their page: offered from the caseload and a person's
        # page, not from inside a visit or the sync page, and only while unlocked.
        here = self.pages.currentWidget()
        adding = self.worker is not None and here in (self.caseload, self.person)
        self.action(actions.ADD_PERSON.id).setEnabled(adding)
        self.caseload.add_button.setEnabled(adding)

    def _find(self) -> None:
        self.show_caseload()
        self.caseload.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.caseload.search_edit.selectAll()

    def add_person(self) -> None:
        """Open "Add a person" (without blocking); the new person opens on their page."""
        if self.worker is None or self.pages.currentWidget() not in (self.caseload, self.person):
            return
        if self.person_dialog is not None:
            self.person_dialog.raise_()
            self.person_dialog.activateWindow()
            return
        dialog = PersonDialog(self.worker, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._person_added)
        dialog.finished.connect(self._person_dialog_closed)
        self.person_dialog = dialog
        dialog.open()

    def _person_dialog_closed(self) -> None:
        self.person_dialog = None

    def _person_added(self, person_id: str) -> None:
        self.caseload.refresh()
        self.open_person(person_id)

    # -- pages -------------------------------------------------------------------------

    def open_person(self, person_id: str) -> None:
        """Show the page of the person with ``person_id`` (read through the worker)."""
        self.pages.setCurrentWidget(self.person)
        self.action(actions.BACK.id).setEnabled(True)
        self.person.show_person(person_id)
        self.person.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_caseload(self) -> None:
        """Back to the caseload as it was left: same search, same row chosen."""
        self.action(actions.BACK.id).setEnabled(False)
        if self.pages.currentWidget() is self.caseload:
            return
        self.person.clear()  # nothing of the record stays in memory behind the list
        self.visit_page.clear()
        self.pages.setCurrentWidget(self.caseload)
        self.caseload.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_sync(self) -> None:
        """Show the sync page, with every record's state read again."""
        if self.worker is None:
            return
        if self.pages.currentWidget() is self.visit_page:
            if self.visit_page.autosaver is not None:
                self.visit_page.autosaver.flush()  # what was typed is saved first
            self._remember(None)
        self.person.clear()
        self.visit_page.clear()
        self.pages.setCurrentWidget(self.sync_page)
        self.action(actions.BACK.id).setEnabled(True)
        self.sync_page.show_status()

    def open_visit_for(self, concern_id: str, visit_id: str | None) -> None:
        """Resume the draft ``visit_id``, or start the concern's next visit."""
        if self.worker is None:
            return
        if visit_id is not None:
            self.show_visit(visit_id)
            return
        if len(self.guides) == 1:
            self._start_visit(concern_id, self.guides[0])
            return
        # Offer the guide the concern's last conversation used, so the choice is kept.
        self.worker.submit(
            lambda ws: last_guide_id(ws, concern_id),
            lambda used: self._choose_guide(concern_id, used),
        )

    def _choose_guide(self, concern_id: str, used: object) -> None:
        if self.worker is None:
            return  # locked before the answer came back
        default = guide_named(used if isinstance(used, str) else None) or self.guide
        if self.guide_dialog is not None:
            self.guide_dialog.reject()
        dialog = self.guide_dialog = GuideChoiceDialog(self.guides, default, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda guide: self._start_visit(concern_id, guide))
        dialog.finished.connect(lambda _code: self._guide_dialog_closed(dialog))
        dialog.open()

    def _guide_dialog_closed(self, dialog: GuideChoiceDialog) -> None:
        if self.guide_dialog is dialog:
            self.guide_dialog = None

    def _start_visit(self, concern_id: str, guide: Guide) -> None:
        if self.worker is None:
            return  # locked while the guide was being chosen
        ref, today = guide.ref, council_today()
        self.worker.submit(lambda ws: start_visit(ws, concern_id, ref, today).id, self.show_visit)

    def show_visit(self, visit_id: str, step_id: str | None = None) -> None:
        """Show the guided visit ``visit_id`` at ``step_id`` (or its first step)."""
        self.action(actions.BACK.id).setEnabled(False)  # Escape belongs to the fields here
        self.person.clear()
        self.pages.setCurrentWidget(self.visit_page)
        self.visit_page.open_visit(visit_id, step_id)

    def _visit_closed(self) -> None:
        visit = self.visit_page.visit
        self._remember(None)
        self.visit_page.clear()
        if visit is not None:
            self.open_person(visit.person_id)
        else:
            self.show_caseload()

    def _remember_place(self, visit_id: str, step_id: str) -> None:
        self._remember({"page": "visit", "visit_id": visit_id, "step": step_id})

    def _remember(self, place: dict[str, str] | None) -> None:
        # Kept inside the encrypted workspace, so a crash or a lock returns here.
        if self.worker is not None:
            self.worker.submit(lambda ws: ws.remember_place(place), None, lambda _e: None)

    def _resume(self, place: Any) -> None:
        if isinstance(place, dict) and place.get("page") == "visit" and place.get("visit_id"):
            self.show_visit(str(place["visit_id"]), place.get("step"))

    # -- the session drives these ------------------------------------------------------

    def attach(self, worker: DbWorker) -> None:
        """Show the workspace ``worker`` holds open."""
        self.caseload.setEnabled(True)
        self.action(actions.LOCK.id).setEnabled(True)
        self.action(actions.FIND.id).setEnabled(True)
        self.action(actions.SYNC.id).setEnabled(True)
        self.action(actions.TEAM_DETAILS.id).setEnabled(True)
        self.action(actions.REKEY.id).setEnabled(True)
        self.worker = worker
        self._offer_adding()
        self.caseload.attach(worker)
        self.person.attach(worker)
        self.visit_page.attach(worker)
        self.documents.attach(worker)
        self.sync_page.attach(worker)
        self.caseload.search_edit.setFocus()
        worker.submit(lambda ws: ws.remembered_place(), self._resume, lambda _e: None)

    def detach(self) -> None:
        """Empty every view: the workspace is being locked."""
        if self.person_dialog is not None:
            self.person_dialog.abandon()  # nothing typed about a person stays on screen
        if self.guide_dialog is not None:
            self.guide_dialog.reject()
        self.visit_page.detach()  # sends the last keystrokes before the database closes
        self.documents.detach()
        self.sync_page.detach()
        self.show_caseload()
        self.person.detach()
        self.caseload.detach()
        self.caseload.setEnabled(False)
        self.action(actions.LOCK.id).setEnabled(False)
        self.action(actions.FIND.id).setEnabled(False)
        self.action(actions.SYNC.id).setEnabled(False)
        self.action(actions.TEAM_DETAILS.id).setEnabled(False)
        self.action(actions.REKEY.id).setEnabled(False)
        self.people_label.setText(tr("Locked"))
        self.worker = None
        self._offer_adding()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
