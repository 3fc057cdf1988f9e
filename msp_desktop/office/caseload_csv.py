"""Reading the council's caseload export: one CSV file, every row checked, every problem named.

The council's case system (Mosaic, Liquidlogic LAS, Eclipse) exports the people and
open concerns the team works on; ``msp-office caseload import --csv FILE`` reads that
export. The columns (``COLUMNS``, documented for councils in docs/caseload-csv.md):
a header row names them, in any order, case and outer spaces ignored; only
``local_id`` and ``name`` must be there. A row is one person and, when
``concern_reference`` is filled in, one open concern of theirs: a person with two open
concerns is two rows with the same ``local_id`` (and the same details).

Every value is checked by the same record models the laptop uses (``Person``,
``Concern``), so what the office accepts a device accepts too. A problem is reported
as ``Row 7, column date_of_birth: …`` where rows are counted as a spreadsheet counts
them (the header is row 1), so an administrator can find it in the file they
exported. Reading never stops at the first problem: the whole file is checked and
every problem listed, and nothing is imported unless there are none.

This module only reads and checks; ``caseload`` decides what is new and writes it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import ValidationError

from msp_desktop.model.base import TODAY
from msp_desktop.model.choices import CommunicationNeed, CopyFormat, Language
from msp_desktop.model.concern import Concern
from msp_desktop.model.labels import RiskLocation, RiskSource, RiskType
from msp_desktop.model.person import Person

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "CaseloadProblem",
    "CaseloadRow",
    "ReadCaseload",
    "read_caseload",
]

COLUMNS: dict[str, str] = {
    "local_id": "the person's id in the council's system (required)",
    "name": "the person's full name (required)",
    "preferred_name": "what they like to be called",
    "date_of_birth": "YYYY-MM-DD or DD/MM/YYYY",
    "nhs_number": "10 digits, spaces allowed; the check digit must match",
    "address": "their address (line breaks allowed inside quotes)",
    "phone": "their phone number",
    "language": "English (or en), Welsh (Cymraeg, cy), or the name of another language",
    "communication_needs": "any of interpreter, bsl, easy_read, large_print, hearing, sight, "
    "separated by ;",
    "preferred_format": "the copies they prefer: plain, large-print or easy-read",
    "concern_reference": "the concern's reference in the council's system",
    "raised_on": "the date the concern was raised (needed with a concern_reference)",
    "sac_type": "types of risk, the national SAC labels (e.g. Financial or Material Abuse), "
    "separated by ;",
    "sac_location": "location of risk, a national SAC label (e.g. Own Home)",
    "sac_source": "source of risk, a national SAC label (e.g. Other - Known to individual)",
    "allocated_to": "the enrolled device id, or the worker's name as enrolled",
}
"""Every column the import reads, with what it holds."""

REQUIRED = ("local_id", "name")
PERSON_COLUMNS = (
    "local_id", "name", "preferred_name", "date_of_birth", "nhs_number", "address", "phone",
    "language", "communication_needs", "preferred_format",
)  # fmt: skip
CONCERN_COLUMNS = ("raised_on", "sac_type", "sac_location", "sac_source")
MAX_BYTES = 64 * 1024 * 1024
"""A caseload export larger than this is refused before it is read (64 MiB: some
hundred thousand rows)."""
MAX_ROWS = 200_000
MAX_PROBLEMS = 1_000
"""Reading stops listing problems after this many (a wrong file has one on every row)."""

# Which CSV column a record field came from, to name it in a problem.
_PERSON_FIELDS = {
    "local_id": "local_id",
    "name": "name",
    "preferred_name": "preferred_name",
    "date_of_birth": "date_of_birth",
    "nhs_number": "nhs_number",
    "address": "address",
    "phone": "phone",
    "preferred_language": "language",
    "other_language": "language",
    "communication_needs": "communication_needs",
    "preferred_format": "preferred_format",
}
_CONCERN_FIELDS = {
    "raised_on": "raised_on",
    "risk_types": "sac_type",
    "risk_location": "sac_location",
    "risk_source": "sac_source",
}
_PLACEHOLDER_ID = "checking"
R = TypeVar("R", Person, Concern)


@dataclass(frozen=True)
class CaseloadProblem:
    """One thing wrong with the file: where (a spreadsheet row number, a column) and what."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "The file"
        column = f", column {self.column}" if self.column else ""
        return f"{where}{column}: {self.message}"


@dataclass(frozen=True)
class CaseloadRow:
    """One checked row: the person's and the concern's fields as the record models take
    them (no ids yet: ``caseload`` gives them), the concern's reference, and
    ``allocated_to`` as written (``caseload`` finds the device)."""

    row: int
    local_id: str
    person: dict[str, Any]
    reference: str | None
    concern: dict[str, Any] | None
    allocated_to: str | None
    checked_person: Person | None = field(default=None, compare=False, repr=False)
    """``person`` as the model checked it (with a stand-in id)."""
    checked_concern: Concern | None = field(default=None, compare=False, repr=False)
    """``concern`` as the model checked it (with a stand-in person id)."""


