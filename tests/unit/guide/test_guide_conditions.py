"""What a worker sees for the answers so far: conditions worked out on real visits.

These use the shipped guide and real records; the table tests in tests/guide_cases
cover every condition of the shipped guides one by one.
"""

from __future__ import annotations

from datetime import date

import pytest

from msp_desktop.guide import Guide, load_guide
from msp_desktop.guide.conditions import evaluate, without_hidden
from msp_desktop.guide.expressions import parse_expression
from msp_desktop.model import (
    Action,
    ActionOwner,
    CapacityStatus,
    Note,
    Stage,
    SupportToDecide,
    Visit,
)
from tests import builders


@pytest.fixture(scope="module")
def guide() -> Guide:
    return load_guide()


def _visit(**fields: object) -> Visit:
    return builders.draft_visit(builders.concern(builders.person()), **fields)


def test_questions_about_who_assessed_show_only_once_capacity_was_assessed(guide: Guide) -> None:
    for capacity, shown in (
        (None, False),
        (CapacityStatus.NOT_ASSESSED, False),
        (CapacityStatus.HAS_CAPACITY, True),
        (CapacityStatus.LACKS_CAPACITY, True),
    ):
        state = evaluate(
            guide, Stage.BEGINNING, _visit(support_to_decide=SupportToDecide(capacity=capacity))
        )
        assert state.shows("capacity_assessed_by") is shown, capacity
        assert state.shows("capacity_assessed_on") is shown, capacity
        assert state.shows("imca_criteria_apply") is (capacity is CapacityStatus.LACKS_CAPACITY)
        assert state.shows("capacity")


def test_a_hidden_answer_is_kept_in_the_draft_and_left_out_when_finalised(guide: Guide) -> None:
    typed = SupportToDecide(
        appropriate_person_available=True, appropriate_person=Note.third_party("Sam, a neighbour")
    )
    visit = _visit(support_to_decide=typed)
    state = evaluate(guide, Stage.BEGINNING, visit)
    assert state.shows("appropriate_person")
    assert state.hidden_answers == []
    assert without_hidden(visit, state) == visit

    changed = visit.revised(support_to_decide=typed.revised(appropriate_person_available=False))
    state = evaluate(guide, Stage.BEGINNING, changed)
    assert not state.shows("appropriate_person")
    assert [answer.path for answer in state.hidden_answers] == [
        "support_to_decide.appropriate_person"
    ]
    assert state.hidden_answers[0].step.title.en == "Support to decide"
    # The draft still has it (changing the answer back loses nothing)...
    assert changed.support_to_decide.appropriate_person is not None
    # ...and what is finalised does not.
    final = without_hidden(changed, state)
    assert final.support_to_decide.appropriate_person is None
    assert final.support_to_decide.appropriate_person_available is False
    assert final.model_dump(exclude={"support_to_decide"}) == changed.model_dump(
        exclude={"support_to_decide"}
    )


def test_a_part_of_one_item_is_hidden_for_that_item_only(guide: Guide) -> None:
    visit = _visit(
        actions=[
            Action(what=Note(text="Ring the bank"), owner=ActionOwner.PERSON, who="Left over"),
            Action(
                what=Note(text="Fit a key safe"),
                owner=ActionOwner.SOMEONE_ELSE,
                who="Care & Repair",
            ),
        ]
    )
    state = evaluate(guide, Stage.BEGINNING, visit)
    assert not state.shows_part("actions", 0, "who")
    assert state.shows_part("actions", 1, "who")
    assert state.shows_part("actions", 0, "what")
    assert [answer.path for answer in state.hidden_answers] == ["actions.0.who"]
    final = without_hidden(visit, state)
    assert final.actions[0].who is None
    assert final.actions[1].who == "Care & Repair"
    assert [a.id for a in final.actions] == [a.id for a in visit.actions]


def test_parts_of_a_group_follow_each_other(guide: Guide) -> None:
    state = evaluate(guide, Stage.BEGINNING, _visit())
    # A group not started yet still shows its first part; the rest follow its answers.
    assert state.shows_part("consent_to_share", 0, "consent_decision")
    assert not state.shows_part("consent_to_share", 0, "consent_with_whom")
    assert not state.shows_part("consent_to_share", 0, "share_basis")


