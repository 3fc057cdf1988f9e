"""What the person page's dialogs share: a date field, a set of choices that starts
unanswered, and a dialog that saves through the database worker.

A ``WorkspaceDialog`` never touches the workspace itself: it hands one operation (a call
of ``msp_desktop.services``) to the ``DbWorker``. While that runs, the dialog cannot be
sent again or cancelled; a refusal is shown as its one sentence and the dialog stays
open with everything typed in it, so the worker corrects one thing and saves again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.calendar_day import council_today, far_past_note
from msp_desktop.store import Workspace
from ui import messages
from ui.a11y import StatusLabel, focus_through, name_buttons, named, plain
from ui.db_worker import DbWorker
from ui.dialog_parts import ERROR_STYLE, heading, paragraph, plain_buttons
from ui.i18n import tr
from ui.security.private_dialog import PrivateDialog
from ui.visit.editors import parse_date

T = TypeVar("T")

# A dialog taller than this share of the screen scrolls instead of running off it.
SCREEN_SHARE = 0.88


class ErrorLine(QLabel):
    """A sentence saying what is wrong, hidden while nothing is.

    Unlike ``ui.dialog_parts.InlineError`` it never resizes the window: these dialogs
    scroll, and shrinking one to its scroll area's hint would hide the form.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(ERROR_STYLE)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def say(self, sentence: str, field: QWidget | None = None) -> None:
        """Show ``sentence`` (empty hides it); ``field`` gets the focus and speaks it."""
        self.setText(sentence)
        self.setAccessibleName(sentence)
        self.setVisible(bool(sentence))
        if field is not None:
            field.setAccessibleDescription(sentence)
            if sentence:
                field.setFocus(Qt.FocusReason.OtherFocusReason)


class DateField(QWidget):
    """A date typed the British way (26/11/2026), with a "Today" button unless the date
    can never be today (a date of birth).

    With ``far_past`` (what the date is, e.g. "date of birth"), a date unlikely far back
    gets a note under the field asking to check it (``calendar_day.far_past_note``):
    never a refusal, and it is announced to a screen reader as it appears.
    """

    def __init__(
        self,
        name: str,
        parent: QWidget | None = None,
        *,
        today: bool = True,
        far_past: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(tr("For example 26/11/2026"))
        named(self.line, name, tr("Day, month and year, like 26/11/2026"))
        hint_width = self.line.fontMetrics().horizontalAdvance(self.line.placeholderText())
        self.line.setMinimumWidth(hint_width + 24)
        self.today = QPushButton(tr("Today"), self)
        named(self.today, tr("Today: {name}", name=name))
        self.today.setAutoDefault(False)  # Enter saves the dialog, it never fills a date
        self.today.clicked.connect(self.set_today)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line)
        row.addWidget(self.today)
        self.today.setVisible(today)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        self.far_past = far_past
        self.note = StatusLabel(tr("Date check"), self)
        self.note.setObjectName("date.note")
        self.note.setWordWrap(True)
        self.note.hide()
        column.addWidget(self.note)
        if far_past is not None:
            self.line.textChanged.connect(self._check_far_past)
        focus_through(self, self.line)

    def _check_far_past(self) -> None:
        try:
            value = self.value()
        except ValueError:
            value = None  # not a date yet: the dialog says so when saving
        note = far_past_note(self.far_past or "", value, council_today()) if value else None
        # Shown first: an announcement is only sent for a line on screen.
        self.note.setVisible(note is not None)
        self.note.set_status(note or "")

    def set_today(self) -> None:
        """Put today's date in the field."""
        self.set_value(council_today())

    def value(self) -> date | None:
        """The date typed (None when empty); ``ValueError`` in words when it is no date."""
        return parse_date(self.line.text())

    def set_value(self, value: date | None) -> None:
        """Show ``value`` (empty for None)."""
        self.line.setText(value.strftime("%d/%m/%Y") if value else "")


