"""The plan shown again at the next visit, and the answer to "is it still the same?".

A new visit of a concern starts with the plan as the last finalised visit left it
(risks, the safety plan, advocacy, the capacity decision, the undue-influence plan,
consent to share): that is the plan, not an answer. Each part's review question starts
unanswered, so nothing is confirmed for the worker.
"""

from __future__ import annotations

from msp_desktop.model.base import RecordModel
from msp_desktop.model.choices import PlanReview

__all__ = ["PLAN_PARTS", "PlanReviews"]

PLAN_PARTS = ("risks", "safety_plan", "advocacy", "capacity", "undue_influence", "consent")


class PlanReviews(RecordModel):
    """For each part of the plan carried into this visit: still the same, changed, or no
    longer applies (``None``: not reviewed yet)."""

    risks: PlanReview | None = None
    safety_plan: PlanReview | None = None
    advocacy: PlanReview | None = None
    capacity: PlanReview | None = None
    undue_influence: PlanReview | None = None
    consent: PlanReview | None = None
