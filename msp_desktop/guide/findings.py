"""Which practice rules a step of the guide shows, by the name the guide uses, and on
which step of the guide each finding belongs.

A guide names rules (``findings = ["advocacy"]``) rather than code, so a practice lead
can move a rule's findings to another step; this registry is the only place that
maps those names to the pure functions in ``msp_desktop.practice``.

The practice rules name a step at the end of their messages in their own words
("(Check in)."), because they know nothing of the guide. ``step_for`` finds the step
of this guide that asks about a finding's ``where`` path, and ``named_step`` puts that
step's real title in the message ("(Checking in).").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from msp_desktop.guide.schema import AnswerKind, Guide, Question, Step
from msp_desktop.model import Stage, Visit
from msp_desktop.practice import (
    Finding,
    advocacy_duty,
    appropriate_person_conflict,
    positive_risk_findings,
    undue_influence_warning,
)

__all__ = ["FINDINGS", "findings_for", "named_step", "step_for", "with_step_named"]


def _advocacy(visit: Visit) -> list[Finding]:
    return advocacy_duty(visit.support_to_decide)


def _undue_influence(visit: Visit) -> list[Finding]:
    return undue_influence_warning(visit.undue_influence)


FINDINGS: Mapping[str, Callable[[Visit], list[Finding]]] = MappingProxyType(
    {
        "advocacy": _advocacy,
        "appropriate_person": appropriate_person_conflict,
        "undue_influence": _undue_influence,
        "positive_risk": positive_risk_findings,
    }
)
"""Practice rules by the name a guide uses, each taking the whole visit."""


def findings_for(step: Step, visit: Visit) -> list[Finding]:
    """The findings of the rules ``step`` names, for ``visit``, in the guide's order."""
    return [finding for name in step.findings for finding in FINDINGS[name](visit)]


def step_for(
    guide: Guide, stage: Stage, where: str, *, steps: Sequence[Step] | None = None
) -> Step | None:
    """The step, shown at ``stage``, whose question asks about ``where`` (a finding's
    path such as ``desired_outcomes.0.status``), or ``None``.

    The longest match wins, parts of items included: ``desired_outcomes.0.status``
    belongs to the step whose outcomes ask for a ``status``, not to the one that only
    asks for the words. A whole list (``desired_outcomes``) belongs first to a step
    that can add to it. Ties go to the earlier step. ``steps`` narrows the choice to
    the steps actually shown (a step hidden by its ``show_if``).
    """
    if not where:
        return None
    parts = where.split(".")
    best: tuple[int, bool] | None = None
    found: Step | None = None
    for step in steps if steps is not None else guide.steps_for(stage):
        if not step.shown_at(stage):
            continue
        for question in step.questions:
            matched = _binding(question, parts)
            if matched is None:
                continue
            whole_list = parts == question.field.split(".")
            key = (matched, whole_list and _can_add(question))
            if best is None or key > best:
                best, found = key, step
    return found


def _can_add(question: Question) -> bool:
    return question.kind is not AnswerKind.REPEATING or question.new_items


def _binding(question: Question, parts: list[str]) -> int | None:
    """How many parts of the path ``question`` binds (``None``: it does not bind it)."""
    field = question.field.split(".")
    if len(parts) < len(field):
        # "experience" holds "experience.asked_by": the finding is about the whole.
        return len(parts) if field[: len(parts)] == parts else None
    if parts[: len(field)] != field:
        return None
    rest = parts[len(field) :]
    if question.kind is AnswerKind.REPEATING and rest and rest[0].isdigit():
        rest = rest[1:]  # which item does not change which question asks about it
    if not rest or not question.item_fields:
        return len(field)
    for part in question.item_fields:
        inner = _binding(part, rest)
        if inner is not None:
            return len(field) + inner
    return None


_STEP_NAMED = re.compile(r" \([^()]*\)\.$")


def named_step(finding: Finding, title: str) -> Finding:
    """``finding`` with the step named at the end of its message ("(Check in).") in the
    words this guide uses for the step that holds it ("(Checking in)."). A message
    that names no step is left as it is."""
    message = _STEP_NAMED.sub(f" ({title}).", finding.message)
    return replace(finding, message=message)


def with_step_named(guide: Guide, stage: Stage, finding: Finding) -> Finding:
    """``finding`` naming the real step of ``guide`` that asks about it at ``stage``
    (unchanged when no step does)."""
    step = step_for(guide, stage, finding.where)
    return finding if step is None else named_step(finding, str(step.title))
