"""``msp-office report``: the SAC figures of a financial year, as CSV and as PDF.

The demo caseload (``msp demo``) goes through the real device export and the real
office import, and its figures are checked twice: against counts made here by walking
the workspace's records in plain Python (not with ``report.py``), and against numbers
counted by hand from ``msp_desktop/demo.py``.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from msp_desktop.bundles.provisioning import make_provisioning
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.demo import fill_demo_caseload
from msp_desktop.errors import InvalidInput
from msp_desktop.model import (
    Advocate,
    AdvocateStatus,
    AdvocateType,
    AskedBy,
    CapacityStatus,
    Concern,
    ConcernStatus,
    DesiredOutcome,
    ExperienceAnswer,
    ExperienceFeedback,
    ExperienceQuestion,
    Note,
    OutcomeAchieved,
    Person,
    Reopening,
    RiskOutcome,
    SG2cActionResult,
    SG3aCapacity,
    SG4aAsked,
    Stage,
    SupportToDecide,
    Visit,
)
from msp_desktop.office import devices
from msp_desktop.office.keys import recovery_recipient
from msp_desktop.office.reports.figures import (
    FinancialYear,
    Report,
    ReportTable,
    build_report,
    report_csv,
)
from msp_desktop.office.reports.pdf import report_pdf
from msp_desktop.office.reports.suppression import suppressed_cells
from msp_desktop.services.concerns import close_concern, raise_concern, reopen_concern
from msp_desktop.services.export import export_bundles
from msp_desktop.services.people import add_person
from msp_desktop.store import Workspace
from tests.office_helpers import FakeDevice, envelope
from tests.platforms import assert_mode
from tests.tools import require_tools
from tests.unit.office.conftest import Office
from tests.unit.office.test_import_journey import import_fixture_bundles

YEAR = FinancialYear(2025)  # 1 April 2025 to 31 March 2026
IN_YEAR = date(2025, 9, 10)


# --- the financial year ------------------------------------------------------------


def test_a_financial_year_runs_from_april_to_march() -> None:
    year = FinancialYear.parse("2025-26")
    assert (year.start, year.end, year.label) == (date(2025, 4, 1), date(2026, 3, 31), "2025-26")
    assert year.span == "1 April 2025 to 31 March 2026"
    assert date(2025, 4, 1) in year
    assert date(2026, 3, 31) in year
    assert date(2025, 3, 31) not in year
    assert date(2026, 4, 1) not in year
    assert FinancialYear.parse("1999-00").end == date(2000, 3, 31)
    assert FinancialYear.containing(date(2026, 3, 31)) == year
    assert FinancialYear.containing(date(2026, 4, 1)) == FinancialYear(2026)


@pytest.mark.parametrize("text", ["2025", "2025-2026", "2025/26", "25-26", "2025-6", "", "FY25"])
def test_a_year_in_another_shape_is_refused_with_how_to_write_it(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        FinancialYear.parse(text)
    assert "is not a financial year: write it like 2025-26" in refused.value.message


@pytest.mark.parametrize("text", ["2025-27", "2025-25", "2025-24"])
def test_a_year_whose_parts_do_not_follow_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        FinancialYear.parse(text)
    assert refused.value.message == (
        f"{text} is not a financial year: the second part must be the year after 2025, as "
        "in 2025-26 (1 April 2025 to 31 March 2026)."
    )


# --- the demo caseload, end to end through the device export and the office import ---


def _connect(workspace: Workspace, office: Office) -> None:
    """The workspace trusts the office and is enrolled there."""
    workspace.import_office_keys(
        make_provisioning(
            office_id=office.config.office_id,
            office_name=office.config.name,
            inbox=office.inbox,
            recovery=recovery_recipient(office.config),
            office_key=office.keys.signing,
        ),
        office.keys.signing.key_id,
    )
    enrolment = workspace.sync.enrol("laptop-demo")
    devices.enrol(office.store, enrolment, replace=False, now="2026-11-20T09:00:00Z")


def _send(workspace: Workspace, office: Office, tmp_path: Path) -> None:
    """Export what is waiting, through the real device code, and import it."""
    stick = tmp_path / "stick"
    stick.mkdir(exist_ok=True)
    for written in export_bundles(workspace, stick).written:
        office.importer().import_bundle(
            written.path.read_bytes(), source=written.path.name, receipts=office.layout.receipts
        )


def _demo_office(workspace: Workspace, office: Office, tmp_path: Path) -> None:
    fill_demo_caseload(workspace)
    _connect(workspace, office)
    _send(workspace, office, tmp_path)


def test_a_concern_closed_and_reopened_in_the_app_counts_in_its_closing_year(
    workspace: Workspace, office: Office, tmp_path: Path
) -> None:
    _connect(workspace, office)
    person = add_person(workspace, {"name": "Ffion Example"})
    concern = raise_concern(workspace, person.id, raised_on=date(2025, 5, 1))
    close_concern(
        workspace,
        concern.id,
        SG2cActionResult.CEASED_AT_REQUEST,
        reason="She asked us to stop; she has capacity to decide.",
        on=date(2025, 6, 15),
    )
    _send(workspace, office, tmp_path)
    this_year = FinancialYear.containing(date.today()).label
    assert _concluded(office, "2025-26", this_year) == [1, 0]

    reopen_concern(workspace, concern.id, "She rang: it has started again.")
    _send(workspace, office, tmp_path)
    assert _concluded(office, "2025-26", this_year) == [0, 0]

    close_concern(
        workspace,
        concern.id,
        SG2cActionResult.CEASED_AT_REQUEST,
        reason="She asked us to stop again.",
    )
    _send(workspace, office, tmp_path)
    assert _concluded(office, "2025-26", this_year) == [0, 1]


def _year_of(day: date) -> str:
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{str(first + 1)[2:]}"


def _walk_workspace(ws: Workspace) -> dict[str, dict[str, Counter[str]]]:
    """The expected figures per year, counted from the device's own records as JSON.

    Plain Python over ``model_dump`` dictionaries, following the rules written in
    ``report.py``'s docstring: only finalised visits reach the office; a concern closed
    with a closing day counts in the year of that day; one closed without a day counts
    in the year of its last visit (this device writes bundle format 2, so an open
    concern never counts); the ratings are read from the closing conversation, else
    the last visit.
    """
    figures: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for person in ws.people.search(limit=1000):
        for concern_model in ws.concerns.for_person(person.id):
            concern = concern_model.model_dump(mode="json")
            visits = [
                ws.visits.get(summary.id).visit.model_dump(mode="json")
                for summary in ws.visits.list(concern_id=concern["id"])
                if summary.status == "finalised"
            ]
            if concern["status"] != "closed":
                continue
            if concern["closed_on"] is not None:
                ended_on = date.fromisoformat(concern["closed_on"])
            elif visits:
                ended_on = max(date.fromisoformat(v["visit_date"]) for v in visits)
            else:
                continue
            year = figures[_year_of(ended_on)]
            year["concluded"]["all"] += 1
            asked = concern["sg4a_asked"] or "Not Recorded"
            year["sg4a"][asked] += 1
            with_answers = [v for v in visits if v["experience"] is not None]
            closing = max(with_answers, key=lambda v: (v["visit_date"], v["id"]), default=None)
            last = max(visits, key=lambda v: (v["visit_date"], v["id"]), default=None)
            rated_on = closing or last
            if asked == "Yes they were asked and outcomes were expressed":
                rated = {o["achieved"] for o in (rated_on or {}).get("desired_outcomes", [])}
                rated.discard(None)
                if not rated:
                    year["achieved"]["Not rated"] += 1
                elif len(rated) == 1:
                    year["achieved"][rated.pop()] += 1
                else:
                    year["achieved"]["Partially Achieved"] += 1
            year["sg2c"][concern["action_result"] or "Not recorded"] += 1
            if concern["action_result"] == "Risk identified and action taken":
                year["risk"][concern["risk_outcome"] or "Not recorded"] += 1
            found = {v["support_to_decide"]["capacity"] for v in visits}
            decided = any(v["support_to_decide"]["decision"] for v in visits)
            if "lacks_capacity" in found:
                capacity = "Yes, they lacked capacity"
            elif "has_capacity" in found:
                capacity = "No, they did not lack capacity"
            else:
                capacity = "Don't know" if decided else "Not recorded"
            year["sg3a"][capacity] += 1
            supported = any(
                any(a["status"] == "in_place" for a in v["support_to_decide"]["advocates"])
                or (
                    v["support_to_decide"]["appropriate_person_available"] is True
                    and v["support_to_decide"]["appropriate_person"] is not None
                )
                for v in visits
            )
            year["support" if supported else "no support"][capacity] += 1
            answers = closing["experience"]["answers"] if closing else {}
            for question in ExperienceQuestion:
                given = answers.get(question.value)
                year[f"q:{question.value}"][
                    ExperienceAnswer(given).label if given else "Not asked or not answered"
                ] += 1
    return figures


def _figures(report: Report) -> dict[str, dict[str, Counter[str]]]:
    """The report's numbers in the same shape as ``_walk_workspace``."""

    def row(table: ReportTable, index: int = 0) -> Counter[str]:
        counts = table.rows[index][1]
        return Counter({c: n for c, n in zip(table.columns, counts, strict=True) if n})

    sg3a = report.table("sg3a")
    figures = {
        "concluded": Counter({"all": report.concluded} if report.concluded else {}),
        "sg4a": row(report.table("sg4a_asked")),
        "achieved": row(report.table("sg4a_achieved")),
        "sg2c": row(report.table("sg2c")),
        "risk": row(report.table("risk_outcome")),
        "sg3a": row(sg3a),
        "support": row(sg3a, 1),
        "no support": row(sg3a, 2),
    }
    for index, question in enumerate(ExperienceQuestion):
        figures[f"q:{question.value}"] = row(report.table("experience"), index)
    return {"": {key: value for key, value in figures.items() if value}}


