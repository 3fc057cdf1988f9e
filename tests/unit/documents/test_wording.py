"""The documents' words: short and plain in English, and the Welsh never names safeguarding
outside the title. The words are found in the code as a translator gets them."""

from __future__ import annotations

import re
from datetime import date

import pytest

from msp_desktop.documents.dates import format_date
from msp_desktop.i18n.translator import read_catalogue
from tests.i18n.extraction import document_messages

MESSAGES = sorted(found.msgid for found in document_messages())
TITLE = "Your safeguarding conversation"
WELSH = {entry.msgid: entry.msgstr[0] for entry in read_catalogue("cy").entries if entry.used}


def test_the_documents_words_are_found() -> None:
    assert TITLE in MESSAGES
    assert "diogelu" in WELSH[TITLE]
    assert "What happens next" in MESSAGES
    assert "December" in MESSAGES
    assert len(MESSAGES) > 40


@pytest.mark.parametrize("english", MESSAGES)
def test_english_sentences_are_short_and_plain(english: str) -> None:
    for sentence in re.split(r"[.?!]\s*", english):
        assert len(sentence.split()) <= 15, sentence  # easy read E8
    assert not re.search(r"n't|'s\b|'re\b|'ll\b|\be\.g\.|\betc\b", english)  # E12
    if english != TITLE:
        assert not re.search(r"safeguard|abuse", english, re.I)


@pytest.mark.parametrize("english", MESSAGES)
def test_welsh_never_names_safeguarding_outside_the_title(english: str) -> None:
    welsh = WELSH.get(english, "")
    if english != TITLE:
        assert not re.search(r"diogelu|cam-?drin", welsh, re.I)


def test_dates_are_written_in_full_on_one_line() -> None:
    assert format_date(date(2025, 5, 5), "en") == "Monday 5\u00a0May\u00a02025"
    assert format_date(date(2025, 12, 1), "cy") == "1\u00a0Rhagfyr\u00a02025"
