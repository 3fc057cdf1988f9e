"""Gathering records from an open workspace into the documents, as PDF bytes in memory.

Shared by the ``msp`` document commands and the documents benchmark, so the figures
time exactly what the commands run. Nothing here writes a file or the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from msp_desktop.documents import (
    ServiceDetails,
    VisitRevision,
    feedback_form,
    office_record,
    person_summary,
)
from msp_desktop.store import VisitNotFinalised, VisitRecord, Workspace

StyleName = Literal["plain", "large-print", "easy-read"]
LangName = Literal["en", "cy"]


@dataclass(frozen=True)
class Made:
    """A document made from the workspace, with what it was made from."""

    pdf: bytes
    entity: str
    entity_id: str
    revision: int | None = None
    visits: int = 0


def service_details(ws: Workspace) -> ServiceDetails:
    """The team printed on the documents (defaults until ``msp service set``)."""
    info = ws.service()
    return ServiceDetails(name=info.name, phone=info.phone, email=info.email)


def finalised_record(ws: Workspace, visit_id: str) -> VisitRecord:
    """The visit's current revision, refused while it is a draft."""
    record = ws.visits.get(visit_id)
    if not record.is_final:
        raise VisitNotFinalised(
            f"Visit {visit_id} (revision {record.info.revision}) is still a draft. The person "
            "is given what was agreed: finalise the visit first."
        )
    return record


def summary_pdf(
    ws: Workspace,
    visit_id: str,
    *,
    style: StyleName,
    lang: LangName,
    neutral_title: bool = False,
) -> Made:
    """The person's summary of a finalised visit."""
    record = finalised_record(ws, visit_id)
    visit = record.visit
    pdf = person_summary(
        ws.people.get(visit.person_id),
        ws.concerns.get(visit.concern_id),
        visit,
        style=style,
        lang=lang,
        neutral_title=neutral_title,
        worker_name=ws.worker,
        service=service_details(ws),
    )
    return Made(pdf, "visit", visit_id, revision=record.info.revision, visits=1)


def office_record_pdf(ws: Workspace, visit_id: str) -> Made:
    """The office record of the visit's concern: every visit, every revision, drafts too.

    Practice findings are left to ``office_record``, which runs ``check_visit`` on each
    visit's latest revision and says that they were checked when the record was printed.
    """
    concern = ws.concerns.get(ws.visits.get(visit_id).visit.concern_id)
    items: list[VisitRevision] = []
    visits = ws.visits.list(concern_id=concern.id, limit=1_000_000)
    # Oldest visit first, as the concern unfolded; visits without a date yet last.
    visits.sort(key=lambda v: (v.visit_date is None, v.visit_date or date.min, v.id))
    for summary in visits:
        for info in ws.visits.revisions(summary.id):
            visit = ws.visits.get(summary.id, info.revision).visit
            items.append(
                VisitRevision(
                    visit=visit,
                    revision=info.revision,
                    status=info.status,
                    author=info.author,
                    created_at=info.created_at,
                    saved_at=info.saved_at,
                    reason=info.reason,
                    finalised_at=info.finalised_at,
                    finalised_by=info.finalised_by,
                )
            )
    pdf = office_record(
        ws.people.get(concern.person_id), concern, items, service=service_details(ws)
    )
    return Made(pdf, "concern", concern.id, visits=len(visits))


def feedback_form_pdf(ws: Workspace, concern_id: str, *, lang: LangName) -> Made:
    """The feedback form of a concern (no name, nothing about what happened)."""
    concern = ws.concerns.get(concern_id)
    pdf = feedback_form(concern, lang=lang, service=service_details(ws))
    return Made(pdf, "concern", concern.id)
