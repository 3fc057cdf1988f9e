"""One safeguarding episode for one person, from the concern being raised to closing."""

from __future__ import annotations

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
from msp_desktop.model.text import PersonNote, ThirdPartyNote

__all__ = ["Concern"]


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
