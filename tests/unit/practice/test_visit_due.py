"""When the next conversation is due: every branch, as a table."""

from __future__ import annotations

from datetime import date

import pytest

from msp_desktop.model import ConcernStatus
from msp_desktop.practice import FIRST_CONVERSATION_DAYS, REVIEW_INTERVAL_DAYS, next_visit_due

RAISED = date(2026, 10, 1)

CASES = [
    pytest.param(ConcernStatus.OPEN, None, date(2026, 10, 8), id="open-no-visit-yet"),
    pytest.param("open", None, date(2026, 10, 8), id="status-as-stored-text"),
    pytest.param(ConcernStatus.OPEN, RAISED, date(2026, 10, 29), id="visited-on-the-day"),
    pytest.param(ConcernStatus.OPEN, date(2026, 11, 20), date(2026, 12, 18), id="reviewed"),
    pytest.param(
        ConcernStatus.OPEN, date(2026, 12, 20), date(2027, 1, 17), id="across-the-new-year"
    ),
    pytest.param(
        ConcernStatus.OPEN, date(2026, 9, 1), date(2026, 10, 8), id="visit-before-raised-ignored"
    ),
    pytest.param(ConcernStatus.CLOSED, None, None, id="closed-never-visited"),
    pytest.param(ConcernStatus.CLOSED, date(2026, 11, 20), None, id="closed-after-visits"),
    pytest.param("closed", date(2026, 11, 20), None, id="closed-as-stored-text"),
]


@pytest.mark.parametrize(("status", "last_visit", "expected"), CASES)
def test_next_visit_due(
    status: ConcernStatus | str, last_visit: date | None, expected: date | None
) -> None:
    assert next_visit_due(status, RAISED, last_visit) == expected


def test_the_intervals_are_a_week_then_four_weeks() -> None:
    assert FIRST_CONVERSATION_DAYS == 7
    assert REVIEW_INTERVAL_DAYS == 28


def test_an_unknown_status_is_an_error() -> None:
    with pytest.raises(ValueError, match="paused"):
        next_visit_due("paused", RAISED, None)
