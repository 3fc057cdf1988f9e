"""How wide each caseload column is, for the text size and the room the table has.

Each column gets room for its widest entry. When the table is too narrow for that
(eight columns at 150 % text in a 1200 px window), the headings wrap onto a second
line ("Overdue / actions"), never cut; if that is not enough, the preferred name joins
the name ("Bryn Sample (Bryn)") and its own column is hidden, and then the room kept
beside each entry shrinks to the cell's own margins. Only then do entries wrap onto
more lines, between words ("Overdue since / 16 Nov"): first in columns with long
entries, which give back much room for their extra line, then in the columns that
matter least (``FIT_FIRST``). A column whose entries are short ("18 Nov") keeps them
whole first: wrapped, it would give back a few pixels for a line on every row. No entry
is ever cut short ("Beginn…"), and no word is broken. If even the widest word of each
column does not fit, the table scrolls across.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, Qt
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
# A column whose widest entry is at most this many average characters wider than the
# least it can wrap to is "short": it is given its whole width before others wrap.
SHORT_CHARS = 4
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


def short_first(needs: Sequence[tuple[int, int]], short: int) -> list[int]:
    """``FIT_FIRST`` with the columns whose entries are short (whole, at most ``short``
    wider than their least) first: wrapping one of them costs a line on every row and
    gives back almost nothing."""
    shorts = [c for c in FIT_FIRST if needs[c][1] - needs[c][0] <= short]
    return shorts + [c for c in FIT_FIRST if c not in shorts]


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
        # The least room beside an entry drawn whole: the style's text margins.
        focus_margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
        self.snug_gap = 2 * (focus_margin + 1)
        margin = self.header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
        self.header_gap = margin * 2 + self.gap

    def metrics(self, column: int) -> QFontMetrics:
        """How the entries of ``column`` are measured (some are bold)."""
        return self.strong if column in CaseloadModel.BOLD_COLUMNS else self.cells

    def texts(self, column: int, folded: bool) -> list[str]:
        """The entries of ``column`` as shown."""
        if column == CaseloadModel.NAME_COLUMN:
            people = (self.model.person_at(row) for row in range(self.rows))
            return [name_text(person, folded) for person in people]
        return [str(self.model.index(row, column).data() or "") for row in range(self.rows)]

    def contents(self, column: int, folded: bool, snug: bool = False) -> int:
        """The widest entry of ``column`` (a usual one while nobody is listed), with the
        usual room beside it, or only the cell's margins when ``snug``."""
        gap = self.snug_gap if snug else self.gap
        if not self.rows:
            return self.cells.averageCharWidth() * COLUMN_CHARS[column] + gap
        metrics = self.metrics(column)
        return max(metrics.horizontalAdvance(t) for t in self.texts(column, folded)) + gap

    def widest_word(self, column: int, folded: bool) -> int:
        """The widest single word of ``column``: it is as narrow as an entry can wrap."""
        metrics = self.metrics(column)
        words = [word for text in self.texts(column, folded) for word in text.split()]
        return max((metrics.horizontalAdvance(word) for word in words), default=0) + self.gap

    def lines(self, widths: Sequence[int], folded: bool) -> int:
        """The most lines any entry takes when its column is as wide as ``widths`` says."""
        most = 1
        for column, width in enumerate(widths):
            if not width or not self.rows:
                continue
            metrics = self.metrics(column)
            # As the cell draws it: inside the style's text margins.
            room = QRect(0, 0, max(width - self.snug_gap, 1), 10_000)
            for text in self.texts(column, folded):
                if metrics.horizontalAdvance(text) + self.snug_gap <= width:
                    continue
                flags = Qt.TextFlag.TextWordWrap.value
                taken = metrics.boundingRect(room, flags, text).height()
                most = max(most, -(-taken // metrics.lineSpacing()))
        return most

    def needs(
        self, wrapped: bool, folded: bool, cells_wrap: bool = False, snug: bool = False
    ) -> Needs:
        """Each column's (least, usual) width: its heading whole (on one line, or on
        two when ``wrapped``) and its widest entry; nothing for the preferred name when
        it is ``folded`` into the name. With ``cells_wrap`` an entry may wrap between
        words, so the least is the heading's or the widest word's. With ``snug`` the
        least is the widest entry with only the cell's margins beside it (one line)."""
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
            if cells_wrap and self.rows:
                least = max(least, self.widest_word(column, folded))
            if snug:
                least = max(least, self.contents(column, folded, snug=True))
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
    order: Sequence[int] = FIT_FIRST
    if sum(usual for _least, usual in needs) > room:
        needs = measure.needs(True, folded, snug=True)  # one line, if only just
        if sum(least for least, _usual in needs) > room:
            needs = measure.needs(True, folded, cells_wrap=True)
            order = short_first(needs, measure.cells.averageCharWidth() * SHORT_CHARS)
    model.set_folded(folded)
    table.setColumnHidden(CaseloadModel.PREFERRED_NAME_COLUMN, folded)
    widths = share_room(needs, room, order)
    for column, width in enumerate(widths):
        if width:
            header.resizeSection(column, width)
    entry_lines = measure.lines(widths, folded)
    table.setWordWrap(entry_lines > 1)  # between words only: each column fits its widest word
    height = round(max(measure.cells.height(), measure.titles.height()) * ROW_LINES)
    height += (entry_lines - 1) * measure.cells.lineSpacing()
    table.verticalHeader().setDefaultSectionSize(height)
    wrapped = any(0 < width < least for width, (least, _usual) in zip(widths, whole, strict=True))
    lines = WRAPPED_HEADER_LINES if wrapped else ROW_LINES
    header.setMinimumHeight(round(measure.titles.height() * lines))
    return wrapped
