"""The printed feedback form: the four experience questions in easy read.

Each answer is a row the person can point at or tick: picture, words, box. The
questions are printed word for word (``ExperienceQuestion.text``); in Welsh only
attested wording is used, otherwise the exact English (see ``wording.question_text``).
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
from msp_desktop.documents.wording import Lang, answer_label, question_text, words
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
    title = words("fb_title", lang)
    story: list[Flowable] = [para(title, styles.title)]
    intro = [para(words(f"fb_intro_{n}", lang), styles.body) for n in (1, 2, 3, 4)]
    story.append(picture_row("question", intro, styles))
    for number, question in enumerate(ExperienceQuestion, start=1):
        story += _question(number, question, lang, styles)
    story.append(CondPageBreak(8 * cm))
    story.append(para(words("fb_comments", lang), styles.heading))
    story.append(para(words("fb_comments_hint", lang), styles.body))
    box = Table([[""]], colWidths=[FRAME_WIDTH], rowHeights=[6 * cm])
    box.setStyle(table_style([("BOX", (0, 0), (-1, -1), 2, colors.black)]))
    story.append(box)
    story.append(Spacer(1, styles.body.fontSize))
    back = [para(words("fb_return_1", lang), styles.body)]
    back.append(para(words("fb_return_2", lang), styles.body))
    if service is not None:
        back.append(para(service.name, styles.body, bold=True))
        phone = service.phone.replace(" ", "\u00a0")
        back.append(para(words("contact_phone", lang, phone=phone), styles.body))
    story.append(
        KeepTogether(
            [
                para(words("fb_return_h", lang), styles.heading),
                picture_row("phone", back, styles),
                para(words("fb_thanks", lang), styles.heading),
                para(words("fb_reference", lang, ref=concern.id[:8]), styles.body),
            ]
        )
    )
    info = PdfInfo(
        title=title,
        author=service.name if service else "MSP Desktop",
        subject=title,
        lang=PDF_LANG[lang],
        footer=lambda page, pages: words("page", lang, page=str(page), pages=str(pages)),
        footer_size=styles.footer_size,
    )
    return build_pdf(story, info)


def _question(
    number: int, question: ExperienceQuestion, lang: Lang, styles: Styles
) -> list[Flowable]:
    heading = para(words("fb_question", lang, number=str(number)), styles.heading)
    asked = picture_row("question", [para(question_text(question, lang), styles.body)], styles)
    size = 1.8 * cm
    rows = [
        [picture(answer.value, size), para(answer_label(answer, lang), styles.body), _box(size)]
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
