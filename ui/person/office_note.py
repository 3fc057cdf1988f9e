"""The note on a person's page when the office sent another version of one of their
records that the worker had changed since (an office pack; ``store.packs``).

The worker's words were kept, never overwritten; the office's version is kept beside
them. The note says so, when the office sent it and why (the office's reason), and to
ask the office which version is right. Hidden when there is none.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QWidget

from msp_desktop.store.packs import OfficeVersion
from ui.date_text import date_text
from ui.i18n import tr
from ui.person.actions_section import status_text
from ui.person.person_file import PersonFile

__all__ = ["office_note", "office_words"]


def office_words(version: OfficeVersion, name: str) -> str:
    """One office version in the worker's words."""
    day = date_text(date.fromisoformat(version.found_at[:10]))
    what = (
        tr("{name}'s details", name=name)
        if version.kind == "person"
        else tr("one of {name}'s concerns", name=name)
    )
    kept = tr(
        "Your version is kept as you wrote it, and the office's is kept beside it: ask the "
        "office which is right before you change it again."
    )
    if version.reason:
        sent = tr(
            "On {day} the office sent another version of {what} ({reason}), after you had "
            "changed it here.",
            day=day,
            what=what,
            reason=version.reason,
        )
    else:
        sent = tr(
            "On {day} the office sent another version of {what}, after you had changed it here.",
            day=day,
            what=what,
        )
    return f"{sent} {kept}"


def office_note(record: PersonFile, parent: QWidget) -> QLabel:
    """The note, bold (it asks the worker to act), under the person's details."""
    name = record.person.display_name
    words = "\n".join(office_words(v, name) for v in record.office_versions)
    note = status_text(words, parent, bold=True)
    note.setObjectName("person.office_note")
    note.setVisible(bool(words))
    return note
