"""Plain text tables, as both command lines print them (``msp`` and ``msp-office``).

A small shared core module: the office may not import the device's command line
(an import-linter contract), so the one ``table`` lives here for both.
"""

from __future__ import annotations

__all__ = ["table"]


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain left-aligned text table: columns two spaces apart, no trailing spaces.

    Every row must have as many cells as there are headers (``ValueError`` otherwise).
    """
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)
