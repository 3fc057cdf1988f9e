"""The PDF base: numbered A4 pages, the footer note kept clear of the page number,
metadata, and only the embedded DejaVu Sans. Read back with poppler."""

from __future__ import annotations

import re
import subprocess

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import PageBreak

from msp_desktop.pdf import (
    FRAME_WIDTH,
    MARGIN,
    PAGE_WIDTH,
    REGULAR,
    PdfInfo,
    build_pdf,
    fit_text,
    page_numbers,
    para,
    paragraph_style,
    register_fonts,
)
from tests.tools import require_tools
from tests.unit.documents import pdftools


@pytest.fixture(autouse=True)
def poppler() -> None:
    require_tools(*pdftools.POPPLER, package="poppler-utils")


def _info(**changes: object) -> PdfInfo:
    fields: dict[str, object] = {
        "title": "A title",
        "author": "An author",
        "subject": "A subject",
        "lang": "en-GB",
        "footer": page_numbers,
        "footer_size": 11,
    }
    return PdfInfo(**{**fields, **changes})  # type: ignore[arg-type]


def _three_pages() -> bytes:
    style = paragraph_style("Body", 12)
    return build_pdf(
        [para("One", style), PageBreak(), para("Two", style), PageBreak(), para("Three", style)],
        _info(footer_note="A note on the left"),
    )


def _footer_words(pdf: bytes, page: int) -> list[tuple[float, float, str]]:
    """(xMin, xMax, word) of the words in the bottom margin of ``page``."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>'
    page_height = 841.89
    return [
        (float(x0), float(x1), word)
        for x0, y0, x1, word in re.findall(pattern, html)
        if float(y0) > page_height - MARGIN
    ]


def test_every_page_says_its_number_of_the_total_with_the_note_on_the_left() -> None:
    pdf = _three_pages()
    assert pdftools.info(pdf)["Pages"] == "3"
    for page in (1, 2, 3):
        words = _footer_words(pdf, page)
        assert " ".join(w for _, _, w in words) == f"A note on the left Page {page} of 3"
        assert min(x0 for x0, _, _ in words) == pytest.approx(MARGIN, abs=1)
        assert max(x1 for _, x1, _ in words) == pytest.approx(PAGE_WIDTH - MARGIN, abs=1)


def test_a_footer_note_too_long_for_the_line_is_cut_short_clear_of_the_page_number() -> None:
    note = "An office footer note that goes on and on " * 4
    pdf = build_pdf([para("Body", paragraph_style("Body", 12))], _info(footer_note=note))
    words = _footer_words(pdf, 1)
    text = " ".join(w for _, _, w in words)
    assert text.endswith("… Page 1 of 1")
    assert note.strip() not in text
    number_starts = next(x0 for x0, _, w in words if w == "Page")
    note_ends = max(x1 for x0, x1, w in words if x0 < number_starts)
    assert number_starts - note_ends > 20  # 0.8 cm apart, less the rounding of the cut


def test_the_metadata_and_the_only_fonts_are_ours() -> None:
    pdf = build_pdf([para("Body", paragraph_style("Body", 12))], _info(creator="A maker"))
    info = pdftools.info(pdf)
    assert (info["Title"], info["Author"], info["Subject"], info["Creator"]) == (
        "A title", "An author", "A subject", "A maker",
    )  # fmt: skip
    assert info["Page size"].startswith("595.276 x 841.89")  # A4
    assert b"/Lang (en-GB)" in pdf
    fonts = pdftools.fonts(pdf)
    assert {f.name.split("+")[-1] for f in fonts} == {"DejaVuSans"}
    assert all(f.embedded for f in fonts)
    assert pdftools.info(_three_pages())["Creator"] == "MSP Desktop"  # the default


def test_text_is_printed_as_typed_never_read_as_markup() -> None:
    pdf = build_pdf([para("<b>5 & 6</b>\nnext line", paragraph_style("Body", 12))], _info())
    assert pdftools.text(pdf).startswith("<b>5 & 6</b> next line")


def test_fit_text_leaves_what_fits_and_cuts_the_rest_with_an_ellipsis() -> None:
    register_fonts()
    assert fit_text("Short", FRAME_WIDTH, REGULAR, 11) == "Short"
    long = "word " * 100
    cut = fit_text(long, 200, REGULAR, 11)
    kept = cut.removesuffix("…")
    assert cut.endswith("…")
    assert long.startswith(kept)
    assert pdfmetrics.stringWidth(cut, REGULAR, 11) <= 200
    # Cut no shorter than it had to be (a space before the ellipsis is dropped).
    assert pdfmetrics.stringWidth(long[: len(kept) + 2] + "…", REGULAR, 11) > 200
