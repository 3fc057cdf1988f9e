"""A finalised visit is read at full contrast, and still cannot be changed (WCAG 1.4.3).

Disabled controls are drawn in pale grey (1.8:1), so the worker's own finalised record
was hard to read; the answers are now shown in controls that are not greyed but hold
still. Contrast is measured from the rendered pixels of each answer, in both themes.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from msp_desktop.model import Visit
from msp_desktop.settings import Settings
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.contrast import TEXT_MINIMUM, image_of, text_contrast
from tests.ui.helpers import type_text
from tests.ui.visit.conftest import Setting
from ui.theme import apply_theme
from ui.visit.read_only import lock
from ui.visit.step_page import StepPage

THEMES = [pytest.param(False, id="normal"), pytest.param(True, id="high-contrast")]
ANSWERS = (QRadioButton, QCheckBox, QComboBox, QLineEdit, QPlainTextEdit)


def finalised(qtbot: QtBot, setting: Setting) -> Visit:
    """A complete visit, finalised, shown on the visit page."""
    visit = builders.complete_visit(setting.concern)

    def hold(ws: Workspace) -> None:
        ws.visits.start(visit)
        ws.visits.finalise(visit.id)

    setting.run(qtbot, hold)
    setting.open(qtbot, visit.id)
    return visit


def answers_on(page: StepPage) -> list[QWidget]:
    return [
        w
        for w in page.widget().findChildren(QWidget)
        if isinstance(w, ANSWERS)
        and w.isVisibleTo(page)
        and w.parentWidget() is not None
        and not isinstance(w.parentWidget(), QComboBox)
    ]


def shown_text(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    assert isinstance(widget, QAbstractButton)
    return widget.text()


def faint_answers(qtbot: QtBot, page: StepPage) -> list[str]:
    """The answers on ``page`` whose words show at less than 4.5:1."""
    faint = []
    for widget in answers_on(page):
        if not shown_text(widget):
            continue  # an empty box: its edge is checked in tests/ui/test_contrast.py
        page.ensureWidgetVisible(widget)
        QApplication.processEvents()
        # Inside the box's edge, so only the words are measured.
        inside = widget.rect().adjusted(4, 4, -4, -4)
        measured = text_contrast(image_of(widget, inside))
        if measured < TEXT_MINIMUM:
            faint.append(f"{type(widget).__name__} {widget.accessibleName()!r}: {measured:.2f}")
    return faint


@pytest.mark.parametrize("high_contrast", THEMES)
def test_finalised_answers_are_shown_at_full_contrast(
    qtbot: QtBot, themed: QApplication, beginning: Setting, high_contrast: bool
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    finalised(qtbot, beginning)
    assert beginning.page.final
    checked = 0
    for step_id in ("check-in", "support-to-decide"):
        page = beginning.step(step_id)
        qtbot.waitUntil(page.isVisible)
        assert faint_answers(qtbot, page) == []
        checked += len(answers_on(page))
        # Not disabled: each answer is still a Tab stop a keyboard user can reach.
        assert all(w.isEnabled() for w in answers_on(page))
    assert checked >= 10


def test_finalised_answers_cannot_be_changed(
    qtbot: QtBot, themed: QApplication, beginning: Setting
) -> None:
    apply_theme(themed, Settings())
    visit = finalised(qtbot, beginning)
    before = beginning.stored(qtbot, visit.id)
    for step_id in ("check-in", "support-to-decide"):
        page = beginning.step(step_id)
        qtbot.waitUntil(page.isVisible)
        values = [block.editor.value() for block in page.blocks]
        widgets = answers_on(page)
        assert any(isinstance(w, QAbstractButton) for w in widgets)
        with qtbot.assertNotEmitted(page.edited):
            for widget in widgets:
                page.ensureWidgetVisible(widget)
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                middle = QPoint(12, widget.height() // 2)
                qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=middle)
                for key in (Qt.Key.Key_Space, Qt.Key.Key_Down, Qt.Key.Key_Right):
                    qtbot.keyClick(widget, key)
                if isinstance(widget, QLineEdit | QPlainTextEdit):
                    type_text(qtbot, widget, "changed")
        QApplication.processEvents()
        assert [block.editor.value() for block in page.blocks] == values
    assert beginning.stored(qtbot, visit.id) == before


@pytest.mark.parametrize("high_contrast", THEMES)
def test_the_current_step_is_readable(
    qtbot: QtBot, themed: QApplication, beginning: Setting, high_contrast: bool
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    beginning.open(qtbot, beginning.begin(qtbot))
    steps = beginning.page.steps
    beginning.step("what-matters")
    for has_focus in (True, False):
        if has_focus:
            steps.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            steps.clearFocus()
        QApplication.processEvents()
        row = steps.visualItemRect(steps.currentItem())
        measured = text_contrast(image_of(steps.viewport(), row.adjusted(1, 1, -1, -1)))
        assert measured >= TEXT_MINIMUM, f"{measured:.2f}:1 with focus {has_focus}"


def test_finalised_answers_are_reported_read_only_and_refuse_an_assistive_press(
    qtbot: QtBot, themed: QApplication, beginning: Setting
) -> None:
    # WCAG 4.1.2: Qt has no read-only state of its own for these controls; the locked
    # ones report it (and say it), and a screen reader's press or toggle action, which
    # calls click() or toggle() past any event filter, no longer changes the answer.
    apply_theme(themed, Settings())
    visit = finalised(qtbot, beginning)
    before = beginning.stored(qtbot, visit.id)
    pressed = 0
    for step_id in ("check-in", "support-to-decide"):
        page = beginning.step(step_id)
        qtbot.waitUntil(page.isVisible)
        values = [block.editor.value() for block in page.blocks]
        choices = [w for w in answers_on(page) if isinstance(w, QAbstractButton | QComboBox)]
        assert any(isinstance(w, QRadioButton) for w in choices)
        assert any(isinstance(w, QCheckBox) for w in choices)
        with qtbot.assertNotEmitted(page.edited):
            for widget in choices:
                interface = QAccessible.queryAccessibleInterface(widget)
                assert interface.state().readOnly, describe(widget)
                assert interface.text(QAccessible.Text.Description).startswith(
                    "Read only: cannot be changed."
                ), describe(widget)
                if isinstance(widget, QAbstractButton):
                    assert interface.text(QAccessible.Text.Name), describe(widget)
                    assert interface.state().checked == widget.isChecked(), describe(widget)
                actions = interface.actionInterface()
                assert actions is not None
                for name in ("Press", "Toggle", "ShowMenu"):
                    actions.doAction(name)
                    pressed += 1
                # Only moving the focus is offered.
                assert actions.actionNames() == ["SetFocus"], describe(widget)
            qtbot.wait(300)  # a press is an animated click, 100 ms later
        assert [block.editor.value() for block in page.blocks] == values
    assert pressed >= 30
    assert beginning.stored(qtbot, visit.id) == before


def test_an_answer_unlocked_again_is_qts_own_again(qtbot: QtBot) -> None:
    box = QCheckBox("Remembering information")
    qtbot.addWidget(box)
    lock(box, True)
    assert QAccessible.queryAccessibleInterface(box).state().readOnly
    lock(box, False)
    interface = QAccessible.queryAccessibleInterface(box)
    assert not interface.state().readOnly
    assert "Toggle" in interface.actionInterface().actionNames()
    assert interface.text(QAccessible.Text.Description) == ""


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.accessibleName()!r}"