def test_the_demo_caseload_gives_the_figures_counted_from_its_records(
    workspace: Workspace, office: Office, tmp_path: Path
) -> None:
    _demo_office(workspace, office, tmp_path)
    expected = _walk_workspace(workspace)
    # Dates in the demo are relative to today, so the year(s) come from the data.
    assert expected, "the demo caseload has concerns that ended"
    for label, figures in expected.items():
        report = build_report(office.store, label, office_name="North Council")
        assert _figures(report) == {"": {k: v for k, v in figures.items() if v}}, label
    # A year with none of the demo's concerns has none of its figures.
    quiet = FinancialYear.parse(min(expected)).first - 3
    assert build_report(office.store, FinancialYear(quiet)).concluded == 0


def test_the_demo_caseload_gives_the_figures_counted_by_hand(
    workspace: Workspace, office: Office, tmp_path: Path
) -> None:
    """Counted by reading ``msp_desktop/demo.py`` (25 people, seed 2014), not by running it.

    - People i = 0..24; every i % 5 == 4 has no concern: 20 concerns. Only closed ones
      count (this device writes bundle format 2): ``CLOSED`` (2, 8, 11, 17, 23), closed
      two days after their closing conversation, and ``CEASED`` (12): **6** (20's
      closing conversation is held but her concern is not closed: not counted).
    - Dates: a concern reaching the end stage was raised 80 days ago and its closing
      conversation held 23 days later, so 2, 8, 11, 17 and 23 closed 80 - 25 = **55
      days ago**; 12's concern was raised 20 days ago, its first visit 3 days later and
      it closed 2 days after that: **15 days ago**.
    - SG4a: every finalised visit answers "outcomes were expressed" and the concern keeps
      it (``_hold``): **6** "Yes they were asked and outcomes were expressed".
    - SG4a achieved, from the ratings of the closing conversation (``RATINGS``): 2 and
      23 all fully (Fully **2**), 8 and 17 a mixture (Partially **2**), 11 all not (Not
      **1**); 12 had no closing conversation and its one visit rates nothing (Not rated
      **1**).
    - SG2c (``CLOSED``, ``CEASED``): risk identified and action taken **3** (2, 8, 11),
      inconclusive and action taken **1** (17), no risk and no action **1** (23), ceased
      at the person's request **1** (12). Risk outcome for the 3: reduced, removed and
      remained, **1** each.
    - SG3a (``_support``, carried forward unchanged to every later visit): 2 lacked
      capacity, with an IMCA in place (**1**, supported); 23's capacity was not assessed
      though the decision arose: "Don't know" **1**; 8, 11, 12 and 17 had capacity: "did
      not lack" **4**, of whom 8 had her niece as an appropriate person (supported) and
      12 only a referral (not in place): supported **1**, not **3**.
    - Experience (``EXPERIENCE``, in question order) for 2, 8, 11, 17 and 23; 12 was not
      asked: understood why: a lot 4, a little 1; listened to: a lot 4, quite a bit 1;
      happy with the result: a lot 1, quite a bit 2, a little 1, not at all 1; feel
      safer: a lot 2, quite a bit 1, a little 1, prefer not to say 1; and "Not asked or
      not answered" 1 for each.
    """
    _demo_office(workspace, office, tmp_path)
    today = date.today()
    ends = {2: 55, 8: 55, 11: 55, 17: 55, 23: 55, 12: 15}
    years = Counter(_year_of(today - timedelta(days=days)) for days in ends.values())
    reports = [build_report(office.store, label) for label in years]
    assert [r.concluded for r in reports] == list(years.values())

    def total(key: str, row: int, column: str) -> int:
        return sum(r.table(key).value(row, r.table(key).columns.index(column)) for r in reports)

    def totals(key: str, row: int = 0) -> tuple[int, ...]:
        return tuple(
            sum(r.table(key).value(row, c) for r in reports)
            for c in range(len(reports[0].table(key).columns))
        )

    assert sum(r.concluded for r in reports) == 6
    assert total("sg4a_asked", 0, SG4aAsked.EXPRESSED) == 6
    assert totals("sg4a_asked") == (6, 0, 0, 0, 0)
    # Fully, Partially, Not Achieved, Not rated.
    assert totals("sg4a_achieved") == (2, 2, 1, 1)
    assert total("sg2c", 0, SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN) == 3
    assert total("sg2c", 0, SG2cActionResult.INCONCLUSIVE_ACTION_TAKEN) == 1
    assert total("sg2c", 0, SG2cActionResult.NO_RISK_NO_ACTION) == 1
    assert total("sg2c", 0, SG2cActionResult.CEASED_AT_REQUEST) == 1
    assert sum(totals("sg2c")) == 6
    assert totals("risk_outcome") == (1, 1, 1, 0)  # remained, reduced, removed, not recorded
    # Lacked, did not lack, don't know, not recorded; then supported, then not.
    assert totals("sg3a") == (1, 4, 1, 0)
    assert totals("sg3a", 1) == (1, 1, 0, 0)
    assert totals("sg3a", 2) == (0, 3, 1, 0)
    # Not at all, a little, quite a bit, a lot, prefer not to say, not asked.
    assert [totals("experience", row) for row in range(4)] == [
        (0, 1, 0, 4, 0, 1),
        (0, 0, 1, 4, 0, 1),
        (1, 1, 2, 1, 0, 1),
        (0, 1, 1, 2, 1, 1),
    ]


