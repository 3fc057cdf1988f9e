"""Small helpers for writing findings in plain English."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["plain_list"]


def plain_list(items: Sequence[str]) -> str:
    """``["a", "b", "c"]`` as ``"a, b and c"``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
