"""Reading the council's caseload export (issue 17, item 1): every row checked by the
record models, every problem named by its spreadsheet row and its column."""

from __future__ import annotations

from datetime import date

import pytest

from msp_desktop.office.caseload_csv import COLUMNS, read_caseload

TODAY = date(2026, 12, 6)
HEADER = (
    "local_id,name,preferred_name,date_of_birth,nhs_number,address,phone,language,"
    "communication_needs,preferred_format,concern_reference,raised_on,sac_type,"
    "sac_location,sac_source,allocated_to"
)


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def _problems(data: bytes) -> list[str]:
    read = read_caseload(data, today=TODAY)
    assert read.rows == [] or read.problems, "problems must stop every row"
    return [str(p) for p in read.problems]


def test_a_good_export_gives_each_row_as_the_record_models_take_it() -> None:
    data = b"\xef\xbb\xbf" + _csv(
        'M-1001,Ada Example,Ada,1948-03-02,943 476 5919,"1 Fictional Road\nNorthtown",'
        "01632 960001,Welsh,BSL; large print,Large Print,SAF-1,03/11/2026,"
        "Financial or Material Abuse;neglect and acts of omission,Own Home,"
        "Other - Known to individual,laptop-7",
        'M-1001,Ada Example,Ada,1948-03-02,943 476 5919,"1 Fictional Road\nNorthtown",'
        "01632 960001,Welsh,BSL; large print,Large Print,SAF-2,2026-11-30,Self-Neglect,,,laptop-7",
        "M-1002,Bryn Sample,,,,,,Polish,,,,,,,,",
        ",,,,,,,,,,,,,,,",  # a blank line a spreadsheet leaves
    )
    read = read_caseload(data, today=TODAY)
    assert read.problems == []
    first, second, third = read.rows
    assert (first.row, second.row, third.row) == (2, 3, 4)
    assert first.person == {
        "local_id": "M-1001",
        "name": "Ada Example",
        "preferred_name": "Ada",
        "nhs_number": "943 476 5919",
        "phone": "01632 960001",
        "address": "1 Fictional Road\nNorthtown",
        "date_of_birth": date(1948, 3, 2),
        "preferred_language": "cy",
        "communication_needs": ["bsl", "large_print"],
        "preferred_format": "large-print",
    }
    assert first.reference == "SAF-1"
    assert first.concern == {
        "raised_on": date(2026, 11, 3),
        "risk_types": ["Financial or Material Abuse", "Neglect and Acts of Omission"],
        "risk_location": "Own Home",
        "risk_source": "Other - Known to individual",
    }
    assert first.allocated_to == "laptop-7"
    assert second.person == first.person
    assert second.concern == {"raised_on": date(2026, 11, 30), "risk_types": ["Self-Neglect"]}
    assert third.person == {
        "local_id": "M-1002",
        "name": "Bryn Sample",
        "preferred_language": "other",
        "other_language": "Polish",
    }
    assert (third.reference, third.concern, third.allocated_to) == (None, None, None)


def test_columns_may_come_in_any_order_and_case_and_only_two_are_needed() -> None:
    read = read_caseload(_csv("Cai Other,M-7", header=" Name ,LOCAL ID"), today=TODAY)
    assert read.problems == []
    assert read.rows[0].person == {"local_id": "M-7", "name": "Cai Other"}


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("M-1,,,,,,,,,,,,,,,", "Row 2, column name: it is empty; every row needs one"),
        (",Ada Example,,,,,,,,,,,,,,", "Row 2, column local_id: it is empty; every row needs one"),
        ("M-1,Ada Example,,31/02/1950,,,,,,,,,,,,",
         "Row 2, column date_of_birth: '31/02/1950' is not a date written YYYY-MM-DD or "
         "DD/MM/YYYY"),
        ("M-1,Ada Example,,2027-01-01,,,,,,,,,,,,",
         "Row 2, column date_of_birth: date must not be in the future"),
        ("M-1,Ada Example,,,943 476 5918,,,,,,,,,,,",
         "Row 2, column nhs_number: its last digit does not match the others; check it was "
         "copied right"),
        ("M-1,Ada Example,,,,,,,telepathy,,,,,,,",
         "Row 2, column communication_needs: 'telepathy' is not a communication need this "
         "app knows"),
        ("M-1,Ada Example,,,,,,,,braille,,,,,,",
         "Row 2, column preferred_format: 'braille' is not plain, large-print or easy-read"),
        ("M-1,Ada Example,,,,,,,,,SAF-1,,,,,",
         "Row 2, column raised_on: a concern needs the date it was raised"),
        ("M-1,Ada Example,,,,,,,,,SAF-1,2026-11-01,Theft,,,",
         "Row 2, column sac_type: 'Theft' is not a national SAC type of risk"),
        ("M-1,Ada Example,,,,,,,,,SAF-1,2026-11-01,,Garden,,",
         "Row 2, column sac_location: 'Garden' is not a national SAC location of risk"),
        ("M-1,Ada Example,,,,,,,,,SAF-1,2026-11-01,,,Stranger,",
         "Row 2, column sac_source: 'Stranger' is not a national SAC source of risk"),
        ("M-1,Ada Example,,,,,,,,,,2026-11-01,Self-Neglect,,,",
         "Row 2, column concern_reference: empty, but raised_on, sac_type describe a "
         "concern; give its reference"),
        ("M-1,Ada Example,,,,,,,,",
         "Row 2: it has 10 values but the header names 16 columns"),
    ],
)  # fmt: skip
def test_each_problem_names_the_row_and_the_column(row: str, problem: str) -> None:
    assert _problems(_csv(row)) == [problem]


def test_every_row_is_checked_not_just_the_first_bad_one() -> None:
    data = _csv(
        "M-1,Ada Example,,,,,,,,,SAF-1,2026-11-01,,,,",
        "M-2,,,,,,,,,,SAF-1,2026-11-01,,,,",
        "M-3,Cai Other,,,,,,,,,SAF-1,2026-11-02,,,,",
        "M-1,Ada Exemple,,,,,,,,,SAF-4,2026-11-01,,,,",
    )
    assert _problems(data) == [
        "Row 3, column name: it is empty; every row needs one",
        "Row 4, column concern_reference: 'SAF-1' is also on row 2",
        "Row 5, column local_id: 'M-1' is also on row 2 with other details or allocation; "
        "give one person one set",
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "The file: it is empty; export the caseload with a header row"),
        (_csv(header="local_id,name,surname"),
         f"Row 1: unknown column(s) surname; the columns this import reads are "
         f"{', '.join(COLUMNS)}"),
        (_csv(header="local_id,phone"), "Row 1: the header has no name column"),
        (_csv(header="local_id,name,Name"), "Row 1: column(s) named twice: name"),
        (_csv("M-1,Ad\xe9le", header="local_id,name").replace(b"\xc3\xa9", b"\xe9"),
         "Row 2: it is not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8' and "
         "import that"),
        (b'local_id,name\r\nM-1,"Ada\r\n', "Row 2: the CSV is damaged (unexpected end of "
         "data); export it again"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_caseload_export_says_why(data: bytes, problem: str) -> None:
    assert _problems(data) == [problem]
