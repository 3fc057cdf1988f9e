"""A real workspace with a finalised visit, shown in a main window with a privacy screen.

Ada Example has two concerns: one at its end stage with a finalised visit (the person's
copy, the office record, the feedback form), and one whose only visit is a draft.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from pytestqt.qtbot import QtBot

from msp_desktop.model import Concern, CopyChoice, Language, Person, Stage
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, on_worker, wait_idle
from ui import actions
from ui.db_worker import DbWorker
from ui.documents import saving
from ui.documents.copy_dialog import CopyDialog
from ui.documents.preview_window import PreviewWindow
from ui.main_window import MainWindow
from ui.security.privacy_screen import PrivacyScreen

T = TypeVar("T")
WORDS = "I want to feel safe at home and keep my own bank card."


@dataclass
class Docs:
    """What a documents test works with."""

    folder: Path
    person: Person
    concern: Concern
    visit_id: str
    draft_id: str
    worker: DbWorker
    window: MainWindow
    privacy: PrivacyScreen

    def run(self, qtbot: QtBot, operation: Callable[[Workspace], T]) -> T:
        """Run ``operation(workspace)`` on the database thread and return its result."""
        return on_worker(qtbot, self.worker, operation)

    def audit(self, qtbot: QtBot, entity_id: str) -> list[tuple[str, dict[str, object]]]:
        """The audit entries of ``entity_id`` as (action, detail), oldest first."""
        return self.run(
            qtbot, lambda ws: [(e.action, e.detail) for e in ws.audit_entries(entity_id)]
        )

    def copy_dialog(self, qtbot: QtBot) -> CopyDialog:
        """Ask for a copy of the finalised visit; the dialog that opens."""
        documents = self.window.documents
        with qtbot.waitSignal(documents.copy_dialog_opened, timeout=10_000) as opened:
            documents.give_copy(self.visit_id)
        dialog = opened.args[0]
        assert isinstance(dialog, CopyDialog)
        return dialog

    def give(
        self, qtbot: QtBot, choice: CopyChoice = CopyChoice.KEEP, style: str = "plain"
    ) -> PreviewWindow | None:
        """Answer the safety question with ``choice``; the preview, if one opened."""
        dialog = self.copy_dialog(qtbot)
        dialog.choice_buttons[choice].click()
        if choice.makes_document:
            dialog.style_buttons[style].click()  # type: ignore[index]
        dialog.ok_button.click()
        wait_idle(qtbot, self.worker)
        qtbot.wait(10)
        return self.window.documents.preview


TEAM_NAME = "Sampletown Adult Social Care"
TEAM_PHONE = "01632 960 111"
RETURN_ADDRESS = "Freepost RTXX-ABCD, Adult Social Care, Town Hall, Exampleton EX1 2AB"


def _workspace(folder: Path, person: Person, *, team: bool) -> tuple[Concern, str, str]:
    concern = builders.concern(person)
    visit = builders.complete_visit(concern, WORDS)
    other = builders.concern(person, raised_on=date(2026, 9, 1))
    draft = builders.draft_visit(other)
    with Workspace.create(folder, PASSPHRASE, WORKER_NAME) as ws:
        # A copy is refused until the team's details are set (test_team_details.py); the
        # feedback form is posted back to the team, so it needs their return address.
        if team:
            ws.set_service(TEAM_NAME, TEAM_PHONE, None, RETURN_ADDRESS)
        ws.people.add(person)
        ws.concerns.add(concern)
        ws.concerns.add(other)
        ws.visits.start(visit)
        ws.visits.finalise(visit.id)
        concern = concern.revised(stage=Stage.END)  # at its end: the feedback form is offered
        ws.concerns.update(concern)
        ws.visits.start(draft)
    return concern, visit.id, draft.id


def make_docs(
    qtbot: QtBot, folder: Path, language: Language, *, team: bool = True, **person: object
) -> Iterator[Docs]:
    """The workspace, unlocked in a worker, in a main window with its privacy screen;
    without the team's details unless ``team``; ``person`` adds to Ada's details."""
    ada = builders.person(preferred_language=language, **person)
    concern, visit_id, draft_id = _workspace(folder, ada, team=team)
    worker = DbWorker()
    worker.open_workspace(folder, PASSPHRASE, lambda _: None, lambda _e: None)
    wait_idle(qtbot, worker)
    window = MainWindow()
    qtbot.addWidget(window)
    privacy = PrivacyScreen(window, window.action(actions.PRIVACY.id))
    window.attach(worker)
    window.resize(1100, 800)
    window.show()
    wait_idle(qtbot, worker)
    yield Docs(folder, ada, concern, visit_id, draft_id, worker, window, privacy)
    window.detach()
    worker.stop()
    assert worker.worker_thread.isFinished()


@pytest.fixture(autouse=True)
def _fresh_save_answers() -> Iterator[None]:
    saving.reset()
    yield
    saving.reset()


@pytest.fixture
def docs(qtbot: QtBot, folder: Path) -> Iterator[Docs]:
    """Ada Example, who prefers English."""
    yield from make_docs(qtbot, folder, Language.EN)


@pytest.fixture
def welsh_docs(qtbot: QtBot, folder: Path) -> Iterator[Docs]:
    """Ada Example, who prefers Welsh."""
    yield from make_docs(qtbot, folder, Language.CY)
