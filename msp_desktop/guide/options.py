"""The choices a question offers, with the words shown for each."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from msp_desktop.guide.fields import CHOICE_LISTS
from msp_desktop.guide.schema import DEFAULT_LANGUAGE, AnswerKind, Question
from msp_desktop.model import ExperienceAnswer

__all__ = ["Option", "options_for"]


@dataclass(frozen=True, slots=True)
class Option:
    """One choice: the value stored in the record and the words shown for it."""

    value: enum.Enum
    label: str


def options_for(question: Question, language: str = DEFAULT_LANGUAGE) -> list[Option]:
    """The choices of a choice, multi-choice or scale question, in the enum's order.

    National lists show their published labels word for word (the enum values); the
    app's own lists show their ``label`` or the guide's ``option_labels``. Any other
    kind of question offers no choices.
    """
    if question.kind is AnswerKind.SCALE:
        choices: type[enum.Enum] = ExperienceAnswer
    elif question.kind in (AnswerKind.CHOICE, AnswerKind.MULTI_CHOICE) and question.choices:
        choices = CHOICE_LISTS[question.choices]
    else:
        return []
    return [Option(member, question.label_for(member, language)) for member in choices]
