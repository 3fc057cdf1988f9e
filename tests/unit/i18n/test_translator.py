"""Translators: placeholders, English and Welsh plural forms, one language per translator."""

from __future__ import annotations

import threading

import pytest

from msp_desktop import i18n
from msp_desktop.i18n import N_, Translator, translator
from msp_desktop.i18n.po import read_po
from msp_desktop.i18n.translator import read_catalogue
from msp_desktop.model import ExperienceAnswer, ExperienceQuestion

# Six made-up forms, one per Welsh plural category, so a test sees which form was picked.
SIX_FORMS = """
msgid "{count} day"
msgid_plural "{count} days"
msgstr[0] "zero: {count}"
msgstr[1] "one: {count}"
msgstr[2] "two: {count}"
msgstr[3] "few: {count}"
msgstr[4] "many: {count}"
msgstr[5] "other: {count}"
"""


def _welsh_with(entries: str) -> Translator:
    """A Welsh translator with the shipped catalogue's header and ``entries``."""
    header = read_catalogue("cy").header.replace("\\", "\\\\").replace('"', '\\"')
    lines = "".join(f'"{line}\\n"\n' for line in header.splitlines())
    return Translator.from_catalogue("cy", read_po(f'msgid ""\nmsgstr ""\n{lines}\n{entries}'))


@pytest.mark.parametrize(
    ("count", "form"),
    [(0, "zero"), (1, "one"), (2, "two"), (3, "few"), (6, "many")]
    + [(n, "other") for n in (4, 5, 7, 10, 11, 20, 100, 106)],
)
def test_welsh_plurals_pick_the_form_for_each_number(count: int, form: str) -> None:
    welsh = _welsh_with(SIX_FORMS)
    assert welsh.tr_n("{count} day", "{count} days", count) == f"{form}: {count}"


@pytest.mark.parametrize(("count", "words"), [(0, "0 people"), (1, "1 person"), (2, "2 people")])
def test_english_has_two_forms(count: int, words: str) -> None:
    assert i18n.tr_n("{count} person", "{count} people", count) == words


def test_placeholders_are_filled_after_translation() -> None:
    welsh = translator("cy")
    assert welsh.tr("Page {page} of {pages}", page=2, pages=5) == "Tudalen 2 o 5"
    assert i18n.tr("Page {page} of {pages}", page=2, pages=5) == "Page 2 of 5"


def test_a_marked_message_is_translated_where_it_is_shown() -> None:
    months = (N_("May"), N_("A message no catalogue has"))
    assert translator("cy").tr_marked(months[0]) == "Mai"
    assert translator("cy").tr_marked(months[1]) == "A message no catalogue has"
    assert i18n.tr_marked(months[0]) == "May"


def test_fuzzy_proposals_are_not_used() -> None:
    # A proposal flagged fuzzy stays out of use: the English is printed.
    welsh = _welsh_with(
        '#, fuzzy\nmsgid "Thank you"\nmsgstr "Diolch"\n\nmsgid "Comments"\nmsgstr "Sylwadau"\n'
    )
    assert welsh.tr("Thank you") == "Thank you"
    assert welsh.tr("Comments") == "Sylwadau"


def test_the_measure_is_in_welsh() -> None:
    # The Welsh feedback form is Welsh throughout (issue 14): the questions and the scale
    # print their proposed Welsh, graded C/D and listed for a translator.
    welsh = translator("cy")
    question = ExperienceQuestion.UNDERSTOOD_WHY
    assert welsh.tr_marked(question.text) == (
        "A oeddech chi'n deall pam wnaeth pobl yr hyn a wnaethon nhw i geisio eich cadw "
        "chi'n ddiogel?"
    )
    assert welsh.tr_marked(ExperienceAnswer.A_LOT.label) == "Llawer"
    assert welsh.tr_marked(ExperienceAnswer.PREFER_NOT_TO_SAY.label) == (
        "Mae'n well gen i beidio â dweud"
    )


def test_an_untranslated_plural_falls_back_to_english_forms() -> None:
    welsh = _welsh_with(
        'msgid "{count} file"\nmsgid_plural "{count} files"\n'
        + ("".join(f'msgstr[{n}] ""\n' for n in range(6)))
    )
    assert welsh.tr_n("{count} file", "{count} files", 1) == "1 file"
    assert welsh.tr_n("{count} file", "{count} files", 3) == "3 files"


def test_each_language_has_its_own_translator_and_none_switches_the_app() -> None:
    assert translator("cy") is translator("cy")
    assert translator("cy").lang == "cy"
    # Documents made in Welsh on other threads leave the app's own words in English.
    results: list[str] = []

    def make_welsh() -> None:
        for _ in range(200):
            results.append(translator("cy").tr("Comments"))

    threads = [threading.Thread(target=make_welsh) for _ in range(4)]
    for thread in threads:
        thread.start()
    app_words = [i18n.tr("Comments") for _ in range(200)]
    for thread in threads:
        thread.join()
    assert set(results) == {"Sylwadau"}
    assert set(app_words) == {"Comments"}


def test_a_recording_translator_keeps_what_it_translated_and_the_shared_one_does_not() -> None:
    shared = translator("cy")
    recorder = shared.recording()
    assert recorder.tr("Page {page} of {pages}", page=1, pages=2) == "Tudalen 1 o 2"
    recorder.tr_n("{count} person", "{count} people", 3)
    recorder.tr_marked(N_("May"))
    assert recorder.heard == {"Page {page} of {pages}", "{count} person", "May"}
    assert shared.heard is None
    assert shared.recording().heard == set()  # a new one each time, never shared
