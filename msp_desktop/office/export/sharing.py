"""What an export may carry of a record's free text (docs/office-export.md, "Left out").

Every free-text field is a ``Note`` with a visibility (``model.text``). An export goes
to the council's other systems, beyond the worker and the office, so it carries a note's
text only when the note is the person's (``Visibility.PERSON``: what their own copy
would show). Third-party text (about family, the person alleged to cause harm) and the
worker's internal notes are never exported, not even marked: where such a note stands,
the export says only that something was left out (``LEFT_OUT``), so a reader knows the
record has more at the office without learning what.
"""

from __future__ import annotations

from msp_desktop.model import Note, visible_to_person

__all__ = ["LEFT_OUT", "shared_text"]

LEFT_OUT = "[Left out of the export: not marked as the person's own words]"
"""What stands where a note's text is not the person's (third party or internal)."""


def shared_text(note: Note | None) -> str | None:
    """The note's text if it is the person's, ``LEFT_OUT`` if it is not, None for no note."""
    if note is None:
        return None
    return note.text if visible_to_person(note) else LEFT_OUT
