"""Who was at a visit, whether the person was spoken to alone, and visits that did not
happen (no access, declined, not safe to talk, not there)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import model_validator

from msp_desktop.model.base import RecordModel, ShortText
from msp_desktop.model.choices import NotHeldReason, PresentRole
from msp_desktop.model.text import InternalNote

__all__ = ["PresentPerson", "VisitNotHeld"]


class PresentPerson(RecordModel):
    """Someone other than the worker who was there (the worker is not a third party).

    Their name is third-party information and stays out of the person's copy.
    Visits recorded before roles were asked hold only a name (``role`` is ``None``).
    """

    name: ShortText
    role: PresentRole | None = None

    @model_validator(mode="before")
    @classmethod
    def _read_plain_name(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data


class VisitNotHeld(RecordModel):
    """A planned visit that did not happen: why, and when it is rearranged for.

    It stays in the person's history; it needs no outcomes or conversation.
    """

    reason: NotHeldReason
    rearranged_for: date | None = None
    note: InternalNote | None = None
