"""Dates by the council's calendar (issue 15, item 8, the office half).

The office machine runs on UTC. At 23:30 UTC on 15 July 2026 it is 00:30 BST on
16 July in London, and a laptop there rightly records a concern raised "today",
16 July. The office must judge that date by its own calendar (Europe/London unless
office.json says otherwise) with a day of grace, not by its machine's UTC date.
The shared model's own "today" (``calendar_day.now``) is pinned to that moment here;
the office's "now" for dates is its importer's ``calendar`` clock, and the office passes
its own latest acceptable day (today plus the grace day) to the model.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from msp_desktop import calendar_day
from msp_desktop.bundles import ContentRejected
from msp_desktop.office.cli.main import main as office_main
from msp_desktop.office.importer import Importer
from tests import builders
from tests.office_helpers import FakeDevice, envelope
from tests.unit.office.conftest import Office

NOW = datetime(2026, 7, 15, 23, 30, tzinfo=UTC)  # 00:30 BST on 16 July in London


_REAL_NOW = calendar_day.now


@pytest.fixture(autouse=True)
def _the_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calendar_day, "now", lambda: NOW)


def _bundle_raised_on(office: Office, device: FakeDevice, raised_on: date) -> bytes:
    # Made however the laptop made it (a later date too): by the real clock, so only the
    # office's judgement is tested.
    with pytest.MonkeyPatch.context() as laptop:
        laptop.setattr(calendar_day, "now", _REAL_NOW)
        person = builders.person("Ada Example")
        concern = builders.concern(person, raised_on=raised_on)
    records = [envelope("person", person), envelope("concern", concern)]
    return device.bundle(office.inbox, records).data


def _importer(office: Office, time_zone: str = "Europe/London") -> Importer:
    return Importer(office.store, office.keys, office.layout, calendar=lambda: NOW,
                    time_zone=time_zone)  # fmt: skip


def test_a_date_that_is_today_in_london_is_accepted_while_utc_is_a_day_behind(
    office: Office, device: FakeDevice
) -> None:
    data = _bundle_raised_on(office, device, date(2026, 7, 16))
    outcome = _importer(office).import_bundle(data, source="b", receipts=office.layout.receipts)
    assert outcome.checked.status == "imported"


def test_the_day_of_grace_is_the_limit(office: Office, device: FakeDevice) -> None:
    grace = _bundle_raised_on(office, device, date(2026, 7, 17))  # London's today + 1
    imported = _importer(office).import_bundle(grace, source="b", receipts=office.layout.receipts)
    assert imported.checked.status == "imported"
    before = office.db_state()
    late = _bundle_raised_on(office, device, date(2026, 7, 18))  # London's today + 2
    with pytest.raises(ContentRejected, match="date must not be in the future"):
        _importer(office).import_bundle(late, source="b", receipts=office.layout.receipts)
    assert office.db_state() == before


def test_the_time_zone_is_the_offices(office: Office, device: FakeDevice) -> None:
    # At NOW it is 12:30 on 15 July in Pago Pago (UTC-11): the 17th is past its grace day.
    data = _bundle_raised_on(office, device, date(2026, 7, 17))
    with pytest.raises(ContentRejected, match="date must not be in the future"):
        _importer(office, "Pacific/Pago_Pago").check(data)


def test_init_takes_the_council_time_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "office"
    argv = ["init", "--dir", str(folder), "--office-id", "west", "--name", "West Council"]
    assert office_main([*argv, "--time-zone", "Europe/Dublin"]) == 0
    assert "Dates are judged by the calendar of Europe/Dublin." in capsys.readouterr().out
    assert json.loads((folder / "office.json").read_text())["time_zone"] == "Europe/Dublin"


def test_init_refuses_an_unknown_time_zone_before_making_any_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "office"
    argv = ["init", "--dir", str(folder), "--office-id", "west", "--name", "West Council"]
    assert office_main([*argv, "--time-zone", "Mars/Olympus_Mons"]) == 2
    assert capsys.readouterr().err == (
        "msp-office: 'Mars/Olympus_Mons' is not a time zone this computer knows; "
        "give one like Europe/London.\n"
    )
    assert not (folder / "keys").exists()
    assert not (folder / "office.json").exists()
