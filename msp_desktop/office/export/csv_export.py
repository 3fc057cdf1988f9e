"""The export as CSV, for councils without a FHIR endpoint: one file per kind of row.

``people.csv``, ``concerns.csv``, ``visits.csv``, ``outcomes.csv`` and ``actions.csv``,
with the columns of ``COLUMNS`` (documented, column by column, in
docs/office-export.md). RFC 4180, UTF-8, CRLF line ends, a header row first. Ids join
the files: each row carries its ``person_id`` and, below people, its ``concern_id``.

Free text is carried only where it is the person's own (``sharing``). A cell that a
spreadsheet would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) gets a leading apostrophe, so it is shown as the text it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from msp_desktop.model import ExperienceQuestion, Visit
from msp_desktop.office.export.select import PersonRecords
from msp_desktop.office.export.sharing import shared_text

__all__ = ["COLUMNS", "csv_files", "spreadsheet_safe"]

Cell = str | date | bool | None

_EXPERIENCE = tuple(f"experience_{q.value}" for q in ExperienceQuestion)

COLUMNS: dict[str, tuple[str, ...]] = {
    "people.csv": (
        "person_id", "name", "preferred_name", "date_of_birth", "nhs_number", "local_id",
        "preferred_language",
    ),
    "concerns.csv": (
        "concern_id", "person_id", "raised_on", "status", "stage", "closed_on",
        "sg4a_asked", "sg2c_action_result", "risk_outcome",
    ),
    "visits.csv": (
        "visit_id", "concern_id", "person_id", "visit_date", "stage", "held",
        "not_held_reason", "consent_to_share", *_EXPERIENCE, "experience_comment",
    ),
    "outcomes.csv": (
        "outcome_id", "concern_id", "person_id", "first_said_on", "words", "review_status",
        "progress", "sg4a_achieved",
    ),
    "actions.csv": (
        "action_id", "concern_id", "person_id", "what", "owner", "by_when", "status",
        "agreed_on", "agreed_in_visit", "outcome_ids",
    ),
}  # fmt: skip
"""File name -> its columns, in order."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_safe(str(value))


def _people(records: PersonRecords) -> list[list[Cell]]:
    p = records.person
    language = p.other_language if p.other_language else p.preferred_language.value
    return [[p.id, p.name, p.preferred_name, p.date_of_birth, p.nhs_number, p.local_id,
             language]]  # fmt: skip


def _concerns(records: PersonRecords) -> list[list[Cell]]:
    return [
        [c.id, c.person_id, c.raised_on, c.status.value, c.stage.value, c.closed_on,
         c.sg4a_asked, c.action_result, c.risk_outcome]
        for c in records.concerns
    ]  # fmt: skip


def _visit(v: Visit) -> list[Cell]:
    consent = v.consent_to_share.decision if v.consent_to_share else None
    answers = v.experience.answers if v.experience else {}
    return [
        v.id, v.concern_id, v.person_id, v.visit_date, v.stage, v.not_held is None,
        v.not_held.reason if v.not_held else None, consent,
        *(answers.get(q) for q in ExperienceQuestion),
        shared_text(v.experience.comment) if v.experience else None,
    ]  # fmt: skip


def _outcomes(records: PersonRecords) -> list[list[Cell]]:
    return [
        [o.outcome.id, o.concern_id, records.person.id, o.first_said,
         shared_text(o.outcome.words), o.outcome.status, shared_text(o.outcome.progress),
         o.outcome.achieved]
        for c in records.concerns
        for o in records.outcomes(c.id)
    ]  # fmt: skip


def _actions(records: PersonRecords) -> list[list[Cell]]:
    return [
        [a.id, a.concern_id, a.person_id, shared_text(a.what), a.owner, a.by_when,
         a.status, a.agreed_on, a.agreed_in_visit, " ".join(a.outcome_ids)]
        for a in records.actions
    ]  # fmt: skip


def _rows(name: str, records: PersonRecords) -> list[list[Cell]]:
    if name == "people.csv":
        return _people(records)
    if name == "concerns.csv":
        return _concerns(records)
    if name == "visits.csv":
        return [_visit(v) for v in records.visits]
    if name == "outcomes.csv":
        return _outcomes(records)
    return _actions(records)


def _write(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def csv_files(people: Iterable[PersonRecords]) -> dict[str, bytes]:
    """Every file of the CSV export (``COLUMNS``' names), header row first in each; a
    file with no rows still has its header."""
    chosen = list(people)
    return {
        name: _write(columns, (row for records in chosen for row in _rows(name, records)))
        for name, columns in COLUMNS.items()
    }
