"""Adding a person to the caseload, or changing their details: one dialog for both.

Nothing is pre-answered. The full name and the language the person prefers are needed
to save; the format of their copies stays "not asked yet" until the worker chooses one.
Saving calls ``services.people.add_person`` or ``edit_person`` on the database thread;
a refusal (a control character in a name, an NHS number whose check digit is wrong)
is shown in its one sentence, and every typed value stays in the dialog.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from msp_desktop.model import CommunicationNeed, CopyFormat, Language, Note, Person
from msp_desktop.model.safe_text import check_nhs_number, normalise_nhs_number
from msp_desktop.services.people import add_person, edit_person
from msp_desktop.store import Workspace
from ui.a11y import focus_through, named
from ui.db_worker import DbWorker
from ui.dialog_parts import paragraph
from ui.i18n import tr, tr_marked
from ui.person.form_parts import (
    Choices,
    DateField,
    ErrorLine,
    WorkspaceDialog,
    caption,
    form_layout,
    line_edit,
    section,
    text_box,
    words_of,
)
from ui.person.household_editor import HouseholdEditor
from ui.person.person_text import FORMAT_WORDS, NEED_WORDS, nhs_text


def nhs_problem(typed: str) -> str | None:
    """What is wrong with a typed NHS number, in words (None when it is right or blank)."""
    digits = normalise_nhs_number(typed)
    if not digits:
        return None
    if len(digits) != 10 or not digits.isdigit():
        return tr("An NHS number is 10 digits, for example 943 476 5919.")
    try:
        check_nhs_number(digits)
    except ValueError:
        return tr(
            "The last digit of this NHS number does not match the other nine (it is a "
            "check digit): check it was copied right."
        )
    return None


def _note(typed: str | None, kept: Note | None) -> dict[str, Any] | None:
    """A note from typed text, keeping who may read it when it was recorded before."""
    if typed is None:
        return None
    if kept is None:
        return {"text": typed}
    return {"text": typed, "visibility": kept.visibility}


class PersonDialog(WorkspaceDialog):
    """Adds a person (``person`` None) or changes ``person``; ``saved(person id)``."""

    def __init__(
        self, worker: DbWorker, person: Person | None = None, parent: QWidget | None = None
    ) -> None:
        title = tr("Add a person") if person is None else tr("Change details")
        super().__init__(worker, title, "dialog.person", parent)
        self.person = person
        if person is None:
            self.intro(
                tr(
                    "The full name and the language the person prefers are needed; "
                    "everything else can be added later. Nothing here is filled in for you."
                )
            )
        else:
            self.intro(tr("Change what is different; everything else stays as it was recorded."))

        # One form, so every label lines up; the sections are headings across it.
        self.rows = form_layout()
        self.form.addLayout(self.rows)

        self._section(tr("Who they are"))
        self.name = line_edit(tr("Full name"), self.body)
        self.name.setObjectName("person.name_edit")
        self._field(tr("&Full name"), self.name)
        self.preferred_name = line_edit(tr("Preferred name"), self.body)
        self._field(tr("&Preferred name"), self.preferred_name)
        self.birth = DateField(
            tr("Date of birth"), self.body, today=False, far_past="date of birth"
        )
        self._field(tr("Date of &birth"), self.birth)
        self.local_id = line_edit(tr("Local ID"), self.body)
        self._field(tr("Local &ID"), self.local_id)
        self.nhs = line_edit(tr("NHS number"), self.body, max_length=20)
        self.nhs.setPlaceholderText(tr("10 digits, for example 943 476 5919"))
        self._field(tr("&NHS number"), self.nhs)
        self.nhs_note = ErrorLine(self.body)
        self.nhs_note.setObjectName("person.nhs_problem")
        self.rows.addRow("", self.nhs_note)
        self.nhs.editingFinished.connect(self.check_nhs)
        self.nhs.textEdited.connect(lambda _t: self.nhs_note.say(""))

        self._section(tr("How to reach them"))
        self.address = text_box(tr("Address"), self.body)
        self._field(tr("Add&ress"), self.address)
        self.phone = line_edit(tr("Phone"), self.body)
        self._field(tr("P&hone"), self.phone)

        self._section(tr("Language and communication"))
        self.language = Choices[Language](
            tr("Preferred language"),
            [
                (Language.EN, tr("English")),
                (Language.CY, tr("Welsh (Cymraeg)")),
                (Language.OTHER, tr("Another language")),
            ],
            self.body,
            columns=3,
            object_name="person.language",
        )
        self._field(tr("Preferred &language"), self.language)
        self.other_language = line_edit(tr("Which language"), self.body)
        self.other_language.setEnabled(False)
        self._field(tr("Which lan&guage"), self.other_language)
        self.language.changed.connect(self._language_changed)
        self.needs = QWidget(self.body)
        grid = QGridLayout(self.needs)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        self.need_boxes: dict[CommunicationNeed, QCheckBox] = {}
        for index, need in enumerate(CommunicationNeed):
            box = QCheckBox(tr_marked(NEED_WORDS[need]), self.needs)
            named(box, tr("Communication needs: {need}", need=tr_marked(NEED_WORDS[need])))
            grid.addWidget(box, index // 2, index % 2)
            self.need_boxes[need] = box
        grid.setColumnStretch(2, 1)
        focus_through(self.needs, self.need_boxes[CommunicationNeed.INTERPRETER])
        self._field(tr("Communication nee&ds"), self.needs)
        self.need_notes = text_box(tr("Other communication needs, in words"), self.body, lines=2)
        self._field(tr("Other needs, in &words"), self.need_notes)
        self.format = Choices[CopyFormat](
            tr("Format for their copies"),
            [(f, tr_marked(FORMAT_WORDS[f])) for f in CopyFormat],
            self.body,
            columns=3,
            object_name="person.format",
        )
        self._field(tr("Format for their &copies"), self.format)
        self.rows.addRow(
            "",
            paragraph(
                tr("Leave the format unanswered until you have asked the person."), self.body
            ),
        )

        self._section(tr("Household and other people"))
        self.rows.addRow(
            paragraph(
                tr(
                    "Other people's details are left out of the person's copy unless you "
                    "mark an entry otherwise."
                ),
                self.body,
            )
        )
        self.household = HouseholdEditor(list(person.household) if person else [], self.body)
        self.rows.addRow(self.household)

        self.finish(tr("&Save") if person else tr("&Add person"))
        if person is not None:
            self._show(person)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _section(self, words: str) -> None:
        self.rows.addRow(section(words, self.body))

    def _field(self, words: str, field: QWidget) -> None:
        self.rows.addRow(caption(words, field, self.body), field)

    def _show(self, person: Person) -> None:
        self.name.setText(person.name)
        self.preferred_name.setText(person.preferred_name or "")
        self.birth.set_value(person.date_of_birth)
        self.local_id.setText(person.local_id or "")
        self.nhs.setText(nhs_text(person.nhs_number) if person.nhs_number else "")
        self.address.setPlainText(person.address.text if person.address else "")
        self.phone.setText(person.phone or "")
        self.language.set_value(person.preferred_language)
        self.other_language.setText(person.other_language or "")
        for need, box in self.need_boxes.items():
            box.setChecked(need in person.communication_needs)
        notes = person.communication_notes
        self.need_notes.setPlainText(notes.text if notes else "")
        self.format.set_value(person.preferred_format)

    def _language_changed(self) -> None:
        self.other_language.setEnabled(self.language.value() is Language.OTHER)

    def check_nhs(self) -> None:
        """Say, under the field, what is wrong with the NHS number typed (if anything)."""
        self.nhs_note.say(nhs_problem(self.nhs.text()) or "")

    # -- saving ------------------------------------------------------------------------

    def details(self) -> dict[str, Any] | None:
        """The person's fields as typed, or None after saying what is still needed."""
        if not self.name.text().strip():
            self.refuse(tr("Give the person's full name."), self.name)
            return None
        try:
            born = self.birth.value()
        except ValueError as exc:
            self.refuse(tr("Date of birth: {problem}.", problem=str(exc)), self.birth.line)
            return None
        language = self.language.value()
        if language is None:
            self.refuse(
                tr("Choose the language the person prefers: English, Welsh or another."),
                self.language.buttons[0],
            )
            return None
        if (missing := self.household.missing()) is not None:
            self.refuse(missing.sentence, missing.field)
            return None
        kept = self.person
        other = words_of(self.other_language) if language is Language.OTHER else None
        return {
            "name": self.name.text(),
            "preferred_name": words_of(self.preferred_name),
            "date_of_birth": born,
            "local_id": words_of(self.local_id),
            "nhs_number": words_of(self.nhs),
            "address": _note(words_of(self.address), kept.address if kept else None),
            "phone": words_of(self.phone),
            "preferred_language": language,
            "other_language": other,
            "communication_needs": [n for n, box in self.need_boxes.items() if box.isChecked()],
            "communication_notes": _note(
                words_of(self.need_notes), kept.communication_notes if kept else None
            ),
            "preferred_format": self.format.value(),
            "household": self.household.entries(),
        }

    def save(self) -> None:
        """Check what the dialog itself can, then save through the service."""
        details = self.details()
        if details is None:
            return
        person = self.person
        if person is None:

            def add(ws: Workspace) -> str:
                return add_person(ws, details).id

            self.send(add)
            return
        person_id = person.id

        def edit(ws: Workspace) -> str:
            edit_person(ws, person_id, details)
            return person_id

        self.send(edit)
