"""Every person-facing string of the documents, in English and Welsh, in one place.

The Welsh comes from ``WELSH.md``: A/B terms are attested wording; C (composed from
attested parts) and D (unverified) strings are listed in ``docs/translation-review.md``
for a Welsh translator (``review_items`` gives the list). The person's own words are
never translated. Values are placed after a colon so no Welsh mutation depends on them.

Sentences stay within 15 words (easy-read rule E8), use "we" and "you", and no
contractions, acronyms or the words "safeguarding" or "abuse" except in ``title``.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Literal

from msp_desktop.documents.dates import format_date
from msp_desktop.model import ExperienceAnswer, ExperienceQuestion

__all__ = [
    "CY",
    "EN",
    "Lang",
    "ReviewItem",
    "answer_label",
    "check_catalogue",
    "format_date",
    "question_text",
    "review_items",
    "words",
]

Lang = Literal["en", "cy"]

EN: dict[str, str] = {
    "title": "Your safeguarding conversation",
    "title_neutral": "A summary of our conversation",
    "intro_name": "Your name: {name}",
    "intro_date": "Date of our conversation: {date}",
    "intro_worker": "Your social worker: {name}",
    "intro_paper": "This paper says what we talked about and what we agreed.",
    "h_matters": "What matters to you",
    "matters_intro": "You told us what you want to happen.",
    "matters_none": "We will ask you about this next time.",
    "h_working": "What is working well",
    "h_not_working": "What is not working",
    "h_agreed": "What we agreed",
    "agreed_intro": "Who will do what, and by when.",
    "agreed_none": "We have not agreed any actions yet.",
    "action_who": "Who will do it: {who}",
    "action_by": "By when: {date}",
    "action_done": "This is done.",
    "h_next": "What happens next",
    "next_beginning_1": "We will look into your worry.",
    "next_beginning_2": "We will do the things we agreed.",
    "next_beginning_3": "We will talk with you again soon.",
    "next_middle_1": "We will check how things are going.",
    "next_middle_2": "We will ask if you still want the same things.",
    "next_end_1": "We have finished looking into your worry.",
    "next_end_2": "We will ask you how it went for you.",
    "next_end_3": "You can contact us again at any time.",
    "h_contact": "How to contact us",
    "contact_worker": "Contact your social worker",
    "contact_phone": "Phone number: {phone}",
    "contact_email": "Email: {email}",
    "contact_help": "Do you want help to read this? Phone us.",
    "contact_emergency": "In an emergency, phone 999.",
    "page": "Page {page} of {pages}",
    "fb_title": "Your feedback",
    "fb_intro_1": "Please tell us what you think about the help you got.",
    "fb_intro_2": "There are 4 questions.",
    "fb_intro_3": "Tick 1 box for each question.",
    "fb_intro_4": "You do not have to answer.",
    "fb_question": "Question {number}",
    "fb_comments": "Comments",
    "fb_comments_hint": "Write anything else you want to tell us.",
    "fb_return_h": "How to give this back",
    "fb_return_1": "Give this form to the person who gave it to you.",
    "fb_return_2": "Or phone us and tell us your answers.",
    "fb_thanks": "Thank you",
    "fb_reference": "Our reference: {ref}",
}

# (Welsh, confidence and basis). Grades as in WELSH.md; "row n" cites its glossary table.
CY: dict[str, tuple[str, str]] = {
    "title": ("Eich sgwrs ddiogelu", "D: row 1 diogelu; the phrase is composed"),
    "title_neutral": ("Crynodeb o'n sgwrs", "C: row 33"),
    "intro_name": ("Eich enw: {name}", "C: pattern of row 24"),
    "intro_date": ("Dyddiad ein sgwrs: {date}", "C: pattern of row 34, row 32"),
    "intro_worker": ("Enw eich gweithiwr cymdeithasol: {name}", "B: row 24"),
    "intro_paper": (
        "Mae'r papur hwn yn dweud beth wnaethon ni siarad amdano a beth wnaethon ni gytuno.",
        "D: composed",
    ),
    "h_matters": ("Beth sy'n bwysig i chi", "C: row 6"),
    "matters_intro": (
        "Dywedoch chi wrthym beth hoffech chi iddo ddigwydd.",
        "D: row 7 is unverified",
    ),
    "matters_none": ("Byddwn yn gofyn i chi am hyn y tro nesaf.", "D: composed"),
    "h_working": ("Beth sy'n gweithio'n dda", "D: composed"),
    "h_not_working": ("Beth sydd ddim yn gweithio", "D: composed"),
    "h_agreed": ("Beth rydym wedi cytuno arno", "C: row 28"),
    "agreed_intro": ("Pwy fydd yn gwneud beth, ac erbyn pryd.", "D: row 29 with row 30"),
    "agreed_none": ("Nid ydym wedi cytuno ar unrhyw gamau eto.", "D: composed"),
    "action_who": ("Pwy fydd yn gwneud hyn: {who}", "D: pattern of row 29"),
    "action_by": ("Erbyn pryd: {date}", "B: row 30"),
    "action_done": ("Mae hyn wedi'i wneud.", "D: composed"),
    "h_next": ("Beth fydd yn digwydd nesaf", "B: row 27"),
    "next_beginning_1": ("Byddwn yn edrych ar eich pryder.", "D: composed"),
    "next_beginning_2": ("Byddwn yn gwneud y pethau y cytunwyd arnynt.", "C: row 28"),
    "next_beginning_3": ("Byddwn yn siarad gyda chi eto cyn bo hir.", "D: composed"),
    "next_middle_1": ("Byddwn yn gwirio sut mae pethau'n mynd.", "D: composed"),
    "next_middle_2": (
        "Byddwn yn gofyn a ydych chi'n dal i eisiau'r un pethau.",
        "D: composed",
    ),
    "next_end_1": ("Rydym wedi gorffen edrych ar eich pryder.", "D: composed"),
    "next_end_2": ("Byddwn yn gofyn i chi sut aeth pethau.", "D: composed"),
    "next_end_3": ("Gallwch gysylltu â ni eto unrhyw bryd.", "C: rows 25, 21 mutations"),
    "h_contact": ("Manylion cyswllt", "B: row 25"),
    "contact_worker": ("Cysylltwch â'ch gweithiwr cymdeithasol", "B: row 25"),
    "contact_phone": ("Rhif ffôn: {phone}", "B: row 26"),
    "contact_email": ("E-bost: {email}", "D: not in the glossary"),
    "contact_help": ("Ydych chi eisiau help i ddarllen hwn? Ffoniwch ni.", "D: composed"),
    "contact_emergency": ("Mewn argyfwng, ffoniwch 999.", "D: not in the glossary"),
    "page": ("Tudalen {page} o {pages}", "A: row 35"),
    "fb_title": ("Eich adborth", "C: row 51 with eich (formatting point 3)"),
    "fb_intro_1": (
        "Dywedwch wrthym beth rydych chi'n ei feddwl am yr help a gawsoch.",
        "D: composed",
    ),
    "fb_intro_2": ("Mae 4 cwestiwn.", "D: composed"),
    "fb_intro_3": ("Ticiwch 1 blwch ar gyfer pob cwestiwn.", "D: composed"),
    "fb_intro_4": ("Nid oes rhaid i chi ateb.", "D: formal register (formatting point 1)"),
    "fb_question": ("Cwestiwn {number}", "D: not in the glossary"),
    "fb_comments": ("Sylwadau", "B: row 50"),
    "fb_comments_hint": ("Ysgrifennwch unrhyw beth arall rydych chi eisiau ei ddweud.", "D"),
    "fb_return_h": ("Sut i roi hwn yn ôl", "D: composed"),
    "fb_return_1": (
        "Rhowch y ffurflen hon i'r person a'i rhoddodd i chi.",
        "D: formatting point 1 (y ffurflen hon)",
    ),
    "fb_return_2": ("Neu ffoniwch ni a dweud eich atebion.", "D: composed"),
    "fb_thanks": ("Diolch yn fawr", "A: row 52"),
    "fb_reference": ("Ein cyfeirnod: {ref}", "D: not in the glossary"),
}

# The experience questions and the answer scale are a measure: a Welsh wording that is
# not attested (A/B) could change what is measured, so those fall back to the exact
# English until a translator signs the proposal off (see docs/translation-review.md).
QUESTIONS_CY: dict[ExperienceQuestion, tuple[str, str]] = {
    ExperienceQuestion.UNDERSTOOD_WHY: (
        "A oeddech chi'n deall pam wnaeth pobl yr hyn a wnaethon nhw "
        "i geisio eich cadw chi'n ddiogel?",
        "C: rows 40, 15",
    ),
    ExperienceQuestion.LISTENED_TO: (
        "Ydych chi'n teimlo bod pobl yn gwrando arnoch chi mewn sgyrsiau a chyfarfodydd "
        "am eich helpu i deimlo'n ddiogel?",
        "D: row 41",
    ),
    ExperienceQuestion.HAPPY_WITH_RESULT: (
        "Pa mor fodlon ydych chi ar ganlyniad terfynol yr hyn a wnaeth pobl "
        "i'ch cadw chi'n ddiogel?",
        "C: rows 42, 8, 15",
    ),
    ExperienceQuestion.FEEL_SAFER: (
        "Ydych chi'n teimlo'n fwy diogel nawr oherwydd yr help gan bobl sy'n delio â'ch pryder?",
        "D: row 44 with a composed ending",
    ),
}

ANSWERS_CY: dict[ExperienceAnswer, tuple[str, str]] = {
    ExperienceAnswer.NOT_AT_ALL: ("Ddim o gwbl", "C: row 45 (weak)"),
    ExperienceAnswer.A_LITTLE: ("Ychydig", "C: row 46 (weak)"),
    ExperienceAnswer.QUITE_A_BIT: ("Cryn dipyn", "C: row 47 (weak)"),
    ExperienceAnswer.A_LOT: ("Llawer", "D: row 48"),
    ExperienceAnswer.PREFER_NOT_TO_SAY: ("Mae'n well gen i beidio â dweud", "B: row 49"),
}


def _attested(basis: str) -> bool:
    return basis[:1] in {"A", "B"}


def words(key: str, lang: Lang, **values: str) -> str:
    """The catalogue string ``key`` in ``lang`` with ``values`` filled in."""
    template = EN[key] if lang == "en" else CY[key][0]
    return template.format(**values)


def question_text(question: ExperienceQuestion, lang: Lang) -> str:
    """The question as printed: Welsh only where attested, else the exact English."""
    welsh, basis = QUESTIONS_CY[question]
    return welsh if lang == "cy" and _attested(basis) else question.text


def answer_label(answer: ExperienceAnswer, lang: Lang) -> str:
    """The answer's words as printed: Welsh only where attested, else the English label."""
    welsh, basis = ANSWERS_CY[answer]
    return welsh if lang == "cy" and _attested(basis) else answer.label


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def check_catalogue() -> list[str]:
    """Problems in the catalogue (different keys or placeholders per language); [] if none."""
    problems = [f"only in English: {key}" for key in EN.keys() - CY.keys()]
    problems += [f"only in Welsh: {key}" for key in CY.keys() - EN.keys()]
    for key in EN.keys() & CY.keys():
        if _fields(EN[key]) != _fields(CY[key][0]):
            problems.append(f"placeholders differ: {key}")
        if not re.match(r"^[ABCD]\b", CY[key][1]):
            problems.append(f"no confidence grade: {key}")
    for enum_type, table in ((ExperienceQuestion, QUESTIONS_CY), (ExperienceAnswer, ANSWERS_CY)):
        problems += [f"no Welsh for {item!r}" for item in enum_type if item not in table]
    return sorted(problems)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A Welsh string a translator must check before it ships."""

    key: str
    english: str
    welsh: str
    basis: str
    used: str


def review_items() -> list[ReviewItem]:
    """Every C/D Welsh string with its English, basis and how the documents use it."""
    items = [
        ReviewItem(key, EN[key], welsh, basis, "printed in Welsh documents")
        for key, (welsh, basis) in CY.items()
        if not _attested(basis)
    ]
    fallback = "not printed: the English is printed until this is signed off"
    items += [
        ReviewItem(f"question.{q.value}", q.text, welsh, basis, fallback)
        for q, (welsh, basis) in QUESTIONS_CY.items()
        if not _attested(basis)
    ]
    items += [
        ReviewItem(f"answer.{a.value}", a.label, welsh, basis, fallback)
        for a, (welsh, basis) in ANSWERS_CY.items()
        if not _attested(basis)
    ]
    return items
