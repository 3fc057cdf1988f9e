"""An appropriate person must not be someone who may be causing harm.

The Care Act's appropriate person supports the person to take part; they must not be
the source of the risk. The record keeps the appropriate person and each risk's source
as free text (names of third parties), so the app cannot know they are the same
person; it can notice the same name written in both and ask the worker to check.
"""

from __future__ import annotations

import re

from msp_desktop.model import Visit
from msp_desktop.practice.findings import Finding, Severity

__all__ = ["appropriate_person_conflict"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")
# Capitalised words that are not names: titles, and words that start a sentence.
_NOT_NAMES = frozenset(
    {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "The", "Her", "His", "Their", "She", "He", "They"}
)


def _names(text: str) -> set[str]:
    return {word for word in _WORD.findall(text) if word[0].isupper() and word not in _NOT_NAMES}


def appropriate_person_conflict(visit: Visit) -> list[Finding]:
    """Warn when a name given for the appropriate person is also written where a risk
    comes from (a risk's source, or what was noticed about undue influence).

    A warning, not a blocker: two people can share a first name, and only the worker
    knows. No names are repeated in the message (it is read on screen and in the
    office record)."""
    support = visit.support_to_decide
    if support.appropriate_person_available is not True or support.appropriate_person is None:
        return []
    names = _names(support.appropriate_person.text)
    sources = [risk.source_detail.text for risk in visit.risks if risk.source_detail]
    if visit.undue_influence.notes is not None:
        sources.append(visit.undue_influence.notes.text)
    if not names or not any(names & _names(source) for source in sources):
        return []
    return [
        Finding(
            "appropriate_person_named_in_risk",
            Severity.WARNING,
            "The person named as someone who could support them is also named where a "
            "risk comes from. An appropriate person must not be someone who may be "
            "causing harm: check, and if it is the same person, think about an "
            "independent advocate (Support to decide).",
            "support_to_decide.appropriate_person",
        )
    ]
