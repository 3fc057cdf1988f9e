"""Every branch of the undue-influence warning."""

from __future__ import annotations

import pytest

from msp_desktop.model import UndueInfluence, UndueInfluenceIndicator
from msp_desktop.practice import INDICATOR_WORDS, Severity, undue_influence_warning
from tests.unit.practice.sentences import assert_plain_sentences

CASES = [
    pytest.param(UndueInfluence(), {}, id="nothing-noticed"),
    pytest.param(UndueInfluence(person_declined_help=True), {}, id="declined-no-indicators"),
    pytest.param(UndueInfluence(indicators=["isolation"]), {}, id="indicators-help-accepted"),
    pytest.param(
        UndueInfluence(indicators=["seems_fearful"], person_declined_help=True),
        {"undue_influence_support_not_planned": Severity.REQUIRED},
        id="declined-with-indicator-no-plan",
    ),
    pytest.param(
        UndueInfluence(
            indicators=["seems_fearful", "financial_dependency"],
            person_declined_help=True,
            planned_support="Visit again when her nephew is at work",
        ),
        {"undue_influence_support_planned": Severity.INFO},
        id="declined-with-indicators-plan-recorded",
    ),
]


@pytest.mark.parametrize(("ui", "expected"), CASES)
def test_undue_influence_warning(ui: UndueInfluence, expected: dict[str, Severity]) -> None:
    findings = undue_influence_warning(ui)
    assert {finding.code: finding.severity for finding in findings} == expected
    assert len(findings) == len(expected)
    assert all(finding.where == "undue_influence.planned_support" for finding in findings)
    assert_plain_sentences(findings)


def test_the_warning_lists_every_sign_in_plain_words() -> None:
    (finding,) = undue_influence_warning(
        UndueInfluence(indicators=list(UndueInfluenceIndicator), person_declined_help=True)
    )
    assert finding.message.startswith(
        "The person declined help while there are signs of undue influence (someone else "
        "answers for them, they seem fearful, they change their view when someone else is "
        "there, they depend on someone else for money and they are isolated). This choice "
        "should not be taken at face value"
    )
    assert "speaking alone, another visit or a discussion with your manager." in finding.message


def test_every_indicator_has_plain_words() -> None:
    assert set(INDICATOR_WORDS) == set(UndueInfluenceIndicator)
