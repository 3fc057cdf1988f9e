"""Team details: the name and phone number printed on the person's copies.

A copy the person cannot use to reach the team is refused (issue 14), so this dialog is
where a new workspace gets them: from Workspace › Team details…, from the Settings
dialog, and straight from "Give the person a copy" while they are missing. It reads and
saves through the database worker (``Workspace.service`` / ``set_service``); the store
checks what was typed, and a refusal is its one sentence under the fields, with nothing
changed and everything typed kept. The details are the team's, never a person's, so the
dialog need not hide under the privacy screen. Opened with ``open()``; ``saved`` carries
the ``ServiceInfo`` kept.

The fields are one table (``FIELDS``): a further detail the store keeps is one more row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.errors import KnownError
from msp_desktop.store import Workspace
from msp_desktop.store.service_details import ServiceInfo
from ui.a11y import buddy, name_buttons, named
from ui.db_worker import DbWorker
from ui.dialog_parts import InlineError, heading, paragraph, plain_buttons
from ui.i18n import N_, Message, tr, tr_marked
from ui.messages import error_sentence
from ui.screen_fit import keep_on_screen


@dataclass(frozen=True)
class TeamField:
    """One detail: the ``ServiceInfo`` attribute (and ``set_service`` argument) it
    holds, its label, and the words the store's refusal uses for it."""

    key: str
    label: Message
    name: Message
    refusal_words: str
    required: bool


FIELDS = (
    TeamField("name", N_("Team &name"), N_("Team name"), "name", True),
    TeamField("phone", N_("&Phone number"), N_("Phone number"), "phone number", True),
    TeamField("email", N_("&Email (optional)"), N_("Email, optional"), "email address", False),
    # Where the person posts the feedback form (so the worker never sees the answers).
    TeamField(
        "return_address",
        N_("&Return address for feedback forms"),
        N_("Return address for feedback forms, lines separated by commas"),
        "return address",
        False,
    ),
)
WHY = N_("These are printed on the person's copies, so they can reach the team.")


class TeamDialog(QDialog):
    """Shows the workspace's team details and saves them; ``saved(ServiceInfo)``."""

    saved = Signal(object)  # ServiceInfo

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)  # within the screen at any text size
        self._worker = worker
        self.loading = True  # until the stored details have come back
        self.saving = False
        self.closed = False  # answers arriving after this are dropped
        self.setObjectName("dialog.team")
        self.setWindowTitle(tr("Team details"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(heading(tr("Team details"), self))
        self.why = paragraph(tr_marked(WHY), self)
        self.why.setObjectName("team.why")
        self.why.setWordWrap(False)  # one line, read at a glance
        layout.addWidget(self.why)

        self.error = InlineError(self)  # under the fields; made first, as they clear it
        self.error.setObjectName("team.error")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        form.setHorizontalSpacing(16)
        self.fields: dict[str, QLineEdit] = {}
        for spec in FIELDS:
            line = QLineEdit(self)
            line.setObjectName(f"team.{spec.key}")
            named(line, tr_marked(spec.name))
            # Wide enough for a council's long team name without scrolling inside it.
            line.setMinimumWidth(line.fontMetrics().averageCharWidth() * 40)
            line.textEdited.connect(lambda _text: self.error.clear_error(*self.fields.values()))
            form.addRow(buddy(tr_marked(spec.label), line, self), line)
            self.fields[spec.key] = line
        layout.addLayout(form)

        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("&Save"))
        self.save_button.setObjectName("team.save")
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(tr("Cancel"))
        self.cancel_button.setObjectName("team.cancel")
        name_buttons(self.buttons)
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        worker.submit(lambda ws: ws.service(), self._show, self._refused)

    def _show(self, info: ServiceInfo) -> None:
        if self.closed:
            return
        self.loading = False
        self.save_button.setEnabled(True)
        # The defaults ("Adult Social Care", "—") are no one's details: start empty.
        for key, line in self.fields.items():
            value = getattr(info, key) if info.is_set else None
            line.setText(value or "")
        self.fields[FIELDS[0].key].setFocus(Qt.FocusReason.OtherFocusReason)

    def values(self) -> dict[str, Any]:
        """What is typed, by ``set_service`` argument (an empty optional one is None)."""
        typed = {spec: self.fields[spec.key].text() for spec in FIELDS}
        return {
            spec.key: text if text.strip() or spec.required else None
            for spec, text in typed.items()
        }

    def save(self) -> None:
        """Send the details to the store, which checks them; close once they are kept."""
        if self.loading or self.saving:
            return
        self.error.clear_error(*self.fields.values())
        self.saving = True
        self.save_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        values = self.values()

        def keep(ws: Workspace) -> ServiceInfo:
            return ws.set_service(**values)

        self._worker.submit(keep, self._saved, self._refused)

    def _saved(self, info: ServiceInfo) -> None:
        if self.closed:
            return
        self.saving = False
        self.accept()
        self.saved.emit(info)  # after closing: what it starts (the copy) may open a dialog

    def _refused(self, exc: BaseException) -> None:
        if self.closed:
            return
        if self.loading:  # the stored details could not be read: nothing to save over
            self.error.say(error_sentence(exc))
            return
        self.saving = False
        self.save_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        sentence = error_sentence(exc)
        self.error.say(sentence, self._field_for(exc))

    def _field_for(self, exc: BaseException) -> QLineEdit | None:
        # The store names the detail it refused in its sentence; that field gets the
        # focus (and speaks the sentence), so the worker corrects it at once.
        if not isinstance(exc, KnownError):
            return None
        for spec in FIELDS:
            if spec.refusal_words in exc.message:
                return self.fields[spec.key]
        return None

    def reject(self) -> None:
        if self.saving:
            return  # the answer is on its way: wait for it rather than lose it
        super().reject()

    def done(self, code: int) -> None:
        self.closed = True
        super().done(code)

    def abandon(self) -> None:
        """Close at once (the workspace is being locked): nothing is saved."""
        self.saving = False
        super().reject()
