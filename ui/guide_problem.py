"""The window shown when a conversation guide file cannot be used.

A practice lead (or the IT team packaging the app) edits the guide files the app ships;
a mistake there stops the app, because a visit cannot be walked with half a guide. The
person then sees which guide, which line and what is wrong, where the file is, that
their workspace is closed, and who can fix it: never an empty screen, never a message
on a terminal nobody reads. The caller closes the workspace first.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from msp_desktop.guide import GuideError, guide_file
from ui.i18n import N_, tr, tr_marked

TITLE = N_("The conversation guide has a problem")
MORE_SHOWN = 5  # problems listed in the window; `msp guide check` lists them all


def problem_text(error: GuideError) -> tuple[str, str]:
    """The window's main sentence and the lines under it, for ``error``."""
    first = error.problems[0]
    where = guide_file(first.source)
    main = tr(
        "MSP Desktop cannot start: {problem} Your workspace is closed and nothing in it "
        "has changed.",
        problem=first.sentence(),
    )
    lines = [tr("The guide file is {path}", path=where)]
    others = error.problems[1:MORE_SHOWN]
    if others:
        lines.append(tr("Other problems in the same file:"))
        lines += [tr("• line {line}: {problem}", line=p.line, problem=p.message) for p in others]
    left = len(error.problems) - 1 - len(others)
    if left > 0:
        lines.append(tr("… and {count} more.", count=left))
    lines.append(
        tr(
            "Ask whoever looks after the guide to fix it (the command "
            "“msp guide check FILE” lists every problem), then start MSP Desktop again."
        )
    )
    return main, "\n".join(lines)


def guide_problem_box(error: GuideError, parent: QWidget | None = None) -> QMessageBox:
    """A non-blocking box saying what is wrong with the guide; the caller opens it."""
    main, details = problem_text(error)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        tr("MSP Desktop"),
        main,
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setObjectName("message.guide_problem")
    box.setInformativeText(details)
    box.setAccessibleName(tr_marked(TITLE))
    box.setAccessibleDescription(main)  # what a screen reader says first, then the text
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    close = box.button(QMessageBox.StandardButton.Close)
    close.setText(tr("Close MSP Desktop"))
    close.setAccessibleName(tr("Close MSP Desktop"))
    box.setDefaultButton(QMessageBox.StandardButton.Close)
    box.setEscapeButton(close)
    return box
