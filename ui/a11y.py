"""Small helpers that give every control a name a screen reader can speak."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAccessibleWidget,
    QApplication,
    QDialogButtonBox,
    QLabel,
    QWidget,
)

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, description: str = "") -> W:
    """Set the accessible name (and description) of ``widget`` and return it."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def plain(text: str) -> str:
    """Button or label text without its mnemonic ampersand."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def name_buttons(box: QDialogButtonBox) -> None:
    """Name every button of a button box after its visible text."""
    for button in box.buttons():
        button.setAccessibleName(plain(button.text()))


def buddy(label_text: str, field: QWidget, parent: QWidget | None = None) -> QLabel:
    """A label (with its mnemonic) that moves focus to ``field`` and names it."""
    label = QLabel(label_text, parent)
    label.setBuddy(field)
    if not field.accessibleName():
        field.setAccessibleName(plain(label_text))
    return label


def focus_through(container: W, target: QWidget) -> W:
    """Give ``container``'s focus to ``target`` (a date's line, a set of choices' first
    button) and return it.

    A label's Alt+letter moves the focus only to a buddy that takes focus itself, so the
    container takes it on click, never on Tab: Tab still goes straight to ``target``.
    """
    container.setFocusProxy(target)
    container.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    return container


def name_button(button: QAbstractButton) -> QAbstractButton:
    """Name a button after its visible text."""
    button.setAccessibleName(plain(button.text()))
    return button


def announce(widget: QWidget, sentence: str) -> None:
    """Have a screen reader say ``sentence`` politely (after what it is saying now),
    without moving the focus: for a status that changed where the worker is not looking.

    Nothing is sent for an empty sentence, or while ``widget`` is not shown (a status
    on a page or window nobody can see is not news).
    """
    if not sentence or not widget.isVisible():
        return
    event = QAccessibleAnnouncementEvent(widget, sentence)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)


class StatusLabel(QLabel):
    """A status line: its text is its accessible name, and a change is announced.

    ``purpose`` (e.g. "Save status") is the accessible description, so a screen reader
    reading the line says what it is about after what it says. ``set_status`` with
    ``speak=False`` updates the words without announcing them (a passing "Saving…").
    """

    def __init__(self, purpose: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        if purpose:
            self.setAccessibleDescription(purpose)

    def set_status(self, text: str, speak: bool = True) -> None:
        """Show ``text``, name the line after it and, if it changed, announce it."""
        changed = text != self.text()
        super().setText(text)
        self.setAccessibleName(text)
        if changed and speak and text:
            announce(self, text)

    def setText(self, text: str) -> None:
        # Qt's own name, so code and connections that set the text announce it too.
        self.set_status(text)

    def clear(self) -> None:
        self.set_status("")


HEADING_LEVEL = "a11yHeadingLevel"
"""The property that marks a label as a heading (its level, 1 for a page's title)."""
_factory_installed = False


class _HeadingInterface(QAccessibleWidget):
    """A heading label as assistive technology sees it: the heading role, its words."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label, QAccessible.Role.Heading)
        self._label = label

    def text(self, kind: QAccessible.Text) -> str:
        if kind == QAccessible.Text.Name:
            return self._label.accessibleName() or self._label.text()
        return str(super().text(kind))


def _heading_factory(_class_name: str, thing: QObject) -> QAccessibleWidget | None:
    if isinstance(thing, QLabel) and thing.property(HEADING_LEVEL):
        return _HeadingInterface(thing)
    return None


def mark_heading(label: QLabel, level: int) -> QLabel:
    """Expose ``label`` as a heading of ``level`` (WCAG 1.3.1) and return it.

    Qt gives every label the static-text role and has no property for another, so an
    accessibility factory (installed once, with the application) gives labels marked
    with ``HEADING_LEVEL`` the heading role. The level is kept on the label; PySide6
    cannot hand Qt the attributes interface that would report it (see
    tests/ui/test_structure.py).
    """
    global _factory_installed
    # Installed once a QApplication exists: a factory installed before it is never asked.
    if not _factory_installed and QApplication.instance() is not None:
        QAccessible.installFactory(_heading_factory)
        _factory_installed = True
    label.setProperty(HEADING_LEVEL, level)
    # Qt may already have made (and kept) the label's static-text interface, when the
    # label joined its parent: forget it, so the next question goes to the factory.
    interface = QAccessible.queryAccessibleInterface(label)
    if interface is not None and interface.role() != QAccessible.Role.Heading:
        QAccessible.deleteAccessibleInterface(QAccessible.uniqueId(interface))
    return label
