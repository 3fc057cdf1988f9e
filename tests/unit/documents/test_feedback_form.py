"""The printed feedback form: the four questions word for word, a pointable scale."""

from __future__ import annotations

from msp_desktop.documents import feedback_form
from msp_desktop.model import ExperienceAnswer, ExperienceQuestion
from tests.unit.documents import pdftools
from tests.unit.documents.records import SERVICE, Case

pytestmark = pdftools.needs_poppler


def test_english_form(case: Case) -> None:
    pdf = feedback_form(case.concern, lang="en", service=SERVICE)
    text = pdftools.text(pdf)
    for question in ExperienceQuestion:
        assert question.text in text
    for answer in ExperienceAnswer:
        assert text.count(answer.label) == len(ExperienceQuestion)
    assert "Comments" in text
    assert "Give this form to the person who gave it to you." in text
    assert "Phone number: 01234 567 890" in text
    assert f"Our reference: {case.concern.id[:8]}" in text
    assert "Ada" not in text  # no name: anyone may hand it back
    assert int(pdftools.info(pdf)["Pages"]) <= 8


def test_welsh_form_uses_attested_welsh_and_exact_english_otherwise(case: Case) -> None:
    text = pdftools.text(feedback_form(case.concern, lang="cy", service=SERVICE))
    # None of the four questions has attested (A/B) Welsh: the exact English is printed.
    for question in ExperienceQuestion:
        assert question.text in text
    assert text.count("Mae'n well gen i beidio â dweud") == len(ExperienceQuestion)
    assert "Sylwadau" in text
    assert "Diolch yn fawr" in text
    assert "Tudalen 1 o " in text
    assert "Rhif ffôn: 01234 567 890" in text
