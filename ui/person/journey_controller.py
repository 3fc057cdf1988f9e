"""Opens the person page's dialogs: change details, raise a concern, and a concern's
journey (a visit that did not happen, its stage, closing, reopening).

One dialog at a time, opened without blocking. Each saves through the database worker
(``ui.person.form_parts.WorkspaceDialog``); once it has, ``changed`` says whose record
to read again and which button should have the focus on the new page, so a keyboard
user carries on from where they were. Locking closes any dialog without saving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from msp_desktop.guide import load_guide
from msp_desktop.model import Concern, Person
from msp_desktop.store.office_versions import OfficeVersion
from ui.db_worker import DbWorker
from ui.person.close_concern_dialog import CloseConcernDialog
from ui.person.concern_buttons import CLOSE, NOT_HELD, REOPEN, STAGE
from ui.person.form_parts import WorkspaceDialog
from ui.person.not_held_dialog import NotHeldDialog
from ui.person.office_version_dialog import OfficeVersionDialog
from ui.person.person_dialog import PersonDialog
from ui.person.person_file import ConcernStory
from ui.person.raise_concern_dialog import RaiseConcernDialog
from ui.person.reopen_dialog import ReopenDialog
from ui.person.stage_dialog import StageDialog

Focus = tuple[str, str]
"""Where the focus goes after a change: (the card's object name or "", the button's)."""

# The button a keyboard user most likely wants next, after each kind of change.
FOCUS_AFTER = {
    NOT_HELD: "concern.not_held",
    STAGE: "concern.stage",
    CLOSE: "concern.reopen",
    REOPEN: "concern.start_visit",
}


def card_name(concern_id: str) -> str:
    """The object name of a concern's card on the person page."""
    return f"concern.{concern_id}"


class JourneyController(QObject):
    """The person page's dialogs; ``changed(person id, focus)`` after each save."""

    changed = Signal(str, object)

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self._page = page
        self.worker: DbWorker | None = None
        self.guide_ref: tuple[str, str] | None = None
        self.dialog: WorkspaceDialog | None = None

    def attach(self, worker: DbWorker) -> None:
        """Save through ``worker`` from now on."""
        self.worker = worker

    def detach(self) -> None:
        """Close any dialog without saving (the workspace is being locked)."""
        self.close_dialog()
        self.worker = None

    def close_dialog(self) -> None:
        """Close the dialog showing, if any, without saving."""
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.abandon()

    # -- the dialogs -------------------------------------------------------------------

    def edit_person(self, person: Person) -> None:
        """ "Change details…" for ``person``."""
        if self.worker is not None:
            dialog = PersonDialog(self.worker, person, self._page)
            self._open(dialog, person.id, lambda _id: ("", "person.edit"))

    def raise_concern(self, person: Person) -> None:
        """ "Raise a concern…" for ``person``."""
        if self.worker is not None:
            dialog = RaiseConcernDialog(self.worker, person, self._page)
            self._open(dialog, person.id, self._new_concern_focus)

    def concern_action(self, kind: str, story: ConcernStory) -> None:
        """One of a concern's journey dialogs (``ui.person.concern_buttons``)."""
        if self.worker is None:
            return
        concern = story.concern
        dialog: WorkspaceDialog
        if kind == NOT_HELD:
            ref = self.guide_ref or load_guide().ref
            dialog = NotHeldDialog(self.worker, concern, ref, self._page)
        elif kind == STAGE:
            dialog = StageDialog(self.worker, concern, self._page)
        elif kind == CLOSE:
            dialog = CloseConcernDialog(self.worker, concern, self._page)
        elif kind == REOPEN:
            dialog = ReopenDialog(self.worker, concern, self._page)
        else:
            raise ValueError(f"no concern dialog {kind!r}")
        focus = (card_name(concern.id), FOCUS_AFTER[kind])
        self._open(dialog, concern.person_id, lambda _result: focus)

    def office_version(self, person_id: str, version: OfficeVersion) -> None:
        """Compare the worker's version of a record with the office's, and choose."""
        if self.worker is None:
            return
        dialog = OfficeVersionDialog(self.worker, version, self._page)
        self._open(dialog, person_id, lambda _result: ("", "person.edit"))

    @staticmethod
    def _new_concern_focus(result: Any) -> Focus:
        assert isinstance(result, Concern)
        return card_name(result.id), "concern.start_visit"

    def _open(self, dialog: WorkspaceDialog, person_id: str, focus: Callable[[Any], Focus]) -> None:
        self.close_dialog()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda result: self.changed.emit(person_id, focus(result)))
        dialog.finished.connect(lambda _code: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: WorkspaceDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
