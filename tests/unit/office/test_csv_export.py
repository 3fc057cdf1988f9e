"""``msp-office export --format csv``: five files whose columns are the documented ones."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from msp_desktop.office.export.csv_export import COLUMNS, csv_files, spreadsheet_safe
from msp_desktop.office.export.select import select_people
from msp_desktop.office.export.sharing import LEFT_OUT
from tests.office_helpers import FakeDevice
from tests.unit.office.conftest import Office
from tests.unit.office.export_records import WORDS, rated, send

DOC = Path(__file__).parents[3] / "docs" / "office-export.md"


def _read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _documented() -> dict[str, list[str]]:
    """Each file's columns as docs/office-export.md lists them: a ``### name.csv``
    heading, then a table whose first cell in each row is a column name in backticks."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"### `(\w+\.csv)`", line.strip())
        if heading:
            current = heading[1]
            found[current] = []
        elif current and (cell := re.match(r"\| `(\w+)` \|", line)):
            found[current].append(cell[1])
        elif line.startswith("## "):
            current = None
    return found


def test_the_headers_are_the_documented_columns(office: Office) -> None:
    files = csv_files(select_people(office.store).people)
    assert list(files) == list(COLUMNS)
    documented = _documented()
    assert list(documented) == list(COLUMNS)
    for name, data in files.items():
        header = data.decode("utf-8").split("\r\n")[0]
        assert header.split(",") == documented[name], name


def test_the_rows_carry_the_persons_words_and_ratings(office: Office, device: FakeDevice) -> None:
    records = rated()
    send(office, device, records)
    files = csv_files(select_people(office.store).people)
    assert all(data.endswith(b"\r\n") for data in files.values())
    (person,) = _read(files["people.csv"])
    assert (person["name"], person["nhs_number"], person["date_of_birth"]) == (
        "Ada Example", records.person.nhs_number, "1941-03-02"
    )  # fmt: skip
    (concern,) = _read(files["concerns.csv"])
    assert (concern["status"], concern["closed_on"]) == ("closed", "2026-11-12")
    outcomes = _read(files["outcomes.csv"])
    assert [(o["words"], o["sg4a_achieved"]) for o in outcomes] == [
        (WORDS[0], "Fully Achieved"),
        ("'" + WORDS[1], "Partially Achieved"),  # begins with "=": kept as text
        (WORDS[2], "Not Achieved"),
        (LEFT_OUT, ""),
    ]
    assert {o["person_id"] for o in outcomes} == {records.person.id}
    visits = _read(files["visits.csv"])
    assert [(v["held"], v["consent_to_share"]) for v in visits] == [
        ("no", ""), ("yes", "partly"), ("yes", "yes")
    ]  # fmt: skip
    assert visits[2]["experience_understood_why"] == "a_lot"
    assert visits[2]["experience_happy_with_result"] == ""
    actions = {a["action_id"]: a for a in _read(files["actions.csv"])}
    done, mine = (actions[a.id] for a in records.actions)
    assert (done["status"], done["what"]) == ("done", "Ask the bank about a second signatory.")
    assert (mine["status"], mine["what"], mine["owner"]) == ("open", LEFT_OUT, "person")
    assert mine["outcome_ids"].split() == records.actions[1].outcome_ids


def test_nothing_internal_or_about_third_parties_is_in_any_file(
    office: Office, device: FakeDevice
) -> None:
    send(office, device, rated())
    for name, data in csv_files(select_people(office.store).people).items():
        assert b"SECRET" not in data, name


def test_a_local_id_that_looks_like_a_formula_is_kept_as_text(
    office: Office, device: FakeDevice
) -> None:
    send(office, device, rated(i=4))
    (person,) = _read(csv_files(select_people(office.store).people)["people.csv"])
    assert person["local_id"] == "'+LOCAL-4"


@pytest.mark.parametrize("text", ["=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["Ada", "1+1", "a=b", "'quoted", ""])
def test_other_cells_are_left_as_they_are(text: str) -> None:
    assert spreadsheet_safe(text) == text
