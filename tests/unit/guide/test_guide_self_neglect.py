"""The shipped self-neglect guide: a second conversation over the same record.

It loads and passes every check, asks every answer the finalise rules need at each
stage, speaks in one voice per question, and its conditions show and ask for what a
self-neglect conversation needs (worked out on real records with ``evaluate``).
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta

import pytest

from msp_desktop.guide import Guide, Question, load_guide
from msp_desktop.guide.check import check_guide
from msp_desktop.guide.condition_check import check_conditions
from msp_desktop.guide.conditions import evaluate
from msp_desktop.model import (
    PLAN_PARTS,
    CapacityStatus,
    Note,
    Risk,
    RiskType,
    Stage,
    SupportToDecide,
    UndueInfluence,
    Visit,
)
from msp_desktop.resources import resource
from tests import builders

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def guide() -> Guide:
    return load_guide("self-neglect")


def questions(guide: Guide, stage: Stage | None = None) -> list[tuple[str, Question]]:
    """Every question and item part (with its record path), of the steps at ``stage``."""
    found: list[tuple[str, Question]] = []

    def walk(base: str, items: tuple[Question, ...]) -> None:
        for question in items:
            path = f"{base}.{question.field}" if base else question.field
            found.append((path, question))
            walk(path, question.item_fields)

    steps = guide.steps if stage is None else guide.steps_for(stage)
    for step in steps:
        walk("", step.questions)
    return found


def _visit(**fields: object) -> Visit:
    return builders.draft_visit(builders.concern(builders.person()), **fields)


def test_it_loads_with_its_own_id_and_version(guide: Guide) -> None:
    assert guide.ref == ("self-neglect", "1.0.0")
    assert guide.title.en == "Self-neglect conversation"
    assert guide.summary is not None
    assert "fire" in guide.summary.en


def test_it_passes_every_check(guide: Guide) -> None:
    assert check_guide(guide) == []
    assert check_conditions(guide) == []


def test_it_is_short_and_walks_check_in_first(guide: Guide) -> None:
    walked = {stage: [step.id for step in guide.steps_for(stage)] for stage in Stage}
    assert walked[Stage.BEGINNING] == [
        "check-in",
        "home-and-day",
        "what-would-help",
        "choices",
        "agreed",
    ]
    assert walked[Stage.MIDDLE] == [
        "check-in",
        "looking-back",
        "home-and-day",
        "what-would-help",
        "choices",
        "agreed",
    ]
    assert walked[Stage.END] == [
        "check-in",
        "looking-back",
        "home-and-day",
        "choices",
        "agreed",
        "closing",
    ]


# What the finalise rules (msp_desktop/practice/finalise.py and advocacy.py) can ask
# for, by the record path the guide must be able to fill, at each stage.
ALWAYS = {
    "visit_date",
    "consent_to_record",
    "consent_to_share",
    "consent_to_share.decision",
    "consent_to_share.basis",
    "undue_influence.person_declined_help",
    "undue_influence.planned_support",
    "risks.risk_type",
    "risks.positive_risk.choice",
    "risks.positive_risk.understood",
    "support_to_decide.decision",
    "support_to_decide.capacity",
    "support_to_decide.capacity_assessed_by",
    "support_to_decide.capacity_assessed_on",
    "support_to_decide.imca_criteria_apply",
    "support_to_decide.appropriate_person_available",
    "support_to_decide.appropriate_person",
    "support_to_decide.advocates.type",
    "support_to_decide.advocates.status",
    "actions.what",
    "actions.owner",
    "actions.who",
    "actions.status",
}
NEEDED = {
    Stage.BEGINNING: ALWAYS | {"sg4a_asked", "desired_outcomes", "desired_outcomes.words"},
    Stage.MIDDLE: ALWAYS
    | {"sg4a_asked", "desired_outcomes.status"}
    | {f"plan_review.{part}" for part in PLAN_PARTS},
    Stage.END: ALWAYS
    | {"desired_outcomes.achieved", "experience.asked_by"}
    | {f"plan_review.{part}" for part in PLAN_PARTS}
    | {
        f"experience.answers.{name}"
        for name in ("understood_why", "listened_to", "happy_with_result", "feel_safer")
    },
}


@pytest.mark.parametrize("name", ["self-neglect", "msp-visit"])
@pytest.mark.parametrize("stage", list(Stage))
def test_everything_finalising_needs_can_be_asked(name: str, stage: Stage) -> None:
    asked = {path for path, _question in questions(load_guide(name), stage)}
    assert NEEDED[stage] - asked == set()


def test_no_two_questions_have_the_same_words(guide: Guide) -> None:
    prompts = [question.prompt.en for _path, question in questions(guide)]
    assert sorted(p for p in prompts if prompts.count(p) > 1) == []


def test_every_question_says_its_voice() -> None:
    data = tomllib.loads(resource("guides", "self-neglect.toml").read_text(encoding="utf-8"))
    unsaid: list[str] = []

    def walk(items: list[dict[str, object]]) -> None:
        for item in items:
            if "voice" not in item:
                unsaid.append(str(item["id"]))
            walk(item.get("item_fields", []))  # type: ignore[arg-type]

    for step in data["steps"]:
        walk(step.get("questions", []))
    assert unsaid == []


def test_what_is_asked_is_said_to_the_person(guide: Guide) -> None:
    for _path, question in questions(guide):
        words = set(re.findall(r"[a-z']+", question.prompt.en.lower()))
        if question.voice == "ask":
            assert question.prompt.en.endswith("?"), question.id
            assert words & {"you", "your", "i", "we"}, question.id
        else:
            # The worker's note never speaks to the person (here "your" is the worker's).
            assert "you" not in words, question.id


def test_a_self_neglect_risk_asks_the_persons_view_and_not_who_it_comes_from(
    guide: Guide,
) -> None:
    own = Risk(risk_type=RiskType.SELF_NEGLECT, description=Note(text="Papers by the cooker"))
    other = Risk(risk_type=RiskType.FINANCIAL_OR_MATERIAL)
    state = evaluate(guide, Stage.BEGINNING, _visit(risks=[own, other]), today=TODAY)
    assert not state.shows_part("risks", 0, "source")
    assert not state.shows_part("risks", 0, "source_detail")
    assert state.shows_part("risks", 1, "source")
    assert state.shows_part("risks", 1, "source_detail")
    needed = [f.where for f in state.findings if f.code == "guide_required"]
    assert needed == ["risks.0.persons_view"]  # only for the self-neglect risk
    (finding,) = [f for f in state.findings if f.code == "guide_required"]
    assert finding.message == (
        "Answer “How do you see this yourself?” (item 1) (Your home and your day)."
    )

    heard = own.model_copy(update={"persons_view": Note(text="It is my things.")})
    state = evaluate(guide, Stage.BEGINNING, _visit(risks=[heard, other]), today=TODAY)
    assert [f for f in state.findings if f.code == "guide_required"] == []


def test_the_fire_question_comes_once_there_is_a_worry(guide: Guide) -> None:
    assert not evaluate(guide, Stage.BEGINNING, _visit(), today=TODAY).shows("safety_plan")
    with_risk = _visit(risks=[Risk(risk_type=RiskType.SELF_NEGLECT)])
    assert evaluate(guide, Stage.BEGINNING, with_risk, today=TODAY).shows("safety_plan")


@pytest.mark.parametrize(
    ("capacity", "follow_ups", "imca"),
    [
        (None, False, False),
        (CapacityStatus.NOT_ASSESSED, False, False),
        (CapacityStatus.HAS_CAPACITY, True, False),
        (CapacityStatus.LACKS_CAPACITY, True, True),
    ],
)
def test_capacity_follow_ups_only_when_assessed(
    guide: Guide, capacity: CapacityStatus | None, follow_ups: bool, imca: bool
) -> None:
    visit = _visit(support_to_decide=SupportToDecide(capacity=capacity))
    state = evaluate(guide, Stage.BEGINNING, visit, today=TODAY)
    assert state.shows("capacity_assessed_by") is follow_ups
    assert state.shows("capacity_assessed_on") is follow_ups
    assert state.shows("imca_criteria_apply") is imca


def test_a_capacity_assessment_after_the_visit_is_worth_checking(guide: Guide) -> None:
    def found(on: date) -> list[str]:
        support = SupportToDecide(
            decision=Note(text="Letting someone clear the back room"),
            capacity=CapacityStatus.HAS_CAPACITY,
            capacity_assessed_by="Test Worker",
            capacity_assessed_on=on,
        )
        visit = _visit(visit_date=TODAY, support_to_decide=support)
        state = evaluate(guide, Stage.BEGINNING, visit, today=TODAY)
        return [f"{f.severity}: {f.message}" for f in state.findings if f.code == "guide_check"]

    assert found(TODAY) == []
    assert found(TODAY + timedelta(days=1)) == [
        "warning: Capacity was assessed after the date of this visit: check the dates "
        "(Your choices)."
    ]


@pytest.mark.parametrize(("declined", "shown"), [(None, False), (False, False), (True, True)])
def test_signs_of_influence_are_asked_when_help_is_turned_down(
    guide: Guide, declined: bool | None, shown: bool
) -> None:
    visit = _visit(undue_influence=UndueInfluence(person_declined_help=declined))
    state = evaluate(guide, Stage.BEGINNING, visit, today=TODAY)
    assert state.shows("undue_influence_indicators") is shown
    # The support planned is never hidden: it is brought forward from the last visit,
    # and a hidden answer would be left out when the visit is finalised.
    assert state.shows("planned_support")


def test_a_next_visit_not_after_this_one_is_a_warning(guide: Guide) -> None:
    def warned(next_on: date) -> list[str]:
        visit = _visit(visit_date=TODAY, next_visit_on=next_on)
        state = evaluate(guide, Stage.BEGINNING, visit, today=TODAY)
        return [f"{f.severity}: {f.message}" for f in state.findings if f.code == "guide_check"]

    assert warned(TODAY + timedelta(days=14)) == []
    assert warned(TODAY) == [
        "warning: The next visit is not after this one: check the date (What we agreed)."
    ]
