"""What the person wants to happen, and the actions agreed to get there."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, model_validator

from msp_desktop.model.base import (
    NotFutureDate,
    OptionalShortText,
    RecordId,
    RecordModel,
    new_id,
)
from msp_desktop.model.choices import ActionOwner, ActionStatus, OutcomeStatus
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
    ``status`` is the answer of a review (``None`` until someone reviews it, never
    assumed) and ``progress`` how it is going, in the person's words, at this visit
    (both start empty at each visit); ``achieved`` is the national rating, given at the
    end of the concern. ``carried`` marks an outcome brought forward from an earlier
    visit.
    """

    id: RecordId = Field(default_factory=new_id)
    words: PersonNote
    progress: PersonNote | None = None
    status: OutcomeStatus | None = None
    achieved: OutcomeAchieved | None = None
    history: list[OutcomeReview] = Field(default_factory=list)
    # Said at an earlier visit and brought forward: reviewed ("no longer wanted"), never
    # simply removed, so what the person asked for stays in their record.
    carried: bool = False


class Action(RecordModel):
    """An agreed action as a visit holds it: who does what, by when, for which outcomes.

    Nothing here is required to save: an action with any text is kept as typed, open
    by default, while the visit is a draft; finalising asks for what is missing (see
    ``msp_desktop.practice.finalise_blockers``) and then keeps the action as a record of
    its own (``AgreedAction``). An action brought forward from an earlier visit arrives
    with ``carried`` set and ``status`` unanswered (``None``): the worker reviews it.
    """

    id: RecordId = Field(default_factory=new_id)
    what: PersonNote | None = None
    owner: ActionOwner | None = None
    # The name of whoever does it (a professional or service, a relative); professionals'
    # names stay in the person's copy.
    who: OptionalShortText = None
    # A target date is usually in the future, unlike most dates in a record.
    by_when: date | None = None
    outcome_ids: list[RecordId] = Field(default_factory=list)
    status: ActionStatus | None = ActionStatus.OPEN
    status_note: PersonNote | None = None
    carried: bool = False

    @model_validator(mode="before")
    @classmethod
    def _read_done(cls, data: Any) -> Any:
        # Visits finalised before actions had a status said only done: yes or no.
        if isinstance(data, dict) and "done" in data:
            data = dict(data)
            done = data.pop("done")
            data.setdefault("status", ActionStatus.DONE if done else ActionStatus.OPEN)
        return data

    @property
    def done(self) -> bool:
        """Whether the action is done."""
        return self.status is ActionStatus.DONE
