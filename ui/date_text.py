"""Dates and due dates in the words people in England write on records: 3 Feb 1941."""

from __future__ import annotations

from datetime import date

from ui.i18n import N_, tr, tr_marked

NOT_RECORDED = "—"

MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)


def date_text(value: date | None) -> str:
    """A date as people in England write it on records: 3 Feb 1941."""
    if value is None:
        return NOT_RECORDED
    return tr(
        "{day} {month} {year}",
        day=value.day,
        month=tr_marked(MONTHS[value.month - 1]),
        year=value.year,
    )


def short_date_text(value: date, today: date) -> str:
    """A date without its year when it falls in the current year: 3 Nov."""
    if value.year != today.year:
        return date_text(value)
    return tr("{day} {month}", day=value.day, month=tr_marked(MONTHS[value.month - 1]))


def is_overdue(due: date | None, today: date) -> bool:
    """Whether the next conversation should already have happened."""
    return due is not None and due < today


def visit_due_text(due: date | None, today: date) -> str:
    """When the next conversation is due, in words (overdue is said, not only coloured)."""
    if due is None:
        return NOT_RECORDED
    if is_overdue(due, today):
        return tr("Overdue since {day}", day=short_date_text(due, today))
    if due == today:
        return tr("Due today")
    return date_text(due)
