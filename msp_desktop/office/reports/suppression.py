"""Which numbers of a report the PDF hides, as statistical releases do.

**Primary suppression**: every count from 1 to 5 is hidden (0 is shown: it names no one).

**Secondary suppression**: a hidden number must not be recoverable from the numbers
shown. The report lists its sums (``Report.sums``: a total and the counts that make it
up, such as the concerns concluded and the five SG4a answers). Until none is left:

- a sum with exactly one hidden number would give it away by subtraction, so the
  smallest non-zero number shown in that sum is hidden too (one of its parts before
  its total);
- a sum whose hidden parts add up to exactly as many as there are of them gives each
  away as 1 (each hidden number is at least 1), so one more is hidden the same way;
- across all the sums together, a hidden number that the equations pin down (found by
  Gaussian elimination over exact fractions: the number's unit vector lies in the
  row space of the hidden part of the equations) is protected the same way through a
  sum it appears in.

Zeros are never hidden. The CSV shows every number: it is the council's own return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from msp_desktop.office.reports.figures import CellRef, Report

__all__ = ["HIDDEN", "SMALL", "suppressed_cells"]

SMALL = range(1, 6)
"""The counts hidden for themselves."""

HIDDEN = "[c]"
"""How a hidden number is printed."""

Sum = tuple[CellRef, tuple[CellRef, ...]]


def suppressed_cells(report: Report) -> frozenset[CellRef]:
    """Every cell of ``report`` the PDF must not show."""
    values = {ref: report.value(ref) for ref in report.cells()}
    hidden = {ref for ref, value in values.items() if value in SMALL}
    while (extra := _one_more(report.sums, values, hidden)) is not None:
        hidden.add(extra)
    return frozenset(hidden)


def _one_more(
    sums: Sequence[Sum], values: Mapping[CellRef, int], hidden: set[CellRef]
) -> CellRef | None:
    """The next cell to hide, or None when every hidden number is safe."""
    for total, parts in sums:
        cells = (total, *parts)
        if not any(cell in hidden for cell in cells):
            continue
        if _gives_away(total, parts, values, hidden):
            pick = _pick(total, parts, values, hidden)
            if pick is not None:
                return pick
    for cell in sorted(_pinned(sums, hidden)):
        for total, parts in sums:
            if cell == total or cell in parts:
                pick = _pick(total, parts, values, hidden)
                if pick is not None:
                    return pick
    return None


def _gives_away(
    total: CellRef, parts: Sequence[CellRef], values: Mapping[CellRef, int], hidden: set[CellRef]
) -> bool:
    cells = (total, *parts)
    unknown = [cell for cell in cells if cell in hidden]
    if len(unknown) == 1:
        return True
    if total in hidden:
        return False
    # The hidden parts add up to the total less the parts shown; each is at least 1.
    hidden_parts = [part for part in parts if part in hidden]
    return sum(values[part] for part in hidden_parts) == len(hidden_parts)


def _pick(
    total: CellRef, parts: Sequence[CellRef], values: Mapping[CellRef, int], hidden: set[CellRef]
) -> CellRef | None:
    """The smallest non-zero number shown in the sum, a part before the total."""
    shown = [
        (values[cell], index, cell)
        for index, cell in enumerate((*parts, total))
        if cell not in hidden and values[cell] > 0
    ]
    if not shown:
        return None
    part_first = sorted(shown, key=lambda item: (item[2] == total, item[0], item[1]))
    return part_first[0][2]


def _pinned(sums: Iterable[Sum], hidden: set[CellRef]) -> set[CellRef]:
    """Hidden cells the sums determine, all of them taken together."""
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for total, parts in sums:
        row = [Fraction(0)] * len(unknowns)
        if total in index:
            row[index[total]] += 1
        for part in parts:
            if part in index:
                row[index[part]] -= 1
        if any(row):
            rows.append(row)
    reduced = _row_echelon(rows, len(unknowns))
    pinned: set[CellRef] = set()
    for row in reduced:
        non_zero = [i for i, value in enumerate(row) if value]
        if len(non_zero) == 1:
            pinned.add(unknowns[non_zero[0]])
    return pinned


def _row_echelon(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """The reduced row echelon form of ``rows`` (exact arithmetic)."""
    rows = [list(row) for row in rows]
    lead = 0
    for column in range(width):
        pivot = next((r for r in range(lead, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[lead], rows[pivot] = rows[pivot], rows[lead]
        scale = rows[lead][column]
        rows[lead] = [value / scale for value in rows[lead]]
        for r in range(len(rows)):
            if r != lead and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[lead], strict=True)]
        lead += 1
        if lead == len(rows):
            break
    return rows[:lead]
