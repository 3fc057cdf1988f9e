"""The wording catalogue: both languages agree, sentences stay short and plain."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from msp_desktop.documents import wording

REVIEW = Path(__file__).parents[3] / "docs" / "translation-review.md"


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert wording.check_catalogue() == []


def test_a_placeholder_mismatch_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(wording.CY, "page", ("Tudalen {page}", "A: row 35"))
    assert wording.check_catalogue() == ["placeholders differ: page"]


@pytest.mark.parametrize("key", sorted(wording.EN))
def test_english_sentences_are_short_and_plain(key: str) -> None:
    text = wording.EN[key]
    for sentence in re.split(r"[.?!]\s*", text):
        assert len(sentence.split()) <= 15, sentence  # easy read E8
    assert not re.search(r"n't|'s\b|'re\b|'ll\b|\be\.g\.|\betc\b", text)  # E12
    if key != "title":
        assert not re.search(r"safeguard|abuse", text, re.I)


@pytest.mark.parametrize("key", sorted(wording.CY))
def test_welsh_never_names_safeguarding_outside_the_title(key: str) -> None:
    if key != "title":
        assert not re.search(r"diogelu|cam-?drin", wording.CY[key][0], re.I)


def test_every_string_for_a_translator_is_in_the_review_list() -> None:
    review = REVIEW.read_text(encoding="utf-8")
    items = wording.review_items()
    assert items
    for item in items:
        assert item.welsh in review, item.key
        assert item.basis[0] in "CD"


def test_dates_are_written_in_full_on_one_line() -> None:
    assert wording.format_date(date(2025, 5, 5), "en") == "Monday\u00a05\u00a0May\u00a02025"
    assert wording.format_date(date(2025, 12, 1), "cy") == "1\u00a0Rhagfyr\u00a02025"
