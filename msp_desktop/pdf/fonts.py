"""The one typeface of every PDF (the person's documents, the office report): DejaVu
Sans, embedded, registered once.

reportlab's built-in Helvetica is never embedded and has no glyphs for Welsh letters
such as ŵ and ŷ; DejaVu Sans (shipped in ``resources/fonts``) covers them and is a
clear sans serif, as the easy-read and large-print guidance asks.
"""

from __future__ import annotations

import functools
import io

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from msp_desktop.resources import resource

__all__ = ["BOLD", "REGULAR", "register_fonts"]

REGULAR = "MSPSans"
BOLD = "MSPSans-Bold"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


@functools.cache
def register_fonts() -> str:
    """Register the document fonts with reportlab (once per process); return the regular name.

    Fonts are read through the resource loader as bytes, so this works from a wheel
    or a frozen app where the files may not exist on disk.
    """
    for name, filename in _FILES.items():
        data = resource("fonts", filename).read_bytes()
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    # Map <b> in paragraphs to the bold face; italics are never used (they are harder
    # to read), so the italic slots point at the upright faces rather than failing.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR
