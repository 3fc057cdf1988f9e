"""The Safeguarding Adults Collection (SAC) figures of one financial year, from office records.

``build_report(store, year)`` counts; ``report_csv`` writes the counts for the council's
own return; ``reports.pdf.report_pdf`` draws them, with small numbers hidden.

**The year** is the English financial year: ``2025-26`` runs from 1 April 2025 to
31 March 2026.

**What is counted: concluded concerns.** SAC counts enquiries concluded in the year,
one figure per enquiry, so the unit here is one concern, read from the office's
*current* revision of each record (conflicts waiting at the office are not used).

- **A concern closed in the app** has the day it closed (``closed_on``): it counts in
  the financial year of that day. A concern reopened since is open again, without a
  closing day, and counts nowhere until it is closed again.
- **Before closing dates existed** (devices before bundle format 2) a concern ended
  when its status was ``closed``, or when it was at the end stage and its closing
  conversation had been finalised (a visit held at the office recording the person's
  experience answers, which the app then required before an end-stage visit could be
  finalised). Such a concern is placed in the year of its **last visit** (the latest
  visit date among its visits held here). The first case is any closed concern without
  a closing day (today's app never closes one without it); the second applies only to
  a concern whose current revision came in a format-1 bundle, since today's app ends
  a concern by closing it, not by its end visit. An ended concern with no dated visit
  cannot be placed in any year: it is not counted, and the report's notes say how many
  there were.

**Each figure, per concern:**

- *SG4a asked* is the concern's own SG4a answer; none recorded is ``Not Recorded``.
- *SG4a outcomes achieved* (for concerns where outcomes were expressed) combines the
  ratings of the outcomes on the closing conversation (else the last visit): every
  rated outcome ``Fully Achieved`` gives ``Fully Achieved``, every one
  ``Not Achieved`` gives ``Not Achieved``, any other mixture ``Partially Achieved``;
  no rating at all is counted as "Not rated" (our own column, not a SAC label).
- *SG2c* and the *risk outcome* are the concern's own fields; the risk outcome is
  counted for concerns where a risk was identified and action taken. A missing
  answer is counted as "Not recorded" (our own column).
- *SG3a capacity* is derived from every visit's support-to-decide record
  (``SupportToDecide.sg3a``): lacked capacity at any visit gives
  ``Yes, they lacked capacity``; else did not lack at any visit gives
  ``No, they did not lack capacity``; else ``Don't know``; else ``Not recorded``.
  *Support by an advocate, family or friend* is yes when any visit records it
  (``SupportToDecide.support_by_advocate_family_or_friend``: an advocate of any type
  in place, or an appropriate family member or friend available and named); the
  report splits each capacity column by it, as SAC asks it of those who lacked capacity.
- *Experience*: the answers of the closing conversation to the four questions; a
  question not answered (or a concern with no closing conversation) counts as "Not
  asked or not answered".
- *Experience, forms posted back*: kept apart from the answers asked at the visit, as
  the person answered on their own: the feedback forms recorded at the office
  (``msp-office feedback record``) for the concerns counted, one count per form (a
  concern may have an English and a Welsh form); a question left blank counts as "Not
  asked or not answered". The notes say whether some came on the Welsh form (its
  questions are not yet checked by a translator) or are for concerns not counted; they
  give no number, which a PDF would have to hide.

**The CSV** has one block per table: a header row whose first cell is ``Measure``
and whose other cells are the exact SAC labels (our own columns, such as "Not
recorded" where SAC has no such label, come last), then the counts; a blank row
separates blocks. Its numbers are *not* suppressed: it is for the council's own
return. The PDF hides small numbers (``reports.suppression``).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from msp_desktop.errors import InvalidInput
from msp_desktop.model import (
    Concern,
    ConcernStatus,
    ExperienceAnswer,
    ExperienceQuestion,
    OutcomeAchieved,
    RiskOutcome,
    SG2cActionResult,
    SG3aCapacity,
    SG4aAsked,
    Stage,
    Visit,
)
from msp_desktop.office.db.store import OfficeStore, ReturnedForm
from msp_desktop.office.held_records import validated

__all__ = [
    "CONCLUDED",
    "EXPERIENCE",
    "FORMS",
    "POSTED",
    "CellRef",
    "FinancialYear",
    "Report",
    "ReportTable",
    "build_report",
    "report_csv",
]

NO_REPORT = "no report was made"
"""How a sentence refusing a damaged office record ends (``held_records.validated``)."""

CellRef = tuple[str, int, int]
"""One number of the report: (table key, row, column)."""

# Our own columns, where SAC has no label for a missing or unrated answer.
NOT_RATED = "Not rated"
NOT_RECORDED = "Not recorded"
NOT_ANSWERED = "Not asked or not answered"

CONCLUDED = "concluded"
SG4A = "sg4a_asked"
ACHIEVED = "sg4a_achieved"
SG2C = "sg2c"
RISK = "risk_outcome"
SG3A = "sg3a"
EXPERIENCE = "experience"
POSTED = "experience_posted"
FORMS = "forms_posted"

SUPPORT_YES = "Support provided by an advocate, family or friend"
SUPPORT_NO = "No support by an advocate, family or friend recorded"

_YEAR = re.compile(r"(\d{4})-(\d{2})")
_MONTHS = ("April", "March")


@dataclass(frozen=True)
class FinancialYear:
    """An English financial year: 1 April of ``first`` to 31 March of the year after."""

    first: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """``2025-26``; anything else is refused with a sentence saying how to write it."""
        text = text.strip()
        match = _YEAR.fullmatch(text)
        if not match:
            raise InvalidInput(
                f"{text!r} is not a financial year: write it like 2025-26 "
                "(1 April 2025 to 31 March 2026)."
            )
        first = int(match[1])
        if int(match[2]) != (first + 1) % 100:
            right = cls(first).label
            raise InvalidInput(
                f"{text} is not a financial year: the second part must be the year after "
                f"{first}, as in {right} (1 April {first} to 31 March {first + 1})."
            )
        return cls(first)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        """The financial year ``day`` falls in."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        """``2025-26``."""
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    @property
    def start(self) -> date:
        """1 April."""
        return date(self.first, 4, 1)

    @property
    def end(self) -> date:
        """31 March of the next year."""
        return date(self.first + 1, 3, 31)

    @property
    def span(self) -> str:
        """``1 April 2025 to 31 March 2026``."""
        return f"1 {_MONTHS[0]} {self.first} to 31 {_MONTHS[1]} {self.first + 1}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class ReportTable:
    """One table of counts: ``columns`` are the categories, each row a measure.

    ``national[i]`` says whether ``columns[i]`` is an exact SAC label (the others are
    our own, e.g. "Not recorded" where SAC has no such answer).
    """

    key: str
    name: str
    """Short name, used before each measure in the CSV (``SG2c action and result``)."""
    title: str
    """The page heading in the PDF."""
    question: str
    """What the table answers, in the national wording where there is one."""
    columns: tuple[str, ...]
    national: tuple[bool, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]

    def value(self, row: int, column: int) -> int:
        """One count."""
        return self.rows[row][1][column]

    def cells(self) -> Iterable[CellRef]:
        """Every cell of the table."""
        for row, (_, counts) in enumerate(self.rows):
            for column in range(len(counts)):
                yield (self.key, row, column)


@dataclass(frozen=True)
class Report:
    """The figures of one year at one office: pure data, drawn by the PDF and CSV writers."""

    office_name: str
    year: FinancialYear
    made_on: date
    tables: tuple[ReportTable, ...]
    sums: tuple[tuple[CellRef, tuple[CellRef, ...]], ...]
    """Each ``(total, members)``: the total equals the sum of its members. The PDF uses
    these so that a hidden number cannot be worked out from the ones shown."""
    notes: tuple[str, ...]
    """What a reader must know about these figures (e.g. concerns that could not be dated)."""

    @property
    def concluded(self) -> int:
        """How many concerns concluded in the year."""
        return self.table(CONCLUDED).value(0, 0)

    def table(self, key: str) -> ReportTable:
        """The table with ``key``; ``KeyError`` when there is none."""
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def value(self, ref: CellRef) -> int:
        """The count at ``ref``."""
        key, row, column = ref
        return self.table(key).value(row, column)

    def cells(self) -> Iterable[CellRef]:
        """Every count in the report."""
        for table in self.tables:
            yield from table.cells()


@dataclass(frozen=True)
class _Concluded:
    """One concluded concern with what its figures are read from."""

    concern: Concern
    on: date
    visits: list[Visit]
    closing: Visit | None
    """The last visit recording the experience answers: the closing conversation."""

    @property
    def outcome_visit(self) -> Visit | None:
        """Where the outcome ratings are read: the closing conversation, else the last visit."""
        if self.closing is not None:
            return self.closing
        return _latest(self.visits)


def _latest(visits: Iterable[Visit]) -> Visit | None:
    dated = [v for v in visits if v.visit_date is not None]
    return max(dated, key=lambda v: (v.visit_date, v.id), default=None)


def _concerns(store: OfficeStore) -> tuple[list[_Concluded], int]:
    """Every ended concern with its date, and how many ended ones have no dated visit."""
    visits: dict[str, list[Visit]] = defaultdict(list)
    for visit in validated(Visit, "visit", store.current_records("visit"), nothing=NO_REPORT):
        visits[visit.concern_id].append(visit)
    ended: list[_Concluded] = []
    undated = 0
    for version, record in store.current_envelopes("concern"):
        (concern,) = validated(Concern, "concern", [record], nothing=NO_REPORT)
        own = visits.get(concern.id, [])
        closing = _latest(v for v in own if v.experience is not None)
        if concern.closed_on is not None:
            ended.append(_Concluded(concern, concern.closed_on, own, closing))
            continue
        closed = concern.status is ConcernStatus.CLOSED
        # Before closing dates, the finalised closing conversation ended a concern.
        conversation_ended = version == 1 and concern.stage is Stage.END and closing is not None
        if not (closed or conversation_ended):
            continue
        last = _latest(own)
        if last is None or last.visit_date is None:
            undated += 1
            continue
        ended.append(_Concluded(concern, last.visit_date, own, closing))
    return ended, undated


def _achieved(item: _Concluded) -> str:
    visit = item.outcome_visit
    ratings = {o.achieved for o in visit.desired_outcomes if o.achieved} if visit else set()
    if not ratings:
        return NOT_RATED
    if len(ratings) == 1:
        return next(iter(ratings)).value
    return OutcomeAchieved.PARTIALLY_ACHIEVED.value


_CAPACITY_ORDER = (
    SG3aCapacity.LACKED,
    SG3aCapacity.DID_NOT_LACK,
    SG3aCapacity.DONT_KNOW,
    SG3aCapacity.NOT_RECORDED,
)


def _capacity(item: _Concluded) -> SG3aCapacity:
    found = {visit.support_to_decide.sg3a() for visit in item.visits}
    return next((label for label in _CAPACITY_ORDER if label in found), SG3aCapacity.NOT_RECORDED)


def _supported(item: _Concluded) -> bool:
    return any(v.support_to_decide.support_by_advocate_family_or_friend() for v in item.visits)


def _counts(columns: Sequence[str], values: Iterable[str]) -> tuple[int, ...]:
    tally: dict[str, int] = dict.fromkeys(columns, 0)
    for value in values:
        tally[value] += 1
    return tuple(tally[column] for column in columns)


def _table(
    key: str,
    name: str,
    title: str,
    question: str,
    national: Sequence[str],
    ours: Sequence[str],
    rows: Sequence[tuple[str, Iterable[str]]],
) -> ReportTable:
    columns = (*national, *ours)
    return ReportTable(
        key=key,
        name=name,
        title=title,
        question=question,
        columns=columns,
        national=(True,) * len(national) + (False,) * len(ours),
        rows=tuple((label, _counts(columns, values)) for label, values in rows),
    )


def _row(key: str, row: int, count: int) -> tuple[CellRef, ...]:
    return tuple((key, row, column) for column in range(count))


def build_report(
    store: OfficeStore,
    year: FinancialYear | str,
    *,
    office_name: str = "",
    today: date | None = None,
) -> Report:
    """The SAC figures of ``year`` from the current records held in ``store``."""
    year = FinancialYear.parse(year) if isinstance(year, str) else year
    ended, undated = _concerns(store)
    items = sorted((c for c in ended if c.on in year), key=lambda c: c.concern.id)
    sg4a = [(c.concern.sg4a_asked or SG4aAsked.NOT_RECORDED).value for c in items]
    expressed = [c for c in items if c.concern.sg4a_asked is SG4aAsked.EXPRESSED]
    sg2c = [c.concern.action_result.value if c.concern.action_result else NOT_RECORDED
            for c in items]  # fmt: skip
    acted = [
        c for c in items
        if c.concern.action_result is SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN
    ]  # fmt: skip
    capacity = [(_capacity(c).value, _supported(c)) for c in items]
    counted = {c.concern.id for c in items}
    returned = store.returned_forms()
    posted = [form for form in returned if form.concern_id in counted]

    def answers(question: ExperienceQuestion) -> list[str]:
        found = []
        for c in items:
            experience = c.closing.experience if c.closing else None
            answer = experience.answers.get(question) if experience else None
            found.append(answer.label if answer else NOT_ANSWERED)
        return found

    tables = (
        _table(CONCLUDED, "Concerns", "Concerns concluded",
               f"Concerns concluded in {year.label}", ["Concerns concluded"], [],
               [("Concerns concluded", ["Concerns concluded"] * len(items))]),
        _table(SG4A, "SG4a desired outcomes asked", "SG4a: asking about desired outcomes",
               "Was the individual or individual's representative asked what their desired "
               "outcomes were?", [v.value for v in SG4aAsked], [],
               [("Concerns concluded", sg4a)]),
        _table(ACHIEVED, "SG4a outcomes achieved", "SG4a: were the outcomes achieved?",
               "Where outcomes were expressed: were they achieved?",
               [v.value for v in OutcomeAchieved], [NOT_RATED],
               [("Concerns where outcomes were expressed", [_achieved(c) for c in expressed])]),
        _table(SG2C, "SG2c action and result", "SG2c: action taken and result",
               "Was a risk identified, and was action taken?",
               [v.value for v in SG2cActionResult], [NOT_RECORDED],
               [("Concerns concluded", sg2c)]),
        _table(RISK, "Risk outcome", "The risk outcome",
               "Where a risk was identified and action taken: what happened to the risk?",
               [v.value for v in RiskOutcome], [NOT_RECORDED],
               [("Concerns where a risk was identified and action taken",
                 [c.concern.risk_outcome.value if c.concern.risk_outcome else NOT_RECORDED
                  for c in acted])]),
        _table(SG3A, "SG3a capacity", "SG3a: capacity, and support to take part",
               "Did the individual lack capacity? Was support provided by an advocate, "
               "family or friend?", [v.value for v in SG3aCapacity], [],
               [("Concerns concluded", [label for label, _ in capacity]),
                (SUPPORT_YES, [label for label, yes in capacity if yes]),
                (SUPPORT_NO, [label for label, yes in capacity if not yes])]),
        _table(EXPERIENCE, "Experience asked at the visit",
               "The person's experience: asked at the closing conversation",
               "The person's answers to the four questions asked at the end",
               [a.label for a in ExperienceAnswer], [NOT_ANSWERED],
               [(q.text, answers(q)) for q in ExperienceQuestion]),
        _table(FORMS, "Feedback forms posted back", "Feedback forms posted back",
               "Feedback forms the person posted back to the office",
               ["Feedback forms posted back"], [],
               [("Forms for the concerns concluded",
                 ["Feedback forms posted back"] * len(posted))]),
        _table(POSTED, "Experience on forms posted back",
               "The person's experience: forms posted back",
               "The person's answers on the feedback forms they posted back to the office",
               [a.label for a in ExperienceAnswer], [NOT_ANSWERED],
               [(q.text, [_posted_answer(form, q) for form in posted])
                for q in ExperienceQuestion]),
    )  # fmt: skip
    total: CellRef = (CONCLUDED, 0, 0)
    sums: list[tuple[CellRef, tuple[CellRef, ...]]] = [
        (total, _row(SG4A, 0, len(SG4aAsked))),
        ((SG4A, 0, list(SG4aAsked).index(SG4aAsked.EXPRESSED)), _row(ACHIEVED, 0, 4)),
        (total, _row(SG2C, 0, len(SG2cActionResult) + 1)),
        ((SG2C, 0, list(SG2cActionResult).index(SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN)),
         _row(RISK, 0, len(RiskOutcome) + 1)),
        (total, _row(SG3A, 0, len(SG3aCapacity))),
        *(((SG3A, 0, column), ((SG3A, 1, column), (SG3A, 2, column)))
          for column in range(len(SG3aCapacity))),
        *((total, _row(EXPERIENCE, row, len(ExperienceAnswer) + 1))
          for row in range(len(ExperienceQuestion))),
        *(((FORMS, 0, 0), _row(POSTED, row, len(ExperienceAnswer) + 1))
          for row in range(len(ExperienceQuestion))),
    ]  # fmt: skip
    return Report(
        office_name=office_name,
        year=year,
        made_on=today or date.today(),
        tables=tables,
        sums=tuple(sums),
        notes=_notes(store, year, len(items), undated) + _form_notes(posted, returned),
    )


def _notes(store: OfficeStore, year: FinancialYear, counted: int, undated: int) -> tuple[str, ...]:
    notes: list[str] = []
    if counted == 0:
        notes.append(
            f"No concern held at this office concluded in {year.label} ({year.span}), so "
            "every figure in this report is 0."
        )
    if undated:
        notes.append(
            f"{_concerns_phrase(undated)} ended but no visit held here gives a date, so "
            f"{'it is' if undated == 1 else 'they are'} not counted in any year."
        )
    conflicts = len(store.conflicts())
    if conflicts:
        notes.append(
            (
                "1 record revision is waiting as a conflict"
                if conflicts == 1
                else f"{conflicts} record revisions are waiting as conflicts"
            )
            + " at the office (msp-office conflicts); these figures use the office's "
            "current revision of each record."
        )
    return tuple(notes)


def _posted_answer(form: ReturnedForm, question: ExperienceQuestion) -> str:
    value = form.answers.get(question.value)
    return ExperienceAnswer(value).label if value else NOT_ANSWERED


def _form_notes(posted: list[ReturnedForm], returned: list[ReturnedForm]) -> tuple[str, ...]:
    # No counts here: the notes are printed in the PDF, where a small number (how many
    # answered in Welsh, say) could point at a person; the CSV's tables have the numbers.
    notes: list[str] = []
    if any(form.lang == "cy" for form in posted):
        notes.append(
            "Some feedback forms posted back were the Welsh form, whose Welsh questions and "
            "answer words are not yet checked by a translator."
        )
    if len(returned) > len(posted):
        notes.append(
            "Some feedback forms posted back are for concerns not concluded in this year; "
            "they are not counted here."
        )
    return tuple(notes)


def _concerns_phrase(count: int) -> str:
    return "1 concern" if count == 1 else f"{count} concerns"


def _cell(value: str | int) -> str | int:
    # A spreadsheet runs a cell that starts with = + - or @ as a formula; the office
    # name is typed by a person, so it is kept as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def report_csv(report: Report) -> bytes:
    """The figures as CSV (RFC 4180, UTF-8, CRLF), one block per table, nothing hidden."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    year = report.year
    writer.writerow(["Measure", "Office", "Financial year", "From", "To", "Concerns concluded"])
    writer.writerow([
        "Concerns concluded in the year", _cell(report.office_name), year.label,
        year.start.isoformat(), year.end.isoformat(), report.concluded,
    ])  # fmt: skip
    for table in report.tables:
        if table.key == CONCLUDED:
            continue
        writer.writerow([])
        writer.writerow(["Measure", *table.columns])
        for label, counts in table.rows:
            writer.writerow([f"{table.name}: {label}", *counts])
    return buffer.getvalue().encode("utf-8")
