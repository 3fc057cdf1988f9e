"""One editor per kind of answer a guide question can take.

Every editor has the same small surface: ``value()``, ``set_value()`` (which never
emits ``edited``), ``set_read_only()`` and an ``edited`` signal. The step page turns
values into records with ``msp_desktop.guide.with_answer``, so editors know nothing
about where their answer is stored. Choices always show the guide's words (for
national lists, the published labels word for word).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.calendar_day import council_today
from msp_desktop.guide import AnswerKind, Question, options_for
from msp_desktop.model import Note, Visibility
from ui.date_text import date_text
from ui.i18n import N_, tr, tr_marked
from ui.visit.read_only import lock
from ui.visit.visibility_control import FULL_WORDS, THIRD_PARTY_KEYS, VisibilityButton, stricter

OutcomeChoices = Callable[[], list[tuple[str, str]]]
"""Gives the visit's current desired outcomes as (id, the person's words)."""

VISIBILITY_WORDS = FULL_WORDS  # who may read text, in full (other pages show it too)
NOT_ANSWERED = N_("Not answered yet")


class AnswerEditor(QWidget):
    """Base of all answer editors."""

    edited = Signal()

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.read_only = False
        self.setObjectName(f"answer.{question.id}")

    def value(self) -> Any:
        """The answer as the record takes it (None when not answered)."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show ``value`` without reporting an edit."""
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        """Lock the editor (finalised visits, read-only questions): the answer stays
        at full contrast and reachable by Tab, but cannot be changed."""
        self.read_only = read_only
        for child in self.findChildren(QWidget):
            if isinstance(child, QAbstractButton | QComboBox):
                lock(child, read_only)

    def focus_target(self) -> QWidget:
        """The widget a label's buddy and the keyboard should land on."""
        return self

    def _quietly(self, apply: Callable[[], None]) -> None:
        self.blockSignals(True)
        try:
            apply()
        finally:
            self.blockSignals(False)


class FittedText(QPlainTextEdit):
    """A text box as tall as its text, in lines of the current text size: two at least
    (an empty box stays small, but looks like room to write more than a word), eight
    at most (then it scrolls), so a step is not a stack of big empty boxes and long
    answers stay readable. It follows the text size setting."""

    MIN_LINES = 2
    MAX_LINES = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)  # Tab moves on; the person's words stay as typed
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = self.document().documentLayout()
        layout.documentSizeChanged.connect(lambda _size: self.updateGeometry())

    def shown_lines(self) -> int:
        """How many lines of text the box makes room for now."""
        # The plain text layout measures the document in lines (wrapped lines count).
        lines = math.ceil(self.document().documentLayout().documentSize().height())
        return min(max(lines, self.MIN_LINES), self.MAX_LINES)

    def sizeHint(self) -> QSize:
        metrics = QFontMetricsF(self.document().defaultFont())
        line = math.ceil(max(metrics.lineSpacing(), metrics.height()))
        frame = self.contentsMargins()
        inner = self.viewportMargins()
        # QPlainTextEdit scrolls unless the lines fit in the viewport less the document
        # margin on both sides and one more pixel (QPlainTextEditPrivate::
        # _q_adjustScrollbars): without that pixel a full box showed a scroll bar.
        height = (
            self.shown_lines() * line
            + 2 * self.document().documentMargin()
            + 1
            + frame.top()
            + frame.bottom()
            + inner.top()
            + inner.bottom()
        )
        return QSize(super().sizeHint().width(), math.ceil(height))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    # No FontChange handling here: QWidget asks its layout again when the text size
    # setting changes the font (test_the_height_follows_the_text_size_setting).


