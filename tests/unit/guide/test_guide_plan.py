"""The plan brought forward, as the guide's questions see it: which questions hold each
part, and when a part's review question is asked."""

from __future__ import annotations

import pytest

from msp_desktop.guide import carried_part, load_guide, reviewed_part, shows_review
from msp_desktop.guide.fields import resolve
from msp_desktop.guide.plan import PLAN_FIELDS, REVIEW_PREFIX
from msp_desktop.model import PLAN_PARTS, PlanReview, PlanReviews, Visit


def _visit(**fields: object) -> Visit:
    return Visit.model_validate({"concern_id": "c1", "person_id": "p1", **fields})


def test_every_part_of_the_plan_has_its_fields_and_they_are_real() -> None:
    assert set(PLAN_FIELDS) == set(PLAN_PARTS)
    for fields in PLAN_FIELDS.values():
        for field in fields:
            resolve(Visit, field)  # raises if the record has no such field


def test_the_shipped_guide_asks_about_every_part_and_shows_it() -> None:
    questions = [q for step in load_guide().steps for q in step.questions]
    asked = {q.field for q in questions}
    for part, fields in PLAN_FIELDS.items():
        assert f"{REVIEW_PREFIX}{part}" in asked, part
        assert any(field in asked for field in fields), part  # somewhere it can be marked


@pytest.mark.parametrize(
    ("field", "part"),
    [
        ("safety_plan", "safety_plan"),
        ("support_to_decide.capacity", "capacity"),
        ("support_to_decide.advocates", "advocacy"),
        ("undue_influence.planned_support", "undue_influence"),
        ("consent_to_share", "consent"),
        ("risks", "risks"),
        ("undue_influence.person_declined_help", None),  # this visit's own answer
        ("place", None),
    ],
)
def test_the_part_a_question_holds(field: str, part: str | None) -> None:
    assert carried_part(field) == part


def test_the_part_a_review_question_asks_about() -> None:
    assert reviewed_part("plan_review.safety_plan") == "safety_plan"
    assert reviewed_part("plan_review.nonsense") is None
    assert reviewed_part("safety_plan") is None


def test_a_review_is_asked_only_when_its_part_came_forward() -> None:
    fresh = _visit()
    assert not shows_review(fresh, "plan_review.risks")
    assert shows_review(fresh, "safety_plan")  # not a review question: always asked
    carried = _visit(plan_carried=["risks"])
    assert shows_review(carried, "plan_review.risks")
    assert not shows_review(carried, "plan_review.consent")
    # An answer already given is never hidden, even if the part was not brought forward.
    answered = _visit(plan_review=PlanReviews(consent=PlanReview.CHANGED))
    assert shows_review(answered, "plan_review.consent")
