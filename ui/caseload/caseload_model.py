"""The caseload table: one row per person, read-only, filled from the worker's results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from msp_desktop.store import PersonSummary
from ui.date_text import NOT_RECORDED, date_text, is_overdue, short_date_text, visit_due_text
from ui.i18n import N_, tr, tr_marked, tr_n

Index = QModelIndex | QPersistentModelIndex

PERSON_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def stage_text(stage: str | None) -> str:
    """The stage of the person's open concern, in words, or a dash when none is open."""
    if stage is None:
        return NOT_RECORDED
    words = {"beginning": tr("Beginning"), "middle": tr("Middle"), "end": tr("End")}
    return words.get(stage, stage)


def name_text(person: PersonSummary, folded: bool) -> str:
    """The Name column: the name, with the preferred name when it is ``folded`` in."""
    if folded and person.preferred_name:
        return tr("{name} ({preferred})", name=person.name, preferred=person.preferred_name)
    return person.name


def last_visit_text(held: date | None, today: date) -> str:
    """When the last conversation was, without the year when it was this year."""
    return NOT_RECORDED if held is None else short_date_text(held, today)


def overdue_actions_text(count: int) -> str:
    """How many agreed actions are overdue: "None", or the number."""
    return str(count) if count else tr("None")


def overdue_actions_spoken(count: int) -> str:
    """The same, as a screen reader says it without the heading."""
    if not count:
        return tr("no overdue actions")
    return tr_n("{count} overdue action", "{count} overdue actions", count)


class CaseloadModel(QAbstractTableModel):
    """People on the caseload as table rows (Name, Preferred name, Local ID, …,
    Overdue actions)."""

    HEADINGS = (
        N_("Name"),
        N_("Preferred name"),
        N_("Local ID"),
        N_("Date of birth"),
        N_("Stage"),
        N_("Last visit"),
        N_("Visit due"),
        N_("Overdue actions"),
    )

    NAME_COLUMN = 0
    PREFERRED_NAME_COLUMN = 1
    VISIT_DUE_COLUMN = 6
    OVERDUE_ACTIONS_COLUMN = 7
    BOLD_COLUMNS = (VISIT_DUE_COLUMN, OVERDUE_ACTIONS_COLUMN)  # bold when overdue

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people: list[PersonSummary] = []
        self._today = date.today()
        self._folded = False

    def set_people(self, people: Sequence[PersonSummary], today: date | None = None) -> None:
        """Replace every row (a search result or a refresh); ``today`` decides "overdue"."""
        self.beginResetModel()
        self._people = list(people)
        self._today = today or date.today()
        self.endResetModel()

    def clear(self) -> None:
        """Forget every row, e.g. when the workspace is locked."""
        self.set_people([])

    @property
    def folded(self) -> bool:
        """Whether the preferred name is shown in the Name column, "Bryn Sample (Bryn)"
        (the view hides the Preferred name column when it has no room for it)."""
        return self._folded

    def set_folded(self, folded: bool) -> None:
        """Show the preferred name in the Name column (True) or in its own (False)."""
        if folded == self._folded:
            return
        self._folded = folded
        if self._people:
            last = len(self._people) - 1
            self.dataChanged.emit(
                self.index(0, self.NAME_COLUMN), self.index(last, self.PREFERRED_NAME_COLUMN)
            )

    def person_at(self, row: int) -> PersonSummary:
        """The person shown in ``row``."""
        return self._people[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADINGS)

    def _cell(self, person: PersonSummary, column: int) -> str:
        values = (
            name_text(person, self._folded),
            "" if self._folded else person.preferred_name or "",
            person.local_id or "",
            date_text(person.date_of_birth),
            stage_text(person.open_stage),
            last_visit_text(person.last_visit, self._today),
            tr("Shared to read")
            if person.shared
            else visit_due_text(person.visit_due, self._today),
            overdue_actions_text(person.overdue_actions),
        )
        return values[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._people):
            return None
        person = self._people[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cell(person, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if index.column() == self.VISIT_DUE_COLUMN and person.shared:
                return tr("shared to read: no visit due from you")
            if index.column() == self.VISIT_DUE_COLUMN and person.visit_due is None:
                return tr("no visit due")
            if index.column() == self.OVERDUE_ACTIONS_COLUMN:
                return overdue_actions_spoken(person.overdue_actions)
            text = self._cell(person, index.column())
            return text if text and text != NOT_RECORDED else tr("not recorded")
        if role == PERSON_ID_ROLE:
            return person.id
        if role == Qt.ItemDataRole.FontRole and self._is_overdue(person, index.column()):
            # Bold as well as the words, so it also stands out to a sighted glance.
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _is_overdue(self, person: PersonSummary, column: int) -> bool:
        if column == self.VISIT_DUE_COLUMN:
            return is_overdue(person.visit_due, self._today)
        return column == self.OVERDUE_ACTIONS_COLUMN and person.overdue_actions > 0

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
