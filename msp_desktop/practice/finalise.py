"""What must be complete before a visit is finalised, and everything worth showing.

A finalised visit is never edited in place, so these checks run before, not after.
``check_visit`` returns every finding for display; ``finalise_blockers`` returns only
those that stop finalising (severity ``required``).
"""

from __future__ import annotations

from datetime import date

from msp_desktop.model import (
    ActionOwner,
    ActionStatus,
    AskedBy,
    Concern,
    ConsentDecision,
    SG4aAsked,
    Stage,
    Visit,
)
from msp_desktop.practice.advocacy import advocacy_duty
from msp_desktop.practice.appropriate_person import appropriate_person_conflict
from msp_desktop.practice.findings import Finding, Severity, by_severity
from msp_desktop.practice.positive_risk import positive_risk_findings
from msp_desktop.practice.undue_influence import undue_influence_warning

__all__ = ["check_visit", "finalise_blockers"]

_CHECK_IN = "(Check in)"
_WHAT_MATTERS = "(What matters to you)"
_ACTIONS = "(Agreed actions)"
_CLOSING = "(Closing)"
_PLAN = "(Looking back)"

_PLAN_WORDS = {
    "risks": "the risks",
    "safety_plan": "the safety plan",
    "advocacy": "the support to take part (advocacy)",
    "capacity": "the capacity decision",
    "undue_influence": "the plan about undue influence",
    "consent": "the decision about sharing information",
}


def finalise_blockers(
    visit: Visit, stage: Stage, *, concern: Concern | None = None, today: date | None = None
) -> list[Finding]:
    """What must be put right before ``visit`` can be finalised; ``[]`` when nothing.

    ``stage`` is the concern's stage the visit belongs to (the end stage asks for
    more). Pass ``concern`` at the end stage to check the closing figures kept on the
    concern too. ``today`` defaults to the device's date (a visit cannot be finalised
    with a date in the future).
    """
    return [
        finding
        for finding in check_visit(visit, stage, concern=concern, today=today)
        if finding.severity is Severity.REQUIRED
    ]


def check_visit(
    visit: Visit, stage: Stage, *, concern: Concern | None = None, today: date | None = None
) -> list[Finding]:
    """Every finding about ``visit``: blockers first, then warnings, then info.

    Takes the same arguments as ``finalise_blockers``. A visit that did not happen
    needs only its date and why (``_not_held``).
    """
    if visit.not_held is not None:
        return by_severity(_visit_date(visit, today or date.today()))
    findings = [
        *_check_in(visit, today or date.today()),
        *_what_matters(visit),
        *_outcome_reviews(visit, stage),
        *_plan_reviews(visit),
        *positive_risk_findings(visit),
        *advocacy_duty(visit.support_to_decide),
        *appropriate_person_conflict(visit),
        *_declined_help(visit),
        *undue_influence_warning(visit.undue_influence),
        *_actions(visit),
    ]
    if stage is Stage.END:
        findings += _closing(visit, concern)
    return by_severity(findings)


def _visit_date(visit: Visit, today: date) -> list[Finding]:
    if visit.visit_date is None:
        return [
            Finding(
                "visit_date_missing",
                Severity.REQUIRED,
                f"Record the date of the visit {_CHECK_IN}.",
                "visit_date",
            )
        ]
    if visit.visit_date > today:
        return [
            Finding(
                "visit_date_in_future",
                Severity.REQUIRED,
                "The visit date is in the future: a visit can only be finalised once it "
                f"has happened {_CHECK_IN}.",
                "visit_date",
            )
        ]
    return []


def _outcome_reviews(visit: Visit, stage: Stage) -> list[Finding]:
    if stage is not Stage.MIDDLE:
        return []
    return [
        Finding(
            "outcome_not_reviewed",
            Severity.REQUIRED,
            f"Ask about outcome {index + 1}: still wanted, changed, no longer wanted or "
            f"achieved {_PLAN}.",
            f"desired_outcomes.{index}.status",
        )
        for index, outcome in enumerate(visit.desired_outcomes)
        if outcome.status is None
    ]


