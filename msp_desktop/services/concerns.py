"""A concern's journey: raised, moved on, closed with its national result, reopened.

The rules for closing, said in words when one is not met:

- "Enquiry ceased at individual's request and no action taken" may be chosen at any
  stage, with the reason (a person with capacity may ask for the enquiry to stop);
- any other result closes a concern at the end stage, after its closing conversation
  (a finalised end visit) has rated every one of the person's outcomes;
- the risk outcome is given exactly when the result is "Risk identified and action
  taken" (the national return asks for it there and nowhere else);
- no visit of the concern may still be a draft (finalise it first), so nothing typed
  is left behind a closed concern.

A closed concern is read-only until it is reopened with a reason. Each step is audited.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from msp_desktop.calendar_day import council_today
from msp_desktop.errors import InvalidInput
from msp_desktop.model import (
    Concern,
    ConcernStatus,
    Note,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
    SG2cActionResult,
    Stage,
    Visit,
)
from msp_desktop.model.safe_text import unsafe_text_fields
from msp_desktop.model.text import NOTE_MAX_CHARS
from msp_desktop.store.changes import Changes
from msp_desktop.store.workspace import Workspace

__all__ = [
    "ClosingCheck",
    "close_concern",
    "closing_check",
    "closing_conversation",
    "label",
    "move_stage",
    "raise_concern",
    "reopen_concern",
]

_E = TypeVar("_E", bound=enum.Enum)
_STAGE_ORDER = (Stage.BEGINNING, Stage.MIDDLE, Stage.END)


def label(choices: type[_E], text: str, what: str) -> _E:
    """The national label ``text`` of ``choices``, letter for letter, or one sentence
    listing the labels there are."""
    for member in choices:
        if member.value == text:
            return member
    listed = "; ".join(f'"{m.value}"' for m in choices)
    raise InvalidInput(f'"{text}" is not a {what} label. Use one of: {listed}.')


def raise_concern(
    ws: Workspace,
    person_id: str,
    *,
    raised_on: date | None = None,
    types: Sequence[RiskType] = (),
    location: RiskLocation | None = None,
    source: RiskSource | None = None,
    summary: str | None = None,
) -> Concern:
    """Raise a concern for a person on the caseload, at the beginning stage; audited."""
    ws.people.get(person_id)  # a clear "no such person" before anything else
    raised_on = raised_on or council_today()
    if raised_on > council_today():
        raise InvalidInput("A concern cannot be raised on a day still to come.")
    concern = Concern(
        person_id=person_id,
        raised_on=raised_on,
        risk_types=list(dict.fromkeys(types)),
        risk_location=location,
        risk_source=source,
        summary=Note.internal(summary) if summary and summary.strip() else None,
        lead_worker=ws.worker or None,
    )
    if unsafe_text_fields(concern):
        raise InvalidInput(
            "The summary holds a control or text-direction character that could hide or "
            "reorder what it says; type it again without it. Nothing was saved."
        )
    ws.concerns.add(concern)
    return concern


def move_stage(ws: Workspace, concern_id: str, stage: Stage, *, back: bool = False) -> Changes:
    """Move an open concern on to ``stage`` because the worker chose to; going back to
    an earlier stage happens only when asked for in so many words (``back``)."""
    concern = ws.concerns.get(concern_id)
    if _STAGE_ORDER.index(stage) < _STAGE_ORDER.index(concern.stage) and not back:
        raise InvalidInput(
            f"The concern is at the {concern.stage.value} stage; moving it back to the "
            f"{stage.value} stage must be chosen on purpose."
        )
    return ws.concerns.set_stage(concern_id, stage)


@dataclass(frozen=True)
class ClosingCheck:
    """What closing a concern with a result still needs (``missing``, in words), and the
    end visit whose ratings it closes with."""

    missing: list[str]
    end_visit: Visit | None


def _drafts(ws: Workspace, concern_id: str) -> list[str]:
    return [
        v.visit_date.isoformat() if v.visit_date else "with no date"
        for v in ws.visits.list(concern_id=concern_id, limit=1_000_000)
        if v.status == "draft"
    ]


def _last_end_visit(ws: Workspace, concern_id: str) -> Visit | None:
    for summary in ws.visits.list(concern_id=concern_id, limit=1_000_000):
        if summary.status != "finalised":
            continue
        visit = ws.visits.get(summary.id).visit
        if visit.stage is Stage.END and visit.not_held is None:
            return visit
    return None


def closing_conversation(ws: Workspace, concern_id: str) -> Visit | None:
    """The concern's closing conversation: its newest finalised end-stage visit that was
    held (a visit that did not happen rates nothing), whose ratings a closure uses."""
    return _last_end_visit(ws, concern_id)


def closing_check(
    ws: Workspace,
    concern_id: str,
    result: SG2cActionResult,
    risk_outcome: RiskOutcome | None,
    reason: str | None,
) -> ClosingCheck:
    """Everything that stops ``concern_id`` closing with ``result`` yet, in words."""
    concern = ws.concerns.get(concern_id)
    missing: list[str] = []
    if concern.is_closed:
        missing.append("The concern is already closed.")
    drafts = _drafts(ws, concern_id)
    if drafts:
        missing.append(
            f"A visit of this concern is still a draft ({', '.join(drafts)}): finalise it "
            "first, so nothing typed is left behind."
        )
    end_visit = None
    if result is SG2cActionResult.CEASED_AT_REQUEST:
        if not (reason and reason.strip()):
            missing.append("Say why the person asked for the enquiry to stop.")
    else:
        end_visit = _last_end_visit(ws, concern_id)
        if concern.stage is not Stage.END or end_visit is None:
            missing.append(
                "Hold the closing conversation first (a visit at the end stage): rate each "
                'outcome with the person and ask about their experience. Only "Enquiry '
                "ceased at individual's request and no action taken\" closes earlier."
            )
        else:
            unrated = [
                str(index + 1)
                for index, outcome in enumerate(end_visit.desired_outcomes)
                if outcome.achieved is None
            ]
            if unrated:
                missing.append(
                    f"Rate outcome {', '.join(unrated)} at the closing conversation (amend "
                    "the end visit): fully, partially or not achieved."
                )
    if result is SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN and risk_outcome is None:
        missing.append("Say whether the risk remained, was reduced or was removed.")
    if result is not SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN and risk_outcome is not None:
        missing.append(
            'A risk outcome is recorded only when the result is "Risk identified and action taken".'
        )
    return ClosingCheck(missing, end_visit)


def close_concern(
    ws: Workspace,
    concern_id: str,
    result: SG2cActionResult,
    *,
    risk_outcome: RiskOutcome | None = None,
    reason: str | None = None,
    on: date | None = None,
) -> Concern:
    """Close the concern with its national result (SG2c), the risk outcome where action
    was taken, and the reason; refused, in words, while anything is missing."""
    check = closing_check(ws, concern_id, result, risk_outcome, reason)
    if check.missing:
        raise InvalidInput("The concern cannot be closed yet. " + " ".join(check.missing))
    concern = ws.concerns.get(concern_id)
    on = on or council_today()
    if on < concern.raised_on or on > council_today():
        raise InvalidInput("The closing date must be between the day it was raised and today.")
    closed = concern.revised(
        status=ConcernStatus.CLOSED,
        stage=Stage.END if result is not SG2cActionResult.CEASED_AT_REQUEST else concern.stage,
        closed_on=on,
        action_result=result,
        risk_outcome=risk_outcome,
        close_reason=Note.internal(reason) if reason and reason.strip() else None,
    )
    if unsafe_text_fields(closed):
        raise InvalidInput(
            "The reason holds a control or text-direction character; type it again "
            "without it. Nothing was saved."
        )
    ws.concerns.close(closed)
    return closed


def reopen_concern(
    ws: Workspace, concern_id: str, reason: str, *, on: date | None = None
) -> Concern:
    """Reopen a closed concern, giving the reason; the closure is kept in its history."""
    if not reason.strip():
        raise InvalidInput("Say why the concern is being reopened.")
    if len(reason.strip()) > NOTE_MAX_CHARS:
        raise InvalidInput(
            f"The reason is longer than {NOTE_MAX_CHARS:,} characters; shorten it. "
            "Nothing was saved."
        )
    if unsafe_text_fields(Note(text=reason.strip())):
        raise InvalidInput(
            "The reason holds a control or text-direction character; type it again without it."
        )
    ws.concerns.reopen(concern_id, reason, on or council_today())
    return ws.concerns.get(concern_id)
