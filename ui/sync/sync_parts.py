"""The parts of the sync page that only show things: the counts and the table.

Built from plain values; neither reads the database.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.a11y import named
from ui.dialog_parts import paragraph
from ui.i18n import tr, tr_n
from ui.sync.sync_model import SyncModel
from ui.sync.sync_rows import SyncView
from ui.sync.sync_text import and_list, count_sentences
from ui.targets import MIN_TARGET

# Cards on the window colour; colours from the palette, so high contrast applies too.
PAGE_STYLE = """
QFrame[card="true"] {
    background: palette(base); border: 1px solid palette(mid); border-radius: 8px;
}
"""
VISIBLE_ROWS = 4  # the table is never squeezed shorter than this
ROW_LINES = 1.6  # a table row is this many lines of text high
COUNT_ORDER = ("finalised", "in-bundle", "acknowledged", "draft")


class CountsBox(QFrame):
    """One sentence per state, and a note about bundles not yet written anywhere."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync.counts")
        self.setProperty("card", True)
        named(self, tr("Where your records are"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(4)
        self.labels: dict[str, QLabel] = {}
        for state in COUNT_ORDER:
            label = paragraph("", self)
            label.setObjectName(f"sync.count.{state}")
            layout.addWidget(label)
            self.labels[state] = label
        self.unwritten_note = paragraph("", self)
        self.unwritten_note.setObjectName("sync.unwritten")
        font = self.unwritten_note.font()
        font.setBold(True)
        self.unwritten_note.setFont(font)
        layout.addWidget(self.unwritten_note)

    def show_view(self, view: SyncView) -> None:
        """Say how many records are in each state."""
        for state, sentence in count_sentences(view.status.counts).items():
            self.labels[state].setText(sentence)
        unwritten = view.unwritten
        if view.inbox_url is not None:  # sent over the network: no folder to write to
            waiting = [b.sequence for b in view.status.bundles if b.acknowledged_at is None]
            self.unwritten_note.setText(
                tr_n(
                    "Bundle {numbers} is not confirmed by the office yet: choose Sync now "
                    "to send it.",
                    "Bundles {numbers} are not confirmed by the office yet: choose Sync now "
                    "to send them.",
                    len(waiting),
                    numbers=and_list(waiting),
                )
            )
            self.unwritten_note.setVisible(bool(waiting))
            return
        self.unwritten_note.setText(
            tr_n(
                "Bundle {numbers} is sealed but not yet written to a folder: "
                "choose Export to folder… to write it.",
                "Bundles {numbers} are sealed but not yet written to a folder: "
                "choose Export to folder… to write them.",
                len(unwritten),
                numbers=and_list(unwritten),
            )
        )
        self.unwritten_note.setVisible(bool(unwritten))


class SyncTable(QTableView):
    """Every record, one row each; columns and rows sized for the text."""

    def __init__(self, model: SyncModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Made first: setting the model and the header sends font and style events.
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit_to_text)
        self.setObjectName("sync.table")
        self.setModel(model)
        named(
            self,
            tr("Every record"),
            tr("One row per record: whose it is, and whether it has reached the office."),
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        named(self.verticalHeader(), tr("Row numbers"))
        header = self.horizontalHeader()
        named(header, tr("Column headings"))
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.setCornerButtonEnabled(False)
        for corner in self.findChildren(QAbstractButton):
            named(corner, tr("Select all"))
        model.modelReset.connect(self._refit.start)
        self.fit_to_text()

    def fit_to_text(self) -> None:
        """Columns as wide as their contents, rows a comfortable height for the text."""
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        gap = self.fontMetrics().averageCharWidth() * 3
        for column in range(header.count() - 1):
            header.resizeSection(column, header.sectionSize(column) + gap)
        height = round(self.fontMetrics().height() * ROW_LINES)
        self.verticalHeader().setDefaultSectionSize(height)
        # Its edges are dragged to widen a column: a whole target high (WCAG 2.5.8).
        header.setMinimumHeight(max(MIN_TARGET, round(header.fontMetrics().height() * ROW_LINES)))
        # A few rows always show: when the text is large the page scrolls instead.
        self.setMinimumHeight(
            header.minimumHeight() + height * VISIBLE_ROWS + 2 * self.frameWidth()
        )

    def changeEvent(self, event: QEvent) -> None:
        refit = getattr(self, "_refit", None)  # None while Qt is still making the view
        if refit is not None and event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            refit.start()
        super().changeEvent(event)
