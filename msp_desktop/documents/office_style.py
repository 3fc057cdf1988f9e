"""How the office record looks: calm headings, label-and-value tables and grids.

Text that must stay out of the person's copy is labelled in words ("[Third party]",
"[Internal]") and shaded, never marked by colour alone. The person's own words are
printed in curly quotes, as said. Every piece of recorded text goes through ``para``,
so markup characters in it print as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from msp_desktop.model import Note, Visibility
from msp_desktop.pdf import BOLD, FRAME_WIDTH, REGULAR, para, paragraph_style, table_style

__all__ = ["MARKS", "Cell", "OfficeStyles", "Text", "facts", "grid", "styles"]

MARKS = {Visibility.THIRD_PARTY: "[Third party]", Visibility.INTERNAL: "[Internal]"}

_SHADE = colors.HexColor("#EEEEEE")
_RULE = colors.HexColor("#9A9A9A")
_HEAD = colors.HexColor("#DDE3EA")
_LABEL_WIDTH = 0.3
_PADDING = 4


@dataclass(frozen=True, slots=True)
class Text:
    """A piece of text to print, with who may read it and whether it is the person's words."""

    text: str
    visibility: Visibility = Visibility.PERSON
    quoted: bool = False

    @classmethod
    def of(cls, note: Note, *, quoted: bool = False) -> Text:
        """A note's text as typed, with its visibility."""
        return cls(note.text, note.visibility, quoted)

    @property
    def marked(self) -> bool:
        """Whether the text must stay out of the person's copy."""
        return self.visibility in MARKS


Cell = str | Text | Sequence[Text | str] | None
"""What a table cell holds: plain words, a marked text, or several lines of either."""


@dataclass(frozen=True, slots=True)
class OfficeStyles:
    """The paragraph styles of the office record."""

    title: ParagraphStyle
    intro: ParagraphStyle
    part: ParagraphStyle
    section: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle

    def text(self, item: Text | str, style: ParagraphStyle | None = None) -> Paragraph:
        """One text as a paragraph: marked in words when it is not the person's to read."""
        if isinstance(item, str):
            item = Text(item)
        words = f"“{item.text}”" if item.quoted else item.text
        return para(words, style or self.body, label=MARKS.get(item.visibility, ""))

    def heading(self, text: str) -> Paragraph:
        """A section heading inside a part."""
        return para(text, self.section)


@cache
def styles() -> OfficeStyles:
    """The office record's styles (made once per process)."""
    body = paragraph_style("OfficeBody", 10, leading=13.5, spaceAfter=3)
    return OfficeStyles(
        title=paragraph_style("OfficeTitle", 18, BOLD, leading=23, spaceAfter=4),
        intro=paragraph_style("OfficeIntro", 10, leading=13.5, spaceAfter=8),
        # keepWithNext: a heading never ends a page without what it heads.
        part=paragraph_style(
            "OfficePart", 14, BOLD, leading=18, spaceBefore=14, spaceAfter=6, keepWithNext=1
        ),
        section=paragraph_style(
            "OfficeSection", 11, BOLD, leading=14, spaceBefore=9, spaceAfter=4, keepWithNext=1
        ),
        body=body,
        label=paragraph_style("OfficeLabel", 9.5, BOLD, leading=12.5),
        cell=paragraph_style("OfficeCell", 9.5, leading=12.5),
    )


def _markup(item: Text | str) -> str:
    if isinstance(item, str):
        return escape(item).replace("\n", "<br/>")
    words = escape(f"“{item.text}”" if item.quoted else item.text).replace("\n", "<br/>")
    mark = MARKS.get(item.visibility)
    return f"<b>{mark}</b> {words}" if mark else words


def _cell(
    value: Cell, style: OfficeStyles, width: float, *, single: bool = False
) -> tuple[Any, bool]:
    """A cell's content, and whether any of its text is marked (so the row is shaded).

    Plain words that fit on one line stay a string, which reportlab lays out far faster
    than a paragraph (a 50-visit record has thousands of cells); anything longer, marked
    or on several lines is one paragraph, its lines joined by line breaks.
    """
    # An empty cell says "nothing recorded" more calmly than the words in every row.
    if value is None:
        return "", False
    items: Sequence[Text | str] = [value] if isinstance(value, str | Text) else value
    if not items:
        return "", False
    # Only a cell alone on its row's line may be a string: pdftotext reads a string
    # beside a paragraph in the wrong order (both are checked by the tests).
    if single and len(items) == 1 and isinstance(items[0], str) and "\n" not in items[0]:
        room = width - 2 * _PADDING
        if stringWidth(items[0], REGULAR, style.cell.fontSize) <= room:
            return items[0], False
    marked = any(isinstance(item, Text) and item.marked for item in items)
    return Paragraph("<br/>".join(_markup(item) for item in items), style.cell), marked


def facts(rows: Sequence[tuple[str, Cell]], style: OfficeStyles) -> Flowable:
    """Label-and-value rows; rows whose value is ``None`` are left out."""
    widths = [FRAME_WIDTH * _LABEL_WIDTH, FRAME_WIDTH * (1 - _LABEL_WIDTH)]
    data: list[list[Any]] = []
    commands = _base_commands()
    for label, value in rows:
        if value is None or (not isinstance(value, str | Text) and not value):
            continue
        content, marked = _cell(value, style, widths[1], single=True)
        if marked:
            commands.append(("BACKGROUND", (0, len(data)), (-1, len(data)), _SHADE))
        data.append([_label(label, style, widths[0]), content])
    if not data:
        return Spacer(0, 0)
    commands.append(("FONTNAME", (0, 0), (0, -1), BOLD))
    table = Table(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(table_style(commands))
    return table


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    style: OfficeStyles,
    *,
    footer: tuple[str, Cell] | None = None,
) -> Flowable:
    """A table with a heading row (repeated on each page) and ``widths`` as fractions.

    ``footer`` is a last row across the whole table, its label in bold above its value
    (the safety plan under the risks).
    """
    points = [FRAME_WIDTH * width for width in widths]
    data: list[list[Any]] = [
        [_label(text, style, room) for text, room in zip(header, points, strict=True)]
    ]
    commands = [
        *_base_commands(),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
    ]
    for row in rows:
        cells = [_cell(value, style, room) for value, room in zip(row, points, strict=True)]
        if any(marked for _, marked in cells):
            commands.append(("BACKGROUND", (0, len(data)), (-1, len(data)), _SHADE))
        data.append([content for content, _ in cells])
    if footer is not None:
        label, value = footer
        content, marked = _cell(value, style, FRAME_WIDTH)
        index = len(data)
        if isinstance(content, str):
            content = para(content, style.cell)
        lines = [para(label, style.label), content]
        data.append([lines, *([""] * (len(header) - 1))])
        commands.append(("SPAN", (0, index), (-1, index)))
        if marked:
            commands.append(("BACKGROUND", (0, index), (-1, index), _SHADE))
    table = Table(data, colWidths=points, hAlign="LEFT", repeatRows=1)
    table.setStyle(table_style(commands))
    return table


def _label(text: str, style: OfficeStyles, width: float) -> Any:
    # A label that fits stays a string, drawn bold by the table's own font command for
    # label cells; a longer one is a paragraph that wraps.
    if stringWidth(text, BOLD, style.label.fontSize) <= width - 2 * _PADDING:
        return text
    return para(text, style.label)


def _base_commands() -> list[tuple[Any, ...]]:
    return [
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("LEADING", (0, 0), (-1, -1), 12.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, _RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING + 4),
    ]
