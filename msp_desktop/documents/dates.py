"""Dates written in full, in the document's language, kept on one line."""

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


def format_date(value: date, lang: Lang) -> str:
    """A date written in full, on one line: "Monday 5 May 2025" / "5 Mai 2025".

    Welsh follows the Welsh Government's "d MMMM yyyy" (no weekday, no ordinal), which
    needs no mutation logic; English adds the weekday, as easy read asks. The order of
    the parts is the language's convention, not a message, so it stays here.
    """
    month = translator(lang).tr_marked(_MONTHS[value.month - 1])
    parts = [str(value.day), month, str(value.year)]
    if lang == "en":
        parts.insert(0, _DAYS_EN[value.weekday()])
    return NBSP.join(parts)
