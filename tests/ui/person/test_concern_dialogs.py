"""A concern's journey on the person page: raise, move to another stage, a visit that did
not happen, close (the missing things said in words) and reopen (audited). Each dialog
saves through the services on the database thread of a real workspace."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import (
    ConcernStatus,
    NotHeldReason,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
    SG2cActionResult,
    Stage,
    Visibility,
)
from msp_desktop.services.concerns import close_concern, raise_concern
from msp_desktop.store import Workspace
from tests.ui.helpers import PEOPLE, WORKER_NAME, on_worker, wait_idle
from tests.ui.person.journey_helpers import (
    current_dialog,
    open_person,
    records,
    walk_to_the_end,
)
from tests.ui.test_accessibility import unnamed
from ui import messages
from ui.date_text import date_text
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.person.close_concern_dialog import CloseConcernDialog
from ui.person.form_parts import WorkspaceDialog
from ui.person.not_held_dialog import NotHeldDialog
from ui.person.person_page import MAX_READING_WIDTH
from ui.person.raise_concern_dialog import RaiseConcernDialog
from ui.person.reopen_dialog import ReopenDialog
from ui.person.stage_dialog import StageDialog

ADA = PEOPLE[0]
TODAY = date.today()
CEASED = SG2cActionResult.CEASED_AT_REQUEST
TAKEN = SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN


def raised(qtbot: QtBot, worker: DbWorker, days_ago: int = 10) -> str:
    """A concern raised for Ada through the service; its id."""
    return on_worker(
        qtbot,
        worker,
        lambda ws: raise_concern(ws, ADA.id, raised_on=TODAY - timedelta(days=days_ago)).id,
    )


def card(window: MainWindow, concern_id: str) -> QWidget:
    found = window.person.findChild(QWidget, f"concern.{concern_id}")
    assert found is not None, "the concern's card is not on the page"
    return found


def push(qtbot: QtBot, window: MainWindow, concern_id: str, kind: str) -> WorkspaceDialog:
    """Press one of a concern's buttons; the dialog it opened."""
    button = card(window, concern_id).findChild(QPushButton, f"concern.{kind}")
    assert button is not None, f"no {kind} button on the card"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return current_dialog(qtbot, window)


def texts(root: QWidget) -> list[str]:
    return [label.text() for label in root.findChildren(QLabel) if label.text()]


def save(qtbot: QtBot, window: MainWindow, dialog: WorkspaceDialog) -> None:
    """Press the dialog's save button and wait for the page to be read again."""
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.person.journey.dialog is None


def refused_by_service(qtbot: QtBot, worker: DbWorker, dialog: WorkspaceDialog) -> str:
    """Press save on a dialog the service will refuse; the sentence shown."""
    shown = len(messages.shown)
    messages.answer_next(messages.Button.Ok)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, worker)
    assert len(messages.shown) == shown + 1
    assert messages.shown[-1].kind == "error"
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    return messages.shown[-1].text


# -- raising --------------------------------------------------------------------------------


