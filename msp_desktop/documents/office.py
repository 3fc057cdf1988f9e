"""The office's record of a concern, read as a case record: the person, the concern and
its chronology, then each visit section by section, its findings and its revisions.

Every note of every record is printed; text that must stay out of the person's copy
is labelled in words ("[Third party]", "[Internal]") and shaded, never marked by colour
alone. Values are said in words (``office_words``), never as field paths or stored
identifiers; national labels are printed word for word. Each page is marked
OFFICIAL-SENSITIVE at the top and bottom and numbered "Page N of M". English only: it
is read by staff.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from reportlab.platypus import Flowable, HRFlowable

from msp_desktop.documents.dates import format_date
from msp_desktop.documents.office_sections import visit_sections, visit_title
from msp_desktop.documents.office_style import Cell, OfficeStyles, Text, facts, grid, styles
from msp_desktop.documents.office_words import NOTHING, Words, changes, when, words_for
from msp_desktop.documents.summary import PDF_LANG, ServiceDetails
from msp_desktop.guide.catalogue import guide_named
from msp_desktop.guide.findings import with_step_named
from msp_desktop.model import Concern, ContactNote, Person, Visibility, Visit
from msp_desktop.pdf import PdfInfo, build_pdf, page_numbers, para
from msp_desktop.practice import Finding, check_visit

__all__ = ["MARKING", "VisitRevision", "office_record"]

MARKING = "OFFICIAL-SENSITIVE"
"""The Government Security Classification marking printed on every page."""


@dataclass(frozen=True, slots=True)
class VisitRevision:
    """One saved revision of a visit, as the store keeps it (times as the store's text).

    Mirrors the store's revision details so the caller can pass them without this
    package importing the store.
    """

    visit: Visit
    revision: int
    status: str
    author: str
    created_at: str
    saved_at: str | None = None
    reason: str | None = None
    finalised_at: str | None = None
    finalised_by: str | None = None


def office_record(
    person: Person,
    concern: Concern,
    visits_with_revisions: Sequence[VisitRevision],
    findings_by_visit: Mapping[str, Sequence[Finding]] | None = None,
    *,
    service: ServiceDetails | None = None,
    contacts: Sequence[ContactNote] = (),
    printed_on: date | None = None,
) -> bytes:
    """The office record of ``concern`` as PDF bytes, read as a case record.

    ``visits_with_revisions`` holds every revision of every visit (any order; visits
    print in the order their first revision appears); each visit prints its latest
    revision in full and, for earlier ones, who changed what, when and why.
    ``findings_by_visit`` maps a visit id to its practice findings; a visit missing
    from it is checked now with ``check_visit`` (and says so). ``contacts`` between
    visits join the chronology. ``service`` names the PDF's author.
    """
    style = styles()
    by_visit: dict[str, list[VisitRevision]] = {}
    for revision in visits_with_revisions:
        by_visit.setdefault(revision.visit.id, []).append(revision)
    ordered = [sorted(revisions, key=lambda item: item.revision) for revisions in by_visit.values()]
    title = f"Case record: {person.name}"
    printed = format_date(printed_on or date.today(), "en")
    story: list[Flowable] = [
        para(title, style.title),
        para(
            f"The office record of a safeguarding concern, printed on {printed}"
            + (f" by {service.name}" if service else "")
            + ". Everything recorded is here. Text marked [Third party] is about other "
            "people and text marked [Internal] is the worker's own: neither goes in the "
            "person's copy.",
            style.intro,
        ),
        para("The person", style.part),
        _person(person, style),
        *_household(person, style),
        para("The concern", style.part),
        _concern(concern, style),
        para("Chronology", style.part),
        _chronology(concern, [revisions[-1].visit for revisions in ordered], contacts, style),
    ]
    findings = findings_by_visit or {}
    for number, revisions in enumerate(ordered, 1):
        story += _visit(number, revisions, concern, findings, style)
    story += _closing(concern, style)
    info = PdfInfo(
        title=title,
        author=service.name if service else "MSP Desktop",
        subject="Office record of a safeguarding concern",
        lang=PDF_LANG["en"],
        footer=page_numbers,
        footer_size=9,
        footer_note=f"{MARKING}: office record, contains third-party and internal information",
        header=MARKING,
    )
    return build_pdf(story, info)


def _person(person: Person, style: OfficeStyles) -> Flowable:
    words = words_for(None)
    language = words.choice(person.preferred_language)
    if person.other_language:
        language = f"{language}: {person.other_language}"
    nhs = person.nhs_number
    rows: list[tuple[str, Cell]] = [
        ("Name", person.name),
        ("Known as", person.preferred_name),
        (
            "Date of birth",
            format_date(person.date_of_birth, "en") if person.date_of_birth else None,
        ),
        ("Address", Text.of(person.address) if person.address else None),
        ("Phone", person.phone),
        ("Local reference", person.local_id),
        ("NHS number", f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if nhs else None),
        ("Communication needs", words.choices(person.communication_needs) or None),
        (
            "About their communication",
            Text.of(person.communication_notes) if person.communication_notes else None,
        ),
        ("Preferred language", language),
        (
            "Copies in",
            words.choice(person.preferred_format) if person.preferred_format else "Not asked yet",
        ),
    ]
    return facts(rows, style)


def _household(person: Person, style: OfficeStyles) -> list[Flowable]:
    if not person.household:
        return []
    rows: list[list[Cell]] = []
    for member in person.household:
        lives = "Lives with them" if member.lives_with_person else "Does not live with them"
        risk = ["May be a source of risk"] if member.may_be_source_of_risk else []
        rows.append(
            [
                Text(member.name, member.visibility),
                Text(member.relationship, member.visibility),
                [lives, *risk],
                Text.of(member.note) if member.note else None,
            ]
        )
    table = grid(["Name", "Relationship", "At home", "Note"], rows, [0.26, 0.18, 0.22, 0.34], style)
    return [style.heading("Household and people in their life"), table]


def _concern(concern: Concern, style: OfficeStyles) -> Flowable:
    words = words_for(None)
    status = words.choice(concern.status)
    if concern.closed_on is not None:
        status = f"Closed on {format_date(concern.closed_on, 'en')}"
    rows: list[tuple[str, Cell]] = [
        ("Raised on", format_date(concern.raised_on, "en")),
        ("Raised by", Text.of(concern.raised_by) if concern.raised_by else None),
        ("Type of risk (SG2a)", words.choices(concern.risk_types) or None),
        (
            "Location of risk (SG2b)",
            words.choice(concern.risk_location) if concern.risk_location else None,
        ),
        (
            "Source of risk (SG2b)",
            words.choice(concern.risk_source) if concern.risk_source else None,
        ),
        ("Stage", words.choice(concern.stage)),
        ("Status", status),
        ("Lead worker", concern.lead_worker),
        ("What it is about", Text.of(concern.summary) if concern.summary else None),
        (
            "Asked about outcomes (SG4a)",
            words.choice(concern.sg4a_asked) if concern.sg4a_asked else None,
        ),
        ("Result (SG2c)", words.choice(concern.action_result) if concern.action_result else None),
        ("Risk outcome", words.choice(concern.risk_outcome) if concern.risk_outcome else None),
    ]
    return facts(rows, style)


def _chronology(
    concern: Concern, visits: list[Visit], contacts: Sequence[ContactNote], style: OfficeStyles
) -> Flowable:
    words = words_for(None)
    entries: list[tuple[date | None, int, str, Cell]] = [
        (
            concern.raised_on,
            0,
            "Concern raised",
            Text.of(concern.raised_by) if concern.raised_by else None,
        )
    ]
    for number, visit in enumerate(visits, 1):
        stage = words.choice(visit.stage or concern.stage).lower()
        if visit.not_held is None:
            what = f"Visit {number} held ({stage} stage)"
        else:
            what = f"Visit {number} did not happen: {words.choice(visit.not_held.reason).lower()}"
        entries.append((visit.visit_date, 1, what, None))
    for contact in contacts:
        if contact.concern_id in (None, concern.id):
            entries.append((contact.on, 2, words.choice(contact.kind), Text.of(contact.text)))
    for reopening in concern.reopenings:
        closed = f"Closed on {format_date(reopening.was_closed_on, 'en')}"
        entries.append((reopening.was_closed_on, 3, closed, None))
        entries.append((reopening.on, 4, "Concern reopened", Text.of(reopening.reason)))
    if concern.closed_on is not None:
        entries.append(
            (
                concern.closed_on,
                5,
                "Concern closed",
                Text.of(concern.close_reason) if concern.close_reason else None,
            )
        )
    entries.sort(key=lambda entry: (entry[0] is None, entry[0] or date.min, entry[1]))
    rows = [
        [format_date(on, "en") if on else "Date not recorded", what, detail]
        for on, _, what, detail in entries
    ]
    return grid(["Date", "What happened", "Detail"], rows, [0.26, 0.34, 0.40], style)


def _status(revision: VisitRevision) -> str:
    if revision.status == "finalised":
        return "Finalised"
    if revision.status == "draft":
        return "Draft (not finalised)"
    return revision.status.capitalize()


def _visit(
    number: int,
    revisions: list[VisitRevision],
    concern: Concern,
    findings_by_visit: Mapping[str, Sequence[Finding]],
    style: OfficeStyles,
) -> list[Flowable]:
    latest = revisions[-1]
    visit = latest.visit
    words = words_for(visit.guide_id)
    status = f"{_status(latest)} (revision {latest.revision})"
    story: list[Flowable] = [
        HRFlowable(width="100%", thickness=1, color="#666666", spaceBefore=10, spaceAfter=0),
        para(visit_title(number, visit), style.part),
        *visit_sections(visit, concern, status, words, style),
        *_findings(visit, concern, findings_by_visit, style),
        *_revisions(revisions, words, style),
    ]
    return story


def _findings(
    visit: Visit,
    concern: Concern,
    findings_by_visit: Mapping[str, Sequence[Finding]],
    style: OfficeStyles,
) -> list[Flowable]:
    if visit.id in findings_by_visit:
        found = list(findings_by_visit[visit.id])
        heading = "Practice findings"
    else:
        found = check_visit(visit, visit.stage or concern.stage, concern=concern)
        heading = "Practice findings (checked when this record was printed)"
    found = _steps_named(visit, concern, found)
    if not found:
        return [style.heading(heading), para("No findings.", style.body)]
    rows = [[f"[{item.severity.value.capitalize()}]", item.message] for item in found]
    return [style.heading(heading), grid(["", "Finding"], rows, [0.16, 0.84], style)]


def _steps_named(visit: Visit, concern: Concern, findings: list[Finding]) -> list[Finding]:
    # The practice rules name steps in their own words; a manager reads the titles of
    # the guide the visit was held with (unchanged when this app does not ship it).
    guide = guide_named(visit.guide_id)
    if guide is None:
        return findings
    stage = visit.stage or concern.stage
    return [with_step_named(guide, stage, finding) for finding in findings]


def _revisions(revisions: list[VisitRevision], words: Words, style: OfficeStyles) -> list[Flowable]:
    rows = []
    for revision in revisions:
        saved = [f"Started by {revision.author} on {when(revision.created_at)}"]
        if revision.saved_at:
            saved.append(f"Last saved on {when(revision.saved_at)}")
        if revision.finalised_at:
            by = f" by {revision.finalised_by}" if revision.finalised_by else ""
            saved.append(f"Finalised{by} on {when(revision.finalised_at)}")
        rows.append([str(revision.revision), _status(revision), saved, revision.reason])
    story: list[Flowable] = [
        style.heading("Revisions of this visit"),
        grid(
            ["", "Status", "Who and when", "Why it was changed"],
            rows,
            [0.06, 0.2, 0.44, 0.3],
            style,
        ),
    ]
    for before, after in pairwise(revisions):
        changed = changes(before.visit, after.visit, words)
        story.append(style.heading(f"What revision {after.revision} changed"))
        if not changed:
            story.append(para("Nothing recorded was changed.", style.body))
            continue
        changed_rows: list[list[Cell]] = [
            [
                change.what,
                Text(
                    change.before or NOTHING,
                    change.before_visibility if change.before else Visibility.PERSON,
                ),
                Text(
                    change.after or NOTHING,
                    change.after_visibility if change.after else Visibility.PERSON,
                ),
            ]
            for change in changed
        ]
        story.append(grid(["What", "Before", "After"], changed_rows, [0.3, 0.35, 0.35], style))
    return story


def _closing(concern: Concern, style: OfficeStyles) -> list[Flowable]:
    if concern.closed_on is None and concern.closing_view is None and not concern.reopenings:
        return []
    words = words_for(None)
    rows: list[tuple[str, Cell]] = [
        ("Closed on", format_date(concern.closed_on, "en") if concern.closed_on else "Still open"),
        ("Result (SG2c)", words.choice(concern.action_result) if concern.action_result else None),
        ("Risk outcome", words.choice(concern.risk_outcome) if concern.risk_outcome else None),
        ("Why it was closed", Text.of(concern.close_reason) if concern.close_reason else None),
        (
            "Their view on closing",
            Text.of(concern.closing_view, quoted=True) if concern.closing_view else None,
        ),
    ]
    story: list[Flowable] = [
        HRFlowable(width="100%", thickness=1, color="#666666", spaceBefore=10, spaceAfter=0),
        para("Closing the concern", style.part),
        facts(rows, style),
    ]
    for reopening in concern.reopenings:
        earlier = [
            f"It had closed on {format_date(reopening.was_closed_on, 'en')}",
            *([f"Result then: {reopening.was_result.value}"] if reopening.was_result else []),
            *(
                [f"Risk outcome then: {reopening.was_risk_outcome.value}"]
                if reopening.was_risk_outcome
                else []
            ),
        ]
        story.append(style.heading(f"Reopened on {format_date(reopening.on, 'en')}"))
        story.append(facts([("Why", Text.of(reopening.reason)), ("Before", earlier)], style))
    return story
