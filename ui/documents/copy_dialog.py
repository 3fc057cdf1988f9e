"""The safe-copy check: "Is it safe for you to keep a copy?", asked before any summary.

docs/practice.md, "Giving the person a copy": the worker asks the person, in private, and
records the answer whatever it is. No answer is chosen in advance, so the check cannot
be clicked through; "No copy" switches the format choices off, because nothing will be
made. The dialog holds no personal data (no name, no words from the record), so it need
not hide under the privacy screen. Opened with ``open()``; ``decided`` carries the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.model import SAFETY_QUESTION, CopyChoice
from msp_desktop.services.documents import LangName, StyleName
from ui.a11y import StatusLabel, name_buttons, named, plain
from ui.dialog_parts import heading, paragraph, plain_buttons
from ui.i18n import N_, Message, tr, tr_marked
from ui.screen_fit import keep_on_screen, scrolling_body

# The order the choices are read out in: the safe default of "no copy" second, after
# the usual answer, so the person hears both before the other ways of holding a copy.
CHOICES = (
    CopyChoice.KEEP,
    CopyChoice.NO_COPY,
    CopyChoice.TRUSTED_PERSON,
    CopyChoice.COLLECT_LATER,
)
STYLES: tuple[tuple[StyleName, Message], ...] = (
    ("plain", N_("&Plain English")),
    ("large-print", N_("&Large print")),
    ("easy-read", N_("&Easy read")),
)
LANGS: tuple[tuple[LangName, Message], ...] = (
    ("en", N_("En&glish")),
    ("cy", N_("C&ymraeg (Welsh)")),
)
K = TypeVar("K", bound=str)
NEUTRAL_TITLE = N_("&Neutral title (no “safeguarding” or “abuse” on the page)")


@dataclass(frozen=True)
class CopyRequest:
    """The person's answer and the copy the worker chose for them."""

    choice: CopyChoice
    style: StyleName
    lang: LangName
    neutral_title: bool


