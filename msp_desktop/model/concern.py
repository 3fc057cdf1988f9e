"""One safeguarding episode for one person, from the concern being raised to closing."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from msp_desktop.model.base import (
    NotFutureDate,
    OptionalShortText,
    RecordId,
    RecordModel,
    UniqueList,
    new_id,
)
from msp_desktop.model.choices import ConcernStatus, Stage
from msp_desktop.model.labels import (
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
    SG2cActionResult,
    SG4aAsked,
)
from msp_desktop.model.text import InternalNote, PersonNote, ThirdPartyNote

__all__ = ["Concern", "Reopening"]


class Reopening(RecordModel):
    """A closed concern opened again: when, why, and what the closure had said."""

    on: NotFutureDate
    reason: InternalNote
    was_closed_on: date
    was_result: SG2cActionResult | None = None
    was_risk_outcome: RiskOutcome | None = None


class Concern(RecordModel):
    """A safeguarding concern: MSP runs across it, beginning, middle and end.

    The national figures for the whole concern live here (SG2a/b/c, SG4a, the risk
    outcome); the conversations that produce them are ``Visit`` records.
    """

    id: RecordId = Field(default_factory=new_id)
    person_id: RecordId
    raised_on: NotFutureDate
    # Who raised it is often a neighbour or relative: third party unless marked.
    raised_by: ThirdPartyNote | None = None
    risk_types: UniqueList[RiskType] = Field(default_factory=list)
    risk_location: RiskLocation | None = None
    risk_source: RiskSource | None = None
    status: ConcernStatus = ConcernStatus.OPEN
    stage: Stage = Stage.BEGINNING
    lead_worker: OptionalShortText = None
    sg4a_asked: SG4aAsked | None = None
    action_result: SG2cActionResult | None = None
    risk_outcome: RiskOutcome | None = None
    closing_view: PersonNote | None = None
    # What the concern is about, as raised: often names others, so internal by default.
    summary: InternalNote | None = None
    # The national figures count a concern by the day it closed.
    closed_on: NotFutureDate | None = None
    close_reason: InternalNote | None = None
    reopenings: list[Reopening] = Field(default_factory=list)

    @model_validator(mode="after")
    def _risk_outcome_needs_action_taken(self) -> Concern:
        # The national return only asks for a risk outcome where a risk was identified
        # and action taken; anywhere else the figure would be counted wrongly.
        if (
            self.risk_outcome is not None
            and self.action_result is not SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN
        ):
            raise ValueError(
                "risk_outcome is only recorded when the action result is "
                f"{SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN.value!r}"
            )
        return self

    @model_validator(mode="after")
    def _closed_has_a_date(self) -> Concern:
        # Records from devices before closing existed may be "closed" without a date;
        # a new closure always has one, and an open concern never does.
        if self.status is ConcernStatus.OPEN and self.closed_on is not None:
            raise ValueError("an open concern has no closed_on date")
        if self.closed_on is not None and self.closed_on < self.raised_on:
            raise ValueError("a concern cannot close before it was raised")
        return self

    @property
    def is_closed(self) -> bool:
        """Whether the concern is closed (and so read-only until reopened)."""
        return self.status is ConcernStatus.CLOSED
