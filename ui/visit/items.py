"""Answers made of several parts: repeating items (outcomes, risks, actions, advocates,
people present) and a single optional group (consent to share, a positive risk decision).

An item is saved as soon as it is a valid record: an action with only its words typed
is kept, open, because nothing else is required; a part left unanswered takes the
record's own default (a new action is open) and the form then shows it, so what is on
screen is what is kept. Records that need a part (a risk needs its type) say in words
what is still needed, and the last complete version of an item already saved is kept,
so clearing one part never throws away the rest. A half-typed date holds back only
itself. Items brought forward from an earlier visit (a carried action) say so and are
reviewed, not removed.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from msp_desktop.guide import AnswerKind, Question
from msp_desktop.guide.conditions import GuideState
from msp_desktop.guide.fields import item_record, resolve
from msp_desktop.model import Visit
from ui.i18n import N_, Message, tr, tr_marked
from ui.visit.editors import (
    AnswerEditor,
    ChoiceEditor,
    DateEditor,
    LinesEditor,
    MultiChoiceEditor,
    OutcomeChoices,
    OutcomeLinksEditor,
    ScaleEditor,
    ShortTextEditor,
    TextEditor,
    YesNoEditor,
)
from ui.visit.voice import show_prompt

KEPT_NOTE = N_(
    "Your answer to “{prompt}” is hidden now, because of an answer above. It is kept "
    "while this visit is a draft and left out when you finalise."
)


class ItemWords(NamedTuple):
    """The words for one kind of item, each in full: articles (and in Welsh, mutations)
    depend on the noun, so no sentence is built from a noun."""

    add_first: Message
    add_another: Message
    title: Message
    """The heading of one item, with its ``{number}``."""
    remove: Message
    """The button that removes one item, with its ``{number}``."""
    nothing: Message
    """Shown where a step only looks at earlier items and there are none."""
    carried: Message | None = None
    """The heading of an item brought forward from an earlier visit, with ``{number}``."""
    carried_note: Message | None = None
    """The line under that heading (``CARRIED_NOTE`` when none is given)."""


ITEM_WORDS = {
    "DesiredOutcome": ItemWords(
        N_("Add an outcome"),
        N_("Add another outcome"),
        N_("Outcome {number}"),
        N_("Remove outcome {number}"),
        N_("No outcomes were recorded before this visit, so there is nothing to go through."),
        N_("Outcome {number}: from an earlier visit"),
        N_(
            "Said at an earlier visit, in the person's words. If they no longer want it, "
            "say so rather than removing it."
        ),
    ),
    "Risk": ItemWords(
        N_("Add a risk"),
        N_("Add another risk"),
        N_("Risk {number}"),
        N_("Remove risk {number}"),
        N_("No risks were recorded before this visit."),
    ),
    "Action": ItemWords(
        N_("Add an action"),
        N_("Add another action"),
        N_("Action {number}"),
        N_("Remove action {number}"),
        N_("No actions were agreed before this visit."),
        N_("Action {number}: agreed last time"),
    ),
    "Advocate": ItemWords(
        N_("Add an advocate"),
        N_("Add another advocate"),
        N_("Advocate {number}"),
        N_("Remove advocate {number}"),
        N_("No advocates were recorded before this visit."),
    ),
    "PresentPerson": ItemWords(
        N_("Add a person"),
        N_("Add another person"),
        N_("Person {number}"),
        N_("Remove person {number}"),
        N_("No one else was recorded."),
    ),
}
ANY_ITEM = ItemWords(
    N_("Add an item"),
    N_("Add another item"),
    N_("Item {number}"),
    N_("Remove item {number}"),
    N_("Nothing was recorded before this visit."),
)
CARRIED_NOTE = N_(
    "Agreed at an earlier visit. Ask what has happened with it and say where it is up to now."
)


def make_editor(
    question: Question,
    outcomes: OutcomeChoices,
    record: type[BaseModel] = Visit,
    parent: QWidget | None = None,
) -> AnswerEditor:
    """The editor for ``question``; ``record`` is the model its field belongs to."""
    simple: dict[AnswerKind, type[AnswerEditor]] = {
        AnswerKind.TEXT: TextEditor,
        AnswerKind.SHORT_TEXT: ShortTextEditor,
        AnswerKind.TEXT_LIST: LinesEditor,
        AnswerKind.SHORT_TEXT_LIST: LinesEditor,
        AnswerKind.YES_NO: YesNoEditor,
        AnswerKind.CHOICE: ChoiceEditor,
        AnswerKind.MULTI_CHOICE: MultiChoiceEditor,
        AnswerKind.DATE: DateEditor,
        AnswerKind.SCALE: ScaleEditor,
    }
    if question.kind in simple:
        editor = simple[question.kind](question, parent)
    elif question.kind is AnswerKind.OUTCOME_LINKS:
        editor = OutcomeLinksEditor(question, outcomes, parent)
    else:
        item = item_record(resolve(record, question.field))
        assert item is not None, question.field
        if question.kind is AnswerKind.REPEATING:
            editor = RepeatingEditor(question, item, outcomes, parent)
        else:
            editor = GroupEditor(question, item, outcomes, parent, nested=record is not Visit)
    if question.read_only:
        editor.set_read_only(True)
    return editor


def _missing(question: Question, error: ValidationError) -> str:
    """Which part of an item is still needed, in the guide's words."""
    prompts = {q.field: str(q.prompt) for q in question.item_fields}
    for problem in error.errors():
        if problem["loc"] and str(problem["loc"][0]) in prompts:
            return tr("Not saved yet: answer “{prompt}”.", prompt=prompts[str(problem["loc"][0])])
    for problem in error.errors():
        if not problem["loc"]:  # a rule about the item as a whole says why itself
            reason = str(problem["msg"]).removeprefix("Value error, ").rstrip(".")
            return tr("Not saved yet: {reason}.", reason=reason)
    return tr("Not saved yet: this is not complete.")


