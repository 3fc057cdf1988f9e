"""A question's words in its voice: what to say to the person, or what the worker notes.

A question asked of the person (``voice = "ask"``) shows its words in speech marks,
at normal weight and a little larger, as something to say aloud; a question the worker
records (``voice = "record"``) shows a bold label, like a field of a form. The two
differ in shape and weight and in what a screen reader is told, never in colour only.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from msp_desktop.guide import Question
from ui.i18n import tr


def show_prompt(label: QLabel, question: Question, *, scale: float = 1.0) -> None:
    """Put ``question``'s words on ``label`` in its voice (``scale`` sizes the text)."""
    font = label.font()
    if question.voice == "ask":
        label.setText(tr("“{prompt}”", prompt=str(question.prompt)))
        label.setObjectName("prompt.ask")
        label.setAccessibleDescription(tr("Words to say to the person"))
        font.setBold(False)
        font.setPointSizeF(font.pointSizeF() * scale * 1.1)
    else:
        label.setText(str(question.prompt))
        label.setObjectName("prompt.record")
        label.setAccessibleDescription(tr("For you to record"))
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    label.setWordWrap(True)
