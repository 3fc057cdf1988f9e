"""Reopening a closed concern, with the reason (required). The closure is kept in the
concern's history and the audit log says who reopened it, when and why
(``services.concerns.reopen_concern``)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from msp_desktop.model import Concern
from msp_desktop.services.concerns import reopen_concern
from msp_desktop.store import Workspace
from ui.date_text import date_text
from ui.db_worker import DbWorker
from ui.i18n import tr
from ui.person.form_parts import WorkspaceDialog, caption, form_layout, text_box, words_of


class ReopenDialog(WorkspaceDialog):
    """Reopens ``concern``; ``saved(Concern)``."""

    def __init__(self, worker: DbWorker, concern: Concern, parent: QWidget | None = None) -> None:
        super().__init__(worker, tr("Reopen the concern"), "dialog.reopen", parent)
        self.concern = concern
        self.intro(
            tr(
                "The concern raised {raised} closed on {closed}. Reopening keeps that closure "
                "in its history; visits can be started again.",
                raised=date_text(concern.raised_on),
                closed=date_text(concern.closed_on),
            )
        )
        self.reason = text_box(tr("Why are you reopening it?"), self.body)
        self.reason.setObjectName("reopen.reason")
        form = form_layout()
        form.addRow(caption(tr("&Why are you reopening it?"), self.reason, self.body), self.reason)
        self.form.addLayout(form)
        self.finish(tr("&Reopen"))
        self.reason.setFocus()

    def save(self) -> None:
        """Reopen through the service (a reason is needed)."""
        reason = words_of(self.reason)
        if reason is None:
            self.refuse(tr("Say why the concern is being reopened."), self.reason)
            return
        concern_id = self.concern.id

        def reopen(ws: Workspace) -> Concern:
            return reopen_concern(ws, concern_id, reason)

        self.send(reopen)
