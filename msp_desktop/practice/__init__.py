"""Practice rules as pure functions: records in, plain-English findings out.

No I/O and no Qt; imports only ``msp_desktop.model``. The UI shows each finding's
message as-is, and finalising is refused while any finding is ``required``.
"""

from msp_desktop.practice.advocacy import advocacy_duty
from msp_desktop.practice.finalise import check_visit, finalise_blockers
from msp_desktop.practice.findings import Finding, Severity, by_severity
from msp_desktop.practice.positive_risk import positive_risk_findings
from msp_desktop.practice.undue_influence import INDICATOR_WORDS, undue_influence_warning

__all__ = [
    "INDICATOR_WORDS",
    "Finding",
    "Severity",
    "advocacy_duty",
    "by_severity",
    "check_visit",
    "finalise_blockers",
    "positive_risk_findings",
    "undue_influence_warning",
]
