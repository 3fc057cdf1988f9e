"""The app's own choices: stable snake_case values stored in records.

Unlike ``labels`` (national wording), these values are identifiers. Words shown to a
person come from properties (``label``, ``text``, ``i_statement``) so the stored value
never changes when the wording is improved or translated.
"""

from __future__ import annotations

import enum

from msp_desktop.i18n import N_, Message


class Stage(enum.StrEnum):
    """Where a concern is in the MSP conversation: asked, reviewed, closed."""

    BEGINNING = "beginning"
    MIDDLE = "middle"
    END = "end"


class ConcernStatus(enum.StrEnum):
    """Whether a safeguarding concern is still being worked on."""

    OPEN = "open"
    CLOSED = "closed"


class Visibility(enum.StrEnum):
    """Who may read a piece of free text.

    ``PERSON`` text may appear in the person's own copy. ``THIRD_PARTY`` text is about
    other people (family, the person alleged to cause harm) and is left out of the
    person's copy by default. ``INTERNAL`` text (the worker's analysis) never is.
    """

    PERSON = "person"
    THIRD_PARTY = "third_party"
    INTERNAL = "internal"


class CapacityStatus(enum.StrEnum):
    """The outcome of the two-stage MCA test for one specific decision."""

    NOT_ASSESSED = "not_assessed"
    HAS_CAPACITY = "has_capacity"
    LACKS_CAPACITY = "lacks_capacity"


class SubstantialDifficultyArea(enum.StrEnum):
    """The four Care Act areas in which a person may have substantial difficulty."""

    UNDERSTANDING = "understanding"
    RETAINING = "retaining"
    USING_OR_WEIGHING = "using_or_weighing"
    COMMUNICATING = "communicating"


class AdvocateType(enum.StrEnum):
    """Who supports the person to take part.

    The record keeps a Care Act advocate apart from an IMCA even though the national
    return does not: the duties that require them differ.
    """

    CARE_ACT_ADVOCATE = "care_act_advocate"
    IMCA = "imca"
    FAMILY = "family"
    FRIEND = "friend"
    OTHER = "other"


class AdvocateStatus(enum.StrEnum):
    """Where an offer of advocacy has got to."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REFERRED = "referred"
    IN_PLACE = "in_place"


class UndueInfluenceIndicator(enum.StrEnum):
    """Signs that a choice may not be the person's own."""

    SOMEONE_ELSE_ANSWERS = "someone_else_answers"
    SEEMS_FEARFUL = "seems_fearful"
    CHANGES_VIEW_WHEN_OTHER_PRESENT = "changes_view_when_other_present"
    FINANCIAL_DEPENDENCY = "financial_dependency"
    ISOLATION = "isolation"


class OutcomeStatus(enum.StrEnum):
    """Where one desired outcome stands when it is reviewed over the concern.

    A newly expressed outcome has no status yet (``None``): nobody has reviewed it, and
    a review is never answered for the worker. ``CHANGED`` means
    the person now wants something different (the new words are the outcome's words;
    the review history keeps the change). ``ACHIEVED`` may be noted at any review; the
    national rating (``OutcomeAchieved``) is still given at the end, on the outcome.
    """

    STILL_WANTED = "still_wanted"
    CHANGED = "changed"
    NO_LONGER_WANTED = "no_longer_wanted"
    ACHIEVED = "achieved"


class ExperienceQuestion(enum.StrEnum):
    """The four questions about the person's experience, asked at the end."""

    UNDERSTOOD_WHY = "understood_why"
    LISTENED_TO = "listened_to"
    HAPPY_WITH_RESULT = "happy_with_result"
    FEEL_SAFER = "feel_safer"

    @property
    def text(self) -> Message:
        """The question as the person is asked it, word for word (``tr_marked`` translates)."""
        return _EXPERIENCE_QUESTION_TEXT[self]


_EXPERIENCE_QUESTION_TEXT: dict[ExperienceQuestion, Message] = {
    ExperienceQuestion.UNDERSTOOD_WHY: N_(
        "Did you understand why people did what they did to try and keep you safe?"
    ),
    ExperienceQuestion.LISTENED_TO: N_(
        "Do you feel listened to during conversations and meetings with people about "
        "helping you feel safe?"
    ),
    ExperienceQuestion.HAPPY_WITH_RESULT: N_(
        "How happy are you with the end result of what people did to keep you safe?"
    ),
    ExperienceQuestion.FEEL_SAFER: N_(
        "Do you feel safer now because of the help from people dealing with your concern?"
    ),
}


class ExperienceAnswer(enum.StrEnum):
    """A point on the answer scale the person can point at."""

    NOT_AT_ALL = "not_at_all"
    A_LITTLE = "a_little"
    QUITE_A_BIT = "quite_a_bit"
    A_LOT = "a_lot"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"

    @property
    def label(self) -> Message:
        """The words shown beside the picture (``tr_marked`` translates them)."""
        return _EXPERIENCE_ANSWER_LABEL[self]