# --- records made here, for the rules ----------------------------------------------


def _closed_case(
    *,
    sg4a: SG4aAsked | None = SG4aAsked.EXPRESSED,
    action: SG2cActionResult | None = SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN,
    risk: RiskOutcome | None = RiskOutcome.REDUCED,
    ratings: tuple[OutcomeAchieved | None, ...] = (OutcomeAchieved.FULLY_ACHIEVED,),
    capacity: CapacityStatus = CapacityStatus.NOT_ASSESSED,
    support: SupportToDecide | None = None,
    answers: dict[ExperienceQuestion, ExperienceAnswer] | None = None,
    stage: Stage = Stage.END,
    closed_on: date | None = IN_YEAR,
    status: ConcernStatus = ConcernStatus.OPEN,
    visit_dates: tuple[date, ...] = (IN_YEAR,),
    closing: bool = True,
    version: int = 2,
) -> list[RecordEnvelope]:
    """A person, a concern and its visits (the last one the closing conversation).

    By default the concern was closed in the app on ``closed_on``; with ``closed_on``
    None it has no closing day and ``status`` says whether it is closed (the old way).
    ``version`` is the bundle format its device writes (1: a device before the journey).
    """
    person = Person(name="Ada Example")
    concern = Concern(
        person_id=person.id,
        raised_on=date(2024, 4, 20),
        stage=stage,
        status=ConcernStatus.CLOSED if closed_on else status,
        closed_on=closed_on,
        sg4a_asked=sg4a,
        action_result=action,
        risk_outcome=risk if action is SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN else None,
    )
    records = [
        envelope("person", person, format_version=version),
        envelope("concern", concern, format_version=version),
    ]
    for number, day in enumerate(visit_dates):
        last = number == len(visit_dates) - 1
        visit = Visit(
            concern_id=concern.id,
            person_id=person.id,
            visit_date=day,
            desired_outcomes=[
                DesiredOutcome(words=Note(text=f"Outcome {n}"), achieved=rating)
                for n, rating in enumerate(ratings)
            ],
            support_to_decide=support or SupportToDecide(capacity=capacity),
            experience=ExperienceFeedback(
                answers=answers if answers is not None else {},
                asked_by=AskedBy.INDEPENDENT,
            )
            if last and closing
            else None,
        )
        records.append(envelope("visit", visit, format_version=version))
    return records


