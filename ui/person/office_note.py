"""The notes on a person's page about what the office sent (office packs; ``store.packs``).

``shared_note``: the office shares this person's case with the laptop to read only.

``office_note``: the office sent another version of one of their records that the
worker had changed since.

The worker's words were kept, never overwritten; the office's version is kept beside
them. The note says so, when the office sent it and why (the office's reason), and
offers to compare the two and choose (``office_version_dialog``). Hidden when there is
none.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from msp_desktop.store.office_versions import OfficeVersion
from ui.a11y import named
from ui.date_text import date_text
from ui.i18n import tr
from ui.person.actions_section import status_text
from ui.person.person_file import PersonFile
from ui.person.sections import button as page_button
from ui.person.sections import text

__all__ = ["READ_ONLY_HIDES", "office_note", "office_words", "shared_note"]

READ_ONLY_HIDES = (
    "concern.start_visit",
    "concern.resume_visit",
    "concern.journey_buttons",
    "chronology.add",
)
"""The page's buttons that would change a record, hidden on a shared case (reading and
printing its office record stay)."""


def office_words(version: OfficeVersion, name: str) -> str:
    """One office version in the worker's words."""
    day = date_text(date.fromisoformat(version.found_at[:10]))
    what = (
        tr("{name}'s details", name=name)
        if version.kind == "person"
        else tr("one of {name}'s concerns", name=name)
    )
    kept = tr(
        "Your version is kept as you wrote it, and the office's is kept beside it: compare "
        "them and choose which to keep."
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


def office_note(
    record: PersonFile, parent: QWidget, compare: Callable[[OfficeVersion], None]
) -> QWidget:
    """The note, bold (it asks the worker to act), under the person's details, with a
    button for each version to compare it with the worker's and choose (``compare``)."""
    name = record.person.display_name
    box = QWidget(parent)
    box.setObjectName("person.office_versions")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    words = "\n".join(office_words(v, name) for v in record.office_versions)
    note = status_text(words, box, bold=True)
    note.setObjectName("person.office_note")
    layout.addWidget(note)
    for index, version in enumerate(record.office_versions):
        button = page_button(tr("Compare with the office's version…"), box)
        button.setObjectName(f"person.compare_office.{index}")
        named(
            button,
            tr("Compare with the office's version"),
            tr("See your version and the office's side by side, and choose which to keep."),
        )
        button.clicked.connect(lambda _checked=False, v=version: compare(v))
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
    box.setVisible(bool(record.office_versions))
    return box


def shared_note(record: PersonFile, parent: QWidget) -> QWidget:
    """Says the case is shared to read, and why nothing on the page changes it."""
    note = text(
        tr(
            "The office shared {name}'s case with you to read. It belongs to another "
            "worker's laptop: you can read it and print its office record, but not change "
            "it here.",
            name=record.person.display_name,
        ),
        parent,
        bold=True,
    )
    note.setObjectName("person.shared_note")
    return note
