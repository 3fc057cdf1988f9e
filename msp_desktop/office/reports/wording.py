"""The words of the report the reader sees, shared by its PDF and its web page.

Both versions hide the same numbers (``suppression``) and must say the same things
about them: how a table was counted, what a hidden number means, and the notes on how
the figures are counted. Keeping the sentences here means the PDF for the board and
the page published on the council's website cannot drift apart.
"""

from __future__ import annotations

from datetime import date

from msp_desktop.office.reports.figures import (
    CONCLUDED,
    FORMS,
    POSTED,
    SUPPORT_NO,
    SUPPORT_YES,
    CellRef,
    Report,
    ReportTable,
)
from msp_desktop.office.reports.suppression import HIDDEN

__all__ = [
    "SUBTITLE",
    "SUPPRESSION_NOTE",
    "TITLE",
    "counted",
    "day",
    "experience_intro",
    "experience_scale_note",
    "how_counted",
    "own_headings_note",
    "short_row",
    "shown",
]

TITLE = "Making Safeguarding Personal"
SUBTITLE = "Figures for the Safeguarding Adults Collection"
SUPPRESSION_NOTE = (
    f"{HIDDEN} Numbers from 1 to 5 are not shown, to protect people's identity. Where "
    "one could be worked out from the numbers shown, another number is not shown either."
)


def day(when: date) -> str:
    """``6 December 2026``."""
    return f"{when.day} {when:%B %Y}"


def shown(report: Report, ref: CellRef, hidden: frozenset[CellRef]) -> str:
    """A count as printed: the number, or ``[c]`` when it is hidden."""
    return HIDDEN if ref in hidden else str(report.value(ref))


def counted(report: Report, table: ReportTable, row: int, hidden: frozenset[CellRef]) -> str:
    """``Counted: concerns concluded in 2025-26 (14).``: what the row's counts add up to."""
    ref = next(total for total, parts in report.sums if (table.key, row, 0) in parts)
    if ref == (CONCLUDED, 0, 0):
        what = f"concerns concluded in {report.year.label}"
    else:
        label = table.rows[row][0]
        what = label[0].lower() + label[1:]
    return f"Counted: {what} ({shown(report, ref, hidden)})."


def short_row(label: str) -> str:
    """The column heading for one row of counts in a table."""
    return {
        SUPPORT_YES: "With support",
        SUPPORT_NO: "No support recorded",
    }.get(label, "Concerns")


def own_headings_note(table: ReportTable) -> str | None:
    """Which of the table's headings are ours, not the national return's (or None)."""
    ours = [c for c, national in zip(table.columns, table.national, strict=True) if not national]
    if not ours:
        return None
    quoted = ", ".join(f'"{c}"' for c in ours)
    return f"{quoted}: our own heading where the national return has no answer."


def experience_intro(report: Report, table: ReportTable, hidden: frozenset[CellRef]) -> list[str]:
    """The paragraphs before the four experience questions (asked, or posted back)."""
    if table.key == POSTED:
        return [
            "The same four questions on the feedback form, which the person fills in on "
            "their own and posts back to the office, not to their worker (msp-office "
            "feedback record). These are not the answers asked at the closing "
            "conversation: each form counts once for each question.",
            f"Counted: feedback forms posted back for the concerns concluded in "
            f"{report.year.label} ({shown(report, (FORMS, 0, 0), hidden)}).",
        ]
    return [
        "At the end, the person (or their representative) is asked four questions at the "
        "closing conversation. Each concern counts once for each question. The answers on "
        "feedback forms posted back are counted apart.",
        counted(report, table, 0, hidden),
    ]


def experience_scale_note(table: ReportTable) -> str:
    """What the experience answer words are, and what the last one counts."""
    last = table.columns[-1]
    if table.key == POSTED:
        what = f'"{last}" counts a question left blank on the form.'
    else:
        what = (
            f'"{last}" counts a question left out, or a concern closed without the closing '
            "conversation."
        )
    return "These answer words are the app's own scale, not national labels; " + what


def how_counted(report: Report) -> list[tuple[str, str]]:
    """The notes on how the figures are counted, each as (heading, text)."""
    year = report.year
    return [
        (
            "Which concerns count.",
            f"Each concern that ended in {year.label} ({year.span}) counts once, as the "
            "Safeguarding Adults Collection counts concluded enquiries.",
        ),
        (
            "When it ended.",
            "A concern closed in the app counts in the year of the day it was closed. A "
            "concern reopened since is open again and counts in no year until it is "
            "closed again. Concerns from laptops before closing dates existed count in the "
            "year of their last visit held at the office; such a concern with no dated "
            "visit cannot be placed in a year and is not counted.",
        ),
        (
            "Which version.",
            "Each record is read as the office's current revision. A revision kept aside "
            "as a conflict is not used until it is resolved.",
        ),
        (
            "Outcomes achieved.",
            "A person may have several outcomes; the concern counts once. All rated "
            "outcomes fully achieved gives Fully Achieved, all not achieved gives Not "
            "Achieved, any mixture gives Partially Achieved.",
        ),
        (
            "Capacity.",
            "A concern counts as lacked capacity when any visit recorded that the person "
            "lacked capacity for the decision; otherwise as did not lack capacity when any "
            "visit recorded capacity; otherwise Don't know when a decision was recorded "
            "without an assessment; otherwise Not recorded. Support counts when an "
            "advocate of any type (Care Act advocate or IMCA, family, friend or other) was "
            "in place, or a suitable family member or friend was available and named.",
        ),
        (
            "Experience.",
            "The answers given in the closing conversation, and apart from them the "
            "answers on feedback forms the person posted back to the office.",
        ),
        (
            "Small numbers.",
            f"{SUPPRESSION_NOTE} Zeros are shown. The CSV version of this report shows "
            "every number, for the council's own return: do not publish it.",
        ),
        (
            "Labels.",
            "Headings, answers and column names are the national labels of the "
            "Safeguarding Adults Collection letter for letter, except where marked as our "
            "own.",
        ),
    ]
