"""What a worker sees for the answers so far: which steps and questions show, what is
still needed and which checks fail, worked out from the guide's conditions.

``evaluate`` reads a visit (and its concern, for ``concern.*`` questions) and returns a
``GuideState``. The meaning follows W3C XForms, as the condition language's
documentation (docs/guide-conditions.md) sets out:

- ``show_if`` is XForms ``relevant``: a step or question shows only while it holds; a
  question on a hidden step, or a part of an item inside a hidden question, is hidden
  too. A hidden question counts as *not answered* in every other condition, and what
  was typed into it is kept while the visit is a draft but left out when it is
  finalised (``GuideState.hidden_fields`` and ``without_hidden``).
- ``required_if`` is ``required``: a shown question whose condition holds must be
  answered before finalising (for a step: at least one of its questions).
- ``check`` is ``constraint``: a shown, answered question (a shown step) must satisfy
  it, or ``check_message`` is a finding of ``check_severity``.

Comparisons with an answer not given are false whatever the operator (as in XPath,
where an empty node-set equals nothing), so ``capacity != 'has_capacity'`` does not
show anything before capacity is answered. Answers are read from their fields whichever
stage the visit is at: a condition at the end of a concern can count the outcomes
recorded at the beginning. Whether a review question about the plan shows also
follows what was brought forward (``shows_review``). Pure: no I/O, no Qt.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from msp_desktop.guide.answers import read_answer, read_field
from msp_desktop.guide.expressions import (
    Call,
    Compare,
    Expression,
    Literal,
    Logical,
    Name,
    Not,
    Sequence,
    parse_expression,
)
from msp_desktop.guide.fields import CONCERN_PREFIX, item_record, resolve, strip
from msp_desktop.guide.plan import shows_review
from msp_desktop.guide.schema import AnswerKind, Guide, Question, Step
from msp_desktop.model import Concern, Note, Stage, Visit
from msp_desktop.practice import Finding, Severity

__all__ = ["GuideState", "HiddenAnswer", "evaluate", "is_answered", "without_hidden"]

_parsed = lru_cache(maxsize=4096)(parse_expression)

_Lookup = Callable[[str], Any]


def plain(value: Any) -> Any:
    """An answer as conditions see it: text without its visibility, a choice's value,
    ``None`` for blank text; lists of the same."""
    if isinstance(value, Note):
        value = value.text
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def is_answered(value: Any) -> bool:
    """Whether an answer (as read from the record) counts as given."""
    value = plain(value)
    return value is not None and value != []


@dataclass(frozen=True, slots=True)
class HiddenAnswer:
    """An answer kept in the draft although its question is hidden (to be left out)."""

    path: str
    question: Question
    step: Step


@dataclass
class GuideState:
    """What the guide shows and asks for, for one visit at one stage."""

    stage: Stage
    shown_steps: list[Step] = field(default_factory=list)
    shown_questions: set[str] = field(default_factory=set)
    shown_parts: set[tuple[str, int, tuple[str, ...]]] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    hidden_fields: list[str] = field(default_factory=list)
    hidden_answers: list[HiddenAnswer] = field(default_factory=list)

    def shows_step(self, step_id: str) -> bool:
        """Whether the step is part of this visit (its stage, and its ``show_if``)."""
        return any(step.id == step_id for step in self.shown_steps)

    def shows(self, question_id: str) -> bool:
        """Whether the top-level question shows."""
        return question_id in self.shown_questions

    def shows_part(self, question_id: str, index: int, *part_ids: str) -> bool:
        """Whether a part of item ``index`` of a repeating question (or of its one group,
        index 0) shows; ``part_ids`` go down through groups inside the item."""
        return (question_id, index, part_ids) in self.shown_parts


def evaluate(
    guide: Guide,
    stage: Stage,
    visit: Visit,
    concern: Concern | None = None,
    *,
    today: date | None = None,
) -> GuideState:
    """The steps and questions that show for ``visit`` at ``stage``, what is needed,
    which checks fail, and which answers are hidden. ``today`` defaults to the date."""
    return _Evaluation(guide, stage, visit, concern, today or date.today()).run()


class _Evaluation:
    def __init__(
        self, guide: Guide, stage: Stage, visit: Visit, concern: Concern | None, today: date
    ) -> None:
        self.guide = guide
        self.visit = visit
        self.concern = concern
        self.today = today
        self.state = GuideState(stage)
        self.top: dict[str, tuple[Step, Question]] = {}
        for step in guide.steps:
            for question in step.questions:
                self.top.setdefault(question.id, (step, question))
        self.step_memo: dict[str, bool] = {}
        self.question_memo: dict[str, bool] = {}
        self.hide: list[tuple[str, Question, Step]] = []
        self.show: set[str] = set()

    # -- relevance ---------------------------------------------------------------------

    def step_relevant(self, step: Step) -> bool:
        if step.id not in self.step_memo:
            self.step_memo[step.id] = self.holds(step.show_if, self.top_value, default=True)
        return self.step_memo[step.id]

    def question_relevant(self, question_id: str) -> bool:
        if question_id not in self.question_memo:
            step, question = self.top[question_id]
            self.question_memo[question_id] = self.step_relevant(step) and self.holds(
                question.show_if, self.top_value, default=True
            )
        return self.question_memo[question_id]

    def top_value(self, name: str) -> Any:
        if not self.question_relevant(name):
            return None
        return plain(read_answer(self.visit, self.concern, self.top[name][1]))

    def holds(self, source: str | None, lookup: _Lookup, *, default: bool) -> bool:
        if source is None:
            return default
        return _truth(_value(_parsed(source), lookup, self.today))

    # -- the walk ----------------------------------------------------------------------

    def run(self) -> GuideState:
        for step in self.guide.steps:
            at_stage = step.shown_at(self.state.stage)
            relevant = self.step_relevant(step)
            if at_stage and relevant:
                self.state.shown_steps.append(step)
                self.step_rules(step)
            for question in step.questions:
                self.question(step, question, at_stage)
        self.finish()
        return self.state

    def question(self, step: Step, question: Question, at_stage: bool) -> None:
        if not at_stage:
            return  # not part of this visit: neither shown nor hidden, its answers kept
        if not self.question_relevant(question.id):
            self.hide.append((question.field, question, step))
            return
        if not shows_review(self.visit, question.field):
            return
        self.state.shown_questions.add(question.id)
        self.show.add(question.field)
        self.rules(step, question, question.field, self.top_value, self.top_value(question.id))
        if question.item_fields:
            self.items(step, question)

    def items(self, step: Step, question: Question) -> None:
        value = read_answer(self.visit, self.concern, question)
        records = value if isinstance(value, list) else [value] if value is not None else []
        if question.kind is AnswerKind.GROUP and not records:
            records = [None]  # the parts of a group not started yet still show
        for index, record in enumerate(records):
            path = question.field if question.kind is AnswerKind.GROUP else None
            base = path or f"{question.field}.{index}"
            self.parts(step, question.id, question, index, (), record, base, self.top_value)

    def parts(
        self,
        step: Step,
        top_id: str,
        holder: Question,
        index: int,
        above: tuple[str, ...],
        record: BaseModel | None,
        base: str,
        outer: _Lookup,
    ) -> None:
        by_id = {part.id: part for part in holder.item_fields}
        memo: dict[str, bool] = {}

        def relevant(part_id: str) -> bool:
            if part_id not in memo:
                memo[part_id] = self.holds(by_id[part_id].show_if, lookup, default=True)
            return memo[part_id]

        def lookup(name: str) -> Any:
            part = by_id.get(name)
            if part is None:
                return outer(name)
            if not relevant(name) or record is None:
                return None
            return plain(read_field(record, part.field))

        for part in holder.item_fields:
            path = f"{base}.{part.field}"
            if not relevant(part.id):
                self.hide.append((path, part, step))
                continue
            ids = (*above, part.id)
            self.state.shown_parts.add((top_id, index, ids))
            self.show.add(path)
            value = read_field(record, part.field) if record is not None else None
            self.rules(step, part, path, lookup, plain(value), item=index)
            if part.item_fields:
                inner = value if isinstance(value, BaseModel) else None
                self.parts(step, top_id, part, index, ids, inner, path, lookup)

    # -- findings ----------------------------------------------------------------------

    def rules(
        self,
        step: Step,
        question: Question,
        path: str,
        lookup: _Lookup,
        value: Any,
        item: int | None = None,
    ) -> None:
        answered = value is not None and value != []
        where = f" (item {item + 1})" if item is not None else ""
        if not answered and self.holds(question.required_if, lookup, default=False):
            self.state.findings.append(
                Finding(
                    "guide_required",
                    Severity.REQUIRED,
                    f"Answer “{question.prompt}”{where} ({step.title}).",
                    path,
                )
            )
        if answered and not self.holds(question.check, lookup, default=True):
            self.check_failed(step, question, path, where)

    def step_rules(self, step: Step) -> None:
        path = step.questions[0].field if step.questions else ""
        if self.holds(step.required_if, self.top_value, default=False) and not any(
            is_answered(read_answer(self.visit, self.concern, question))
            for question in step.questions
            if self.question_relevant(question.id)
        ):
            self.state.findings.append(
                Finding(
                    "guide_required",
                    Severity.REQUIRED,
                    f"Answer at least one question ({step.title}).",
                    path,
                )
            )
        if not self.holds(step.check, self.top_value, default=True):
            self.check_failed(step, step, path, "")

    def check_failed(self, step: Step, holder: Step | Question, path: str, where: str) -> None:
        assert holder.check_message is not None  # the guide check requires it with check
        self.state.findings.append(
            Finding(
                "guide_check",
                Severity(holder.check_severity),
                # The step is named at the end, after the message's own words.
                f"{str(holder.check_message).rstrip('.')}{where} ({step.title}).",
                path,
            )
        )

    def finish(self) -> None:
        # A field hidden on one step but asked on another shown one stays.
        for path, question, step in self.hide:
            if path in self.show:
                continue
            if path.startswith(CONCERN_PREFIX):
                continue  # the concern's own answers are not part of the visit
            self.state.hidden_fields.append(path)
            if is_answered(read_field(self.visit, path)):
                self.state.hidden_answers.append(HiddenAnswer(path, question, step))


# -- the value of a condition ------------------------------------------------------------


def _truth(value: Any) -> bool:
    return value is True


def _value(tree: Expression, lookup: _Lookup, today: date) -> Any:
    if isinstance(tree, Literal):
        return tree.value
    if isinstance(tree, Name):
        return lookup(tree.id)
    if isinstance(tree, Sequence):
        return [_value(item, lookup, today) for item in tree.items]
    if isinstance(tree, Call):
        if tree.function == "today":
            return today
        assert tree.argument is not None
        found = lookup(tree.argument.id)
        if tree.function == "answered":
            return found is not None and found != []
        return len(found) if isinstance(found, list) else 0
    if isinstance(tree, Not):
        return not _truth(_value(tree.part, lookup, today))
    if isinstance(tree, Logical):
        if tree.operator == "and":
            return all(_truth(_value(part, lookup, today)) for part in tree.parts)
        return any(_truth(_value(part, lookup, today)) for part in tree.parts)
    return _compare(tree, lookup, today)


_ORDER: Mapping[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    ">": lambda a, b: bool(a > b),
}


def _compare(tree: Compare, lookup: _Lookup, today: date) -> bool:
    left = _value(tree.left, lookup, today)
    right = _value(tree.right, lookup, today)
    # An answer not given equals nothing and is in nothing (XPath's empty node-set).
    if left is None or right is None:
        return False
    if tree.operator == "in":
        return isinstance(right, list) and left in right
    return _ORDER[tree.operator](left, right)


# -- leaving hidden answers out ------------------------------------------------------------


def without_hidden(visit: Visit, state: GuideState) -> Visit:
    """``visit`` with every answer hidden by a condition taken out (back to the
    record's empty value), as it is finalised, sent and printed."""
    data = visit.model_dump(mode="json")
    for path in state.hidden_fields:
        _clear(data, type(visit), path.split("."))
    return Visit.model_validate(data)


def _clear(data: Any, record: type[BaseModel], parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    info = record.model_fields.get(head)
    if info is None or not isinstance(data, dict) or head not in data:
        return
    if not rest:
        data[head] = info.get_default(call_default_factory=True)
        return
    value = data[head]
    if isinstance(value, list) and rest[0].isdigit():
        index = int(rest[0])
        inner = item_record(resolve(record, head))
        if index < len(value) and inner is not None and len(rest) > 1:
            _clear(value[index], inner, rest[1:])
        return
    if isinstance(value, dict) and not isinstance(strip(info.annotation), type):
        value.pop(rest[0], None)  # a keyed set such as principles.reflections.<key>
        return
    inner_record = item_record(resolve(record, head))
    if inner_record is not None and isinstance(value, dict):
        _clear(value, inner_record, rest)
