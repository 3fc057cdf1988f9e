"""Agreed actions as records of their own, kept from the visit that agreed them until done.

A visit's draft holds its actions while it is written (``outcomes.Action``); finalising
the visit keeps each one here, and every later review adds to its history. So an
action outlives the visit: the person's page lists what is outstanding, the caseload
counts what is overdue, and the next visit reviews each one.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from msp_desktop.model.base import NotFutureDate, OptionalShortText, RecordId, RecordModel
from msp_desktop.model.choices import ActionOwner, ActionStatus
from msp_desktop.model.outcomes import Action
from msp_desktop.model.text import PersonNote

__all__ = ["ActionChange", "AgreedAction"]


class ActionChange(RecordModel):
    """One change of an action's status, where and when it was recorded."""

    on: NotFutureDate
    status: ActionStatus
    note: PersonNote | None = None
    visit_id: RecordId | None = None


class AgreedAction(RecordModel):
    """An action agreed with the person: what, who, by when, for which outcomes, and
    where it stands (``status``), with every change in ``history``."""

    id: RecordId
    person_id: RecordId
    concern_id: RecordId
    what: PersonNote | None = None
    owner: ActionOwner | None = None
    who: OptionalShortText = None
    by_when: date | None = None
    outcome_ids: list[RecordId] = Field(default_factory=list)
    status: ActionStatus = ActionStatus.OPEN
    status_note: PersonNote | None = None
    agreed_on: date | None = None
    agreed_in_visit: RecordId | None = None
    history: list[ActionChange] = Field(default_factory=list)

    @property
    def is_open(self) -> bool:
        """Still to be done."""
        return self.status is ActionStatus.OPEN

    def is_overdue(self, today: date) -> bool:
        """Open, with a target date already passed."""
        return self.is_open and self.by_when is not None and self.by_when < today

    def as_carried(self) -> Action:
        """This action as the next visit shows it for review: its status unanswered."""
        return Action(
            id=self.id,
            what=self.what,
            owner=self.owner,
            who=self.who,
            by_when=self.by_when,
            outcome_ids=list(self.outcome_ids),
            status=None,
            carried=True,
        )
