"""Tab order that follows reading order, even for items added after the page was built.

Qt's focus chain follows creation order, so a new outcome or risk (created when the
worker presses "Add another") would otherwise be reached only after every later
question and after the buttons at the bottom. The visit page re-chains the focus
order from the layout, top to bottom, whenever a step is shown or its items change.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLayout, QWidget


def _takes_tab(widget: QWidget, root: QWidget) -> bool:
    return (
        widget.isVisibleTo(root)
        and widget.isEnabled()
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    )


def reading_order(root: QWidget) -> list[QWidget]:
    """The controls under ``root`` that Tab can reach, in the order their layouts show them."""
    found: list[QWidget] = []

    def walk_widget(widget: QWidget) -> None:
        if _takes_tab(widget, root):
            found.append(widget)
        layout = widget.layout()
        if layout is not None:
            walk_layout(layout)

    def walk_layout(layout: QLayout) -> None:
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item is None:
                continue
            child = item.widget()
            if child is not None:
                walk_widget(child)
            elif (inner := item.layout()) is not None:
                walk_layout(inner)

    layout = root.layout()
    if layout is not None:
        walk_layout(layout)
    return found


def chain(widgets: list[QWidget]) -> None:
    """Make Tab go through ``widgets`` in this order."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)
