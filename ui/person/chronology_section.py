"""The person's chronology on their page: every visit, visit that did not happen, and
call, letter, email or meeting between visits, newest first.

The words of each entry come from ``msp_desktop.services.contacts.chronology``; the
search box keeps the entries whose words hold what is typed (``matches``, the same
rule as the service's), at once, without asking the database again. "Add a contact
note…" opens ``ContactDialog``; once a note is kept the chronology is read again on
the database worker and shown with the search cleared, so the new note is in sight.
"""

from __future__ import annotations

from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QToolButton, QVBoxLayout, QWidget

from msp_desktop.model import ContactNote
from msp_desktop.services.contacts import ChronologyEntry, chronology, matches
from msp_desktop.store import Workspace
from ui.a11y import StatusLabel, announce, buddy, mark_heading, named
from ui.date_text import date_text
from ui.db_worker import DbWorker
from ui.i18n import tr, tr_marked, tr_n
from ui.messages import error_sentence
from ui.person.contact_dialog import ContactDialog
from ui.person.person_file import PersonFile
from ui.person.person_text import concern_title
from ui.person.sections import button, page_font, text
from ui.targets import roomy_clear_button
from ui.visit.editors import VISIBILITY_WORDS

COUNT_PAUSE_MS = 500
"""How long typing in the search must pause before the count is announced."""


def entry_heading(entry: ChronologyEntry) -> str:
    """The first line of an entry: when, then what happened."""
    when = date_text(entry.on) if entry.on else tr("Date not set")
    return tr("{when} · {what}", when=when, what=entry.title)


def entry_footnote(entry: ChronologyEntry, concerns: dict[str, str]) -> str:
    """Who may read a contact's words, and the concern it belongs to."""
    parts: list[str] = []
    if entry.visibility is not None:
        parts.append(tr_marked(VISIBILITY_WORDS[entry.visibility]))
    if entry.concern_id in concerns:
        parts.append(concerns[entry.concern_id])
    return " · ".join(parts)


def count_words(shown: int, total: int, search: str) -> str:
    """How many entries are listed, and for which search."""
    wanted = search.strip()
    if not total:
        return tr("Nothing recorded yet.")
    if not wanted:
        return tr_n("{count} entry", "{count} entries", total)
    if not shown:
        return tr("Nothing in the chronology matches “{text}”.", text=wanted)
    return tr_n(
        "{shown} of {count} entry matches “{text}”",
        "{shown} of {count} entries match “{text}”",
        total,
        shown=shown,
        text=wanted,
    )


def entry_block(entry: ChronologyEntry, concerns: dict[str, str], parent: QWidget) -> QWidget:
    """One entry: when and what in bold, the details, then who may read it."""
    box = QWidget(parent)
    box.setObjectName(f"chronology.{entry.kind}")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 10, 0, 8)
    layout.setSpacing(2)
    heading = text(entry_heading(entry), box, bold=True)
    heading.setObjectName("chronology.heading")
    layout.addWidget(heading)
    if entry.text:
        words = text(entry.text, box)
        words.setObjectName("chronology.text")
        layout.addWidget(words)
    footnote = entry_footnote(entry, concerns)
    if footnote:
        note = text(footnote, box, scale=0.9)
        note.setObjectName("chronology.footnote")
        layout.addWidget(note)
    return box


