"""The person's own copy of a conversation: plain, large print or easy read; English or Welsh.

Safety first (docs/practice.md, "Giving the person a copy"): a copy may be read by the
person causing harm, so only text the worker left visible to the person goes in.
Third-party and internal notes, household members, who was present, where the visit
took place (free text that may name others) and anything about undue influence are
never read here at all: the summary is built from an allow-list of fields, not by
removing what is unsafe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.platypus import Flowable, KeepTogether

from msp_desktop.documents.dates import format_date
from msp_desktop.documents.layout import Format, Styles, picture_row, styles_for
from msp_desktop.i18n import Lang, Translator, translator
from msp_desktop.model import (
    ActionOwner,
    ActionStatus,
    Concern,
    ConcernStatus,
    Note,
    OutcomeStatus,
    Person,
    Stage,
    Visit,
)
from msp_desktop.pdf import PdfInfo, build_pdf, para

__all__ = ["PDF_LANG", "ServiceDetails", "person_summary"]

StyleName = Literal["plain", "large-print", "easy-read"]

PDF_LANG: dict[Lang, str] = {"en": "en-GB", "cy": "cy-GB"}
"""The language tag written into each PDF (the catalogue's /Lang entry)."""


@dataclass(frozen=True, slots=True)
class ServiceDetails:
    """The team the person can contact. ``name`` is also the PDF's author.

    When a neutral title is asked for, pass a neutral ``name`` too (for example
    "Adult Social Care" rather than "Adult Safeguarding Team"): it is printed as given.
    """

    name: str
    phone: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class _Point:
    """One easy-read point: a picture and its lines (the first may be bold)."""

    picture: str
    lines: tuple[str, ...]
    bold_first: bool = False


@dataclass(frozen=True, slots=True)
class _Section:
    heading: str
    points: tuple[_Point, ...]


def person_summary(
    person: Person,
    concern: Concern,
    visit: Visit,
    *,
    style: StyleName = "plain",
    lang: Lang = "en",
    neutral_title: bool = False,
    worker_name: str,
    service: ServiceDetails,
) -> bytes:
    """The person's copy of ``visit`` as PDF bytes (A4, fonts embedded, never on disk).

    ``style`` is "plain" (14 pt), "large-print" (18 pt everywhere) or "easy-read"
    (16 pt, a picture left of every point). ``lang`` is "en" or "cy"; the person's own
    words are printed as they said them in either. ``neutral_title`` leaves the words
    "safeguarding" and "abuse" out of the title and the PDF metadata (the body never
    uses them). ``worker_name`` and the service's details are printed for contact.
    """
    fmt = Format(style)
    styles = styles_for(fmt)
    t = translator(lang)
    neutral = t.tr("A summary of our conversation")
    # The only words of the documents that name safeguarding, and only in this title.
    title = neutral if neutral_title else t.tr("Your safeguarding conversation")
    story: list[Flowable] = [para(title, styles.title)]
    for section in _sections(person, concern, visit, t, worker_name, service):
        story += _render(section, fmt, styles)
    info = PdfInfo(
        title=title,
        author=service.name,
        subject=neutral,
        lang=PDF_LANG[lang],
        footer=lambda page, pages: t.tr("Page {page} of {pages}", page=page, pages=pages),
        footer_size=styles.footer_size,
    )
    return build_pdf(story, info)


def _visible(notes: Sequence[Note | None]) -> list[str]:
    return [note.text for note in notes if note is not None and note.visible_to_person]


def _quoted(text: str) -> str:
    # Quotation marks show these are the person's own words, kept exactly.
    return f"“{text}”"


def _sections(
    person: Person,
    concern: Concern,
    visit: Visit,
    t: Translator,
    worker_name: str,
    service: ServiceDetails,
) -> list[_Section]:
    intro = [_Point("person", (t.tr("Your name: {name}", name=person.display_name),))]
    if visit.visit_date is not None:
        day = format_date(visit.visit_date, t.lang)
        intro.append(_Point("calendar", (t.tr("Date of our conversation: {date}", date=day),)))
    intro.append(_Point("person", (t.tr("Your social worker: {name}", name=worker_name),)))
    intro.append(
        _Point("speech", (t.tr("This paper says what we talked about and what we agreed."),))
    )
    sections = [_Section("", tuple(intro))]

    wanted = [
        outcome.words
        for outcome in visit.desired_outcomes
        if outcome.status is not OutcomeStatus.NO_LONGER_WANTED
    ]
    outcome_words = [_quoted(text) for text in _visible(wanted)]
    matters = [_Point("speech", (t.tr("You told us what you want to happen."),))]
    matters += [_Point("speech", (text,)) for text in outcome_words]
    if not outcome_words:
        matters = [_Point("speech", (t.tr("We will ask you about this next time."),))]
    sections.append(_Section(t.tr("What matters to you"), tuple(matters)))
    for heading, notes in (
        (t.tr("What is working well"), visit.working_well),
        (t.tr("What is not working"), visit.not_working),
    ):
        said = _visible(notes)
        if said:
            points = tuple(_Point("speech", (_quoted(text),)) for text in said)
            sections.append(_Section(heading, points))

    agreed = [_Point("tick", (t.tr("Who will do what, and by when."),))]
    for action in visit.actions:
        if action.what is None or not action.what.visible_to_person:
            continue
        if action.status is ActionStatus.NO_LONGER_NEEDED:
            continue  # reviewed and dropped with the person: no longer part of the plan
        lines = [action.what.text]
        # Usually a professional or a service: professionals' names stay in; the worker
        # is named as on the rest of the copy.
        who = action.who or (worker_name if action.owner is ActionOwner.WORKER else None)
        if action.owner is ActionOwner.PERSON and not action.who:
            lines.append(t.tr("You will do this."))
        elif who:
            lines.append(t.tr("Who will do it: {who}", who=who))
        if action.by_when is not None:
            lines.append(t.tr("By when: {date}", date=format_date(action.by_when, t.lang)))
        if action.done:
            lines.append(t.tr("This is done."))
        agreed.append(_Point("tick", tuple(lines), bold_first=True))
    if len(agreed) == 1:
        agreed = [_Point("tick", (t.tr("We have not agreed any actions yet."),))]
    sections.append(_Section(t.tr("What we agreed"), tuple(agreed)))

    sections.append(_Section(t.tr("What happens next"), (_Point("next", _next_steps(concern, t)),)))

    contact = [
        _Point("person", (t.tr("Contact your social worker"), worker_name), bold_first=True),
    ]
    service_lines = [service.name, t.tr("Phone number: {phone}", phone=_one_line(service.phone))]
    if service.email:
        service_lines.append(t.tr("Email: {email}", email=service.email))
    contact.append(_Point("phone", tuple(service_lines), bold_first=True))
    contact.append(_Point("phone", (t.tr("Do you want help to read this? Phone us."),)))
    contact.append(_Point("phone", (t.tr("In an emergency, phone 999."),)))
    sections.append(_Section(t.tr("How to contact us"), tuple(contact)))
    return sections


def _one_line(phone: str) -> str:
    # A phone number must not break across lines (large-print rule L10).
    return phone.replace(" ", "\u00a0")


def _next_steps(concern: Concern, t: Translator) -> tuple[str, ...]:
    """Plain next steps for where the concern has got to."""
    if concern.status is ConcernStatus.CLOSED or concern.stage is Stage.END:
        return (
            t.tr("We have finished looking into your worry."),
            t.tr("We will ask you how it went for you."),
            t.tr("You can contact us again at any time."),
        )
    if concern.stage is Stage.MIDDLE:
        return (
            t.tr("We will check how things are going."),
            t.tr("We will ask if you still want the same things."),
            t.tr("We will do the things we agreed."),
        )
    return (
        t.tr("We will look into your worry."),
        t.tr("We will do the things we agreed."),
        t.tr("We will talk with you again soon."),
    )


def _render(section: _Section, fmt: Format, styles: Styles) -> list[Flowable]:
    rows: list[list[Flowable]] = []
    for point in section.points:
        lines = [
            para(line, styles.body, bold=point.bold_first and number == 0)
            for number, line in enumerate(point.lines)
        ]
        rows.append(
            [picture_row(point.picture, lines, styles)] if fmt is Format.EASY_READ else lines
        )
    if section.heading:
        # A heading stays with its first points (the first often only introduces
        # the rest), never alone at the foot of a page. KeepTogether is never nested:
        # reportlab 5 then breaks the page every time.
        # In easy read the rows are tall, so only the first travels with the heading.
        together = 1 if fmt is Format.EASY_READ else 2
        lead = [para(section.heading, styles.heading)]
        for row in rows[:together]:
            lead += row
        rows = [lead, *rows[together:]]
    return [KeepTogether(row) for row in rows]
