""" "Add a contact note": a call, letter, email or meeting between visits.

How the contact happened is chosen, never assumed; the date starts as today and says
so in words beside it; the words are internal (for workers only) unless the worker
marks them otherwise; the concern is optional. Saving calls
``msp_desktop.services.contacts.add_contact`` on the database worker. A refusal says
why in one sentence under the fields and keeps everything typed; Cancel asks first
when there are words to lose. Opened with ``open()``; ``saved`` carries the new note.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.calendar_day import council_today
from msp_desktop.errors import KnownError
from msp_desktop.model import ContactKind, ContactNote, Person, Visibility
from msp_desktop.services.contacts import add_contact
from msp_desktop.store import Workspace
from ui import messages
from ui.a11y import buddy, name_buttons, named, plain
from ui.date_text import date_text
from ui.db_worker import DbWorker
from ui.dialog_parts import InlineError, heading, paragraph, plain_buttons
from ui.i18n import N_, Message, tr, tr_marked, tr_n
from ui.security.private_dialog import PrivateDialog
from ui.visit.editors import VISIBILITY_WORDS, parse_date

KIND_CHOICES: tuple[tuple[ContactKind, Message], ...] = (
    (ContactKind.PHONE, N_("&Phone call")),
    (ContactKind.LETTER, N_("&Letter")),
    (ContactKind.EMAIL, N_("&Email")),
    (ContactKind.MEETING, N_("&Meeting")),
)
# Internal first: the safe choice, and the one a call with a relative or a GP needs.
VISIBILITIES = (Visibility.INTERNAL, Visibility.THIRD_PARTY, Visibility.PERSON)


def day_words(value: date, today: date) -> str:
    """A date said in words beside the field: "Today, 5 Dec 2026", "3 days ago, …"."""
    shown = date_text(value)
    days = (today - value).days
    if days == 0:
        return tr("Today, {date}", date=shown)
    if days == 1:
        return tr("Yesterday, {date}", date=shown)
    if days > 1:
        return tr_n("{count} day ago, {date}", "{count} days ago, {date}", days, date=shown)
    return tr("{date} is in the future: record a contact once it has happened.", date=shown)


class ContactDialog(PrivateDialog):
    """Records one contact for ``person``; ``saved(ContactNote)`` once it is kept."""

    saved = Signal(object)

    def __init__(
        self,
        worker: DbWorker,
        person: Person,
        concerns: list[tuple[str, str]],
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._person_id = person.id
        self._today = today or council_today()
        self._saving = False
        self._done = False
        self.setObjectName("dialog.contact")
        self.setWindowTitle(tr("Add a contact note"))

        self.kind_box = QGroupBox(tr("How was the contact made?"), self)
        self.kind_box.setObjectName("contact.kind")
        self.kinds = QButtonGroup(self)
        kind_row = QHBoxLayout(self.kind_box)
        self._kinds: dict[int, ContactKind] = {}
        for number, (kind, words) in enumerate(KIND_CHOICES):
            radio = QRadioButton(tr_marked(words), self.kind_box)
            radio.setObjectName(f"contact.kind.{kind.value}")
            named(radio, plain(tr_marked(words)))
            self.kinds.addButton(radio, number)
            self._kinds[number] = kind
            kind_row.addWidget(radio)
        kind_row.addStretch(1)

        self.date_edit = QLineEdit(self._today.strftime("%d/%m/%Y"), self)
        self.date_edit.setObjectName("contact.date")
        self.date_edit.setPlaceholderText(tr("For example 26/11/2026"))
        self.date_edit.setAccessibleDescription(tr("Day, month and year, like 26/11/2026"))
        self.date_words = QLabel(self)
        self.date_words.setObjectName("contact.date_words")
        self.date_edit.textChanged.connect(self._say_date)
        date_row = QHBoxLayout()
        date_row.setSpacing(12)
        date_row.addWidget(self.date_edit)
        date_row.addWidget(self.date_words, 1)

        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("contact.text")
        self.text_edit.setTabChangesFocus(True)
        # Room for a few sentences at any text size, more when the dialog has it; it
        # scrolls beyond. Not more than four lines at least: at 150 % on a laptop screen
        # a taller box would squeeze the fields under it once an error shows.
        self.text_edit.setMinimumHeight(self.text_edit.fontMetrics().lineSpacing() * 4)

        self.visibility = QComboBox(self)
        self.visibility.setObjectName("contact.visibility")
        for option in VISIBILITIES:
            self.visibility.addItem(tr_marked(VISIBILITY_WORDS[option]))

        self.concern = QComboBox(self)
        self.concern.setObjectName("contact.concern")
        self.concern.addItem(tr("Not about one concern in particular"), None)
        for concern_id, concern_words in concerns:
            self.concern.addItem(concern_words, concern_id)

        # The lists the boxes open are read out too.
        named(self.visibility.view(), tr("Who may read it: the choices"))
        named(self.concern.view(), tr("Concern: the choices"))

        # One grid, so the fields line up; the words get its whole width, their label
        # above them.
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        grid.addWidget(buddy(tr("&Date"), self.date_edit, self), 0, 0)
        grid.addLayout(date_row, 0, 1)
        grid.addWidget(buddy(tr("&What happened"), self.text_edit, self), 1, 0, 1, 2)
        grid.addWidget(self.text_edit, 2, 0, 1, 2)
        grid.addWidget(buddy(tr("Who may &read it"), self.visibility, self), 3, 0)
        grid.addWidget(self.visibility, 3, 1)
        grid.addWidget(buddy(tr("&Concern"), self.concern, self), 4, 0)
        grid.addWidget(self.concern, 4, 1)
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(1, 1)

        self.error = InlineError(self)
        self.error.setObjectName("contact.error")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("contact.save")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("contact.cancel")
        name_buttons(self.buttons)
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading(tr("Add a contact note"), self))
        name = person.preferred_name or person.name
        layout.addWidget(
            paragraph(tr("A call, letter, email or meeting with or about {name}.", name=name), self)
        )
        layout.addWidget(self.kind_box)
        layout.addLayout(grid, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._say_date(self.date_edit.text())
        self.show_visibility(Visibility.INTERNAL)
        first = self.kinds.button(0)
        QWidget.setTabOrder(first, self.date_edit)
        QWidget.setTabOrder(self.date_edit, self.text_edit)
        QWidget.setTabOrder(self.text_edit, self.visibility)
        QWidget.setTabOrder(self.visibility, self.concern)
        QWidget.setTabOrder(self.concern, self.save_button)
        QWidget.setTabOrder(self.save_button, self.cancel_button)
        first.setFocus()

    # -- what the fields hold ------------------------------------------------------------

    def chosen_kind(self) -> ContactKind | None:
        """How the contact happened, or None while nothing is chosen."""
        return self._kinds.get(self.kinds.checkedId())

    def chosen_visibility(self) -> Visibility:
        """Who may read the words."""
        return VISIBILITIES[self.visibility.currentIndex()]

    def show_visibility(self, visibility: Visibility) -> None:
        """Choose ``visibility`` in the list."""
        self.visibility.setCurrentIndex(VISIBILITIES.index(visibility))

    def _say_date(self, typed: str) -> None:
        try:
            value = parse_date(typed)
        except ValueError as exc:
            words = str(exc)
        else:
            words = day_words(value, self._today) if value else tr("Type the date of the contact.")
        self.date_words.setText(words)
        self.date_edit.setAccessibleName(tr("Date: {words}", words=words))

    # -- saving --------------------------------------------------------------------------

    def _save(self) -> None:
        if self._saving:
            return
        self.error.clear_error(self.kind_box, self.date_edit, self.text_edit)
        kind = self.chosen_kind()
        if kind is None:
            self.error.say(
                tr("Choose how the contact happened: phone call, letter, email or meeting."),
                self.kinds.button(0),
            )
            return
        try:
            on = parse_date(self.date_edit.text())
        except ValueError:
            self.error.say(
                tr(
                    "“{text}” is not a date: type it like 26/11/2026.",
                    text=self.date_edit.text().strip(),
                ),
                self.date_edit,
            )
            return
        if on is None:
            self.error.say(tr("Type the date of the contact, like 26/11/2026."), self.date_edit)
            return
        words = self.text_edit.toPlainText()
        concern_id = self.concern.currentData()
        visibility = self.chosen_visibility()
        person_id = self._person_id

        def keep(workspace: Workspace) -> ContactNote:
            return add_contact(
                workspace,
                person_id,
                kind,
                words,
                on=on,
                concern_id=concern_id if isinstance(concern_id, str) else None,
                visibility=visibility,
            )

        self._set_saving(True)
        self._worker.submit(keep, self._kept, lambda exc: self._refused(exc, on))

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)

    def _kept(self, contact: ContactNote) -> None:
        self._set_saving(False)
        self._done = True
        self.saved.emit(contact)
        self.accept()

    def _refused(self, exc: BaseException, on: date) -> None:
        self._set_saving(False)
        field: QWidget = self.date_edit if on > self._today else self.text_edit
        if not isinstance(exc, KnownError):
            field = self.save_button
        self.error.say(messages.error_sentence(exc), field)

    def reject(self) -> None:
        # Words typed are never dropped without asking.
        typed = self.text_edit.toPlainText().strip()
        if typed and not self._done:
            discard = messages.confirm(
                self,
                tr("Discard this contact note? What you typed will not be kept."),
                messages.Button.Discard,
            )
            if not discard:
                return
        super().reject()
