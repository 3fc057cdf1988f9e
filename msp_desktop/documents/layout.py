"""Page set-up shared by every document: A4, styles per format, footers, metadata.

Three formats follow ``docs/easy-read.md``: plain (clear print, 14 pt), large print (18 pt
everywhere, page numbers included) and easy read (16 pt body, a picture beside every
point). Text is always left aligned, black on white, never justified, never split
inside a word, and set in the embedded DejaVu Sans.
"""

from __future__ import annotations

import enum
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from msp_desktop.documents.fonts import BOLD, REGULAR, register_fonts
from msp_desktop.documents.pictures import picture

__all__ = [
    "Format",
    "PdfInfo",
    "Styles",
    "build_pdf",
    "para",
    "picture_row",
    "styles_for",
    "table_style",
]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2 * cm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN


class Format(enum.StrEnum):
    """How a document for the person is laid out."""

    PLAIN = "plain"
    LARGE_PRINT = "large-print"
    EASY_READ = "easy-read"


@dataclass(frozen=True, slots=True)
class Styles:
    """The paragraph styles of one format; ``footer_size`` is the page-number size."""

    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    footer_size: float
    picture_size: float


# (body, title, heading, footer) sizes in points. Large print keeps every piece of text,
# page numbers too, at the body size or larger (UKAAF: "all text the same size").
_SIZES: dict[Format, tuple[float, float, float, float]] = {
    Format.PLAIN: (14, 22, 17, 12),
    Format.LARGE_PRINT: (18, 26, 22, 18),
    Format.EASY_READ: (16, 24, 20, 16),
}


def styles_for(fmt: Format) -> Styles:
    """The styles for ``fmt``: left aligned, 1.45x leading, a blank line between blocks."""
    register_fonts()
    body_size, title_size, heading_size, footer_size = _SIZES[fmt]

    def style(name: str, size: float, font: str, space_before: float = 0) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=round(size * 1.45, 1),
            alignment=TA_LEFT,
            textColor=colors.black,
            spaceBefore=space_before,
            # A blank line between blocks, less for large print where 18 pt is already airy.
            spaceAfter=size * (0.7 if fmt is Format.LARGE_PRINT else 0.6),
            spaceShrinkage=0,  # never squeeze word spaces
            splitLongWords=0,  # never break a word (or a phone number) across lines
            allowWidows=0,
            allowOrphans=0,
        )

    return Styles(
        title=style("Title", title_size, BOLD),
        heading=style("Heading", heading_size, BOLD, space_before=heading_size * 0.6),
        body=style("Body", body_size, REGULAR),
        footer_size=footer_size,
        # E4: pictures at least 3.5 cm wide, as large as the row allows.
        picture_size=3.6 * cm,
    )


def para(text: str, style: ParagraphStyle, *, bold: bool = False, label: str = "") -> Paragraph:
    """A paragraph of plain ``text``; markup characters in it are escaped, never obeyed.

    The person's own words and workers' notes go through here, so ``<`` or ``&`` in
    them print as typed rather than being read as reportlab markup. ``label`` is
    printed in bold before the text (e.g. "[Internal]").
    """
    escaped = escape(text).replace("\n", "<br/>")
    markup = f"<b>{escaped}</b>" if bold else escaped
    return Paragraph(f"<b>{escape(label)}</b> {markup}" if label else markup, style)


def table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A TableStyle in our font: a table's cells otherwise select Helvetica, unembedded."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def picture_row(name: str, content: Sequence[Flowable], styles: Styles) -> Flowable:
    """One easy-read point: the picture on the left, the words on the right, in one table row.

    A one-row table never splits, so the picture always stays beside its words (E19).
    """
    size = styles.picture_size
    table = Table(
        [[picture(name, size), list(content)]],
        colWidths=[size + 0.8 * cm, FRAME_WIDTH - size - 0.8 * cm],
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        ),
        hAlign="LEFT",
    )
    return table


@dataclass(frozen=True, slots=True)
class PdfInfo:
    """The document metadata every PDF carries."""

    title: str
    author: str
    subject: str
    lang: str
    footer: Callable[[int, int], str]
    """Footer text for (page, pages), e.g. "Page 1 of 3"."""
    footer_size: float
    footer_note: str = ""
    """Optional words on the left of every footer (the page number is on the right)."""


def _numbered_canvas(info: PdfInfo) -> type[Canvas]:
    """A canvas class that writes "Page n of N" once the total is known."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            # Hold each page back until the total is known, then stamp all footers.
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            y = MARGIN / 2
            self.setFillColor(colors.black)
            self.setFont(REGULAR, info.footer_size)
            self.drawRightString(PAGE_WIDTH - MARGIN, y, info.footer(self._pageNumber, total))
            if info.footer_note:
                self.drawString(MARGIN, y, info.footer_note)

    return NumberedCanvas


def build_pdf(story: list[Flowable], info: PdfInfo) -> bytes:
    """Lay out ``story`` on A4 and return the PDF bytes (nothing is written to disk)."""
    font = register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        # Room for the footer at its full size.
        bottomMargin=MARGIN + info.footer_size,
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator="MSP Desktop",
        lang=info.lang,
        # Without this the canvas starts every page in an unembedded Helvetica.
        initialFontName=font,
        initialFontSize=info.footer_size,
    )
    doc.build(story, canvasmaker=_numbered_canvas(info))
    return buffer.getvalue()