class TextEditor(AnswerEditor):
    """Free text, kept exactly as typed, with who may read it (a small button under
    the box, starting at the question's own visibility from the guide)."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.text = FittedText(self)
        self.text.setAccessibleName(str(question.prompt))
        self._default = question.visibility or Visibility.PERSON
        self.visibility = VisibilityButton(self._default, str(question.prompt), self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.text)
        layout.addWidget(self.visibility, 0, Qt.AlignmentFlag.AlignRight)
        self.third_party = third_party_shortcut(self, self.visibility)
        self.text.textChanged.connect(self.edited)
        self.visibility.chosen.connect(self.edited)

    def value(self) -> Note | None:
        text = self.text.toPlainText()
        if not text.strip():
            return None
        return Note(text=text, visibility=self.visibility.value())

    def set_value(self, value: Any) -> None:
        def apply() -> None:
            note = value if isinstance(value, Note) else None
            if self.text.toPlainText() != (note.text if note else ""):
                self.text.setPlainText(note.text if note else "")
            # An empty answer keeps a choice made before typing (Ctrl+Shift+T first,
            # then the words) when a step is shown again, if it is the more private.
            empty = stricter(self.visibility.value(), self._default)
            self.visibility.set_value(note.visibility if note else empty)

        self._quietly(apply)

    def set_read_only(self, read_only: bool) -> None:
        # Read-only text stays selectable and readable by screen readers.
        self.text.setReadOnly(read_only)
        lock(self.visibility, read_only)  # who may read it stays readable
        self.third_party.setEnabled(not read_only)

    def focus_target(self) -> QWidget:
        return self.text


def third_party_shortcut(editor: QWidget, button: VisibilityButton) -> QShortcut:
    """``THIRD_PARTY_KEYS`` anywhere in ``editor`` (its text box or its button) marks
    the answer as about someone else."""
    shortcut = QShortcut(QKeySequence(THIRD_PARTY_KEYS), editor)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(button.mark_third_party)
    return shortcut


class ShortTextEditor(AnswerEditor):
    """A short plain value: a place, a name."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.line = QLineEdit(self)
        self.line.setAccessibleName(str(question.prompt))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)
        self.line.textEdited.connect(self.edited)

    def value(self) -> str | None:
        return self.line.text().strip() or None

    def set_value(self, value: Any) -> None:
        self._quietly(lambda: self.line.setText(str(value) if value else ""))

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)

    def focus_target(self) -> QWidget:
        return self.line