def test_raise_a_concern_with_the_national_labels(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    open_person(qtbot, app, ADA.id)
    qtbot.mouseClick(app.person.raise_button, Qt.MouseButton.LeftButton)
    dialog = current_dialog(qtbot, app)
    assert isinstance(dialog, RaiseConcernDialog)
    # Today, said to be today and why; nothing else answered.
    assert dialog.raised.value() == TODAY
    assert any(
        f"Filled in with today ({date_text(TODAY)}): the day the concern was raised, not an "
        "answer." in text
        for text in texts(dialog)
    )
    assert [box.text() for box in dialog.type_boxes.values()] == [r.value for r in RiskType]
    assert not any(box.isChecked() for box in dialog.type_boxes.values())
    assert dialog.location.currentText() == dialog.source.currentText() == "Not answered yet"
    assert [dialog.location.itemText(i) for i in range(1, dialog.location.count())] == [
        loc.value for loc in RiskLocation
    ]
    assert [dialog.source.itemText(i) for i in range(1, dialog.source.count())] == [
        src.value for src in RiskSource
    ]
    assert unnamed(dialog) == []

    dialog.raised.set_value(TODAY - timedelta(days=3))
    dialog.type_boxes[RiskType.SELF_NEGLECT].click()
    dialog.type_boxes[RiskType.FINANCIAL_OR_MATERIAL].click()
    dialog.location.set_value(RiskLocation.OWN_HOME)
    dialog.source.set_value(RiskSource.KNOWN_TO_INDIVIDUAL)
    dialog.summary.setPlainText("The bank rang about large withdrawals.")
    save(qtbot, app, dialog)

    (concern,) = on_worker(qtbot, worker, lambda ws: ws.concerns.for_person(ADA.id))
    assert concern.raised_on == TODAY - timedelta(days=3)
    assert concern.stage is Stage.BEGINNING
    assert concern.risk_types == [RiskType.FINANCIAL_OR_MATERIAL, RiskType.SELF_NEGLECT]
    assert concern.risk_location is RiskLocation.OWN_HOME
    assert concern.risk_source is RiskSource.KNOWN_TO_INDIVIDUAL
    assert concern.summary is not None
    assert concern.summary.text == "The bank rang about large withdrawals."
    assert concern.summary.visibility is Visibility.INTERNAL
    assert concern.lead_worker == WORKER_NAME
    audit = on_worker(qtbot, worker, lambda ws: ws.audit_entries(concern.id))
    assert [e.action for e in audit] == ["create"]
    shown = texts(card(app, concern.id))
    assert f"Concern raised {date_text(concern.raised_on)} (open)" in shown
    assert "Financial or Material Abuse, Self-Neglect" in shown
    assert "Other - Known to individual" in shown
    assert "The bank rang about large withdrawals." in shown
    app.activateWindow()  # offscreen, nothing makes the window active again
    start = card(app, concern.id).findChild(QPushButton, "concern.start_visit")
    assert start is not None
    qtbot.waitUntil(start.hasFocus)  # the next thing to do, ready for the keyboard


def test_a_day_still_to_come_is_refused_and_every_tick_is_kept(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    before = records(qtbot, worker)
    open_person(qtbot, app, ADA.id)
    qtbot.mouseClick(app.person.raise_button, Qt.MouseButton.LeftButton)
    dialog = current_dialog(qtbot, app)
    assert isinstance(dialog, RaiseConcernDialog)
    dialog.raised.line.setText("31/13/2026")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Raised on: “31/13/2026” is not a date like 26/11/2026."
    assert dialog.raised.line.hasFocus()
    dialog.raised.set_value(TODAY + timedelta(days=1))
    dialog.type_boxes[RiskType.DOMESTIC].click()
    dialog.summary.setPlainText("Shouting heard next door.")
    assert refused_by_service(qtbot, worker, dialog) == (
        "A concern cannot be raised on a day still to come."
    )
    assert dialog.type_boxes[RiskType.DOMESTIC].isChecked()
    assert dialog.summary.toPlainText() == "Shouting heard next door."
    assert records(qtbot, worker) == before


# -- the stage ------------------------------------------------------------------------------


def test_moving_on_asks_first_and_moving_back_is_its_own_choice(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = raised(qtbot, worker)
    open_person(qtbot, app, ADA.id)
    stage_button = card(app, concern_id).findChild(QPushButton, "concern.stage")
    assert stage_button is not None
    assert stage_button.text() == "Move on to the middle stage…"

    # Cancelled: nothing moves.
    before = records(qtbot, worker)
    dialog = push(qtbot, app, concern_id, "stage")
    assert isinstance(dialog, StageDialog)
    dialog.reject()
    assert records(qtbot, worker) == before

    dialog = push(qtbot, app, concern_id, "stage")
    assert isinstance(dialog, StageDialog)
    assert dialog.choice.value() is Stage.MIDDLE
    assert dialog.ok_button.text() == "&Move on"
    assert unnamed(dialog) == []
    save(qtbot, app, dialog)
    moved = on_worker(qtbot, worker, lambda ws: ws.concerns.get(concern_id))
    assert moved.stage is Stage.MIDDLE
    assert "● Middle: now\nReview each outcome" in texts(card(app, concern_id))

    dialog = push(qtbot, app, concern_id, "stage")
    assert isinstance(dialog, StageDialog)
    words = [button.text() for button in dialog.choice.buttons]
    assert words == [
        "Move back to the beginning stage (to correct a mistake)",
        "Move on to the end stage: rate outcomes and close",
    ]
    assert dialog.choice.value() is Stage.END  # the button said "move on"
    dialog.choice.button_for(Stage.BEGINNING).click()
    assert dialog.ok_button.text() == "&Move back"
    assert dialog.ok_button.accessibleName() == "Move back"
    save(qtbot, app, dialog)
    back = on_worker(qtbot, worker, lambda ws: ws.concerns.get(concern_id))
    assert back.stage is Stage.BEGINNING
    audit = on_worker(qtbot, worker, lambda ws: ws.audit_entries(concern_id))
    assert [e.action for e in audit] == ["create", "stage", "stage"]


# -- closing --------------------------------------------------------------------------------


def test_closing_says_what_is_missing_in_words_and_refuses_changing_nothing(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = raised(qtbot, worker)
    open_person(qtbot, app, ADA.id)
    before = records(qtbot, worker)
    dialog = push(qtbot, app, concern_id, "close")
    assert isinstance(dialog, CloseConcernDialog)
    assert [button.text() for button in dialog.sg2c.buttons] == [
        "Risk identified and action taken",
        "Risk identified and no action taken",
        "Risk Assessment inconclusive and action taken",
        "Risk Assessment inconclusive and no action taken",
        "No risk identified and action taken",
        "No risk identified and no action taken",
        "Enquiry ceased at individual's request and no action taken",
    ]
    assert [button.text() for button in dialog.risk_outcome.buttons] == [
        "Risk remained",
        "Risk reduced",
        "Risk removed",
    ]
    assert dialog.sg2c.value() is None
    assert not any(button.isEnabled() for button in dialog.risk_outcome.buttons)
    assert dialog.closed_on.value() == TODAY
    assert dialog.needs.text() == "Choose the result to see what closing still needs."
    qtbot.waitUntil(
        lambda: (
            dialog.ratings.text() == "No closing conversation has been held for this concern yet."
        )
    )
    assert unnamed(dialog) == []

    dialog.sg2c.button_for(TAKEN).click()
    assert all(button.isEnabled() for button in dialog.risk_outcome.buttons)
    qtbot.waitUntil(lambda: "Hold the closing conversation first" in dialog.needs.text())
    assert "• Say whether the risk remained, was reduced or was removed." in dialog.needs.text()
    assert refused_by_service(qtbot, worker, dialog).startswith(
        "The concern cannot be closed yet. Hold the closing conversation first (a visit at "
        "the end stage)"
    )
    assert records(qtbot, worker) == before

    dialog.risk_outcome.button_for(RiskOutcome.REDUCED).click()
    dialog.sg2c.button_for(CEASED).click()
    assert dialog.risk_outcome.value() is None  # only with action taken: cleared
    assert not any(button.isEnabled() for button in dialog.risk_outcome.buttons)
    qtbot.waitUntil(
        lambda: dialog.needs.text() == "• Say why the person asked for the enquiry to stop."
    )
    assert refused_by_service(qtbot, worker, dialog) == (
        "The concern cannot be closed yet. Say why the person asked for the enquiry to stop."
    )
    assert records(qtbot, worker) == before

    dialog.reason.setPlainText("She asked us to stop; she has a plan with her bank.")
    qtbot.waitUntil(lambda: dialog.needs.text() == "Nothing is missing: the concern can be closed.")
    save(qtbot, app, dialog)
    closed = on_worker(qtbot, worker, lambda ws: ws.concerns.get(concern_id))
    assert closed.status is ConcernStatus.CLOSED
    assert closed.stage is Stage.BEGINNING  # ceased early: it closed where it stood
    assert (closed.closed_on, closed.action_result, closed.risk_outcome) == (TODAY, CEASED, None)
    assert closed.close_reason is not None
    assert closed.close_reason.text == "She asked us to stop; she has a plan with her bank."

    # Closed and read-only: how it closed, "Reopen…", and no visit buttons.
    shown = card(app, concern_id)
    assert (
        f"Closed on {date_text(TODAY)}: Enquiry ceased at individual's request and no action taken"
    ) in texts(shown)
    assert "Reason: She asked us to stop; she has a plan with her bank." in texts(shown)
    for kind in ("start_visit", "resume_visit", "not_held", "stage", "close"):
        assert shown.findChild(QPushButton, f"concern.{kind}") is None
    assert "– Middle: not reached\nReview each outcome" in texts(shown)
    app.activateWindow()
    reopen = shown.findChild(QPushButton, "concern.reopen")
    assert reopen is not None
    qtbot.waitUntil(reopen.hasFocus)


def test_closing_at_the_end_shows_the_ratings_given(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = raised(qtbot, worker, days_ago=40)
    on_worker(qtbot, worker, lambda ws: walk_to_the_end(ws, concern_id))
    open_person(qtbot, app, ADA.id)
    dialog = push(qtbot, app, concern_id, "close")
    assert isinstance(dialog, CloseConcernDialog)
    qtbot.waitUntil(lambda: "At the closing conversation on" in dialog.ratings.text())
    assert dialog.ratings.text() == (
        f"At the closing conversation on {date_text(TODAY - timedelta(days=2))}:\n"
        "1. “I want to feel safe at home.”: Fully Achieved"
    )
    dialog.sg2c.button_for(TAKEN).click()
    dialog.risk_outcome.button_for(RiskOutcome.REDUCED).click()
    qtbot.waitUntil(lambda: dialog.needs.text().startswith("Nothing is missing"))
    save(qtbot, app, dialog)
    closed = on_worker(qtbot, worker, lambda ws: ws.concerns.get(concern_id))
    assert (closed.action_result, closed.risk_outcome) == (TAKEN, RiskOutcome.REDUCED)
    shown = texts(card(app, concern_id))
    assert f"Closed on {date_text(TODAY)}: Risk identified and action taken" in shown
    assert "Risk outcome: Risk reduced" in shown


# -- reopening ------------------------------------------------------------------------------


def test_reopening_needs_a_reason_and_is_audited(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = raised(qtbot, worker)

    def close(ws: Workspace) -> None:
        close_concern(ws, concern_id, CEASED, reason="She asked us to stop.")

    on_worker(qtbot, worker, close)
    open_person(qtbot, app, ADA.id)
    before = records(qtbot, worker)
    dialog = push(qtbot, app, concern_id, "reopen")
    assert isinstance(dialog, ReopenDialog)
    assert unnamed(dialog) == []
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Say why the concern is being reopened."
    assert dialog.reason.hasFocus()
    assert not worker.busy
    assert records(qtbot, worker) == before

    dialog.reason.setPlainText("Her son moved back in; she wants help now.")
    save(qtbot, app, dialog)
    reopened = on_worker(qtbot, worker, lambda ws: ws.concerns.get(concern_id))
    assert reopened.status is ConcernStatus.OPEN
    (reopening,) = reopened.reopenings
    assert reopening.reason.text == "Her son moved back in; she wants help now."
    assert (reopening.on, reopening.was_closed_on, reopening.was_result) == (TODAY, TODAY, CEASED)
    last = on_worker(qtbot, worker, lambda ws: ws.audit_entries(concern_id))[-1]
    assert (last.action, last.entity, last.entity_id, last.actor) == (
        "reopen",
        "concern",
        concern_id,
        WORKER_NAME,
    )
    shown = card(app, concern_id)
    assert f"Reopened on {date_text(TODAY)}: Her son moved back in; she wants help now." in texts(
        shown
    )
    assert shown.findChild(QPushButton, "concern.start_visit") is not None


# -- a visit that did not happen -----------------------------------------------------------


def test_a_visit_that_did_not_happen_is_recorded(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = raised(qtbot, worker)
    open_person(qtbot, app, ADA.id)
    before = records(qtbot, worker)
    dialog = push(qtbot, app, concern_id, "not_held")
    assert isinstance(dialog, NotHeldDialog)
    assert unnamed(dialog) == []
    assert dialog.planned.value() is None
    assert dialog.reason.value() is None
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Say on which day the visit was planned."
    dialog.planned.set_today()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Say why the visit did not happen."
    assert dialog.reason.buttons[0].hasFocus()
    dialog.reason.button_for(NotHeldReason.NO_ACCESS).click()
    dialog.rearranged.set_value(TODAY - timedelta(days=1))
    assert refused_by_service(qtbot, worker, dialog) == (
        "The rearranged date comes after the visit that did not happen."
    )
    assert records(qtbot, worker) == before

    dialog.rearranged.set_value(TODAY + timedelta(days=7))
    dialog.note.setPlainText("Curtains drawn; left a card.")
    save(qtbot, app, dialog)
    (summary,) = on_worker(qtbot, worker, lambda ws: ws.visits.list(concern_id=concern_id))
    assert summary.status == "finalised"
    visit = on_worker(qtbot, worker, lambda ws: ws.visits.get(summary.id).visit)
    assert visit.visit_date == TODAY
    assert visit.not_held is not None
    assert visit.not_held.reason is NotHeldReason.NO_ACCESS
    assert visit.not_held.rearranged_for == TODAY + timedelta(days=7)
    assert visit.not_held.note is not None
    assert visit.not_held.note.text == "Curtains drawn; left a card."
    assert visit.not_held.note.visibility is Visibility.INTERNAL
    assert f"{date_text(TODAY)} (did not happen)" in texts(card(app, concern_id))


@pytest.mark.interactive_desktop(
    "measures text against Windows' fonts and style metrics; Wine has substitute fonts and GDI"
)
def test_at_large_text_the_buttons_wrap_and_no_line_is_squeezed(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = raised(qtbot, worker)
    application = QApplication.instance()
    assert isinstance(application, QApplication)
    usual = application.font()
    large = QFont(usual)
    large.setPointSizeF(usual.pointSizeF() * 2)  # the largest text size setting
    application.setFont(large)
    try:
        app.resize(1200, 780)
        open_person(qtbot, app, ADA.id)
        qtbot.wait(50)  # the layouts settle on the next turn of the event loop
        shown = card(app, concern_id)
        assert shown.width() <= MAX_READING_WIDTH
        buttons = [
            shown.findChild(QPushButton, f"concern.{kind}")
            for kind in ("not_held", "stage", "close")
        ]
        assert all(button is not None for button in buttons)
        tops = [button.y() for button in buttons if button is not None]
        assert tops[0] < tops[-1]  # not all on one line: they wrapped
        for label in shown.findChildren(QLabel):
            if label.isVisible() and label.wordWrap():
                assert label.height() >= label.heightForWidth(label.width()), label.text()
    finally:
        application.setFont(usual)


def test_locking_closes_a_concern_dialog_without_saving(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = raised(qtbot, worker)
    open_person(qtbot, app, ADA.id)
    before = records(qtbot, worker)
    dialog = push(qtbot, app, concern_id, "close")
    assert isinstance(dialog, CloseConcernDialog)
    dialog.sg2c.button_for(CEASED).click()
    dialog.reason.setPlainText("She asked us to stop.")
    app.detach()  # what the idle lock, Ctrl+L and the OS screen lock do
    assert app.person.journey.dialog is None
    assert dialog.closed
    assert not app.person.raise_button.isEnabled()
    app.attach(worker)
    assert records(qtbot, worker) == before
