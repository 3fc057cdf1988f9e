"""The shape of a conversation guide: steps, questions and their answer kinds.

A guide is data a practice lead edits (``resources/guides/*.toml``); these models say
what the file may contain. They check the *shape* only (keys, types, stages); whether
each question fits the record model is checked afterwards by ``msp_desktop.guide.check``,
so the error can say which line of the file is wrong.

Every text a person reads is a ``LocalText``: in the file either a plain string (the
English text) or a table by language, ``{ en = "...", cy = "..." }``. Plain strings
keep the file easy to read now; the table form lets a Welsh translation be added
later without changing the schema.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from msp_desktop.model import Stage, Visibility

__all__ = [
    "DEFAULT_LANGUAGE",
    "AnswerKind",
    "Guide",
    "GuideModel",
    "GuideText",
    "LocalText",
    "Question",
    "Step",
]

DEFAULT_LANGUAGE = "en"
"""Every text has this language; any other is optional and falls back to it."""

_ID = r"^[a-z][a-z0-9_-]{0,63}$"
_FIELD_PATH = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
# Semantic versioning (major.minor.patch, optional pre-release), so a stored visit can
# say exactly which wording it was recorded with.
_SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$"


class GuideModel(BaseModel):
    """Base of the guide models: values, and strict about unknown keys.

    A misspelt key in a practice lead's file (``promt``) must be an error, not a
    question silently without its wording.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AnswerKind(enum.StrEnum):
    """How a question is answered, and so which type of record field it may fill."""

    TEXT = "text"
    """Free text with a visibility (a ``Note``)."""
    TEXT_LIST = "text_list"
    """Several separate pieces of free text (a list of ``Note``), e.g. strengths."""
    YES_NO = "yes_no"
    """Yes, no or not answered yet (``bool | None``)."""
    CHOICE = "choice"
    """One value of a named list of choices (an enum)."""
    MULTI_CHOICE = "multi_choice"
    """Any number of values of a named list of choices (a list of an enum)."""
    DATE = "date"
    """A calendar date."""
    SHORT_TEXT = "short_text"
    """A short plain value such as a name or a place (no visibility)."""
    SHORT_TEXT_LIST = "short_text_list"
    """Several short plain values, e.g. the names of the people present."""
    REPEATING = "repeating"
    """A list of items (outcomes, risks, actions...), each answered by ``item_fields``."""
    GROUP = "group"
    """One optional record answered together by ``item_fields`` (e.g. a positive risk
    decision, whose parts are all required, so they cannot be saved one at a time)."""
    OUTCOME_LINKS = "outcome_links"
    """The person's desired outcomes an item serves (a list of outcome ids)."""
    SCALE = "scale"
    """One experience question answered on the picture scale (``ExperienceAnswer``)."""


def _text_by_language(value: Any) -> Any:
    # A plain string is the English text; a table is already by language.
    if isinstance(value, str):
        return {"by_language": {DEFAULT_LANGUAGE: value}}
    if isinstance(value, dict) and "by_language" not in value:
        return {"by_language": value}
    return value


class LocalText(GuideModel):
    """Text for people to read, by language code; English is always there."""

    by_language: dict[str, Annotated[str, Field(min_length=1)]]

    @field_validator("by_language")
    @classmethod
    def _has_default_language(cls, value: dict[str, str]) -> dict[str, str]:
        if DEFAULT_LANGUAGE not in value:
            raise ValueError(f"the text needs an {DEFAULT_LANGUAGE!r} version")
        return value

    def __str__(self) -> str:
        return self.by_language[DEFAULT_LANGUAGE]

    def in_language(self, language: str) -> str:
        """The text in ``language``, or in English where it is not translated yet."""
        return self.by_language.get(language, self.by_language[DEFAULT_LANGUAGE])

    @property
    def en(self) -> str:
        """The English text (always present)."""
        return self.by_language[DEFAULT_LANGUAGE]


GuideText = Annotated[LocalText, BeforeValidator(_text_by_language)]
"""A ``LocalText`` as written in the file: ``"..."`` or ``{ en = "...", cy = "..." }``."""

Condition = Annotated[str, Field(min_length=1, max_length=2000)]
"""A condition as written in the file (checked by ``msp_desktop.guide.condition_check``)."""

Voice = Literal["ask", "record"]
"""Whose words a prompt is: said to the person (``ask``, in the second person) or what
the worker records (``record``, in the worker's own voice); the two are styled apart."""

CheckSeverity = Literal["required", "warning"]
"""Whether a failed ``check`` stops finalising (``required``) or only warns."""


