"""The one-off set-up, shown on the sync page until it is done: the office's keys,
then this device's enrolment file for the office.

Importing the keys asks the worker to check the office key id with the office before
anything is trusted: the file's signature proves it is whole, the id read out by the
office proves it is theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from msp_desktop.bundles.provisioning import Provisioning
from msp_desktop.services.office_keys import read_office_keys, trust_office, write_enrolment
from msp_desktop.store import Workspace
from msp_desktop.store.sync_status import SyncStatus
from ui import messages
from ui.a11y import mark_heading, name_button, named
from ui.dialog_parts import paragraph
from ui.i18n import N_, tr, tr_marked
from ui.sync.sync_text import BUSY_ENROL, BUSY_KEYS

KEYS_FILTER = N_("Office keys (*.json);;All files (*)")
ENROLMENT_FILTER = N_("Enrolment files (*.json);;All files (*)")


class Runner(Protocol):
    """What the panel needs from the page: run on the database thread, and say things."""

    def run(
        self,
        busy: str,
        operation: Callable[[Workspace], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> bool: ...

    def report(self, text: str) -> None: ...

    def start_folder(self) -> Path: ...

    def remember_folder(self, folder: Path) -> None: ...


def ask_check(provisioning: Provisioning) -> str:
    """The question asked before an office keys file is trusted."""
    return tr(
        "This is the office keys file of {office}. Its office key id is:\n\n{key_id}\n\n"
        "Check this id with the office (for example by phone) before you go on: it shows "
        "the file really is theirs. Does it match the id the office gave you?",
        office=provisioning.office_name,
        key_id=provisioning.office_key_id,
    )


class SetupPanel(QFrame):
    """Two steps, each done once; hidden when both are."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync.setup")
        self.setProperty("card", True)
        self.runner = runner
        self.title = QLabel(tr("Before this laptop can send records"), self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        mark_heading(self.title, 2)
        self.intro = paragraph(
            tr(
                "The office must know this device, and this device needs the office's keys "
                "to seal records only the office can open. Both steps are done once."
            ),
            self,
        )
        self.keys_step = paragraph("", self)
        self.keys_step.setObjectName("sync.keys_step")
        self.import_button = QPushButton(tr("&Import the office keys…"), self)
        self.import_button.setObjectName("sync.import_keys")
        name_button(self.import_button)
        self.import_button.setAccessibleDescription(
            tr("Choose the office-keys.json file the office gave you.")
        )
        self.import_button.clicked.connect(self.import_keys)
        self.enrol_step = paragraph("", self)
        self.enrol_step.setObjectName("sync.enrol_step")
        self.enrol_button = QPushButton(tr("&Make the enrolment file…"), self)
        self.enrol_button.setObjectName("sync.enrol")
        name_button(self.enrol_button)
        self.enrol_button.setAccessibleDescription(
            tr("Save this device's enrolment file, to give to the office.")
        )
        self.enrol_button.clicked.connect(self.make_enrolment)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        for step, button in (
            (self.keys_step, self.import_button),
            (self.enrol_step, self.enrol_button),
        ):
            layout.addSpacing(4)
            layout.addWidget(step)
            row = QVBoxLayout()
            row.setContentsMargins(24, 0, 0, 0)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addLayout(row)
        named(self, tr("Setting up"))

    def show_for(self, status: SyncStatus) -> None:
        """Say what is done and what is still to do (hidden once both are done)."""
        keys_done = status.office is not None
        enrolled = status.device_id is not None
        if keys_done:
            self.keys_step.setText(
                tr(
                    "1. Done: this workspace sends records to {office} (office key {key_id}).",
                    office=status.office,
                    key_id=status.office_key_id,
                )
            )
        else:
            self.keys_step.setText(
                tr(
                    "1. Import the office keys. The office gives you a file called "
                    "office-keys.json, for example on a USB stick."
                )
            )
        if enrolled:
            self.enrol_step.setText(
                tr("2. Done: this device is {device}.", device=status.device_id)
            )
        else:
            self.enrol_step.setText(
                tr(
                    "2. Make the enrolment file and give it to the office, so that it "
                    "accepts records from this device."
                )
            )
        self.import_button.setVisible(not keys_done)
        self.enrol_button.setVisible(not enrolled)
        self.setVisible(not (keys_done and enrolled))

    def set_busy(self, busy: bool) -> None:
        """No second operation while one runs."""
        self.import_button.setEnabled(not busy)
        self.enrol_button.setEnabled(not busy)

    # -- the office keys ---------------------------------------------------------------

    def import_keys(self) -> None:
        """Choose the keys file, check it, ask about its key id, then trust it."""
        name, _filter = QFileDialog.getOpenFileName(
            self,
            tr("Choose the office keys file"),
            str(self.runner.start_folder()),
            tr_marked(KEYS_FILTER),
        )
        if not name:
            return
        path = Path(name)
        self.runner.remember_folder(path.parent)
        self.runner.run(tr_marked(BUSY_KEYS), lambda _ws: read_office_keys(path), self._checked)

    def _checked(self, checked: tuple[bytes, Provisioning]) -> None:
        data, provisioning = checked
        if not messages.confirm(self, ask_check(provisioning), messages.Button.Yes):
            self.runner.report(
                tr(
                    "The office keys were not imported: nothing was changed. Ask the office "
                    "for its key id, then import the file again."
                )
            )
            return
        key_id = provisioning.office_key_id
        self.runner.run(
            tr_marked(BUSY_KEYS), lambda ws: trust_office(ws, data, key_id), self._trusted
        )

    def _trusted(self, provisioning: Provisioning) -> None:
        self.runner.report(
            tr(
                "This workspace now sends records to {office}. The office's recovery key "
                "was added, so the office can open the workspace if the passphrase is lost.",
                office=provisioning.office_name,
            )
        )

    # -- enrolment ---------------------------------------------------------------------

    def make_enrolment(self) -> None:
        """Choose where to save this device's enrolment file, then write it."""
        name, _filter = QFileDialog.getSaveFileName(
            self,
            tr("Save the enrolment file"),
            str(self.runner.start_folder() / "enrolment.json"),
            tr_marked(ENROLMENT_FILTER),
        )
        if not name:
            return
        path = Path(name)
        self.runner.remember_folder(path.parent)
        self.runner.run(
            tr_marked(BUSY_ENROL),
            lambda ws: write_enrolment(ws, path),
            lambda enrolled: self.runner.report(
                tr(
                    "Saved {name} for the device {device}. Give it to the office, so that it "
                    "accepts records from this device.",
                    name=path.name,
                    device=enrolled.device_id,
                )
            ),
        )
