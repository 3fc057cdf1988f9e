"""What the two command lines accept as arguments, beyond what argparse checks.

- ``whole_number``: ``type=int`` takes ``99999999999999999999``, which then overflows
  SQLite's integer deep inside a command, a bug report instead of a sentence. Each
  numeric option says its range here, and argparse refuses anything outside it (exit 2).
- ``arguments_problem``: an argument that is not text at all (bytes that are not UTF-8,
  which Python keeps as lone surrogates), and ``--option=--``, which argparse (3.11)
  turns into an empty list where one value was expected; each is refused in one
  sentence instead of being stored, printed or passed on; so is an argument longer
  than Windows allows a whole command line (``LONGEST_ARGUMENT``).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

__all__ = ["LONGEST_ARGUMENT", "arguments_problem", "whole_number"]

# Windows takes at most 32,767 characters in a whole command line (CreateProcess), and
# Python refuses a longer path with a ValueError rather than an OSError naming the file.
# No real command line on Windows holds a longer argument, and no file name or reason
# needs one, so it is refused by name on every system, as NUL is.
LONGEST_ARGUMENT = 32_767


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` taking a whole number from ``low`` to ``high`` inclusive."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is not from {low} to {high}")
        return value

    parse.__name__ = "whole number"  # argparse names the type in its message
    return parse


def _has_undecodable(text: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)


def text_arguments_problem(values: Mapping[str, Any]) -> str | None:
    """The sentence refusing the first argument that is not valid text, or None.

    ``values`` is the parsed arguments by name (``vars(args)``). Paths are checked only
    for NUL: a file name on Linux may be any other bytes, and is only used as a name.
    """
    for name, value in values.items():
        texts = value if isinstance(value, list | tuple) else [value]
        option = name.replace("_", "-")
        if any("\x00" in str(text) for text in texts if isinstance(text, str | PurePath)):
            # No real command line can hold one; a caller in this process can.
            return f"The {option} given holds a NUL character; nothing was changed."
        if any(
            len(str(text)) > LONGEST_ARGUMENT for text in texts if isinstance(text, str | PurePath)
        ):
            return (
                f"The {option} given is longer than {LONGEST_ARGUMENT:,} characters, more than "
                "any file name or text this program takes; nothing was changed."
            )
        if any(isinstance(text, str) and _has_undecodable(text) for text in texts):
            return (
                f"The {option} given is not text this program can read (it holds bytes "
                "that are not UTF-8); type it again. Nothing was changed."
            )
    return None


_DASHES_AS_VALUE = re.compile(r"^(--?[\w-]+)=--$")


def arguments_problem(argv: Sequence[str], values: Mapping[str, Any]) -> str | None:
    """The sentence refusing the command line ``argv`` (parsed into ``values``), or None."""
    for word in argv:
        found = _DASHES_AS_VALUE.match(word)
        if found:
            return f'{found.group(1)} needs a value, not "--"; nothing was changed.'
    return text_arguments_problem(values)
