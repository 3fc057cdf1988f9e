"""Feedback forms posted back to the office: read the answers, match the code, record.

The person posts the printed feedback form to the team, not through their worker; the
office types in its reference code and the boxes ticked (``msp-office feedback
record CODE --answers ...``). The code is matched to a concern held here by working
out each concern's codes (``model.feedback_code``, one per language), so the form
names nobody and nothing had to travel with it.

``--answers`` is the four answers in the order of the form's questions (1 to 4),
separated by commas, each one of the scale's words written with hyphens
(``not-at-all``, ``a-little``, ``quite-a-bit``, ``a-lot``, ``prefer-not-to-say``) or
``blank`` for a question with no box ticked (or more than one). The form's comments
are free text that may name people: they are read and dealt with by the office, not
recorded here.

A wrong code, a form already recorded, or answers that cannot be read are refused in
one sentence, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from msp_desktop.errors import InvalidInput, KnownError, RecordNotFound
from msp_desktop.exit_codes import ExitCode
from msp_desktop.model import ExperienceAnswer, ExperienceQuestion
from msp_desktop.model.feedback_code import FormLang, normalise_code, reference_code
from msp_desktop.office.db.store import OfficeStore, ReturnedForm

__all__ = [
    "BLANK",
    "AlreadyRecorded",
    "Recorded",
    "answer_words",
    "parse_answers",
    "record_returned_form",
]

BLANK: Final = "blank"
LANG_NAMES: Final[dict[str, str]] = {"en": "English", "cy": "Welsh"}


class AlreadyRecorded(KnownError):
    """The form with this code has been recorded before."""

    exit_code = ExitCode.NOT_IN_THIS_STATE


def answer_words() -> list[str]:
    """The words ``--answers`` takes: the scale's, with hyphens, and ``blank``."""
    return [answer.value.replace("_", "-") for answer in ExperienceAnswer] + [BLANK]


def parse_answers(text: str) -> dict[str, str]:
    """``--answers`` as ``{question: answer}`` (values of the enums); a blank is left out.

    Refuses, in one sentence, anything but exactly one known word for each question.
    """
    words = [word.strip().lower() for word in text.split(",")]
    count = len(ExperienceQuestion)
    allowed = ", ".join(answer_words())
    if len(words) != count or not all(words):
        raise InvalidInput(
            f"Give {count} answers, one for each question in the order of the form, "
            f"separated by commas (each one of {allowed}); {len(words)} were given."
        )
    answers: dict[str, str] = {}
    for number, (question, word) in enumerate(zip(ExperienceQuestion, words, strict=True), 1):
        if word == BLANK:
            continue
        value = word.replace("-", "_")
        if value not in {answer.value for answer in ExperienceAnswer}:
            raise InvalidInput(
                f"The answer to question {number}, {word!r}, is not one of the form's: "
                f"use one of {allowed}."
            )
        answers[question.value] = value
    return answers


@dataclass(frozen=True)
class Recorded:
    """What ``record_returned_form`` recorded."""

    form: ReturnedForm

    @property
    def language(self) -> str:
        """English or Welsh: the form's language."""
        return LANG_NAMES[self.form.lang]

    @property
    def answered(self) -> int:
        """How many of the four questions were answered."""
        return len(self.form.answers)


def _match(store: OfficeStore, code: str) -> tuple[str, FormLang]:
    """The concern and language whose form carries ``code``."""
    langs: tuple[FormLang, ...] = ("en", "cy")
    found = [
        (str(record["id"]), lang)
        for record in store.current_records("concern")
        for lang in langs
        if reference_code(str(record["id"]), lang) == code
    ]
    if not found:
        raise RecordNotFound(
            f"No concern held at this office has the reference {code}: check the code on "
            "the form, and that the worker's records have been imported; nothing was recorded."
        )
    if len(found) > 1:  # two concerns whose codes collide: 1 in 8 * 10^11 per pair
        raise InvalidInput(
            f"The reference {code} fits more than one concern at this office, so the form "
            "cannot be matched; nothing was recorded."
        )
    return found[0]


def record_returned_form(store: OfficeStore, code: str, answers: str, *, now: str) -> Recorded:
    """Record the returned form ``code`` with ``answers`` (the ``--answers`` text).

    Checks everything before writing: the answers, the code's shape, its concern, and
    that it is not recorded yet. Raises ``InvalidInput``, ``RecordNotFound`` or
    ``AlreadyRecorded`` with one sentence, and then nothing is written.
    """
    parsed = parse_answers(answers)
    code = normalise_code(code)
    concern_id, lang = _match(store, code)
    form = ReturnedForm(code, concern_id, lang, parsed, now)
    if not store.add_returned_form(form):
        earlier = next((f for f in store.returned_forms() if f.code == code), None)
        when = f" on {earlier.recorded_at[:10]}" if earlier else ""
        raise AlreadyRecorded(
            f"The feedback form {code} was already recorded{when}; a form is recorded "
            "once, so nothing changed."
        )
    return Recorded(form)
