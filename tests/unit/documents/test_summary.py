"""The person's copy, read back with poppler: their words in, everything else out."""

from __future__ import annotations

from typing import get_args

import pytest

from msp_desktop.documents import person_summary
from msp_desktop.documents.summary import StyleName
from msp_desktop.model import Action, ActionOwner, ActionStatus, Note, Stage, iter_notes
from msp_desktop.practice import INDICATOR_WORDS
from tests.unit.documents import pdftools
from tests.unit.documents.records import (
    ACTION_WHAT,
    ACTION_WHO,
    HOUSEHOLD_CANARY,
    INTERNAL_CANARY,
    OUTCOME_WORDS,
    PLACE_CANARY,
    PRESENT_CANARY,
    SERVICE,
    THIRD_PARTY_CANARY,
    WELSH_WORDS,
    WORKER,
    Case,
    make_case,
)

pytestmark = pdftools.needs_poppler

STYLES: tuple[StyleName, ...] = get_args(StyleName)
LANGS = ("en", "cy")
NOT_NEUTRAL = ("safeguard", "abuse", "diogelu", "camdrin", "cam-drin", "camdriniaeth")


def summary(case: Case, style: StyleName = "plain", lang: str = "en", **kw: object) -> bytes:
    return person_summary(
        case.person,
        case.concern,
        case.visit,
        style=style,
        lang=lang,  # type: ignore[arg-type]
        worker_name=WORKER,
        service=SERVICE,
        **kw,  # type: ignore[arg-type]
    )


