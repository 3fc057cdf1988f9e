"""The page every PDF is made on: A4, 2 cm margins, "Page N of M" footers, metadata.

``build_pdf`` lays out a story (reportlab flowables) and returns the bytes; nothing is
written to disk. Every page's footer carries the page number on the right, counted
once the total is known, and optionally a note on the left. The canvas starts in the
embedded font, so no page ever falls back to reportlab's unembedded Helvetica.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from msp_desktop.pdf.fonts import REGULAR, register_fonts

__all__ = [
    "FRAME_WIDTH",
    "MARGIN",
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "PdfInfo",
    "build_pdf",
    "fit_text",
    "page_numbers",
]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2 * cm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FOOTER_GAP = 0.8 * cm
"""The least room between the footer's note and its page number."""


def page_numbers(page: int, pages: int) -> str:
    """``Page 2 of 5``: the English footer."""
    return f"Page {page} of {pages}"


@dataclass(frozen=True, slots=True)
class PdfInfo:
    """The document metadata every PDF carries, and its footer."""

    title: str
    author: str
    subject: str
    lang: str
    footer: Callable[[int, int], str]
    """Footer text for (page, pages), e.g. "Page 1 of 3"."""
    footer_size: float
    footer_note: str = ""
    """Optional words on the left of every footer (the page number is on the right),
    cut short with an ellipsis where they would run into the page number."""
    header: str = ""
    """Optional words centred at the top of every page (a protective marking such as
    OFFICIAL-SENSITIVE, which the office record carries at the top and the bottom)."""
    creator: str = "MSP Desktop"


def fit_text(text: str, room: float, font: str, size: float) -> str:
    """``text`` cut short with an ellipsis so that it fits ``room`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= room:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


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
            size = info.footer_size
            number = info.footer(self._pageNumber, total)
            self.setFillColor(colors.black)
            self.setFont(REGULAR, size)
            self.drawRightString(PAGE_WIDTH - MARGIN, y, number)
            if info.footer_note:
                room = FRAME_WIDTH - pdfmetrics.stringWidth(number, REGULAR, size) - FOOTER_GAP
                self.drawString(MARGIN, y, fit_text(info.footer_note, room, REGULAR, size))
            if info.header:
                top = PAGE_HEIGHT - MARGIN / 2 - size
                self.drawCentredString(
                    PAGE_WIDTH / 2, top, fit_text(info.header, FRAME_WIDTH, REGULAR, size)
                )

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
        creator=info.creator,
        lang=info.lang,
        # Without this the canvas starts every page in an unembedded Helvetica.
        initialFontName=font,
        initialFontSize=info.footer_size,
    )
    doc.build(story, canvasmaker=_numbered_canvas(info))
    return buffer.getvalue()