def _plan_reviews(visit: Visit) -> list[Finding]:
    return [
        Finding(
            "plan_not_reviewed",
            Severity.REQUIRED,
            f"Check {_PLAN_WORDS[part]} from last time with the person: still the same, "
            f"changed or no longer applies {_PLAN}.",
            f"plan_review.{part}",
        )
        for part in visit.plan_carried
        if getattr(visit.plan_review, part) is None
    ]


def _declined_help(visit: Visit) -> list[Finding]:
    if visit.undue_influence.person_declined_help is not None:
        return []
    return [
        Finding(
            "declined_help_not_answered",
            Severity.REQUIRED,
            "Record whether the person has said they do not want help "
            "(Freedom from undue influence).",
            "undue_influence.person_declined_help",
        )
    ]


def _check_in(visit: Visit, today: date) -> list[Finding]:
    findings = _visit_date(visit, today)
    if visit.consent_to_record is None:
        findings.append(
            Finding(
                "consent_to_record_missing",
                Severity.REQUIRED,
                f"Record whether the person agreed to notes being made {_CHECK_IN}.",
                "consent_to_record",
            )
        )
    elif visit.consent_to_record is False:
        findings.append(
            Finding(
                "consent_to_record_declined",
                Severity.WARNING,
                "The person did not agree to notes being made: keep the record to what "
                f"must be recorded, and be ready to explain why it is needed {_CHECK_IN}.",
                "consent_to_record",
            )
        )
    return findings + _consent_to_share(visit)


def _consent_to_share(visit: Visit) -> list[Finding]:
    consent = visit.consent_to_share
    if consent is None or consent.decision is None:
        return [
            Finding(
                "consent_to_share_missing",
                Severity.WARNING,
                f"Record whether the person agreed to information being shared {_CHECK_IN}.",
                "consent_to_share.decision",
            )
        ]
    findings: list[Finding] = []
    if consent.decision is ConsentDecision.PARTLY and consent.with_whom is None:
        findings.append(
            Finding(
                "consent_partly_unclear",
                Severity.WARNING,
                f"Say what the person agreed may be shared, and with whom {_CHECK_IN}.",
                "consent_to_share.with_whom",
            )
        )
    if (consent.basis or consent.basis_detail) and consent.shared_without_consent is not True:
        findings.append(
            Finding(
                "share_basis_without_sharing",
                Severity.WARNING,
                "A basis for sharing is recorded, but not that information was shared "
                f"without consent: check the answers {_CHECK_IN}.",
                "consent_to_share.shared_without_consent",
            )
        )
    if consent.shared_without_consent:
        if not consent.basis:
            findings.append(
                Finding(
                    "share_basis_missing",
                    Severity.REQUIRED,
                    "Information was shared without the person's consent: record the basis "
                    f"for sharing {_CHECK_IN}.",
                    "consent_to_share.basis",
                )
            )
        if consent.person_told is None:
            findings.append(
                Finding(
                    "share_told_missing",
                    Severity.WARNING,
                    "Record whether the person was told that information was shared "
                    f"without their consent {_CHECK_IN}.",
                    "consent_to_share.person_told",
                )
            )
    return findings


def _what_matters(visit: Visit) -> list[Finding]:
    asked = visit.sg4a_asked
    if asked is None:
        return [
            Finding(
                "outcomes_asked_missing",
                Severity.REQUIRED,
                f"Record whether the person was asked what they want to happen {_WHAT_MATTERS}.",
                "sg4a_asked",
            )
        ]
    if asked is SG4aAsked.EXPRESSED and not visit.desired_outcomes:
        return [
            Finding(
                "desired_outcomes_missing",
                Severity.REQUIRED,
                "Write down what the person wants to happen, in their own words, because "
                f"you recorded that they said what they want {_WHAT_MATTERS}.",
                "desired_outcomes",
            )
        ]
    if asked is not SG4aAsked.EXPRESSED and visit.desired_outcomes:
        # The national figure and the list would disagree; one of them is wrong.
        return [
            Finding(
                "outcomes_asked_mismatch",
                Severity.REQUIRED,
                "Desired outcomes are listed, but your answer to whether the person was "
                f"asked says none were expressed: correct one or the other {_WHAT_MATTERS}.",
                "sg4a_asked",
            )
        ]
    return []


