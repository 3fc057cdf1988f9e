"""One step of the guided conversation, generated from the guide.

The page shows the step's title and introduction, the practice findings for the step,
then each question in the guide's plain words with its editor. It turns the editors'
values into records (``with_answer``); an answer that would not make a valid record is
not applied, and the question says, in words, what is still needed.

The plan brought forward from the last visit is marked where it is shown ("From the
last visit"), and a question reviewing a part of that plan is asked only when the part
was brought forward (``msp_desktop.guide.shows_review``).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from msp_desktop.guide import (
    Question,
    Step,
    carried_part,
    read_answer,
    with_answer,
    with_concern_answer,
)
from msp_desktop.guide.conditions import GuideState
from msp_desktop.guide.fields import CONCERN_PREFIX
from msp_desktop.model import Concern, Visit
from msp_desktop.practice import Finding
from ui.a11y import mark_heading
from ui.i18n import tr
from ui.visit.editors import AnswerEditor, DateEditor, OutcomeChoices, OutcomeLinksEditor
from ui.visit.findings_panel import FindingsPanel
from ui.visit.items import GroupEditor, RepeatingEditor, kept_label, make_editor
from ui.visit.voice import show_prompt


def plain_problem(
    error: Exception, question: Question | None = None, step: Step | None = None
) -> str:
    """The reason an answer to ``question`` (on ``step``) was not applied, as a sentence.

    When the record needs another answer first (the experience answers need who asked),
    the sentence names that question in the guide's words.
    """
    if isinstance(error, ValidationError) and error.errors():
        first = error.errors()[0]
        needed = _needed_first(first, question, step)
        if needed is not None:
            return tr("Not saved yet: answer “{prompt}” first.", prompt=str(needed.prompt))
        detail = str(first["msg"]).removeprefix("Value error, ")
    else:
        detail = str(error) or type(error).__name__
    return tr("Not saved yet: {detail}.", detail=detail.rstrip("."))


def _needed_first(problem: Any, question: Question | None, step: Step | None) -> Question | None:
    if problem["type"] != "missing" or question is None or step is None:
        return None
    parent = question.field.rpartition(".")[0]
    missing = ".".join([parent, *(str(part) for part in problem["loc"])]).lstrip(".")
    return next((q for q in step.questions if q.field == missing), None)


class QuestionBlock(QWidget):
    """A question's words, its editor and a line for what is still needed."""

    def __init__(
        self, question: Question, outcomes: OutcomeChoices, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.question = question
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        self.prompt = QLabel(self)
        show_prompt(self.prompt, question, scale=1.1)
        layout.addWidget(self.prompt)
        self.carried = QLabel(
            tr("From the last visit: check with the person that it is still right."), self
        )
        self.carried.setWordWrap(True)
        self.carried.setObjectName("carried")
        carried_font = self.carried.font()
        carried_font.setBold(True)
        self.carried.setFont(carried_font)
        self.carried.hide()
        layout.addWidget(self.carried)
        for extra in question.also_ask:
            also = QLabel("• " + str(extra), self)
            also.setWordWrap(True)
            layout.addWidget(also)
        if question.help is not None:
            help_text = QLabel(str(question.help), self)
            help_text.setWordWrap(True)
            help_text.setObjectName("help")
            layout.addWidget(help_text)
        self.editor: AnswerEditor = make_editor(question, outcomes, Visit, self)
        self.prompt.setBuddy(self.editor.focus_target())
        layout.addWidget(self.editor)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("problem")
        self.problem.hide()
        layout.addWidget(self.problem)

    def say(self, text: str) -> None:
        """Show (or clear) what is still needed for this answer."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.editor.focus_target().setAccessibleDescription(text)


class StepPage(QScrollArea):
    """A scrolling page for one step."""

    edited = Signal()
    structure_changed = Signal()

    def __init__(self, step: Step, outcomes: OutcomeChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.setObjectName(f"step.{step.id}")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 16, 24, 24)
        self.title = QLabel(str(step.title), body)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAccessibleName(str(step.title))
        mark_heading(self.title, 2)
        layout.addWidget(self.title)
        intro = QLabel(str(step.intro), body)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        # Findings go at the top, where the worker sees them without scrolling.
        self.findings = FindingsPanel(body)
        layout.addWidget(self.findings)
        self.blocks = [QuestionBlock(q, outcomes, body) for q in step.questions]
        # In place of a hidden question that still holds an answer: a calm line saying
        # it is kept, right below the answer that hid it.
        self.kept: list[QLabel] = []
        for block in self.blocks:
            block.editor.edited.connect(self.edited)
            if isinstance(block.editor, RepeatingEditor):
                block.editor.structure_changed.connect(self.structure_changed)
            layout.addWidget(block)
            self.kept.append(kept_label(block.question, body))
            layout.addWidget(self.kept[-1])
        layout.addStretch(1)
        self.setWidget(body)
        self.setAccessibleName(str(step.title))

    def show_record(self, visit: Visit, concern: Concern | None) -> None:
        """Fill every editor from the records (without reporting edits)."""
        for block in self.blocks:
            field = block.question.field
            block.carried.setVisible(carried_part(field) in visit.plan_carried)
            if isinstance(block.editor, OutcomeLinksEditor):
                block.editor.refresh()
            block.editor.set_value(read_answer(visit, concern, block.question))
            for form in getattr(block.editor, "forms", []):
                for editor in form.editors:
                    if isinstance(editor, OutcomeLinksEditor):
                        editor.refresh()
                        editor.set_value(editor.value())

    def apply(self, visit: Visit, concern: Concern | None) -> tuple[Visit, Concern | None]:
        """The records with this page's answers; answers that cannot apply say why."""
        for block in self.blocks:
            question = block.question
            try:
                value = block.editor.value()
                if question.field.startswith(CONCERN_PREFIX):
                    if concern is not None:
                        concern = with_concern_answer(concern, question, value)
                else:
                    visit = with_answer(visit, question, value)
            except ValueError as error:  # includes pydantic's ValidationError
                block.say(plain_problem(error, question, self.step))
                continue
            block.say("")
        return visit, concern

    def follow(self, state: GuideState, hidden: set[str]) -> None:
        """Show the questions, and the parts of items, that the guide's conditions show
        for the answers so far (``state``); where a hidden one keeps an answer (its path
        in ``hidden``), say so. Nothing typed is cleared."""
        for block, kept in zip(self.blocks, self.kept, strict=True):
            question = block.question
            shown = state.shows(question.id)
            block.setVisible(shown)
            kept.setVisible(not shown and question.field in hidden)
            if shown and isinstance(block.editor, RepeatingEditor | GroupEditor):
                block.editor.follow(state, hidden)

    def show_findings(self, findings: list[Finding]) -> None:
        """The practice findings for this step."""
        self.findings.show_findings(findings, str(self.step.title))

    def set_read_only(self, read_only: bool) -> None:
        """Lock every answer (a finalised visit)."""
        for block in self.blocks:
            block.editor.set_read_only(read_only or block.question.read_only)

    def first_field(self) -> QWidget | None:
        """Where the keyboard lands when the step opens (its first question asked)."""
        shown = [b for b in self.blocks if not b.isHidden()]
        return shown[0].editor.focus_target() if shown else None

    def repeating_editors(self) -> list[RepeatingEditor]:
        """The repeating answers on this page (outcomes change the action links)."""
        return [b.editor for b in self.blocks if isinstance(b.editor, RepeatingEditor)]

    def date_editor(self, field: str) -> DateEditor | None:
        """The date question kept in ``field`` on this page, if there is one."""
        for block in self.blocks:
            if block.question.field == field and isinstance(block.editor, DateEditor):
                return block.editor
        return None
