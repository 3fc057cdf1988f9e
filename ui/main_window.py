"""The main window: the caseload now; person pages, visits and sync come later."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QToolBar, QToolButton, QWidget

from ui import actions
from ui.a11y import named, plain
from ui.caseload_page import CaseloadPage
from ui.db_worker import DbWorker
from ui.i18n import tr


class MainWindow(QMainWindow):
    """Shows the open workspace; asks its owner (the session) to lock or quit."""

    lock_requested = Signal()
    closing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("MSP Desktop"))
        self.setObjectName("window.main")
        self.resize(1000, 640)

        self.caseload = CaseloadPage(self)
        self.setCentralWidget(self.caseload)

        self.people_label = QLabel(self)
        self.people_label.setObjectName("status.people")
        self.people_label.setContentsMargins(20, 2, 20, 4)
        self.statusBar().addWidget(self.people_label, 1)
        self.statusBar().setSizeGripEnabled(False)
        self.caseload.summary_changed.connect(self.people_label.setText)

        self.actions_by_id: dict[str, QAction] = {
            spec.id: actions.make_action(spec, self) for spec in actions.ALL
        }
        self.action(actions.LOCK.id).triggered.connect(self.lock_requested)
        self.action(actions.FIND.id).triggered.connect(self._find)
        self.action(actions.QUIT.id).triggered.connect(self.close)
        self._build_menus()

    def action(self, action_id: str) -> QAction:
        """The action declared with ``action_id`` (see ``ui.actions``)."""
        return self.actions_by_id[action_id]

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu(tr("&Workspace"))
        menu.addAction(self.action(actions.FIND.id))
        menu.addSeparator()
        menu.addAction(self.action(actions.LOCK.id))
        menu.addAction(self.action(actions.QUIT.id))
        named(self.menuBar(), tr("Menu bar"))

        toolbar = QToolBar(tr("Workspace"), self)
        toolbar.setObjectName("toolbar.workspace")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        named(toolbar, tr("Workspace tools"))
        spacer = QWidget(toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.action(actions.LOCK.id))
        for action in toolbar.actions():
            button = toolbar.widgetForAction(action)
            if button is not None and action.text():
                named(button, plain(action.text()))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        # Qt's own overflow buttons, shown when the window is too narrow.
        extensions = {
            "qt_menubar_ext_button": tr("More menus"),
            "qt_toolbar_ext_button": tr("More tools"),
        }
        for button in self.findChildren(QToolButton):
            if button.objectName() in extensions:
                named(button, extensions[button.objectName()])

    def _find(self) -> None:
        self.caseload.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.caseload.search_edit.selectAll()

    # -- the session drives these ------------------------------------------------------

    def attach(self, worker: DbWorker) -> None:
        """Show the workspace ``worker`` holds open."""
        self.caseload.setEnabled(True)
        self.action(actions.LOCK.id).setEnabled(True)
        self.action(actions.FIND.id).setEnabled(True)
        self.caseload.attach(worker)
        self.caseload.search_edit.setFocus()

    def detach(self) -> None:
        """Empty every view: the workspace is being locked."""
        self.caseload.detach()
        self.caseload.setEnabled(False)
        self.action(actions.LOCK.id).setEnabled(False)
        self.action(actions.FIND.id).setEnabled(False)
        self.people_label.setText(tr("Locked"))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
