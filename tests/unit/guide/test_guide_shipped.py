"""The shipped MSP visit guide: every step, in order, bound to real record fields."""

from __future__ import annotations

import pytest

from msp_desktop.guide import (
    FINDINGS,
    AnswerKind,
    Guide,
    GuideError,
    Question,
    load_guide,
    options_for,
)
from msp_desktop.guide.check import check_guide
from msp_desktop.guide.fields import resolve, root_for
from msp_desktop.model import (
    ExperienceQuestion,
    OutcomeAchieved,
    Principle,
    RiskType,
    SG4aAsked,
    Stage,
)

EVERY_STEP = [
    "check-in",
    "how-is-it-going",
    "review",
    "what-matters",
    "working",
    "risks",
    "support-to-decide",
    "undue-influence",
    "actions",
    "closing",
    "principles",
]


@pytest.fixture(scope="module")
def guide() -> Guide:
    return load_guide()


def all_questions(guide: Guide) -> list[Question]:
    found: list[Question] = []

    def walk(questions: tuple[Question, ...]) -> None:
        for question in questions:
            found.append(question)
            walk(question.item_fields)

    for step in guide.steps:
        walk(step.questions)
    return found


def test_the_default_guide_is_the_msp_visit(guide: Guide) -> None:
    assert guide.ref == ("msp-visit", "3.0.0")
    assert guide.languages == ("en",)


def test_every_step_is_there_in_order(guide: Guide) -> None:
    assert [step.id for step in guide.steps] == EVERY_STEP
    assert guide.step("what-matters").title.en == "What matters to you"


def test_a_beginning_visit_has_no_review_and_no_closing(guide: Guide) -> None:
    assert [step.id for step in guide.steps_for(Stage.BEGINNING)] == [
        step for step in EVERY_STEP if step not in {"how-is-it-going", "review", "closing"}
    ]


def test_a_middle_visit_checks_in_then_asks_how_it_is_going(guide: Guide) -> None:
    steps = [step.id for step in guide.steps_for(Stage.MIDDLE)]
    assert steps[:3] == ["check-in", "how-is-it-going", "review"]
    assert "closing" not in steps
    assert "what-matters" not in steps  # new wishes are added on "How is it going?"
    parts = {part.id: part for part in guide.question("outcomes_reviewed").item_fields}
    assert list(parts) == ["words", "progress", "status"]  # no rating before the end
    assert parts["progress"].field == "progress"


def test_an_end_visit_checks_in_first_and_reflects_last(guide: Guide) -> None:
    steps = [step.id for step in guide.steps_for(Stage.END)]
    assert steps[:2] == ["check-in", "review"]  # the plan brought forward is checked
    assert steps[-2:] == ["closing", "principles"]
    # The national result and the risk outcome are given when the concern is closed.
    closing_fields = {q.field for q in guide.step("closing").questions}
    assert not closing_fields & {"concern.action_result", "concern.risk_outcome"}


def test_the_guide_passes_every_check(guide: Guide) -> None:
    assert check_guide(guide) == []


def test_every_top_level_field_resolves(guide: Guide) -> None:
    for step in guide.steps:
        for question in step.questions:
            record, path = root_for(question.field)
            resolve(record, path)  # raises if the field is not there


def test_ids_are_unique_across_the_guide(guide: Guide) -> None:
    ids = [question.id for step in guide.steps for question in step.questions]
    assert len(ids) == len(set(ids))


def test_the_plain_prompts_are_used(guide: Guide) -> None:
    outcomes = guide.question("desired_outcomes")
    asked = [outcomes.prompt.en, *(text.en for text in outcomes.also_ask)]
    assert asked == [
        "What would you like to happen?",
        "What would make you feel safer?",
        "Is there anything you do not want to happen?",
    ]


