"""The person's copy, the office record and the feedback form: made, given and saved.

Shared by the ``msp`` document commands, the desktop app (on its database thread) and
the documents benchmark, so all three make exactly the same bytes. Documents are made
from plain records (``msp_desktop.documents`` never reads the store); this module reads
them from the workspace and records what was given, printed or saved. The documents
package (reportlab) is imported only when a document is made, so importing this
module costs nothing at start-up.

Safety first (docs/practice.md, "Giving the person a copy"): the person's copy is made
only with the recorded answer to the safety question, and only from a finalised visit.
Nothing here writes a file except ``save_document`` and ``save_copy``, which the worker
asked for: atomically, owner-only (S11), audited once on disk.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from msp_desktop.atomic import write_atomic
from msp_desktop.errors import InvalidInput
from msp_desktop.i18n import Lang
from msp_desktop.model import CopyChoice, Language, Person
from msp_desktop.store.copies import VisitNotFinalised
from msp_desktop.store.visits import VisitRecord
from msp_desktop.store.workspace import Workspace

if TYPE_CHECKING:
    from msp_desktop.documents import ServiceDetails

StyleName = Literal["plain", "large-print", "easy-read"]
LangName = Lang
DocumentKind = Literal["summary", "office_record", "feedback_form"]
ConcernDocument = Literal["office_record", "feedback_form"]
Output = Literal["print", "save_pdf"]


@dataclass(frozen=True)
class Made:
    """A document made from the workspace, with what it was made from.

    ``detail`` holds the plain choices it was made with (style, language), never
    personal data: it goes into the audit log with each print or save.
    """

    pdf: bytes
    entity: str
    entity_id: str
    revision: int | None = None
    visits: int = 0
    document: DocumentKind = "summary"
    detail: Mapping[str, object] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """The document's SHA-256 (hex), recorded with the copy and in the audit log."""
        return hashlib.sha256(self.pdf).hexdigest()


def service_details(ws: Workspace) -> ServiceDetails:
    """The team printed on the documents (defaults until ``msp service set``)."""
    from msp_desktop.documents import ServiceDetails

    info = ws.service()
    return ServiceDetails(name=info.name, phone=info.phone, email=info.email)


def language_of(person: Person) -> LangName:
    """The person's preferred language when a document can be in it, else English."""
    return "cy" if person.preferred_language is Language.CY else "en"


class TeamDetailsMissing(InvalidInput):
    """No copy for the person until the team's name and phone are set: a copy must say
    how to reach the team."""


TEAM_DETAILS_MISSING = (
    "Set the team's name and phone number first, so the person's copy says how to reach "
    "you: in the app, Workspace › Team details…, or with msp service set --name NAME "
    "--phone PHONE."
)
"""The one sentence of the refusal (the command line exits 2 with it)."""


def team_details_note(ws: Workspace) -> str | None:
    """A reminder while the team's details on a document are still the defaults."""
    if ws.service().is_set:
        return None
    return (
        "Note: the team's details on the form are the defaults; set them with "
        "msp service set --name NAME --phone PHONE"
    )


def require_team_details(ws: Workspace) -> None:
    """Refuse (``TeamDetailsMissing``) while the team's details are not set."""
    if not ws.service().is_set:
        raise TeamDetailsMissing(TEAM_DETAILS_MISSING)


def preferred_style(person: Person) -> StyleName:
    """The format the person asked for their copies in (plain English when not asked)."""
    fmt = person.preferred_format
    return fmt.value if fmt is not None else "plain"


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
    """The person's summary of a finalised visit; refused (``TeamDetailsMissing``) until
    the team's name and phone are set."""
    from msp_desktop.documents import person_summary

    record = finalised_record(ws, visit_id)
    require_team_details(ws)
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
    detail = {"style": style, "lang": lang, "neutral_title": neutral_title}
    return Made(pdf, "visit", visit_id, record.info.revision, 1, "summary", detail)


def give_copy(
    ws: Workspace,
    visit_id: str,
    choice: CopyChoice,
    *,
    style: StyleName,
    lang: LangName,
    neutral_title: bool = False,
) -> Made | None:
    """Record the answer to the safety question and make the copy it allows.

    "No copy" records the answer and makes nothing (None). Otherwise the summary is
    made first and recorded with its hash and the revision it was made from, so a
    visit amended in between is refused rather than recorded against the wrong text.
    """
    if not choice.makes_document:
        ws.copies.record(visit_id, choice, None, lang, False, None)
        return None
    made = summary_pdf(ws, visit_id, style=style, lang=lang, neutral_title=neutral_title)
    ws.copies.record(
        visit_id, choice, style, lang, neutral_title, made.sha256, revision=made.revision
    )
    return made


@dataclass(frozen=True)
class CopyDefaults:
    """What the copy dialog starts on: the person's language, the format they asked
    for (None while nobody has asked them), and whether the team's details are set."""

    lang: LangName
    asked_style: StyleName | None
    team_set: bool


def copy_defaults(ws: Workspace, visit_id: str) -> CopyDefaults:
    """Check the visit can be given (finalised) and read what the copy starts on."""
    record = finalised_record(ws, visit_id)
    person = ws.people.get(record.visit.person_id)
    asked = preferred_style(person) if person.preferred_format is not None else None
    return CopyDefaults(language_of(person), asked, ws.service().is_set)


