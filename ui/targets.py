"""Every control at least 24 × 24 px, so it can be aimed at (WCAG 2.2, 2.5.8).

At 100 % text Fusion draws buttons and text boxes 22 px high, tick boxes 18 px, a spin
box's arrows about 14 × 7 px and a text box's clear button 22 × 18 px. ``TARGET_STYLE``
is added to the theme's style sheet (``ui.theme.theme_style``) in both themes: heights
are set on the content box, which Qt's style sheets size, so whatever edge and padding
a theme draws only adds to them. A spin box's arrows sit side by side, each as wide and
as high as a target must be, drawn by the style (arrow images are given, so they show
in both themes). ``roomy_clear_button`` makes a text box's clear button big enough.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QProxyStyle, QStyle, QStyleOption, QWidget

MIN_TARGET = 24  # px, WCAG 2.5.8

# Content heights: a 1 px edge and 3 px padding (buttons) or 2 px edge (tick boxes and
# radio buttons, transparent until focused) bring each to 24 px at least.
TARGET_STYLE = """
/* WCAG 2.5.8 target size (ui/targets.py): at least 24 x 24 px. */
QPushButton, QToolButton { min-height: 16px; }
QToolButton#visibility { min-height: 20px; }
QRadioButton, QCheckBox { min-height: 20px; }
QLineEdit, QComboBox { min-height: 20px; }
QAbstractSpinBox { min-height: 24px; padding-right: 50px; }
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {
    subcontrol-origin: border;
    subcontrol-position: center right;
    width: 24px;
    height: 24px;
}
QAbstractSpinBox::down-button { right: 25px; }
"""


class _RoomyIcons(QProxyStyle):
    """The style of one text box, with its clear button a whole target high."""

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        value = super().pixelMetric(metric, option, widget)
        if metric == QStyle.PixelMetric.PM_LineEditIconSize:
            return max(value, MIN_TARGET)
        return value


def roomy_clear_button(edit: QLineEdit) -> None:
    """Give ``edit`` a clear button at least 24 × 24 px (and room for it)."""
    base = edit.style().name() or "fusion"
    style = _RoomyIcons(base)
    style.setParent(edit)  # the text box owns it, so it goes with the text box
    edit.setStyle(style)
