"""The advocacy duties: a Care Act advocate and an IMCA.

Care Act 2014 (s68 in safeguarding): where the person has substantial difficulty in
any of the four areas and nobody appropriate can support them, an independent
advocate must be arranged. Mental Capacity Act 2005: where the person lacks capacity
for the decision and the IMCA criteria apply, an IMCA must be instructed. The worker
confirms whether the IMCA criteria apply; the app cannot know.
"""

from __future__ import annotations

from msp_desktop.model import (
    Advocate,
    AdvocateStatus,
    AdvocateType,
    CapacityStatus,
    SupportToDecide,
)
from msp_desktop.practice.findings import Finding, Severity

__all__ = ["advocacy_duty"]

_STEP = "(Support to decide)"
_WHERE = "support_to_decide"

# An offer alone does not meet the duty; acceptance, a referral or an advocate in
# place does.
_CARE_ACT_ADVOCATE_IN_HAND = frozenset(
    {AdvocateStatus.ACCEPTED, AdvocateStatus.REFERRED, AdvocateStatus.IN_PLACE}
)
# An IMCA is instructed, not accepted: the person lacks capacity to accept or decline.
_IMCA_INSTRUCTED = frozenset({AdvocateStatus.REFERRED, AdvocateStatus.IN_PLACE})


def advocacy_duty(support: SupportToDecide) -> list[Finding]:
    """What the advocacy duties ask of the worker, given the support-to-decide record.

    Returns no findings when no duty applies. Decisions where the law leaves room:

    - An IMCA who is instructed also meets the Care Act advocacy duty (the same
      advocate may act in both roles), so no second advocate is asked for.
    - A person may decline a Care Act advocate. The duty does not lapse, so the
      finding stays: *required* until the reason is recorded, then a *warning* to keep
      the offer open.
    - Declining an IMCA does not count: the person lacks capacity for the decision.
    """
    return [
        *_advocates_described(support),
        *_care_act_advocate(support),
        *_imca(support),
        *_capacity_details(support),
    ]


def _advocates_described(support: SupportToDecide) -> list[Finding]:
    # Both may be left for later while the visit is a draft; a finalised record says them.
    return [
        Finding(
            "advocate_incomplete",
            Severity.REQUIRED,
            f"Say who supports the person (advocate {index + 1}) and where the offer stands "
            f"{_STEP}.",
            f"{_WHERE}.advocates.{index}.{'type' if advocate.type is None else 'status'}",
        )
        for index, advocate in enumerate(support.advocates)
        if advocate.type is None or advocate.status is None
    ]


def _has(
    advocates: list[Advocate], kind: AdvocateType, statuses: frozenset[AdvocateStatus]
) -> bool:
    return any(a.type is kind and a.status in statuses for a in advocates)


def _care_act_advocate(support: SupportToDecide) -> list[Finding]:
    if not support.substantial_difficulty:
        return []
    available = support.appropriate_person_available
    if available is True:
        if support.appropriate_person is None:
            return [
                Finding(
                    "appropriate_person_not_named",
                    Severity.WARNING,
                    f"Record who the appropriate person supporting the person is {_STEP}.",
                    f"{_WHERE}.appropriate_person",
                )
            ]
        return []
    if available is None:
        return [
            Finding(
                "appropriate_person_unknown",
                Severity.WARNING,
                "The person has substantial difficulty in taking part, so find out whether "
                "someone suitable and willing can support them; if nobody can, a Care Act "
                f"advocate must be arranged {_STEP}.",
                f"{_WHERE}.appropriate_person_available",
            )
        ]
    advocates = support.advocates
    where = f"{_WHERE}.advocates"
    if _has(advocates, AdvocateType.CARE_ACT_ADVOCATE, _CARE_ACT_ADVOCATE_IN_HAND):
        return [
            Finding(
                "care_act_advocate_arranged",
                Severity.INFO,
                "A Care Act advocate is arranged for the person, who has substantial "
                "difficulty and nobody suitable to support them.",
                where,
            )
        ]
    if _has(advocates, AdvocateType.IMCA, _IMCA_INSTRUCTED):
        return [
            Finding(
                "care_act_advocate_met_by_imca",
                Severity.INFO,
                "The IMCA can also act as the person's Care Act advocate, so no second "
                "advocate is needed; make sure they support the whole safeguarding enquiry.",
                where,
            )
        ]
    declined = [
        a
        for a in advocates
        if a.type is AdvocateType.CARE_ACT_ADVOCATE and a.status is AdvocateStatus.DECLINED
    ]
    if declined and all(a.reason is None for a in declined):
        return [
            Finding(
                "care_act_advocate_declined_reason_missing",
                Severity.REQUIRED,
                "The person declined a Care Act advocate: record the reason they gave, "
                f"because the duty to arrange one still applies {_STEP}.",
                where,
            )
        ]
    if declined:
        return [
            Finding(
                "care_act_advocate_declined",
                Severity.WARNING,
                "The person declined a Care Act advocate, but the duty to arrange one still "
                "applies: keep the offer open and ask again at the next visit.",
                where,
            )
        ]
    return [
        Finding(
            "care_act_advocate_required",
            Severity.REQUIRED,
            "The person has substantial difficulty in taking part and nobody suitable to "
            f"support them, so a Care Act advocate must be arranged {_STEP}.",
            where,
        )
    ]


def _imca(support: SupportToDecide) -> list[Finding]:
    if support.capacity is not CapacityStatus.LACKS_CAPACITY:
        return []
    if _has(support.advocates, AdvocateType.IMCA, _IMCA_INSTRUCTED):
        return [
            Finding(
                "imca_instructed",
                Severity.INFO,
                "An IMCA has been instructed for the decision the person lacks capacity to make.",
                f"{_WHERE}.advocates",
            )
        ]
    if support.imca_criteria_apply is None:
        return [
            Finding(
                "imca_criteria_unconfirmed",
                Severity.WARNING,
                "The person lacks capacity for this decision, so confirm whether the "
                f"criteria for an IMCA apply {_STEP}.",
                f"{_WHERE}.imca_criteria_apply",
            )
        ]
    if support.imca_criteria_apply:
        return [
            Finding(
                "imca_required",
                Severity.REQUIRED,
                "An IMCA must be instructed, because the person lacks capacity for this "
                f"decision and the criteria for an IMCA apply {_STEP}.",
                f"{_WHERE}.advocates",
            )
        ]
    return []


def _capacity_details(support: SupportToDecide) -> list[Finding]:
    if support.capacity is None:
        if support.decision is None:
            return []
        # A decision is named, so the question arose: it is answered, never assumed.
        return [
            Finding(
                "capacity_not_answered",
                Severity.REQUIRED,
                "Record whether the person's capacity for this decision was assessed, "
                f"and if so the outcome {_STEP}.",
                f"{_WHERE}.capacity",
            )
        ]
    if support.capacity is CapacityStatus.NOT_ASSESSED:
        return []
    findings: list[Finding] = []
    if support.decision is None:
        findings.append(
            Finding(
                "capacity_decision_missing",
                Severity.WARNING,
                "Capacity is about one specific decision: record which decision was "
                f"assessed {_STEP}.",
                f"{_WHERE}.decision",
            )
        )
    if support.capacity_assessed_by is None or support.capacity_assessed_on is None:
        findings.append(
            Finding(
                "capacity_assessment_details_missing",
                Severity.WARNING,
                f"Record who assessed the person's capacity and when {_STEP}.",
                f"{_WHERE}.capacity_assessed_by",
            )
        )
    return findings
