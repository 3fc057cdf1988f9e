"""Which guide questions belong to the plan brought forward from the last visit.

A new visit starts with the plan the last finalised visit left (``Visit.plan_carried``
names its parts) and asks one review question per part (``plan_review.<part>``). The
UI uses these two look-ups to mark the answers that came from last time and to ask a
review question only about a part that was brought forward. The paths are the record
fields the store brings forward (``VisitsRepository.begin``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from msp_desktop.model import PLAN_PARTS, Visit

__all__ = ["PLAN_FIELDS", "REVIEW_PREFIX", "carried_part", "reviewed_part", "shows_review"]

REVIEW_PREFIX = "plan_review."
"""Review questions' fields start with this, followed by the part of the plan."""

PLAN_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "risks": ("risks",),
        "safety_plan": ("safety_plan",),
        "advocacy": ("support_to_decide.advocates",),
        "capacity": (
            "support_to_decide.decision",
            "support_to_decide.capacity",
            "support_to_decide.capacity_assessed_by",
            "support_to_decide.capacity_assessed_on",
        ),
        "undue_influence": ("undue_influence.planned_support",),
        "consent": ("consent_to_share",),
    }
)
"""The record fields holding each part of the plan, as guide questions name them."""

_PART_OF = {field: part for part, fields in PLAN_FIELDS.items() for field in fields}


def carried_part(field: str) -> str | None:
    """The part of the plan a question's ``field`` holds (``None``: not part of it)."""
    return _PART_OF.get(field)


def reviewed_part(field: str) -> str | None:
    """The part of the plan a review question (``plan_review.<part>``) asks about."""
    if not field.startswith(REVIEW_PREFIX):
        return None
    part = field.removeprefix(REVIEW_PREFIX)
    return part if part in PLAN_PARTS else None


def shows_review(visit: Visit, field: str) -> bool:
    """Whether to ask the question with ``field`` in ``visit``: a review question only
    when its part of the plan was brought forward (or it has been answered anyway);
    every other question always."""
    part = reviewed_part(field)
    if part is None:
        return True
    return part in visit.plan_carried or getattr(visit.plan_review, part) is not None
