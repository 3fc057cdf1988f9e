"""Style helpers every PDF shares: paragraphs left aligned in black, tables in our font.

What the documents ask of text (``docs/easy-read.md``, and the office report follows it):
left aligned, never justified, black, never a word split across two lines, and the
person's or a worker's own words printed as typed, never read as markup.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, TableStyle

from msp_desktop.pdf.fonts import REGULAR, register_fonts

__all__ = ["para", "paragraph_style", "table_style"]


def paragraph_style(
    name: str, size: float, font: str = REGULAR, *, line_spacing: float = 1.4, **settings: Any
) -> ParagraphStyle:
    """A style in ``font`` at ``size`` points: left aligned, black, no word ever split.

    The leading is ``line_spacing`` times the size (to a tenth of a point); any other
    ``ParagraphStyle`` setting may be given, ``leading`` included, and wins.
    """
    register_fonts()
    base: dict[str, Any] = {
        "fontName": font,
        "fontSize": size,
        "leading": round(size * line_spacing, 1),
        "alignment": TA_LEFT,
        "textColor": colors.black,
        "splitLongWords": 0,  # never break a word (or a phone number) across lines
    }
    return ParagraphStyle(name, **{**base, **settings})


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
