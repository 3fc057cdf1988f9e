"""Our own easy-read pictures: one distinct drawing per idea, each described and recorded.

The pictures are vector drawings, not images: ``pdfimages`` finds none in a document
(checked below), so they print sharp at any size and cannot be pulled out as a file.
They are therefore compared as the reader sees them: each is drawn into a PDF page of
its own, rasterised by poppler (``pdftoppm``) and compared pixel by pixel.
"""

from __future__ import annotations

import io
import re
import subprocess
from itertools import combinations
from pathlib import Path

import pytest
from reportlab.graphics.shapes import Group, PolyLine
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas

from msp_desktop.documents.picture_parts import GREEN
from msp_desktop.documents.picture_sheet import picture_sheet
from msp_desktop.documents.pictures import ALIASES, IDEAS, PICTURES, description, picture
from msp_desktop.model import ExperienceAnswer
from tests.unit.documents import pdftools
from tests.unit.documents.pdftools import needs_poppler
from tests.unit.documents.records import make_case
from tests.unit.documents.test_feedback_form import _form
from tests.unit.documents.test_summary import summary

ROOT = Path(__file__).parents[3]
README = ROOT / "resources" / "README.md"
EASY_READ = ROOT / "docs" / "easy-read.md"

# The ideas the person's documents name (issue 14): each must have its own picture.
IDEA_NAMES = (
    "you",
    "social_worker",
    "date",
    "home",
    "what_matters",
    "working",
    "not_working",
    "staying_safe",
    "emergency",
    "advocate",
    "who_we_tell",
    "agreed",
    "done",
    "not_yet_done",
    "next_visit",
    "phone",
    "complaint",
    "outcome",
    "closed",
    "help_to_read",
)
# Names older code uses; they must keep drawing.
OLDER_NAMES = ("speech", "house", "calendar", "phone", "person", "tick", "next", "question")
UNIQUE = [name for name in PICTURES if name not in ALIASES]
SMALL = 2 * cm  # the smallest a picture should be printed: each must read at this size


