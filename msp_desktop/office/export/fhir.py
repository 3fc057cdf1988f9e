"""One FHIR R4 ``Bundle`` (type ``collection``) per person, as plain JSON-ready dicts.

Pure: records in, dicts out; no I/O, no FHIR library (the tests validate every resource
with ``fhir.resources``). The mappings, and why each code was chosen, are in
docs/office-export.md; in short:

- ``Patient``: the person (name, preferred name, date of birth, NHS number, the
  council's local id, preferred language). Address, phone and household are left out.
- ``EpisodeOfCare`` per concern: open is ``active``, closed is ``finished``.
- ``Encounter`` per visit, linked to its concern's episode: ``finished``, or
  ``cancelled`` for a visit that was not held.
- ``Goal`` per desired outcome, in the person's own words (``expressedBy`` the
  Patient), its ``achievementStatus`` from the SG4a rating (``ACHIEVEMENT``).
- ``Task`` per agreed action, linked to its outcomes' Goals (``pertainsToGoal``).
- ``Consent`` per visit that recorded the decision about sharing.
- ``QuestionnaireResponse`` per visit that recorded the four experience answers.

Ids are stable: each resource's id is a UUID derived (version 5) from the record's id,
so the same record gives the same resource in every export, and entries refer to each
other by ``urn:uuid:`` full URLs that resolve inside the Bundle. Free text is carried
only where it is the person's own (``sharing``). Every resource carries the
confidentiality label ``R`` (restricted): these are safeguarding records.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from msp_desktop.model import (
    ActionOwner,
    ActionStatus,
    AgreedAction,
    Concern,
    ConcernStatus,
    ConsentDecision,
    ConsentToShare,
    ExperienceQuestion,
    Language,
    OutcomeAchieved,
    OutcomeStatus,
    Visit,
)
from msp_desktop.office.export.select import Outcome, PersonRecords
from msp_desktop.office.export.sharing import shared_text

__all__ = [
    "ACHIEVEMENT",
    "BASE",
    "GOAL_ACHIEVEMENT",
    "goal_uuid",
    "person_bundle",
    "resource_uuid",
]

JSON = dict[str, Any]

BASE = "https://msp-desktop.example/fhir"
"""Where the app's own identifier and code systems are named (like the JSON Schemas'
``https://msp-desktop.example/schemas/v1/``): names, not addresses to fetch."""
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)

GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
ACHIEVEMENT: dict[OutcomeAchieved, tuple[str, str]] = {
    OutcomeAchieved.FULLY_ACHIEVED: ("achieved", "Achieved"),
    # "not-achieved" is "not met, and there might or might not have been progress":
    # a partly met outcome is not met, with some progress. "improving" and "in-progress"
    # say the goal is still being sought, which at the end of a concern it is not.
    # The national wording is kept as the CodeableConcept's text.
    OutcomeAchieved.PARTIALLY_ACHIEVED: ("not-achieved", "Not Achieved"),
    OutcomeAchieved.NOT_ACHIEVED: ("not-achieved", "Not Achieved"),
}
"""SG4a rating -> (code, display) in the goal-achievement code system."""

_V3_ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_CONFIDENTIAL = {
    "security": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
            "code": "R",
            "display": "restricted",
        }
    ]
}
_NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
_LANGUAGE = {Language.EN: ("en", "English"), Language.CY: ("cy", "Welsh")}
_CONSENT_RULE = {
    ConsentDecision.YES: ("OPTIN", "opt-in", "permit"),
    ConsentDecision.PARTLY: ("OPTINR", "opt-in with restrictions", "permit"),
    ConsentDecision.NO: ("OPTOUT", "opt-out", "deny"),
}
_TASK_STATUS = {
    # Agreed and not yet done: the performer has agreed; whether work has started is
    # not recorded, so not "in-progress".
    ActionStatus.OPEN: "accepted",
    ActionStatus.DONE: "completed",
    # Task's "cancelled" is "the task was not completed"; "failed" would claim an
    # attempt that the record does not say was made.
    ActionStatus.NOT_DONE: "cancelled",
    ActionStatus.NO_LONGER_NEEDED: "cancelled",
}
_TASK_BUSINESS = {
    ActionStatus.OPEN: "Open",
    ActionStatus.DONE: "Done",
    ActionStatus.NOT_DONE: "Not done",
    ActionStatus.NO_LONGER_NEEDED: "No longer needed",
}
_OWNER = {
    ActionOwner.WORKER: "The worker",
    ActionOwner.PERSON: "The person",
    ActionOwner.SOMEONE_ELSE: "Someone else",
}


def resource_uuid(kind: str, *key: str) -> str:
    """The stable UUID of the resource for record ``kind`` with ids ``key``."""
    return str(uuid.uuid5(_NAMESPACE, "/".join((kind, *key))))


