"""Comparing the worker's version of a record with the one the office sent, and choosing.

The office sent another version of a record the worker had changed; the pack kept the
worker's and set the office's beside it (``store.office_versions``). This dialog shows
the two side by side, only where they differ, and lets the worker keep theirs or use
the office's. Using the office's is offered only once the worker's version has reached
the office, so that no word of theirs is lost; until then the dialog says to sync first.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QGridLayout, QLabel, QPushButton, QWidget

from msp_desktop.store import Workspace
from msp_desktop.store.office_versions import OfficeVersion
from ui.a11y import mark_heading
from ui.db_worker import DbWorker
from ui.dialog_parts import paragraph
from ui.i18n import tr
from ui.person.form_parts import WorkspaceDialog

__all__ = ["OfficeVersionDialog", "shown_value"]

NOTHING = "—"


def shown_value(value: Any) -> str:
    """A field's value as the worker reads it: text as it is, nothing as a dash, and
    anything structured as its plain JSON (rare: lists of household members and the like)."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def field_words(name: str) -> str:
    """A record field's name in words: ``preferred_name`` as "Preferred name"."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _cell(text: str, parent: QWidget, *, bold: bool = False) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


class OfficeVersionDialog(WorkspaceDialog):
    """The worker's version and the office's, side by side; ``saved`` once one is chosen."""

    def __init__(
        self, worker: DbWorker, version: OfficeVersion, parent: QWidget | None = None
    ) -> None:
        super().__init__(worker, tr("Your version and the office's"), "dialog.office_version",
                         parent)  # fmt: skip
        self.version = version
        reason = (
            tr("The office says why: {reason}", reason=version.reason) if version.reason else ""
        )
        self.intro(
            " ".join(
                part
                for part in (
                    tr(
                        "You changed this record after the office last heard from this "
                        "laptop, and the office sent a version of its own. Here are the two, "
                        "where they differ."
                    ),
                    reason,
                )
                if part
            )
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(8)
        for column, title in enumerate((tr("What"), tr("Yours"), tr("The office's"))):
            header = _cell(title, self.body, bold=True)
            mark_heading(header, 3)
            grid.addWidget(header, 0, column)
        for row, name in enumerate(version.fields, start=1):
            grid.addWidget(_cell(field_words(name), self.body, bold=True), row, 0)
            mine = _cell(shown_value(version.mine.get(name)), self.body)
            mine.setObjectName(f"office_version.mine.{name}")
            grid.addWidget(mine, row, 1)
            theirs = _cell(shown_value(version.theirs.get(name)), self.body)
            theirs.setObjectName(f"office_version.theirs.{name}")
            grid.addWidget(theirs, row, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.form.addLayout(grid)
        self.use_button = QPushButton(tr("Use the &office's version"), self)
        self.use_button.setObjectName("dialog.office_version.use")
        self.buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.use_button.clicked.connect(self.use_office)
        if not version.mine_at_office:
            self.use_button.setEnabled(False)
            wait = paragraph(
                tr(
                    "Your version has not reached the office yet. Sync first, so that the "
                    "office holds your words too; then you can choose the office's version "
                    "here."
                ),
                self,
            )
            wait.setObjectName("dialog.office_version.sync_first")
            self.footer.addWidget(wait)
        self.finish(tr("&Keep mine"))
        self.cancel_button.setText(tr("Decide later"))
        self.ok_button.setFocus()

    def save(self) -> None:
        """Keep the worker's version."""
        conflict = self.version.conflict_id

        def keep(ws: Workspace) -> None:
            ws.sync.keep_mine(conflict)

        self.send(keep)

    def use_office(self) -> None:
        """Make the office's version the record here."""
        conflict = self.version.conflict_id

        def use(ws: Workspace) -> None:
            ws.sync.use_office_version(conflict)

        self.send(use)
