"""Small helpers that give every control a name a screen reader can speak."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLabel, QWidget

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
