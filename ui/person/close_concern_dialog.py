"""Closing a concern: its national result (SG2c, the seven labels letter for letter), the
risk outcome where a risk was identified and action taken, the reason, and the day.

As the worker chooses, the dialog asks ``services.concerns.closing_check`` (on the
database thread) what closing with that result still needs and says it in words; it
also shows the ratings already given at the closing conversation, which the closure
keeps. Nothing is chosen for the worker: the closing date is filled in with today,
and the dialog says so.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from msp_desktop.calendar_day import council_today
from msp_desktop.model import Concern, RiskOutcome, SG2cActionResult, Visit
from msp_desktop.services.concerns import (
    ClosingCheck,
    close_concern,
    closing_check,
    closing_conversation,
)
from msp_desktop.store import Workspace
from ui.date_text import date_text
from ui.db_worker import DbWorker
from ui.dialog_parts import paragraph
from ui.i18n import tr
from ui.person.form_parts import (
    Choices,
    DateField,
    WorkspaceDialog,
    caption,
    form_layout,
    text_box,
    words_of,
)

# Reasons are checked again once the worker stops typing for this long.
CHECK_DELAY_MS = 250
CEASED = SG2cActionResult.CEASED_AT_REQUEST
ACTION_TAKEN = SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN


def ratings_lines(visit: Visit | None) -> list[str]:
    """The closing conversation's ratings, one line per outcome, in the person's words."""
    if visit is None:
        return [tr("No closing conversation has been held for this concern yet.")]
    when = date_text(visit.visit_date)
    lines = [tr("At the closing conversation on {date}:", date=when)]
    if not visit.desired_outcomes:
        lines.append(tr("No outcomes were recorded."))
    for number, outcome in enumerate(visit.desired_outcomes, start=1):
        rating = outcome.achieved.value if outcome.achieved else tr("not rated yet")
        lines.append(
            tr(
                "{number}. “{words}”: {rating}",
                number=number,
                words=outcome.words.text,
                rating=rating,
            )
        )
    return lines


class CloseConcernDialog(WorkspaceDialog):
    """Closes ``concern``; ``saved(Concern)`` once it is closed."""

    def __init__(self, worker: DbWorker, concern: Concern, parent: QWidget | None = None) -> None:
        super().__init__(worker, tr("Close the concern"), "dialog.close_concern", parent)
        self.concern = concern
        self._generation = 0
        self.intro(
            tr(
                "Closing the concern raised {date}. A closed concern is read-only until it "
                "is reopened.",
                date=date_text(concern.raised_on),
            )
        )
        # The ratings the closure keeps, first: they are what the result rests on.
        self.ratings = paragraph(tr("Reading the closing conversation…"), self.body)
        self.ratings.setObjectName("close.ratings")
        self.form.addWidget(self.ratings)
        self.sg2c = Choices[SG2cActionResult](
            tr("Result"),
            [(result, result.value) for result in SG2cActionResult],
            self.body,
            object_name="close.result",
        )
        self.risk_outcome = Choices[RiskOutcome](
            tr("Risk outcome"),
            [(outcome, outcome.value) for outcome in RiskOutcome],
            self.body,
            columns=3,
            object_name="close.risk_outcome",
        )
        self.risk_outcome.set_enabled(False)
        self.reason = text_box(tr("Reason"), self.body)
        self.reason.setObjectName("close.reason")
        self.closed_on = DateField(tr("Closed on"), self.body, far_past="closing date")
        self.closed_on.set_value(council_today())

        form = form_layout()
        form.addRow(caption(tr("&Result (SG2c)"), self.sg2c, self.body), self.sg2c)
        form.addRow(caption(tr("Risk &outcome"), self.risk_outcome, self.body), self.risk_outcome)
        form.addRow(
            "",
            paragraph(tr("Only when the result is “Risk identified and action taken”."), self.body),
        )
        form.addRow(caption(tr("Rea&son"), self.reason, self.body), self.reason)
        form.addRow(
            "",
            paragraph(
                tr(
                    "Needed when the enquiry ceased at the person's request. For workers "
                    "only: never in the person's copy."
                ),
                self.body,
            ),
        )
        form.addRow(caption(tr("Closed o&n"), self.closed_on, self.body), self.closed_on)
        form.addRow(
            "",
            paragraph(
                tr("Filled in with today: the day the concern closes, not an answer."), self.body
            ),
        )
        self.form.addLayout(form)

        # What is still missing stays in sight under the form, however far it scrolls.
        self.needs_title = QLabel(tr("What closing still needs"), self)
        self.needs = paragraph(tr("Choose the result to see what closing still needs."), self)
        self.needs.setObjectName("close.needs")
        self.footer.addWidget(self.needs_title)
        self.footer.addWidget(self.needs)
        bold = self.needs_title.font()
        bold.setBold(True)
        self.needs_title.setFont(bold)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(CHECK_DELAY_MS)
        self._debounce.timeout.connect(self.check)
        self.sg2c.changed.connect(self._result_changed)
        self.risk_outcome.changed.connect(self.check)
        self.reason.textChanged.connect(self._debounce.start)
        self.finish(tr("&Close the concern"))
        self.sg2c.buttons[0].setFocus()

        concern_id = concern.id
        worker.submit(
            lambda ws: closing_conversation(ws, concern_id), self._show_ratings, self._no_ratings
        )

    def _show_ratings(self, visit: Visit | None) -> None:
        if self.closed:
            return
        self.ratings.setText("\n".join(ratings_lines(visit)))

    def _no_ratings(self, exc: BaseException) -> None:
        if self.closed:
            return
        self.ratings.setText(tr("The closing conversation could not be read."))

    def _result_changed(self) -> None:
        action_taken = self.sg2c.value() is ACTION_TAKEN
        if not action_taken:
            self.risk_outcome.set_value(None)
        self.risk_outcome.set_enabled(action_taken)
        self.check()

    def check(self) -> None:
        """Ask what closing with the chosen result still needs (answered in words)."""
        result = self.sg2c.value()
        if result is None:
            return
        self._debounce.stop()
        self._generation += 1
        generation, concern_id = self._generation, self.concern.id
        outcome, reason = self.risk_outcome.value(), words_of(self.reason)

        def ask(ws: Workspace) -> ClosingCheck:
            return closing_check(ws, concern_id, result, outcome, reason)

        self.worker.submit(ask, lambda found: self._checked(generation, found), self._no_check)

    def _checked(self, generation: int, found: ClosingCheck) -> None:
        if generation != self._generation or self.closed:
            return  # the worker chose again (or left) while this was asked
        if found.missing:
            self.needs.setText("\n".join(f"• {sentence}" for sentence in found.missing))
        else:
            self.needs.setText(tr("Nothing is missing: the concern can be closed."))
        self.needs.setAccessibleName(self.needs.text())

    def _no_check(self, exc: BaseException) -> None:
        if self.closed:
            return
        self.needs.setText(tr("What closing needs could not be checked."))

    def save(self) -> None:
        """Close through the service, which refuses in words while anything is missing."""
        result = self.sg2c.value()
        if result is None:
            self.refuse(tr("Choose the result of the enquiry."), self.sg2c.buttons[0])
            return
        try:
            on = self.closed_on.value()
        except ValueError as exc:
            self.refuse(tr("Closed on: {problem}.", problem=str(exc)), self.closed_on.line)
            return
        if on is None:
            self.refuse(tr("Say on which day the concern closes."), self.closed_on.line)
            return
        concern_id = self.concern.id
        outcome, reason = self.risk_outcome.value(), words_of(self.reason)

        def close(ws: Workspace) -> Concern:
            return close_concern(ws, concern_id, result, risk_outcome=outcome, reason=reason, on=on)

        self.send(close)
