"""A real workspace with one person and one concern, unlocked in a database worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from pytestqt.qtbot import QtBot

from msp_desktop.guide import Guide, load_guide
from msp_desktop.model import Concern, Person, Stage, Visit
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, on_worker, wait_idle
from ui.db_worker import DbWorker
from ui.visit.step_page import StepPage
from ui.visit.visit_page import VisitPage

T = TypeVar("T")


@dataclass
class Setting:
    """What a visit test works with."""

    folder: Path
    person: Person
    concern: Concern
    worker: DbWorker
    page: VisitPage
    guide: Guide

    def run(self, qtbot: QtBot, operation: Callable[[Workspace], T]) -> T:
        """Run ``operation(workspace)`` on the database thread and return its result."""
        return on_worker(qtbot, self.worker, operation)

    def open(self, qtbot: QtBot, visit_id: str, step: str | None = None) -> None:
        """Show a visit and wait until its steps are there."""
        self.page.open_visit(visit_id, step)
        qtbot.waitUntil(lambda: bool(self.page.pages), timeout=5000)
        wait_idle(qtbot, self.worker)

    def step(self, step_id: str) -> StepPage:
        """Go to a step as the steps list does, and return its page."""
        row = [p.step.id for p in self.page.pages].index(step_id)
        self.page.steps.setCurrentRow(row)
        page = self.page.current_step()
        assert page is not None
        assert page.step.id == step_id
        return page

    def stored(self, qtbot: QtBot, visit_id: str) -> Visit:
        """The visit as the database holds it, once every save has returned."""
        qtbot.waitUntil(lambda: not self.page.autosaver or not self.page.autosaver.unsaved)
        wait_idle(qtbot, self.worker)
        return self.run(qtbot, lambda ws: ws.visits.get(visit_id).visit)

    def begin(self, qtbot: QtBot) -> str:
        """Start the concern's next visit as the app does (the plan brought forward)."""
        ref = self.guide.ref
        visit = self.run(qtbot, lambda ws: ws.visits.begin(self.concern.id, ref, date.today()))
        return visit.id

    def held_before(self, qtbot: QtBot, earlier: Visit, stage: Stage) -> None:
        """Finalise ``earlier`` (a complete beginning visit, so use the ``beginning``
        setting), then put the concern at ``stage``, so the next visit brings its plan
        and open actions forward."""

        def hold(ws: Workspace) -> Concern:
            ws.visits.start(earlier)
            ws.visits.finalise(earlier.id)
            ws.concerns.set_stage(self.concern.id, stage)
            return ws.concerns.get(self.concern.id)

        self.concern = self.run(qtbot, hold)


def make_setting(qtbot: QtBot, folder: Path, stage: Stage) -> Iterator[Setting]:
    """A workspace with Ada Example and a concern at ``stage``, and a visit page."""
    person = builders.person()
    concern = builders.concern(person, stage=stage)
    with Workspace.create(folder, PASSPHRASE, WORKER_NAME) as ws:
        ws.people.add(person)
        ws.concerns.add(concern)
    worker = DbWorker()
    worker.open_workspace(folder, PASSPHRASE, lambda _: None, lambda _e: None)
    wait_idle(qtbot, worker)
    guide = load_guide()
    page = VisitPage(guide)
    qtbot.addWidget(page)
    page.attach(worker)
    page.resize(1100, 800)
    page.show()
    yield Setting(folder, person, concern, worker, page, guide)
    page.detach()
    worker.stop()
    assert worker.worker_thread.isFinished()


@pytest.fixture
def beginning(qtbot: QtBot, folder: Path) -> Iterator[Setting]:
    """A concern at the beginning stage."""
    yield from make_setting(qtbot, folder, Stage.BEGINNING)


@pytest.fixture
def middle(qtbot: QtBot, folder: Path) -> Iterator[Setting]:
    """A concern at the middle stage."""
    yield from make_setting(qtbot, folder, Stage.MIDDLE)


@pytest.fixture
def ending(qtbot: QtBot, folder: Path) -> Iterator[Setting]:
    """A concern at the end stage."""
    yield from make_setting(qtbot, folder, Stage.END)
