"""The safety question's answers, in docs/practice.md's words ("Giving the person a copy")."""

from __future__ import annotations

from msp_desktop.model import SAFETY_QUESTION, CopyChoice


def test_the_question_and_its_four_answers() -> None:
    assert SAFETY_QUESTION == "Is it safe for you to keep a copy?"
    assert {c.value: c.label for c in CopyChoice} == {
        "keep": "A copy to keep",
        "no_copy": "No copy (told verbally)",
        "trusted_person": "A copy held by someone they trust (such as an advocate or GP)",
        "collect_later": "A copy to collect later",
    }


def test_only_no_copy_makes_no_document() -> None:
    assert [c for c in CopyChoice if not c.makes_document] == [CopyChoice.NO_COPY]
