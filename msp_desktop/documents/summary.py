"""The person's own copy of a conversation: plain, large print or easy read; English or Welsh.

Safety first (docs/practice.md, "Giving the person a copy"): a copy may be read by the
person causing harm, so only text the worker left visible to the person goes in.
Third-party and internal notes, household members, where the visit took place (free
text that may name others), the names of relatives and friends who were there (they
are said by role) and anything about undue influence are never read here at all: the
summary is built from an allow-list of fields, not by removing what is unsafe. What
each section says is in ``summary_sections``.
"""

from __future__ import annotations

from typing import Literal

from reportlab.platypus import Flowable, KeepTogether

from msp_desktop.documents.layout import Format, Styles, picture_row, styles_for
from msp_desktop.documents.summary_sections import Section, ServiceDetails, sections
from msp_desktop.i18n import Lang, translator
from msp_desktop.model import Concern, Person, Visit
from msp_desktop.pdf import PdfInfo, build_pdf, para

__all__ = ["PDF_LANG", "ServiceDetails", "person_summary"]

StyleName = Literal["plain", "large-print", "easy-read"]

PDF_LANG: dict[Lang, str] = {"en": "en-GB", "cy": "cy-GB"}
"""The language tag written into each PDF (the catalogue's /Lang entry)."""


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
    for section in sections(person, concern, visit, t, worker_name, service):
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


def _render(section: Section, fmt: Format, styles: Styles) -> list[Flowable]:
    rows: list[list[Flowable]] = []
    for point in section.points:
        lines = [
            para(line, styles.body, bold=point.bold_first and number == 0)
            for number, line in enumerate(point.lines)
        ]
        row = [picture_row(point.picture, lines, styles)] if fmt is Format.EASY_READ else lines
        if point.picture == "emergency" and rows:
            rows[-1] += row  # what to do in an emergency stays beside the plan it belongs to
        else:
            rows.append(row)
    if len(rows) > 2:
        # A section never ends with one point alone at the top of a page.
        rows = [*rows[:-2], rows[-2] + rows[-1]]
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