def _import(office: Office, device: FakeDevice, *cases: list[RecordEnvelope]) -> None:
    records = [record for case in cases for record in case]
    office.import_(device.bundle(office.inbox, records))


def fourteen_concerns(office: Office, device: FakeDevice) -> None:
    """14 concerns: 7 expressed outcomes (their experience asked), 3 asked but none
    expressed, 4 not asked (the PDF and the web page hide the 3 and the 4)."""
    cases = [
        _closed_case(answers=dict.fromkeys(ExperienceQuestion, ExperienceAnswer.A_LOT))
        for _ in range(7)
    ]
    cases += [_closed_case(sg4a=SG4aAsked.ASKED_NONE_EXPRESSED) for _ in range(3)]
    cases += [_closed_case(sg4a=SG4aAsked.NO) for _ in range(4)]
    _import(office, device, *cases)


def _import_from_an_old_device(office: Office, *cases: list[RecordEnvelope]) -> None:
    """Import ``cases`` (made with ``version=1``) in a format-1 bundle of an old device."""
    old = FakeDevice(device_id="laptop-old", format_version=1)
    office.enrol(old)
    records = [record for case in cases for record in case]
    assert {r.format_version for r in records} == {1}
    office.import_(old.bundle(office.inbox, records))


def _row(report: Report, key: str, row: int = 0) -> dict[str, int]:
    table = report.table(key)
    return dict(zip(table.columns, table.rows[row][1], strict=True))


def _concluded(office: Office, *years: str) -> list[int]:
    return [build_report(office.store, year).concluded for year in years]


def test_a_concern_closed_in_the_app_counts_in_the_year_it_closed(
    office: Office, device: FakeDevice
) -> None:
    _import(
        office,
        device,
        _closed_case(),  # closed in the year: counts
        _closed_case(closed_on=date(2025, 4, 1)),  # the year's first day
        _closed_case(closed_on=date(2026, 3, 31)),  # the year's last day
        # Closed after the year, whatever the day of its last visit.
        _closed_case(closed_on=date(2026, 4, 2), visit_dates=(date(2026, 3, 20),)),
        _closed_case(closed_on=date(2025, 3, 31), visit_dates=(date(2025, 3, 1),)),
        # Ceased at the person's request before any visit: its closing day places it.
        _closed_case(
            closed_on=date(2025, 10, 1),
            stage=Stage.BEGINNING,
            action=SG2cActionResult.CEASED_AT_REQUEST,
            visit_dates=(),
        ),
        # Open at the end stage with its closing conversation, from today's app: not
        # ended until the worker closes it.
        _closed_case(closed_on=None),
    )
    report = build_report(office.store, YEAR)
    assert report.concluded == 4
    assert _concluded(office, "2024-25", "2026-27") == [1, 1]
    assert not any("no visit held here gives a date" in n for n in report.notes)
    sg2c = _row(report, "sg2c")
    assert sg2c[SG2cActionResult.CEASED_AT_REQUEST] == 1
    assert sg2c[SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN] == 3


def test_a_reopened_concern_no_longer_counts_until_closed_again(
    office: Office, device: FakeDevice
) -> None:
    case = _closed_case(closed_on=date(2025, 11, 3))
    _import(office, device, case)
    closed = Concern.model_validate(case[1].record)
    assert _concluded(office, "2025-26", "2026-27") == [1, 0]

    reopened = closed.revised(
        status=ConcernStatus.OPEN,
        closed_on=None,
        reopenings=[
            Reopening(
                on=date(2025, 12, 1),
                reason=Note.internal("The grandson is back."),
                was_closed_on=date(2025, 11, 3),
                was_result=closed.action_result,
                was_risk_outcome=closed.risk_outcome,
            )
        ],
    )
    office.import_(device.bundle(office.inbox, [envelope("concern", reopened, 2)]))
    # At the end stage, with its closing conversation held here: still open, so nowhere.
    assert _concluded(office, "2025-26", "2026-27") == [0, 0]

    again = reopened.revised(status=ConcernStatus.CLOSED, closed_on=date(2026, 5, 10))
    office.import_(device.bundle(office.inbox, [envelope("concern", again, 3)]))
    assert _concluded(office, "2025-26", "2026-27") == [0, 1]


