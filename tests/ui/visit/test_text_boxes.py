"""Text boxes on a visit: as tall as their text, with a small "who may read this" button.

Real editors built from the shipped guide's questions, shown, typed into with key
presses and driven by keyboard and mouse as a worker would.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QMainWindow, QMenu, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.guide import AnswerKind, Question, load_guide
from msp_desktop.model import Note, Stage, Visibility
from msp_desktop.settings import Settings
from tests import builders
from tests.ui.helpers import type_text
from ui.theme import apply_theme, reset_theme
from ui.visit.editors import FittedText, LinesEditor, TextEditor
from ui.visit.read_only import is_locked
from ui.visit.step_page import StepPage
from ui.visit.visibility_control import VisibilityButton

GUIDE = load_guide()
Key = Qt.Key
Modifier = Qt.KeyboardModifier
CTRL_SHIFT = Modifier.ControlModifier | Modifier.ShiftModifier


def every_question(kind: AnswerKind) -> list[Question]:
    """Every question of ``kind`` in the shipped guide, items' own questions included."""
    found = []
    for step in GUIDE.steps:
        for question in step.questions:
            found += [q for q in (question, *question.item_fields) if q.kind is kind]
    return found


def question(question_id: str) -> Question:
    (found,) = [
        q
        for q in every_question(AnswerKind.TEXT) + every_question(AnswerKind.TEXT_LIST)
        if q.id == question_id
    ]
    return found


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """The app with its real theme (the focus outline widens a box's frame)."""
    assert isinstance(qapp, QApplication)
    reset_theme(qapp)
    apply_theme(qapp, Settings())
    yield qapp
    reset_theme(qapp)


_HOSTS: list[QWidget] = []  # a window dies with its last Python reference


@pytest.fixture(autouse=True)
def _let_hosts_go() -> Iterator[None]:
    yield
    _HOSTS.clear()


def shown(qtbot: QtBot, editor: QWidget, width: int = 600) -> QWidget:
    """``editor`` in an active window of its own, laid out as on a step (top-aligned)."""
    host = QWidget()
    _HOSTS.append(host)
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    layout.addWidget(editor)
    layout.addStretch(1)
    host.resize(width, 900)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    return host


def settled(qtbot: QtBot) -> None:
    qtbot.wait(20)  # the layout request the text's new size posts, then the resize


@pytest.mark.parametrize("percent", [100, 150, 200])
def test_a_box_starts_two_lines_high_and_grows_a_line_at_a_time(
    qtbot: QtBot, themed: QApplication, percent: int
) -> None:
    apply_theme(themed, Settings(text_scale_percent=percent))
    editor = TextEditor(question("persons_view"))
    shown(qtbot, editor)
    box = editor.text
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    line = box.fontMetrics().lineSpacing()
    settled(qtbot)
    empty = box.height()

    heights = []
    for number in range(1, FittedText.MAX_LINES + 3):
        if number > 1:
            qtbot.keyClick(box, Key.Key_Return)
        type_text(qtbot, box, f"Line {number}")
        settled(qtbot)
        heights.append(box.height())
        scroll = box.verticalScrollBar()
        if number <= FittedText.MAX_LINES:  # every line shows, the first one too
            assert (scroll.maximum(), scroll.value()) == (0, 0), f"{percent} %, {number} lines"
        else:  # then it stops growing and scrolls
            assert scroll.maximum() > 0

    # Empty, one or two lines: the starting height; the third line is the first to grow
    # it (the growth below starts there), so an empty box is two lines high.
    assert heights[0] == heights[1] == empty
    growth = [b - a for a, b in pairwise(heights[1:])]
    assert growth[: FittedText.MAX_LINES - 2] == [line] * (FittedText.MAX_LINES - 2)
    assert heights[-1] == heights[-2] == heights[FittedText.MAX_LINES - 1]


def test_the_height_follows_the_text_size_setting(qtbot: QtBot, themed: QApplication) -> None:
    editor = TextEditor(question("persons_view"))
    shown(qtbot, editor)
    settled(qtbot)
    small = editor.text.height()
    apply_theme(themed, Settings(text_scale_percent=200))
    settled(qtbot)
    assert editor.text.height() > 1.6 * small
    assert editor.text.verticalScrollBar().maximum() == 0


