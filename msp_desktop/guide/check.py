"""Checks of a guide against the record model and the practice rules.

The schema (``msp_desktop.guide.schema``) accepts any well-shaped file; these checks
make sure that every question can actually be answered into the record it names.
Each problem carries the *location* of the offending key as a path of keys and list
indexes (``("steps", 3, "questions", 1, "field")``), so the loader can name the line.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from msp_desktop.guide.fields import (
    CHOICE_LISTS,
    FieldTarget,
    UnresolvedField,
    choice_list,
    default_visibility,
    is_national,
    item_record,
    kinds_for,
    resolve,
    root_for,
)
from msp_desktop.guide.findings import FINDINGS
from msp_desktop.guide.schema import DEFAULT_LANGUAGE, AnswerKind, Guide, LocalText, Question
from msp_desktop.model import ExperienceQuestion

__all__ = ["Location", "Problem", "check_guide"]

Location = tuple[str | int, ...]

_TEXT_KINDS = frozenset({AnswerKind.TEXT, AnswerKind.TEXT_LIST})
_CHOICE_KINDS = frozenset({AnswerKind.CHOICE, AnswerKind.MULTI_CHOICE})
_ITEM_KINDS = frozenset({AnswerKind.REPEATING, AnswerKind.GROUP})


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a guide: where it is and a plain sentence saying what."""

    where: Location
    message: str


def check_guide(guide: Guide) -> list[Problem]:
    """Every problem found in ``guide``, in the order of the file (empty: it is fine)."""
    return list(_check(guide))


def _check(guide: Guide) -> Iterator[Problem]:
    if DEFAULT_LANGUAGE not in guide.languages:
        yield Problem(("languages",), f"the languages must include {DEFAULT_LANGUAGE!r}.")
    yield from _texts(guide, ("title",), guide.title)
    if guide.summary is not None:
        yield from _texts(guide, ("summary",), guide.summary)
    step_ids: set[str] = set()
    question_ids: set[str] = set()
    for s, step in enumerate(guide.steps):
        at: Location = ("steps", s)
        if step.id in step_ids:
            yield Problem((*at, "id"), f"the step id {step.id!r} is used more than once.")
        step_ids.add(step.id)
        yield from _texts(guide, (*at, "title"), step.title)
        yield from _texts(guide, (*at, "intro"), step.intro)
        for f, name in enumerate(step.findings):
            if name not in FINDINGS:
                known = ", ".join(sorted(FINDINGS))
                yield Problem(
                    (*at, "findings", f),
                    f"{name!r} is not a practice rule the app knows (known: {known}).",
                )
        for q, question in enumerate(step.questions):
            where: Location = (*at, "questions", q)
            if question.id in question_ids:
                yield Problem(
                    (*where, "id"), f"the question id {question.id!r} is used more than once."
                )
            question_ids.add(question.id)
            record, path = root_for(question.field)
            yield from _question(guide, where, question, record, path)


def _texts(guide: Guide, where: Location, text: LocalText) -> Iterator[Problem]:
    for language in text.by_language:
        if language not in guide.languages:
            yield Problem(
                (*where, language),
                f"the language {language!r} is not listed in the guide's languages.",
            )


def _question(
    guide: Guide, where: Location, question: Question, record: type[BaseModel], path: str
) -> Iterator[Problem]:
    yield from _texts(guide, (*where, "prompt"), question.prompt)
    for a, text in enumerate(question.also_ask):
        yield from _texts(guide, (*where, "also_ask", a), text)
    if question.help is not None:
        yield from _texts(guide, (*where, "help"), question.help)
    try:
        target = resolve(record, path, shown_as=question.field)
    except UnresolvedField as exc:
        yield Problem((*where, "field"), str(exc))
        return
    fits = kinds_for(target)
    if not fits:
        yield Problem(
            (*where, "field"),
            f"{question.field!r} holds several answers: bind each one on its own, "
            f"e.g. '{question.field}.<name>'.",
        )
        return
    if question.kind not in fits:
        wanted = " or ".join(repr(str(kind)) for kind in sorted(fits))
        yield Problem(
            (*where, "kind"),
            f"the kind {str(question.kind)!r} does not fit {question.field!r}; "
            f"the kind that fits is {wanted}.",
        )
        return
    yield from _visibility(where, question, target)
    yield from _choices(guide, where, question, target)
    yield from _scale(where, question, target)
    yield from _items(guide, where, question, target)


