"""Risks as the person and the worker see them, and positive risk taking."""

from __future__ import annotations

from pydantic import Field

from msp_desktop.model.base import RecordId, RecordModel, new_id
from msp_desktop.model.choices import RiskSeriousness
from msp_desktop.model.labels import RiskLocation, RiskSource, RiskType
from msp_desktop.model.text import InternalNote, PersonNote, ThirdPartyNote

__all__ = ["PositiveRiskDecision", "Risk"]


class PositiveRiskDecision(RecordModel):
    """A choice the person makes knowing the risk (an unwise decision, MCA 2005 s1(4)).

    Only a person with capacity for the decision can make one; the practice rules
    warn when it is recorded for someone who lacks capacity.
    """

    # Optional while the visit is a draft, so nothing typed waits for another answer;
    # finalising asks for both (msp_desktop.practice.positive_risk).
    choice: PersonNote | None = None
    understood: bool | None = None
    harm_reduction: PersonNote | None = None


class Risk(RecordModel):
    """One risk: its type, where and who it comes from, and both points of view."""

    id: RecordId = Field(default_factory=new_id)
    # Optional while the visit is a draft (finalising asks for it): the person's words
    # about a risk are kept even before its national type is chosen.
    risk_type: RiskType | None = None
    # The risk in plain words the person may read (unless the worker marks it otherwise),
    # and how serious it is: what the next visit checks is still the same.
    description: PersonNote | None = None
    seriousness: RiskSeriousness | None = None
    location: RiskLocation | None = None
    source: RiskSource | None = None
    # Names or describes the person alleged to cause harm: third party by default.
    source_detail: ThirdPartyNote | None = None
    persons_view: PersonNote | None = None
    # The worker's analysis: internal by default.
    workers_view: InternalNote | None = None
    positive_risk: PositiveRiskDecision | None = None
