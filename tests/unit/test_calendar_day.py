""" "Today" is the council's calendar day (Europe/London), whatever the laptop's zone,
and a date far back is a note, never a refusal. The clock is injected at 00:30 BST on
2 June 2024, which is 23:30 UTC on 1 June: a laptop on UTC would say it is the 1st."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

import pytest
from pydantic import ValidationError

from msp_desktop import calendar_day
from msp_desktop.calendar_day import council_today, day_in_council_zone, far_past_note
from msp_desktop.cli.main import main as msp
from msp_desktop.model import ContactKind, Person
from msp_desktop.model.base import TODAY
from msp_desktop.services.contacts import add_contact
from msp_desktop.store import Workspace

HALF_PAST_MIDNIGHT_BST = datetime(2024, 6, 1, 23, 30, tzinfo=UTC)
LONDON_DAY = date(2024, 6, 2)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calendar_day, "now", lambda: HALF_PAST_MIDNIGHT_BST)


def test_the_day_is_londons_not_utcs() -> None:
    assert day_in_council_zone(HALF_PAST_MIDNIGHT_BST) == LONDON_DAY
    # In winter London is on UTC: 23:30 UTC is still the same day there.
    assert day_in_council_zone(datetime(2024, 12, 1, 23, 30, tzinfo=UTC)) == date(2024, 12, 1)


def test_without_the_tz_database_the_rule_gives_the_same_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(_key: str) -> None:
        raise ZoneInfoNotFoundError("no tz database")  # as on Windows

    monkeypatch.setattr(calendar_day, "ZoneInfo", missing)
    assert day_in_council_zone(HALF_PAST_MIDNIGHT_BST) == LONDON_DAY
    # The changes: 01:00 UTC on the last Sundays of March (31/3/2024) and October (27/10).
    assert day_in_council_zone(datetime(2024, 3, 31, 0, 59, tzinfo=UTC)) == date(2024, 3, 31)
    assert day_in_council_zone(datetime(2024, 3, 30, 23, 30, tzinfo=UTC)) == date(2024, 3, 30)
    assert day_in_council_zone(datetime(2024, 10, 26, 23, 30, tzinfo=UTC)) == date(2024, 10, 27)
    assert day_in_council_zone(datetime(2024, 10, 27, 23, 30, tzinfo=UTC)) == date(2024, 10, 27)


@pytest.mark.usefixtures("clock")
def test_not_in_the_future_is_judged_by_londons_day() -> None:
    assert council_today() == LONDON_DAY
    assert Person(name="Ada Example", date_of_birth=LONDON_DAY).date_of_birth == LONDON_DAY
    with pytest.raises(ValidationError, match="must not be in the future"):
        Person(name="Ada Example", date_of_birth=date(2024, 6, 3))


def test_the_caller_can_say_which_day_is_today() -> None:
    data = {"name": "Ada Example", "date_of_birth": date(2024, 6, 2)}
    with pytest.raises(ValidationError, match="must not be in the future"):
        Person.model_validate(data, context={TODAY: date(2024, 6, 1)})
    assert Person.model_validate(data, context={TODAY: date(2024, 6, 2)})


@pytest.mark.usefixtures("clock")
def test_a_contact_with_no_date_is_on_londons_day(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "lantern otter copper", "Jo Worker")
    try:
        person = Person(name="Ada Example")
        ws.people.add(person)
        contact = add_contact(ws, person.id, ContactKind.PHONE, "Rang Ada.")
        assert contact.on == LONDON_DAY
    finally:
        ws.close()


def test_far_back_dates_are_notes() -> None:
    today = date(2026, 12, 5)
    assert far_past_note("visit date", date(2025, 12, 5), today) is None
    assert far_past_note("visit date", date(2025, 12, 4), today) == (
        "Check the visit date 04/12/2025: it is more than a year ago. It is saved as given."
    )
    assert far_past_note("date of birth", date(1906, 12, 5), today) is None
    assert far_past_note("date of birth", date(1906, 12, 4), today) == (
        "Check the date of birth 04/12/1906: it is more than 120 years ago. It is saved as given."
    )
    assert far_past_note("date of birth", None, today) is None


@pytest.mark.usefixtures("clock")
def test_the_cli_saves_a_far_back_date_of_birth_and_says_to_check_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ws"
    Workspace.create(folder, "lantern otter copper", "Jo Worker").close()
    monkeypatch.setenv("MSP_PASSPHRASE", "lantern otter copper")
    code = msp(
        ["people", "add", "--workspace", str(folder), "--name", "Ada", "--dob", "1900-01-02"]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert err == (
        "Note: Check the date of birth 02/01/1900: it is more than 120 years ago. "
        "It is saved as given.\n"
    )
    ws = Workspace.open(folder, "lantern otter copper")
    try:
        assert ws.people.get(out.strip()).date_of_birth == date(1900, 1, 2)
    finally:
        ws.close()