@pytest.mark.parametrize(
    ("question_id", "labels"),
    [
        (
            "sg4a_asked",
            [
                "Yes they were asked and outcomes were expressed",
                "Yes they were asked but no outcomes were expressed",
                "No",
                "Don't Know",
                "Not Recorded",
            ],
        ),
    ],
)
def test_national_choices_show_the_national_labels(
    guide: Guide, question_id: str, labels: list[str]
) -> None:
    assert [option.label for option in options_for(guide.question(question_id))] == labels


def test_item_choices_show_the_national_labels(guide: Guide) -> None:
    (risk_type,) = [f for f in guide.question("risks").item_fields if f.id == "risk_type"]
    assert [o.label for o in options_for(risk_type)] == [m.value for m in RiskType]
    achieved = guide.question("outcomes_rated").item_fields[1]
    assert [o.value for o in options_for(achieved)] == list(OutcomeAchieved)
    assert [o.label for o in options_for(achieved)] == [
        "Fully Achieved",
        "Partially Achieved",
        "Not Achieved",
    ]


def test_the_app_own_choices_have_words_not_identifiers(guide: Guide) -> None:
    for question in all_questions(guide):
        for option in options_for(question):
            assert "_" not in option.label, (question.id, option.label)


def test_the_four_experience_questions_are_word_for_word(guide: Guide) -> None:
    closing = guide.step("closing")
    scales = [q for q in closing.questions if q.kind is AnswerKind.SCALE]
    assert [q.prompt.en for q in scales] == [question.text for question in ExperienceQuestion]
    assert [q.field for q in scales] == [
        f"experience.answers.{question.value}" for question in ExperienceQuestion
    ]
    assert [o.label for o in options_for(scales[0])] == [
        "Not at all",
        "A little",
        "Quite a bit",
        "A lot",
        "Prefer not to say",
    ]


def test_the_principles_are_an_optional_reflection_in_i_statements(guide: Guide) -> None:
    gate, *principles = guide.step("principles").questions
    assert gate.kind is AnswerKind.YES_NO
    assert [q.prompt.en for q in principles] == [p.i_statement for p in Principle]
    assert {q.show_if for q in principles} == {f"{gate.id} == true"}


def test_one_voice_per_question(guide: Guide) -> None:
    for question in all_questions(guide):
        prompt = question.prompt.en
        if question.voice == "ask":
            # Said to the person: never about them in the third person.
            assert "the person" not in prompt.lower(), prompt
        else:
            assert question.voice == "record"


def _prompts(questions: tuple[Question, ...]) -> list[str]:
    return [p for q in questions for p in (q.prompt.en, *_prompts(q.item_fields))]


def test_no_label_is_repeated_on_a_step(guide: Guide) -> None:
    for step in guide.steps:
        prompts = _prompts(step.questions)
        repeated = {prompt for prompt in prompts if prompts.count(prompt) > 1}
        assert not repeated, (step.id, repeated)


def test_closing_fields_live_on_the_concern(guide: Guide) -> None:
    closing = {q.id: q.field for q in guide.step("closing").questions}
    assert closing["closing_view"] == "concern.closing_view"


def test_the_steps_name_the_practice_rules(guide: Guide) -> None:
    assert guide.step("support-to-decide").findings == ("advocacy", "appropriate_person")
    assert guide.step("undue-influence").findings == ("undue_influence",)
    assert guide.step("risks").findings == ("positive_risk",)
    assert set(FINDINGS) == {
        "advocacy",
        "appropriate_person",
        "undue_influence",
        "positive_risk",
    }


def test_sg4a_question_offers_exactly_the_five_values(guide: Guide) -> None:
    question = guide.question("sg4a_asked")
    assert question.choices == "SG4aAsked"
    assert [o.value for o in options_for(question)] == list(SG4aAsked)


def test_an_unknown_guide_name_raises_a_known_error() -> None:
    with pytest.raises(GuideError, match="no guide of this name"):
        load_guide("no-such-guide")
    with pytest.raises(GuideError):
        load_guide("../msp-visit")