def concern_record_pdf(ws: Workspace, concern_id: str) -> Made:
    """The office record of a concern: every visit, every revision, drafts too, and the
    contacts recorded against the concern in its chronology.

    Practice findings are left to ``office_record``, which runs ``check_visit`` on each
    visit's latest revision and says that they were checked when the record was printed.
    """
    from msp_desktop.documents import VisitRevision, office_record

    concern = ws.concerns.get(concern_id)
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
    # Calls, letters and meetings between visits belong in the concern's chronology.
    contacts = [
        contact
        for contact in ws.contacts.for_person(concern.person_id)
        if contact.concern_id == concern.id
    ]
    pdf = office_record(
        ws.people.get(concern.person_id),
        concern,
        items,
        service=service_details(ws),
        contacts=contacts,
    )
    detail = {"visits": len(visits)}
    return Made(pdf, "concern", concern.id, None, len(visits), "office_record", detail)


def office_record_pdf(ws: Workspace, visit_id: str) -> Made:
    """The office record of the concern the visit ``visit_id`` belongs to."""
    return concern_record_pdf(ws, ws.visits.get(visit_id).visit.concern_id)


def feedback_form_pdf(ws: Workspace, concern_id: str, *, lang: LangName) -> Made:
    """The feedback form of a concern (no name, nothing about what happened)."""
    from msp_desktop.documents import feedback_form

    concern = ws.concerns.get(concern_id)
    return_address = ws.service().return_address
    if return_address is None:
        # The form goes back by post, not through the worker: without an address it
        # could only go back through the worker, which defeats asking independently.
        raise InvalidInput(
            "Set the team's return address before printing a feedback form, so the person "
            "can post it back without their worker (msp service set --name NAME "
            "--phone PHONE --return-address ADDRESS)."
        )
    pdf = feedback_form(
        concern, lang=lang, service=service_details(ws), return_address=return_address
    )
    return Made(pdf, "concern", concern.id, None, 0, "feedback_form", {"lang": lang})


def concern_document(
    ws: Workspace, kind: ConcernDocument, concern_id: str, *, lang: LangName | None = None
) -> Made:
    """The office record, or the feedback form (in ``lang``, else the person's language)."""
    if kind == "office_record":
        return concern_record_pdf(ws, concern_id)
    if lang is None:
        lang = language_of(ws.people.get(ws.concerns.get(concern_id).person_id))
    return feedback_form_pdf(ws, concern_id, lang=lang)


def audit_output(
    ws: Workspace, made: Made, output: Output, extra: Mapping[str, object] | None = None
) -> None:
    """Audit that ``made`` was printed or saved as a file.

    The person's summary is audited as "print" or "save_pdf"; the office record and the
    feedback form under their own actions (as ``msp record`` and ``msp feedback-form``
    do), with the output in the detail; ``extra`` adds plain values (say, pages
    printed). Plain values only: no names, words or paths.
    """
    action = output if made.document == "summary" else made.document
    detail = {"document": made.document, "output": output, **made.detail, **(extra or {})}
    detail["sha256"] = made.sha256
    ws.audit_document(action, made.entity, made.entity_id, detail, revision=made.revision)


def write_then_audit(path: Path, pdf: bytes, audit: Callable[[], object]) -> None:
    """Write ``pdf`` atomically and owner-only, then audit it.

    A full disk raises ``StorageFull`` from ``write_atomic`` with nothing on disk and
    nothing audited. If the audit cannot be saved, the file is removed again, so no
    document exists that the audit log does not know about.
    """
    try:
        write_atomic(path, pdf)
    except OSError as exc:  # StorageFull is not an OSError: it passes through
        reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "error")
        raise InvalidInput(f"Could not write {path}: {reason}. Nothing was written.") from None
    try:
        audit()
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def save_document(
    ws: Workspace, made: Made, path: Path, extra: Mapping[str, object] | None = None
) -> None:
    """Save ``made`` as the PDF file ``path`` (not encrypted: the worker was told) and
    audit it as saved; on any failure no file is left and nothing is audited."""
    write_then_audit(path, made.pdf, lambda: audit_output(ws, made, "save_pdf", extra))


def save_copy(
    ws: Workspace,
    visit_id: str,
    choice: CopyChoice,
    path: Path,
    *,
    style: StyleName,
    lang: LangName,
    neutral_title: bool = False,
) -> Made:
    """Make the person's copy allowed by ``choice`` and save it to ``path``.

    The answer to the safety question is recorded, in one transaction with the save's
    audit entry, only once the file is on disk: a file that cannot be written records
    nothing. (``give_copy`` records first, then shows the copy to print.)
    """
    if not choice.makes_document:
        raise InvalidInput("With no copy there is no document to save.")
    made = summary_pdf(ws, visit_id, style=style, lang=lang, neutral_title=neutral_title)

    def record_and_audit() -> None:
        with ws.db.transaction():
            ws.copies.record(
                visit_id, choice, style, lang, neutral_title, made.sha256, revision=made.revision
            )
            audit_output(ws, made, "save_pdf")

    write_then_audit(path, made.pdf, record_and_audit)
    return made