def _ref(resource_id: str) -> JSON:
    return {"reference": f"urn:uuid:{resource_id}"}


def _identifier(kind: str, record_id: str) -> list[JSON]:
    return [{"system": f"{BASE}/id/{kind}", "value": record_id}]


def _text(value: str) -> JSON:
    return {"text": value}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _clean(resource: JSON) -> JSON:
    """Without empty values: FHIR forbids empty strings, lists and objects."""
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}


def _patient(records: PersonRecords, rid: str) -> JSON:
    p = records.person
    identifiers = _identifier("person", p.id)
    if p.nhs_number:
        identifiers.append({"system": _NHS_NUMBER, "value": p.nhs_number})
    if p.local_id:
        identifiers.append(
            {"system": f"{BASE}/id/council-local-id", "type": _text("Council case system id"),
             "value": p.local_id}
        )  # fmt: skip
    names: list[JSON] = [{"text": p.name}]
    if p.preferred_name:
        names.append({"use": "usual", "text": p.preferred_name})
    if p.preferred_language is Language.OTHER:
        language: JSON = _text(p.other_language or "Another language")
    else:
        code, display = _LANGUAGE[p.preferred_language]
        language = {"coding": [{"system": "urn:ietf:bcp:47", "code": code, "display": display}],
                    "text": display}  # fmt: skip
    return _clean({
        "resourceType": "Patient", "id": rid, "meta": _CONFIDENTIAL,
        "identifier": identifiers, "name": names, "birthDate": _day(p.date_of_birth),
        "communication": [{"language": language, "preferred": True}],
    })  # fmt: skip


def _episode(concern: Concern, patient: str) -> JSON:
    return _clean({
        "resourceType": "EpisodeOfCare", "id": resource_uuid("concern", concern.id),
        "meta": _CONFIDENTIAL, "identifier": _identifier("concern", concern.id),
        "status": "finished" if concern.status is ConcernStatus.CLOSED else "active",
        "type": [_text("Adult safeguarding concern (Making Safeguarding Personal)")],
        "patient": _ref(patient),
        "period": _clean({"start": _day(concern.raised_on), "end": _day(concern.closed_on)}),
    })  # fmt: skip


def _encounter(visit: Visit, patient: str) -> JSON:
    stage = f": {visit.stage.value} stage" if visit.stage else ""
    return _clean({
        "resourceType": "Encounter", "id": resource_uuid("visit", visit.id),
        "meta": _CONFIDENTIAL, "identifier": _identifier("visit", visit.id),
        "status": "cancelled" if visit.not_held else "finished",
        # Held where the person is, usually at home, never in a clinic; the place
        # itself is not exported (it may be someone else's home).
        "class": {"system": _V3_ACT, "code": "HH", "display": "home health"},
        "type": [_text(f"Making Safeguarding Personal conversation{stage}")],
        "subject": _ref(patient),
        "episodeOfCare": [_ref(resource_uuid("concern", visit.concern_id))],
        "period": _clean({"start": _day(visit.visit_date)}),
    })  # fmt: skip


def _lifecycle(item: Outcome, concern: Concern) -> str:
    outcome = item.outcome
    if outcome.status is OutcomeStatus.NO_LONGER_WANTED:
        return "cancelled"
    if outcome.achieved is not None or concern.status is ConcernStatus.CLOSED:
        return "completed"
    return "active"


def _achievement(item: Outcome) -> JSON | None:
    rating = item.outcome.achieved
    if rating is None:
        return None
    code, display = ACHIEVEMENT[rating]
    return {"coding": [{"system": GOAL_ACHIEVEMENT, "code": code, "display": display}],
            "text": rating.value}  # fmt: skip


def goal_uuid(concern_id: str, outcome_id: str) -> str:
    """The stable UUID of a desired outcome's Goal."""
    return resource_uuid("outcome", concern_id, outcome_id)


def _goal(item: Outcome, concern: Concern, patient: str) -> JSON:
    outcome = item.outcome
    progress = shared_text(outcome.progress)
    return _clean({
        "resourceType": "Goal", "id": goal_uuid(item.concern_id, outcome.id),
        "meta": _CONFIDENTIAL, "identifier": _identifier("outcome", outcome.id),
        "lifecycleStatus": _lifecycle(item, concern),
        "achievementStatus": _achievement(item),
        "description": _text(shared_text(outcome.words) or ""),
        "subject": _ref(patient),
        "startDate": _day(item.first_said),
        # In the person's own words: they expressed it.
        "expressedBy": _ref(patient),
        "note": [{"text": progress}] if progress else None,
    })  # fmt: skip


