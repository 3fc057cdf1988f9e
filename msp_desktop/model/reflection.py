"""The six principles reflection and the person's experience at the end."""

from __future__ import annotations

from pydantic import Field

from msp_desktop.model.base import NotFutureDate, RecordModel
from msp_desktop.model.choices import AskedBy, ExperienceAnswer, ExperienceQuestion, Principle
from msp_desktop.model.text import PersonNote

__all__ = ["ExperienceFeedback", "PrinciplesReflection"]


class PrinciplesReflection(RecordModel):
    """A short reflection for any of the six principles (none is required).

    ``reflecting`` is the worker's choice to reflect at this visit: an optional
    reflection at the end, not six boxes every time.
    """

    reflecting: bool | None = None
    reflections: dict[Principle, PersonNote] = Field(default_factory=dict)

    def for_principle(self, principle: Principle) -> PersonNote | None:
        """The reflection recorded for ``principle``, if any."""
        return self.reflections.get(principle)


class ExperienceFeedback(RecordModel):
    """The person's answers to the four experience questions.

    ``asked_by`` is asked for at finalising because answers given to the lead worker can
    be biased;
    a question left out of ``answers`` was not asked or not answered.
    """

    answers: dict[ExperienceQuestion, ExperienceAnswer] = Field(default_factory=dict)
    comment: PersonNote | None = None
    # Who asked matters (answers to the lead worker can be biased), so finalising asks
    # for it; it is optional while the visit is a draft, so the answers typed first are
    # kept. Whether a representative answered is asked, never assumed.
    asked_by: AskedBy | None = None
    answered_by_representative: bool | None = None
    asked_on: NotFutureDate | None = None
