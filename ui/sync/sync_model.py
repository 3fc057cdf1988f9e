"""The sync table: one row per record (per revision, for visits), read-only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ui.date_text import NOT_RECORDED, date_text
from ui.i18n import N_, tr_marked
from ui.sync.sync_rows import SyncRow
from ui.sync.sync_text import kind_words, state_words

Index = QModelIndex | QPersistentModelIndex

STATE_ROLE = Qt.ItemDataRole.UserRole + 1  # "draft", "finalised", "in-bundle", "acknowledged"
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class SyncModel(QAbstractTableModel):
    """Person, Record, Date, Where it is, Revision, Bundle: what matters first, so a
    narrow window or large text never cuts it."""

    HEADINGS = (
        N_("Person"),
        N_("Record"),
        N_("Date"),
        N_("Where it is"),
        N_("Revision"),
        N_("Bundle"),
    )
    STATE_COLUMN = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[SyncRow] = []

    def set_rows(self, rows: Sequence[SyncRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        """Forget every row (leaving the page, or locking)."""
        self.set_rows([])

    def row_at(self, row: int) -> SyncRow:
        """The record shown in ``row``."""
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADINGS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return tr_marked(self.HEADINGS[section]) if 0 <= section < len(self.HEADINGS) else None

    def text(self, row: SyncRow, column: int) -> str:
        """What the cell at ``column`` of ``row`` says."""
        if column == 0:
            return row.person
        if column == 1:
            return kind_words(row.kind)
        if column == 2:
            return date_text(row.on) if row.kind != "person" else ""
        if column == 3:
            return state_words(
                row.state, row.written, kept_aside=row.kept_aside, from_office=row.from_office
            )
        if column == 4:
            return NOT_RECORDED if row.revision is None else str(row.revision)
        return NOT_RECORDED if row.bundle is None else str(row.bundle)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.STATE_COLUMN:
            return self.text(row, index.column())
        if role == STATE_ROLE:
            return row.state
        if role == RECORD_ID_ROLE:
            return row.record_id
        return None
