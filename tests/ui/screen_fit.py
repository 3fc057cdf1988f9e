"""What "fits the screen" means, measured on real widgets (used by the fits-screen cases).

A window fits when its frame lies inside the screen's available area. A control a person
acts on (a button, a text box, a tick box or radio button, a drop-down, a spin box, a
list or table) is within reach when either

- its whole rectangle lies inside the screen's available area, or
- it sits in a scroll area whose visible part is itself within reach, and scrolling can
  bring the whole control into that visible part: it is no wider and no taller than the
  visible part, and where the scroll area cannot scroll across (its scroll bar is off)
  the control's right edge is inside the visible width.

Hidden controls (not visible in the window now, e.g. on another page of a stack) are
not measured. Targets are measured too: each control at least 24 × 24 px (WCAG 2.2,
2.5.8), and each spin box's up and down arrows as the style draws them. Scroll bars are
left out: they belong to the view (the wheel and the keyboard scroll it too).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QStyle,
    QStyleOptionSpinBox,
    QTextEdit,
    QWidget,
)

ACTIONABLE = (
    QAbstractButton,
    QLineEdit,
    QAbstractSpinBox,
    QComboBox,
    QTextEdit,
    QPlainTextEdit,
    QAbstractItemView,
)
MIN_TARGET = 24


def global_rect(widget: QWidget) -> QRect:
    """``widget``'s rectangle in screen coordinates."""
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def label(widget: QWidget) -> str:
    name = widget.accessibleName() or widget.objectName()
    if isinstance(widget, QAbstractButton) and widget.text():
        name = widget.text().replace("&", "")
    return f"{type(widget).__name__} {name!r}"


def actionable(window: QWidget) -> list[QWidget]:
    """The controls of ``window`` a person can act on, visible now (scroll bars aside)."""
    found: list[QWidget] = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, ACTIONABLE) or isinstance(widget, QScrollBar):
            continue
        if not widget.isVisibleTo(window) or widget.window() is not window:
            continue
        owner = widget.parentWidget()
        # The line edit inside a spin box or an editable drop-down is part of that control.
        if isinstance(owner, (QAbstractSpinBox, QComboBox)):
            continue
        found.append(widget)
    return found


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest scroll area whose viewport holds ``widget``."""
    parent = widget.parentWidget()
    while parent is not None:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is parent:
            return area
        parent = area if isinstance(area, QWidget) else None
    return None


def out_of_reach(widget: QWidget, room: QRect) -> str | None:
    """Why ``widget`` cannot be brought wholly into ``room``, or None when it can."""
    area = _scroll_area_of(widget)
    if area is None:
        rect = global_rect(widget)
        return None if room.contains(rect) else f"at {_show(rect)}"
    viewport = area.viewport()
    seen = global_rect(viewport)
    if _scroll_area_of(viewport) is not None:
        outer = out_of_reach(viewport, room)  # the outer scroll area brings it into sight
    else:
        outer = None if room.contains(seen) else f"its scroll area's visible part at {_show(seen)}"
    if outer is not None:
        return outer
    if widget.width() > seen.width() or widget.height() > seen.height():
        return f"{widget.width()}x{widget.height()}, larger than its scroll area {_show(seen)}"
    if area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
        right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
        bar = area.horizontalScrollBar()
        if right - bar.value() > viewport.width() + bar.maximum() - bar.value():
            return f"beyond the right edge of a scroll area that cannot scroll across ({right} px)"
    return None


def _show(rect: QRect) -> str:
    return f"({rect.x()}, {rect.y()}) {rect.width()}x{rect.height()}"


def small_targets(widget: QWidget) -> list[str]:
    """Parts of ``widget`` a pointer aims at that are under 24 × 24 px."""
    small = []
    if widget.width() < MIN_TARGET or widget.height() < MIN_TARGET:
        small.append(f"{label(widget)} is {widget.width()}x{widget.height()}")
    if isinstance(widget, QAbstractSpinBox) and widget.buttonSymbols() != (
        QAbstractSpinBox.ButtonSymbols.NoButtons
    ):
        option = QStyleOptionSpinBox()
        option.initFrom(widget)
        option.subControls = (
            QStyle.SubControl.SC_SpinBoxUp
            | QStyle.SubControl.SC_SpinBoxDown
            | QStyle.SubControl.SC_SpinBoxFrame
            | QStyle.SubControl.SC_SpinBoxEditField
        )
        option.frame = widget.hasFrame()
        option.buttonSymbols = widget.buttonSymbols()
        for part, words in (
            (QStyle.SubControl.SC_SpinBoxUp, "up arrow"),
            (QStyle.SubControl.SC_SpinBoxDown, "down arrow"),
        ):
            rect = widget.style().subControlRect(
                QStyle.ComplexControl.CC_SpinBox, option, part, widget
            )
            if rect.width() < MIN_TARGET or rect.height() < MIN_TARGET:
                small.append(f"{label(widget)} {words} is {rect.width()}x{rect.height()}")
    return small


def problems(window: QWidget, room: QRect, *, targets: bool = True) -> list[str]:
    """Everything about ``window`` that is off the screen's available ``room`` (or too
    small to aim at, with ``targets``), each as one line naming the window."""
    found = []
    title = window.windowTitle() or window.objectName()
    frame = window.frameGeometry()
    if not room.contains(frame):
        found.append(f"{title}: the window at {_show(frame)}")
    for widget in actionable(window):
        why = out_of_reach(widget, room)
        if why is not None:
            found.append(f"{title}: {label(widget)} {why}")
        if targets:
            found.extend(f"{title}: {line}" for line in small_targets(widget))
    return found
