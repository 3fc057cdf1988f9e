"""One person's page: their details, household, and each concern with its story.

Opened from the caseload. The record is read in one operation on the database
worker; an answer that arrives after the page moved on (another person, back to the
caseload, locked) is dropped, like the caseload's searches.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.calendar_day import council_today
from msp_desktop.store import Workspace
from ui.a11y import announce, mark_heading, named
from ui.db_worker import DbWorker
from ui.i18n import tr
from ui.messages import error_sentence
from ui.person.actions_section import actions_note, actions_section
from ui.person.chronology_section import ChronologySection
from ui.person.concern_card import concern_card
from ui.person.journey_controller import Focus, JourneyController
from ui.person.office_note import READ_ONLY_HIDES, office_note, shared_note
from ui.person.person_file import PersonFile, load_person_file
from ui.person.sections import button, header, household, text

# Calm and readable: white cards on the window colour, one accent for "now". Colours
# come from the palette, so the high-contrast theme (ui.theme) applies here too.
PAGE_STYLE = """
QFrame[card="true"] {
    background: palette(base); border: 1px solid palette(mid); border-radius: 8px;
}
QLabel[stage="current"] {
    border: 2px solid palette(highlight); border-radius: 6px; padding: 6px 10px;
}
QLabel[stage="done"], QLabel[stage="to_come"] {
    border: 1px solid palette(mid); border-radius: 6px; padding: 6px 10px;
}
QLabel[stage="not_reached"] {
    border: 1px dashed palette(mid); border-radius: 6px; padding: 6px 10px;
}
QPushButton { padding: 6px 18px; }
QPushButton:focus { padding: 5px 17px; }
"""

# Long lines are hard to read: the record stays this wide however wide the window.
MAX_READING_WIDTH = 980


class PersonPage(QWidget):
    """Shows one person; asks for a visit to be started or resumed by signal."""

    visit_requested = Signal(str, object)  # concern id, draft visit id or None
    back_requested = Signal()
    document_requested = Signal(str, str)  # "office_record" or "feedback_form", concern id
    loaded = Signal(str)  # the person id whose page is now shown
    records_changed = Signal(str)  # a dialog of this page saved a change to this person

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page.person")
        self.setStyleSheet(PAGE_STYLE)
        self._worker: DbWorker | None = None
        self._generation = 0
        self.person_id: str | None = None
        self.record: PersonFile | None = None
        # The person shown last and their count of actions, kept across re-reading the
        # record (which rebuilds it) so a changed count can be announced.
        self._actions_told: tuple[str, str] | None = None

        self.back_button = button(tr("Back to caseload"), self)
        self.back_button.setObjectName("person.back")
        named(
            self.back_button,
            tr("Back to caseload"),
            tr("Return to the list of people, with your search kept. Escape does this too."),
        )
        self.back_button.clicked.connect(self.back_requested)
        self.status_note = text("", self)
        self.status_note.setObjectName("person.status")
        self.journey = JourneyController(self)
        self.journey.changed.connect(self._changed)
        self.edit_button = button(tr("&Change details…"), self)
        self.edit_button.setObjectName("person.edit")
        named(self.edit_button, tr("Change details"), tr("Change this person's details."))
        self.raise_button = button(tr("&Raise a concern…"), self)
        self.raise_button.setObjectName("person.raise_concern")
        named(self.raise_button, tr("Raise a concern"), tr("Raise a new concern for this person."))
        self.edit_button.setEnabled(False)  # both wait until the record is read
        self.raise_button.setEnabled(False)
        self.edit_button.clicked.connect(self._edit)
        self.raise_button.clicked.connect(self._raise)
        self._focus_after: Focus | None = None

        self.record_view = QScrollArea(self)
        self.record_view.setObjectName("person.scroll")
        self.record_view.setWidgetResizable(True)
        self.record_view.setFrameShape(QFrame.Shape.NoFrame)
        self.record_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        named(self.record_view, tr("Person's record"))

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.status_note, 1)
        top.addWidget(self.edit_button)
        top.addWidget(self.raise_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 14, 24, 8)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.record_view, 1)
        QWidget.setTabOrder(self.back_button, self.edit_button)
        QWidget.setTabOrder(self.edit_button, self.raise_button)
        QWidget.setTabOrder(self.raise_button, self.record_view)
        self.setFocusProxy(self.back_button)

    # -- the worker --------------------------------------------------------------------

    def attach(self, worker: DbWorker) -> None:
        """Read through ``worker`` from now on."""
        self._worker = worker
        self.journey.attach(worker)

    def detach(self) -> None:
        """Forget the worker and the record shown (the workspace is being locked)."""
        self.journey.detach()
        self._worker = None
        self._actions_told = None
        self.clear()

    def clear(self) -> None:
        """Show nothing; any answer still on its way is now stale."""
        self._generation += 1
        self.person_id = None
        self.record = None
        self.journey.close_dialog()
        self.edit_button.setEnabled(False)
        self.raise_button.setEnabled(False)
        self.status_note.setText("")
        self._replace_content(None)

    def show_person(self, person_id: str, focus: Focus | None = None) -> None:
        """Read and show the person with ``person_id``; then put the focus on ``focus``
        (a button of the page, see ``ui.person.journey_controller``)."""
        self.clear()
        self._focus_after = focus
        if self._worker is None:
            return
        self.person_id = person_id
        self.status_note.setText(tr("Opening the record…"))
        generation = self._generation

        def read(workspace: Workspace) -> PersonFile:
            return load_person_file(workspace, person_id)

        self._worker.submit(
            read,
            lambda record: self._show(generation, record),
            lambda exc: self._failed(generation, exc),
        )

    # -- results -----------------------------------------------------------------------

    def _show(self, generation: int, record: PersonFile) -> None:
        if generation != self._generation:
            return  # the page moved on while this was read
        self.record = record
        self.status_note.setText("")
        self._replace_content(self._build(record, council_today()))
        named(self.record_view, tr("Record of {name}", name=record.person.name))
        self._tell_actions(record.person.id)
        # A shared case is read only here: nothing on the page offers to change it.
        for push in (self.edit_button, self.raise_button):
            push.setEnabled(not record.shared)
            push.setVisible(not record.shared)
        self._put_focus()
        self.loaded.emit(record.person.id)

    def _tell_actions(self, person_id: str) -> None:
        # Read again after a change (a concern closed, a visit's actions agreed): a
        # different count is news the worker did not look for, so it is announced.
        summary = self.record_view.findChild(QLabel, "actions.summary")
        if summary is None:
            return
        words = summary.text()
        before, self._actions_told = self._actions_told, (person_id, words)
        if before is not None and before[0] == person_id and before[1] != words:
            announce(summary, words)

    def _edit(self) -> None:
        if self.record is not None:
            self.journey.edit_person(self.record.person)

    def _raise(self) -> None:
        if self.record is not None:
            self.journey.raise_concern(self.record.person)

    def _changed(self, person_id: str, focus: Focus) -> None:
        # A dialog saved: read the record again, and carry on from the same place.
        self.records_changed.emit(person_id)
        if person_id == self.person_id:
            self.show_person(person_id, focus)

    def _put_focus(self) -> None:
        focus, self._focus_after = self._focus_after, None
        if focus is None:
            return
        card_name, button_name = focus
        root = self.findChild(QWidget, card_name) if card_name else self
        found = root.findChild(QPushButton, button_name) if root is not None else None
        if found is not None:
            found.setFocus(Qt.FocusReason.OtherFocusReason)
            self.record_view.ensureWidgetVisible(found)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.status_note.setText(error_sentence(exc))

    def _replace_content(self, content: QWidget | None) -> None:
        old = self.record_view.takeWidget()
        if old is not None:
            old.deleteLater()
        if content is not None:
            self.record_view.setWidget(content)

    def _build(self, record: PersonFile, today: date) -> QWidget:
        content = QWidget(self)
        outer = QHBoxLayout(content)
        outer.setContentsMargins(8, 8, 16, 24)
        page = QWidget(content)
        page.setMaximumWidth(MAX_READING_WIDTH)
        outer.addWidget(page, 1)
        outer.addStretch(0)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        column.addWidget(header(record.person, today, page))
        if record.shared:
            column.addWidget(shared_note(record, page))
        column.addWidget(
            office_note(record, page, lambda v: self.journey.office_version(record.person.id, v))
        )
        column.addWidget(actions_note(record, today, page))
        concerns_title = text(tr("Concerns, newest first"), page, scale=1.3, bold=True)
        mark_heading(concerns_title, 2)
        concerns_title.setObjectName("person.concerns_title")
        column.addWidget(concerns_title)
        if not record.concerns:
            column.addWidget(text(tr("No concerns recorded for this person."), page))
        for story in record.concerns:
            column.addWidget(
                concern_card(
                    story,
                    today,
                    page,
                    self.visit_requested.emit,
                    self.document_requested.emit,
                    self.journey.concern_action,
                )
            )
        column.addWidget(actions_section(record, today, page))
        column.addWidget(ChronologySection(record, self._worker, page))
        # Other people's details come last and small: they matter for safety on a
        # visit, but a screen read over the worker's shoulder should lead with the person.
        column.addWidget(household(record.person, page))
        column.addStretch(1)
        if record.shared:
            for name in READ_ONLY_HIDES:
                for found in content.findChildren(QWidget, name):
                    found.setVisible(False)
        return content
