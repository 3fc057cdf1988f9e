"""Recording a visit that did not happen: the day it was planned for, why (no access,
declined to talk, not safe to talk, not there), the day it is rearranged for, and a
note. It is finalised at once and stays in the person's history; the rearranged day is
when the next visit is due (``services.visits.record_not_held``)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from msp_desktop.model import Concern, NotHeldReason, Visit
from msp_desktop.services.visits import record_not_held
from msp_desktop.store import Workspace
from ui.date_text import date_text
from ui.db_worker import DbWorker
from ui.dialog_parts import paragraph
from ui.i18n import N_, Message, tr, tr_marked
from ui.person.form_parts import (
    Choices,
    DateField,
    WorkspaceDialog,
    caption,
    form_layout,
    text_box,
    words_of,
)

REASON_WORDS: dict[NotHeldReason, Message] = {
    NotHeldReason.NO_ACCESS: N_("No access: nobody answered, or we could not get in"),
    NotHeldReason.DECLINED: N_("The person declined to talk"),
    NotHeldReason.NOT_SAFE: N_("Not safe to talk (for example, someone else was there)"),
    NotHeldReason.NOT_THERE: N_("The person was not there"),
}


class NotHeldDialog(WorkspaceDialog):
    """Records a visit of ``concern`` that did not happen; ``saved(Visit)``."""

    def __init__(
        self,
        worker: DbWorker,
        concern: Concern,
        guide_ref: tuple[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(worker, tr("A visit that did not happen"), "dialog.not_held", parent)
        self.concern = concern
        self.guide_ref = guide_ref
        self.intro(
            tr(
                "For the concern raised {date}. It is kept in the person's history and needs "
                "no outcomes.",
                date=date_text(concern.raised_on),
            )
        )
        self.planned = DateField(tr("Planned for"), self.body)
        self.reason = Choices[NotHeldReason](
            tr("Why it did not happen"),
            [(reason, tr_marked(words)) for reason, words in REASON_WORDS.items()],
            self.body,
            object_name="not_held.reason",
        )
        self.rearranged = DateField(tr("Rearranged for"), self.body)
        self.note = text_box(tr("Note"), self.body)
        form = form_layout()
        form.addRow(caption(tr("&Planned for"), self.planned, self.body), self.planned)
        form.addRow(caption(tr("W&hy it did not happen"), self.reason, self.body), self.reason)
        form.addRow(caption(tr("Re&arranged for"), self.rearranged, self.body), self.rearranged)
        form.addRow(
            "",
            paragraph(tr("Leave it empty if no new date is agreed yet."), self.body),
        )
        form.addRow(caption(tr("N&ote"), self.note, self.body), self.note)
        form.addRow(
            "",
            paragraph(tr("The note is for workers only: never in the person's copy."), self.body),
        )
        self.form.addLayout(form)
        self.finish(tr("&Record it"))
        self.planned.line.setFocus()

    def save(self) -> None:
        """Record it through the service (a day still to come is refused there)."""
        try:
            planned = self.planned.value()
        except ValueError as exc:
            self.refuse(tr("Planned for: {problem}.", problem=str(exc)), self.planned.line)
            return
        if planned is None:
            self.refuse(tr("Say on which day the visit was planned."), self.planned.line)
            return
        reason = self.reason.value()
        if reason is None:
            self.refuse(tr("Say why the visit did not happen."), self.reason.buttons[0])
            return
        try:
            rearranged = self.rearranged.value()
        except ValueError as exc:
            self.refuse(tr("Rearranged for: {problem}.", problem=str(exc)), self.rearranged.line)
            return
        concern_id, ref, note = self.concern.id, self.guide_ref, words_of(self.note)

        def record(ws: Workspace) -> Visit:
            return record_not_held(
                ws, concern_id, ref, on=planned, reason=reason, rearranged_for=rearranged, note=note
            )

        self.send(record)
