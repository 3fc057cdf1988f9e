"""Shared building blocks for every record: configuration, ids and field types."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence
from datetime import date
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
)

from msp_desktop.calendar_day import council_today

__all__ = [
    "TODAY",
    "NotFutureDate",
    "OptionalShortText",
    "RecordId",
    "RecordModel",
    "ShortText",
    "UniqueList",
    "blank_to_none",
    "new_id",
]

_H = TypeVar("_H", bound=Hashable)


class RecordModel(BaseModel):
    """Base of every record value.

    Records are values: frozen (change one with ``revised(...)``) and strict
    about unknown fields, so a typo or a field from a newer app version is an error
    rather than silently lost data.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    def revised(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied, validated like a new record.

        Prefer this to ``model_copy(update=...)``, which skips validation and so could
        produce a record the rules forbid (e.g. a risk outcome without action taken).
        """
        return self.model_validate({**dict(self), **changes})


def new_id() -> str:
    """A fresh record id: random UUID4 text, so devices never need to coordinate."""
    return str(uuid.uuid4())


# Loose on purpose: uuid4 text is what we create, but ids from fixtures or the office
# only need to be safe to put in paths and file names.
RecordId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
]


TODAY = "today"
"""The validation context key that says which day is "today" for ``NotFutureDate``:
``Model.model_validate(data, context={TODAY: day})``. The office passes its own day
(with its grace); without it the council's calendar day is used (``council_today``),
never the machine's own time zone."""


def _not_in_future(value: date, info: ValidationInfo) -> date:
    context = info.context
    today = context.get(TODAY) if isinstance(context, dict) else None
    if value > (today if isinstance(today, date) else council_today()):
        raise ValueError("date must not be in the future")
    return value


NotFutureDate = Annotated[date, AfterValidator(_not_in_future)]
"""A date on or before today: the caller's day (context key ``TODAY``), else the
council's calendar day (Europe/London)."""


def _unique(values: Sequence[_H]) -> Sequence[_H]:
    seen: set[_H] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{value!r} is listed more than once")
        seen.add(value)
    return values


UniqueList = Annotated[
    list[_H], AfterValidator(_unique), Field(json_schema_extra={"uniqueItems": True})
]
"""A list whose items may each appear only once (e.g. ticked boxes)."""


ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A short single value such as a name: 1 to 200 characters after trimming."""


def blank_to_none(value: Any) -> Any:
    """Blank text (a cleared box) as ``None``: "not recorded", never a value."""
    # A cleared text box arrives as "" or spaces; it means "not recorded", not a value.
    if isinstance(value, str) and not value.strip():
        return None
    return value


OptionalShortText = Annotated[ShortText | None, BeforeValidator(blank_to_none)]
"""A short value that may be absent; blank text counts as absent."""
