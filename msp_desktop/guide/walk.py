"""A guide walked without the app: the steps and questions a worker would see for some
answers, and what would still stop the visit being finalised.

A practice lead writes answers in a small TOML file (``msp guide walk``), keyed by
question id; the table tests in ``tests/guide_cases`` use the same files. Answers are
written as the record takes them:

- yes/no ``true`` / ``false``; text and short text ``"..."``; a date ``2026-12-05``
  (a TOML date); a choice its value (``"lacks_capacity"``, or the national label word
  for word); several choices or pieces of text a list;
- a repeating question a list of tables (``[[risks]]``), each keyed by the item's part
  ids; a group one table (``[consent_to_share]``); inside an item, a group is a table;
- which of the person's outcomes an action is for: their numbers, from 1.

The table ``[walk]`` is not an answer: ``plan_carried`` (the parts of the plan brought
forward from the last visit), ``today`` (the date conditions use for ``today()``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from msp_desktop.guide.answers import read_answer
from msp_desktop.guide.conditions import GuideState, evaluate, is_answered, without_hidden
from msp_desktop.guide.fields import CONCERN_PREFIX
from msp_desktop.guide.findings import with_step_named
from msp_desktop.guide.locate import Location, line_of, map_lines
from msp_desktop.guide.schema import AnswerKind, Guide, Question, Step
from msp_desktop.model import Concern, Stage, Visit
from msp_desktop.practice import Finding, Severity, check_visit

__all__ = ["AnswersError", "Walk", "answers_visit", "read_answers", "walk", "walk_lines"]

_PERSON_ID = "walk-person"
_CONCERN_ID = "walk-concern"
_CONTEXT = "walk"


class AnswersError(ValueError):
    """Answers that cannot be read into a visit; ``line`` is the line of the file."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Walk:
    """A visit walked through a guide: what shows, and what is needed to finalise."""

    guide: Guide
    stage: Stage
    visit: Visit
    concern: Concern
    state: GuideState
    blockers: list[Finding] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Every finding (practice rules and the guide's own), blockers included."""

    def visible(self) -> list[str]:
        """Every question shown, by id, with item parts as ``risks[2].source_detail``
        (items numbered from 1), in the order a worker meets them."""
        return [shown for _, ids in self.visible_by_step() for shown in ids]

    def visible_by_step(self) -> list[tuple[Step, list[str]]]:
        """``visible`` grouped by the steps shown, in order."""
        steps: list[tuple[Step, list[str]]] = []
        for step in self.state.shown_steps:
            shown: list[str] = []
            for question in step.questions:
                if not self.state.shows(question.id):
                    continue
                shown.append(question.id)
                for index in range(_item_count(self, question)):
                    at = (
                        question.id
                        if question.kind is AnswerKind.GROUP
                        else f"{question.id}[{index + 1}]"
                    )
                    shown += _parts(self.state, question, question, index, (), at)
            steps.append((step, shown))
        return steps


def _item_count(walk: Walk, question: Question) -> int:
    if question.kind is AnswerKind.GROUP:
        return 1
    if question.kind is not AnswerKind.REPEATING:
        return 0
    value = read_answer(walk.visit, walk.concern, question)
    return len(value) if isinstance(value, list) else 0


def _parts(
    state: GuideState,
    top: Question,
    holder: Question,
    index: int,
    above: tuple[str, ...],
    at: str,
) -> list[str]:
    shown: list[str] = []
    for part in holder.item_fields:
        ids = (*above, part.id)
        if state.shows_part(top.id, index, *ids):
            label = f"{at}.{part.id}"
            shown.append(label)
            if part.item_fields:
                shown += _parts(state, top, part, index, ids, label)
    return shown


def read_answers(guide: Guide, text: str, stage: Stage) -> tuple[Visit, Concern, date | None]:
    """The visit (and concern) the answers in ``text`` describe, at ``stage``, and the
    ``today`` the file gives (``None``: the real date).

    Raises ``AnswersError`` naming the line for anything that is not an answer to the
    guide or does not make a valid record.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AnswersError(f"this is not valid TOML ({exc}).", 1) from None
    except RecursionError:  # arrays nested thousands deep: no answers file is
        raise AnswersError("the file is nested far too deeply to be answers.", 1) from None
    return answers_visit(guide, data, stage, map_lines(text))


def answers_visit(
    guide: Guide, data: dict[str, Any], stage: Stage, lines: dict[Location, int] | None = None
) -> tuple[Visit, Concern, date | None]:
    """``read_answers`` for answers already read from TOML (``lines`` locates errors)."""
    lines = lines or {}
    data = dict(data)
    context = data.pop(_CONTEXT, {})
    questions = {q.id: q for step in guide.steps for q in step.questions}
    visit_data: dict[str, Any] = {}
    concern_data: dict[str, Any] = {}
    for key, value in data.items():
        question = questions.get(key)
        if question is None:
            raise AnswersError(f"{key!r} is not a question of this guide.", line_of(lines, (key,)))
        target = concern_data if question.field.startswith(CONCERN_PREFIX) else visit_data
        path = question.field.removeprefix(CONCERN_PREFIX)
        _put(target, path, _record_value(question, value, lines, (key,)))
    _link_outcomes(visit_data)
    try:
        concern = Concern.model_validate(
            {"id": _CONCERN_ID, "person_id": _PERSON_ID, "raised_on": date(2000, 1, 1)}
            | {"stage": stage}
            | concern_data
        )
        visit = Visit.model_validate(
            {"concern_id": _CONCERN_ID, "person_id": _PERSON_ID, "stage": stage}
            | {"guide_id": guide.id, "guide_version": guide.version}
            | {"plan_carried": context.get("plan_carried", [])}
            | visit_data
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise AnswersError(
            f"the answers do not make a valid visit: {where}: {first['msg']}.", 1
        ) from None
    today = context.get("today")
    if today is not None and not isinstance(today, date):
        raise AnswersError(
            "walk.today must be a date, e.g. 2026-12-05.", line_of(lines, (_CONTEXT,))
        )
    return visit, concern, today


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def _record_value(question: Question, value: Any, lines: Any, where: tuple[Any, ...]) -> Any:
    if question.kind is AnswerKind.REPEATING:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise AnswersError(
                f"{question.id!r} is a list of items: write each as [[{question.id}]].",
                line_of(lines, where),
            )
        return [_item(question, item, lines, (*where, i)) for i, item in enumerate(value)]
    if question.kind is AnswerKind.GROUP:
        if not isinstance(value, dict):
            raise AnswersError(
                f"{question.id!r} is a group: write it as a table [{question.id}].",
                line_of(lines, where),
            )
        return _item(question, value, lines, where)
    return value


def _item(question: Question, values: dict[str, Any], lines: Any, where: tuple[Any, ...]) -> Any:
    parts = {part.id: part for part in question.item_fields}
    item: dict[str, Any] = {}
    for key, value in values.items():
        part = parts.get(key)
        if part is None:
            raise AnswersError(
                f"{key!r} is not a part of {question.id!r} (parts: {', '.join(parts)}).",
                line_of(lines, (*where, key)),
            )
        _put(item, part.field, _record_value(part, value, lines, (*where, key)))
    return item


def _link_outcomes(visit_data: dict[str, Any]) -> None:
    # Outcomes are named by their number in the answers; the record links them by id.
    outcomes = visit_data.get("desired_outcomes", [])
    for number, outcome in enumerate(outcomes, start=1):
        outcome.setdefault("id", f"outcome-{number}")
    for action in visit_data.get("actions", []):
        links = action.get("outcome_ids", [])
        action["outcome_ids"] = [f"outcome-{n}" if isinstance(n, int) else n for n in links]


def walk(
    guide: Guide,
    stage: Stage,
    visit: Visit,
    concern: Concern,
    *,
    today: date | None = None,
) -> Walk:
    """``visit`` walked through ``guide`` at ``stage``: what shows and what blocks."""
    state = evaluate(guide, stage, visit, concern, today=today)
    # The practice rules see the visit as it would be finalised: hidden answers left out.
    practice = check_visit(without_hidden(visit, state), stage, concern=concern, today=today)
    # The practice rules name steps in their own words; say the guide's titles instead.
    named = [with_step_named(guide, stage, finding) for finding in practice]
    findings = [*named, *state.findings]
    blockers = [finding for finding in findings if finding.severity is Severity.REQUIRED]
    return Walk(guide, stage, visit, concern, state, blockers, findings)


def walk_lines(result: Walk) -> list[str]:
    """The walk as lines of text for a practice lead to read."""
    guide = result.guide
    lines = [
        f"{guide.title} (guide {guide.id} {guide.version}), {result.stage.value} of a concern",
        "",
    ]
    by_step = result.visible_by_step()
    questions = {q.id: q for step in guide.steps for q in step.questions}
    for number, (step, shown) in enumerate(by_step, start=1):
        lines.append(f"Step {number} of {len(by_step)}: {step.title}")
        for entry in shown:
            question = questions.get(entry)
            lines.append(
                _question_line(result, question)
                if question is not None
                else f"      - {_part_prompt(questions, entry)}  [{entry}]"
            )
        lines.append("")
    for answer in result.state.hidden_answers:
        lines.append(
            f"Hidden, so left out when finalised: {answer.question.id} ({answer.step.title})"
        )
    if result.blockers:
        lines.append("Needed before finalising:")
        lines += [f"  - {finding.message}" for finding in result.blockers]
    else:
        lines.append("Nothing is needed before finalising.")
    warnings = [f for f in result.findings if f.severity is Severity.WARNING]
    if warnings:
        lines.append("Worth considering:")
        lines += [f"  - {finding.message}" for finding in warnings]
    return lines


def _part_prompt(questions: dict[str, Question], label: str) -> str:
    top, *ids = re.sub(r"\[\d+\]", "", label).split(".")
    holder = questions[top]
    for part_id in ids:
        holder = next(part for part in holder.item_fields if part.id == part_id)
    return str(holder.prompt)


def _question_line(result: Walk, question: Question) -> str:
    voice = "Ask" if question.voice == "ask" else "Record"
    value = read_answer(result.visit, result.concern, question)
    answered = " (answered)" if is_answered(value) else ""
    return f"  {voice}: {question.prompt}  [{question.id}]{answered}"