@dataclass
class ReadCaseload:
    """What ``read_caseload`` found: the good rows, and every problem."""

    rows: list[CaseloadRow] = field(default_factory=list)
    problems: list[CaseloadProblem] = field(default_factory=list)
    more_problems: int = 0
    """Problems found beyond ``MAX_PROBLEMS`` (counted, not listed)."""
    rows_read: int = 0
    """Rows after the header read so far (a damaged file is reported at the next)."""

    def problem(self, row: int, column: str | None, message: str) -> None:
        """Note a problem (listed up to ``MAX_PROBLEMS``, counted after)."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(CaseloadProblem(row, column, message))
        else:
            self.more_problems += 1


def _key(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _choice(value: str, choices: dict[str, str], what: str) -> str:
    found = choices.get(_key(value))
    if found is None:
        raise ValueError(f"{value!r} is not {what}")
    return found


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: str) -> date:
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)  # much quicker than strptime, at 10,000 rows
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD or DD/MM/YYYY") from None


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


_NEEDS = {_key(n.value): n.value for n in CommunicationNeed} | {"british_sign_language": "bsl"}
_FORMATS = {_key(f.value): f.value for f in CopyFormat}
_RISK_TYPES = {_key(t.value): t.value for t in RiskType}
_LOCATIONS = {_key(t.value): t.value for t in RiskLocation}
_SOURCES = {_key(t.value): t.value for t in RiskSource}
_LANGUAGES = {"english": Language.EN, "en": Language.EN, "welsh": Language.CY,
              "cymraeg": Language.CY, "cy": Language.CY}  # fmt: skip


def _person_fields(cells: dict[str, str]) -> dict[str, Any]:
    """The Person fields of a row (conversion problems raise ``_CellProblem``)."""
    fields: dict[str, Any] = {}
    for column in ("local_id", "name", "preferred_name", "nhs_number", "phone", "address"):
        if cells.get(column):
            fields[column] = cells[column]
    with _cell("date_of_birth"):
        if cells.get("date_of_birth"):
            fields["date_of_birth"] = _date(cells["date_of_birth"])
    language = cells.get("language", "")
    if language:
        known = _LANGUAGES.get(language.strip().lower())
        fields["preferred_language"] = known or Language.OTHER
        if known is None:
            fields["other_language"] = language
    with _cell("communication_needs"):
        needs = [
            _choice(v, _NEEDS, "a communication need this app knows")
            for v in _listed(cells.get("communication_needs", ""))
        ]
        if needs:
            fields["communication_needs"] = needs
    with _cell("preferred_format"):
        if cells.get("preferred_format"):
            fields["preferred_format"] = _choice(
                cells["preferred_format"], _FORMATS, "plain, large-print or easy-read"
            )
    return fields


def _concern_fields(cells: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    with _cell("raised_on"):
        if not cells.get("raised_on"):
            raise ValueError("a concern needs the date it was raised")
        fields["raised_on"] = _date(cells["raised_on"])
    with _cell("sac_type"):
        fields["risk_types"] = [
            _choice(v, _RISK_TYPES, "a national SAC type of risk") for v in _listed(
                cells.get("sac_type", ""))
        ]  # fmt: skip
    with _cell("sac_location"):
        if cells.get("sac_location"):
            fields["risk_location"] = _choice(
                cells["sac_location"], _LOCATIONS, "a national SAC location of risk"
            )
    with _cell("sac_source"):
        if cells.get("sac_source"):
            fields["risk_source"] = _choice(
                cells["sac_source"], _SOURCES, "a national SAC source of risk"
            )
    return fields


class _CellProblem(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@contextmanager
def _cell(column: str) -> Iterator[None]:
    """Turn a ``ValueError`` inside into a ``_CellProblem`` naming ``column``."""
    try:
        yield
    except ValidationError:
        raise
    except ValueError as exc:
        raise _CellProblem(column, str(exc)) from None


def _model_problems(
    error: ValidationError, columns: dict[str, str], fallback: str
) -> list[tuple[str, str]]:
    found = []
    for detail in error.errors():
        where = detail.get("loc") or ()
        column = columns.get(str(where[0]), fallback) if where else fallback
        message = str(detail.get("msg", "not acceptable"))
        found.append((column, message.removeprefix("Value error, ")))
    return found


def _header(reader: Any, read: ReadCaseload) -> list[str] | None:
    try:
        header = next(reader)
    except StopIteration:
        read.problem(0, None, "it is empty; export the caseload with a header row")
        return None
    names = [_key(name) for name in header]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        read.problem(1, None, f"unknown column(s) {', '.join(unknown)}; the columns this "
                     f"import reads are {', '.join(COLUMNS)}")  # fmt: skip
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        read.problem(1, None, f"column(s) named twice: {', '.join(repeated)}")
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        read.problem(1, None, f"the header has no {' or '.join(missing)} column")
    return None if read.problems else names


def read_caseload(data: bytes, *, today: date) -> ReadCaseload:
    """Read and check a caseload export (``data``: the file's bytes, UTF-8, a byte
    order mark allowed); ``today`` is the latest date a record may carry.

    Every row is checked and every problem listed (up to ``MAX_PROBLEMS``); the rows
    are only for importing when ``problems`` is empty. Rows of one ``local_id`` must
    agree on the person's details and allocation, and a concern reference may appear
    once.
    """
    read = ReadCaseload()
    if len(data) > MAX_BYTES:
        read.problem(0, None, f"it is larger than {MAX_BYTES // (1024 * 1024)} MiB; split it")
        return read
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        read.problem(line, None, "it is not UTF-8 text; save it from the spreadsheet as "
                     "'CSV UTF-8' and import that")  # fmt: skip
        return read
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        names = _header(reader, read)
        if names is None:
            return read
        _read_rows(reader, names, today, read)
    except csv.Error as exc:
        read.problem(read.rows_read + 2, None, f"the CSV is damaged ({exc}); export it again")
    return read


def _read_rows(reader: Any, names: list[str], today: date, read: ReadCaseload) -> None:
    people: dict[str, CaseloadRow] = {}
    references: dict[str, int] = {}
    for number, values in enumerate(reader, start=2):
        read.rows_read = number - 1
        if number - 1 > MAX_ROWS:
            read.problem(number, None, f"more than {MAX_ROWS:,} rows; split the file")
            return
        if not any(v.strip() for v in values):
            continue  # a blank line, as spreadsheets leave at the end
        if len(values) != len(names):
            read.problem(number, None, f"it has {len(values)} values but the header names "
                         f"{len(names)} columns")  # fmt: skip
            continue
        cells = {name: value.strip() for name, value in zip(names, values, strict=True)}
        row = _read_row(number, cells, today, read)
        if row is None:
            continue
        if row.reference is not None:
            if row.reference in references:
                read.problem(number, "concern_reference", f"{row.reference!r} is also on "
                             f"row {references[row.reference]}")  # fmt: skip
                continue
            references[row.reference] = number
        first = people.get(row.local_id)
        if first is None:
            people[row.local_id] = row
        elif first.person != row.person or first.allocated_to != row.allocated_to:
            read.problem(number, "local_id", f"{row.local_id!r} is also on row {first.row} "
                         "with other details or allocation; give one person one set")  # fmt: skip
            continue
        read.rows.append(row)


# Which CSV column each model's fields come from, and the column a problem with no
# field of its own is put on.
_NAMED_BY: dict[type, tuple[dict[str, str], str]] = {
    Person: (_PERSON_FIELDS, "name"),
    Concern: (_CONCERN_FIELDS, "concern_reference"),
}


def _checked(
    model: type[R],
    fields_of: Callable[[dict[str, str]], dict[str, Any]],
    stand_ins: dict[str, str],
    cells: dict[str, str],
    today: date,
    problems: list[tuple[str, str]],
) -> tuple[dict[str, Any], R | None]:
    """The model's fields from the row, and the record the model makes of them (with
    ``stand_ins`` for its ids); each problem is added to ``problems`` by column."""
    columns, fallback = _NAMED_BY[model]
    fields: dict[str, Any] = {}
    try:
        fields = fields_of(cells)
        return fields, model.model_validate({**stand_ins, **fields}, context={TODAY: today})
    except _CellProblem as exc:
        problems.append((exc.column, exc.message))
    except ValidationError as exc:
        problems.extend(_model_problems(exc, columns, fallback))
    return fields, None


def _read_row(
    number: int, cells: dict[str, str], today: date, read: ReadCaseload
) -> CaseloadRow | None:
    problems: list[tuple[str, str]] = []
    for column in REQUIRED:
        if not cells.get(column):
            problems.append((column, "it is empty; every row needs one"))
    person, checked_person = _checked(
        Person, _person_fields, {"id": _PLACEHOLDER_ID}, cells, today, problems
    )
    reference = cells.get("concern_reference") or None
    concern: dict[str, Any] | None = None
    checked_concern: Concern | None = None
    if reference is None:
        given = [c for c in CONCERN_COLUMNS if cells.get(c)]
        if given:
            problems.append(("concern_reference", f"empty, but {', '.join(given)} "
                             "describe a concern; give its reference"))  # fmt: skip
    else:
        concern, checked_concern = _checked(
            Concern, _concern_fields, {"person_id": _PLACEHOLDER_ID}, cells, today, problems
        )
        if len(reference) > 100:
            problems.append(("concern_reference", "longer than 100 characters"))
    if len(cells.get("local_id", "")) > 100:
        problems.append(("local_id", "longer than 100 characters"))
    # One problem per column: an empty name is not also "Field required".
    named: dict[str, str] = {}
    for column, message in problems:
        named.setdefault(column, message)
    for column, message in named.items():
        read.problem(number, column, message)
    if problems:
        return None
    return CaseloadRow(
        row=number,
        local_id=cells["local_id"],
        person=person,
        reference=reference,
        concern=concern,
        allocated_to=cells.get("allocated_to") or None,
        checked_person=checked_person,
        checked_concern=checked_concern,
    )
