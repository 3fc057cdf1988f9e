"""How far each step of a visit has got, in four states a worker can read in words.

- **needs attention**: a finding that blocks finalising is shown on the step. Which
  findings are shown is the caller's (the visit screen's) choice: the step's own
  practice rules and the guide's ``check`` findings always, and everything still
  missing only once Finalise has been tried, so a fresh visit does not open with
  every step asking for attention before the conversation has begun.
- **not started**: no question shown on the step is answered yet.
- **done**: every question shown on the step is answered.
- **in progress**: anything in between.

A question counts only where the worker can answer it on this step: hidden questions
(``GuideState``), read-only ones, and a look back at items (``new_items = false``)
when there are none, are left out. A list of items counts as answered when it has items
and every shown part of each that says where the item stands (a choice, a yes or no)
is answered: "How is it going?" is not done while an outcome's "Is this still what you
want?" is open, though how it is going may stay unwritten. Pure: no I/O, no Qt.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from pydantic import BaseModel

from msp_desktop.guide.answers import read_answer, read_field
from msp_desktop.guide.conditions import GuideState, is_answered
from msp_desktop.guide.schema import AnswerKind, Question, Step
from msp_desktop.model import Concern, Visit
from msp_desktop.practice import Finding, Severity

__all__ = ["StepProgress", "step_progress"]


class StepProgress(enum.Enum):
    """Where a step is up to."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    NEEDS_ATTENTION = "needs_attention"
    DONE = "done"


def step_progress(
    step: Step,
    visit: Visit,
    concern: Concern | None,
    state: GuideState,
    shown_findings: Iterable[Finding] = (),
) -> StepProgress:
    """The state of ``step`` for ``visit``, given what the guide shows (``state``) and
    the findings shown on the step (``shown_findings``)."""
    if any(finding.severity is Severity.REQUIRED for finding in shown_findings):
        return StepProgress.NEEDS_ATTENTION
    counted = [
        answered
        for question in step.questions
        if state.shows(question.id) and not question.read_only
        if (answered := _answered(question, visit, concern, state)) is not None
    ]
    if all(counted):  # a step with nothing left to answer here is done as well
        return StepProgress.DONE
    return StepProgress.IN_PROGRESS if any(counted) else StepProgress.NOT_STARTED


def _answered(
    question: Question, visit: Visit, concern: Concern | None, state: GuideState
) -> bool | None:
    """Whether ``question`` is answered; ``None`` when there is nothing to answer."""
    value = read_answer(visit, concern, question)
    if question.kind is not AnswerKind.REPEATING:
        return is_answered(value)
    items = value if isinstance(value, list) else []
    if not items:
        # Nothing brought forward to look back at; a list to add to is simply empty.
        return False if question.new_items else None
    return all(_parts_answered(question, item, state, index) for index, item in enumerate(items))


# The parts of an item that say where it stands; its free text may stay empty.
_DECIDING = frozenset({AnswerKind.CHOICE, AnswerKind.YES_NO, AnswerKind.SCALE})


def _parts_answered(question: Question, item: BaseModel, state: GuideState, index: int) -> bool:
    return all(
        is_answered(read_field(item, part.field))
        for part in question.item_fields
        if part.kind in _DECIDING
        and not part.read_only
        and state.shows_part(question.id, index, part.id)
    )
