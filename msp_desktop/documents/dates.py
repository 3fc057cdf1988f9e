"""Dates written in full, in the document's language, the date itself kept on one line."""

from __future__ import annotations

from datetime import date

from msp_desktop.i18n import N_, Lang, translator

__all__ = ["NBSP", "format_date"]

# Spelled out rather than strftime("%B"), which follows the process locale (Qt sets it).
# The Welsh names are in the catalogue (docs/welsh.md formatting point 5, WJEC glossary).
_MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
# English dates only: the Welsh style has no weekday, so these are never translated.
_DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NBSP = "\u00a0"


def format_date(value: date, lang: Lang, *, weekday: bool = True) -> str:
    """A date written in full: "Monday 5 May 2025" / "5 Mai 2025".

    Day, month and year never break apart; the weekday may end a line of its own, so
    the date still fits a narrow column (the Welsh and English copy side by side).

    Welsh follows the Welsh Government's "d MMMM yyyy" (no weekday, no ordinal), which
    needs no mutation logic; English adds the weekday, as easy read asks. The order of
    the parts is the language's convention, not a message, so it stays here.
    ``weekday=False`` leaves the weekday out (a table's date column).
    """
    month = translator(lang).tr_marked(_MONTHS[value.month - 1])
    day = NBSP.join([str(value.day), month, str(value.year)])
    if lang == "en" and weekday:
        return f"{_DAYS_EN[value.weekday()]} {day}"
    return day
