"""Practice rules as pure functions: records in, plain-English findings out.

No I/O and no Qt; imports only ``msp_desktop.model``. The UI shows each finding's
message as-is, and finalising is refused while any finding is ``required``.
"""

from msp_desktop.practice.advocacy import advocacy_duty
from msp_desktop.practice.appropriate_person import appropriate_person_conflict
from msp_desktop.practice.finalise import check_visit, finalise_blockers
from msp_desktop.practice.findings import Finding, Severity, by_severity
from msp_desktop.practice.positive_risk import positive_risk_findings
from msp_desktop.practice.undue_influence import INDICATOR_WORDS, undue_influence_warning
from msp_desktop.practice.visit_due import (
    FIRST_CONVERSATION_DAYS,
    REVIEW_INTERVAL_DAYS,
    next_visit_due,
    suggested_next_visit,
)

__all__ = [
    "FIRST_CONVERSATION_DAYS",
    "INDICATOR_WORDS",
    "REVIEW_INTERVAL_DAYS",
    "Finding",
    "Severity",
    "advocacy_duty",
    "appropriate_person_conflict",
    "by_severity",
    "check_visit",
    "finalise_blockers",
    "next_visit_due",
    "positive_risk_findings",
    "suggested_next_visit",
    "undue_influence_warning",
]
