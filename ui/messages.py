"""Every message box the app shows goes through here, so tests can pre-answer them.

``KnownError`` carries a sentence the person can act on and is shown as it is;
anything else is a bug: its scrubbed traceback goes to the log and the person sees one calm
sentence that says their saved work is safe.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMessageBox, QWidget

from msp_desktop.errors import KnownError
from msp_desktop.logs import scrubbed_traceback
from ui.i18n import tr

log = logging.getLogger("msp.ui")

Button = QMessageBox.StandardButton


def error_sentence(exc: BaseException) -> str:
    """What to tell the person about ``exc``; unknown errors are logged with a traceback."""
    if isinstance(exc, KnownError):
        return exc.message
    # The message itself may quote record contents, so only its shape is logged.
    log.error("Unexpected error in the desktop app:\n%s", scrubbed_traceback(exc))
    return tr("Something went wrong; your saved work is safe. Details are in the log.")


@dataclass(frozen=True)
class Shown:
    """A message box as it was (or would have been) shown; tests read these."""

    kind: str
    title: str
    text: str


_answers: deque[Button] = deque()
shown: list[Shown] = []


def answer_next(*buttons: Button) -> None:
    """Tests: answer the next message boxes with ``buttons`` instead of showing them."""
    _answers.extend(buttons)


def reset() -> None:
    """Tests: forget queued answers and the record of shown messages."""
    _answers.clear()
    shown.clear()


def _show(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    kind: str,
    title: str,
    text: str,
    buttons: Button,
    default: Button,
) -> Button | None:
    shown.append(Shown(kind, title, text))
    if _answers:
        return _answers.popleft()
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setDefaultButton(default)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    for button in box.buttons():
        button.setAccessibleName(button.text().replace("&", ""))
    if kind == "question":
        return Button(box.exec())
    # Information needs no answer: open it without blocking the caller.
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return None


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the person about an error (see ``error_sentence``)."""
    text = error_sentence(exc)
    _show(parent, QMessageBox.Icon.Warning, "error", tr("MSP Desktop"), text, Button.Ok, Button.Ok)


def inform(parent: QWidget | None, text: str) -> None:
    """A plain notice with an OK button."""
    _show(
        parent, QMessageBox.Icon.Information, "info", tr("MSP Desktop"), text, Button.Ok, Button.Ok
    )


def confirm(parent: QWidget | None, text: str, yes: Button = Button.Yes) -> bool:
    """Ask a yes/no question; True when the person chose ``yes``."""
    answer = _show(
        parent,
        QMessageBox.Icon.Question,
        "question",
        tr("MSP Desktop"),
        text,
        yes | Button.Cancel,
        Button.Cancel,
    )
    return answer == yes


def offer(
    parent: QWidget | None, text: str, action: str, on_yes: Callable[[], None]
) -> QMessageBox | None:
    """A calm notice with one way forward: the button ``action`` calls ``on_yes``.

    It does not block: the box is returned (None when a test answered it: ``Button.Yes``
    takes the way forward, anything else closes it).
    """
    shown.append(Shown("offer", tr("MSP Desktop"), text))
    if _answers:
        if _answers.popleft() == Button.Yes:
            on_yes()
        return None
    box = QMessageBox(QMessageBox.Icon.Information, tr("MSP Desktop"), text, Button.Cancel, parent)
    box.setObjectName("message.offer")
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    go.setObjectName("message.offer.go")
    box.button(Button.Cancel).setText(tr("Not now"))
    box.setDefaultButton(go)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    for button in box.buttons():
        button.setAccessibleName(button.text().replace("&", ""))
        button.setIcon(QIcon())  # words only: the style's red cross on "Not now" alarms
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda clicked: on_yes() if clicked is go else None)
    box.open()
    return box
