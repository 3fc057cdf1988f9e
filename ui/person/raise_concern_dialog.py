"""Raising a concern for the person: when it was raised, the national types of risk
(SG2a), where it happened and its source (SG2b), letter for letter, and a short summary.

The raised date is filled in with today, and the dialog says so: it is the day the
concern came in, not an answer about the person. Everything else starts unanswered.
Saving calls ``services.concerns.raise_concern`` on the database thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from msp_desktop.calendar_day import council_today
from msp_desktop.model import Concern, Person, RiskLocation, RiskSource, RiskType
from msp_desktop.services.concerns import raise_concern
from msp_desktop.store import Workspace
from ui.a11y import focus_through, named
from ui.date_text import date_text
from ui.db_worker import DbWorker
from ui.dialog_parts import paragraph
from ui.i18n import tr
from ui.person.form_parts import (
    ChoiceBox,
    DateField,
    WorkspaceDialog,
    caption,
    form_layout,
    text_box,
    words_of,
)


class RaiseConcernDialog(WorkspaceDialog):
    """Raises a concern for ``person``; ``saved(Concern)``."""

    def __init__(self, worker: DbWorker, person: Person, parent: QWidget | None = None) -> None:
        super().__init__(worker, tr("Raise a concern"), "dialog.raise_concern", parent)
        self.person_id = person.id
        self.intro(tr("A new safeguarding concern for {name}.", name=person.name))
        self.raised = DateField(tr("Raised on"), self.body, far_past="date the concern was raised")
        self.raised.set_value(council_today())
        self.types = QWidget(self.body)
        self.types.setObjectName("concern.types")
        grid = QGridLayout(self.types)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        self.type_boxes: dict[RiskType, QCheckBox] = {}
        risk_types = list(RiskType)
        rows = -(-len(risk_types) // 2)
        for index, risk in enumerate(risk_types):
            # The national label exactly as published: never translated or reworded.
            box = QCheckBox(risk.value, self.types)
            named(box, tr("Type of risk: {label}", label=risk.value))
            grid.addWidget(box, index % rows, index // rows)
            self.type_boxes[risk] = box
        focus_through(self.types, self.type_boxes[risk_types[0]])
        self.location = ChoiceBox[RiskLocation](
            tr("Location of risk"), [(loc, loc.value) for loc in RiskLocation], self.body
        )
        self.source = ChoiceBox[RiskSource](
            tr("Source of risk"), [(src, src.value) for src in RiskSource], self.body
        )
        self.summary = text_box(tr("Summary"), self.body)
        self.summary.setPlaceholderText(tr("What the concern is about, in a sentence or two"))

        form = form_layout()
        form.addRow(caption(tr("&Raised on"), self.raised, self.body), self.raised)
        form.addRow(
            "",
            paragraph(
                tr(
                    "Filled in with today ({today}): the day the concern was raised, not an "
                    "answer. Change it if it came in earlier.",
                    today=date_text(council_today()),
                ),
                self.body,
            ),
        )
        form.addRow(caption(tr("&Types of risk"), self.types, self.body), self.types)
        form.addRow(caption(tr("&Location of risk"), self.location, self.body), self.location)
        form.addRow(caption(tr("S&ource of risk"), self.source, self.body), self.source)
        form.addRow(caption(tr("&Summary"), self.summary, self.body), self.summary)
        form.addRow(
            "",
            paragraph(
                tr("The summary is for workers only: never in the person's copy."), self.body
            ),
        )
        self.form.addLayout(form)
        self.finish(tr("Raise the &concern"))
        self.raised.line.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        """Raise the concern through the service (a day still to come is refused there)."""
        try:
            raised = self.raised.value()
        except ValueError as exc:
            self.refuse(tr("Raised on: {problem}.", problem=str(exc)), self.raised.line)
            return
        if raised is None:
            self.refuse(tr("Say on which day the concern was raised."), self.raised.line)
            return
        person_id = self.person_id
        types = [risk for risk, box in self.type_boxes.items() if box.isChecked()]
        location, source = self.location.value(), self.source.value()
        summary = words_of(self.summary)

        def raise_it(ws: Workspace) -> Concern:
            return raise_concern(
                ws,
                person_id,
                raised_on=raised,
                types=types,
                location=location,
                source=source,
                summary=summary,
            )

        self.send(raise_it)
