"""What blocks finalising a visit, and everything check_visit shows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from msp_desktop.model import (
    Action,
    CapacityStatus,
    Concern,
    DesiredOutcome,
    ExperienceFeedback,
    OutcomeAchieved,
    PositiveRiskDecision,
    Risk,
    RiskOutcome,
    RiskType,
    SG2cActionResult,
    SG4aAsked,
    Stage,
    SupportToDecide,
    UndueInfluence,
    Visit,
)
from msp_desktop.practice import Severity, check_visit, finalise_blockers
from tests.unit.practice.sentences import assert_plain_sentences

TODAY = date(2024, 6, 10)


def _complete_visit() -> Visit:
    """A visit with nothing left to do at any stage."""
    return Visit(
        concern_id="c1",
        person_id="p1",
        visit_date=date(2024, 6, 1),
        consent_to_record=True,
        consent_to_share=True,
        sg4a_asked=SG4aAsked.EXPRESSED,
        desired_outcomes=[
            DesiredOutcome(
                id="o1",
                words="I want him to stop taking my pension",
                status="still_wanted",
                achieved="Fully Achieved",
            )
        ],
        undue_influence=UndueInfluence(person_declined_help=False),
        actions=[
            Action(
                what="Change where the pension is paid",
                who="Sam, social worker",
                by_when=date(2024, 6, 20),
                outcome_ids=["o1"],
            )
        ],
        experience=ExperienceFeedback(asked_by="independent", answers={"feel_safer": "a_lot"}),
    )


def _complete_concern() -> Concern:
    return Concern(
        person_id="p1",
        raised_on=date(2024, 5, 1),
        action_result=SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN,
        risk_outcome=RiskOutcome.REDUCED,
        closing_view="Glad it is sorted",
    )


def _visit(**changes: Any) -> Visit:
    # Revalidate, so a change that breaks a model rule fails here, not in the rule.
    return Visit.model_validate({**dict(_complete_visit()), **changes})


def _concern(**changes: Any) -> Concern:
    return Concern.model_validate({**dict(_complete_concern()), **changes})


NO_OUTCOMES: dict[str, Any] = {"desired_outcomes": [], "actions": []}
UNRATED = [DesiredOutcome(id="o1", words="I want to stay at home", status="still_wanted")]
UNREVIEWED = [DesiredOutcome(id="o1", words="I want to stay at home")]

BLOCKER_CASES = [
    pytest.param(Stage.BEGINNING, _visit(), None, set(), id="complete-beginning"),
    pytest.param(Stage.MIDDLE, _visit(), None, set(), id="complete-middle"),
    pytest.param(Stage.END, _visit(), _complete_concern(), set(), id="complete-end"),
    pytest.param(Stage.END, _visit(), None, set(), id="end-without-concern"),
    pytest.param(
        Stage.BEGINNING,
        Visit(concern_id="c1", person_id="p1"),
        None,
        {
            "visit_date_missing",
            "consent_to_record_missing",
            "outcomes_asked_missing",
            "declined_help_not_answered",
        },
        id="empty-draft",
    ),
    pytest.param(
        Stage.BEGINNING, _visit(visit_date=None), None, {"visit_date_missing"}, id="no-date"
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(visit_date=date(2024, 6, 11)),
        None,
        {"visit_date_in_future"},
        id="date-in-future",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(consent_to_record=None),
        None,
        {"consent_to_record_missing"},
        id="consent-to-record-unanswered",
    ),
    pytest.param(
        Stage.BEGINNING, _visit(consent_to_record=False), None, set(), id="consent-refused"
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(sg4a_asked=None),
        None,
        {"outcomes_asked_missing"},
        id="asked-unanswered",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(**NO_OUTCOMES),
        None,
        {"desired_outcomes_missing"},
        id="expressed-but-none-written",
    ),
    *[
        pytest.param(
            Stage.BEGINNING,
            _visit(sg4a_asked=asked, **NO_OUTCOMES),
            None,
            set(),
            id=f"no-outcomes-{asked.name.lower()}",
        )
        for asked in SG4aAsked
        if asked is not SG4aAsked.EXPRESSED
    ],
    pytest.param(
        Stage.BEGINNING,
        _visit(sg4a_asked=SG4aAsked.ASKED_NONE_EXPRESSED),
        None,
        {"outcomes_asked_mismatch"},
        id="none-expressed-but-outcomes-listed",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(actions=[Action(who="Sam", outcome_ids=["o1"], by_when=date(2024, 7, 1))]),
        None,
        {"action_what_missing"},
        id="action-without-what",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(actions=[Action(what="Call the bank", outcome_ids=["o1"], done=True)]),
        None,
        {"action_who_missing"},
        id="action-without-who",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(actions=[Action(), Action()]),
        None,
        {"action_what_missing", "action_who_missing"},
        id="empty-actions",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(
            support_to_decide=SupportToDecide(
                substantial_difficulty=["communicating"], appropriate_person_available=False
            )
        ),
        None,
        {"care_act_advocate_required"},
        id="care-act-advocate-required",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(
            support_to_decide=SupportToDecide(
                capacity=CapacityStatus.LACKS_CAPACITY, imca_criteria_apply=True
            )
        ),
        None,
        {"imca_required"},
        id="imca-required",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(undue_influence=UndueInfluence(indicators=["isolation"], person_declined_help=True)),
        None,
        {"undue_influence_support_not_planned"},
        id="undue-influence-no-plan",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(
            undue_influence=UndueInfluence(
                indicators=["isolation"], person_declined_help=True, planned_support="Speak alone"
            )
        ),
        None,
        set(),
        id="undue-influence-planned",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(desired_outcomes=UNRATED, experience=None),
        None,
        set(),
        id="ratings-not-needed-before-the-end",
    ),
    pytest.param(
        Stage.END,
        _visit(desired_outcomes=UNRATED),
        None,
        {"outcome_not_rated"},
        id="end-outcome-unrated",
    ),
    pytest.param(
        Stage.END, _visit(experience=None), None, {"experience_missing"}, id="end-no-experience"
    ),
    # The national result (SG2c) and the risk outcome are given when the concern is
    # closed (msp_desktop.services.concerns), not by the end visit.
    pytest.param(
        Stage.END,
        _visit(),
        _concern(action_result=None, risk_outcome=None),
        set(),
        id="end-visit-needs-no-result",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(desired_outcomes=UNREVIEWED),
        None,
        {"outcome_not_reviewed"},
        id="middle-outcome-not-reviewed",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(desired_outcomes=UNREVIEWED),
        None,
        set(),
        id="a-new-outcome-needs-no-review",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(undue_influence=UndueInfluence()),
        None,
        {"declined_help_not_answered"},
        id="declined-help-unanswered",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(plan_carried=["risks", "consent"], plan_review={"risks": "same"}),
        None,
        {"plan_not_reviewed"},
        id="carried-plan-not-reviewed",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(actions=[Action(what="Call the bank", who="Sam", carried=True, status=None)]),
        None,
        {"action_not_reviewed"},
        id="carried-action-not-reviewed",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(actions=[Action(what="Call the bank")]),
        None,
        {"action_who_missing"},
        id="action-without-anyone",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(actions=[Action(what="Call the bank", owner="someone_else")]),
        None,
        {"action_who_missing"},
        id="action-for-someone-unnamed",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(
            consent_to_share={"decision": "no", "shared_without_consent": True, "person_told": True}
        ),
        None,
        {"share_basis_missing"},
        id="shared-without-consent-needs-a-basis",
    ),
    pytest.param(
        Stage.MIDDLE,
        Visit(
            concern_id="c1",
            person_id="p1",
            visit_date=date(2024, 6, 1),
            not_held={"reason": "no_access", "rearranged_for": date(2024, 6, 15)},
        ),
        None,
        set(),
        id="not-held-needs-only-date-and-reason",
    ),
    pytest.param(
        Stage.MIDDLE,
        Visit(concern_id="c1", person_id="p1", not_held={"reason": "declined"}),
        None,
        {"visit_date_missing"},
        id="not-held-needs-its-date",
    ),
    # Optional while a draft, so nothing typed waits for them; asked for at finalising.
    pytest.param(
        Stage.MIDDLE,
        _visit(risks=[Risk(persons_view="He only borrows a little.")]),
        None,
        {"risk_type_missing"},
        id="a-risk-needs-its-type",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(risks=[Risk(risk_type=RiskType.FINANCIAL_OR_MATERIAL, positive_risk={})]),
        None,
        {"positive_risk_choice_missing", "positive_risk_understood_missing"},
        id="a-positive-risk-needs-the-choice-and-whether-understood",
    ),
    pytest.param(
        Stage.MIDDLE,
        _visit(support_to_decide=SupportToDecide(advocates=[{"name": "Advocacy service"}])),
        None,
        {"advocate_incomplete"},
        id="an-advocate-needs-type-and-status",
    ),
    pytest.param(
        Stage.END,
        _visit(experience=ExperienceFeedback(answers={"feel_safer": "a_lot"})),
        None,
        {"experience_asked_by_missing"},
        id="experience-needs-who-asked",
    ),
    pytest.param(
        Stage.END,
        _visit(),
        _concern(action_result=SG2cActionResult.NO_RISK_NO_ACTION, risk_outcome=None),
        set(),
        id="end-no-risk-needs-no-risk-outcome",
    ),
]


@pytest.mark.parametrize(("stage", "visit", "concern", "expected"), BLOCKER_CASES)
def test_finalise_blockers(
    stage: Stage, visit: Visit, concern: Concern | None, expected: set[str]
) -> None:
    blockers = finalise_blockers(visit, stage, concern=concern, today=TODAY)
    assert {finding.code for finding in blockers} == expected
    assert all(finding.severity is Severity.REQUIRED for finding in blockers)
    assert_plain_sentences(blockers)


def test_a_blocker_per_incomplete_item_each_pointing_at_it() -> None:
    visit = _visit(
        desired_outcomes=[*UNRATED, DesiredOutcome(id="o2", words="To see my friends")],
        actions=[Action(what="Call", who="Sam"), Action(who="Jo")],
    )
    where = {f.where for f in finalise_blockers(visit, Stage.END, today=TODAY)}
    assert where == {
        "desired_outcomes.0.achieved",
        "desired_outcomes.1.achieved",
        "actions.1.what",
    }


def test_the_asked_blocker_names_the_step() -> None:
    (finding,) = finalise_blockers(_visit(sg4a_asked=None), Stage.BEGINNING, today=TODAY)
    assert finding.message == (
        "Record whether the person was asked what they want to happen (What matters to you)."
    )


def test_date_defaults_to_today() -> None:
    assert finalise_blockers(_visit(visit_date=date.today()), Stage.BEGINNING) == []


POSITIVE_RISK = Risk(
    risk_type=RiskType.SELF_NEGLECT,
    positive_risk=PositiveRiskDecision(choice="To keep climbing the loft ladder", understood=False),
)

CHECK_CASES = [
    pytest.param(Stage.END, _visit(), _complete_concern(), {}, id="complete-end"),
    pytest.param(
        Stage.BEGINNING,
        _visit(consent_to_record=False, consent_to_share=None),
        None,
        {
            "consent_to_record_declined": Severity.WARNING,
            "consent_to_share_missing": Severity.WARNING,
        },
        id="consent",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(actions=[Action(what="Call", who="Sam")]),
        None,
        {"action_by_when_missing": Severity.WARNING, "action_not_linked": Severity.WARNING},
        id="action-without-date-or-outcome",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(actions=[Action(what="Call", who="Sam", done=True, outcome_ids=["o1"])]),
        None,
        {},
        id="done-action-needs-no-date",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(
            risks=[POSITIVE_RISK],
            support_to_decide=SupportToDecide(
                capacity=CapacityStatus.LACKS_CAPACITY,
                decision="Living at home",
                capacity_assessed_by="Sam",
                capacity_assessed_on=date(2024, 6, 1),
                imca_criteria_apply=False,
            ),
        ),
        None,
        {
            "positive_risk_without_capacity": Severity.WARNING,
            "positive_risk_not_understood": Severity.WARNING,
            "positive_risk_harm_reduction_missing": Severity.WARNING,
        },
        id="positive-risk-doubts",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(
            risks=[
                Risk(
                    risk_type=RiskType.SELF_NEGLECT,
                    positive_risk=PositiveRiskDecision(
                        choice="To keep climbing the loft ladder",
                        understood=True,
                        harm_reduction="A grab rail is fitted",
                    ),
                )
            ]
        ),
        None,
        {},
        id="positive-risk-sound",
    ),
    pytest.param(
        Stage.END,
        _visit(experience=ExperienceFeedback(asked_by="lead_worker")),
        _concern(closing_view=None),
        {
            "experience_asked_by_lead_worker": Severity.INFO,
            "closing_view_missing": Severity.WARNING,
        },
        id="end-lead-worker-asked-no-closing-view",
    ),
    pytest.param(
        Stage.BEGINNING,
        _visit(
            sg4a_asked=None,
            support_to_decide=SupportToDecide(
                substantial_difficulty=["understanding"],
                appropriate_person_available=False,
                advocates=[{"type": "care_act_advocate", "status": "in_place"}],
            ),
            undue_influence=UndueInfluence(
                indicators=["seems_fearful"], person_declined_help=True, planned_support="Alone"
            ),
            consent_to_share=None,
        ),
        None,
        {
            "outcomes_asked_missing": Severity.REQUIRED,
            "consent_to_share_missing": Severity.WARNING,
            "care_act_advocate_arranged": Severity.INFO,
            "undue_influence_support_planned": Severity.INFO,
        },
        id="mixed",
    ),
]


@pytest.mark.parametrize(("stage", "visit", "concern", "expected"), CHECK_CASES)
def test_check_visit(
    stage: Stage, visit: Visit, concern: Concern | None, expected: dict[str, Severity]
) -> None:
    findings = check_visit(visit, stage, concern=concern, today=TODAY)
    assert {finding.code: finding.severity for finding in findings} == expected
    assert len(findings) == len(expected)
    assert_plain_sentences(findings)


def test_check_visit_puts_blockers_first_and_includes_them_all() -> None:
    visit = _visit(
        sg4a_asked=None,
        consent_to_share=None,
        undue_influence=UndueInfluence(
            indicators=["isolation"], person_declined_help=True, planned_support="Alone"
        ),
    )
    findings = check_visit(visit, Stage.BEGINNING, today=TODAY)
    assert [f.severity for f in findings] == [Severity.REQUIRED, Severity.WARNING, Severity.INFO]
    blockers = finalise_blockers(visit, Stage.BEGINNING, today=TODAY)
    assert blockers == [f for f in findings if f.blocks_finalising]


def test_outcome_ratings_are_the_national_labels() -> None:
    rated = _visit(desired_outcomes=[UNRATED[0].model_copy(update={"achieved": None})])
    assert finalise_blockers(rated, Stage.END, today=TODAY)[0].code == "outcome_not_rated"
    done = _visit(
        desired_outcomes=[
            UNRATED[0].model_copy(update={"achieved": OutcomeAchieved.PARTIALLY_ACHIEVED})
        ]
    )
    assert finalise_blockers(done, Stage.END, today=TODAY) == []
