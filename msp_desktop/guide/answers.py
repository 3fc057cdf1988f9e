"""Reading and writing the answer to a guide question, without changing any record.

Records are frozen values, so writing an answer returns a new record with the change
made along the question's dotted path, validated like any new record (``revised``).
The UI keeps the latest value and the store saves it; nothing here does I/O.
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar

from pydantic import BaseModel

from msp_desktop.guide.fields import CONCERN_PREFIX, strip
from msp_desktop.guide.schema import AnswerKind, Question
from msp_desktop.model import Concern, RecordModel, Visit

__all__ = [
    "read_answer",
    "read_field",
    "with_answer",
    "with_concern_answer",
    "with_field",
]

_R = TypeVar("_R", bound=RecordModel)

_BLANK_IS_NONE = frozenset({AnswerKind.TEXT, AnswerKind.SHORT_TEXT})


def read_answer(visit: Visit, concern: Concern | None, question: Question) -> Any:
    """The current answer to ``question`` in ``visit`` (or ``concern`` for ``concern.*``).

    ``None`` means not answered (including a field inside a part of the record that
    is not there yet, or a concern field when no concern is given).
    """
    if question.field.startswith(CONCERN_PREFIX):
        if concern is None:
            return None
        return read_field(concern, question.field.removeprefix(CONCERN_PREFIX))
    return read_field(visit, question.field)


def with_answer(visit: Visit, question: Question, value: Any) -> Visit:
    """A copy of ``visit`` with ``value`` as the answer to ``question``.

    ``value`` is what the record takes (a ``Note`` or plain text for text answers,
    an enum member, a list of items...); blank text clears a text answer. Raises
    ``ValueError`` (pydantic's ``ValidationError``) when the visit would not be valid,
    e.g. an experience answer before who asked is recorded. Concern questions are
    answered with ``with_concern_answer``.
    """
    if question.field.startswith(CONCERN_PREFIX):
        raise ValueError(f"{question.field!r} is a field of the concern, not of the visit")
    return with_field(visit, question.field, _cleaned(question, value))


def with_concern_answer(concern: Concern, question: Question, value: Any) -> Concern:
    """A copy of ``concern`` with ``value`` as the answer to a ``concern.*`` question."""
    if not question.field.startswith(CONCERN_PREFIX):
        raise ValueError(f"{question.field!r} is a field of the visit, not of the concern")
    path = question.field.removeprefix(CONCERN_PREFIX)
    return with_field(concern, path, _cleaned(question, value))


def _cleaned(question: Question, value: Any) -> Any:
    # A cleared text box means "not answered", not an empty note (which is invalid).
    if question.kind in _BLANK_IS_NONE and isinstance(value, str) and not value.strip():
        return None
    return value


def read_field(record: BaseModel, path: str) -> Any:
    """The value at the dotted ``path`` inside ``record`` (``None`` where absent).

    Used for item fields too: ``read_field(risk, "positive_risk.understood")``, and a
    list's items are reached by their position: ``read_field(visit, "actions.0.who")``
    (``None`` past the end).
    """
    value: Any = record
    for part in path.split("."):
        if value is None:
            return None
        if isinstance(value, list):
            index = int(part)
            value = value[index] if index < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else getattr(value, part)
    return value


def with_field(record: _R, path: str, value: Any) -> _R:
    """A copy of ``record`` with ``value`` at the dotted ``path``, validated.

    A part of the record that is absent (``None``) is created to hold the value; a
    ``None`` value inside an absent part changes nothing. In a keyed set (e.g.
    ``principles.reflections.empowerment``) ``None`` removes the key.
    """
    head, _, rest = path.partition(".")
    if not rest:
        return record.revised(**{head: value})
    current = getattr(record, head)
    if isinstance(current, dict):
        if "." in rest:
            raise ValueError(f"{path!r} goes inside one answer of a keyed set")
        updated = {key: item for key, item in current.items() if _key_text(key) != rest}
        if value is not None:
            updated[rest] = value
        return record.revised(**{head: updated})
    if isinstance(current, RecordModel):
        return record.revised(**{head: with_field(current, rest, value)})
    if current is None:
        if value is None:
            return record
        return record.revised(**{head: _nested(_field_record(record, head), rest, value)})
    raise ValueError(f"{head!r} in {path!r} is a single answer")


def _key_text(key: Any) -> str:
    return str(key.value) if isinstance(key, enum.Enum) else str(key)


def _field_record(record: BaseModel, name: str) -> type[RecordModel]:
    annotation = strip(type(record).model_fields[name].annotation)
    if isinstance(annotation, type) and issubclass(annotation, RecordModel):
        return annotation
    raise ValueError(f"{name!r} is not a part of the record with fields of its own")


def _nested(record: type[RecordModel], path: str, value: Any) -> RecordModel:
    # Built from a plain mapping so the new part is validated whole (its required
    # fields included) exactly as if it had been typed in at once.
    data: Any = value
    for part in reversed(path.split(".")):
        data = {part: data}
    return record.model_validate(data)
