"""Save as PDF…: the only way a plaintext copy of a document reaches the disk.

First a warning in plain words that the file is not encrypted (pre-answerable through
``ui.messages``), then the file dialog (opened with ``open()``, never blocking), then a
question before any existing file is replaced. The file is written on the database
thread by ``save_document``: atomically and owner-only (S11), audited once it is
on disk, and on a full disk nothing is left behind and the person is told (S10).

Tests answer the file dialog with ``answer_next_path`` instead of driving it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from msp_desktop.services.documents import Made, save_document
from ui import messages
from ui.db_worker import DbWorker
from ui.i18n import N_, tr, tr_marked

UNENCRYPTED_WARNING = N_(
    "The PDF file will not be encrypted: anyone who can open the folder can read it.\n\n"
    "Keep it only as long as it is needed, then delete it."
)
SUGGESTED_NAMES = {
    "summary": "copy-for-the-person.pdf",
    "office_record": "office-record.pdf",
    "feedback_form": "feedback-form.pdf",
}

_next_paths: deque[Path | None] = deque()


def answer_next_path(path: Path | None) -> None:
    """Tests: answer the next file dialog with ``path`` (None: cancelled)."""
    _next_paths.append(path)


def reset() -> None:
    """Tests: forget answers not used."""
    _next_paths.clear()


def confirm_unencrypted(parent: QWidget | None) -> bool:
    """Warn that the file will not be encrypted; True when the worker goes on."""
    return messages.confirm(parent, tr_marked(UNENCRYPTED_WARNING), messages.Button.Save)


def choose_path(
    parent: QWidget, suggested: str, on_chosen: Callable[[Path], None]
) -> QFileDialog | None:
    """Ask where to save (without blocking); ``on_chosen(path)`` once a file is chosen."""
    if _next_paths:
        path = _next_paths.popleft()
        if path is not None:
            on_chosen(path)
        return None
    dialog = QFileDialog(
        parent, tr("Save as PDF"), str(Path.home() / suggested), tr("PDF documents (*.pdf)")
    )
    dialog.setObjectName("dialog.save_pdf")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix("pdf")
    # Replacing is asked through ui.messages instead, the same on every platform.
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda name: on_chosen(Path(name)))
    dialog.open()
    return dialog


def may_write(parent: QWidget | None, path: Path) -> bool:
    """Whether ``path`` can be written; an existing file only after asking."""
    if path.is_dir():
        messages.inform(parent, tr("{name} is a folder. Nothing was saved.", name=path.name))
        return False
    if not path.parent.is_dir():
        messages.inform(parent, tr("That folder does not exist. Nothing was saved."))
        return False
    if path.exists() or path.is_symlink():
        return messages.confirm(
            parent,
            tr("{name} already exists. Replace it with this document?", name=path.name),
            messages.Button.Yes,
        )
    return True


class SaveFlow:
    """Saves one document chosen in a preview: warning, file, write, audit, notice."""

    def __init__(self, parent: QWidget, worker: DbWorker, made: Made) -> None:
        self.parent = parent
        self.worker = worker
        self.made = made
        self.dialog: QFileDialog | None = None

    def start(self) -> None:
        """Warn, then ask where to save."""
        if not confirm_unencrypted(self.parent):
            return
        self.dialog = choose_path(self.parent, SUGGESTED_NAMES[self.made.document], self.save_to)

    def save_to(self, path: Path) -> None:
        """Write the document to ``path`` on the database thread, then audit it."""
        if not may_write(self.parent, path):
            return
        made = self.made
        self.worker.submit(
            lambda ws: save_document(ws, made, path),
            lambda _none: messages.inform(
                self.parent,
                tr(
                    "Saved {name}. It is not encrypted: delete it when it is no longer needed.",
                    name=path.name,
                ),
            ),
            lambda error: messages.show_error(self.parent, error),
        )