def test_concerns_from_devices_before_closing_dates_count_by_their_last_visit(
    office: Office,
) -> None:
    old = {"closed_on": None, "version": 1}
    _import_from_an_old_device(
        office,
        _closed_case(**old),  # end stage, closing conversation finalised: counts
        _closed_case(**old, closing=False),  # end stage, no closing conversation yet
        _closed_case(**old, stage=Stage.MIDDLE),  # answers recorded, but not at the end
        _closed_case(**old, stage=Stage.MIDDLE, status=ConcernStatus.CLOSED, closing=False),
        _closed_case(**old, visit_dates=(date(2025, 3, 31),)),  # ended the year before
        _closed_case(**old, visit_dates=(date(2026, 3, 31),)),  # the year's last day
        _closed_case(**old, visit_dates=(date(2026, 3, 20), date(2026, 4, 2))),  # last after
        _closed_case(**old, status=ConcernStatus.CLOSED, visit_dates=()),  # closed, undated
    )
    report = build_report(office.store, YEAR)
    assert report.concluded == 3  # the first, the closed one and the year's last day
    assert _concluded(office, "2024-25", "2026-27") == [1, 1]
    assert any("1 concern ended but no visit held here gives a date" in n for n in report.notes)


def test_a_concern_closed_without_a_date_counts_by_its_last_visit_in_any_format(
    office: Office, device: FakeDevice
) -> None:
    """A device updated since keeps its concerns closed the old way (no closing day)
    and sends them again in format 2: they still count, by their last visit."""
    _import(office, device, _closed_case(closed_on=None, status=ConcernStatus.CLOSED))
    assert _concluded(office, "2025-26") == [1]


def test_the_bundles_of_a_device_before_the_journey_count_by_the_old_rule(
    office: Office,
) -> None:
    """The committed format-1 bundles (made by that code): Cara's concern ended with its
    closing conversation on 2 September 2026, Dai's was closed without a date after its
    one visit on 10 March 2026."""
    assert import_fixture_bundles(office, 1) == [""]
    assert _concluded(office, "2025-26", "2026-27") == [1, 0]  # Cara's is in the middle
    assert import_fixture_bundles(office, 2, enrol=False) == [""]
    assert _concluded(office, "2025-26", "2026-27") == [1, 1]
    report = build_report(office.store, "2026-27")
    assert _row(report, "sg2c")[SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN] == 1
    assert _row(report, "risk_outcome")[RiskOutcome.REDUCED] == 1
    assert _row(report, "sg4a_achieved")["Fully Achieved"] == 1
    assert [counts[3] for _, counts in report.table("experience").rows] == [1, 1, 1, 1]
    dai = build_report(office.store, "2025-26")
    assert _row(dai, "sg2c")[SG2cActionResult.CEASED_AT_REQUEST] == 1


def test_the_current_revision_is_the_one_counted(office: Office, device: FakeDevice) -> None:
    case = _closed_case(action=SG2cActionResult.NO_RISK_NO_ACTION)
    _import(office, device, case)
    concern = Concern.model_validate(case[1].record)
    changed = concern.revised(action_result=SG2cActionResult.CEASED_AT_REQUEST)
    office.import_(device.bundle(office.inbox, [envelope("concern", changed, revision=2)]))
    sg2c = _row(build_report(office.store, YEAR), "sg2c")
    assert sg2c[SG2cActionResult.CEASED_AT_REQUEST] == 1
    assert sg2c[SG2cActionResult.NO_RISK_NO_ACTION] == 0


def test_outcome_ratings_combine_into_one_figure_per_concern(
    office: Office, device: FakeDevice
) -> None:
    fully, partly, not_ = (
        OutcomeAchieved.FULLY_ACHIEVED,
        OutcomeAchieved.PARTIALLY_ACHIEVED,
        OutcomeAchieved.NOT_ACHIEVED,
    )
    _import(
        office,
        device,
        _closed_case(ratings=(fully, fully)),
        _closed_case(ratings=(not_, not_, not_)),
        _closed_case(ratings=(fully, not_)),  # a mixture is partly achieved
        _closed_case(ratings=(partly,)),
        _closed_case(ratings=(None,)),
        _closed_case(ratings=()),
        _closed_case(sg4a=SG4aAsked.ASKED_NONE_EXPRESSED, ratings=(fully,)),  # not asked here
        _closed_case(sg4a=None),
    )
    report = build_report(office.store, YEAR)
    assert _row(report, "sg4a_achieved") == {
        "Fully Achieved": 1,
        "Partially Achieved": 2,
        "Not Achieved": 1,
        "Not rated": 2,
    }
    assert _row(report, "sg4a_asked") == {
        "Yes they were asked and outcomes were expressed": 6,
        "Yes they were asked but no outcomes were expressed": 1,
        "No": 0,
        "Don't Know": 0,
        "Not Recorded": 1,
    }


def test_capacity_and_support_come_from_the_visits(office: Office, device: FakeDevice) -> None:
    imca = Advocate(type=AdvocateType.IMCA, status=AdvocateStatus.IN_PLACE)
    offered = Advocate(type=AdvocateType.CARE_ACT_ADVOCATE, status=AdvocateStatus.OFFERED)
    _import(
        office,
        device,
        _closed_case(
            support=SupportToDecide(capacity=CapacityStatus.LACKS_CAPACITY, advocates=[imca])
        ),
        _closed_case(capacity=CapacityStatus.LACKS_CAPACITY),
        _closed_case(
            support=SupportToDecide(
                capacity=CapacityStatus.HAS_CAPACITY,
                appropriate_person_available=True,
                appropriate_person=Note.third_party("Her daughter (fictional)."),
            )
        ),
        _closed_case(
            support=SupportToDecide(capacity=CapacityStatus.HAS_CAPACITY, advocates=[offered])
        ),
        _closed_case(support=SupportToDecide(decision=Note(text="Where to live."))),
        _closed_case(),
    )
    report = build_report(office.store, YEAR)
    assert list(_row(report, "sg3a").values()) == [2, 2, 1, 1]
    assert list(_row(report, "sg3a", 1).values()) == [1, 1, 0, 0]
    assert list(_row(report, "sg3a", 2).values()) == [1, 1, 1, 1]


