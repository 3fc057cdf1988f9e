"""Every practice finding lands on a real step of the shipped guide, named as the guide
names it, at each stage where the finding can arise.

The table below gives, for each finding code in ``msp_desktop.practice``, an example of
its ``where`` path, the stages it can arise at and the step that must show it. The
first test reads the practice source, so a new finding code without a row here fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import msp_desktop.practice
from msp_desktop.guide import Guide, load_guide
from msp_desktop.guide.findings import named_step, step_for, with_step_named
from msp_desktop.model import Stage
from msp_desktop.practice import Finding, Severity

ALL = (Stage.BEGINNING, Stage.MIDDLE, Stage.END)
LATER = (Stage.MIDDLE, Stage.END)
END = (Stage.END,)
BEFORE_END = (Stage.BEGINNING, Stage.MIDDLE)

# SG4a is asked where the outcomes are: at the beginning with them, in the middle with
# how they are going, at the end with their ratings.
BY_STAGE_SG4A = {
    Stage.BEGINNING: "what-matters",
    Stage.MIDDLE: "how-is-it-going",
    Stage.END: "closing",
}
BY_STAGE_OUTCOMES = {Stage.BEGINNING: "what-matters", Stage.MIDDLE: "how-is-it-going"}

# code: (an example ``where``, the stages it can arise at, the step that shows it, or
# the step at each stage)
WHERE: dict[str, tuple[str, tuple[Stage, ...], str | dict[Stage, str]]] = {
    "advocate_incomplete": ("support_to_decide.advocates.0.type", ALL, "support-to-decide"),
    "care_act_advocate_required": ("support_to_decide.advocates", ALL, "support-to-decide"),
    "appropriate_person_unknown": (
        "support_to_decide.appropriate_person_available",
        ALL,
        "support-to-decide",
    ),
    "care_act_advocate_arranged": ("support_to_decide.advocates", ALL, "support-to-decide"),
    "care_act_advocate_met_by_imca": ("support_to_decide.advocates", ALL, "support-to-decide"),
    "care_act_advocate_declined_reason_missing": (
        "support_to_decide.advocates",
        ALL,
        "support-to-decide",
    ),
    "care_act_advocate_declined": ("support_to_decide.advocates", ALL, "support-to-decide"),
    "imca_instructed": ("support_to_decide.advocates", ALL, "support-to-decide"),
    "imca_criteria_unconfirmed": (
        "support_to_decide.imca_criteria_apply",
        ALL,
        "support-to-decide",
    ),
    "imca_required": ("support_to_decide.advocates", ALL, "support-to-decide"),
    "capacity_not_answered": ("support_to_decide.capacity", ALL, "support-to-decide"),
    "capacity_decision_missing": ("support_to_decide.decision", ALL, "support-to-decide"),
    "capacity_assessment_details_missing": (
        "support_to_decide.capacity_assessed_by",
        ALL,
        "support-to-decide",
    ),
    "appropriate_person_named_in_risk": (
        "support_to_decide.appropriate_person",
        ALL,
        "support-to-decide",
    ),
    "appropriate_person_not_named": (
        "support_to_decide.appropriate_person",
        ALL,
        "support-to-decide",
    ),
    "outcome_not_reviewed": ("desired_outcomes.0.status", (Stage.MIDDLE,), "how-is-it-going"),
    "plan_not_reviewed": ("plan_review.risks", LATER, "review"),
    "declined_help_not_answered": (
        "undue_influence.person_declined_help",
        ALL,
        "undue-influence",
    ),
    "outcome_not_rated": ("desired_outcomes.0.achieved", END, "closing"),
    "visit_date_missing": ("visit_date", ALL, "check-in"),
    "visit_date_in_future": ("visit_date", ALL, "check-in"),
    "consent_to_record_missing": ("consent_to_record", ALL, "check-in"),
    "consent_to_record_declined": ("consent_to_record", ALL, "check-in"),
    "consent_to_share_missing": ("consent_to_share.decision", ALL, "check-in"),
    "consent_partly_unclear": ("consent_to_share.with_whom", ALL, "check-in"),
    "share_basis_without_sharing": (
        "consent_to_share.shared_without_consent",
        ALL,
        "check-in",
    ),
    "share_basis_missing": ("consent_to_share.basis", ALL, "check-in"),
    "share_told_missing": ("consent_to_share.person_told", ALL, "check-in"),
    "outcomes_asked_missing": ("sg4a_asked", ALL, BY_STAGE_SG4A),
    "outcomes_asked_mismatch": ("sg4a_asked", ALL, BY_STAGE_SG4A),
    "desired_outcomes_missing": ("desired_outcomes", BEFORE_END, BY_STAGE_OUTCOMES),
    "experience_missing": ("experience", END, "closing"),
    "experience_asked_by_missing": ("experience.asked_by", END, "closing"),
    "experience_asked_by_lead_worker": ("experience.asked_by", END, "closing"),
    "closing_view_missing": ("concern.closing_view", END, "closing"),
    "action_not_reviewed": ("actions.0.status", ALL, "actions"),
    "action_what_missing": ("actions.0.what", ALL, "actions"),
    "action_who_missing": ("actions.0.who", ALL, "actions"),
    "action_by_when_missing": ("actions.0.by_when", ALL, "actions"),
    "action_not_linked": ("actions.0.outcome_ids", ALL, "actions"),
    "risk_type_missing": ("risks.0.risk_type", ALL, "risks"),
    "positive_risk_choice_missing": ("risks.0.positive_risk.choice", ALL, "risks"),
    "positive_risk_understood_missing": ("risks.0.positive_risk.understood", ALL, "risks"),
    "positive_risk_without_capacity": ("risks.0.positive_risk", ALL, "risks"),
    "positive_risk_not_understood": ("risks.0.positive_risk.understood", ALL, "risks"),
    "positive_risk_harm_reduction_missing": (
        "risks.0.positive_risk.harm_reduction",
        ALL,
        "risks",
    ),
    "undue_influence_support_planned": (
        "undue_influence.planned_support",
        ALL,
        "undue-influence",
    ),
    "undue_influence_support_not_planned": (
        "undue_influence.planned_support",
        ALL,
        "undue-influence",
    ),
}


@pytest.fixture(scope="module")
def guide() -> Guide:
    return load_guide()


def _codes_in_practice() -> set[str]:
    """Every code given to ``Finding(...)`` in the practice package's source."""
    codes: set[str] = set()
    for source in Path(msp_desktop.practice.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                first = node.args[0]
                assert isinstance(first, ast.Constant), f"{source.name}: a code not as a literal"
                codes.add(str(first.value))
    return codes


def test_the_table_has_every_finding_code_of_the_practice_rules() -> None:
    codes = _codes_in_practice()
    assert len(codes) > 40  # the scan found the rules, not an empty folder
    assert codes == set(WHERE)


@pytest.mark.parametrize("code", sorted(WHERE))
def test_each_finding_names_a_step_that_exists_at_its_stages(guide: Guide, code: str) -> None:
    where, stages, expected = WHERE[code]
    for stage in stages:
        step = step_for(guide, stage, where)
        assert step is not None, (code, stage)
        step_id = expected if isinstance(expected, str) else expected[stage]
        assert step.id == step_id, (code, stage)
        assert step in guide.steps_for(stage)
        finding = with_step_named(
            guide, stage, Finding(code, Severity.REQUIRED, "Do it (X).", where)
        )
        assert finding.message == f"Do it ({step.title})."


def test_the_longest_match_wins_with_the_parts_of_items(guide: Guide) -> None:
    # At the end, outcomes are asked about on Closing only: the rating, not the status.
    assert step_for(guide, Stage.END, "desired_outcomes.3.achieved").id == "closing"  # type: ignore[union-attr]
    assert step_for(guide, Stage.END, "desired_outcomes.3.status") is None
    # The whole list belongs to the step that can add to it.
    assert step_for(guide, Stage.MIDDLE, "desired_outcomes").id == "how-is-it-going"  # type: ignore[union-attr]
    # A part no step asks about, and a field no question keeps, belong nowhere.
    assert step_for(guide, Stage.BEGINNING, "desired_outcomes.0.achieved") is None
    assert step_for(guide, Stage.BEGINNING, "no_such_field") is None
    assert step_for(guide, Stage.BEGINNING, "") is None


def test_only_the_steps_given_are_chosen(guide: Guide) -> None:
    shown = [s for s in guide.steps_for(Stage.BEGINNING) if s.id != "check-in"]
    assert step_for(guide, Stage.BEGINNING, "visit_date", steps=shown) is None


def test_a_message_naming_no_step_is_left_alone() -> None:
    finding = Finding("x", Severity.INFO, "Make sure it happens.", "visit_date")
    assert named_step(finding, "Checking in") == finding
    named = named_step(Finding("x", Severity.INFO, "Record it (Check in).", "v"), "Checking in")
    assert named.message == "Record it (Checking in)."
