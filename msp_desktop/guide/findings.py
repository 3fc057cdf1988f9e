"""Which practice rules a step of the guide shows, by the name the guide uses.

A guide names rules (``findings = ["advocacy"]``) rather than code, so a practice lead
can move a rule's findings to another step; this registry is the only place that
maps those names to the pure functions in ``msp_desktop.practice``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from msp_desktop.guide.schema import Step
from msp_desktop.model import Visit
from msp_desktop.practice import (
    Finding,
    advocacy_duty,
    positive_risk_findings,
    undue_influence_warning,
)

__all__ = ["FINDINGS", "findings_for"]


def _advocacy(visit: Visit) -> list[Finding]:
    return advocacy_duty(visit.support_to_decide)


def _undue_influence(visit: Visit) -> list[Finding]:
    return undue_influence_warning(visit.undue_influence)


FINDINGS: Mapping[str, Callable[[Visit], list[Finding]]] = MappingProxyType(
    {
        "advocacy": _advocacy,
        "undue_influence": _undue_influence,
        "positive_risk": positive_risk_findings,
    }
)
"""Practice rules by the name a guide uses, each taking the whole visit."""


def findings_for(step: Step, visit: Visit) -> list[Finding]:
    """The findings of the rules ``step`` names, for ``visit``, in the guide's order."""
    return [finding for name in step.findings for finding in FINDINGS[name](visit)]
