"""The caseload: a search box above the table of people, searched as the worker types."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.store import PersonSummary, Workspace
from ui.a11y import buddy, named
from ui.caseload.caseload_model import PERSON_ID_ROLE, CaseloadModel
from ui.caseload.column_fit import fit_columns
from ui.db_worker import DbWorker
from ui.dialog_parts import heading, paragraph
from ui.i18n import tr, tr_n
from ui.targets import roomy_clear_button

SEARCH_DELAY_MS = 150
SEARCH_LIMIT = 200

SearchResult = tuple[list[PersonSummary], int]

OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

# What makes the columns be fitted again (the table's or the header's).
REFIT_EVENTS = (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Resize)


def people_summary(shown: int, total: int, searching: bool) -> str:
    """The status line under the caseload: how many people are listed."""
    if searching:
        return tr_n("{shown} of {count} person", "{shown} of {count} people", total, shown=shown)
    if shown < total:
        return tr(
            "Showing the first {shown} of {count} people; search to find others.",
            shown=shown,
            count=total,
        )
    return tr_n("{count} person", "{count} people", total)


class CaseloadPage(QWidget):
    """Lists the people on the caseload; reads them through the database worker."""

    summary_changed = Signal(str)
    person_chosen = Signal(str)  # the id of the person to open

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker: DbWorker | None = None
        self._generation = 0
        self._choose_first = False
        self.headings_wrapped = False
        self.setObjectName("page.caseload")

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("caseload.search")
        self.search_edit.setPlaceholderText(tr("Search by name or local ID"))
        self.search_edit.setClearButtonEnabled(True)
        roomy_clear_button(self.search_edit)  # 24 × 24 px at least, to aim at
        for button in self.search_edit.findChildren(QToolButton):
            named(button, tr("Clear search"))
        self.search_edit.setAccessibleDescription(
            tr("The list below shows only the people whose name or local ID starts with this.")
        )
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self._search_edited)

        self.model = CaseloadModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("caseload.table")
        self.table.setModel(self.model)
        named(self.table, tr("Caseload"), tr("People on your caseload, one per row."))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        named(self.table.verticalHeader(), tr("Row numbers"))
        header = self.table.horizontalHeader()
        named(header, tr("Column headings"))
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Widths and row height follow the text size: refitted whenever the font changes.
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit_to_text)
        header.installEventFilter(self)
        self.model.modelReset.connect(self._refit.start)
        self.fit_to_text()
        self.table.setCornerButtonEnabled(False)
        for corner in self.table.findChildren(QAbstractButton):
            named(corner, tr("Select all"))
        self.empty_note = paragraph("", self)
        self.empty_note.setObjectName("caseload.empty")
        self.empty_note.hide()

        # "Add a person…" (Ctrl+Shift+N): the main window connects it to its action.
        self.add_button = QPushButton(tr("Add a person…"), self)
        self.add_button.setObjectName("caseload.add_person")
        named(
            self.add_button,
            tr("Add a person"),
            tr("Add someone to your caseload (Ctrl+Shift+N)."),
        )
        title_row = QHBoxLayout()
        title_row.addWidget(heading(tr("Your caseload"), self), 1)
        title_row.addWidget(self.add_button)

        search_row = QHBoxLayout()
        search_row.setSpacing(10)
        search_row.addWidget(buddy(tr("&Search"), self.search_edit, self))
        search_row.addWidget(self.search_edit, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(12)
        layout.addLayout(title_row)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_note)
        QWidget.setTabOrder(self.add_button, self.search_edit)
        QWidget.setTabOrder(self.search_edit, self.table)
        self.setFocusProxy(self.search_edit)

        # Keyboard first: Down from the search box reaches the list, Enter opens the
        # person. A double click opens too (the view's "activated").
        self.search_edit.installEventFilter(self)
        self.table.installEventFilter(self)
        self.table.activated.connect(self._open)
        self.table.setAccessibleDescription(
            tr("People on your caseload, one per row. Press Enter to open a person's page.")
        )

    def _search_edited(self, _text: str) -> None:
        self._choose_first = False
        self._debounce.start()

    # -- the worker --------------------------------------------------------------------

    def attach(self, worker: DbWorker) -> None:
        """Read from ``worker`` (whose workspace is open) and show everyone."""
        self._worker = worker
        self.refresh()

    def detach(self) -> None:
        """Forget the worker and every row (the workspace is being locked)."""
        self._worker = None
        self._debounce.stop()
        self._generation += 1  # any answer still on its way is now stale
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.model.clear()
        self.empty_note.hide()
        self.summary_changed.emit("")

    def refresh(self) -> None:
        """Search again for what is in the search box (everyone when it is empty)."""
        if self._worker is None:
            return
        self._debounce.stop()
        self._generation += 1
        generation, text = self._generation, self.search_edit.text()

        def search(workspace: Workspace) -> SearchResult:
            return workspace.people.search(text, limit=SEARCH_LIMIT), workspace.people.count()

        self._worker.submit(search, lambda result: self._show(generation, text, result))

    def _show(self, generation: int, text: str, result: SearchResult) -> None:
        if generation != self._generation:
            return  # a newer search was started while this one ran
        people, total = result
        self.model.set_people(people)
        if self._choose_first or self.table.hasFocus():
            self._select_first_unless_chosen()
        self._choose_first = False
        searching = bool(text.strip())
        self.summary_changed.emit(people_summary(len(people), total, searching))
        if people:
            self.empty_note.hide()
            return
        self.empty_note.setText(
            tr("No one on your caseload matches “{text}”.", text=text.strip())
            if searching
            else tr("No one is on your caseload yet.")
        )
        self.empty_note.show()

    # -- choosing a person --------------------------------------------------------------

    def fit_to_text(self) -> None:
        """Size the columns and rows for the table's text size and width now (see
        ``ui.caseload.column_fit``: a heading may wrap, never be cut)."""
        self.headings_wrapped = fit_columns(self.table, self.model, SEARCH_LIMIT)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in REFIT_EVENTS:
            self._refit.start()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in REFIT_EVENTS:
            self._refit.start()
            return super().eventFilter(watched, event)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return super().eventFilter(watched, event)
        if watched is self.search_edit and event.key() == Qt.Key.Key_Down:
            self.focus_list()
            return True
        if watched is self.table and event.key() in OPEN_KEYS:
            self._open(self.table.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def focus_list(self) -> None:
        """Move to the list, on the first person unless one is already chosen."""
        if self._debounce.isActive():
            # The list is about to change (the search was just edited): search now,
            # and choose the first person of the new list when it comes.
            self._choose_first = True
            self.refresh()
        self._select_first_unless_chosen()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _select_first_unless_chosen(self) -> None:
        current = self.table.currentIndex()
        chosen = current.isValid() and self.table.selectionModel().isRowSelected(current.row())
        if self.model.rowCount() and not chosen:
            self.table.selectRow(0)

    def _open(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.isValid():
            return
        person_id = self.model.data(self.model.index(index.row(), 0), PERSON_ID_ROLE)
        if isinstance(person_id, str):
            self.person_chosen.emit(person_id)

    def shown_people(self) -> Sequence[PersonSummary]:
        """The people listed now, top to bottom."""
        return [self.model.person_at(row) for row in range(self.model.rowCount())]