class Choices(QWidget, Generic[T]):
    """Radio buttons for one question, none chosen until the worker chooses.

    Each button is named "question: answer" for screen readers; Tab enters the group
    once and the arrow keys move within it.
    """

    changed = Signal()

    def __init__(
        self,
        question: str,
        options: Sequence[tuple[T, str]],
        parent: QWidget | None = None,
        *,
        columns: int = 1,
        object_name: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self._values: list[T] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        rows = -(-len(options) // columns)
        for index, (value, words) in enumerate(options):
            button = QRadioButton(words, self)
            named(button, tr("{question}: {answer}", question=question, answer=plain(words)))
            self.group.addButton(button, index)
            self._values.append(value)
            grid.addWidget(button, index % rows, index // rows)
        grid.setColumnStretch(columns, 1)
        if self._values:
            # A label's Alt+letter moves focus only to a buddy that takes it: this widget
            # takes it on click (never on Tab) and hands it to an answer (focusInEvent).
            # No focus proxy: one on a radio group stops Tab from entering it.
            self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.group.idToggled.connect(self._toggled)

    def focusInEvent(self, event: QFocusEvent) -> None:
        target = self.group.checkedButton() or (self.buttons[0] if self.buttons else None)
        if target is not None:
            target.setFocus(event.reason())

    def _toggled(self, _id: int, on: bool) -> None:
        if on:  # one signal per choice, not one for the button left as well
            self.changed.emit()

    @property
    def buttons(self) -> list[QAbstractButton]:
        """The buttons in reading order."""
        return self.group.buttons()

    def value(self) -> T | None:
        """The value chosen, or None while unanswered."""
        index = self.group.checkedId()
        return self._values[index] if index >= 0 else None

    def set_value(self, value: T | None) -> None:
        """Choose ``value`` (None leaves the question unanswered)."""
        if value in self._values:
            button = self.group.button(self._values.index(value))
            if button is not None:
                button.setChecked(True)
            return
        checked = self.group.checkedButton()
        if checked is not None:
            # An exclusive group cannot be emptied by unchecking: lift it briefly.
            self.group.setExclusive(False)
            checked.setChecked(False)
            self.group.setExclusive(True)

    def button_for(self, value: T) -> QAbstractButton:
        """The button that chooses ``value``."""
        button = self.group.button(self._values.index(value))
        assert button is not None
        return button

    def set_enabled(self, enabled: bool) -> None:
        """Enable or disable every button (the answer is kept)."""
        for button in self.buttons:
            button.setEnabled(enabled)


class ChoiceBox(QComboBox, Generic[T]):
    """A drop-down whose first entry is "Not answered yet" (the value None)."""

    def __init__(
        self, name: str, options: Sequence[tuple[T, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        named(self, name)
        # As wide as the form gives it, not as its longest entry: long entries elide.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        self._values: list[T | None] = [None]
        self.addItem(tr("Not answered yet"))
        for value, words in options:
            self.addItem(words)
            self._values.append(value)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.view().setAccessibleName(name)  # the list that drops down, read out too

    def value(self) -> T | None:
        """The value chosen, or None while unanswered."""
        return self._values[max(0, self.currentIndex())]

    def set_value(self, value: T | None) -> None:
        """Choose ``value`` (None: unanswered)."""
        self.setCurrentIndex(self._values.index(value) if value in self._values else 0)


def text_box(name: str, parent: QWidget, lines: int = 3) -> QPlainTextEdit:
    """``lines`` lines of free text (more scroll); Tab moves on, the words stay exactly
    as typed."""
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    named(box, name)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 16)
    return box


def form_layout() -> QFormLayout:
    """Labels on the left, fields growing to the right, with room between rows."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setVerticalSpacing(8)
    form.setHorizontalSpacing(16)
    return form


def line_edit(name: str, parent: QWidget, max_length: int = 200) -> QLineEdit:
    """A one-line field as long as the records allow."""
    line = QLineEdit(parent)
    line.setMaxLength(max_length)
    named(line, name)
    return line


def caption(words: str, field: QWidget, parent: QWidget) -> QLabel:
    """A field's label (with its Alt+letter), which moves focus to ``field``."""
    label = QLabel(words, parent)
    label.setBuddy(field)  # never wrapped: a label cut in two reads as two
    # Qt measures the words kerned but draws the underlined letter apart ("T" then
    # "ypes"), so a label can come out a pixel or two wider than it measured.
    label.setContentsMargins(0, 0, 6, 0)
    return label


def section(words: str, parent: QWidget) -> QLabel:
    """A heading inside a form, a little larger and bold."""
    label = QLabel(words, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.12)
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 10, 0, 0)
    return label


def words_of(box: QPlainTextEdit | QLineEdit) -> str | None:
    """What was typed, or None when it is blank."""
    text = box.toPlainText() if isinstance(box, QPlainTextEdit) else box.text()
    return text if text.strip() else None


class WorkspaceDialog(PrivateDialog):
    """A form that saves through the database worker: ``saved(result)`` once it has.

    It shows a person's details, so it hides under the privacy screen and takes the
    lock and privacy keys while it has the keyboard (``PrivateDialog``).

    Subclasses build their fields into ``self.form`` (a scrolling column) and
    ``self.footer`` (always in sight), call ``finish(words)`` to name the save button,
    and call ``send`` with the service operation when the fields are in order.
    """

    saved = Signal(object)

    def __init__(
        self, worker: DbWorker, title: str, object_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.pending = False
        self.closed = False  # answers arriving after this are dropped
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.body = QWidget(self)
        self.body.setObjectName(f"{object_name}.body")
        self.form = QVBoxLayout(self.body)
        self.form.setContentsMargins(0, 0, 12, 0)
        self.form.setSpacing(8)
        self.form.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.scroller = QScrollArea(self)
        self.scroller.setObjectName(f"{object_name}.scroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Text wraps and fields narrow to the width there is: it scrolls down, never across.
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        named(self.scroller, title)
        self.error = ErrorLine(self)
        self.footer = QVBoxLayout()  # in sight whatever the scroll: what must be seen
        self.footer.setSpacing(4)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Ok
        )  # its words come with ``finish``
        self.ok_button.setObjectName(f"{object_name}.ok")
        self.ok_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(tr("Cancel"))
        self.cancel_button.setObjectName(f"{object_name}.cancel")
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(heading(title, self))
        layout.addWidget(self.scroller, 1)
        layout.addLayout(self.footer)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def finish(self, ok_words: str) -> None:
        """Put the fields in place and name the buttons: ``ok_words`` saves."""
        self.form.addStretch(1)
        self.scroller.setWidget(self.body)
        self.ok_button.setText(ok_words)
        name_buttons(self.buttons)
        # The buttons were made before the fields: Tab reaches them last, as they are read.
        last = self.previousInFocusChain()  # the chain is a ring through the dialog
        if last is not None and last is not self.cancel_button:
            QWidget.setTabOrder(last, self.ok_button)
            QWidget.setTabOrder(self.ok_button, self.cancel_button)
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """As big as the form needs, but never taller than most of the screen."""
        hint = self.body.sizeHint()
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        # Around the form: the heading, what stays in sight under it, the buttons.
        layout = self.layout()
        around = layout.sizeHint().height() - self.scroller.sizeHint().height() if layout else 0
        width = hint.width() + 80
        height = hint.height() + max(around, 0) + 24
        if room is not None:
            width = min(width, int(room.width() * SCREEN_SHARE))
            height = min(height, int(room.height() * SCREEN_SHARE))
        self.scroller.setMinimumWidth(min(hint.width() + 20, width - 60))
        self.resize(width, height)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange and self.scroller.widget() is not None:
            self.fit_to_screen()  # the text size changed while the dialog is open
        super().changeEvent(event)

    def intro(self, words: str) -> QLabel:
        """A sentence under the heading saying what the dialog does."""
        label = paragraph(words, self.body)
        self.form.addWidget(label)
        return label

    def save(self) -> None:
        """Check the fields and send the operation (subclasses)."""
        raise NotImplementedError

    def refuse(self, sentence: str, field: QWidget | None = None) -> None:
        """Say what is wrong under the fields; ``field`` gets the focus."""
        self.error.say(sentence, field)
        if field is not None:
            self.scroller.ensureWidgetVisible(field)

    def send(self, operation: Callable[[Workspace], Any]) -> None:
        """Run ``operation`` on the database thread; ``saved`` and close once it is done."""
        if self.pending:
            return
        self.error.say("")
        self.pending = True
        self.ok_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.worker.submit(operation, self._done, self._refused)

    def _done(self, result: Any) -> None:
        if self.closed:
            return
        self.pending = False
        self.accept()
        self.saved.emit(result)  # after closing: what it starts may replace the page

    def _refused(self, exc: BaseException) -> None:
        if self.closed:
            return
        self.pending = False
        self.ok_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        messages.show_error(self, exc)

    def reject(self) -> None:
        if self.pending:
            return  # the answer is on its way: wait for it rather than lose it
        super().reject()

    def done(self, code: int) -> None:
        self.closed = True
        super().done(code)

    def abandon(self) -> None:
        """Close at once (the workspace is being locked): nothing is saved."""
        self.pending = False
        super().reject()
