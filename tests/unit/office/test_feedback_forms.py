"""``msp-office feedback record``: a feedback form posted back, matched by its code and
counted in the report apart from the answers asked at the visit, on SQLite and PostgreSQL.

Each refusal is one sentence and leaves the database as it was (``db_hash``).
"""

from __future__ import annotations

from datetime import date

import pytest

from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.model import ExperienceAnswer, ExperienceQuestion
from msp_desktop.model.feedback_code import reference_code
from msp_desktop.office.reports.figures import EXPERIENCE, FORMS, POSTED, build_report
from tests.office_helpers import FakeDevice
from tests.unit.office.conftest import Office
from tests.unit.office.test_report import YEAR, _closed_case, _import

NOT_ANSWERED = "Not asked or not answered"


def _concern_id(case: list[RecordEnvelope]) -> str:
    (concern,) = [e for e in case if e.kind == "concern"]
    return str(concern.record["id"])


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("msp-office: ")
    assert captured.out == ""
    return lines[0]


@pytest.fixture
def concern(office: Office, device: FakeDevice) -> str:
    """A concern concluded in the year, asked the four questions at its closing visit."""
    asked = dict.fromkeys(ExperienceQuestion, ExperienceAnswer.A_LOT)
    case = _closed_case(answers=asked)
    office.enrol(device)
    _import(office, device, case)
    return _concern_id(case)


def test_a_form_posted_back_is_recorded_and_counted_apart_from_the_visit(
    office: Office, concern: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = reference_code(concern, "en")
    answers = "a-little,blank,quite-a-bit,prefer-not-to-say"
    assert office.run("feedback", "record", code, "--answers", answers) == 0
    assert capsys.readouterr().out == (
        f"Recorded the returned feedback form {code} (the English form): 3 of 4 questions "
        "answered.\n"
    )
    rows = office.sql("SELECT code, concern_id, lang FROM returned_forms")
    assert [tuple(row) for row in rows] == [(code, concern, "en")]

    report = build_report(office.store, YEAR)
    assert report.table(FORMS).rows == (("Forms for the concerns concluded", (1,)),)
    posted = report.table(POSTED)
    columns = posted.columns
    chosen = [
        ExperienceAnswer.A_LITTLE.label,
        NOT_ANSWERED,
        ExperienceAnswer.QUITE_A_BIT.label,
        ExperienceAnswer.PREFER_NOT_TO_SAY.label,
    ]
    for (question, counts), answer in zip(posted.rows, chosen, strict=True):
        assert counts == tuple(int(column == answer) for column in columns), question
    # The answers asked at the closing conversation are their own table, unchanged.
    for _, counts in report.table(EXPERIENCE).rows:
        assert counts[columns.index(ExperienceAnswer.A_LOT.label)] == 1
        assert sum(counts) == 1
    assert report.table(EXPERIENCE).title.endswith("asked at the closing conversation")
    assert report.table(POSTED).title.endswith("forms posted back")
    assert not any("Welsh form" in note for note in report.notes)


def test_the_welsh_form_is_matched_and_the_report_says_how_many_came_on_it(
    office: Office, concern: str
) -> None:
    code = reference_code(concern, "cy").lower().replace("-", " ")  # as someone might type it
    assert office.run("feedback", "record", code, "--answers", "a-lot,a-lot,a-lot,a-lot") == 0
    rows = office.sql("SELECT lang FROM returned_forms")
    assert [tuple(row) for row in rows] == [("cy",)]
    report = build_report(office.store, YEAR)
    assert report.table(FORMS).rows[0][1] == (1,)
    assert (
        "Some feedback forms posted back were the Welsh form, whose Welsh questions and "
        "answer words are not yet checked by a translator."
    ) in report.notes


def test_a_form_for_a_concern_not_concluded_in_the_year_is_noted_not_counted(
    office: Office, concern: str, device: FakeDevice
) -> None:
    later = _closed_case(closed_on=date(2026, 5, 1))
    _import(office, device, later)
    code = reference_code(_concern_id(later), "en")
    assert office.run("feedback", "record", code, "--answers", "a-lot,a-lot,a-lot,a-lot") == 0
    report = build_report(office.store, YEAR)
    assert report.table(FORMS).rows[0][1] == (0,)
    assert (
        "Some feedback forms posted back are for concerns not concluded in this year; they "
        "are not counted here."
    ) in report.notes


@pytest.mark.parametrize(
    ("code", "answers", "exit_code", "sentence"),
    [
        pytest.param(
            "ABCD-EFGH", "a-lot,a-lot,a-lot,a-lot", 8,
            "No concern held at this office has the reference ABCD-EFGH: check the code on "
            "the form, and that the worker's records have been imported; nothing was recorded.",
            id="no-such-concern",
        ),
        pytest.param(
            "ABC-123", "a-lot,a-lot,a-lot,a-lot", 2,
            "ABC-123 is not a feedback form reference: a reference has 8 letters and "
            "numbers, like ABCD-EFGH.",
            id="too-short",
        ),
        pytest.param(
            "AB1D-EFGH", "a-lot,a-lot,a-lot,a-lot", 2,
            "AB1D-EFGH is not a feedback form reference: it has 1, and references never "
            "use I, L, O, 0 or 1; check the form.",
            id="confusable",
        ),
        pytest.param(
            None, "a-lot,a-lot,a-lot", 2,
            "Give 4 answers, one for each question in the order of the form, separated by "
            "commas (each one of not-at-all, a-little, quite-a-bit, a-lot, "
            "prefer-not-to-say, blank); 3 were given.",
            id="three-answers",
        ),
        pytest.param(
            None, "a-lot,yes,a-lot,a-lot", 2,
            "The answer to question 2, 'yes', is not one of the form's: use one of "
            "not-at-all, a-little, quite-a-bit, a-lot, prefer-not-to-say, blank.",
            id="unknown-word",
        ),
    ],
)  # fmt: skip
def test_a_bad_code_or_bad_answers_are_one_sentence_and_change_nothing(
    office: Office,
    concern: str,
    capsys: pytest.CaptureFixture[str],
    code: str | None,
    answers: str,
    exit_code: int,
    sentence: str,
) -> None:
    before = office.db_hash()
    code = code or reference_code(concern, "en")
    assert office.run("feedback", "record", code, "--answers", answers) == exit_code
    assert _one_line(capsys) == f"msp-office: {sentence}"
    assert office.db_hash() == before


def test_a_form_recorded_twice_is_refused_and_the_first_kept(
    office: Office, concern: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = reference_code(concern, "en")
    assert office.run("feedback", "record", code, "--answers", "a-lot,a-lot,a-lot,a-lot") == 0
    capsys.readouterr()
    before = office.db_hash()
    assert office.run("feedback", "record", code, "--answers", "blank,blank,blank,blank") == 9
    line = _one_line(capsys)
    assert line.startswith(f"msp-office: The feedback form {code} was already recorded on 20")
    assert line.endswith("; a form is recorded once, so nothing changed.")
    assert office.db_hash() == before
    report = build_report(office.store, YEAR)
    answered = report.table(POSTED).columns.index(ExperienceAnswer.A_LOT.label)
    assert [counts[answered] for _, counts in report.table(POSTED).rows] == [1, 1, 1, 1]
