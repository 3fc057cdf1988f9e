"""Text size and the high-contrast theme, applied to the whole application at once.

Text scale multiplies the application font from the size it had when the app first
applied a theme, so 150 % and back to 100 % returns exactly to the start. High contrast
is black on white with dark blue selection and focus; the focused control also gets a
thick outline, and selected rows are drawn white on dark blue, so focus and selection
never depend on telling two colours apart.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from msp_desktop.settings import Settings

_BASE_POINTS = "msp_base_font_points"
_HIGH_CONTRAST = "msp_high_contrast"
_SIZE_RESOLVED = 0x0002  # QFont::SizeResolved, which PySide6 does not expose

BLACK = QColor("#000000")
WHITE = QColor("#ffffff")
DARK_BLUE = QColor("#00338d")  # 12.6:1 against white
MID_GREY = QColor("#4d4d4d")  # disabled text: 8.5:1 against white, still clearly dimmer

HIGH_CONTRAST_STYLE = """
QLineEdit:focus, QAbstractSpinBox:focus, QComboBox:focus, QAbstractItemView:focus,
QPlainTextEdit:focus, QTextEdit:focus {
    border: 3px solid #00338d;
}
QPushButton:focus, QToolButton:focus, QCheckBox:focus, QRadioButton:focus {
    outline: none;
    border: 3px solid #00338d;
}
QPushButton, QToolButton {
    border: 2px solid #000000;
    padding: 4px 10px;
    background: #ffffff;
    color: #000000;
}
QPushButton:disabled, QToolButton:disabled { border-style: dashed; color: #4d4d4d; }
"""


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


def apply_theme(app: QApplication, settings: Settings) -> None:
    """Apply the text scale and the colour theme of ``settings`` to ``app`` now."""
    _scale_text(app, base_point_size(app) * settings.text_scale_percent / 100)
    was_high = bool(app.property(_HIGH_CONTRAST))
    if settings.high_contrast:
        app.setPalette(high_contrast_palette())
        app.setStyleSheet(HIGH_CONTRAST_STYLE)
    elif was_high:  # only undo what this module did; otherwise leave the style alone
        app.setPalette(app.style().standardPalette())
        app.setStyleSheet("")
    app.setProperty(_HIGH_CONTRAST, settings.high_contrast)


def reset_theme(app: QApplication) -> None:
    """Back to 100 % and the normal theme, forgetting the remembered base size (tests)."""
    apply_theme(app, Settings())
    app.setProperty(_BASE_POINTS, None)
