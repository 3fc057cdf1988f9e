"""Agreed actions as the person's page and ``msp actions list`` read them.

Actions are written when a visit is finalised (``ws.actions.keep_from_visit``) and
reviewed at the next visit; these functions only read them, for one person or for the
whole caseload, and say in one sentence when the person asked about is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from msp_desktop.model import AgreedAction
from msp_desktop.store.workspace import Workspace

__all__ = ["PersonActions", "list_actions", "person_actions"]


@dataclass(frozen=True)
class PersonActions:
    """One person's agreed actions: those still to do, and those that are finished."""

    open: tuple[AgreedAction, ...] = ()  # soonest target first, undated last
    finished: tuple[AgreedAction, ...] = ()  # done, not done, no longer needed: newest first

    def overdue(self, today: date) -> tuple[AgreedAction, ...]:
        """The open actions whose target date has passed."""
        return tuple(action for action in self.open if action.is_overdue(today))


def finished_on(action: AgreedAction) -> date | None:
    """When an action's status last changed (None when no change was recorded)."""
    return action.history[-1].on if action.history else None


def person_actions(ws: Workspace, person_id: str) -> PersonActions:
    """Every action agreed with a person, open ones first; ``RecordNotFound`` when the
    person is not on the caseload."""
    ws.people.get(person_id)
    actions = ws.actions.for_person(person_id)  # soonest target first, undated last
    finished = [action for action in actions if not action.is_open]
    finished.sort(key=lambda a: finished_on(a) or a.agreed_on or date.min, reverse=True)
    return PersonActions(
        open=tuple(action for action in actions if action.is_open), finished=tuple(finished)
    )


def list_actions(
    ws: Workspace, person_id: str | None = None, *, overdue_on: date | None = None
) -> list[AgreedAction]:
    """Actions for ``msp actions list``, soonest target first: everyone's, or one
    person's (who must be on the caseload); with ``overdue_on``, only open actions
    whose target date is before that day."""
    if person_id is not None:
        ws.people.get(person_id)
    return ws.actions.listed(person_id, overdue_on=overdue_on)
