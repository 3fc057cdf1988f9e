"""Whatever takes the keyboard focus is scrolled into view (WCAG 2.4.11).

A scroll area brings a control into view only when Tab moves between its own children;
focus that arrives from outside it (Tab from the visit's list of steps into the step,
a label's Alt+letter, a dialog putting focus back) would land on a control scrolled
out of sight. One application-wide handler of ``focusChanged`` scrolls every scroll
area around the newly focused widget, innermost first, so it is in view however the
focus got there. The whole control is brought into view with its focus mark, not only
its text cursor (``QScrollArea.ensureWidgetVisible`` stops once the cursor shows, which
can leave most of a text box, and its mark, below the edge).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

_INSTALLED = "msp_focus_in_view"
MARGIN = 12  # pixels kept clear around the control, so its focus mark shows whole


def show_focused(_old: QWidget | None, new: QWidget | None) -> None:
    """Scroll each scroll area that holds ``new`` until ``new`` is in its view."""
    if new is None:
        return
    parent = new.parentWidget()
    while parent is not None:
        area = parent.parentWidget()
        inner = area.widget() if isinstance(area, QScrollArea) else None
        if isinstance(area, QScrollArea) and parent is area.viewport() and inner is not None:
            reveal(area, inner, new)
        parent = parent.parentWidget()


def reveal(area: QScrollArea, inner: QWidget, widget: QWidget) -> None:
    """Scroll ``area`` (showing ``inner``) until ``widget`` and a margin round it show;
    where it is larger than the view, its top left corner."""
    rect = QRect(widget.mapTo(inner, QPoint(0, 0)), widget.size())
    rect.adjust(-MARGIN, -MARGIN, MARGIN, MARGIN)
    area.ensureVisible(rect.right(), rect.bottom(), 0, 0)
    area.ensureVisible(rect.left(), rect.top(), 0, 0)


def keep_focus_in_view(app: QApplication) -> None:
    """Install ``show_focused`` on ``app`` (once, however often this is called)."""
    if app.property(_INSTALLED):
        return
    app.focusChanged.connect(show_focused)
    app.setProperty(_INSTALLED, True)
