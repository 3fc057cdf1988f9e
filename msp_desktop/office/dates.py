"""Which dates the office accepts: "today" by the council's calendar, with a day of grace.

A laptop decides "today" by its own clock and zone; the office may run on UTC. Between
midnight and 01:00 in a British summer a date the laptop rightly called today is
tomorrow by UTC, so the office judges dates in the council's time zone
(``office.json``'s ``time_zone``, Europe/London unless set) and allows one day more,
for a laptop whose clock or zone is a little off. Nothing later is accepted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msp_desktop.errors import InvalidInput

__all__ = ["DEFAULT_TIME_ZONE", "GRACE", "check_time_zone", "latest_record_date"]

DEFAULT_TIME_ZONE = "Europe/London"
GRACE = timedelta(days=1)


def check_time_zone(name: str) -> str:
    """``name`` if it is a time zone this computer knows (``Europe/London``), else
    ``InvalidInput`` in one sentence."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"{name!r} is not a time zone this computer knows; give one like Europe/London."
        ) from None
    return name


def latest_record_date(now: datetime, time_zone: str) -> date:
    """The latest date a record may carry when it arrives at ``now`` (aware): today in
    ``time_zone``, plus ``GRACE``."""
    return now.astimezone(ZoneInfo(check_time_zone(time_zone))).date() + GRACE
