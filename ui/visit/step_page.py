"""One step of the guided conversation, generated from the guide.

The page shows the step's title and introduction, then each question in the guide's
plain words with its editor, then the practice findings for the step. It turns the
editors' values into records (``with_answer``); an answer that would not make a
valid record is not applied, and the question says, in words, what is still needed.
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from msp_desktop.guide import Question, Step, read_answer, with_answer, with_concern_answer
from msp_desktop.guide.fields import CONCERN_PREFIX
from msp_desktop.model import Concern, Visit
from msp_desktop.practice import Finding
from ui.i18n import tr
from ui.visit.editors import AnswerEditor, OutcomeChoices, OutcomeLinksEditor
from ui.visit.findings_panel import FindingsPanel
from ui.visit.items import RepeatingEditor, make_editor


def plain_problem(error: Exception) -> str:
    """The reason an answer was not applied, as a sentence."""
    if isinstance(error, ValidationError) and error.errors():
        detail = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
    else:
        detail = str(error) or type(error).__name__
    return tr("Not saved yet: {detail}.", detail=detail.rstrip("."))


class QuestionBlock(QWidget):
    """A question's words, its editor and a line for what is still needed."""

    def __init__(
        self, question: Question, outcomes: OutcomeChoices, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.question = question
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        self.prompt = QLabel(str(question.prompt), self)
        self.prompt.setWordWrap(True)
        font = self.prompt.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.prompt.setFont(font)
        layout.addWidget(self.prompt)
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
        layout.addWidget(self.title)
        intro = QLabel(str(step.intro), body)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        # Findings go at the top, where the worker sees them without scrolling.
        self.findings = FindingsPanel(body)
        layout.addWidget(self.findings)
        self.blocks = [QuestionBlock(q, outcomes, body) for q in step.questions]
        for block in self.blocks:
            block.editor.edited.connect(self.edited)
            if isinstance(block.editor, RepeatingEditor):
                block.editor.structure_changed.connect(self.structure_changed)
            layout.addWidget(block)
        layout.addStretch(1)
        self.setWidget(body)
        self.setAccessibleName(str(step.title))

    def show_record(self, visit: Visit, concern: Concern | None) -> None:
        """Fill every editor from the records (without reporting edits)."""
        for block in self.blocks:
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
                block.say(plain_problem(error))
                continue
            block.say("")
        return visit, concern

    def show_findings(self, findings: list[Finding]) -> None:
        """The practice findings for this step."""
        self.findings.show_findings(findings, str(self.step.title))

    def set_read_only(self, read_only: bool) -> None:
        """Lock every answer (a finalised visit)."""
        for block in self.blocks:
            block.editor.set_read_only(read_only or block.question.read_only)

    def first_field(self) -> QWidget | None:
        """Where the keyboard lands when the step opens."""
        return self.blocks[0].editor.focus_target() if self.blocks else None

    def repeating_editors(self) -> list[RepeatingEditor]:
        """The repeating answers on this page (outcomes change the action links)."""
        return [b.editor for b in self.blocks if isinstance(b.editor, RepeatingEditor)]

    def holds(self, path: str) -> bool:
        """Whether a finding's ``where`` path belongs to a question of this step."""
        return any(
            path == q.field or path.startswith(q.field + ".") for q in self.step.questions
        ) or path.removeprefix(CONCERN_PREFIX) in {
            q.field.removeprefix(CONCERN_PREFIX) for q in self.step.questions
        }