def test_the_experience_questions_wait_for_who_is_asking(guide: Guide) -> None:
    state = evaluate(guide, Stage.END, _visit())
    assert state.shows("experience_asked_by")
    assert not state.shows("feel_safer")


def test_steps_of_another_stage_are_not_shown(guide: Guide) -> None:
    state = evaluate(guide, Stage.BEGINNING, _visit())
    assert not state.shows_step("closing")
    assert not state.shows("feel_safer")
    assert state.shows_step("check-in")


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("capacity == 'has_capacity'", False),  # not answered equals nothing
        ("capacity != 'has_capacity'", False),  # ...and differs from nothing
        ("not (capacity == 'has_capacity')", True),
        ("not answered(capacity)", True),
        ("count(actions) == 0", True),
        ("visit_date > today()", False),
        ("visit_date < today()", False),
    ],
)
def test_an_answer_not_given_compares_false(guide: Guide, condition: str, expected: bool) -> None:
    from msp_desktop.guide.conditions import _value  # the evaluator itself

    visit = _visit()
    state_lookup = {"capacity": None, "actions": [], "visit_date": None}
    assert _value(parse_expression(condition), state_lookup.get, date(2026, 12, 5)) is expected
    assert evaluate(guide, Stage.BEGINNING, visit).stage is Stage.BEGINNING


def test_a_step_can_be_shown_required_and_checked_by_conditions() -> None:
    from msp_desktop.guide import parse_guide
    from tests.unit.guide.test_guide_errors import TINY

    text = TINY.replace(
        'findings = ["advocacy"]',
        'findings = ["advocacy"]\nshow_if = "consent == true"\nrequired_if = "true"\n'
        'check = "not (capacity == \'lacks_capacity\')"\ncheck_message = "Think again."',
    )
    guide = parse_guide(text, "tiny.toml")
    person = builders.person()
    concern = builders.concern(person)
    hidden = evaluate(
        guide, Stage.BEGINNING, builders.draft_visit(concern, consent_to_record=False)
    )
    assert not hidden.shows_step("support")
    assert not hidden.shows("capacity")  # a question on a hidden step is hidden too
    assert hidden.findings == []  # a hidden step asks for nothing

    shown = evaluate(guide, Stage.BEGINNING, builders.draft_visit(concern, consent_to_record=True))
    assert shown.shows_step("support")
    assert [(f.code, f.message) for f in shown.findings] == [
        ("guide_required", "Answer at least one question (Support to decide).")
    ]
    lacking = builders.draft_visit(
        concern,
        consent_to_record=True,
        support_to_decide=SupportToDecide(capacity=CapacityStatus.LACKS_CAPACITY),
    )
    assert [
        (f.code, f.severity.value, f.message)
        for f in evaluate(guide, Stage.BEGINNING, lacking).findings
    ] == [("guide_check", "required", "Think again (Support to decide).")]


def test_an_answer_on_a_step_of_another_stage_is_never_left_out() -> None:
    from msp_desktop.guide import parse_guide
    from msp_desktop.model import AskedBy, ExperienceAnswer, ExperienceFeedback, ExperienceQuestion
    from tests.unit.guide.test_guide_errors import TINY

    # "feel_safer" is on the end-only Closing step, shown only with consent to notes.
    text = TINY.replace(
        'field = "experience.answers.feel_safer"',
        'field = "experience.answers.feel_safer"\nshow_if = "consent == true"',
    )
    guide = parse_guide(text, "tiny.toml")
    concern = builders.concern(builders.person())
    experience = ExperienceFeedback(
        asked_by=AskedBy.INDEPENDENT,
        answers={ExperienceQuestion.FEEL_SAFER: ExperienceAnswer.A_LOT},
    )
    visit = builders.draft_visit(concern, consent_to_record=False, experience=experience)
    at_beginning = evaluate(guide, Stage.BEGINNING, visit)
    assert at_beginning.hidden_fields == []  # the step is not part of this visit at all
    assert without_hidden(visit, at_beginning) == visit
    at_end = evaluate(guide, Stage.END, visit)
    assert at_end.hidden_fields == ["experience.answers.feel_safer"]
    assert without_hidden(visit, at_end).experience.answers == {}  # type: ignore[union-attr]