class ChronologySection(QFrame):
    """The chronology card: a search box, "Add a contact note…", and the entries."""

    def __init__(
        self, record: PersonFile, worker: DbWorker | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("person.chronology")
        self.setProperty("card", True)
        self._worker = worker
        self._person = record.person
        self._concerns = {s.concern.id: concern_title(s.concern) for s in record.concerns}
        self._blocks: list[tuple[ChronologyEntry, QWidget]] = []
        self.dialog: ContactDialog | None = None

        title = text(tr("Chronology, newest first"), self, scale=1.3, bold=True)
        mark_heading(title, 2)
        title.setObjectName("chronology.title")
        about = text(
            tr(
                "Visits, visits that did not happen, contacts between visits, and changes "
                "the office made."
            ),
            self,
            scale=0.9,
        )
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("chronology.search")
        self.search_edit.setFont(page_font())
        self.search_edit.setClearButtonEnabled(True)
        roomy_clear_button(self.search_edit)  # 24 × 24 px at least, to aim at
        self.search_edit.setPlaceholderText(tr("Words in a note, “phone”, “no access”…"))
        for clear in self.search_edit.findChildren(QToolButton):
            named(clear, tr("Clear the chronology search"))
        self.search_edit.setAccessibleDescription(
            tr("The chronology below shows only the entries that hold these words.")
        )
        search_label = buddy(tr("&Search the chronology"), self.search_edit, self)
        search_label.setFont(page_font())
        self.add_button = button(tr("Add a contact &note…"), self)
        self.add_button.setObjectName("chronology.add")
        named(
            self.add_button,
            tr("Add a contact note"),
            tr("Record a call, letter, email or meeting with or about the person."),
        )
        self.add_button.setEnabled(worker is not None)
        self.add_button.clicked.connect(self.open_dialog)
        # Announced as the search changes it, as the caseload's count is.
        self.count_note = StatusLabel(tr("Chronology count"), self)
        self.count_note.setWordWrap(True)
        self.count_note.setFont(page_font())
        self.count_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_note.setObjectName("chronology.count")
        # Said once the worker stops typing, not at every letter: a count per key
        # would queue up behind each other and talk over the typing.
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_PAUSE_MS)
        self._count_timer.timeout.connect(self._say_count)
        self._count_said = ""
        self.status_note = text("", self)
        self.status_note.setObjectName("chronology.status")
        self.status_note.hide()
        self.entries = QWidget(self)
        self.entries.setObjectName("chronology.entries")
        self._entries_layout = QVBoxLayout(self.entries)
        self._entries_layout.setContentsMargins(0, 0, 0, 0)
        self._entries_layout.setSpacing(0)

        # The button on a row of its own: at 150 % it would leave the search box no room.
        search_row = QHBoxLayout()
        search_row.setSpacing(10)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 18)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(about)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(search_row)
        layout.addWidget(self.status_note)
        layout.addWidget(self.count_note)
        layout.addWidget(self.entries)
        QWidget.setTabOrder(self.add_button, self.search_edit)
        self.search_edit.textChanged.connect(self._filter)
        self.show_entries(record.chronology)

    # -- the entries ---------------------------------------------------------------------

    def show_entries(self, entries: Sequence[ChronologyEntry]) -> None:
        """List ``entries`` (newest first), filtered by what is in the search box."""
        for _entry, block in self._blocks:
            block.hide()  # out of sight (and of the reader) at once; gone soon after
            block.deleteLater()
        self._blocks = []
        for entry in entries:
            block = entry_block(entry, self._concerns, self.entries)
            self._entries_layout.addWidget(block)
            self._blocks.append((entry, block))
        self._filter(self.search_edit.text())

    def shown_entries(self) -> list[ChronologyEntry]:
        """The entries the search lets through, top to bottom."""
        return [entry for entry, block in self._blocks if not block.isHidden()]

    def _filter(self, search: str) -> None:
        shown = 0
        for entry, block in self._blocks:
            wanted = matches(entry, search)
            block.setHidden(not wanted)
            shown += wanted
        words = count_words(shown, len(self._blocks), search)
        self.count_note.set_status(words, speak=False)
        if search.strip() or self._count_said:
            self._count_timer.start()
        else:
            self._count_said = words  # the first listing is read with the record

    def _say_count(self) -> None:
        words = self.count_note.text()
        if words != self._count_said:
            self._count_said = words
            announce(self.count_note, words)

    # -- adding a contact note -----------------------------------------------------------

    def open_dialog(self) -> ContactDialog | None:
        """Open "Add a contact note" (without blocking)."""
        if self._worker is None:
            return None
        concerns = list(self._concerns.items())
        dialog = ContactDialog(self._worker, self._person, concerns, self)
        dialog.saved.connect(self._kept)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: ContactDialog) -> None:
        if shiboken6.isValid(self) and self.dialog is dialog:
            self.dialog = None
            dialog.deleteLater()
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _kept(self, contact: ContactNote) -> None:
        if self._worker is None:
            return
        self.status_note.setText(
            tr("Saved the contact note of {date}.", date=date_text(contact.on))
        )
        self.status_note.show()
        person_id = self._person.id

        def read(workspace: Workspace) -> list[ChronologyEntry]:
            return chronology(workspace, person_id)

        self._worker.submit(read, self._read_again, self._not_read)

    def _read_again(self, entries: list[ChronologyEntry]) -> None:
        if not shiboken6.isValid(self):
            return  # the page moved on (another person, the caseload, locked)
        self.search_edit.clear()
        self.show_entries(entries)

    def _not_read(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.status_note.setText(error_sentence(exc))
            self.status_note.show()
