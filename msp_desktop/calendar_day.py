"""Which day it is for the person and the council, and dates too far back to be likely.

"Today" on a record is a day of the council's calendar: England's (Europe/London), not
the laptop's own time zone (a laptop set to UTC says "yesterday" from midnight to 1 am
in summer) and not UTC. Every check that a date is "not in the future", and every
"Today" a form fills in, asks ``council_today``.

A date far in the past is allowed (an old concern written up late, a person aged 104)
but is more often a slip of the keyboard (2205 for 2025, 1852 for 1952), so
``far_past_note`` gives a warning, never a refusal:

- a visit, contact or concern date more than a year before today: records are written
  up within days, a year late is rare enough to ask about, and a real one still saves;
- a date of birth more than 120 years back: older than anyone alive in England
  (the oldest person recorded in the UK lived to 115), so it is almost surely a typo.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "COUNCIL_TIME_ZONE",
    "OLDEST_BIRTH_YEARS",
    "RECORD_YEARS_BACK",
    "council_today",
    "day_in_council_zone",
    "far_past_note",
]

COUNCIL_TIME_ZONE = "Europe/London"
"""England (and Wales): every council the app serves keeps this calendar."""

RECORD_YEARS_BACK = 1
OLDEST_BIRTH_YEARS = 120

# The clock, replaceable in tests (``monkeypatch.setattr(calendar_day, "now", ...)``).
now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _uk_offset(moment: datetime) -> timedelta:
    """British Summer Time by its rule (01:00 UTC, last Sunday of March to October):
    for Windows without the tz database (Python finds none there without ``tzdata``)."""
    year = moment.year
    start = datetime.combine(_last_sunday(year, 3), datetime.min.time(), UTC) + timedelta(hours=1)
    end = datetime.combine(_last_sunday(year, 10), datetime.min.time(), UTC) + timedelta(hours=1)
    return timedelta(hours=1) if start <= moment < end else timedelta(0)


def day_in_council_zone(moment: datetime) -> date:
    """The council's calendar day at ``moment`` (an aware datetime)."""
    try:
        return moment.astimezone(ZoneInfo(COUNCIL_TIME_ZONE)).date()
    except ZoneInfoNotFoundError:
        at = moment.astimezone(UTC)
        return (at + _uk_offset(at)).date()


def council_today() -> date:
    """Today by the council's calendar (see the module's documentation)."""
    return day_in_council_zone(now())


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def far_past_note(what: str, value: date | None, today: date) -> str | None:
    """A warning when ``value`` is unlikely far back, else None; ``what`` is
    ``"date of birth"`` or a record's date (``"visit date"``, ``"contact date"``...).

    The record is still saved: the note asks the person to check, not to change.
    """
    if value is None:
        return None
    if what == "date of birth":
        if value < _years_before(today, OLDEST_BIRTH_YEARS):
            return (
                f"Check the date of birth {value:%d/%m/%Y}: it is more than "
                f"{OLDEST_BIRTH_YEARS} years ago. It is saved as given."
            )
        return None
    if value < _years_before(today, RECORD_YEARS_BACK):
        return (
            f"Check the {what} {value:%d/%m/%Y}: it is more than a year ago. It is saved as given."
        )
    return None
