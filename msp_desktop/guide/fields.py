"""Where a guide's questions land in the record model, found from the model itself.

A question's ``field`` is a dotted path. It is resolved by walking pydantic's
``model_fields`` (through ``Optional``, ``Annotated`` and nested records, and through
the keys of a keyed set such as ``principles.reflections``), so a renamed model field
breaks the guide at load time, not in the middle of a visit.
"""

from __future__ import annotations

import enum
import re
import types
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

import msp_desktop.model as model
from msp_desktop.guide.schema import AnswerKind
from msp_desktop.model import Concern, Note, Visibility, Visit
from msp_desktop.model import labels as national_labels
from msp_desktop.model.base import RecordId

__all__ = [
    "CHOICE_LISTS",
    "CONCERN_PREFIX",
    "FieldTarget",
    "UnresolvedField",
    "choice_list",
    "default_visibility",
    "is_national",
    "item_record",
    "kinds_for",
    "resolve",
    "root_for",
    "strip",
]

CONCERN_PREFIX = "concern."
"""Paths starting with this name a field of the concern rather than of the visit."""

CHOICE_LISTS: dict[str, type[enum.Enum]] = {
    name: value
    for name in model.__all__
    if isinstance(value := getattr(model, name), type) and issubclass(value, enum.Enum)
}
"""The lists of choices a guide may name in ``choices``, by class name."""


def is_national(choices: type[enum.Enum]) -> bool:
    """Whether ``choices`` holds national labels, which are shown word for word."""
    return choices.__module__ == national_labels.__name__


class UnresolvedField(ValueError):
    """A path that does not name a field of the record; the message says why."""


@dataclass(frozen=True, slots=True)
class FieldTarget:
    """What a path resolved to: its type (with validators) and any key it ends in."""

    annotation: Any
    key: enum.Enum | None = None

    @property
    def base(self) -> Any:
        """The type without ``Optional`` and ``Annotated``."""
        return strip(self.annotation)

    @property
    def optional(self) -> bool:
        """Whether ``None`` is an allowed value (an unanswered question)."""
        return _allows_none(self.annotation) or self.key is not None


def root_for(path: str) -> tuple[type[BaseModel], str]:
    """The record a top-level path starts from, and the path within it."""
    if path.startswith(CONCERN_PREFIX):
        return Concern, path.removeprefix(CONCERN_PREFIX)
    return Visit, path


def strip(annotation: Any) -> Any:
    """``annotation`` without ``Annotated[...]`` and without ``| None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            others = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(others) == 1:
                annotation = others[0]
                continue
        return annotation


def _allows_none(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _allows_none(get_args(annotation)[0])
    return origin in (Union, types.UnionType) and type(None) in get_args(annotation)


def _with_metadata(info: FieldInfo) -> Any:
    # pydantic moves a top-level Annotated's validators into ``metadata``; put them
    # back so probing the type (default visibility) runs the same validators.
    if info.metadata:
        return Annotated[(info.annotation, *info.metadata)]
    return info.annotation


def _noun(record: type[BaseModel]) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", record.__name__).lower()
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


def resolve(record: type[BaseModel], path: str, shown_as: str | None = None) -> FieldTarget:
    """Resolve the dotted ``path`` against ``record``; ``UnresolvedField`` if it fails.

    ``shown_as`` is the path as the guide wrote it (with any ``concern.`` prefix), for
    the message.
    """
    shown = shown_as or path
    annotation: Any = record
    key: enum.Enum | None = None
    walked: list[str] = []
    for part in path.split("."):
        base = strip(annotation)
        if isinstance(base, type) and issubclass(base, BaseModel):
            info = base.model_fields.get(part)
            if info is None:
                raise UnresolvedField(f"{shown!r} is not a field of {_noun(record)}.")
            annotation, key = _with_metadata(info), None
        elif get_origin(base) is dict:
            key_type, value_type = get_args(base)
            try:
                key = key_type(part)
            except ValueError:
                options = ", ".join(str(member.value) for member in key_type)
                raise UnresolvedField(f"{part!r} in {shown!r} is not one of: {options}.") from None
            annotation = value_type
        elif get_origin(base) is list:
            raise UnresolvedField(
                f"{'.'.join(walked)!r} is a list: ask about its items with kind "
                "'repeating' and item_fields."
            )
        else:
            raise UnresolvedField(f"{'.'.join(walked)!r} in {shown!r} is a single answer.")
        walked.append(part)
    return FieldTarget(annotation, key)


def kinds_for(target: FieldTarget) -> set[AnswerKind]:
    """The answer kinds that can fill a field of this type (empty: none can)."""
    base = target.base
    if get_origin(base) is list:
        item = strip(get_args(base)[0])
        if get_args(base)[0] == RecordId:
            return {AnswerKind.OUTCOME_LINKS}
        return _list_kinds(item)
    if not isinstance(base, type):
        return set()
    if issubclass(base, Note):
        return {AnswerKind.TEXT}
    if issubclass(base, bool):
        return {AnswerKind.YES_NO}
    if issubclass(base, model.ExperienceAnswer):
        return {AnswerKind.SCALE, AnswerKind.CHOICE}
    if issubclass(base, enum.Enum):
        return {AnswerKind.CHOICE}
    if issubclass(base, date):
        return {AnswerKind.DATE}
    if issubclass(base, str):
        return {AnswerKind.SHORT_TEXT}
    if issubclass(base, BaseModel):
        return {AnswerKind.GROUP}
    return set()


def _list_kinds(item: Any) -> set[AnswerKind]:
    if not isinstance(item, type):
        return set()
    if issubclass(item, Note):
        return {AnswerKind.TEXT_LIST}
    if issubclass(item, enum.Enum):
        return {AnswerKind.MULTI_CHOICE}
    if issubclass(item, BaseModel):
        return {AnswerKind.REPEATING}
    if issubclass(item, str):
        return {AnswerKind.SHORT_TEXT_LIST}
    return set()


def choice_list(target: FieldTarget) -> type[enum.Enum] | None:
    """The enum a choice field holds (one value or a list of them), if any."""
    base = target.base
    if get_origin(base) is list:
        base = strip(get_args(base)[0])
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return base
    return None


def item_record(target: FieldTarget) -> type[BaseModel] | None:
    """The record of each item (repeating) or of the group, if the field holds one."""
    base = target.base
    if get_origin(base) is list:
        base = strip(get_args(base)[0])
    if isinstance(base, type) and issubclass(base, BaseModel):
        return base
    return None


def default_visibility(target: FieldTarget) -> Visibility:
    """Who may read text written into this field unless the worker marks it otherwise.

    Found by validating a probe text through the field's own type, so it is the very
    default the record applies (``PersonNote``, ``ThirdPartyNote``, ``InternalNote``).
    """
    base = target.base
    probe: Any = "probe"
    annotation = target.annotation
    if get_origin(base) is list:
        annotation = get_args(base)[0]
    note = TypeAdapter(annotation).validate_python(probe)
    assert isinstance(note, Note)
    return note.visibility