def test_lacking_capacity_at_any_visit_counts(office: Office, device: FakeDevice) -> None:
    case = _closed_case(visit_dates=(date(2025, 6, 1), IN_YEAR))
    first = Visit.model_validate(case[2].record).revised(
        support_to_decide=SupportToDecide(capacity=CapacityStatus.LACKS_CAPACITY)
    )
    case[2] = envelope("visit", first)
    _import(office, device, case)
    assert _row(build_report(office.store, YEAR), "sg3a")["Yes, they lacked capacity"] == 1


def test_experience_answers_are_counted_per_question(office: Office, device: FakeDevice) -> None:
    q1, q2, _q3, q4 = ExperienceQuestion
    _import(
        office,
        device,
        _closed_case(answers={q1: ExperienceAnswer.A_LOT, q2: ExperienceAnswer.A_LITTLE}),
        _closed_case(answers={q1: ExperienceAnswer.A_LOT, q4: ExperienceAnswer.NOT_AT_ALL}),
        _closed_case(closing=False),
    )
    report = build_report(office.store, YEAR)
    table = report.table("experience")
    assert [label for label, _ in table.rows] == [q.text for q in ExperienceQuestion]
    assert table.columns == (
        "Not at all",
        "A little",
        "Quite a bit",
        "A lot",
        "Prefer not to say",
        "Not asked or not answered",
    )
    assert [counts for _, counts in table.rows] == [
        (0, 0, 0, 2, 0, 1),
        (0, 1, 0, 0, 0, 2),
        (0, 0, 0, 0, 0, 3),
        (1, 0, 0, 0, 0, 2),
    ]


# --- the CSV -------------------------------------------------------------------------


def _blocks(data: bytes) -> list[list[list[str]]]:
    text = data.decode("utf-8")
    assert "\r\n" in text
    assert not text.startswith("\ufeff")
    blocks: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text, newline="")):
        if row:
            blocks[-1].append(row)
        else:
            blocks.append([])
    return blocks


def test_the_csv_names_its_columns_with_the_exact_national_labels(
    office: Office, device: FakeDevice
) -> None:
    _import(office, device, _closed_case(), _closed_case(sg4a=SG4aAsked.NO))
    blocks = _blocks(report_csv(build_report(office.store, YEAR, office_name="North Council")))
    headers = [block[0] for block in blocks]
    assert headers == [
        ["Measure", "Office", "Financial year", "From", "To", "Concerns concluded"],
        ["Measure", *[label.value for label in SG4aAsked]],
        ["Measure", *[label.value for label in OutcomeAchieved], "Not rated"],
        ["Measure", *[label.value for label in SG2cActionResult], "Not recorded"],
        ["Measure", *[label.value for label in RiskOutcome], "Not recorded"],
        ["Measure", *[label.value for label in SG3aCapacity]],
        ["Measure", *[a.label for a in ExperienceAnswer], "Not asked or not answered"],
        ["Measure", "Feedback forms posted back"],
        ["Measure", *[a.label for a in ExperienceAnswer], "Not asked or not answered"],
    ]
    assert blocks[0][1] == [
        "Concerns concluded in the year",
        "North Council",
        "2025-26",
        "2025-04-01",
        "2026-03-31",
        "2",
    ]
    # Nothing is hidden in the CSV: a 1 is a 1.
    assert blocks[1][1] == [
        "SG4a desired outcomes asked: Concerns concluded",
        "1",
        "0",
        "1",
        "0",
        "0",
    ]
    assert [row[0] for row in blocks[5][1:]] == [
        "SG3a capacity: Concerns concluded",
        "SG3a capacity: Support provided by an advocate, family or friend",
        "SG3a capacity: No support by an advocate, family or friend recorded",
    ]
    assert [row[0] for row in blocks[6][1:]] == [
        f"Experience asked at the visit: {q.text}" for q in ExperienceQuestion
    ]
    assert [row[0] for row in blocks[8][1:]] == [
        f"Experience on forms posted back: {q.text}" for q in ExperienceQuestion
    ]


def test_an_office_name_cannot_become_a_spreadsheet_formula(office: Office) -> None:
    blocks = _blocks(report_csv(build_report(office.store, YEAR, office_name="=HYPERLINK(1)")))
    assert blocks[0][1][1] == "'=HYPERLINK(1)"


# --- small numbers -------------------------------------------------------------------


def test_small_numbers_and_the_numbers_that_would_reveal_them_are_hidden(
    office: Office, device: FakeDevice
) -> None:
    cases = [_closed_case() for _ in range(7)]
    cases += [_closed_case(sg4a=SG4aAsked.NO) for _ in range(3)]
    _import(office, device, *cases)
    report = build_report(office.store, YEAR)
    hidden = suppressed_cells(report)
    # SG4a: 7 expressed, 3 "No". The 3 is small; the 10 concerns are shown, so the 7
    # would give it away and is hidden too. Zeros stay.
    assert ("sg4a_asked", 0, 2) in hidden
    assert ("sg4a_asked", 0, 0) in hidden
    assert ("concluded", 0, 0) not in hidden
    assert not any(report.value(cell) == 0 for cell in hidden)
    # The 7 expressed is the total of the outcomes achieved: hidden there, the 7 fully
    # achieved would give it away, so that is hidden as well.
    assert ("sg4a_achieved", 0, 0) in hidden


