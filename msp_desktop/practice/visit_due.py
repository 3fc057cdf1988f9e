"""When the next MSP conversation with the person is due.

Making Safeguarding Personal asks the person what they want at the *beginning* of a
concern and reviews each outcome with them in the *middle*; a concern left without a
conversation drifts away from what the person wants. The caseload and the person
page use this rule to say when the next conversation is due, or that it is overdue.
"""

from __future__ import annotations

from datetime import date, timedelta

from msp_desktop.model import ConcernStatus

__all__ = [
    "FIRST_CONVERSATION_DAYS",
    "REVIEW_INTERVAL_DAYS",
    "next_visit_due",
    "suggested_next_visit",
]

FIRST_CONVERSATION_DAYS = 7
"""Days from the concern being raised to the first conversation.

MSP asks at the beginning: the person says what they want to happen before decisions
are made for them, so the first conversation should come within a week.
"""

REVIEW_INTERVAL_DAYS = 28
"""Days from one conversation to the next while the concern is open.

MSP reviews in the middle: each desired outcome is checked with the person (still
wanted? changed? progress?), so no open concern should go a month without one.
"""


def suggested_next_visit(raised_on: date, last_visit: date | None) -> date:
    """The practice rule's date for the next conversation: a week after the concern was
    raised for the first, four weeks after the last conversation after that."""
    if last_visit is None or last_visit < raised_on:
        return raised_on + timedelta(days=FIRST_CONVERSATION_DAYS)
    return last_visit + timedelta(days=REVIEW_INTERVAL_DAYS)


def next_visit_due(
    status: ConcernStatus | str,
    raised_on: date,
    last_visit: date | None,
    agreed: date | None = None,
) -> date | None:
    """The day the next conversation is due for one concern, or None when it is closed.

    ``last_visit`` is the date of the most recent conversation held for this concern
    (None when there has been none). A visit dated before the concern was raised
    belongs to an earlier episode, so it does not count as the first conversation.
    ``agreed`` is the next visit agreed with the person at the latest visit (or the
    date a visit that did not happen was rearranged for): when there is one, it is the
    due date, whatever the rule would suggest.
    """
    if ConcernStatus(status) is not ConcernStatus.OPEN:
        return None
    if agreed is not None:
        return agreed
    if last_visit is None or last_visit < raised_on:
        return raised_on + timedelta(days=FIRST_CONVERSATION_DAYS)
    return last_visit + timedelta(days=REVIEW_INTERVAL_DAYS)
