"""Text size and high contrast are applied to the whole application at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from msp_desktop.settings import Settings
from ui.dialog_parts import heading
from ui.theme import (
    HIGH_CONTRAST_STYLE,
    apply_theme,
    base_point_size,
    indicator_size,
    reset_theme,
    theme_style,
)

Role = QPalette.ColorRole


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The test application, put back to 100 % and the normal theme afterwards."""
    assert isinstance(qapp, QApplication)
    reset_theme(qapp)
    yield qapp
    reset_theme(qapp)


def contrast(one: QColor, other: QColor) -> float:
    """WCAG 2 contrast ratio of two colours."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_scale_scales_the_application_font(app: QApplication) -> None:
    base = base_point_size(app)
    apply_theme(app, Settings(text_scale_percent=150))
    assert app.font().pointSizeF() == pytest.approx(base * 1.5)
    apply_theme(app, Settings(text_scale_percent=200))
    assert app.font().pointSizeF() == pytest.approx(base * 2)
    apply_theme(app, Settings())
    assert app.font().pointSizeF() == pytest.approx(base)  # no drift after round trips


def test_new_and_existing_widgets_follow_the_scale(qtbot: QtBot, app: QApplication) -> None:
    base = base_point_size(app)
    body = QLabel("body")
    title = heading("A heading")  # sets its own, larger size
    for label in (body, title):
        qtbot.addWidget(label)
        label.show()  # polished under the theme's style sheet, as in the app
    title_points = title.font().pointSizeF()
    apply_theme(app, Settings(text_scale_percent=150))
    qtbot.waitUntil(lambda: body.font().pointSizeF() == pytest.approx(base * 1.5))
    assert title.font().pointSizeF() == pytest.approx(title_points * 1.5)
    later = heading("Opened later")
    qtbot.addWidget(later)
    assert later.font().pointSizeF() == pytest.approx(title_points * 1.5)


def test_high_contrast_palette(app: QApplication) -> None:
    apply_theme(app, Settings(high_contrast=True))
    palette = app.palette()
    assert palette.color(Role.Window) == QColor("white")
    assert palette.color(Role.Base) == QColor("white")
    assert palette.color(Role.WindowText) == QColor("black")
    assert palette.color(Role.Text) == QColor("black")
    assert palette.color(Role.Highlight) == QColor("#00338d")
    for text, background in (
        (Role.Text, Role.Base),
        (Role.WindowText, Role.Window),
        (Role.ButtonText, Role.Button),
        (Role.HighlightedText, Role.Highlight),
        (Role.Link, Role.Base),
    ):
        assert contrast(palette.color(text), palette.color(background)) >= 7  # WCAG AAA
    inactive = QPalette.ColorGroup.Inactive
    assert palette.color(inactive, Role.Highlight) == QColor("#00338d")
    disabled = QPalette.ColorGroup.Disabled
    assert contrast(palette.color(disabled, Role.Text), palette.color(Role.Base)) >= 4.5
    # Focus is a thick outline, not only a colour change.
    assert app.styleSheet() == theme_style(True, app.font())
    assert "3px solid" in HIGH_CONTRAST_STYLE


def test_switching_high_contrast_off_restores_the_style(app: QApplication) -> None:
    before = app.palette().color(Role.Window)
    apply_theme(app, Settings(high_contrast=True))
    apply_theme(app, Settings(high_contrast=False))
    assert app.styleSheet() == theme_style(False, app.font())
    assert app.palette().color(Role.Window) == app.style().standardPalette().color(Role.Window)
    assert app.palette().color(Role.Window) == before


def window_with_fields(qtbot: QtBot) -> tuple[QMainWindow, QLineEdit, QTableView]:
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget(window)
    layout = QVBoxLayout(central)
    edit, table = QLineEdit(central), QTableView(central)
    layout.addWidget(edit)
    layout.addWidget(table)
    window.setCentralWidget(central)
    window.show()
    return window, edit, table


@pytest.mark.parametrize("high_contrast", [True, False])
def test_text_size_reaches_child_widgets_under_the_style_sheet(
    qtbot: QtBot, app: QApplication, high_contrast: bool
) -> None:
    base = base_point_size(app)
    app.setStyleSheet("")  # widgets polished before any style sheet, as at start-up
    window, edit, table = window_with_fields(qtbot)
    apply_theme(app, Settings(high_contrast=high_contrast))  # then a style sheet is set
    assert app.styleSheet()
    apply_theme(app, Settings(high_contrast=high_contrast, text_scale_percent=150))
    for widget in (window, edit, table, table.horizontalHeader()):
        qtbot.waitUntil(lambda w=widget: w.font().pointSizeF() == pytest.approx(base * 1.5))
    apply_theme(app, Settings(high_contrast=not high_contrast, text_scale_percent=200))
    for widget in (edit, table):
        qtbot.waitUntil(lambda w=widget: w.font().pointSizeF() == pytest.approx(base * 2))
    apply_theme(app, Settings())
    for widget in (edit, table):
        qtbot.waitUntil(lambda w=widget: w.font().pointSizeF() == pytest.approx(base))


@pytest.mark.interactive_desktop(
    "measures text against Windows' fonts and style metrics; Wine has substitute fonts and GDI"
)
@pytest.mark.parametrize("high_contrast", [True, False])
def test_indicators_grow_with_the_text(
    qtbot: QtBot, app: QApplication, high_contrast: bool
) -> None:
    apply_theme(app, Settings(high_contrast=high_contrast))
    small = indicator_size(app.font())
    apply_theme(app, Settings(high_contrast=high_contrast, text_scale_percent=200))
    large = indicator_size(app.font())
    assert large >= small * 1.8
    assert f"width: {large}px" in app.styleSheet()
    for kind in (QRadioButton, QCheckBox):
        box = kind("Yes")
        qtbot.addWidget(box)
        box.show()
        # The control is at least as tall as its (larger) indicator.
        assert box.sizeHint().height() >= large


def test_both_themes_outline_keyboard_focus(app: QApplication) -> None:
    for high_contrast in (False, True):
        style = theme_style(high_contrast, app.font())
        for selector in ("QPushButton:focus", "QRadioButton:focus", "QCheckBox:focus"):
            assert selector in style
        assert "QLineEdit:focus" in style
        assert "QComboBox:focus" in style
    assert "2px solid #1a1a1a" in theme_style(False, app.font())
    high = theme_style(True, app.font())
    assert "2px solid #000000" in high  # indicator and button edges
    assert "QCheckBox::indicator:checked" in high