def _visibility(where: Location, question: Question, target: FieldTarget) -> Iterator[Problem]:
    if question.kind not in _TEXT_KINDS:
        if question.visibility is not None:
            yield Problem((*where, "visibility"), "only text answers have a visibility.")
        return
    default = default_visibility(target)
    if question.visibility is None:
        yield Problem(where, f"a text answer must say its visibility (here {str(default)!r}).")
    elif question.visibility is not default:
        yield Problem(
            (*where, "visibility"),
            f"the record keeps {question.field!r} as {str(default)!r} text by default, "
            f"not {str(question.visibility)!r}.",
        )


def _choices(
    guide: Guide, where: Location, question: Question, target: FieldTarget
) -> Iterator[Problem]:
    if question.kind not in _CHOICE_KINDS:
        for key in ("choices", "option_labels"):
            if getattr(question, key) is not None:
                yield Problem((*where, key), f"only choice questions have {key}.")
        return
    if question.choices is None:
        yield Problem(where, "a choice question must name its list of choices in 'choices'.")
        return
    named = CHOICE_LISTS.get(question.choices)
    if named is None:
        yield Problem(
            (*where, "choices"),
            f"{question.choices!r} is not a list of choices the app knows "
            "(for example SG4aAsked or RiskType).",
        )
        return
    held = choice_list(target)
    if named is not held:
        held_name = held.__name__ if held is not None else "no choices"
        yield Problem(
            (*where, "choices"),
            f"{question.field!r} holds {held_name}, not {question.choices}.",
        )
        return
    yield from _option_labels(guide, where, question, named)


def _option_labels(
    guide: Guide, where: Location, question: Question, choices: type[enum.Enum]
) -> Iterator[Problem]:
    labels = question.option_labels
    has_own_label = isinstance(getattr(choices, "label", None), property)
    if labels is None:
        if not is_national(choices) and not has_own_label:
            yield Problem(
                where, f"give the words for each of {choices.__name__} in 'option_labels'."
            )
        return
    at: Location = (*where, "option_labels")
    if is_national(choices):
        yield Problem(
            at,
            f"{choices.__name__} is a national list: its labels are used word for word "
            "and cannot be changed.",
        )
        return
    if has_own_label:
        yield Problem(at, f"{choices.__name__} has its own words in the app.")
        return
    values = [str(member.value) for member in choices]
    for key, text in labels.items():
        if key not in values:
            yield Problem((*at, key), f"{key!r} is not one of {choices.__name__}.")
        yield from _texts(guide, (*at, key), text)
    missing = [value for value in values if value not in labels]
    if missing:
        yield Problem(at, f"words are missing for: {', '.join(missing)}.")


def _scale(where: Location, question: Question, target: FieldTarget) -> Iterator[Problem]:
    if question.kind is not AnswerKind.SCALE:
        return
    if not isinstance(target.key, ExperienceQuestion):
        yield Problem(
            (*where, "field"),
            "a scale question answers one experience question, "
            "e.g. 'experience.answers.feel_safer'.",
        )
        return
    # The four questions are published wording: the guide may show them, never reword.
    if question.prompt.en != target.key.text:
        yield Problem(
            (*where, "prompt"),
            f"the prompt must be the experience question word for word: {target.key.text!r}.",
        )


def _items(
    guide: Guide, where: Location, question: Question, target: FieldTarget
) -> Iterator[Problem]:
    if question.kind not in _ITEM_KINDS:
        if question.item_fields:
            yield Problem((*where, "item_fields"), "only repeating questions have item_fields.")
        return
    record = item_record(target)
    assert record is not None  # kinds_for only allows these kinds for records
    if not question.item_fields:
        yield Problem(where, "a repeating question needs its item_fields.")
    seen: set[str] = set()
    for i, item in enumerate(question.item_fields):
        at: Location = (*where, "item_fields", i)
        if item.id in seen:
            yield Problem((*at, "id"), f"the item field id {item.id!r} is used more than once.")
        seen.add(item.id)
        yield from _question(guide, at, item, record, item.field)