def _report_from(counts: dict[str, int]) -> Report:
    """A report whose SG4a row is ``counts`` (the other tables all zero but the totals)."""
    total = sum(counts.values())
    columns = [label.value for label in SG4aAsked]

    def table(key: str, columns: list[str], rows: list[tuple[str, list[int]]]) -> ReportTable:
        return ReportTable(
            key,
            key,
            key,
            key,
            tuple(columns),
            (True,) * len(columns),
            tuple((label, tuple(row)) for label, row in rows),
        )

    return Report(
        office_name="",
        year=YEAR,
        made_on=date(2026, 4, 2),
        tables=(
            table("concluded", ["Concerns concluded"], [("Concerns concluded", [total])]),
            table(
                "sg4a_asked", columns, [("Concerns concluded", [counts.get(c, 0) for c in columns])]
            ),
            table("other", ["a", "b"], [("Concerns concluded", [total, 0])]),
        ),
        sums=(
            (("concluded", 0, 0), tuple(("sg4a_asked", 0, c) for c in range(5))),
            (("concluded", 0, 0), (("other", 0, 0), ("other", 0, 1))),
        ),
        notes=(),
    )


@pytest.mark.parametrize(
    ("counts", "hidden_columns"),
    [
        # Nothing small: nothing hidden.
        ({SG4aAsked.EXPRESSED: 10, SG4aAsked.NO: 6}, set()),
        # One small number: the smallest other non-zero part goes too.
        ({SG4aAsked.EXPRESSED: 10, SG4aAsked.NO: 6, SG4aAsked.DONT_KNOW: 2}, {2, 3}),
        # Two small numbers adding up to 7: neither can be told.
        ({SG4aAsked.EXPRESSED: 10, SG4aAsked.NO: 3, SG4aAsked.DONT_KNOW: 4}, {2, 3}),
        # Two hidden ones adding up to 2 would each be 1: a third is hidden.
        ({SG4aAsked.EXPRESSED: 10, SG4aAsked.NO: 1, SG4aAsked.DONT_KNOW: 1}, {0, 2, 3}),
    ],
)
def test_suppression_rules(counts: dict[str, int], hidden_columns: set[int]) -> None:
    report = _report_from(counts)
    hidden = suppressed_cells(report)
    assert {c for key, _, c in hidden if key == "sg4a_asked"} == hidden_columns


def test_a_small_total_is_hidden_and_its_parts_with_it() -> None:
    report = _report_from({SG4aAsked.EXPRESSED: 4})
    hidden = suppressed_cells(report)
    # 4 concerns: the total, its part and the "other" table's 4 are all small.
    assert hidden == {("concluded", 0, 0), ("sg4a_asked", 0, 0), ("other", 0, 0)}


# --- the PDF -------------------------------------------------------------------------


def _pdf_text(path: Path, page: int) -> str:
    require_tools("pdftotext", package="poppler-utils")
    result = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    # Leave out the footer (its page numbers are not figures).
    return "\n".join(line for line in result.stdout.splitlines() if "Page " not in line)


def _table_value(text: str, label: str) -> str:
    """The number printed after ``label``: in the table, and beside its bar when the
    chart's label fits on one line (the two must agree)."""
    found = set(re.findall(rf"^\s*{re.escape(label)}\s+(\S+)\s*$", text, re.MULTILINE))
    assert len(found) == 1, (label, text)
    return found.pop()


def test_the_pdf_hides_a_3_and_shows_a_7(
    office: Office, device: FakeDevice, tmp_path: Path
) -> None:
    # 3 and 4 are hidden; together they are 7, which does not tell either.
    fourteen_concerns(office, device)
    report = build_report(office.store, YEAR, office_name="North Council")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf(report))

    title = _pdf_text(pdf, 1)
    assert "North Council" in title
    assert "14" in title
    assert "Numbers from 1 to 5 are not shown, to protect people's identity" in title
    sg4a = _pdf_text(pdf, 2)
    assert _table_value(sg4a, "Yes they were asked and outcomes were expressed") == "7"
    assert _table_value(sg4a, "Yes they were asked but no outcomes were expressed") == "[c]"
    assert _table_value(sg4a, "No") == "[c]"
    assert _table_value(sg4a, "Don't Know") == "0"
    assert not re.search(r"\b[34]\b", sg4a), sg4a  # neither in the table nor on a bar
    assert "Numbers from 1 to 5 are not shown" in sg4a


def test_the_pdf_figures_match_the_report_page_by_page(
    office: Office, device: FakeDevice, tmp_path: Path
) -> None:
    cases = [_closed_case() for _ in range(9)]
    cases += [_closed_case(action=SG2cActionResult.NO_RISK_NO_ACTION) for _ in range(8)]
    _import(office, device, *cases)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf(build_report(office.store, YEAR)))
    sg2c = _pdf_text(pdf, 4)
    assert "SG2c: action taken and result" in sg2c
    assert _table_value(sg2c, "Risk identified and action taken") == "9"
    assert _table_value(sg2c, "No risk identified and no action taken") == "8"
    risk = _pdf_text(pdf, 5)
    assert _table_value(risk, "Risk reduced") == "9"
    assert _table_value(risk, "Risk removed") == "0"


