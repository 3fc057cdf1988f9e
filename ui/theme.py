"""Text size and the colour theme, applied to the whole application at once.

Text scale multiplies the application font from the size it had when the app first
applied a theme, so 150 % and back to 100 % returns exactly to the start. Both themes
give the control with keyboard focus a 2 px dark outline, make buttons look like
buttons, and size radio and tick-box indicators from the text, so they grow with it.
The "who may read this" buttons under text boxes are quiet (no edge until pointed at
or focused) and draw their own ▾, which grows with the text. High contrast is black on
white with dark blue selection and focus; the focused control gets a thick outline,
and selected rows are drawn white on dark blue, so focus and selection never depend on
telling two colours apart.

Under an application style sheet ``QApplication.setFont`` no longer reaches child
widgets, so the style sheet is taken off while the font changes and put back after.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication

from msp_desktop.settings import Settings
from ui.focus_in_view import keep_focus_in_view
from ui.targets import TARGET_STYLE

_BASE_POINTS = "msp_base_font_points"
_HIGH_CONTRAST = "msp_high_contrast"
_OUR_STYLE = "msp_theme_style"
_SIZE_RESOLVED = 0x0002  # QFont::SizeResolved, which PySide6 does not expose
# Where Qt's style sheet style keeps a widget's own font, and puts it back from each
# time a style sheet is set: it must hear of the new size too.
_STYLE_SHEET_FONT = "_q_styleSheetWidgetFont"

BLACK = QColor("#000000")
WHITE = QColor("#ffffff")
DARK_BLUE = QColor("#00338d")  # 12.6:1 against white
MID_GREY = QColor("#4d4d4d")  # disabled text: 8.5:1 against white, still clearly dimmer
FOCUS_DARK = "#1a1a1a"  # the normal theme's focus outline: 17:1 against white
EDGE_GREY = "#6b6b6b"  # control edges in the normal theme: 5.3:1 against white, 4.6:1 on grey
# The normal theme's selection (the chosen caseload row, the current step): white text
# on it is 6.2:1; Fusion's own #308cc6 gave 3.7:1. Also the tick boxes' fill.
SELECTION_BLUE = QColor("#1f63a6")
# Hint text in empty boxes: 6.5:1 on white, 5.6:1 on the window grey, still dimmer than
# typed text. Fusion's half-transparent black gave 4.0:1.
HINT_GREY = QColor("#5e5e5e")

# Indicators are this many times the height of a line of text.
INDICATOR_SCALE = 0.9

# The normal theme: Fusion's look, with a focus outline no one can miss.
NORMAL_STYLE = """
QToolBar { spacing: 12px; padding: 4px 12px; }
QDialogButtonBox { dialogbuttonbox-buttons-have-icons: 0; }
QPushButton, QToolButton {
    border: 1px solid %(edge)s;
    border-radius: 4px;
    padding: 3px 13px;
    background: palette(button);
    color: palette(button-text);
}
QPushButton:hover, QToolButton:hover { background: palette(light); }
QPushButton:pressed, QToolButton:pressed, QToolButton:checked { background: palette(midlight); }
QPushButton:focus, QToolButton:focus {
    outline: none;
    border: 2px solid %(focus)s;
    padding: 2px 12px;
}
QPushButton:disabled, QToolButton:disabled { border-style: dashed; }
QRadioButton, QCheckBox {
    border: 2px solid transparent;
    border-radius: 4px;
    padding: 0px 4px;
}
QRadioButton:focus, QCheckBox:focus { outline: none; border-color: %(focus)s; }
%(indicators)s
%(boxes)s
QToolButton#visibility { border-color: transparent; background: transparent; padding: 1px 6px; }
QToolButton#visibility:hover { border-color: %(edge)s; background: palette(light); }
QToolButton#visibility:focus { border-color: %(focus)s; padding: 0px 5px; }
QToolButton#visibility::menu-indicator { image: none; width: 0px; }
"""

HIGH_CONTRAST_STYLE = """
QToolBar { spacing: 12px; padding: 4px 12px; }
QDialogButtonBox { dialogbuttonbox-buttons-have-icons: 0; }
%(boxes)s
QPushButton:focus, QToolButton:focus, QCheckBox:focus, QRadioButton:focus {
    outline: none;
    border: 3px solid #00338d;
}
QPushButton, QToolButton {
    border: 2px solid #000000;
    padding: 2px 10px;
    background: #ffffff;
    color: #000000;
}
QPushButton:focus, QToolButton:focus { padding: 1px 9px; }
QPushButton:pressed, QToolButton:pressed, QToolButton:checked { background: #d9d9d9; }
QPushButton:disabled, QToolButton:disabled { border-style: dashed; color: #4d4d4d; }
QRadioButton, QCheckBox {
    border: 3px solid transparent;
    padding: 0px 4px;
}
%(indicators)s
QToolButton#visibility { padding: 0px 6px; }
QToolButton#visibility:focus { padding: 0px 5px; }
QToolButton#visibility::menu-indicator { image: none; width: 0px; }
"""


# Text boxes, drop-downs and spin boxes: an edge that is plainly there (WCAG 1.4.11:
# 3:1 against the page; Fusion's own was 1.7-2.3:1), and a thicker one in the focus
# colour on focus. The padding gives back what the thicker edge takes, so the text does
# not move when the focus arrives; a box is as tall as a button beside it. Scroll areas
# (the person's record, each visit step) are Tab stops, so that PgDn and the arrow keys
# scroll them for reading: they get the same mark, drawn in a border kept transparent
# until then so nothing moves. So does the print preview's page view (it had none).
BOXES = """
QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit {
    border: %(edge_width)dpx solid %(edge)s;
    border-radius: 3px;
    padding: %(edge_pad)dpx;
    background: palette(base);
}
QComboBox { padding-left: %(combo_pad)dpx; }
QLineEdit:focus, QAbstractSpinBox:focus, QComboBox:focus, QPlainTextEdit:focus,
QTextEdit:focus {
    border: %(focus_width)dpx solid %(focus)s;
    padding: 1px;
}
QComboBox:focus { padding-left: %(combo_focus_pad)dpx; }
QAbstractItemView:focus { border: %(focus_width)dpx solid %(focus)s; }
QAbstractSpinBox QLineEdit, QComboBox QLineEdit,
QAbstractSpinBox QLineEdit:focus, QComboBox QLineEdit:focus {
    border: none;
    padding: 0px;
    background: transparent;
}
QScrollArea, QPdfView { border: %(focus_width)dpx solid transparent; }
QScrollArea:focus, QPdfView:focus { border-color: %(focus)s; }
"""

# Radio rings and tick boxes drawn by the theme (Fusion's were 1.7-2.1:1 against the
# page): a 2 px edge, filled in the selection colour when chosen.
INDICATORS = """
QRadioButton::indicator, QCheckBox::indicator {
    width: %(box)dpx;
    height: %(box)dpx;
    border: 2px solid %(edge)s;
    background: palette(base);
}
QRadioButton::indicator { border-radius: %(radius)dpx; }
QCheckBox::indicator { border-radius: 2px; }
QCheckBox::indicator:checked {
    background: %(mark)s;
    padding: 3px;
    background-clip: content;
}
QRadioButton::indicator:checked {
    background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
        stop: 0 %(mark)s, stop: 0.55 %(mark)s, stop: 0.62 palette(base), stop: 1 palette(base));
}
QCheckBox::indicator:indeterminate {
    background: qlineargradient(x1: 0, y1: 0, x2: 0, y2: 1, stop: 0 palette(base),
        stop: 0.4 palette(base), stop: 0.41 %(mark)s, stop: 0.6 %(mark)s,
        stop: 0.61 palette(base), stop: 1 palette(base));
}
QRadioButton::indicator:disabled, QCheckBox::indicator:disabled { border-style: dashed; }
"""


def normal_palette(app: QApplication) -> QPalette:
    """The style's own palette, with a selection and hint text dark enough to read."""
    palette = app.style().standardPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Highlight, SELECTION_BLUE)
        palette.setColor(group, QPalette.ColorRole.HighlightedText, WHITE)
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, HINT_GREY)
        palette.setColor(group, QPalette.ColorRole.Accent, SELECTION_BLUE)
    return palette


