"""Our own easy-read pictures: each draws, has a description and is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.documents.pictures import PICTURES, picture
from msp_desktop.model import ExperienceAnswer

README = Path(__file__).parents[3] / "resources" / "README.md"


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_every_picture_draws_at_the_size_asked(name: str) -> None:
    drawing = picture(name, 100)
    assert (drawing.width, drawing.height) == (100, 100)
    assert drawing.getBounds()[2] <= 100.5
    description = PICTURES[name][1]
    assert description.endswith(".")


def test_every_answer_has_a_picture() -> None:
    assert {answer.value for answer in ExperienceAnswer} <= set(PICTURES)


def test_pictures_and_fonts_are_recorded_with_their_licence() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "msp_desktop/documents/pictures.py" in readme
    assert "fonts/LICENSE-DejaVu.txt" in readme
