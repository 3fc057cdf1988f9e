"""A contact sheet of the easy-read pictures: a grid at one size, each with its words.

For whoever checks or changes the pictures (and for ``docs/samples/pictures.png``):
every picture must read as its idea at 2 cm, the smallest it should ever be printed,
as well as at the 3.6 cm the easy-read documents use.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import cm
from reportlab.platypus import Table

from msp_desktop.documents.pictures import ALIASES, IDEAS, PICTURES, description, picture
from msp_desktop.pdf import (
    BOLD,
    FRAME_WIDTH,
    REGULAR,
    PdfInfo,
    build_pdf,
    page_numbers,
    para,
    paragraph_style,
    table_style,
)

__all__ = ["picture_sheet"]


def picture_sheet(names: Sequence[str] | None = None, size: float = 2 * cm) -> bytes:
    """A PDF grid of the pictures ``names`` at ``size`` points, each with its name and words.

    By default every idea, then the other pictures (aliases are left out: they repeat an
    idea). 2 cm is the smallest a picture should be printed; the documents use 3.6 cm.
    """
    chosen = (
        list(names)
        if names is not None
        else [*IDEAS, *(n for n in PICTURES if n not in IDEAS and n not in ALIASES)]
    )
    columns = max(1, int(FRAME_WIDTH // (size + 1.4 * cm)))
    width = FRAME_WIDTH / columns
    name_style = paragraph_style("Name", 9, BOLD, line_spacing=1.2)
    text_style = paragraph_style("Description", 8, REGULAR, line_spacing=1.2)
    cells = [
        [picture(name, size), para(name, name_style), para(description(name), text_style)]
        for name in chosen
    ]
    while len(cells) % columns:
        cells.append([])
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    table = Table(
        rows,
        colWidths=[width] * columns,
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.5, "#BBBBBB"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        ),
        hAlign="LEFT",
    )
    info = PdfInfo(
        title="Easy-read pictures",
        author="MSP Desktop",
        subject=f"Every easy-read picture at {size / cm:.1f} cm, with its name and description",
        lang="en-GB",
        footer=page_numbers,
        footer_size=10,
    )
    return build_pdf([table], info)
