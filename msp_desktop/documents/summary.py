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

from collections.abc import Sequence
from typing import Literal

from reportlab.platypus import Flowable, KeepTogether, Spacer

from msp_desktop.documents.bilingual import heading_pair, notice_lines, side_by_side
from msp_desktop.documents.layout import Format, Styles, picture_row, styles_for
from msp_desktop.documents.summary_sections import Point, Section, ServiceDetails, sections
from msp_desktop.i18n import Lang, Translator, translator
from msp_desktop.i18n.review import unattested
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
    words are printed as they said them in either. A Welsh copy using any Welsh not
    yet attested (grade C or D) has the English beside the Welsh (``bilingual``).
    ``neutral_title`` leaves the words "safeguarding" and "abuse" out of the title and
    the PDF metadata (the body never uses them). ``worker_name`` and the service's
    details are printed for contact.
    """
    fmt = Format(style)
    styles = styles_for(fmt)
    t = translator(lang).recording()
    title = _title(t, neutral_title)
    found = sections(person, concern, visit, t, worker_name, service)
    page_of = t.tr("Page {page} of {pages}", page="{page}", pages="{pages}")
    subject = t.tr("A summary of our conversation")
    if unattested(lang, t.heard or ()):
        en = translator("en")
        english = sections(person, concern, visit, en, worker_name, service)
        title_en = _title(en, neutral_title)
        story: list[Flowable] = [heading_pair(title, title_en, fmt, styles, title=True)]
        story += [_notice(t, en, fmt, styles), Spacer(1, styles.body.fontSize)]
        for welsh_section, english_section in zip(found, english, strict=True):
            story += _render(welsh_section, fmt, styles, english_section)
        title = f"{title} / {title_en}"
        subject = f"{subject} / {en.tr('A summary of our conversation')}"
        page_of += " · " + en.tr("Page {page} of {pages}", page="{page}", pages="{pages}")
    else:
        story = [para(title, styles.title)]
        for section in found:
            story += _render(section, fmt, styles)
    info = PdfInfo(
        title=title,
        author=service.name,
        subject=subject,
        lang=PDF_LANG[lang],
        footer=lambda page, pages: page_of.format(page=page, pages=pages),
        footer_size=styles.footer_size,
    )
    return build_pdf(story, info)


def _title(t: Translator, neutral: bool) -> str:
    # The only words of the documents that name safeguarding, and only in this title.
    if neutral:
        return t.tr("A summary of our conversation")
    return t.tr("Your safeguarding conversation")


def _notice(welsh: Translator, english: Translator, fmt: Format, styles: Styles) -> Flowable:
    return side_by_side(
        notice_lines(welsh),
        notice_lines(english),
        fmt,
        styles.body,
        styles,
        picture_name="help_to_read",
        boxed=True,
    )


def _point_row(point: Point, fmt: Format, styles: Styles, english: Point | None) -> list[Flowable]:
    def lines(of: Point) -> list[Flowable]:
        return [
            para(line, styles.body, bold=of.bold_first and number == 0)
            for number, line in enumerate(of.lines)
        ]

    if english is not None:
        row = side_by_side(
            point.lines,
            english.lines,
            fmt,
            styles.body,
            styles,
            bold_first=point.bold_first,
            picture_name=point.picture,
        )
        return [row]
    if fmt is Format.EASY_READ:
        return [picture_row(point.picture, lines(point), styles)]
    return lines(point)


def _render(
    section: Section, fmt: Format, styles: Styles, english: Section | None = None
) -> list[Flowable]:
    """``section`` as flowables; with ``english``, each point beside its English."""
    others: Sequence[Point | None] = english.points if english else [None] * len(section.points)
    rows: list[list[Flowable]] = []
    for point, other in zip(section.points, others, strict=True):
        row = _point_row(point, fmt, styles, other)
        if point.picture == "emergency" and rows:
            rows[-1] += row  # what to do in an emergency stays beside the plan it belongs to
        else:
            rows.append(row)
    if len(rows) > 2 and english is None:
        # A section never ends with one point alone at the top of a page. (Side by side
        # a point is a block of its own, its picture beside it in easy read, so it may.)
        rows = [*rows[:-2], rows[-2] + rows[-1]]
    if section.heading:
        # A heading stays with its first points (the first often only introduces
        # the rest), never alone at the foot of a page. KeepTogether is never nested:
        # reportlab 5 then breaks the page every time.
        # In easy read the rows are tall, so only the first travels with the heading.
        together = 1 if fmt is Format.EASY_READ else 2
        if english is not None:
            lead = [heading_pair(section.heading, english.heading, fmt, styles)]
        else:
            lead = [para(section.heading, styles.heading)]
        for row in rows[:together]:
            lead += row
        rows = [lead, *rows[together:]]
    return [KeepTogether(row) for row in rows]
