"""iter_notes finds every piece of free text, wherever it is."""

from __future__ import annotations

import json
from datetime import date
from itertools import count
from typing import Any

from pydantic import BaseModel

from msp_desktop.model import (
    RECORD_MODELS,
    Action,
    Advocate,
    Concern,
    DesiredOutcome,
    ExperienceFeedback,
    HouseholdMember,
    Note,
    OutcomeReview,
    Person,
    PositiveRiskDecision,
    Principle,
    PrinciplesReflection,
    Risk,
    RiskType,
    SupportToDecide,
    UndueInfluence,
    Visit,
    iter_notes,
    json_schemas,
)

CANARY = "canary-"


def _canaries() -> Any:
    numbers = count(1)
    return lambda: f"{CANARY}{next(numbers):03d}"


def _full_visit() -> Visit:
    c = _canaries()
    return Visit(
        concern_id="c1",
        person_id="p1",
        visit_date=date(2024, 6, 1),
        check_in_notes=c(),
        desired_outcomes=[
            DesiredOutcome(
                id="o1",
                words=c(),
                history=[OutcomeReview(on=date(2024, 6, 1), status="still_wanted", note=c())],
            )
        ],
        working_well=[c(), c()],
        not_working=[c()],
        risks=[
            Risk(
                risk_type=RiskType.FINANCIAL_OR_MATERIAL,
                source_detail=c(),
                persons_view=c(),
                workers_view=c(),
                positive_risk=PositiveRiskDecision(choice=c(), understood=True, harm_reduction=c()),
            )
        ],
        support_to_decide=SupportToDecide(
            decision=c(),
            appropriate_person=c(),
            advocates=[Advocate(type="friend", status="offered", reason=c())],
        ),
        undue_influence=UndueInfluence(planned_support=c(), notes=c()),
        actions=[Action(what=c(), who="Housing officer", outcome_ids=["o1"])],
        principles=PrinciplesReflection(reflections={p: c() for p in Principle}),
        experience=ExperienceFeedback(asked_by="independent", comment=c()),
    )


def test_every_note_in_a_visit_is_found_with_its_path() -> None:
    paths = [path for path, _ in iter_notes(_full_visit())]
    assert paths == [
        "check_in_notes",
        "desired_outcomes.0.words",
        "desired_outcomes.0.history.0.note",
        "working_well.0",
        "working_well.1",
        "not_working.0",
        "risks.0.source_detail",
        "risks.0.persons_view",
        "risks.0.workers_view",
        "risks.0.positive_risk.choice",
        "risks.0.positive_risk.harm_reduction",
        "support_to_decide.decision",
        "support_to_decide.appropriate_person",
        "support_to_decide.advocates.0.reason",
        "undue_influence.planned_support",
        "undue_influence.notes",
        "actions.0.what",
        "principles.reflections.empowerment",
        "principles.reflections.prevention",
        "principles.reflections.proportionality",
        "principles.reflections.protection",
        "principles.reflections.partnership",
        "principles.reflections.accountability",
        "experience.comment",
    ]


def _canary_count(record: BaseModel) -> tuple[int, int]:
    found = {note.text for _, note in iter_notes(record)}
    dumped = record.model_dump_json()
    return len(found), dumped.count(CANARY)


def test_no_free_text_escapes_iter_notes_in_any_record() -> None:
    c = _canaries()
    person = Person(
        name="Ann Example",
        address=c(),
        household=[HouseholdMember(name="Bob", relationship="son", note=c())],
    )
    concern = Concern(person_id="p1", raised_on=date(2024, 5, 1), raised_by=c(), closing_view=c())
    for record in (person, concern, _full_visit()):
        found, in_json = _canary_count(record)
        assert found == in_json > 0


def test_a_bare_note_and_an_empty_visit() -> None:
    note = Note(text="x")
    assert list(iter_notes(note)) == [("", note)]
    assert list(iter_notes(Visit(concern_id="c1", person_id="p1"))) == []


# Every plain-string field that is not a Note: identifiers, names and short values.
# A new free-text field must be a Note; adding it here instead needs a reason.
PLAIN_STRING_FIELDS = {
    "Action.id",
    "Action.outcome_ids",
    "Action.who",
    "ActionChange.visit_id",
    "Advocate.name",
    "AgreedAction.agreed_in_visit",
    "AgreedAction.concern_id",
    "AgreedAction.id",
    "AgreedAction.outcome_ids",
    "AgreedAction.person_id",
    "AgreedAction.who",
    "Concern.id",
    "Concern.lead_worker",
    "Concern.person_id",
    # "What may be shared, and with whom": a short answer naming services or roles.
    "ConsentToShare.with_whom",
    "ContactNote.concern_id",
    "ContactNote.id",
    "ContactNote.person_id",
    "DesiredOutcome.id",
    "HouseholdMember.name",
    "HouseholdMember.relationship",
    "Note.text",
    "Person.id",
    "Person.local_id",
    "Person.name",
    "Person.nhs_number",
    "Person.other_language",
    "Person.phone",
    "Person.preferred_name",
    # A name of someone in the room: third party, left out of the person's copy whole.
    "PresentPerson.name",
    "Risk.id",
    "SupportToDecide.capacity_assessed_by",
    "Visit.concern_id",
    "Visit.guide_id",
    "Visit.guide_version",
    "Visit.id",
    "Visit.person_id",
    "Visit.place",
    "Visit.plan_carried",
}


def _is_plain_string(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    for option in options:
        item = option.get("items", option) if option.get("type") == "array" else option
        if item.get("type") == "string" and "format" not in item and "enum" not in item:
            return True
    return False


def test_every_free_text_field_is_a_note() -> None:
    plain: set[str] = set()
    for name, schema in json_schemas().items():
        models = {RECORD_MODELS[name].__name__: schema, **schema.get("$defs", {})}
        for model_name, model_schema in models.items():
            for field, field_schema in model_schema.get("properties", {}).items():
                if _is_plain_string(field_schema):
                    plain.add(f"{model_name}.{field}")
    assert plain == PLAIN_STRING_FIELDS


def test_a_full_visit_round_trips_through_json() -> None:
    visit = _full_visit()
    loaded = Visit.model_validate_json(visit.model_dump_json())
    assert loaded == visit
    assert list(iter_notes(loaded)) == list(iter_notes(visit))


def test_canary_text_is_stable_json() -> None:
    # The canary check above relies on each canary appearing once in the dump.
    dumped = json.loads(_full_visit().model_dump_json())
    assert dumped["check_in_notes"] == {"text": "canary-001", "visibility": "internal"}
