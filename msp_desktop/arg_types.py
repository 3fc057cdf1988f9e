"""Argument types the two command lines share: whole numbers within a sensible range.

``type=int`` takes ``99999999999999999999``, which then overflows SQLite's integer or
the socket layer deep inside a command, a bug report instead of a sentence. Each
numeric option says its range here, and argparse refuses anything outside it (exit 2)
with a sentence that names the range.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["whole_number"]


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
