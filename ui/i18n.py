"""The one translation function every user-facing string goes through.

For now it only fills in placeholders; Welsh translations plug in here later, so no
widget ever builds a sentence by concatenation.
"""

from __future__ import annotations

from typing import Any


def tr(text: str, /, **kwargs: Any) -> str:
    """Translate ``text`` and fill its ``{placeholders}`` from ``kwargs``."""
    return text.format(**kwargs)


def tr_count(one: str, many: str, count: int, /, **kwargs: Any) -> str:
    """Translate a phrase whose wording depends on a number (``{count}`` is filled in)."""
    return tr(one if count == 1 else many, count=count, **kwargs)
