"""The caseload table model."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont
from pytestqt.modeltest import ModelTester

from msp_desktop.store import PersonSummary
from ui.caseload.caseload_model import PERSON_ID_ROLE, CaseloadModel, stage_text
from ui.date_text import date_text, visit_due_text

TODAY = date(2026, 11, 26)

ROWS = [
    PersonSummary(
        "p1",
        "Ada Example",
        None,
        "LC-1001",
        date(1941, 2, 3),
        "middle",
        date(2025, 5, 6),
        date(2026, 12, 12),
        overdue_actions=2,
    ),
    PersonSummary("p2", "Bryn Sample", "Bryn", "LC-1002", None, None, None, None),
    PersonSummary(
        "p3",
        "Siân Prawf",
        None,
        None,
        date(1950, 11, 30),
        "beginning",
        date(2026, 10, 20),
        date(2026, 11, 3),
        overdue_actions=1,
    ),
]


def test_model_passes_qt_model_checks(qtmodeltester: ModelTester) -> None:
    model = CaseloadModel()
    model.set_people(ROWS, today=TODAY)
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)


def test_columns_and_cells() -> None:
    model = CaseloadModel()
    model.set_people(ROWS, today=TODAY)
    headings = [
        model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())
    ]
    assert headings == [
        "Name",
        "Preferred name",
        "Local ID",
        "Date of birth",
        "Stage",
        "Last visit",
        "Visit due",
        "Overdue actions",
    ]
    first = [model.data(model.index(0, column)) for column in range(8)]
    assert first == [
        "Ada Example",
        "",
        "LC-1001",
        "3 Feb 1941",
        "Middle",
        "6 May 2025",
        "12 Dec 2026",
        "2",
    ]
    second = [model.data(model.index(1, column)) for column in range(8)]
    assert second == ["Bryn Sample", "Bryn", "LC-1002", "—", "—", "—", "—", "None"]
    # A last visit this year is said without its year, as "Overdue since 3 Nov" is.
    assert model.data(model.index(2, 5)) == "20 Oct"
    assert model.data(model.index(2, 0), PERSON_ID_ROLE) == "p3"
    assert model.data(model.index(1, 3), Qt.ItemDataRole.AccessibleTextRole) == "not recorded"
    assert model.person_at(2).name == "Siân Prawf"
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_overdue_is_said_in_words_and_bold() -> None:
    model = CaseloadModel()
    model.set_people(ROWS, today=TODAY)
    overdue = model.index(2, CaseloadModel.VISIT_DUE_COLUMN)
    assert model.data(overdue) == "Overdue since 3 Nov"
    assert model.data(overdue, Qt.ItemDataRole.AccessibleTextRole) == "Overdue since 3 Nov"
    font = model.data(overdue, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.bold()
    due_later = model.index(0, CaseloadModel.VISIT_DUE_COLUMN)
    assert model.data(due_later, Qt.ItemDataRole.FontRole) is None
    none_due = model.index(1, CaseloadModel.VISIT_DUE_COLUMN)
    assert model.data(none_due, Qt.ItemDataRole.AccessibleTextRole) == "no visit due"


def test_words_for_visit_due() -> None:
    assert visit_due_text(None, TODAY) == "—"
    assert visit_due_text(date(2026, 12, 12), TODAY) == "12 Dec 2026"
    assert visit_due_text(TODAY, TODAY) == "Due today"
    assert visit_due_text(date(2026, 11, 25), TODAY) == "Overdue since 25 Nov"
    assert visit_due_text(date(2025, 12, 30), TODAY) == "Overdue since 30 Dec 2025"


def test_words_for_dates_and_stages() -> None:
    assert date_text(date(2024, 12, 1)) == "1 Dec 2024"
    assert date_text(None) == "—"
    assert stage_text("end") == "End"
    assert stage_text(None) == "—"


def test_overdue_actions_are_counted_in_words_and_bold() -> None:
    model = CaseloadModel()
    model.set_people(ROWS, today=TODAY)
    column = CaseloadModel.OVERDUE_ACTIONS_COLUMN
    two, none, one = (model.index(row, column) for row in range(3))
    assert [model.data(i) for i in (two, none, one)] == ["2", "None", "1"]
    spoken = [model.data(i, Qt.ItemDataRole.AccessibleTextRole) for i in (two, none, one)]
    assert spoken == ["2 overdue actions", "no overdue actions", "1 overdue action"]
    font = model.data(two, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.bold()
    assert model.data(none, Qt.ItemDataRole.FontRole) is None


def test_the_preferred_name_can_join_the_name(qtmodeltester: ModelTester) -> None:
    model = CaseloadModel()
    model.set_people(ROWS, today=TODAY)
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last: changed.append((first.column(), last.column())))
    model.set_folded(True)
    assert changed == [(0, 1)]
    assert model.data(model.index(1, 0)) == "Bryn Sample (Bryn)"
    assert model.data(model.index(1, 1)) == ""
    assert model.data(model.index(0, 0)) == "Ada Example"  # no preferred name to add
    qtmodeltester.check(model)
    model.set_folded(True)
    assert changed == [(0, 1)]  # nothing changed, nothing said
    model.set_folded(False)
    assert model.data(model.index(1, 0)) == "Bryn Sample"
    assert model.data(model.index(1, 1)) == "Bryn"
