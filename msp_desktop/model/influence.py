"""Freedom from undue influence: signs that a choice may not be the person's own."""

from __future__ import annotations

from pydantic import Field

from msp_desktop.model.base import RecordModel, UniqueList
from msp_desktop.model.choices import UndueInfluenceIndicator
from msp_desktop.model.text import InternalNote, ThirdPartyNote

__all__ = ["UndueInfluence"]


class UndueInfluence(RecordModel):
    """Indicators of undue influence, whether the person declined help, and the plan.

    The default means nothing was recorded: no indicators ticked, and whether the person
    declined help not yet answered (``None``), never assumed.
    """

    indicators: UniqueList[UndueInfluenceIndicator] = Field(default_factory=list)
    person_declined_help: bool | None = None
    # Internal by default: a copy saying "we will come back to speak to you alone"
    # could warn the person who is exerting the influence.
    planned_support: InternalNote | None = None
    notes: ThirdPartyNote | None = None
