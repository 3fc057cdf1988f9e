"""The office's full record of a concern: everything, with third-party and internal text marked.

Unlike the person's copy this prints every field, found by walking the records, so a
field added to the model later is printed without a change here. Text that must stay
out of the person's copy is labelled in words ("[Third party]", "[Internal]") and
shaded, never marked by colour alone. English only: it is read by staff.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Table

from msp_desktop.documents.dates import format_date
from msp_desktop.documents.layout import Format, styles_for
from msp_desktop.documents.summary import PDF_LANG, ServiceDetails
from msp_desktop.guide.catalogue import guide_named
from msp_desktop.guide.findings import with_step_named
from msp_desktop.model import Concern, Note, Person, Visibility, Visit
from msp_desktop.pdf import FRAME_WIDTH, PdfInfo, build_pdf, page_numbers, para, table_style
from msp_desktop.practice import Finding, check_visit

__all__ = ["VisitRevision", "office_record"]

MARKS = {Visibility.THIRD_PARTY: "[Third party]", Visibility.INTERNAL: "[Internal]"}

# Plain-text fields that are about other people or are the worker's observations:
# marked like notes of that visibility although they are not Notes.
_FIELD_VISIBILITY = {
    "present": Visibility.THIRD_PARTY,
    "household": Visibility.THIRD_PARTY,
    "undue_influence": Visibility.INTERNAL,
}

_SHADE = colors.HexColor("#EEEEEE")


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


@dataclass(frozen=True, slots=True)
class _Row:
    label: str
    value: str
    visibility: Visibility = Visibility.PERSON


def office_record(
    person: Person,
    concern: Concern,
    visits_with_revisions: Sequence[VisitRevision],
    findings_by_visit: Mapping[str, Sequence[Finding]] | None = None,
    *,
    service: ServiceDetails | None = None,
) -> bytes:
    """The office record of ``concern`` as PDF bytes: every field of every record.

    ``visits_with_revisions`` holds every revision of every visit (any order); each
    visit prints its latest revision in full and, for earlier ones, who changed what,
    when and why. ``findings_by_visit`` maps a visit id to its practice findings; a
    visit missing from it is checked now with ``check_visit`` (and says so).
    ``service`` names the PDF's author.
    """
    styles = styles_for(Format.PLAIN)
    body = ParagraphStyle("OfficeBody", parent=styles.body, fontSize=10, leading=13, spaceAfter=0)
    # keepWithNext: a heading never ends a page without its table.
    heading = ParagraphStyle(
        "OfficeHeading", parent=styles.heading, fontSize=14, leading=18, keepWithNext=1
    )
    title = f"Office record: {person.name}"
    story: list[Flowable] = [
        para(title, styles.title),
        para(
            "Everything recorded, for the office. Text marked [Third party] or [Internal] "
            "never goes in the person's copy.",
            body,
        ),
        para("Person", heading),
        _table(list(_rows(person)), body),
        para("Concern", heading),
        _table(list(_rows(concern)), body),
    ]
    by_visit: dict[str, list[VisitRevision]] = {}
    for revision in visits_with_revisions:
        by_visit.setdefault(revision.visit.id, []).append(revision)
    findings = findings_by_visit or {}
    for revisions in by_visit.values():
        revisions.sort(key=lambda item: item.revision)
        story += _visit(revisions, concern, findings, body, heading)
    info = PdfInfo(
        title=title,
        author=service.name if service else "MSP Desktop",
        subject="Office record of a safeguarding concern",
        lang=PDF_LANG["en"],
        footer=page_numbers,
        footer_size=10,
        footer_note="Office record: contains third-party and internal information",
    )
    return build_pdf(story, info)


def _visit(
    revisions: list[VisitRevision],
    concern: Concern,
    findings_by_visit: Mapping[str, Sequence[Finding]],
    body: ParagraphStyle,
    heading: ParagraphStyle,
) -> list[Flowable]:
    latest = revisions[-1]
    visit = latest.visit
    when = format_date(visit.visit_date, "en") if visit.visit_date else "date not recorded"
    guide = f"{visit.guide_id or 'not recorded'}, version {visit.guide_version or 'not recorded'}"
    story: list[Flowable] = [
        para(f"Visit on {when}", heading),
        para(f"Conversation guide: {guide}", body),
    ]
    for revision in revisions:
        story.append(para(f"Revision {revision.revision}: {revision.status}", heading))
        story.append(_table(_revision_rows(revision), body))
    if visit.id in findings_by_visit:
        findings = list(findings_by_visit[visit.id])
        story.append(para("Practice findings", heading))
    else:
        findings = check_visit(visit, visit.stage or concern.stage, concern=concern)
        story.append(para("Practice findings (checked when this record was printed)", heading))
    findings = _steps_named(visit, concern, findings)
    finding_rows = [
        _Row(f"[{finding.severity.value.capitalize()}]", f"{finding.message} ({finding.where})")
        for finding in findings
    ]
    story.append(_table(finding_rows or [_Row("None", "No findings.")], body))
    story.append(para(f"Record (revision {latest.revision})", heading))
    story.append(_table(list(_rows(visit)), body))
    for before, after in itertools.pairwise(revisions):
        changes = _changes(before.visit, after.visit)
        story.append(para(f"Changed in revision {after.revision}", heading))
        story.append(_table(changes or [_Row("None", "No field changed.")], body))
    return story


def _steps_named(visit: Visit, concern: Concern, findings: list[Finding]) -> list[Finding]:
    # The practice rules name steps in their own words; a manager reads the titles of
    # the guide the visit was held with (unchanged when this app does not ship it).
    guide = guide_named(visit.guide_id)
    if guide is None:
        return findings
    stage = visit.stage or concern.stage
    return [with_step_named(guide, stage, finding) for finding in findings]


def _revision_rows(revision: VisitRevision) -> list[_Row]:
    values = {
        "Author": revision.author,
        "Created": revision.created_at,
        "Saved": revision.saved_at,
        "Reason for the change": revision.reason,
        "Finalised": revision.finalised_at,
        "Finalised by": revision.finalised_by,
    }
    return [_Row(label, value) for label, value in values.items() if value]


def _changes(before: Visit, after: Visit) -> list[_Row]:
    old = {row.label: row for row in _rows(before)}
    new = {row.label: row for row in _rows(after)}
    rows = []
    for label in [*old, *(key for key in new if key not in old)]:
        was, now = old.get(label), new.get(label)
        if was is None or now is None or was.value != now.value:
            text = f"was: {was.value if was else '(none)'}; now: {now.value if now else '(none)'}"
            either = now or was
            visibility = either.visibility if either else Visibility.PERSON
            rows.append(_Row(label, text, visibility))
    return rows


def _table(rows: list[_Row], body: ParagraphStyle) -> Flowable:
    bold = ParagraphStyle("OfficeLabel", parent=body, fontName=body.fontName)
    data = []
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
    ]
    for index, row in enumerate(rows):
        mark = MARKS.get(row.visibility)
        data.append([para(row.label, bold, bold=True), para(row.value, body, label=mark or "")])
        if mark:
            commands.append(("BACKGROUND", (0, index), (-1, index), _SHADE))
    if not data:
        return para("Nothing recorded.", body)
    table = Table(data, colWidths=[FRAME_WIDTH * 0.34, FRAME_WIDTH * 0.66], hAlign="LEFT")
    table.setStyle(table_style(commands))
    return table


def _label(path: list[str]) -> str:
    parts = [str(int(part) + 1) if part.isdigit() else part.replace("_", " ") for part in path]
    return " › ".join(parts).capitalize()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, enum.Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, date):
        return format_date(value, "en")
    return str(value)


def _rows(record: BaseModel) -> Iterator[_Row]:
    """Every recorded value of ``record`` as labelled rows, in declaration order."""
    yield from _walk([], record, Visibility.PERSON)


def _walk(path: list[str], value: Any, inherited: Visibility) -> Iterator[_Row]:
    if value is None or (isinstance(value, list | dict) and not value):
        return
    if path and path[-1] in _FIELD_VISIBILITY:
        inherited = _FIELD_VISIBILITY[path[-1]]
    if isinstance(value, Note):
        yield _Row(_label(path), value.text, value.visibility)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk([*path, name], getattr(value, name), inherited)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk([*path, _text(key)], item, inherited)
    elif isinstance(value, list) and all(not isinstance(i, BaseModel) for i in value):
        yield _Row(_label(path), ", ".join(_text(item) for item in value), inherited)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk([*path, str(index)], item, inherited)
    else:
        yield _Row(_label(path), _text(value), inherited)