def _pages(names: list[str], size: float) -> bytes:
    """A PDF with each picture alone on a page of its own size, drawn as the documents do."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(size, size))
    for name in names:
        picture(name, size).drawOn(canvas, 0, 0)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _bitmaps(pdf: bytes, pages: int) -> list[bytes]:
    """Each page as grey pixels (PGM from ``pdftoppm -gray``), one byte a pixel."""
    out = subprocess.run(
        ["pdftoppm", "-gray", "-r", "100", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    images = []
    for _ in range(pages):
        match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", out)
        assert match, "pdftoppm did not write a PGM"
        width, height = int(match.group(1)), int(match.group(2))
        start = match.end()
        images.append(out[start : start + width * height])
        out = out[start + width * height :]
    return images


def _content(pdf: bytes) -> bytes:
    """Every page content stream of ``pdf``, decoded, as one."""
    return b"".join(pdftools.content_streams(pdf))


def _shapes(node: object) -> list[object]:
    """Every primitive shape in a drawing, groups opened."""
    if isinstance(node, Group):
        return [shape for child in node.contents for shape in _shapes(child)]
    return [node]


def test_every_idea_has_a_picture_and_older_names_still_draw() -> None:
    assert set(IDEA_NAMES) == set(IDEAS)
    assert len(IDEAS) >= 12
    assert set(OLDER_NAMES) <= set(PICTURES)
    assert {answer.value for answer in ExperienceAnswer} <= set(PICTURES)


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_every_picture_draws_inside_its_square_and_is_described(name: str) -> None:
    drawing = picture(name, 100)
    assert (drawing.width, drawing.height) == (100, 100)
    x0, y0, x1, y1 = drawing.getBounds()
    # Outlines are drawn on the grid's edge at most: half a line width over, no more.
    assert (x0, y0) >= (-3, -3)
    assert (x1, y1) <= (103, 103)
    words = description(name)
    assert words == drawing.description
    assert words.endswith(".")
    assert len(words.split()) <= 15


def test_descriptions_say_different_things() -> None:
    descriptions = [description(name) for name in UNIQUE]
    assert len(set(descriptions)) == len(descriptions)


def test_an_older_name_draws_exactly_its_idea() -> None:
    for old, new in ALIASES.items():
        assert new in IDEAS
        assert _content(_pages([old], SMALL)) == _content(_pages([new], SMALL))


@needs_poppler
def test_no_two_pictures_look_alike_at_2_cm() -> None:
    images = _bitmaps(_pages(UNIQUE, SMALL), len(UNIQUE))
    assert len(set(map(len, images))) == 1
    size = len(images[0])
    too_close = []
    for (a, image_a), (b, image_b) in combinations(zip(UNIQUE, images, strict=True), 2):
        differ = sum(abs(p - q) > 48 for p, q in zip(image_a, image_b, strict=True))
        # An idea differs from every other picture in at least a tenth of its square
        # (the nearest pair today, what_matters and question, in 14%). The five answer
        # faces are one scale on purpose and differ in the mouth and eyes (2% or more).
        least = size // 10 if a in IDEAS or b in IDEAS else size // 70
        if differ < least:
            too_close.append((a, b, differ))
    assert too_close == []


def test_a_tick_is_drawn_only_for_done() -> None:
    """The green tick (a three-point green line) means done: never "agreed" or "not yet"."""
    with_tick = {
        name
        for name in PICTURES
        if any(
            isinstance(shape, PolyLine) and shape.strokeColor == GREEN and len(shape.points) == 6
            for shape in _shapes(picture(name, 100))
        )
    }
    assert with_tick == {"done", "closed"}


@needs_poppler
def test_the_easy_read_documents_hold_drawings_not_bitmaps() -> None:
    case = make_case()
    for pdf in (summary(case, "easy-read"), summary(case, "easy-read", "cy"), _form(case, "en")):
        listed = subprocess.run(
            ["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True, text=False
        ).stdout.decode()
        header, _rule, *images = listed.splitlines()
        assert header.split()[:3] == ["page", "num", "type"]
        assert images == []
        # ...and the pictures are there, as drawings each with its alt text.
        assert b"/Span <</Alt" in b"".join(pdftools.content_streams(pdf))


@needs_poppler
def test_each_picture_carries_its_description_as_alt_text_not_as_text() -> None:
    pdf = _pages(UNIQUE, SMALL)
    content = _content(pdf)
    for name in UNIQUE:
        alt = "<FEFF" + description(name).encode("utf-16-be").hex().upper() + ">"
        assert f"/Span <</Alt {alt}>> BDC".encode() in content, name
    assert content.count(b" BDC") == content.count(b"EMC") == len(UNIQUE)
    # Marked content is not a text layer: copying or reading the text never repeats it.
    assert pdftools.text(pdf) == ""


def test_a_translated_alt_text_replaces_the_description() -> None:
    drawing = picture("home", SMALL, alt="Tŷ: eich cartref.")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(SMALL, SMALL))
    drawing.drawOn(canvas, 0, 0)
    canvas.save()
    assert "Tŷ: eich cartref.".encode("utf-16-be").hex().upper().encode() in _content(
        buffer.getvalue()
    )


def test_an_unknown_picture_is_refused_in_one_sentence() -> None:
    with pytest.raises(ValueError, match=r"^There is no easy-read picture called 'nope'\.$"):
        picture("nope", 10)
    with pytest.raises(ValueError, match="no easy-read picture"):
        description("nope")


@needs_poppler
def test_the_contact_sheet_names_every_picture() -> None:
    text = pdftools.text(picture_sheet())
    for name in UNIQUE:
        assert name in text.split()
        assert description(name) in text


def test_the_pictures_table_in_the_docs_lists_every_idea_with_its_description() -> None:
    docs = EASY_READ.read_text(encoding="utf-8")
    for name in UNIQUE:
        assert f"| `{name}` | {description(name)} |" in docs, name


def test_pictures_and_fonts_are_recorded_with_their_licence() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "msp_desktop/documents/pictures.py" in readme
    assert "fonts/LICENSE-DejaVu.txt" in readme
