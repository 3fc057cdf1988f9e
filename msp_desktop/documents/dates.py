"""Dates written in full, in English or Welsh, kept on one line."""

from __future__ import annotations

from datetime import date
from typing import Literal

__all__ = ["NBSP", "format_date"]

# Month names from WELSH.md formatting point 5 (WJEC glossary): attested, grade A.
_MONTHS_CY = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
]

# Spelled out rather than strftime("%A"), which follows the process locale (Qt sets it).
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

NBSP = "\u00a0"


def format_date(value: date, lang: Literal["en", "cy"]) -> str:
    """A date written in full, on one line: "Monday 5 May 2025" / "5 Mai 2025".

    Welsh follows the Welsh Government's "d MMMM yyyy" (no weekday, no ordinal), which
    needs no mutation logic; English adds the weekday, as easy read asks.
    """
    if lang == "cy":
        parts = [str(value.day), _MONTHS_CY[value.month - 1], str(value.year)]
    else:
        parts = [
            _DAYS_EN[value.weekday()],
            str(value.day),
            _MONTHS_EN[value.month - 1],
            str(value.year),
        ]
    return NBSP.join(parts)
