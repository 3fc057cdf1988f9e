"""What the records refuse, and the defaults that keep third-party text safe."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from msp_desktop.model import (
    Action,
    Advocate,
    AdvocateStatus,
    AdvocateType,
    CapacityStatus,
    Concern,
    DesiredOutcome,
    ExperienceFeedback,
    HouseholdMember,
    Language,
    Note,
    Person,
    Risk,
    RiskOutcome,
    RiskType,
    SG2cActionResult,
    SG3aCapacity,
    SupportToDecide,
    UndueInfluence,
    Visibility,
    Visit,
    new_id,
    visible_to_person,
)

TOMORROW = date.today() + timedelta(days=1)


def _visit(**fields: Any) -> Visit:
    return Visit(concern_id=new_id(), person_id=new_id(), **fields)


def _concern(**fields: Any) -> Concern:
    return Concern(person_id=new_id(), raised_on=date(2024, 5, 1), **fields)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        pytest.param(lambda: DesiredOutcome(words=""), "words", id="empty-outcome-words"),
        pytest.param(lambda: DesiredOutcome(words="  \n\t "), "words", id="blank-outcome-words"),
        pytest.param(lambda: Person(name=""), "name", id="empty-name"),
        pytest.param(lambda: Person(name="x" * 201), "name", id="name-too-long"),
        pytest.param(
            lambda: Person(name="A", date_of_birth=TOMORROW), "date_of_birth", id="dob-in-future"
        ),
        pytest.param(
            lambda: Person(name="A", other_language="Polish"),
            "other_language",
            id="other-language-without-other",
        ),
        pytest.param(
            lambda: Person(name="A", communication_needs=["bsl", "bsl"]),
            "communication_needs",
            id="duplicate-communication-need",
        ),
        pytest.param(
            lambda: _concern(risk_outcome=RiskOutcome.REDUCED),
            "risk_outcome",
            id="risk-outcome-without-action-result",
        ),
        pytest.param(
            lambda: _concern(
                action_result=SG2cActionResult.RISK_IDENTIFIED_NO_ACTION,
                risk_outcome=RiskOutcome.REMOVED,
            ),
            "risk_outcome",
            id="risk-outcome-without-action-taken",
        ),
        pytest.param(
            lambda: Concern(person_id="p1", raised_on=TOMORROW), "raised_on", id="raised-in-future"
        ),
        pytest.param(
            lambda: _visit(actions=[Action(outcome_ids=["nope"])]),
            "nope",
            id="action-for-unknown-outcome",
        ),
        pytest.param(
            lambda: _visit(
                desired_outcomes=[
                    DesiredOutcome(id="o1", words="a"),
                    DesiredOutcome(id="o1", words="b"),
                ]
            ),
            "o1",
            id="duplicate-outcome-id",
        ),
        pytest.param(
            lambda: UndueInfluence(indicators=["isolation", "isolation"]),
            "indicators",
            id="duplicate-indicator",
        ),
        pytest.param(lambda: Person(id="../etc", name="A"), "id", id="unsafe-id"),
        pytest.param(
            lambda: ExperienceFeedback(asked_by="lead_worker", answers={"feel_safer": "maybe"}),
            "answers",
            id="experience-answer-off-scale",
        ),
    ],
)
def test_invalid_records_are_refused(build: Any, field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        build()


@pytest.mark.parametrize(
    "model",
    [
        pytest.param(lambda: Note.model_validate({"text": "a", "colour": "red"}), id="note"),
        pytest.param(lambda: Person.model_validate({"name": "A", "nickname": "B"}), id="person"),
        pytest.param(lambda: _concern(severity="high"), id="concern"),
        pytest.param(lambda: _visit(mood="ok"), id="visit"),
        pytest.param(
            lambda: Risk.model_validate({"risk_type": RiskType.NEGLECT, "level": 3}), id="risk"
        ),
        pytest.param(
            lambda: SupportToDecide.model_validate({"best_interests": True}), id="support-to-decide"
        ),
    ],
)
def test_extra_fields_are_forbidden(model: Any) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        model()


def test_records_are_frozen_and_change_by_copy() -> None:
    person = Person(name="Ann Example")
    with pytest.raises(ValidationError, match="frozen"):
        person.name = "Someone else"  # type: ignore[misc]
    renamed = person.model_copy(update={"preferred_name": "Annie"})
    assert (person.preferred_name, renamed.preferred_name, renamed.id) == (None, "Annie", person.id)


def test_revised_copies_are_validated() -> None:
    concern = _concern(action_result=SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN)
    reduced = concern.revised(risk_outcome=RiskOutcome.REDUCED)
    assert (reduced.id, reduced.risk_outcome) == (concern.id, RiskOutcome.REDUCED)
    with pytest.raises(ValidationError, match="risk_outcome"):
        reduced.revised(action_result=SG2cActionResult.NO_RISK_NO_ACTION)
    with pytest.raises(ValidationError, match="Extra inputs"):
        concern.revised(severity="high")


def test_ids_are_fresh_uuid4_text() -> None:
    first, second = Person(name="A"), Person(name="A")
    assert first.id != second.id
    assert len(first.id) == 36
    assert first.id[14] == "4"


def test_blank_optional_text_means_not_recorded() -> None:
    person = Person(name="  Ann  ", preferred_name="   ", local_id="")
    assert (person.name, person.preferred_name, person.local_id) == ("Ann", None, None)
    assert person.display_name == "Ann"


def test_other_language_is_kept_when_other_is_chosen() -> None:
    person = Person(name="A", preferred_language=Language.OTHER, other_language="Polski")
    assert person.other_language == "Polski"


def test_risk_outcome_is_allowed_where_risk_identified_and_action_taken() -> None:
    concern = _concern(
        action_result=SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN,
        risk_outcome=RiskOutcome.REDUCED,
    )
    assert concern.risk_outcome is RiskOutcome.REDUCED


def test_action_may_serve_outcomes_of_its_visit() -> None:
    visit = _visit(
        desired_outcomes=[DesiredOutcome(id="o1", words="To feel safe at night")],
        actions=[Action(what="Fit a door chain", who="Housing", outcome_ids=["o1"])],
    )
    assert visit.outcome("o1").words.text == "To feel safe at night"
    with pytest.raises(KeyError):
        visit.outcome("o2")


def _visibility(model: BaseModel, field: str) -> Visibility:
    note = getattr(model, field)
    assert isinstance(note, Note)
    return note.visibility


@pytest.mark.parametrize(
    ("model", "field", "expected"),
    [
        pytest.param(
            Risk(risk_type=RiskType.PHYSICAL, source_detail="her son"),
            "source_detail",
            Visibility.THIRD_PARTY,
            id="risk-source-detail-from-text",
        ),
        pytest.param(
            Risk(risk_type=RiskType.PHYSICAL, source_detail=Note(text="her son")),
            "source_detail",
            Visibility.THIRD_PARTY,
            id="risk-source-detail-from-unmarked-note",
        ),
        pytest.param(
            Risk(risk_type=RiskType.PHYSICAL, source_detail={"text": "her son"}),
            "source_detail",
            Visibility.THIRD_PARTY,
            id="risk-source-detail-from-dict",
        ),
        pytest.param(
            Risk(
                risk_type=RiskType.PHYSICAL,
                source_detail=Note(text="the care agency", visibility=Visibility.PERSON),
            ),
            "source_detail",
            Visibility.PERSON,
            id="explicit-visibility-kept",
        ),
        pytest.param(
            Risk(risk_type=RiskType.PHYSICAL, workers_view="I think"),
            "workers_view",
            Visibility.INTERNAL,
            id="workers-view",
        ),
        pytest.param(
            Risk(risk_type=RiskType.PHYSICAL, persons_view="I am fine"),
            "persons_view",
            Visibility.PERSON,
            id="persons-view",
        ),
        pytest.param(
            HouseholdMember(name="Bob", relationship="son", note="works nights"),
            "note",
            Visibility.THIRD_PARTY,
            id="household-member",
        ),
        pytest.param(
            SupportToDecide(appropriate_person="her sister"),
            "appropriate_person",
            Visibility.THIRD_PARTY,
            id="appropriate-person",
        ),
        pytest.param(
            UndueInfluence(planned_support="speak alone"),
            "planned_support",
            Visibility.INTERNAL,
            id="planned-support",
        ),
        pytest.param(
            UndueInfluence(notes="nephew hovers"),
            "notes",
            Visibility.THIRD_PARTY,
            id="undue-influence-notes",
        ),
        pytest.param(
            Concern(person_id="p1", raised_on=date(2024, 1, 1), raised_by="a neighbour"),
            "raised_by",
            Visibility.THIRD_PARTY,
            id="raised-by",
        ),
    ],
)
def test_fields_give_notes_their_safe_default_visibility(
    model: BaseModel, field: str, expected: Visibility
) -> None:
    assert _visibility(model, field) is expected


def test_only_person_notes_are_visible_to_the_person() -> None:
    assert visible_to_person(Note(text="a"))
    assert not visible_to_person(Note.third_party("a"))
    assert not Note.internal("a").visible_to_person


@pytest.mark.parametrize(
    ("support", "expected"),
    [
        pytest.param(SupportToDecide(), SG3aCapacity.NOT_RECORDED, id="nothing-recorded"),
        pytest.param(
            SupportToDecide(decision="Where to live"), SG3aCapacity.DONT_KNOW, id="not-assessed"
        ),
        pytest.param(
            SupportToDecide(capacity=CapacityStatus.HAS_CAPACITY),
            SG3aCapacity.DID_NOT_LACK,
            id="has-capacity",
        ),
        pytest.param(
            SupportToDecide(capacity=CapacityStatus.LACKS_CAPACITY),
            SG3aCapacity.LACKED,
            id="lacks-capacity",
        ),
    ],
)
def test_sg3a_is_derived_from_the_capacity_record(
    support: SupportToDecide, expected: SG3aCapacity
) -> None:
    assert support.sg3a() is expected


@pytest.mark.parametrize(
    ("support", "expected"),
    [
        pytest.param(SupportToDecide(), False, id="none"),
        pytest.param(
            SupportToDecide(advocates=[Advocate(type=AdvocateType.IMCA, status="in_place")]),
            True,
            id="imca-in-place",
        ),
        pytest.param(
            SupportToDecide(
                advocates=[Advocate(type=AdvocateType.CARE_ACT_ADVOCATE, status="in_place")]
            ),
            True,
            id="care-act-advocate-in-place",
        ),
        pytest.param(
            SupportToDecide(advocates=[Advocate(type=AdvocateType.FRIEND, status="in_place")]),
            True,
            id="friend-in-place",
        ),
        pytest.param(
            SupportToDecide(
                advocates=[Advocate(type=AdvocateType.CARE_ACT_ADVOCATE, status="referred")]
            ),
            False,
            id="only-referred",
        ),
        pytest.param(
            SupportToDecide(appropriate_person_available=True, appropriate_person="her sister"),
            True,
            id="appropriate-person",
        ),
        pytest.param(
            SupportToDecide(appropriate_person_available=True),
            False,
            id="appropriate-person-not-named",
        ),
    ],
)
def test_support_by_advocate_family_or_friend(support: SupportToDecide, expected: bool) -> None:
    assert support.support_by_advocate_family_or_friend() is expected


def test_advocate_status_parses_from_stored_value() -> None:
    advocate = Advocate(type="care_act_advocate", status="declined", reason="Does not want one")
    assert advocate.status is AdvocateStatus.DECLINED
