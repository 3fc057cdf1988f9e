"""Helpers for the tests of the person page's dialogs: a way to see that a refused dialog
changed nothing, and the dialog showing now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pytestqt.qtbot import QtBot

from msp_desktop.model import AskedBy, ExperienceFeedback, OutcomeAchieved, Stage
from msp_desktop.services.concerns import move_stage
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.helpers import on_worker
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.person.form_parts import WorkspaceDialog

GUIDE = ("msp-visit", "2.0.0")


@dataclass(frozen=True)
class Records:
    """Everything a dialog of the person page could change, as JSON, and the audit log."""

    people: tuple[str, ...]
    concerns: tuple[str, ...]
    visits: tuple[str, ...]
    audit: int


def records(qtbot: QtBot, worker: DbWorker) -> Records:
    """The workspace's people, concerns and visits, and the length of its audit log."""

    def read(ws: Workspace) -> Records:
        people = [ws.people.get(p.id) for p in ws.people.search("", limit=10_000)]
        return Records(
            people=tuple(sorted(p.model_dump_json() for p in people)),
            concerns=tuple(sorted(c.model_dump_json() for c in ws.concerns.listed())),
            visits=tuple(sorted(v.id + v.status for v in ws.visits.list(limit=10_000))),
            audit=len(ws.audit_entries()),
        )

    return on_worker(qtbot, worker, read)


def open_person(qtbot: QtBot, window: MainWindow, person_id: str) -> None:
    """Show a person's page and wait until it is read."""
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        window.open_person(person_id)


def current_dialog(qtbot: QtBot, window: MainWindow) -> WorkspaceDialog:
    """The person page's dialog showing now, once it is the active window."""
    dialog = window.person.journey.dialog
    assert dialog is not None, "no dialog is open"
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def walk_to_the_end(ws: Workspace, concern_id: str) -> None:
    """A beginning visit finalised (the concern moves to the middle), then the closing
    conversation at the end stage finalised with its outcome rated."""
    today = date.today()
    beginning = ws.visits.begin(concern_id, GUIDE, today - timedelta(days=20))
    complete = builders.complete_visit(ws.concerns.get(concern_id))
    ws.visits.save_draft(
        complete.model_copy(
            update={
                "id": beginning.id,
                "visit_date": beginning.visit_date,
                "stage": Stage.BEGINNING,
            }
        )
    )
    ws.visits.finalise(beginning.id)
    move_stage(ws, concern_id, Stage.END)
    end = ws.visits.begin(concern_id, GUIDE, today - timedelta(days=2))
    rating = OutcomeAchieved.FULLY_ACHIEVED
    closing = end.revised(
        consent_to_record=True,
        desired_outcomes=[o.revised(achieved=rating) for o in end.desired_outcomes],
        undue_influence=end.undue_influence.revised(person_declined_help=False),
        actions=[a.revised(status="done") for a in end.actions],
        plan_review=end.plan_review.revised(**dict.fromkeys(end.plan_carried, "same")),
        experience=ExperienceFeedback(asked_by=AskedBy.INDEPENDENT),
    )
    ws.visits.save_draft(closing)
    ws.visits.finalise(end.id)