class Question(GuideModel):
    """One question of a step, bound to one field of the record.

    ``field`` is a dotted path into ``Visit`` (``"support_to_decide.capacity"``), into
    the concern for closing fields (``"concern.risk_outcome"``), or, inside
    ``item_fields``, into the item (``"risk_type"``). Keys of a keyed set of answers
    are path parts too (``"principles.reflections.empowerment"``).
    """

    id: Annotated[str, Field(pattern=_ID)]
    prompt: GuideText
    also_ask: tuple[GuideText, ...] = ()
    help: GuideText | None = None
    kind: AnswerKind
    field: Annotated[str, Field(pattern=_FIELD_PATH)]
    # Required for text kinds: stated in the guide so the practice lead sees who can
    # read the answer, and checked against the record so the two cannot disagree.
    visibility: Visibility | None = None
    choices: str | None = None
    option_labels: dict[str, GuideText] | None = None
    item_fields: tuple[Question, ...] = ()
    # False where the step looks at items recorded earlier (reviewing or rating the
    # person's outcomes) rather than collecting new ones.
    new_items: bool = True
    read_only: bool = False
    voice: Voice = "record"
    # Conditions in the guide's condition language (docs/guide-conditions.md), checked
    # when the guide loads: shown only when ``show_if`` holds (XForms ``relevant``),
    # needed before finalising when ``required_if`` holds (``required``), and its
    # answer must satisfy ``check`` or ``check_message`` is shown (``constraint``).
    show_if: Condition | None = None
    required_if: Condition | None = None
    check: Condition | None = None
    check_message: GuideText | None = None
    check_severity: CheckSeverity = "required"

    def label_for(self, value: enum.Enum, language: str = DEFAULT_LANGUAGE) -> str:
        """The words shown for one of this question's choices.

        National labels are the enum values, word for word; the app's own choices use
        their ``label`` property or, failing that, this question's ``option_labels``.
        """
        if self.option_labels is not None and str(value.value) in self.option_labels:
            return self.option_labels[str(value.value)].in_language(language)
        label = getattr(value, "label", None)
        return label if isinstance(label, str) else str(value.value)


class Step(GuideModel):
    """One step of the conversation, shown at the concern stages it lists."""

    id: Annotated[str, Field(pattern=_ID)]
    title: GuideText
    intro: GuideText
    stages: Annotated[tuple[Stage, ...], Field(min_length=1)]
    questions: tuple[Question, ...] = ()
    # Names of practice rules whose findings are shown on this step (see
    # ``msp_desktop.guide.findings.FINDINGS``).
    findings: tuple[str, ...] = ()
    # For a step, ``required_if`` asks for at least one answer on it, and ``check`` is
    # tested whenever the step is shown.
    # Conditions in the guide's condition language (docs/guide-conditions.md), checked
    # when the guide loads: shown only when ``show_if`` holds (XForms ``relevant``),
    # needed before finalising when ``required_if`` holds (``required``), and its
    # answer must satisfy ``check`` or ``check_message`` is shown (``constraint``).
    show_if: Condition | None = None
    required_if: Condition | None = None
    check: Condition | None = None
    check_message: GuideText | None = None
    check_severity: CheckSeverity = "required"

    def shown_at(self, stage: Stage) -> bool:
        """Whether this step is part of a visit at ``stage``."""
        return stage in self.stages


class Guide(GuideModel):
    """A whole conversation guide, with its steps in the order they are walked."""

    id: Annotated[str, Field(pattern=_ID)]
    version: Annotated[str, Field(pattern=_SEMVER)]
    title: GuideText
    # One sentence shown when a worker chooses which guide to hold a visit with.
    summary: GuideText | None = None
    languages: Annotated[tuple[str, ...], Field(min_length=1)]
    steps: Annotated[tuple[Step, ...], Field(min_length=1)]

    @property
    def ref(self) -> tuple[str, str]:
        """``(id, version)``: stored on every visit as ``guide_id`` / ``guide_version``."""
        return (self.id, self.version)

    def steps_for(self, stage: Stage) -> list[Step]:
        """The steps of a visit at ``stage``, in order."""
        return [step for step in self.steps if step.shown_at(stage)]

    def step(self, step_id: str) -> Step:
        """The step with ``step_id``; ``KeyError`` when there is none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def question(self, question_id: str) -> Question:
        """The (top-level) question with ``question_id``; ``KeyError`` when none."""
        for step in self.steps:
            for question in step.questions:
                if question.id == question_id:
                    return question
        raise KeyError(question_id)
