"""What the person wants to happen, and the actions agreed to get there."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from msp_desktop.model.base import (
    NotFutureDate,
    OptionalShortText,
    RecordId,
    RecordModel,
    new_id,
)
from msp_desktop.model.choices import OutcomeStatus
from msp_desktop.model.labels import OutcomeAchieved
from msp_desktop.model.text import PersonNote

__all__ = ["Action", "DesiredOutcome", "OutcomeReview"]


class OutcomeReview(RecordModel):
    """One look back at a desired outcome (usually in the middle stage)."""

    on: NotFutureDate
    status: OutcomeStatus
    note: PersonNote | None = None


class DesiredOutcome(RecordModel):
    """One thing the person wants to happen, in their own words.

    ``words`` is verbatim: the model trims outer whitespace and nothing else.
    ``achieved`` is the national rating, given at the end of the concern.
    """

    id: RecordId = Field(default_factory=new_id)
    words: PersonNote
    status: OutcomeStatus = OutcomeStatus.STILL_WANTED
    achieved: OutcomeAchieved | None = None
    history: list[OutcomeReview] = Field(default_factory=list)


class Action(RecordModel):
    """An agreed action: who does what, by when, for which of the person's outcomes.

    ``what`` and ``who`` may be empty while the visit is a draft; finalising requires
    both (see ``msp_desktop.practice.finalise_blockers``).
    """

    id: RecordId = Field(default_factory=new_id)
    what: PersonNote | None = None
    # Usually a professional or a service; professionals' names stay in the person's copy.
    who: OptionalShortText = None
    # A target date is usually in the future, unlike most dates in a record.
    by_when: date | None = None
    outcome_ids: list[RecordId] = Field(default_factory=list)
    done: bool = False
