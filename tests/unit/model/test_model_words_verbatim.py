"""The person's words survive saving and loading exactly as they were written."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from msp_desktop.model import DesiredOutcome, Note, OutcomeReview, OutcomeStatus, Visibility

WELSH_AND_PUNCTUATION = (
    "Dw i eisiau aros yn fy nghartref — gyda'r ŵyr, ŷd a thân â'r drws ar glo…\n"
    "\n"
    "  “Dim mwy o arian iddo fe!”  ‘plîs’ (os gwelwch yn dda) ¿¡ ½ € 100%\t*end*"
)


def test_welsh_letters_and_odd_punctuation_survive_a_json_round_trip() -> None:
    outcome = DesiredOutcome(words=WELSH_AND_PUNCTUATION)
    loaded = DesiredOutcome.model_validate_json(outcome.model_dump_json())
    assert loaded == outcome
    assert loaded.words.text == WELSH_AND_PUNCTUATION
    # The stored JSON decodes to the same text too (what the office reads).
    assert json.loads(outcome.model_dump_json())["words"]["text"] == WELSH_AND_PUNCTUATION


def test_only_outer_whitespace_is_trimmed() -> None:
    outcome = DesiredOutcome(words="  \n I want  my   keys back \n\n")
    assert outcome.words.text == "I want  my   keys back"


def test_unicode_is_not_normalised() -> None:
    # "ŵ" as one code point and as "w" + combining circumflex: both kept as typed.
    composed, decomposed = "\u0175yr", "w\u0302yr"
    assert Note(text=composed).text == composed
    assert Note(text=decomposed).text == decomposed


# Text whose ends are not whitespace is stored exactly; st.text() never yields
# surrogates, which JSON could not carry anyway.
verbatim_text = st.text(min_size=1, max_size=500).filter(
    lambda text: not text[0].isspace() and not text[-1].isspace()
)


@given(text=verbatim_text, visibility=st.sampled_from(Visibility))
def test_note_text_round_trips_unchanged(text: str, visibility: Visibility) -> None:
    note = Note(text=text, visibility=visibility)
    loaded = Note.model_validate_json(note.model_dump_json())
    assert loaded.text == text
    assert loaded.visibility is visibility


@given(words=verbatim_text, review=st.one_of(st.none(), verbatim_text))
def test_desired_outcome_round_trips_unchanged(words: str, review: str | None) -> None:
    history = (
        []
        if review is None
        else [OutcomeReview(on="2024-06-01", status=OutcomeStatus.CHANGED, note=review)]
    )
    outcome = DesiredOutcome(words=words, history=history)
    loaded = DesiredOutcome.model_validate_json(outcome.model_dump_json())
    assert loaded == outcome
    assert loaded.words.text == words
    assert [entry.note.text for entry in loaded.history if entry.note] == (
        [] if review is None else [review]
    )
