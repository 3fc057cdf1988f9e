"""Visits as the journey needs them: starting the next one, and recording one that did
not happen (no access, declined to talk, not safe to talk, not there)."""

from __future__ import annotations

from datetime import date

from msp_desktop.calendar_day import council_today
from msp_desktop.errors import InvalidInput
from msp_desktop.model import Note, NotHeldReason, Visit, VisitNotHeld
from msp_desktop.practice import suggested_next_visit
from msp_desktop.store.workspace import Workspace

__all__ = ["last_guide_id", "record_not_held", "start_visit", "suggested_next_date"]


def start_visit(ws: Workspace, concern_id: str, guide_ref: tuple[str, str], on: date) -> Visit:
    """Start the next visit of a concern, with what was agreed brought forward."""
    return ws.visits.begin(concern_id, guide_ref, on)


def record_not_held(
    ws: Workspace,
    concern_id: str,
    guide_ref: tuple[str, str],
    *,
    on: date,
    reason: NotHeldReason,
    rearranged_for: date | None = None,
    note: str | None = None,
) -> Visit:
    """Record a visit that did not happen, finalised at once (it needs only its date and
    why); it stays in the person's history, and the rearranged date is when the next
    visit is due."""
    if on > council_today():
        raise InvalidInput("Record a visit that did not happen on the day it was planned for.")
    if rearranged_for is not None and rearranged_for < on:
        raise InvalidInput("The rearranged date comes after the visit that did not happen.")
    concern = ws.concerns.get(concern_id)
    visit = Visit(
        concern_id=concern.id,
        person_id=concern.person_id,
        visit_date=on,
        stage=concern.stage,
        guide_id=guide_ref[0],
        guide_version=guide_ref[1],
        not_held=VisitNotHeld(
            reason=reason,
            rearranged_for=rearranged_for,
            note=Note.internal(note) if note and note.strip() else None,
        ),
    )
    with ws.db.transaction():
        ws.visits.start(visit)
        ws.visits.finalise(visit.id)
    return visit


def suggested_next_date(ws: Workspace, visit: Visit) -> date | None:
    """The practice rule's date for the visit after ``visit``: a week after the concern
    was raised for the first conversation, four weeks after this one otherwise."""
    if visit.visit_date is None:
        return None
    concern = ws.concerns.get(visit.concern_id)
    return suggested_next_visit(concern.raised_on, visit.visit_date)


def last_guide_id(ws: Workspace, concern_id: str) -> str | None:
    """The guide the concern's newest conversation was held (or is being written) with,
    so the next visit offers the same one; ``None`` before the first. A visit that did
    not happen is skipped: it records the default guide, not a choice."""
    for summary in ws.visits.list(concern_id=concern_id):
        visit = ws.visits.get(summary.id).visit
        if visit.not_held is None:
            return visit.guide_id
    return None
