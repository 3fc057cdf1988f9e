"""The formats of the person's documents: styles per format, and picture rows.

Three formats follow ``docs/easy-read.md``: plain (clear print, 14 pt), large print (18 pt
everywhere, page numbers included) and easy read (16 pt body, a picture beside every
point). Text is always left aligned, black on white, never justified, never split
inside a word, and set in the embedded DejaVu Sans. The page itself (A4, footers,
metadata) and the shared style helpers are the PDF base, ``msp_desktop.pdf``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Table

from msp_desktop.documents.pictures import picture
from msp_desktop.pdf import BOLD, FRAME_WIDTH, REGULAR, paragraph_style, table_style

__all__ = ["Format", "Styles", "picture_row", "styles_for"]


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
    body_size, title_size, heading_size, footer_size = _SIZES[fmt]

    def style(name: str, size: float, font: str, space_before: float = 0) -> ParagraphStyle:
        return paragraph_style(
            name,
            size,
            font,
            line_spacing=1.45,
            spaceBefore=space_before,
            # A blank line between blocks, less for large print where 18 pt is already airy.
            spaceAfter=size * (0.7 if fmt is Format.LARGE_PRINT else 0.6),
            spaceShrinkage=0,  # never squeeze word spaces
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
