"""Every branch of the advocacy duties."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from msp_desktop.model import Advocate, CapacityStatus, SupportToDecide
from msp_desktop.practice import Severity, advocacy_duty
from tests.unit.practice.sentences import assert_plain_sentences


def _support(**fields: Any) -> SupportToDecide:
    return SupportToDecide(**fields)


def _advocate(type_: str, status: str, **fields: Any) -> Advocate:
    return Advocate(type=type_, status=status, **fields)


DIFFICULTY = {"substantial_difficulty": ["retaining"]}
NOBODY = {**DIFFICULTY, "appropriate_person_available": False}
LACKS = {
    "capacity": CapacityStatus.LACKS_CAPACITY,
    "decision": "Whether to move into a care home",
    "capacity_assessed_by": "A. Worker",
    "capacity_assessed_on": date(2024, 6, 1),
}

CASES = [
    pytest.param(_support(), {}, id="nothing-recorded"),
    pytest.param(
        _support(appropriate_person_available=False), {}, id="no-difficulty-no-appropriate-person"
    ),
    pytest.param(
        _support(**DIFFICULTY),
        {"appropriate_person_unknown": Severity.WARNING},
        id="difficulty-appropriate-person-unknown",
    ),
    pytest.param(
        _support(**DIFFICULTY, appropriate_person_available=True, appropriate_person="Her sister"),
        {},
        id="difficulty-appropriate-person-named",
    ),
    pytest.param(
        _support(**DIFFICULTY, appropriate_person_available=True),
        {"appropriate_person_not_named": Severity.WARNING},
        id="difficulty-appropriate-person-not-named",
    ),
    pytest.param(
        _support(**NOBODY),
        {"care_act_advocate_required": Severity.REQUIRED},
        id="difficulty-nobody-no-advocate",
    ),
    pytest.param(
        _support(**NOBODY, advocates=[_advocate("care_act_advocate", "offered")]),
        {"care_act_advocate_required": Severity.REQUIRED},
        id="advocate-only-offered",
    ),
    pytest.param(
        _support(**NOBODY, advocates=[_advocate("friend", "in_place")]),
        {"care_act_advocate_required": Severity.REQUIRED},
        id="friend-does-not-meet-the-duty",
    ),
    *[
        pytest.param(
            _support(**NOBODY, advocates=[_advocate("care_act_advocate", status)]),
            {"care_act_advocate_arranged": Severity.INFO},
            id=f"advocate-{status}",
        )
        for status in ("accepted", "referred", "in_place")
    ],
    pytest.param(
        _support(**NOBODY, advocates=[_advocate("imca", "in_place")]),
        {"care_act_advocate_met_by_imca": Severity.INFO},
        id="imca-acts-as-care-act-advocate",
    ),
    pytest.param(
        _support(**NOBODY, advocates=[_advocate("care_act_advocate", "declined")]),
        {"care_act_advocate_declined_reason_missing": Severity.REQUIRED},
        id="declined-without-reason",
    ),
    pytest.param(
        _support(
            **NOBODY,
            advocates=[_advocate("care_act_advocate", "declined", reason="Wants her son to help")],
        ),
        {"care_act_advocate_declined": Severity.WARNING},
        id="declined-with-reason",
    ),
    pytest.param(
        _support(
            **NOBODY,
            advocates=[
                _advocate("care_act_advocate", "declined", reason="Not today"),
                _advocate("care_act_advocate", "referred", on=date(2024, 6, 3)),
            ],
        ),
        {"care_act_advocate_arranged": Severity.INFO},
        id="declined-then-referred",
    ),
    pytest.param(
        _support(**LACKS),
        {"imca_criteria_unconfirmed": Severity.WARNING},
        id="lacks-capacity-criteria-unconfirmed",
    ),
    pytest.param(
        _support(**LACKS, imca_criteria_apply=False), {}, id="lacks-capacity-criteria-do-not-apply"
    ),
    pytest.param(
        _support(**LACKS, imca_criteria_apply=True),
        {"imca_required": Severity.REQUIRED},
        id="imca-required",
    ),
    pytest.param(
        _support(**LACKS, imca_criteria_apply=True, advocates=[_advocate("imca", "declined")]),
        {"imca_required": Severity.REQUIRED},
        id="imca-declined-does-not-count",
    ),
    *[
        pytest.param(
            _support(**LACKS, imca_criteria_apply=True, advocates=[_advocate("imca", status)]),
            {"imca_instructed": Severity.INFO},
            id=f"imca-{status}",
        )
        for status in ("referred", "in_place")
    ],
    pytest.param(
        _support(**LACKS, **NOBODY, imca_criteria_apply=True),
        {"care_act_advocate_required": Severity.REQUIRED, "imca_required": Severity.REQUIRED},
        id="both-duties-neither-met",
    ),
    pytest.param(
        _support(
            **LACKS, **NOBODY, imca_criteria_apply=True, advocates=[_advocate("imca", "referred")]
        ),
        {"care_act_advocate_met_by_imca": Severity.INFO, "imca_instructed": Severity.INFO},
        id="both-duties-met-by-one-imca",
    ),
    pytest.param(
        _support(capacity=CapacityStatus.HAS_CAPACITY),
        {
            "capacity_decision_missing": Severity.WARNING,
            "capacity_assessment_details_missing": Severity.WARNING,
        },
        id="capacity-assessed-without-details",
    ),
    pytest.param(
        _support(
            capacity=CapacityStatus.HAS_CAPACITY,
            decision="Managing money",
            capacity_assessed_by="A. Worker",
            capacity_assessed_on=date(2024, 6, 1),
        ),
        {},
        id="capacity-assessed-with-details",
    ),
]


@pytest.mark.parametrize(("support", "expected"), CASES)
def test_advocacy_duty(support: SupportToDecide, expected: dict[str, Severity]) -> None:
    findings = advocacy_duty(support)
    assert {finding.code: finding.severity for finding in findings} == expected
    assert len(findings) == len(expected)
    assert all(finding.where.startswith("support_to_decide.") for finding in findings)
    assert_plain_sentences(findings)


def test_the_duty_message_says_what_must_happen() -> None:
    (finding,) = advocacy_duty(_support(**NOBODY))
    assert "Care Act advocate must be arranged" in finding.message
    assert finding.blocks_finalising
