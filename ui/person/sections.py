"""The parts of the person page: its type, the header and the household.

Built from plain values; none of them reads the database. Widgets are created in
reading order, so the tab order follows it too. Concerns are in ``ui.person.concern_card``.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.model import Person
from ui.a11y import mark_heading
from ui.i18n import tr
from ui.person.person_text import (
    birth_text,
    format_text,
    language_text,
    member_text,
    needs_text,
    nhs_text,
)

TYPE_SCALE = 1.25
MIN_POINT_SIZE = 12.0


def page_font(scale: float = 1.0, bold: bool = False) -> QFont:
    """The page's type: larger than the app's, at ``scale`` times that.

    Set on each widget itself: under a style sheet Qt stops passing a parent's font
    down, and ``ui.theme`` rescales fonts set this way when the text size changes.
    """
    font = QApplication.font()
    font.setPointSizeF(max(font.pointSizeF() * TYPE_SCALE, MIN_POINT_SIZE) * scale)
    font.setBold(bold)
    return font


def text(words: str, parent: QWidget, scale: float = 1.0, bold: bool = False) -> QLabel:
    """A plain, wrapping, selectable label at ``scale`` times the page's type size."""
    label = QLabel(words, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setFont(page_font(scale, bold))
    return label


def button(words: str, parent: QWidget) -> QPushButton:
    """A push button in the page's type."""
    push = QPushButton(words, parent)
    push.setFont(page_font())
    return push


def card(object_name: str, parent: QWidget) -> tuple[QFrame, QVBoxLayout]:
    """A calm white panel with room around its contents."""
    frame = QFrame(parent)
    frame.setObjectName(object_name)
    frame.setProperty("card", True)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(20, 16, 20, 18)
    layout.setSpacing(8)
    return frame, layout


def facts(rows: list[tuple[str, str]], parent: QWidget, object_name: str) -> QWidget:
    """Label and value pairs; each label is the buddy-label of its value."""
    box = QWidget(parent)
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 4, 0, 4)
    grid.setHorizontalSpacing(24)
    grid.setVerticalSpacing(6)
    for row, (name, value) in enumerate(rows):
        value_label = text(value, box)
        value_label.setObjectName(f"{object_name}.{row}")
        caption = text(name, box)
        caption.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        caption.setWordWrap(False)
        caption.setBuddy(value_label)
        value_label.setAccessibleName(tr("{name}: {value}", name=name, value=value))
        grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(value_label, row, 1)
    grid.setColumnStretch(1, 1)
    return box


def header(person: Person, today: date, parent: QWidget) -> QWidget:
    """The person's name in large type, then their details (never the household)."""
    box = QWidget(parent)
    box.setObjectName("person.header")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    name = text(person.name, box, scale=1.9, bold=True)
    name.setObjectName("person.name")
    mark_heading(name, 1)
    layout.addWidget(name)
    if person.preferred_name:
        known = text(tr("Known as {name}", name=person.preferred_name), box, scale=1.25)
        known.setObjectName("person.known_as")
        layout.addWidget(known)
    address = person.address.text if person.address else tr("Not recorded")
    notes = person.communication_notes.text if person.communication_notes else None
    rows = [
        (tr("Date of birth"), birth_text(person.date_of_birth, today)),
        (tr("Local ID"), person.local_id or tr("Not recorded")),
        (tr("NHS number"), nhs_text(person.nhs_number)),
        (tr("Address"), address),
        (tr("Phone"), person.phone or tr("Not recorded")),
        (tr("Preferred language"), language_text(person)),
        (tr("Communication needs"), needs_text(person.communication_needs, notes)),
        (tr("Format for copies"), format_text(person)),
    ]
    layout.addWidget(facts(rows, box, "person.detail"))
    return box


def household(person: Person, parent: QWidget) -> QWidget:
    """Who lives with the person, small and labelled as other people's details."""
    frame, layout = card("person.household", parent)
    title = mark_heading(text(tr("Household and other people"), frame, bold=True), 2)
    layout.addWidget(title)
    note = text(tr("Other people's details: left out of the person's copy."), frame, scale=0.9)
    layout.addWidget(note)
    if not person.household:
        layout.addWidget(text(tr("No one else recorded."), frame, scale=0.9))
    for member in person.household:
        # "May be a source of risk" is said in words and in bold: a safety cue on a visit.
        line = text(member_text(member), frame, scale=0.9, bold=member.may_be_source_of_risk)
        line.setObjectName("person.household.member")
        layout.addWidget(line)
    return frame