def high_contrast_palette() -> QPalette:
    """Black text on white, white on dark blue for selections and links."""
    palette = QPalette()
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        palette.setColor(role, WHITE)
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f0f0f0"))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.ToolTipText,
        QPalette.ColorRole.PlaceholderText,
    ):
        palette.setColor(role, BLACK)
    palette.setColor(QPalette.ColorRole.ToolTipBase, WHITE)
    palette.setColor(QPalette.ColorRole.Highlight, DARK_BLUE)
    palette.setColor(QPalette.ColorRole.HighlightedText, WHITE)
    palette.setColor(QPalette.ColorRole.Link, DARK_BLUE)
    palette.setColor(QPalette.ColorRole.LinkVisited, DARK_BLUE)
    palette.setColor(QPalette.ColorRole.BrightText, WHITE)
    palette.setColor(QPalette.ColorRole.Accent, DARK_BLUE)
    group = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(group, role, MID_GREY)
    # Selection stays dark blue when the window is not active, not a pale grey.
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, DARK_BLUE)
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.HighlightedText, WHITE)
    return palette


def base_point_size(app: QApplication) -> float:
    """The application font size at 100 % (remembered the first time it is asked)."""
    stored = app.property(_BASE_POINTS)
    if isinstance(stored, float) and stored > 0:
        return stored
    points = app.font().pointSizeF()
    app.setProperty(_BASE_POINTS, float(points))
    return points