class CopyDialog(QDialog):
    """Asks the safety question and how the copy should look; emits ``decided``."""

    decided = Signal(object)  # CopyRequest

    def __init__(
        self,
        lang: LangName = "en",
        parent: QWidget | None = None,
        *,
        asked_style: StyleName | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.copy")
        self.setWindowTitle(tr("Give the person a copy"))
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(heading(tr("Give the person a copy"), self))
        outer = layout
        # The questions scroll at large text sizes; the buttons stay in sight below them.
        scroller, layout = scrolling_body(self, "copy.scroll", tr("Give the person a copy"))
        layout.setSpacing(12)
        outer.addWidget(scroller, 1)
        layout.addWidget(
            paragraph(tr("Ask the person, where no one else can hear, and record their answer."))
        )

        self.question = QGroupBox(tr_marked(SAFETY_QUESTION), self)
        named(self.question, tr_marked(SAFETY_QUESTION))
        self.answers = QButtonGroup(self)
        answer_box = QVBoxLayout(self.question)
        self.choice_buttons: dict[CopyChoice, QRadioButton] = {}
        for number, choice in enumerate(CHOICES, start=1):
            # Alt+1 to Alt+4 pick an answer, in the order they are read out.
            label = tr("&{number}  {answer}", number=number, answer=tr_marked(choice.label))
            radio = self._radio(label, self.question)
            radio.setObjectName(f"copy.choice.{choice.value}")
            self.answers.addButton(radio, number)
            answer_box.addWidget(radio)
            self.choice_buttons[choice] = radio
        layout.addWidget(self.question)

        self.format_box = QGroupBox(tr("How the copy should look"), self)
        named(self.format_box, tr("How the copy should look"))
        format_layout = QVBoxLayout(self.format_box)
        # The format the person asked for is where the dialog starts, and says so; the
        # worker can still choose another (a large-print copy of a short note, say).
        self.asked_style = asked_style
        self.style_buttons = self._group(
            STYLES, "copy.style", format_layout, asked_style or "plain"
        )
        if asked_style is not None:
            radio = self.style_buttons[asked_style]
            label = dict(STYLES)[asked_style]
            radio.setText(tr("{format} (the format they asked for)", format=tr_marked(label)))
            radio.setAccessibleName(plain(radio.text()))
        self.neutral_title = QCheckBox(tr_marked(NEUTRAL_TITLE), self.format_box)
        self.neutral_title.setObjectName("copy.neutral_title")
        named(
            self.neutral_title,
            plain(tr_marked(NEUTRAL_TITLE)),
            tr("The title at the top of the page will not say what the conversation was about."),
        )
        format_layout.addWidget(self.neutral_title)
        layout.addWidget(self.format_box)

        self.lang_box = QGroupBox(tr("Language"), self)
        named(self.lang_box, tr("Language"))
        self.lang_buttons = self._group(LANGS, "copy.lang", QVBoxLayout(self.lang_box), lang)
        layout.addWidget(self.lang_box)

        self.note = StatusLabel(tr("What happens next"), self)
        self.note.setObjectName("copy.note")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("copy.ok")
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        box.accepted.connect(self._accept)
        box.rejected.connect(self.reject)
        outer.addWidget(plain_buttons(box))
        self._box = box
        keep_on_screen(self)
        self.answers.idToggled.connect(lambda _id, _on: self._follow_answer())
        self._follow_answer()

    def _radio(self, text: str, parent: QWidget) -> QRadioButton:
        radio = QRadioButton(text, parent)
        # Named as shown ("1 A copy to keep"), number included: speech input users say
        # what they see (WCAG 2.5.3), and the number is the Alt+number key.
        radio.setAccessibleName(" ".join(plain(text).split()))
        return radio

    def _group(
        self, options: tuple[tuple[K, Message], ...], prefix: str, layout: QVBoxLayout, chosen: str
    ) -> dict[K, QRadioButton]:
        group = QButtonGroup(self)
        buttons: dict[K, QRadioButton] = {}
        for key, text in options:
            radio = self._radio(tr_marked(text), cast(QWidget, layout.parentWidget()))
            radio.setObjectName(f"{prefix}.{key}")
            radio.setChecked(key == chosen)
            group.addButton(radio)
            layout.addWidget(radio)
            buttons[key] = radio
        return buttons

    # -- what was chosen ---------------------------------------------------------------

    def choice(self) -> CopyChoice | None:
        """The answer chosen, or None while the person has not answered."""
        for choice, radio in self.choice_buttons.items():
            if radio.isChecked():
                return choice
        return None

    def request(self) -> CopyRequest | None:
        """Everything chosen, or None while the safety question is unanswered."""
        choice = self.choice()
        if choice is None:
            return None
        style = next(k for k, r in self.style_buttons.items() if r.isChecked())
        lang = next(k for k, r in self.lang_buttons.items() if r.isChecked())
        neutral = self.neutral_title.isChecked() and choice.makes_document
        return CopyRequest(choice, style, lang, neutral)

    def _follow_answer(self) -> None:
        choice = self.choice()
        makes = choice is None or choice.makes_document
        # The language stays: "no copy" is recorded with the language they were told in.
        self.format_box.setEnabled(makes)
        self.ok_button.setEnabled(choice is not None)
        if choice is None:
            self.ok_button.setText(tr("Make the copy"))
            self.note.setText(tr("Choose the person's answer first."))
        elif makes:
            self.ok_button.setText(tr("Make the copy"))
            self.note.setText(tr("The copy opens in a preview; nothing is printed or saved yet."))
        else:
            self.ok_button.setText(tr("Record “no copy”"))
            self.note.setText(tr("Nothing will be printed. Tell the person what was agreed."))
        name_buttons(self._box)

    def _accept(self) -> None:
        request = self.request()
        if request is None:
            return
        self.decided.emit(request)
        self.accept()
