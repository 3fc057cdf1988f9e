"""The PDF base: what every PDF the app makes is built on (reportlab, in memory).

- ``fonts``: DejaVu Sans, embedded, registered once (``REGULAR``, ``BOLD``);
- ``page``: A4 with 2 cm margins, "Page N of M" footers and the document metadata
  (``PdfInfo``, ``build_pdf``);
- ``styles``: left-aligned paragraph styles, escaped plain text, tables in our font.

Used by the person's documents (``msp_desktop.documents``) and the office's report
(``msp_desktop.office.reports.pdf``). It imports nothing of the app but the resource
loader (an import-linter contract), so both may use it.
"""

from msp_desktop.pdf.fonts import BOLD, REGULAR, register_fonts
from msp_desktop.pdf.page import (
    FRAME_WIDTH,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PdfInfo,
    build_pdf,
    fit_text,
    page_numbers,
)
from msp_desktop.pdf.styles import para, paragraph_style, table_style

__all__ = [
    "BOLD",
    "FRAME_WIDTH",
    "MARGIN",
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "REGULAR",
    "PdfInfo",
    "build_pdf",
    "fit_text",
    "page_numbers",
    "para",
    "paragraph_style",
    "register_fonts",
    "table_style",
]