def indicator_size(font: QFont) -> int:
    """Pixels across a radio or tick-box indicator for text in ``font``."""
    return max(13, round(QFontMetrics(font).height() * INDICATOR_SCALE))


def theme_style(high_contrast: bool, font: QFont) -> str:
    """The application style sheet for the theme, sized for text in ``font``."""
    box = indicator_size(font)
    if high_contrast:
        edge, focus, mark, widths = "#000000", DARK_BLUE.name(), DARK_BLUE.name(), (1, 3)
    else:
        edge, focus, mark, widths = EDGE_GREY, FOCUS_DARK, SELECTION_BLUE.name(), (1, 2)
    edge_width, focus_width = widths
    pad = focus_width - edge_width
    shared = {"box": box, "radius": box // 2 + 1, "edge": edge, "focus": focus, "mark": mark}
    boxes = BOXES % {
        **shared,
        "edge_width": edge_width,
        "focus_width": focus_width,
        "edge_pad": pad + 1,
        "combo_pad": pad + 4,
        "combo_focus_pad": 4,
    }
    values = {**shared, "boxes": boxes, "indicators": INDICATORS % shared}
    theme = (HIGH_CONTRAST_STYLE if high_contrast else NORMAL_STYLE) % values
    return theme + TARGET_STYLE  # sizes only, kept apart: ui/targets.py


def _scale_text(app: QApplication, points: float) -> None:
    font = app.font()
    old = font.pointSizeF()
    if old <= 0 or abs(old - points) < 0.01:
        return
    font.setPointSizeF(points)
    app.setFont(font)
    # Headings set their own (larger) size, which the application font no longer
    # reaches: scale those by the same ratio so they stay in proportion.
    for widget in app.allWidgets():
        if widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            own = widget.font()
            if own.resolveMask() & _SIZE_RESOLVED:
                own.setPointSizeF(own.pointSizeF() * points / old)
                widget.setFont(own)
                if widget.property(_STYLE_SHEET_FONT) is not None:
                    widget.setProperty(_STYLE_SHEET_FONT, own)


def apply_theme(app: QApplication, settings: Settings) -> None:
    """Apply the text scale and the colour theme of ``settings`` to ``app`` now."""
    ours = app.property(_OUR_STYLE)
    if app.styleSheet() and app.styleSheet() == ours:
        # Off while the font changes, or the new size never reaches child widgets.
        app.setStyleSheet("")
    _scale_text(app, base_point_size(app) * settings.text_scale_percent / 100)
    app.setPalette(high_contrast_palette() if settings.high_contrast else normal_palette(app))
    style = theme_style(settings.high_contrast, app.font())
    app.setStyleSheet(style)
    app.setProperty(_OUR_STYLE, style)
    keep_focus_in_view(app)
    app.setProperty(_HIGH_CONTRAST, settings.high_contrast)


def reset_theme(app: QApplication) -> None:
    """Back to 100 % and the normal theme, forgetting the remembered base size (tests)."""
    apply_theme(app, Settings())
    app.setProperty(_BASE_POINTS, None)