def _actions(visit: Visit) -> list[Finding]:
    findings: list[Finding] = []
    for index, action in enumerate(visit.actions):
        number = index + 1
        where = f"actions.{index}"
        if action.carried and action.status is None:
            findings.append(
                Finding(
                    "action_not_reviewed",
                    Severity.REQUIRED,
                    f"Say what happened with action {number} agreed before: done, not done, "
                    f"no longer needed, or still open {_ACTIONS}.",
                    f"{where}.status",
                )
            )
        if action.what is None:
            findings.append(
                Finding(
                    "action_what_missing",
                    Severity.REQUIRED,
                    f"Say what will be done for agreed action {number} {_ACTIONS}.",
                    f"{where}.what",
                )
            )
        if action.owner is None and action.who is None:
            findings.append(
                Finding(
                    "action_who_missing",
                    Severity.REQUIRED,
                    f"Say who will do agreed action {number}: you, the person, or someone "
                    f"named {_ACTIONS}.",
                    f"{where}.owner",
                )
            )
        elif action.owner is ActionOwner.SOMEONE_ELSE and action.who is None:
            findings.append(
                Finding(
                    "action_who_missing",
                    Severity.REQUIRED,
                    f"Name who will do agreed action {number} {_ACTIONS}.",
                    f"{where}.who",
                )
            )
        if action.by_when is None and action.status is ActionStatus.OPEN:
            findings.append(
                Finding(
                    "action_by_when_missing",
                    Severity.WARNING,
                    f"Agree by when action {number} will be done {_ACTIONS}.",
                    f"{where}.by_when",
                )
            )
        if visit.desired_outcomes and not action.outcome_ids:
            findings.append(
                Finding(
                    "action_not_linked",
                    Severity.WARNING,
                    f"Link agreed action {number} to the outcome it serves {_ACTIONS}.",
                    f"{where}.outcome_ids",
                )
            )
    return findings


def _closing(visit: Visit, concern: Concern | None) -> list[Finding]:
    findings = [
        Finding(
            "outcome_not_rated",
            Severity.REQUIRED,
            f"Rate how far outcome {index + 1} was achieved: fully, partially or not "
            f"achieved {_CLOSING}.",
            f"desired_outcomes.{index}.achieved",
        )
        for index, outcome in enumerate(visit.desired_outcomes)
        if outcome.achieved is None
    ]
    if visit.experience is None:
        findings.append(
            Finding(
                "experience_missing",
                Severity.REQUIRED,
                "Ask the person the four questions about their experience, or record that "
                f"they preferred not to say {_CLOSING}.",
                "experience",
            )
        )
    elif visit.experience.asked_by is None:
        findings.append(
            Finding(
                "experience_asked_by_missing",
                Severity.REQUIRED,
                f"Record who asked about the person's experience {_CLOSING}.",
                "experience.asked_by",
            )
        )
    elif visit.experience.asked_by is AskedBy.LEAD_WORKER:
        findings.append(
            Finding(
                "experience_asked_by_lead_worker",
                Severity.INFO,
                "The experience questions were asked by the lead worker, so answers may be "
                "less frank: offer the printed form the person can return later.",
                "experience.asked_by",
            )
        )
    if concern is not None and concern.closing_view is None:
        findings.append(
            Finding(
                "closing_view_missing",
                Severity.WARNING,
                f"Record the person's views on closing the concern {_CLOSING}.",
                "concern.closing_view",
            )
        )
    return findings