def _bar_pixels(path: Path, page: int) -> int:
    """How many pixels of the bars' blue a page has, rendered at 50 dpi."""
    require_tools("pdftoppm", package="poppler-utils")
    ppm = subprocess.run(
        ["pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), str(path)],
        capture_output=True,
        check=True,
    ).stdout
    # Binary PPM: "P6", width, height, max value, then RGB bytes.
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", ppm)
    assert header
    pixels = ppm[header.end() :]
    return sum(
        1
        for i in range(0, len(pixels) - 2, 3)
        if abs(pixels[i] - 0x1F) < 20
        and abs(pixels[i + 1] - 0x5A) < 20
        and abs(pixels[i + 2] - 0x8C) < 20
    )


def test_the_pdf_draws_the_charts_without_bars_for_hidden_numbers(
    office: Office, device: FakeDevice, tmp_path: Path
) -> None:
    cases = [_closed_case() for _ in range(12)]
    cases += [_closed_case(sg4a=SG4aAsked.NO) for _ in range(2)]
    _import(office, device, *cases)
    report = build_report(office.store, YEAR)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf(report))
    # Page 2 (SG4a): 12 and 2 are both hidden (the 2 is small, the 12 would give it
    # away): no bar at all. Page 4 (SG2c): 14 in one answer: one long bar.
    assert _bar_pixels(pdf, 2) == 0
    assert _bar_pixels(pdf, 4) > 200
    assert "[c]" in _pdf_text(pdf, 2)


def test_the_pdf_carries_its_title_author_and_language(office: Office, tmp_path: Path) -> None:
    report = build_report(office.store, YEAR, office_name="North Council")
    data = report_pdf(report)
    assert data.startswith(b"%PDF-")
    assert b"/Lang (en-GB)" in data
    assert b"North Council" in data  # the author, in the document information
    require_tools("pdfinfo", package="poppler-utils")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    fields = dict(re.findall(r"^(\w+):[ \t]*(.*)$", info.stdout, re.MULTILINE))
    assert fields["Title"] == "Making Safeguarding Personal figures 2025-26: North Council"
    assert fields["Author"] == "North Council"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    # Only DejaVu Sans, embedded (the "emb" column): no unembedded Helvetica.
    assert {row[0].split("+")[-1] for row in rows} == {"DejaVuSans", "DejaVuSans-Bold"}
    assert all(row[-5] == "yes" for row in rows)


# --- an empty office -----------------------------------------------------------------


def test_an_empty_office_gives_zeros_and_says_why(office: Office, tmp_path: Path) -> None:
    report = build_report(office.store, YEAR, office_name="North Council")
    assert report.concluded == 0
    assert all(report.value(cell) == 0 for cell in report.cells())
    note = (
        "No concern held at this office concluded in 2025-26 (1 April 2025 to 31 March "
        "2026), so every figure in this report is 0."
    )
    assert report.notes == (note,)
    blocks = _blocks(report_csv(report))
    assert all(cell == "0" for block in blocks[1:] for row in block[1:] for cell in row[1:])
    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(report_pdf(report))
    title = " ".join(_pdf_text(pdf, 1).split())
    assert "No concern held at this office concluded in 2025-26" in title
    assert suppressed_cells(report) == frozenset()


def test_a_waiting_conflict_is_mentioned(office: Office, device: FakeDevice) -> None:
    case = _closed_case()
    _import(office, device, case)
    concern = Concern.model_validate(case[1].record)
    other = FakeDevice(device_id="laptop-8")
    office.enrol(other)
    changed = concern.revised(sg4a_asked=SG4aAsked.NO)
    office.import_(other.bundle(office.inbox, [envelope("concern", changed)]))
    report = build_report(office.store, YEAR)
    assert _row(report, "sg4a_asked")[SG4aAsked.EXPRESSED] == 1
    assert any("1 record revision is waiting as a conflict" in note for note in report.notes)


# --- the command ---------------------------------------------------------------------


def test_the_report_command_writes_csv_and_pdf(
    office: Office, device: FakeDevice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(office, device, *[_closed_case() for _ in range(8)])
    csv_path = tmp_path / "sac.csv"
    assert office.run("report", "--year", "2025-26", "--out", str(csv_path)) == 0
    out = capsys.readouterr().out
    assert f"Wrote {csv_path}: 8 concerns concluded in 2025-26" in out
    assert _blocks(csv_path.read_bytes())[0][1][-1] == "8"
    assert_mode(csv_path, 0o600)

    pdf_path = tmp_path / "sac.report"
    assert office.run("report", "--year", "2025-26", "--format", "pdf", "--out", str(pdf_path)) == 0
    assert pdf_path.read_bytes().startswith(b"%PDF-")


def test_the_report_command_refuses_what_it_cannot_do(
    office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sac.csv"
    out.write_text("keep me")
    assert office.run("report", "--year", "2025-26", "--out", str(out)) == 2
    assert "already exists; add --force to replace it" in capsys.readouterr().err
    assert out.read_text() == "keep me"
    assert office.run("report", "--year", "2025-26", "--out", str(out), "--force") == 0
    assert out.read_bytes().startswith(b"Measure,")

    assert office.run("report", "--year", "2025-27", "--out", str(tmp_path / "a.csv")) == 2
    assert "the second part must be the year after 2025" in capsys.readouterr().err
    assert office.run("report", "--year", "2025-26", "--out", str(tmp_path / "a.txt")) == 2
    assert "--format pdf, --format html or --format csv" in capsys.readouterr().err
    missing = tmp_path / "nowhere" / "a.csv"
    assert office.run("report", "--year", "2025-26", "--out", str(missing)) == 2
    assert not (tmp_path / "a.csv").exists()