class LinesEditor(AnswerEditor):
    """Several separate answers, one per line (strengths, names of people present).

    Lines that are notes (``text_list``) share one "who may read this" button.
    """

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.notes = question.kind is AnswerKind.TEXT_LIST
        self.text = FittedText(self)
        self.text.setPlaceholderText(tr("One on each line"))
        self.text.setAccessibleName(str(question.prompt))
        self.text.setAccessibleDescription(tr("One on each line"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.text)
        self.text.textChanged.connect(self.edited)
        self._default = question.visibility or Visibility.PERSON
        self.visibility: VisibilityButton | None = None
        self.third_party: QShortcut | None = None
        if self.notes:
            self.visibility = VisibilityButton(self._default, str(question.prompt), self)
            layout.addWidget(self.visibility, 0, Qt.AlignmentFlag.AlignRight)
            self.third_party = third_party_shortcut(self, self.visibility)
            self.visibility.chosen.connect(self.edited)

    def _shared_visibility(self) -> Visibility:
        return self.visibility.value() if self.visibility is not None else self._default

    def value(self) -> list[Any]:
        lines = [line for line in self.text.toPlainText().splitlines() if line.strip()]
        if self.notes:
            shared = self._shared_visibility()
            return [Note(text=line, visibility=shared) for line in lines]
        return lines

    def set_value(self, value: Any) -> None:
        lines = [v.text if isinstance(v, Note) else str(v) for v in (value or [])]
        text = "\n".join(lines)

        def apply() -> None:
            current = [ln for ln in self.text.toPlainText().splitlines() if ln.strip()]
            if current != lines:  # keep a half-typed empty line as it is
                self.text.setPlainText(text)
            if self.visibility is not None:
                kept = value[0].visibility if lines and isinstance(value[0], Note) else None
                empty = stricter(self.visibility.value(), self._default)
                self.visibility.set_value(kept or empty)

        self._quietly(apply)

    def set_read_only(self, read_only: bool) -> None:
        self.text.setReadOnly(read_only)
        if self.visibility is not None and self.third_party is not None:
            lock(self.visibility, read_only)
            self.third_party.setEnabled(not read_only)

    def focus_target(self) -> QWidget:
        return self.text


class _ButtonsEditor(AnswerEditor):
    """Radio buttons in a row; shared by yes/no and the picture scale."""

    def __init__(
        self, question: Question, options: list[tuple[Any, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(question, parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self._values: list[Any] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, (value, words) in enumerate(options):
            button = QRadioButton(words, self)
            button.setAccessibleName(tr("{prompt}: {answer}", prompt=question.prompt, answer=words))
            self.group.addButton(button, index)
            self._values.append(value)
            layout.addWidget(button)
        layout.addStretch(1)
        self.group.idClicked.connect(lambda _id: self.edited.emit())

    def value(self) -> Any:
        return self._values[self.group.checkedId()] if self.group.checkedId() >= 0 else None

    def set_value(self, value: Any) -> None:
        def apply() -> None:
            index = self._values.index(value) if value in self._values else -1
            button: QAbstractButton | None = self.group.button(index) if index >= 0 else None
            if button is not None:
                button.setChecked(True)
            elif (checked := self.group.checkedButton()) is not None:
                # An exclusive group cannot be emptied by unchecking: lift it briefly.
                self.group.setExclusive(False)
                checked.setChecked(False)
                self.group.setExclusive(True)

        self._quietly(apply)

    def focus_target(self) -> QWidget:
        return self.group.buttons()[0]


class YesNoEditor(_ButtonsEditor):
    """Yes, no, or not answered yet."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, [(True, tr("Yes")), (False, tr("No"))], parent)


class ScaleEditor(_ButtonsEditor):
    """One experience question on the answer scale, in the scale's own words."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        options = [(o.value, o.label) for o in options_for(question)]
        super().__init__(question, options, parent)


class ChoiceEditor(AnswerEditor):
    """One value from a list, shown in the guide's (or the national) words."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(str(question.prompt))
        self.combo.addItem(tr_marked(NOT_ANSWERED))
        self._values: list[enum.Enum | None] = [None]
        for option in options_for(question):
            self.combo.addItem(option.label)
            self._values.append(option.value)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        self.combo.currentIndexChanged.connect(lambda _i: self.edited.emit())

    def value(self) -> enum.Enum | None:
        return self._values[max(0, self.combo.currentIndex())]

    def set_value(self, value: Any) -> None:
        index = self._values.index(value) if value in self._values else 0
        self._quietly(lambda: self.combo.setCurrentIndex(index))

    def focus_target(self) -> QWidget:
        return self.combo


class MultiChoiceEditor(AnswerEditor):
    """Any number of values from a list, as tick boxes."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[enum.Enum, QCheckBox]] = []
        for option in options_for(question):
            box = QCheckBox(option.label, self)
            box.setAccessibleName(
                tr("{prompt}: {answer}", prompt=question.prompt, answer=option.label)
            )
            box.toggled.connect(lambda _on: self.edited.emit())
            layout.addWidget(box)
            self.boxes.append((option.value, box))

    def value(self) -> list[enum.Enum]:
        return [value for value, box in self.boxes if box.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])

        def apply() -> None:
            for member, box in self.boxes:
                box.setChecked(member in chosen)

        self._quietly(apply)

    def focus_target(self) -> QWidget:
        return self.boxes[0][1] if self.boxes else self


_DATE_FORMS = (
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)


def parse_date(text: str) -> date | None:
    """A date typed as 26/11/2026 or 2026-11-26; ``ValueError`` (in words) otherwise."""
    text = text.strip()
    if not text:
        return None
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise ValueError(tr("“{text}” is not a date like 26/11/2026", text=text))


class DateEditor(AnswerEditor):
    """A date typed the British way (26/11/2026), with a "Today" button, and where the
    page offers one, a button that fills in a suggested date (only when pressed)."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(tr("For example 26/11/2026"))
        self.line.setAccessibleName(str(question.prompt))
        self.line.setAccessibleDescription(tr("Day, month and year, like 26/11/2026"))
        self._fit_hint()
        self.today = QPushButton(tr("Today"), self)
        self.today.setAccessibleName(tr("Today: {prompt}", prompt=question.prompt))
        self.today.clicked.connect(self._set_today)
        self.suggest = QPushButton(self)
        self.suggest.setObjectName("suggest")
        self.suggest.clicked.connect(self._use_suggestion)
        self.suggest.hide()
        self._suggested: date | None = None
        row = QHBoxLayout()
        row.addWidget(self.line)
        row.addWidget(self.today)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        # On a line of its own: beside the date it would not fit at large text sizes.
        layout.addWidget(self.suggest, 0, Qt.AlignmentFlag.AlignLeft)
        self.line.textEdited.connect(self.edited)

    def _fit_hint(self) -> None:
        # Wide enough for its hint at any text size, no wider.
        hint_width = self.line.fontMetrics().horizontalAdvance(self.line.placeholderText())
        self.line.setMinimumWidth(hint_width + 24)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_hint()  # the text size changed in the settings
        super().changeEvent(event)

    def _set_today(self) -> None:
        self._fill(council_today())

    def _fill(self, day: date) -> None:
        self.line.setText(day.strftime("%d/%m/%Y"))
        self.edited.emit()

    def offer(self, suggested: date | None) -> None:
        """Offer ``suggested`` on a button; nothing is filled in until it is pressed.

        ``None`` takes the offer away (there is nothing to suggest yet).
        """
        self._suggested = suggested
        if suggested is None:
            self.suggest.hide()
            return
        text = tr("Use the suggested date ({day})", day=date_text(suggested))
        self.suggest.setText(text)
        self.suggest.setAccessibleName(text)
        self.suggest.setVisible(not self.line.isReadOnly())

    def _use_suggestion(self) -> None:
        if self._suggested is not None:
            self._fill(self._suggested)

    def value(self) -> date | None:
        """The date, or None; ``ValueError`` while what is typed is not a date yet."""
        return parse_date(self.line.text())

    def set_value(self, value: Any) -> None:
        def apply() -> None:
            try:
                if self.value() == value:
                    return  # don't reformat what the worker is typing
            except ValueError:
                pass
            self.line.setText(value.strftime("%d/%m/%Y") if isinstance(value, date) else "")

        self._quietly(apply)

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)
        self.today.setVisible(not read_only)  # an action, not part of the answer
        self.suggest.setVisible(not read_only and self._suggested is not None)

    def focus_target(self) -> QWidget:
        return self.line


class OutcomeLinksEditor(AnswerEditor):
    """Which of the person's desired outcomes an action serves, as tick boxes."""

    def __init__(
        self, question: Question, outcomes: OutcomeChoices, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, parent)
        self._outcomes = outcomes
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[str, QCheckBox]] = []
        self._chosen: list[str] = []
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the tick boxes from the visit's current outcomes."""
        self._chosen = self.value() if self.boxes else self._chosen
        for _id, box in self.boxes:
            box.deleteLater()
        self.boxes = []
        for outcome_id, words in self._outcomes():
            shown = words if len(words) <= 60 else words[:57] + "…"
            box = QCheckBox(shown, self)
            box.setAccessibleName(tr("Serves the outcome: {words}", words=shown))
            box.setChecked(outcome_id in self._chosen)
            box.toggled.connect(lambda _on: self.edited.emit())
            lock(box, self.read_only)
            self._layout.addWidget(box)
            self.boxes.append((outcome_id, box))

    def value(self) -> list[str]:
        return [outcome_id for outcome_id, box in self.boxes if box.isChecked()]

    def set_value(self, value: Any) -> None:
        self._chosen = list(value or [])
        chosen = set(self._chosen)

        def apply() -> None:
            for outcome_id, box in self.boxes:
                box.setChecked(outcome_id in chosen)

        self._quietly(apply)

    def focus_target(self) -> QWidget:
        return self.boxes[0][1] if self.boxes else self
