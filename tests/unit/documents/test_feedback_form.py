"""The printed feedback form: the four questions word for word, a pointable scale, in
English or wholly in Welsh, posted back to the team with a code and no name."""

from __future__ import annotations

import re

import pytest

from msp_desktop.documents import feedback_form
from msp_desktop.i18n import translator
from msp_desktop.model import ExperienceAnswer, ExperienceQuestion
from msp_desktop.model.feedback_code import ALPHABET, reference_code
from tests.unit.documents import pdftools
from tests.unit.documents.records import RETURN_ADDRESS, SERVICE, Case

pytestmark = pdftools.needs_poppler

ENGLISH_MEASURE = [q.text for q in ExperienceQuestion] + [a.label for a in ExperienceAnswer]


def _form(case: Case, lang: str) -> bytes:
    return feedback_form(
        case.concern,
        lang=lang,  # type: ignore[arg-type]
        service=SERVICE,
        return_address=RETURN_ADDRESS,
    )


def _flat(text: str) -> str:
    """The text with its line breaks and repeated spaces made single spaces."""
    return " ".join(text.split())


def test_english_form(case: Case) -> None:
    pdf = _form(case, "en")
    text = _flat(pdftools.text(pdf))
    for question in ExperienceQuestion:
        assert question.text in text
    for answer in ExperienceAnswer:
        assert text.count(answer.label) == len(ExperienceQuestion)
    assert "Comments" in text
    assert "Phone number: 01234 567 890" in text
    assert "Ada" not in text  # no name: anyone may post it back
    assert int(pdftools.info(pdf)["Pages"]) <= 8


def test_the_form_goes_back_by_post_not_through_the_worker(case: Case) -> None:
    text = _flat(pdftools.text(_form(case, "en")))
    assert "Give this form to the person who gave it to you" not in text
    assert "Put this form in the envelope and post it to:" in text
    assert "Freepost RTXX-ABCD Adult Social Care Town Hall Exampleton EX1 2AB" in text
    assert "Your social worker will not see your answers." in text


def test_the_code_is_printed_on_every_page_and_nothing_identifies_the_person(
    case: Case,
) -> None:
    pdf = _form(case, "en")
    code = reference_code(case.concern.id, "en")
    assert re.fullmatch(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", code)
    pages = int(pdftools.info(pdf)["Pages"])
    text = pdftools.text(pdf)
    assert f"Our reference: {code}" in text
    assert text.count(code) == pages + 1  # each footer, and the reference
    for personal in (case.person.name, case.concern.id, case.concern.id[:8], case.person.id):
        assert personal not in text


def test_the_welsh_form_is_welsh_throughout(case: Case) -> None:
    pdf = _form(case, "cy")
    text = _flat(pdftools.text(pdf))
    # No English question, scale word or instruction: compared against the English strings.
    english_form = _flat(pdftools.text(_form(case, "en")))
    for english in ENGLISH_MEASURE:
        assert english in english_form
        assert english not in text
    for word in ("Question", "Tick", "Comments", "Thank you", "envelope", "reference", "Page"):
        assert word not in text
    t = translator("cy")
    for question in ExperienceQuestion:
        welsh = t.tr_marked(question.text)
        assert welsh != question.text
        assert _flat(welsh) in text
    for answer in ExperienceAnswer:
        assert text.count(t.tr_marked(answer.label)) >= len(ExperienceQuestion)
    assert "Ychydig" in text
    assert "Cryn dipyn" in text
    assert "Ddim o gwbl" in text
    assert text.count("Mae'n well gen i beidio â dweud") == len(ExperienceQuestion)
    assert "Sylwadau" in text
    assert "Rhowch y ffurflen hon yn yr amlen a'i phostio i:" in text
    assert "Ni fydd eich gweithiwr cymdeithasol yn gweld eich atebion." in text
    assert f"Ein cyfeirnod: {reference_code(case.concern.id, 'cy')}" in text
    assert "Tudalen 1 o " in text
    assert "Rhif ffôn: 01234 567 890" in text
    assert pdftools.info(pdf).get("Title") == "Eich adborth"


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_english_and_welsh_forms_have_different_codes(case: Case, lang: str) -> None:
    other = "cy" if lang == "en" else "en"
    text = pdftools.text(_form(case, lang))
    assert reference_code(case.concern.id, lang) in text
    assert reference_code(case.concern.id, other) not in text
