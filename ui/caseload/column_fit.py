"""How wide each caseload column is, for the text size and the room the table has.

Each column gets room for its widest entry. When the table is too narrow for that
(eight columns at 150 % text in a 1200 px window), the headings wrap onto a second
line ("Overdue / actions"), never cut; if that is not enough, the preferred name joins
the name ("Bryn Sample (Bryn)") and its own column is hidden. Only then is an entry
cut, in the columns that matter least (``FIT_FIRST``); its tooltip still says it all.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyle, QTableView

from ui.caseload.caseload_model import CaseloadModel, name_text

# Each column's width in average characters while nobody is listed yet.
COLUMN_CHARS = (22, 15, 11, 12, 9, 12, 16, 6)
# A row is this many lines of text high: room around the words, easy to aim at.
ROW_LINES = 1.75
# The heading row when headings wrap: two lines and the same room around them.
WRAPPED_HEADER_LINES = 2.75
# When not every column fits, the order they are given their full width in: the
# name, the local ID, when a visit is due and how many actions are overdue first.
FIT_FIRST = (0, 2, 6, 7, 3, 5, 4, 1)
# Headings left-aligned, and wrapped at a space when their column is narrower.
HEADING_ALIGNMENT = Qt.AlignmentFlag(
    Qt.AlignmentFlag.AlignLeft.value
    | Qt.AlignmentFlag.AlignVCenter.value
    | Qt.TextFlag.TextWordWrap.value
)

Needs = list[tuple[int, int]]  # each column's (least, usual) width


def share_room(needs: Sequence[tuple[int, int]], room: int, order: Sequence[int]) -> list[int]:
    """Column widths from each column's (least, usual) width and the room there is.

    Every column gets its usual width when all fit; otherwise its least, and then the
    room left goes to columns in ``order`` until each has its usual width.
    """
    widths = [usual for _least, usual in needs]
    if sum(widths) <= room:
        return widths
    widths = [least for least, _usual in needs]
    spare = room - sum(widths)
    for column in order:
        more = min(max(spare, 0), needs[column][1] - widths[column])
        widths[column] += more
        spare -= more
    return widths


def two_line_width(title: str, metrics: QFontMetrics) -> int:
    """The narrowest a heading can be on at most two lines, broken at a space."""
    words = title.split()
    narrowest = metrics.horizontalAdvance(title)
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        longer = max(metrics.horizontalAdvance(first), metrics.horizontalAdvance(second))
        narrowest = min(narrowest, longer)
    return narrowest


class _Measure:
    """What each column of the table needs at its text size now."""

    def __init__(self, table: QTableView, model: CaseloadModel, rows: int) -> None:
        self.model, self.rows = model, rows
        self.header = table.horizontalHeader()
        self.cells, self.titles = table.fontMetrics(), self.header.fontMetrics()
        bold = QFont(table.font())
        bold.setBold(True)  # overdue visits and actions are shown in bold
        self.strong = QFontMetrics(bold)
        # Room for the cell's own margins (6 px in Fusion) and a third of a character more.
        self.gap = self.cells.averageCharWidth() // 3 + 8
        margin = self.header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
        self.header_gap = margin * 2 + self.gap

    def contents(self, column: int, folded: bool) -> int:
        """The widest entry of ``column`` (a usual one while nobody is listed)."""
        if not self.rows:
            return self.cells.averageCharWidth() * COLUMN_CHARS[column] + self.gap
        metrics = self.strong if column in CaseloadModel.BOLD_COLUMNS else self.cells
        if column == CaseloadModel.NAME_COLUMN:
            people = (self.model.person_at(row) for row in range(self.rows))
            texts = [name_text(person, folded) for person in people]
        else:
            texts = [str(self.model.index(row, column).data() or "") for row in range(self.rows)]
        return max(metrics.horizontalAdvance(text) for text in texts) + self.gap

    def needs(self, wrapped: bool, folded: bool) -> Needs:
        """Each column's (least, usual) width: its heading whole (on one line, or on
        two when ``wrapped``) and its widest entry; nothing for the preferred name when
        it is ``folded`` into the name."""
        found: Needs = []
        for column in range(len(COLUMN_CHARS)):
            if folded and column == CaseloadModel.PREFERRED_NAME_COLUMN:
                found.append((0, 0))
                continue
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            if wrapped:
                least = two_line_width(title, self.titles) + self.header_gap
            else:
                least = max(
                    self.titles.horizontalAdvance(title) + self.header_gap,
                    self.header.sectionSizeHint(column),
                )
            found.append((least, max(least, self.contents(column, folded))))
        return found


def fit_columns(table: QTableView, model: CaseloadModel, rows_counted: int) -> bool:
    """Size the columns and rows of ``table`` for its text size and width now; returns
    whether a heading wraps onto a second line.

    While the columns do not fit, in turn: the headings on two lines, then the
    preferred name in the Name column, then ``FIT_FIRST`` shares the room there is.
    """
    header = table.horizontalHeader()
    header.setDefaultAlignment(HEADING_ALIGNMENT)
    room = table.viewport().width()
    measure = _Measure(table, model, min(model.rowCount(), rows_counted))
    whole = measure.needs(wrapped=False, folded=False)
    needs, folded = whole, False
    for wrap, fold in ((True, False), (True, True)):
        if not table.isVisible() or sum(usual for _least, usual in needs) <= room:
            break
        needs, folded = measure.needs(wrap, fold), fold
    model.set_folded(folded)
    table.setColumnHidden(CaseloadModel.PREFERRED_NAME_COLUMN, folded)
    widths = share_room(needs, room, FIT_FIRST)
    for column, width in enumerate(widths):
        if width:
            header.resizeSection(column, width)
    height = round(max(measure.cells.height(), measure.titles.height()) * ROW_LINES)
    table.verticalHeader().setDefaultSectionSize(height)
    wrapped = any(0 < width < least for width, (least, _usual) in zip(widths, whole, strict=True))
    lines = WRAPPED_HEADER_LINES if wrapped else ROW_LINES
    header.setMinimumHeight(round(measure.titles.height() * lines))
    return wrapped
