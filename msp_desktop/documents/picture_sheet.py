"""A contact sheet of the easy-read pictures: each at 2 cm and at its printed size.

For whoever checks or changes the pictures (and for ``docs/samples/pictures.png``):
every picture must read as its idea at 2 cm, the smallest it should ever be printed,
as well as at the 3.6 cm the easy-read documents use.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import cm
from reportlab.platypus import Table

from msp_desktop.documents.pictures import IDEAS, PICTURES, description, picture
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

_SMALL = 2 * cm
_PRINTED = 3.6 * cm


def picture_sheet(names: Sequence[str] | None = None) -> bytes:
    """A PDF listing ``names`` (default: every idea, then the other pictures).

    Each row: the picture at 2 cm, at 3.6 cm, then its name and description.
    """
    chosen = (
        list(names) if names is not None else [*IDEAS, *(n for n in PICTURES if n not in IDEAS)]
    )
    name_style = paragraph_style("Name", 12, BOLD)
    text_style = paragraph_style("Description", 11, REGULAR)
    rows = [
        [
            picture(name, _SMALL),
            picture(name, _PRINTED),
            [para(name, name_style), para(description(name), text_style)],
        ]
        for name in chosen
    ]
    table = Table(
        rows,
        colWidths=[
            _SMALL + 0.6 * cm,
            _PRINTED + 0.6 * cm,
            FRAME_WIDTH - _SMALL - _PRINTED - 1.2 * cm,
        ],
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, "#BBBBBB"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        ),
        hAlign="LEFT",
        repeatRows=0,
    )
    info = PdfInfo(
        title="Easy-read pictures",
        author="MSP Desktop",
        subject="Every easy-read picture with its name and description",
        lang="en-GB",
        footer=page_numbers,
        footer_size=10,
    )
    return build_pdf([table], info)