def _task(action: AgreedAction, patient: str, in_bundle: set[str]) -> JSON:
    goals = [goal_uuid(action.concern_id, oid) for oid in action.outcome_ids]
    visit = resource_uuid("visit", action.agreed_in_visit) if action.agreed_in_visit else None
    return _clean({
        "resourceType": "Task", "id": resource_uuid("action", action.id),
        "meta": _CONFIDENTIAL, "identifier": _identifier("action", action.id),
        "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal",
             "valueReference": _ref(goal)}
            for goal in goals if goal in in_bundle
        ],
        "status": _TASK_STATUS[action.status],
        "businessStatus": _text(_TASK_BUSINESS[action.status]),
        "intent": "plan",
        "description": shared_text(action.what),
        "for": _ref(patient),
        "encounter": _ref(visit) if visit in in_bundle else None,
        "authoredOn": _day(action.agreed_on),
        "restriction": {"period": {"end": _day(action.by_when)}} if action.by_when else None,
        # Who does it, not their name: a name may be a relative's.
        "performerType": [_text(_OWNER[action.owner])] if action.owner else None,
        "owner": _ref(patient) if action.owner is ActionOwner.PERSON else None,
    })  # fmt: skip


def _consent(visit: Visit, consent: ConsentToShare, active: bool, patient: str) -> JSON:
    assert consent.decision is not None  # only answered decisions are exported
    code, display, provision = _CONSENT_RULE[consent.decision]
    return _clean({
        "resourceType": "Consent", "id": resource_uuid("consent", visit.id),
        "meta": _CONFIDENTIAL,
        # The decision at the concern's latest visit stands; earlier ones are history.
        "status": "active" if active else "inactive",
        "scope": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "patient-privacy", "display": "Privacy Consent"}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0",
                                  "display": "Patient Consent"}],
                      "text": "Consent to share information (safeguarding)"}],
        "patient": _ref(patient),
        "dateTime": _day(visit.visit_date),
        "policyRule": {"coding": [{"system": _V3_ACT, "code": code, "display": display}],
                       "text": f"Consent to share: {consent.decision.value}"},
        "provision": {"type": provision},
    })  # fmt: skip


def _experience(visit: Visit, patient: str) -> JSON | None:
    feedback = visit.experience
    if feedback is None:
        return None
    items: list[JSON] = []
    for question in ExperienceQuestion:
        answer = feedback.answers.get(question)
        if answer is None:
            continue  # not asked or not answered: no item, as FHIR expects
        items.append({
            "linkId": question.value, "text": str(question.text),
            "answer": [{"valueCoding": {"system": f"{BASE}/CodeSystem/experience-answer",
                                        "code": answer.value, "display": str(answer.label)}}],
        })  # fmt: skip
    comment = shared_text(feedback.comment)
    if comment:
        items.append({"linkId": "comment", "text": "Comment, in the person's words",
                      "answer": [{"valueString": comment}]})  # fmt: skip
    return _clean({
        "resourceType": "QuestionnaireResponse", "id": resource_uuid("experience", visit.id),
        "meta": _CONFIDENTIAL, "status": "completed",
        "subject": _ref(patient), "encounter": _ref(resource_uuid("visit", visit.id)),
        "authored": _day(feedback.asked_on or visit.visit_date),
        "item": items,
    })  # fmt: skip


def person_bundle(records: PersonRecords, *, timestamp: str | None = None) -> JSON:
    """The person's Bundle (type ``collection``): every resource once, Patient first.

    ``timestamp`` (an ``instant``, e.g. ``2026-12-06T09:00:00Z``) says when it was made;
    without it the Bundle is the same for the same records.
    """
    patient = resource_uuid("person", records.person.id)
    resources: list[JSON] = [_patient(records, patient)]
    concerns = {c.id: c for c in records.concerns}
    resources.extend(_episode(c, patient) for c in records.concerns)
    resources.extend(_encounter(v, patient) for v in records.visits)
    for concern in records.concerns:
        resources.extend(_goal(o, concern, patient) for o in records.outcomes(concern.id))
    in_bundle = {r["id"] for r in resources}
    resources.extend(_task(a, patient, in_bundle) for a in records.actions)
    for concern_id in concerns:
        answered = [
            (v, v.consent_to_share)
            for v in records.visits_of(concern_id)
            if v.consent_to_share is not None and v.consent_to_share.answered
        ]
        resources.extend(
            _consent(v, consent, i == len(answered) - 1, patient)
            for i, (v, consent) in enumerate(answered)
        )
    resources.extend(r for v in records.visits if (r := _experience(v, patient)) is not None)
    return _clean({
        "resourceType": "Bundle", "id": resource_uuid("bundle", records.person.id),
        "meta": _CONFIDENTIAL, "type": "collection", "timestamp": timestamp,
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    })  # fmt: skip
