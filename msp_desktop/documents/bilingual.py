"""Welsh and English side by side, for a Welsh copy whose Welsh is not yet attested.

A Welsh copy that uses any sentence below grade B (``i18n.review.unattested``) is
printed in two columns, Welsh on the left (Welsh first, as Welsh public bodies print
it) and English on the right, point by point, so each Welsh sentence has its English
on the same line of the page. A line that is the same in both languages (a name, a
phone number, an email address, the person's own words) is printed once, across both
columns: the person's words are theirs in any language, and an address never has to
squeeze into half a page. A notice under the title says so in both languages, and
why: no translator has checked the Welsh yet, so if the two say different things the
person can ask. Easy read keeps its picture on the left of both columns.

The two columns come from the same record read twice (once per language), so they
always have the same sections and points in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Table

from msp_desktop.documents.layout import Format, Styles
from msp_desktop.documents.pictures import picture
from msp_desktop.i18n import Translator
from msp_desktop.pdf import FRAME_WIDTH, para, table_style

__all__ = ["heading_pair", "notice_lines", "side_by_side"]

_GAP = 0.8 * cm
"""Room between the two columns; a thin rule runs down its middle."""

_RULE = colors.HexColor("#8C8C8C")  # 3.4:1 on white: seen, but quieter than the words


def notice_lines(t: Translator) -> tuple[str, ...]:
    """What the notice says, in ``t``'s language."""
    return (
        t.tr("This copy is in Welsh and English, side by side."),
        t.tr("A translator has not checked our Welsh yet."),
        t.tr("If the Welsh and the English say different things, please ask us."),
    )


def _widths(fmt: Format, styles: Styles) -> list[float]:
    text = FRAME_WIDTH
    lead: list[float] = []
    if fmt is Format.EASY_READ:
        lead = [styles.picture_size + 0.8 * cm]
        text -= lead[0]
    column = (text - _GAP) / 2
    return [*lead, column, column]


def _segments(welsh: Sequence[str], english: Sequence[str]) -> list[tuple[list[str], list[str]]]:
    """The two languages' lines in rows: a line the same in both (a name, a phone
    number, the person's own words) is one row of its own, given once as Welsh."""
    if len(welsh) != len(english):
        return [(list(welsh), list(english))]
    rows: list[tuple[list[str], list[str]]] = []
    for cy, en in zip(welsh, english, strict=True):
        if cy == en:
            rows.append(([cy], []))
        elif rows and rows[-1][1]:
            rows[-1][0].append(cy)
            rows[-1][1].append(en)
        else:
            rows.append(([cy], [en]))
    return rows


def side_by_side(
    welsh: Sequence[str],
    english: Sequence[str],
    fmt: Format,
    style: ParagraphStyle,
    styles: Styles,
    *,
    bold_first: bool = False,
    picture_name: str | None = None,
    boxed: bool = False,
) -> Flowable:
    """One point: each Welsh line on the left, its English on the right, kept together.

    A line that is the same in both languages is printed once across both columns.
    In easy read the picture ``picture_name`` goes on the left of it all (an empty
    cell keeps the columns in line under a heading). ``bold_first`` sets the first line
    in bold; ``boxed`` draws a frame round the point, for the notice.
    """
    first = [True]

    def paragraphs(lines: list[str], bold: bool) -> list[Flowable]:
        return [para(line, style, bold=bold and number == 0) for number, line in enumerate(lines)]

    lead = 1 if fmt is Format.EASY_READ else 0
    english_column = lead + 1
    cells: list[list[object]] = []
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
    for row, (cy, en) in enumerate(_segments(welsh, english)):
        bold = bold_first and first[0]
        first[0] = False
        cells.append([""] * lead + [paragraphs(cy, bold), paragraphs(en, bold)])
        if en:
            # The English starts past the gap; the rule in the gap keeps the two apart.
            commands += [
                ("LEFTPADDING", (english_column, row), (english_column, row), _GAP / 2),
                ("RIGHTPADDING", (lead, row), (lead, row), _GAP / 2),
                ("LINEBEFORE", (english_column, row), (english_column, row), 0.75, _RULE),
            ]
        else:
            commands.append(("SPAN", (lead, row), (english_column, row)))
    last = len(cells) - 1
    commands += [("TOPPADDING", (0, 0), (-1, 0), 2), ("BOTTOMPADDING", (0, last), (-1, last), 8)]
    if fmt is Format.EASY_READ:
        cells[0][0] = picture(picture_name, styles.picture_size) if picture_name else ""
        commands.append(("SPAN", (0, 0), (0, last)))
    widths = _widths(fmt, styles)
    widths[lead] += _GAP / 2
    widths[english_column] += _GAP / 2
    if boxed:
        commands += [
            ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
            ("TOPPADDING", (0, 0), (-1, 0), 8),
            ("LEFTPADDING", (0, 0), (0, -1), 8),
            ("RIGHTPADDING", (-1, 0), (-1, -1), 8),
        ]
    return Table(cells, colWidths=widths, style=table_style(commands), hAlign="LEFT")


def heading_pair(
    welsh: str, english: str, fmt: Format, styles: Styles, *, title: bool = False
) -> Flowable:
    """A heading (or with ``title``, the title) in both languages, each above its column."""
    style = styles.title if title else styles.heading
    return side_by_side([welsh], [english], fmt, style, styles)