@pytest.mark.parametrize(
    "asked", every_question(AnswerKind.TEXT), ids=lambda q: f"{q.field}.{q.id}"
)
def test_who_may_read_starts_at_the_fields_own_default(qtbot: QtBot, asked: Question) -> None:
    assert asked.visibility is not None  # the guide check makes every text answer say it
    editor = TextEditor(asked)
    qtbot.addWidget(editor)
    assert editor.findChildren(QComboBox) == []  # no full-width drop-down any more
    assert editor.visibility.value() is asked.visibility
    editor.text.setPlainText("Words")
    assert editor.value() == Note(text="Words", visibility=asked.visibility)


def test_the_shipped_guide_has_all_three_defaults() -> None:
    defaults = {q.visibility for q in every_question(AnswerKind.TEXT)}
    assert defaults == set(Visibility)  # so the test above sees each one


def test_ctrl_shift_t_while_typing_marks_the_words_as_about_someone_else(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    editor = TextEditor(question("persons_view"))  # the person's own view: their copy
    window.setCentralWidget(editor)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    editor.text.setFocus()
    type_text(qtbot, editor.text, "My brother takes my pension")
    assert editor.value() == Note(text="My brother takes my pension", visibility=Visibility.PERSON)

    with qtbot.waitSignal(editor.edited, timeout=1000):
        qtbot.keyClick(editor.text, Key.Key_T, CTRL_SHIFT)

    assert editor.value() == Note(
        text="My brother takes my pension", visibility=Visibility.THIRD_PARTY
    )
    said = "Marked as about someone else: left out of the person's copy."
    assert window.statusBar().currentMessage() == said
    assert editor.visibility.toolTip().startswith(said)
    assert editor.visibility.accessibleName().startswith(
        "Who may read: About others: workers only, for the answer to “"
    )
    assert editor.text.hasFocus()  # typing goes on where it was

    # Pressed again it never puts the words back in the person's copy.
    qtbot.keyClick(editor.text, Key.Key_T, CTRL_SHIFT)
    assert editor.visibility.value() is Visibility.THIRD_PARTY
    assert window.statusBar().currentMessage() == "Already marked as about someone else."


def test_the_shortcut_leaves_workers_only_text_for_workers_only(qtbot: QtBot) -> None:
    editor = TextEditor(question("workers_view"))
    shown(qtbot, editor)
    editor.text.setFocus()
    type_text(qtbot, editor.text, "Analysis")
    with qtbot.assertNotEmitted(editor.edited):
        qtbot.keyClick(editor.text, Key.Key_T, CTRL_SHIFT)
    assert editor.value() == Note(text="Analysis", visibility=Visibility.INTERNAL)
    assert editor.visibility.toolTip().startswith("Already for workers only")


def test_a_read_only_answer_cannot_be_marked(qtbot: QtBot) -> None:
    editor = TextEditor(question("persons_view"))
    shown(qtbot, editor)
    editor.set_value(Note(text="Kept", visibility=Visibility.PERSON))
    editor.set_read_only(True)
    editor.text.setFocus()
    qtbot.keyClick(editor.text, Key.Key_T, CTRL_SHIFT)
    assert is_locked(editor.visibility)  # readable at full contrast, but held
    assert editor.value() == Note(text="Kept", visibility=Visibility.PERSON)


def choose_in_menu(qtbot: QtBot, button: VisibilityButton, act: object) -> None:
    """Open ``button``'s menu as a worker does, and run ``act(menu)`` once it shows."""
    menu = button.menu()
    assert isinstance(menu, QMenu)
    done: list[bool] = []

    def when_shown() -> None:
        if not menu.isVisible():
            QTimer.singleShot(10, when_shown)
            return
        act(menu)  # type: ignore[operator]
        done.append(True)

    QTimer.singleShot(0, when_shown)
    button.setFocus()
    qtbot.keyClick(button, Key.Key_Down)  # opens the choices; returns once one is taken
    qtbot.waitUntil(lambda: bool(done) and not menu.isVisible(), timeout=3000)


def test_the_choice_changes_with_the_keyboard_and_the_name_says_it(qtbot: QtBot) -> None:
    editor = TextEditor(question("persons_view"))
    shown(qtbot, editor)
    editor.text.setPlainText("Words")
    button = editor.visibility
    prompt = str(question("persons_view").prompt)
    assert button.accessibleName() == f"Who may read: Person's copy, for the answer to “{prompt}”"
    assert button.accessibleDescription().startswith("The person can read this.")

    def two_down(menu: QMenu) -> None:  # from the current choice, the third one
        qtbot.keyClick(menu, Key.Key_Down)
        qtbot.keyClick(menu, Key.Key_Down)
        qtbot.keyClick(menu, Key.Key_Return)

    with qtbot.waitSignal(editor.edited, timeout=3000):
        choose_in_menu(qtbot, button, two_down)
    assert editor.value() == Note(text="Words", visibility=Visibility.INTERNAL)
    assert button.accessibleName() == f"Who may read: Workers only, for the answer to “{prompt}”"
    assert button.text().startswith("Who may read: Workers only")


def test_the_choice_changes_with_the_mouse(qtbot: QtBot) -> None:
    editor = TextEditor(question("workers_view"))
    shown(qtbot, editor)
    editor.text.setPlainText("Words")

    def click_person(menu: QMenu) -> None:
        (person,) = [a for a in menu.actions() if a.text() == "The person can read this"]
        qtbot.mouseClick(
            menu,
            Qt.MouseButton.LeftButton,
            pos=menu.actionGeometry(person).center(),
        )

    choose_in_menu(qtbot, editor.visibility, click_person)
    assert editor.value() == Note(text="Words", visibility=Visibility.PERSON)
    assert editor.visibility.accessibleName().startswith("Who may read: Person's copy, for ")


def test_showing_a_record_again_keeps_a_marking_made_before_typing(qtbot: QtBot) -> None:
    editor = TextEditor(question("persons_view"))
    shown(qtbot, editor)
    editor.text.setFocus()
    qtbot.keyClick(editor.text, Key.Key_T, CTRL_SHIFT)  # marked first, nothing typed yet
    editor.set_value(None)  # the step is shown again from the record
    assert editor.visibility.value() is Visibility.THIRD_PARTY
    editor.set_value(Note(text="Saved", visibility=Visibility.PERSON))
    assert editor.visibility.value() is Visibility.PERSON  # a saved answer shows its own


def test_lines_of_notes_share_one_choice(qtbot: QtBot) -> None:
    editor = LinesEditor(question("working_well"))
    shown(qtbot, editor)
    assert editor.visibility is not None
    assert editor.visibility.value() is Visibility.PERSON
    editor.text.setFocus()
    type_text(qtbot, editor.text, "Her daughter visits")
    qtbot.keyClick(editor.text, Key.Key_Return)
    type_text(qtbot, editor.text, "Church on Sunday")
    qtbot.keyClick(editor.text, Key.Key_T, CTRL_SHIFT)
    assert editor.value() == [
        Note(text="Her daughter visits", visibility=Visibility.THIRD_PARTY),
        Note(text="Church on Sunday", visibility=Visibility.THIRD_PARTY),
    ]


def test_a_step_has_a_named_button_for_every_text_answer(qtbot: QtBot) -> None:
    step = GUIDE.step("principles")
    page = StepPage(step, list)
    qtbot.addWidget(page)
    concern = builders.concern(builders.person(), stage=Stage.END)
    page.show_record(builders.draft_visit(concern), concern)
    buttons = page.findChildren(VisibilityButton)
    texts = [b.editor for b in page.blocks if isinstance(b.editor, TextEditor)]
    assert len(buttons) == len(texts) > 0
    assert page.findChildren(QComboBox) == []
    for button, text in zip(buttons, texts, strict=True):
        # Each names the answer it belongs to (WCAG 1.3.1, 4.1.2), not just the choice.
        prompt = str(text.question.prompt)
        assert (
            button.accessibleName() == f"Who may read: Person's copy, for the answer to “{prompt}”"
        )