def _hidden_notes(case: Case) -> list[Note]:
    return [
        note
        for record in (case.person, case.concern, case.visit)
        for _path, note in iter_notes(record)
        if not note.visible_to_person
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("style", STYLES)
def test_has_their_words_and_what_we_agreed(case: Case, style: StyleName, lang: str) -> None:
    text = pdftools.reading_order(summary(case, style, lang))
    for expected in (OUTCOME_WORDS, WELSH_WORDS, ACTION_WHAT, ACTION_WHO, WORKER):
        assert expected in text
    assert SERVICE.email in text
    assert "01234 567 890" in text


NOTICE = {
    "cy": "Mae'r copi hwn yn Gymraeg ac yn Saesneg, ochr yn ochr.",
    "en": "This copy is in Welsh and English, side by side.",
}


@pytest.mark.parametrize("style", STYLES)
def test_unchecked_welsh_is_printed_with_the_english_beside_it_and_says_so(
    case: Case, style: StyleName
) -> None:
    # The shipped Welsh of the summary is graded C and D (docs/translation-review.md).
    pdf = summary(case, style, "cy")
    text = pdftools.reading_order(pdf)
    assert NOTICE["cy"] in text
    assert NOTICE["en"] in text
    assert "A translator has not checked our Welsh yet." in text
    for welsh, english in (
        ("Eich enw: Ada Example", "Your name: Ada Example"),
        ("Rhif ffôn: 01234 567 890", "Phone number: 01234 567 890"),
        ("Mewn argyfwng, ffoniwch 999.", "In an emergency, phone 999."),
    ):
        assert welsh in text
        assert english in text
    # Side by side: each Welsh line starts on the left, level with its English.
    found = pdftools.words(pdf)
    eich = next(
        word
        for word in found
        if word.text == "Eich" and found[found.index(word) + 1].text == "enw:"
    )
    your = next(
        word
        for word in found
        if word.text == "Your" and found[found.index(word) + 1].text == "name:"
    )
    assert (eich.page, round(eich.y)) == (your.page, round(your.y))
    assert eich.x < your.x - 100
    meta = pdftools.info(pdf)
    assert meta["Title"] == "Eich sgwrs ddiogelu / Your safeguarding conversation"
    assert pdftools.language(pdf) == "cy-GB"
    assert f"Tudalen 1 o {meta['Pages']} · Page 1 of {meta['Pages']}" in text
    # A line the same in both languages (the person's own words) is printed once.
    assert text.count(WELSH_WORDS) == 1


@pytest.mark.parametrize("style", STYLES)
def test_an_english_copy_is_english_only(case: Case, style: StyleName) -> None:
    text = pdftools.reading_order(summary(case, style, "en"))
    assert NOTICE["en"] not in text
    assert "Eich enw" not in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("style", STYLES)
def test_nothing_third_party_or_internal_reaches_the_person(
    case: Case, style: StyleName, lang: str
) -> None:
    hidden = _hidden_notes(case)
    assert len(hidden) >= 10  # the fixture really has canaries everywhere
    text = pdftools.reading_order(summary(case, style, lang))
    for note in hidden:
        assert note.text not in text
    for canary in (THIRD_PARTY_CANARY, INTERNAL_CANARY, PRESENT_CANARY, HOUSEHOLD_CANARY):
        assert canary not in text
    # Household, who was there, where, the undue-influence details, hidden actions' "who".
    assert "grandson" not in text
    assert PLACE_CANARY not in text
    assert "Hidden Who-canary" not in text
    for words in INDICATOR_WORDS.values():
        assert words not in text


def test_welsh_letters_extract_intact(case: Case) -> None:
    text = pdftools.reading_order(summary(case, "easy-read", "cy"))
    assert WELSH_WORDS in text  # the person's own words, untranslated
    assert "Enw eich gweithiwr cymdeithasol: Sam Worker" in text
    assert "Cysylltwch â'ch gweithiwr cymdeithasol" in text
    assert "Tudalen 1 o " in text
    assert "3 Mawrth 2025" in text
    assert "Rhif ffôn: 01234 567 890" in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("style", STYLES)
def test_neutral_title_says_nothing_of_safeguarding(
    case: Case, style: StyleName, lang: str
) -> None:
    pdf = summary(case, style, lang, neutral_title=True)
    meta = pdftools.info(pdf)
    seen = " ".join([pdftools.reading_order(pdf), meta["Title"], meta.get("Subject", "")]).lower()
    for word in NOT_NEUTRAL:
        assert word not in seen
    assert meta["Title"] == (
        "A summary of our conversation"
        if lang == "en"
        # The unchecked Welsh is printed with its English, and titled in both.
        else "Crynodeb o'n sgwrs / A summary of our conversation"
    )


def test_the_usual_title_names_the_conversation(case: Case) -> None:
    assert pdftools.info(summary(case))["Title"] == "Your safeguarding conversation"


@pytest.mark.parametrize("lang", LANGS)
def test_large_print_is_16_pt_or_more_everywhere(case: Case, lang: str) -> None:
    pdf = summary(case, "large-print", lang)
    # Two independent readings: the sizes the PDF sets (exact), and the height of every
    # word's box as poppler lays it out (catches any text drawn some other way). Poppler
    # gives a box as tall as the font size; 0.5 pt allows for rounding.
    assert min(pdftools.font_sizes(pdf)) >= 18
    words = pdftools.words(pdf)
    assert words
    small = [word for word in words if word.height < 16 - 0.5]
    assert small == []
    page = {"en": "Page", "cy": "Tudalen"}[lang]
    assert any(word.text == page for word in words)  # page numbers were measured too


def test_plain_is_at_least_12_pt_and_easy_read_16(case: Case) -> None:
    assert min(pdftools.font_sizes(summary(case, "plain"))) >= 12
    assert min(pdftools.font_sizes(summary(case, "easy-read"))) >= 16


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("lang", LANGS)
def test_page_count_is_sensible(case: Case, style: StyleName, lang: str) -> None:
    pdf = summary(case, style, lang)
    pages = int(pdftools.info(pdf)["Pages"])
    # Easy read: no more than 8 pages for a summary (E17), Welsh with English beside too.
    assert 1 <= pages <= 8
    text = pdftools.reading_order(pdf)
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (Stage.BEGINNING, "We will look into your worry."),
        (Stage.MIDDLE, "We will check how things are going."),
        (Stage.END, "We have finished looking into your worry."),
    ],
)
def test_what_happens_next_follows_the_stage(stage: Stage, expected: str) -> None:
    assert expected in pdftools.reading_order(summary(make_case(stage)))


def test_markup_in_their_words_is_printed_as_typed(case: Case) -> None:
    said = "Tom & Jerry <b>not bold</b> & more"
    outcome = case.visit.desired_outcomes[0].revised(words=Note(text=said))
    visit = case.visit.revised(desired_outcomes=[outcome, *case.visit.desired_outcomes[1:]])
    pdf = person_summary(case.person, case.concern, visit, worker_name=WORKER, service=SERVICE)
    assert said in pdftools.reading_order(pdf)


@pytest.mark.parametrize(
    ("owner", "said"),
    [
        (ActionOwner.PERSON, "You will do this."),
        (ActionOwner.WORKER, f"Who will do it: {WORKER}"),
    ],
)
def test_who_does_an_action_is_said_to_the_person(
    case: Case, owner: ActionOwner, said: str
) -> None:
    action = Action(what=Note(text="Ring the bank about the new card."), owner=owner)
    dropped = Action(
        what=Note(text="Move the spare key."), owner=owner, status=ActionStatus.NO_LONGER_NEEDED
    )
    visit = case.visit.revised(actions=[action, dropped])
    text = pdftools.reading_order(
        person_summary(case.person, case.concern, visit, worker_name=WORKER, service=SERVICE)
    )
    assert said in text
    assert "Move the spare key." not in text  # reviewed with the person and dropped
