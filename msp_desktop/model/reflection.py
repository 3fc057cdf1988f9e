"""The six principles reflection and the person's experience at the end."""

from __future__ import annotations

from pydantic import Field

from msp_desktop.model.base import NotFutureDate, RecordModel
from msp_desktop.model.choices import AskedBy, ExperienceAnswer, ExperienceQuestion, Principle
from msp_desktop.model.text import PersonNote

__all__ = ["ExperienceFeedback", "PrinciplesReflection"]


class PrinciplesReflection(RecordModel):
    """A short reflection for any of the six principles (none is required)."""

    reflections: dict[Principle, PersonNote] = Field(default_factory=dict)

    def for_principle(self, principle: Principle) -> PersonNote | None:
        """The reflection recorded for ``principle``, if any."""
        return self.reflections.get(principle)


class ExperienceFeedback(RecordModel):
    """The person's answers to the four experience questions.

    ``asked_by`` is required because answers given to the lead worker can be biased;
    a question left out of ``answers`` was not asked or not answered.
    """

    answers: dict[ExperienceQuestion, ExperienceAnswer] = Field(default_factory=dict)
    comment: PersonNote | None = None
    asked_by: AskedBy
    answered_by_representative: bool = False
    asked_on: NotFutureDate | None = None