_EXPERIENCE_ANSWER_LABEL: dict[ExperienceAnswer, Message] = {
    ExperienceAnswer.NOT_AT_ALL: N_("Not at all"),
    ExperienceAnswer.A_LITTLE: N_("A little"),
    ExperienceAnswer.QUITE_A_BIT: N_("Quite a bit"),
    ExperienceAnswer.A_LOT: N_("A lot"),
    ExperienceAnswer.PREFER_NOT_TO_SAY: N_("Prefer not to say"),
}


class AskedBy(enum.StrEnum):
    """Who asked the experience questions; answers to the lead worker can be biased."""

    LEAD_WORKER = "lead_worker"
    INDEPENDENT = "independent"


class Principle(enum.StrEnum):
    """The six safeguarding principles, each shown as the person's "I statement"."""

    EMPOWERMENT = "empowerment"
    PREVENTION = "prevention"
    PROPORTIONALITY = "proportionality"
    PROTECTION = "protection"
    PARTNERSHIP = "partnership"
    ACCOUNTABILITY = "accountability"

    @property
    def label(self) -> str:
        """The principle's name, capitalised for display."""
        return self.value.capitalize()

    @property
    def i_statement(self) -> str:
        """The principle in the person's words, exactly as published."""
        return _I_STATEMENTS[self]


_I_STATEMENTS: dict[Principle, str] = {
    Principle.EMPOWERMENT: "I am asked what I want and this directly informs what happens.",
    Principle.PREVENTION: "I get help before harm happens.",
    Principle.PROPORTIONALITY: "I am sure the response is the least intrusive for the risk.",
    Principle.PROTECTION: "I get help and support to report abuse and to take part.",
    Principle.PARTNERSHIP: "Services work together, and with my community, to help me.",
    Principle.ACCOUNTABILITY: "I understand the role of everyone involved in my life.",
}


class CommunicationNeed(enum.StrEnum):
    """Support the person needs to take part in the conversation."""

    INTERPRETER = "interpreter"
    BSL = "bsl"
    EASY_READ = "easy_read"
    LARGE_PRINT = "large_print"
    HEARING = "hearing"
    SIGHT = "sight"


class Language(enum.StrEnum):
    """The person's preferred language (Welsh at least, as the practice requires)."""

    EN = "en"
    CY = "cy"
    OTHER = "other"


class CopyFormat(enum.StrEnum):
    """How the person prefers their written copies laid out."""

    PLAIN = "plain"
    LARGE_PRINT = "large-print"
    EASY_READ = "easy-read"


class ActionStatus(enum.StrEnum):
    """Where an agreed action stands. New actions are open; a review moves them on."""

    OPEN = "open"
    DONE = "done"
    NOT_DONE = "not_done"
    NO_LONGER_NEEDED = "no_longer_needed"


class ActionOwner(enum.StrEnum):
    """Who an agreed action belongs to: the worker, the person, or someone named."""

    WORKER = "worker"
    PERSON = "person"
    SOMEONE_ELSE = "someone_else"


class ContactKind(enum.StrEnum):
    """How a contact between visits happened."""

    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    MEETING = "meeting"


class PresentRole(enum.StrEnum):
    """Why someone other than the worker was in the room."""

    FAMILY = "family"
    FRIEND = "friend"
    CARER = "carer"
    ADVOCATE = "advocate"
    INTERPRETER = "interpreter"
    PROFESSIONAL = "professional"
    OTHER = "other"


class NotHeldReason(enum.StrEnum):
    """Why a planned visit did not happen."""

    NO_ACCESS = "no_access"
    DECLINED = "declined"
    NOT_SAFE = "not_safe"
    NOT_THERE = "not_there"


class ConsentDecision(enum.StrEnum):
    """The person's decision about information about them being shared."""

    YES = "yes"
    NO = "no"
    PARTLY = "partly"


class ShareBasis(enum.StrEnum):
    """The usual grounds for sharing without consent (information-sharing advice)."""

    RISK_TO_PERSON = "risk_to_person"
    RISK_TO_OTHERS = "risk_to_others"
    CRIME = "crime"
    LEGAL_DUTY = "legal_duty"
    VITAL_INTERESTS = "vital_interests"
    OTHER = "other"


class RiskSeriousness(enum.StrEnum):
    """How serious a risk is, as the worker and the person judge it together."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class PlanReview(enum.StrEnum):
    """The answer when part of the plan is shown again at the next visit."""

    SAME = "same"
    CHANGED = "changed"
    NO_LONGER_APPLIES = "no_longer_applies"
