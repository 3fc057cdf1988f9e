"""The line or two at the top of a visit: how the person wants to talk, and what the
concern is about, so the worker has them in view during the conversation."""

from __future__ import annotations

from msp_desktop.model import Concern, Person
from ui.i18n import tr
from ui.person.person_text import needs_text, risks_text

__all__ = ["SUMMARY_CHARACTERS", "context_text"]


def context_text(person: Person, concern: Concern) -> str:
    """One or two lines for the top of the visit: how the person wants to talk, and
    what the concern is about (its types of risk and, shortened, its summary)."""
    notes = person.communication_notes.text if person.communication_notes else None
    about = risks_text(concern)
    if concern.summary is not None:
        summary = " ".join(concern.summary.text.split())
        if len(summary) > SUMMARY_CHARACTERS:
            summary = summary[: SUMMARY_CHARACTERS - 1].rstrip() + "…"
        about = tr("{risks}: {summary}", risks=about, summary=summary)
    return tr(
        "Communication: {needs}\nAbout: {about}",
        needs=needs_text(person.communication_needs, notes),
        about=about,
    )


SUMMARY_CHARACTERS = 160
"""The concern's summary is cut here at the top of the visit (the whole is on the
person's page), so the conversation keeps its room."""
