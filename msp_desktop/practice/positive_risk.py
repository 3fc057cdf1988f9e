"""Positive risk taking: an unwise decision is the person's right only with capacity."""

from __future__ import annotations

from msp_desktop.model import CapacityStatus, Visit
from msp_desktop.practice.findings import Finding, Severity

__all__ = ["positive_risk_findings"]

_STEP = "(Risks)"


def positive_risk_findings(visit: Visit) -> list[Finding]:
    """Warnings about each positive risk decision recorded in ``visit``.

    These are warnings, not blockers: capacity is decision-specific, and the decision
    assessed under "Support to decide" may not be the one the risk is about, so the
    worker is asked to check rather than stopped.
    """
    findings: list[Finding] = []
    lacks_capacity = visit.support_to_decide.capacity is CapacityStatus.LACKS_CAPACITY
    for index, risk in enumerate(visit.risks):
        number = index + 1
        if risk.risk_type is None:
            findings.append(
                Finding(
                    "risk_type_missing",
                    Severity.REQUIRED,
                    f"Choose the type of risk {number} {_STEP}.",
                    f"risks.{index}.risk_type",
                )
            )
        decision = risk.positive_risk
        if decision is None:
            continue
        where = f"risks.{index}.positive_risk"
        if decision.choice is None:
            findings.append(
                Finding(
                    "positive_risk_choice_missing",
                    Severity.REQUIRED,
                    f"Write the choice the person is making about risk {number} {_STEP}.",
                    f"{where}.choice",
                )
            )
        if decision.understood is None:
            findings.append(
                Finding(
                    "positive_risk_understood_missing",
                    Severity.REQUIRED,
                    f"Record whether the person understood risk {number} when making their "
                    f"choice {_STEP}.",
                    f"{where}.understood",
                )
            )
        if lacks_capacity:
            findings.append(
                Finding(
                    "positive_risk_without_capacity",
                    Severity.WARNING,
                    f"Risk {number} records a positive risk decision, but the person lacks "
                    "capacity for the decision under Support to decide: if it is the same "
                    f"decision, it must be made in their best interests instead {_STEP}.",
                    where,
                )
            )
        if decision.understood is False:
            findings.append(
                Finding(
                    "positive_risk_not_understood",
                    Severity.WARNING,
                    f"Risk {number} records a positive risk decision the person did not "
                    "understand: check their capacity for it before relying on it "
                    f"{_STEP}.",
                    f"{where}.understood",
                )
            )
        if decision.harm_reduction is None:
            findings.append(
                Finding(
                    "positive_risk_harm_reduction_missing",
                    Severity.WARNING,
                    f"Record what was agreed to reduce harm for the positive risk decision "
                    f"in risk {number} {_STEP}.",
                    f"{where}.harm_reduction",
                )
            )
    return findings
