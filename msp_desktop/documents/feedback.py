"""The printed feedback form: the four experience questions in easy read.

Each answer is a row the person can point at or tick: picture, words, box. The
questions are printed word for word (``ExperienceQuestion.text``); in Welsh only
attested wording is used, otherwise the exact English: the Welsh catalogue holds the
unattested proposals as fuzzy entries, which are never used (see ``i18n.review``).
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Spacer,
    Table,
)

from msp_desktop.documents.layout import Format, Styles, picture_row, styles_for
from msp_desktop.documents.pictures import picture
from msp_desktop.documents.summary import PDF_LANG, ServiceDetails
from msp_desktop.i18n import Lang, Translator, translator
from msp_desktop.model import Concern, ExperienceAnswer, ExperienceQuestion
from msp_desktop.pdf import FRAME_WIDTH, PdfInfo, build_pdf, para, table_style

__all__ = ["feedback_form"]


def feedback_form(
    concern: Concern, *, lang: Lang = "en", service: ServiceDetails | None = None
) -> bytes:
    """The feedback form for ``concern`` as PDF bytes (easy read, 16 pt, A4).

    Prints no name and nothing about what happened, so it can be filled in and handed
    back by anyone; a short reference (the start of the concern id) lets the office
    match it. ``service`` gives the phone number for answering by phone and the PDF's
    author.
    """
    styles = styles_for(Format.EASY_READ)
    t = translator(lang)
    title = t.tr("Your feedback")
    story: list[Flowable] = [para(title, styles.title)]
    intro = [
        para(t.tr("Please tell us what you think about the help you got."), styles.body),
        para(t.tr("There are 4 questions."), styles.body),
        para(t.tr("Tick 1 box for each question."), styles.body),
        para(t.tr("You do not have to answer."), styles.body),
    ]
    story.append(picture_row("question", intro, styles))
    for number, question in enumerate(ExperienceQuestion, start=1):
        story += _question(number, question, t, styles)
    story.append(CondPageBreak(8 * cm))
    story.append(para(t.tr("Comments"), styles.heading))
    story.append(para(t.tr("Write anything else you want to tell us."), styles.body))
    box = Table([[""]], colWidths=[FRAME_WIDTH], rowHeights=[6 * cm])
    box.setStyle(table_style([("BOX", (0, 0), (-1, -1), 2, colors.black)]))
    story.append(box)
    story.append(Spacer(1, styles.body.fontSize))
    back = [para(t.tr("Give this form to the person who gave it to you."), styles.body)]
    back.append(para(t.tr("Or phone us and tell us your answers."), styles.body))
    if service is not None:
        back.append(para(service.name, styles.body, bold=True))
        phone = service.phone.replace(" ", "\u00a0")
        back.append(para(t.tr("Phone number: {phone}", phone=phone), styles.body))
    story.append(
        KeepTogether(
            [
                para(t.tr("How to give this back"), styles.heading),
                picture_row("phone", back, styles),
                para(t.tr("Thank you"), styles.heading),
                para(t.tr("Our reference: {ref}", ref=concern.id[:8]), styles.body),
            ]
        )
    )
    info = PdfInfo(
        title=title,
        author=service.name if service else "MSP Desktop",
        subject=title,
        lang=PDF_LANG[lang],
        footer=lambda page, pages: t.tr("Page {page} of {pages}", page=page, pages=pages),
        footer_size=styles.footer_size,
    )
    return build_pdf(story, info)


def _question(
    number: int, question: ExperienceQuestion, t: Translator, styles: Styles
) -> list[Flowable]:
    heading = para(t.tr("Question {number}", number=number), styles.heading)
    asked = picture_row("question", [para(t.tr_marked(question.text), styles.body)], styles)
    size = 1.8 * cm
    rows = [
        [picture(answer.value, size), para(t.tr_marked(answer.label), styles.body), _box(size)]
        for answer in ExperienceAnswer
    ]
    scale = Table(
        rows,
        colWidths=[size + 0.8 * cm, FRAME_WIDTH - 2 * size - 1.6 * cm, size + 0.8 * cm],
        hAlign="LEFT",
    )
    scale.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, -2), 0.75, colors.HexColor("#B0B0B0")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    # One question with its whole scale on one page: never a scale without its question.
    return [KeepTogether([heading, asked, scale])]


def _box(size: float) -> Flowable:
    return picture("tick_box", size)
