"""The caseload table: one row per person, read-only, filled from the worker's results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from msp_desktop.store import PersonSummary
from ui.date_text import NOT_RECORDED, date_text, is_overdue, visit_due_text
from ui.i18n import N_, tr, tr_marked

Index = QModelIndex | QPersistentModelIndex

PERSON_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def stage_text(stage: str | None) -> str:
    """The stage of the person's open concern, in words, or a dash when none is open."""
    if stage is None:
        return NOT_RECORDED
    words = {"beginning": tr("Beginning"), "middle": tr("Middle"), "end": tr("End")}
    return words.get(stage, stage)


class CaseloadModel(QAbstractTableModel):
    """People on the caseload as table rows (Name, Preferred name, Local ID, …)."""

    HEADINGS = (
        N_("Name"),
        N_("Preferred name"),
        N_("Local ID"),
        N_("Date of birth"),
        N_("Stage"),
        N_("Last visit"),
        N_("Visit due"),
    )

    VISIT_DUE_COLUMN = 6

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people: list[PersonSummary] = []
        self._today = date.today()

    def set_people(self, people: Sequence[PersonSummary], today: date | None = None) -> None:
        """Replace every row (a search result or a refresh); ``today`` decides "overdue"."""
        self.beginResetModel()
        self._people = list(people)
        self._today = today or date.today()
        self.endResetModel()

    def clear(self) -> None:
        """Forget every row, e.g. when the workspace is locked."""
        self.set_people([])

    def person_at(self, row: int) -> PersonSummary:
        """The person shown in ``row``."""
        return self._people[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADINGS)

    def _cell(self, person: PersonSummary, column: int) -> str:
        values = (
            person.name,
            person.preferred_name or "",
            person.local_id or "",
            date_text(person.date_of_birth),
            stage_text(person.open_stage),
            date_text(person.last_visit),
            visit_due_text(person.visit_due, self._today),
        )
        return values[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._people):
            return None
        person = self._people[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cell(person, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if index.column() == self.VISIT_DUE_COLUMN and person.visit_due is None:
                return tr("no visit due")
            text = self._cell(person, index.column())
            return text if text and text != NOT_RECORDED else tr("not recorded")
        if role == PERSON_ID_ROLE:
            return person.id
        if (
            role == Qt.ItemDataRole.FontRole
            and index.column() == self.VISIT_DUE_COLUMN
            and is_overdue(person.visit_due, self._today)
        ):
            # Bold as well as the words, so it also stands out to a sighted glance.
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADINGS):
            return tr_marked(self.HEADINGS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._people):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
