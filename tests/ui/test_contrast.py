"""WCAG 1.4.3 and 1.4.11 in both themes, measured from rendered pixels.

Text at least 4.5:1 (the chosen caseload row, hint text in empty boxes); the edges of
text boxes, drop-downs, spin boxes, tick boxes and radio rings at least 3:1 against
the page they sit on. The measures are in ``tests.ui.contrast``.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from msp_desktop.settings import Settings
from tests.ui.contrast import NON_TEXT_MINIMUM, TEXT_MINIMUM, edge_contrast, image_of, text_contrast
from tests.ui.test_focus_visible import THEMES
from ui.main_window import MainWindow
from ui.theme import apply_theme


@pytest.fixture
def page(qtbot: QtBot) -> QWidget:
    """A window holding one of each kind of box, and a button that has the focus."""
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(20, 20, 20, 20)
    hint = QLineEdit(holder)
    hint.setPlaceholderText("Search by name or local ID")
    lines = QPlainTextEdit(holder)
    lines.setPlaceholderText("One on each line")
    lines.setFixedHeight(60)
    combo = QComboBox(holder)
    combo.addItems(["Not answered yet", "Yes"])
    for widget in (hint, lines, combo, QSpinBox(holder), QLineEdit(holder)):
        layout.addWidget(widget)
    for kind in (QCheckBox, QRadioButton):
        for checked in (False, True):
            box = kind("An answer", holder)
            box.setChecked(checked)
            layout.addWidget(box)
    button = QPushButton("Somewhere else", holder)
    layout.addWidget(button)
    holder.resize(400, 420)
    holder.show()
    holder.activateWindow()
    qtbot.waitUntil(holder.isActiveWindow)
    button.setFocus()
    return holder


def boxes(holder: QWidget) -> list[QWidget]:
    kinds = (QLineEdit, QPlainTextEdit, QComboBox, QSpinBox)
    return [
        w
        for w in holder.findChildren(QWidget)
        if isinstance(w, kinds) and w.parentWidget() is holder
    ]


@pytest.mark.parametrize("high_contrast", THEMES)
def test_edges_of_boxes_stand_out_from_the_page(
    qtbot: QtBot,
    themed: QApplication,
    page: QWidget,
    high_contrast: bool,
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    QApplication.processEvents()
    image = image_of(page)
    faint = []
    for widget in boxes(page):
        geometry = widget.geometry()
        middle = geometry.center().y()
        left = edge_contrast(image, middle, geometry.left() - 3, geometry.left())
        if left < NON_TEXT_MINIMUM:
            faint.append(f"{type(widget).__name__}: {left:.2f}")
    assert faint == []


@pytest.mark.parametrize("high_contrast", THEMES)
def test_tick_boxes_and_radio_rings_stand_out(
    qtbot: QtBot,
    themed: QApplication,
    page: QWidget,
    high_contrast: bool,
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    QApplication.processEvents()
    faint = []
    for box in page.findChildren(QCheckBox) + page.findChildren(QRadioButton):
        option = QStyleOptionButton()
        option.initFrom(box)
        element = (
            QStyle.SubElement.SE_CheckBoxIndicator
            if isinstance(box, QCheckBox)
            else QStyle.SubElement.SE_RadioButtonIndicator
        )
        indicator = box.style().subElementRect(element, option, box)
        image = image_of(box)
        middle = indicator.center().y()
        measured = edge_contrast(image, middle, indicator.left() - 2, indicator.left())
        if measured < NON_TEXT_MINIMUM:
            faint.append(f"{type(box).__name__} checked={box.isChecked()}: {measured:.2f}")
    assert faint == []


@pytest.mark.parametrize("high_contrast", THEMES)
def test_hint_text_in_empty_boxes_is_readable(
    qtbot: QtBot,
    themed: QApplication,
    page: QWidget,
    high_contrast: bool,
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    QApplication.processEvents()
    hint_line = page.findChildren(QLineEdit)[0]
    hint_lines = page.findChildren(QPlainTextEdit)[0]
    assert hint_line.placeholderText()
    assert hint_lines.placeholderText()
    for widget in (hint_line, hint_lines):
        inside = widget.rect().adjusted(5, 5, -5, -5)
        measured = text_contrast(image_of(widget, inside))
        assert measured >= TEXT_MINIMUM, f"{type(widget).__name__}: {measured:.2f}:1"


@pytest.mark.parametrize("high_contrast", THEMES)
def test_the_chosen_caseload_row_is_readable(
    qtbot: QtBot,
    themed: QApplication,
    window: MainWindow,
    high_contrast: bool,
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    table = window.caseload.table
    table.selectRow(0)
    for has_focus in (True, False):
        if has_focus:
            table.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            window.caseload.search_edit.setFocus()
        QApplication.processEvents()
        name = table.visualRect(table.model().index(0, 0)).adjusted(2, 2, -2, -2)
        measured = text_contrast(image_of(table.viewport(), name))
        assert measured >= TEXT_MINIMUM, f"{measured:.2f}:1 with focus {has_focus}"
