"""The household and other people in the person's life, as a short list in the person
dialog: name, relationship, whether they live with the person, whether they may be a
source of risk, and who may read the entry (third party unless the worker says so).

Nothing is pre-answered: "lives with the person?" and "may be a source of risk?" start
as "Not answered yet" for someone new, and the dialog asks for both before saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.model import HouseholdMember, Visibility
from ui.a11y import named
from ui.i18n import N_, Message, tr, tr_marked
from ui.person.form_parts import ChoiceBox, caption, line_edit

# Who may read an entry, in the order offered: the safe choice first. Shorter than the
# visit's words, so a row stays readable at large text sizes.
ENTRY_VISIBILITY: dict[Visibility, Message] = {
    Visibility.THIRD_PARTY: N_("Left out of the person's copy"),
    Visibility.INTERNAL: N_("Workers only"),
    Visibility.PERSON: N_("The person may read it"),
}


@dataclass(frozen=True)
class Missing:
    """What a row still needs: the sentence, and the field to put the focus on."""

    sentence: str
    field: QWidget


class MemberRow(QFrame):
    """One person in the list; keeps the entry it was filled from (its note included)."""

    def __init__(self, number: int, member: HouseholdMember | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("household.row")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.original = member
        self.name = line_edit("", self)
        self.relationship = line_edit("", self)
        self.lives_with = ChoiceBox[bool](
            "", [(True, tr("Yes, lives with them")), (False, tr("No, lives elsewhere"))], self
        )
        self.risk = ChoiceBox[bool](
            "", [(True, tr("Yes, may be a source of risk")), (False, tr("No"))], self
        )
        self.visibility = ChoiceBox[Visibility](
            "", [(v, tr_marked(words)) for v, words in ENTRY_VISIBILITY.items()], self
        )
        self.visibility.set_value(Visibility.THIRD_PARTY)
        self.remove = QPushButton(tr("Remove"), self)
        self.remove.setAutoDefault(False)
        self.heading = QLabel(self)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 10)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.heading, 0, 0, 1, 3)
        fields: list[tuple[str, QWidget]] = [
            (tr("Name"), self.name),
            (tr("Relationship"), self.relationship),
            (tr("Lives with the person?"), self.lives_with),
            (tr("May be a source of risk?"), self.risk),
            (tr("Who may read this entry"), self.visibility),
        ]
        for row, (words, field) in enumerate(fields, start=1):
            grid.addWidget(caption(words, field, self), row, 0)
            grid.addWidget(field, row, 1)
        grid.addWidget(self.remove, len(fields), 2, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(1, 1)
        if member is not None:
            self.name.setText(member.name)
            self.relationship.setText(member.relationship)
            self.lives_with.set_value(member.lives_with_person)
            self.risk.set_value(member.may_be_source_of_risk)
            self.visibility.set_value(member.visibility)
        self.number(number)

    def number(self, number: int) -> None:
        """Name the row's controls after its place in the list."""
        self.heading.setText(tr("Other person {number}", number=number))
        named(self.name, tr("Other person {number}: name", number=number))
        named(self.relationship, tr("Other person {number}: relationship", number=number))
        named(
            self.lives_with,
            tr("Other person {number}: lives with the person?", number=number),
        )
        named(self.risk, tr("Other person {number}: may be a source of risk?", number=number))
        named(self.visibility, tr("Other person {number}: who may read this entry", number=number))
        named(self.remove, tr("Remove other person {number}", number=number))

    def focus_order(self) -> list[QWidget]:
        """The row's controls in reading order."""
        return [self.name, self.relationship, self.lives_with, self.risk, self.visibility]

    def is_blank(self) -> bool:
        """Nothing typed or chosen: the row is left out."""
        return not (self.name.text().strip() or self.relationship.text().strip()) and (
            self.lives_with.value() is None and self.risk.value() is None
        )

    def missing(self) -> Missing | None:
        """The first thing this row still needs, in words."""
        who = self.name.text().strip()
        if not who:
            return Missing(tr("Give the name of each other person listed."), self.name)
        if not self.relationship.text().strip():
            return Missing(
                tr(
                    "Say how {name} is related to the person (for example son, neighbour).",
                    name=who,
                ),
                self.relationship,
            )
        if self.lives_with.value() is None:
            return Missing(
                tr("Say whether {name} lives with the person.", name=who), self.lives_with
            )
        if self.risk.value() is None:
            return Missing(tr("Say whether {name} may be a source of risk.", name=who), self.risk)
        return None

    def entry(self) -> dict[str, Any]:
        """The household entry as the records take it (checked by the service)."""
        entry: dict[str, Any] = self.original.model_dump() if self.original else {}
        entry.update(
            name=self.name.text(),
            relationship=self.relationship.text(),
            lives_with_person=self.lives_with.value(),
            may_be_source_of_risk=self.risk.value(),
            visibility=self.visibility.value() or Visibility.THIRD_PARTY,
        )
        return entry


class HouseholdEditor(QWidget):
    """The list of other people, with "Add someone" under it."""

    def __init__(self, members: list[HouseholdMember], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("household.editor")
        self.rows: list[MemberRow] = []
        self.empty = QLabel(tr("No one else recorded."), self)
        self.add_button = QPushButton(tr("Add s&omeone"), self)
        self.add_button.setObjectName("household.add")
        self.add_button.setAutoDefault(False)
        named(
            self.add_button,
            tr("Add someone"),
            tr("Add a person in the household or the person's life."),
        )
        self.add_button.clicked.connect(lambda: self.add(None, focus=True))
        self.list = QVBoxLayout()
        self.list.setSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addLayout(self.list)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        for member in members:
            self.add(member)

    def add(self, member: HouseholdMember | None, focus: bool = False) -> MemberRow:
        """Add a row (filled from ``member``) at the end of the list."""
        row = MemberRow(len(self.rows) + 1, member, self)
        row.remove.clicked.connect(lambda: self.remove(row))
        # New controls join the end of Qt's focus chain (after the dialog's buttons):
        # put them just before "Add someone", where they are read.
        anchor: QWidget = self.add_button.previousInFocusChain() or self
        for control in [*row.focus_order(), row.remove]:
            QWidget.setTabOrder(anchor, control)
            anchor = control
        self.rows.append(row)
        self.list.addWidget(row)
        self.empty.setVisible(False)
        if focus:
            row.name.setFocus(Qt.FocusReason.TabFocusReason)
        return row

    def remove(self, row: MemberRow) -> None:
        """Take ``row`` off the list (saved only when the dialog is)."""
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        for number, other in enumerate(self.rows, start=1):
            other.number(number)
        self.empty.setVisible(not self.rows)
        self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def missing(self) -> Missing | None:
        """The first thing the list still needs, in words."""
        for row in self.rows:
            if not row.is_blank() and (problem := row.missing()) is not None:
                return problem
        return None

    def entries(self) -> list[dict[str, Any]]:
        """Every filled row, in order."""
        return [row.entry() for row in self.rows if not row.is_blank()]

    def line_edits(self) -> list[QLineEdit]:
        """The name fields, in order (for tests and focus)."""
        return [row.name for row in self.rows]
