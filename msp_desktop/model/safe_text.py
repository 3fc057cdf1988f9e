"""Text a person types that the records refuse: control and direction-override characters,
and NHS numbers whose check digit is wrong.

A name with a right-to-left override can print backwards on a letter, or hide what it
says in a list; a control character can break a line where none was typed. They are
refused where people and concerns are entered (the command line and the app's forms),
with a sentence saying which field, rather than cleaned away unseen. Records already
stored are never rejected on reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

__all__ = ["check_nhs_number", "normalise_nhs_number", "unsafe_text_fields"]

# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder what
# follows them. Marks such as U+200E are harmless and stay allowed.
_DIRECTION_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_ALLOWED_IN_NOTES = frozenset("\n\t")


def _unsafe_char(text: str, multiline: bool) -> str | None:
    for char in text:
        if char in _DIRECTION_CONTROLS:
            return char
        if unicodedata.category(char) == "Cc" and not (multiline and char in _ALLOWED_IN_NOTES):
            return char
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, str, bool]]:
    """Every string in a record with its dotted path and whether it may span lines."""
    if isinstance(value, BaseModel):
        # A Note's text may span lines; every other string is a single value.
        multiline = type(value).__name__ == "Note"
        for name in type(value).model_fields:
            inner = getattr(value, name)
            if isinstance(inner, str):
                yield f"{path}{name}", inner, multiline and name == "text"
            else:
                yield from _walk(inner, f"{path}{name}.")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield f"{path}{index + 1}", item, False
            else:
                yield from _walk(item, f"{path}{index + 1}.")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                yield f"{path}{key}", item, False
            else:
                yield from _walk(item, f"{path}{key}.")


def unsafe_text_fields(record: BaseModel) -> list[str]:
    """The dotted paths of every text in ``record`` holding a control or
    direction-override character (``[]`` when all is well)."""
    return [
        path.removesuffix(".text")
        for path, text, multiline in _walk(record, "")
        if _unsafe_char(text, multiline) is not None
    ]


_NHS_SHAPE = re.compile(r"^\d{10}$")


def normalise_nhs_number(text: str) -> str:
    """The ten digits of an NHS number as people write it (``943 476 5919``)."""
    return "".join(text.split()).replace("-", "")


def check_nhs_number(text: str) -> str:
    """The NHS number as ten digits, or ``ValueError`` saying what is wrong with it.

    The tenth digit is a modulus 11 check: each of the first nine digits is weighted
    10 down to 2, and 11 minus the remainder of the sum by 11 must equal it (11 counts
    as 0; 10 means no number can end that way).
    """
    digits = normalise_nhs_number(text)
    if not _NHS_SHAPE.fullmatch(digits):
        raise ValueError("it should be 10 digits, for example 943 476 5919")
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise ValueError("its last digit does not match the others; check it was copied right")
    return digits
