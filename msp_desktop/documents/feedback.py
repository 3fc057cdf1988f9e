"""The printed feedback form: the four experience questions in easy read.

Each answer is a row the person can point at or tick: picture, words, box. The
questions are printed word for word (``ExperienceQuestion.text``). A Welsh form is
Welsh throughout, the questions and the scale too: their Welsh is not yet signed off by
a translator (grades C and D, listed in docs/translation-review.md), and the office
counts the answers that come back on the Welsh form apart (its code says which form it
was).

The form goes back by post to the team's return address, not through the worker, so
the person can answer freely. It carries no name and nothing about what happened: only
a reference code (``model.feedback_code``) the office matches to the concern, printed
beside the return address and in every page's footer, so a page that comes apart from
the others can still be matched.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import (
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
from msp_desktop.model.feedback_code import reference_code
from msp_desktop.pdf import FRAME_WIDTH, PdfInfo, build_pdf, para, table_style

__all__ = ["feedback_form"]


def feedback_form(
    concern: Concern,
    *,
    lang: Lang = "en",
    service: ServiceDetails | None = None,
    return_address: str,
) -> bytes:
    """The feedback form for ``concern`` as PDF bytes (easy read, 16 pt, A4).

    Prints no name and nothing about what happened, so it can be filled in and posted
    back by anyone; the reference code lets the office match it to the concern.
    ``return_address`` (commas between its lines) is where it is posted; ``service``
    gives the phone number for answering by phone and the PDF's author.
    """
    styles = styles_for(Format.EASY_READ)
    t = translator(lang)
    code = reference_code(concern.id, lang)
    title = t.tr("Your feedback")
    story: list[Flowable] = [para(title, styles.title)]
    intro = [
        para(t.tr("Please tell us what you think about the help you got."), styles.body),
        para(t.tr("There are 4 questions."), styles.body),
        para(t.tr("Tick 1 box for each question."), styles.body),
        para(t.tr("You do not have to answer."), styles.body),
        para(t.tr("Your social worker will not see your answers."), styles.body),
    ]
    story.append(picture_row("question", intro, styles))
    for number, question in enumerate(ExperienceQuestion, start=1):
        story += _question(number, question, t, styles)
    box = Table([[""]], colWidths=[FRAME_WIDTH], rowHeights=[6 * cm])
    box.setStyle(table_style([("BOX", (0, 0), (-1, -1), 2, colors.black)]))
    # The box with its heading: never a heading at the foot of a page, the box overleaf.
    comments = [
        para(t.tr("Comments"), styles.heading),
        para(t.tr("Write anything else you want to tell us."), styles.body),
        box,
    ]
    story.append(KeepTogether(comments))
    story.append(Spacer(1, styles.body.fontSize))
    post = [para(t.tr("Put this form in the envelope and post it to:"), styles.body)]
    post += [para(line, styles.body, bold=True) for line in _lines(return_address)]
    post.append(para(t.tr("Your social worker will not see your answers."), styles.body))
    phone_back = [para(t.tr("Or phone us and tell us your answers."), styles.body)]
    if service is not None:
        phone_back.append(para(service.name, styles.body, bold=True))
        phone = service.phone.replace(" ", "\u00a0")
        phone_back.append(para(t.tr("Phone number: {phone}", phone=phone), styles.body))
    reference = [
        para(t.tr("Our reference: {ref}", ref=code), styles.body, bold=True),
        para(t.tr("The code does not say who you are."), styles.body),
    ]
    story.append(
        KeepTogether(
            [
                para(t.tr("How to send this back"), styles.heading),
                picture_row("next", post, styles),
                picture_row("phone", phone_back, styles),
                picture_row("question", reference, styles),
                para(t.tr("Thank you"), styles.heading),
            ]
        )
    )
    page_of = t.tr("Page {page} of {pages}", page="{page}", pages="{pages}")
    info = PdfInfo(
        title=title,
        author=service.name if service else "MSP Desktop",
        subject=title,
        lang=PDF_LANG[lang],
        # The code on every page: a page that comes apart from the rest still matches.
        footer=lambda page, pages: f"{page_of.format(page=page, pages=pages)}   {code}",
        footer_size=styles.footer_size,
    )
    return build_pdf(story, info)


def _lines(address: str) -> list[str]:
    """The address's lines: the parts between its commas."""
    return [part.strip() for part in address.split(",") if part.strip()]


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
                # Snug rows (the faces are 1.8 cm): in English question 1 then fits on
                # the first page with the introduction. Otherwise each question has a
                # page of its own, which easy-read forms do on purpose: one thing at a time.
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    # One question with its whole scale on one page: never a scale without its question.
    return [KeepTogether([heading, asked, scale])]


def _box(size: float) -> Flowable:
    return picture("tick_box", size)