def _has_default(item: type[BaseModel], field: str) -> bool:
    """Whether ``field`` of ``item`` has a value when none is given (a new action is open)."""
    info = item.model_fields.get(field)
    return info is not None and info.get_default(call_default_factory=True) not in (None, [])


class ItemForm(QGroupBox):
    """The questions of one item, building a record of ``item`` from the answers."""

    def __init__(
        self,
        question: Question,
        item: type[BaseModel],
        outcomes: OutcomeChoices,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.question = question
        self.item = item
        self.saved: BaseModel | None = None  # the last complete version
        self.remove_button: QPushButton | None = None
        self.editors: list[AnswerEditor] = []
        layout = self.body = QVBoxLayout(self)
        self.carried_note = QLabel(tr_marked(CARRIED_NOTE), self)
        self.carried_note.setWordWrap(True)
        self.carried_note.setObjectName("carried")
        font = self.carried_note.font()
        font.setBold(True)
        self.carried_note.setFont(font)
        self.carried_note.hide()
        layout.addWidget(self.carried_note)
        # One row per part: its words (a group part is titled by its own box, so its
        # words show once), its editor, and a line saying when a hidden answer is kept.
        self.labels: list[QLabel | None] = []
        self.kept: list[QLabel] = []
        for sub in question.item_fields:
            editor = make_editor(sub, outcomes, item, self)
            label: QLabel | None = None
            if not isinstance(editor, GroupEditor):
                label = QLabel(self)
                show_prompt(label, sub)
                label.setBuddy(editor.focus_target())
                layout.addWidget(label)
            layout.addWidget(editor)
            kept = kept_label(sub, self)
            layout.addWidget(kept)
            self.labels.append(label)
            self.kept.append(kept)
            self.editors.append(editor)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("item-hint")
        self.hint.hide()
        layout.addWidget(self.hint)

    @property
    def carried(self) -> bool:
        """Whether the item was brought forward from an earlier visit (for review)."""
        return bool(getattr(self.saved, "carried", False))

    def current(self) -> BaseModel | None:
        """The item as answered, or the last complete version while it is incomplete."""
        data: dict[str, Any] = self.saved.model_dump() if self.saved is not None else {}
        typed_anything = False
        problem = ""
        for sub, editor in zip(self.question.item_fields, self.editors, strict=True):
            try:
                value = editor.value()
            except ValueError as error:
                # A half-typed date keeps its last good value; the other parts still save.
                problem = problem or tr("Not saved yet: {reason}.", reason=str(error))
                continue
            typed_anything = typed_anything or value not in (None, [], False)
            if value is None and not self.carried and _has_default(self.item, sub.field):
                data.pop(sub.field, None)  # unanswered: the record's own default
            else:
                data[sub.field] = value
        if self.saved is None and not typed_anything:
            self._say(problem)
            return None
        try:
            self.saved = self.item.model_validate(data)
        except ValidationError as error:
            self._say(_missing(self.question, error))
            return self.saved
        self._show_defaults()
        self._say(problem)
        return self.saved

    def _show_defaults(self) -> None:
        # A part the record filled in itself (a new action is open) shows as it is kept.
        for sub, editor in zip(self.question.item_fields, self.editors, strict=True):
            kept = getattr(self.saved, sub.field, None)
            try:
                unanswered = editor.value() is None
            except ValueError:
                continue
            if unanswered and kept is not None:
                editor.set_value(kept)

    def show_item(self, value: BaseModel | None) -> None:
        """Fill the questions from a stored item."""
        self.saved = value
        for sub, editor in zip(self.question.item_fields, self.editors, strict=True):
            editor.set_value(getattr(value, sub.field, None) if value is not None else None)
        self.carried_note.setVisible(self.carried)

    def follow(
        self,
        state: GuideState,
        hidden: set[str],
        where: tuple[str, int] | None,
        base: str,
        above: tuple[str, ...] = (),
    ) -> None:
        """Show the parts the guide shows for this item (``where``: the top question's
        id and the item's index in the record; ``None`` for an item not kept yet, whose
        conditional parts wait until it is), and say which hidden ones keep an answer.
        ``base`` is the item's path in the record, ``hidden`` the paths kept hidden."""
        for sub, label, editor, kept in zip(
            self.question.item_fields, self.labels, self.editors, self.kept, strict=True
        ):
            ids = (*above, sub.id)
            if where is None:
                shown = sub.show_if is None
            else:
                shown = state.shows_part(where[0], where[1], *ids)
            path = f"{base}.{sub.field}"
            if label is not None:
                label.setVisible(shown)
            editor.setVisible(shown)
            kept.setVisible(not shown and path in hidden)
            if isinstance(editor, GroupEditor):
                editor.form.follow(state, hidden, where, path, ids)

    def _say(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
        self.setAccessibleDescription(text)


class RepeatingEditor(AnswerEditor):
    """A list of items with "Add another" and "Remove"."""

    structure_changed = Signal()  # items added or removed: the tab order must follow

    def __init__(
        self,
        question: Question,
        item: type[BaseModel],
        outcomes: OutcomeChoices,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(question, parent)
        self.item = item
        self.outcomes = outcomes
        self.words = ITEM_WORDS.get(item.__name__, ANY_ITEM)
        self.forms: list[ItemForm] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        # A step that only looks back at earlier items says so when there are none.
        self.nothing = QLabel(tr_marked(self.words.nothing), self)
        self.nothing.setWordWrap(True)
        self.nothing.setObjectName("nothing")
        self.nothing.hide()
        self._layout.addWidget(self.nothing)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self._add_clicked)
        self.add_button.setVisible(question.new_items)
        self._layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._name_add_button()

    def _name_add_button(self) -> None:
        # "Add an outcome" for the first, "Add another outcome" after that.
        text = tr_marked(self.words.add_another if self.forms else self.words.add_first)
        self.add_button.setText(text)
        self.add_button.setAccessibleName(text)
        self.nothing.setVisible(not self.question.new_items and not self.forms)

    def _new_form(self) -> ItemForm:
        number = len(self.forms) + 1
        title = tr_marked(self.words.title, number=number)
        form = ItemForm(self.question, self.item, self.outcomes, title, self)
        for editor in form.editors:
            editor.edited.connect(self.edited)
        if self.question.new_items:
            removal = tr_marked(self.words.remove, number=number)
            remove = QPushButton(removal, form)
            remove.setAccessibleName(removal)
            remove.clicked.connect(lambda: self._remove(form))
            form.body.addWidget(remove, 0, Qt.AlignmentFlag.AlignLeft)
            form.remove_button = remove
        self._layout.insertWidget(self._layout.count() - 1, form)
        if self.isVisible():
            # Shown now, not on the next turn of the event loop, so the tab order can
            # take it in at once: the next key may come before that turn.
            form.show()
        self.forms.append(form)
        return form

    def _show_stored(self, stored: BaseModel) -> None:
        form = self._new_form()
        form.show_item(stored)
        if form.carried:
            # Reviewed, not removed: "No longer needed" is the answer for a dropped action.
            number = len(self.forms)
            if self.words.carried is not None:
                form.setTitle(tr_marked(self.words.carried, number=number))
            if self.words.carried_note is not None:
                form.carried_note.setText(tr_marked(self.words.carried_note))
            if form.remove_button is not None:
                form.remove_button.hide()

    def _add_clicked(self) -> None:
        form = self._new_form()
        self._name_add_button()
        self.structure_changed.emit()
        form.editors[0].focus_target().setFocus()

    def _remove(self, form: ItemForm) -> None:
        self.forms.remove(form)
        form.hide()  # out of the tab order at once; deleted when Qt is ready
        form.deleteLater()
        self._name_add_button()
        self.structure_changed.emit()
        self.edited.emit()
        self.add_button.setFocus()

    def value(self) -> list[BaseModel]:
        items = [form.current() for form in self.forms]
        return [item for item in items if item is not None]

    def set_value(self, value: Any) -> None:
        items = list(value or [])
        if [form.saved for form in self.forms] == items:
            return  # the editor already shows exactly this: leave the cursor alone
        self.blockSignals(True)
        try:
            for form in self.forms:
                form.hide()
                form.deleteLater()
            self.forms = []
            for stored in items:
                self._show_stored(stored)
        finally:
            self.blockSignals(False)
        self._name_add_button()
        self.structure_changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setVisible(self.question.new_items and not read_only)
        for form in self.forms:
            for editor, sub in zip(form.editors, self.question.item_fields, strict=True):
                editor.set_read_only(read_only or sub.read_only)
            if form.remove_button is not None:
                form.remove_button.setVisible(not read_only and not form.carried)

    def focus_target(self) -> QWidget:
        return self.forms[0].editors[0].focus_target() if self.forms else self.add_button

    def follow(self, state: GuideState, hidden: set[str]) -> None:
        """Show each item's parts as the guide's conditions say."""
        kept = 0  # the record holds only the items complete enough to keep
        for form in self.forms:
            if form.saved is None:
                form.follow(state, hidden, None, "")
                continue
            base = f"{self.question.field}.{kept}"
            form.follow(state, hidden, (self.question.id, kept), base)
            kept += 1


class GroupEditor(AnswerEditor):
    """One optional record answered by several questions together."""

    def __init__(
        self,
        question: Question,
        item: type[BaseModel],
        outcomes: OutcomeChoices,
        parent: QWidget | None = None,
        *,
        nested: bool = False,
    ) -> None:
        super().__init__(question, parent)
        # A question's words show once: above a group asked on its own they are the
        # question's heading, so the box has none; inside an item the box's title is
        # the part's words (a screen reader announces the box by it).
        title = str(question.prompt) if nested else ""
        self.form = ItemForm(question, item, outcomes, title, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        for editor in self.form.editors:
            editor.edited.connect(self.edited)

    def value(self) -> BaseModel | None:
        return self.form.current()

    def set_value(self, value: Any) -> None:
        if self.form.saved == value:
            return
        self.blockSignals(True)
        try:
            self.form.show_item(value if isinstance(value, BaseModel) else None)
        finally:
            self.blockSignals(False)

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.form.editors:
            editor.set_read_only(read_only)

    def focus_target(self) -> QWidget:
        return self.form.editors[0].focus_target()

    def follow(self, state: GuideState, hidden: set[str]) -> None:
        """Show the group's parts as the guide's conditions say."""
        self.form.follow(state, hidden, (self.question.id, 0), self.question.field)


def kept_label(question: Question, parent: QWidget) -> QLabel:
    """The calm line shown in place of a hidden question that still holds an answer."""
    label = QLabel(tr_marked(KEPT_NOTE, prompt=str(question.prompt)), parent)
    label.setWordWrap(True)
    label.setObjectName("kept")
    label.setAccessibleName(label.text())
    label.hide()
    return label
