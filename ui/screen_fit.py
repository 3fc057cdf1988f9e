"""Keeping windows on the screen, whatever the text size.

At 200 % text on a 1,366 × 768 laptop a window sized for 100 % would run off the edge,
taking its buttons with it. ``keep_on_screen`` caps a window to the screen's available
area (what the task bar leaves) and moves it back inside whenever it is shown or grows;
the window's contents must be able to shrink that far, so bodies scroll and button rows
wrap (``wrapping_row``). ``fit_to_screen`` sizes a window that would like to be large
(the print preview) to the room there is.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ui.a11y import named
from ui.person.flow_layout import FlowLayout

# Room left for a window manager's title bar and edges until the window has them.
FRAME_GUESS = QSize(16, 40)


def available_area(widget: QWidget) -> QRect | None:
    """The available area of the screen ``widget`` is on (or the main screen)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def _frame_extra(window: QWidget) -> QSize:
    frame, inner = window.frameGeometry(), window.geometry()
    extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    return extra if window.isVisible() else extra.expandedTo(FRAME_GUESS)


def cap_to_screen(window: QWidget) -> None:
    """Make ``window`` (frame included) no larger than the screen's available area,
    and move it so it lies inside that area."""
    room = available_area(window)
    if room is None:
        return
    extra = _frame_extra(window)
    most = QSize(room.width() - extra.width(), room.height() - extra.height())
    window.setMaximumSize(most)
    if window.width() > most.width() or window.height() > most.height():
        window.resize(window.size().boundedTo(most))
    frame = window.frameGeometry()
    x = min(max(frame.x(), room.x()), room.right() + 1 - frame.width())
    y = min(max(frame.y(), room.y()), room.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, room.x()), max(y, room.y()))


class _ScreenKeeper(QObject):
    """Caps its window each time it is shown or resized (not when it is moved: a
    person may park a window half off the screen on purpose)."""

    WATCHED = (QEvent.Type.Show, QEvent.Type.Resize)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QWidget) and event.type() in self.WATCHED:
            cap_to_screen(watched)
        return False


def keep_on_screen(window: QWidget) -> None:
    """Keep the top-level ``window`` within the screen's available area from now on."""
    keeper = _ScreenKeeper(window)
    window.installEventFilter(keeper)
    if window.isVisible():
        cap_to_screen(window)


def fit_to_screen(window: QWidget, wanted: QSize, share: float = 0.9) -> None:
    """Size ``window`` to ``wanted``, or to ``share`` of the available area if smaller,
    and keep it on the screen."""
    room = available_area(window)
    size = wanted
    if room is not None:
        size = size.boundedTo(QSize(int(room.width() * share), int(room.height() * share)))
    window.resize(size)
    keep_on_screen(window)


def wrapping_row(
    parent: QWidget, groups: Sequence[Sequence[QWidget]], spacing: int = 12
) -> QWidget:
    """A row of buttons in ``groups`` that wraps onto a new line between groups when the
    text is large; each group stays together, in the order given (so Tab follows it),
    ``spacing`` apart."""
    row = QWidget(parent)
    flow = FlowLayout(row, spacing)
    for group in groups:
        holder = QWidget(row)
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        for widget in group:
            line.addWidget(widget)
        flow.addWidget(holder)
    return row


class DownScroller(QScrollArea):
    """A dialog's or page's body that scrolls down, never across: as narrow as its
    widest line of controls, as short as the screen needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its controls take the keyboard

    def minimumSizeHint(self) -> QSize:
        body = self.widget()
        if body is None:
            return super().minimumSizeHint()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        lines = self.fontMetrics().lineSpacing() * 4  # a few lines stay in sight
        need = body.minimumSizeHint()
        return QSize(need.width() + bar, min(need.height(), lines))

    def sizeHint(self) -> QSize:
        body = self.widget()
        if body is None:
            return super().sizeHint()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        need = body.sizeHint()
        return QSize(need.width() + bar, need.height())


def scrolling_body(owner: QWidget, name: str, spoken: str) -> tuple[DownScroller, QVBoxLayout]:
    """A ``DownScroller`` in ``owner`` (object name ``name``, read out as ``spoken``)
    and the column to put the body's controls in."""
    scroller = DownScroller(owner)
    scroller.setObjectName(name)
    named(scroller, spoken)
    body = QWidget(scroller)
    body.setObjectName(f"{name}.body")
    column = QVBoxLayout(body)
    column.setContentsMargins(0, 0, 0, 0)
    scroller.setWidget(body)
    return scroller, column
