"""Finding every piece of free text inside a record."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from msp_desktop.model.text import Note

__all__ = ["iter_notes"]


def iter_notes(record: BaseModel) -> Iterator[tuple[str, Note]]:
    """Yield ``(dotted path, note)`` for every ``Note`` anywhere inside ``record``.

    Paths name fields, list indexes and dict keys, e.g. ``"risks.0.source_detail"``,
    ``"principles.reflections.empowerment"``; a ``Note`` passed itself has the path
    ``""``. Fields are walked in declaration order, so the order is stable. This is
    the one place that knows where free text lives: the person's copy uses it to
    leave third-party and internal text out, and a canary test uses it to prove that
    nothing slips through.
    """
    yield from _walk("", record)


def _join(prefix: str, part: str) -> str:
    return f"{prefix}.{part}" if prefix else part


def _walk(path: str, value: Any) -> Iterator[tuple[str, Note]]:
    if isinstance(value, Note):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(_join(path, name), getattr(value, name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            part = key.value if isinstance(key, enum.Enum) else str(key)
            yield from _walk(_join(path, str(part)), item)
    elif isinstance(value, list | tuple | set | frozenset):
        # Sets have no order of their own; sort by repr so paths are stable between runs.
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        for index, item in enumerate(items):
            yield from _walk(_join(path, str(index)), item)
