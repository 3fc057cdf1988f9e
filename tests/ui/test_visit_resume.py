"""Nothing lost: a locked or killed app reopens the visit where it was, every saved word.

The kill tests run the real app in a child process (tests/ui/visit_child.py), let it
type into a visit until "Saved", kill it (SIGKILL; TerminateProcess on Windows), and
unlock again here. An agreed action with only its words typed (no owner, no status) is
kept like any other text.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from msp_desktop.guide import load_guide
from msp_desktop.model import ActionStatus, Stage
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, on_worker, type_text, unlock
from ui.main_window import MainWindow
from ui.session import Session

TYPED = "Gets on well with Mrs Specimen next door — ŵ."


@pytest.fixture
def draft_visit(folder: Path) -> str:
    """A workspace with one begun visit; returns its id."""
    person = builders.person()
    concern = builders.concern(person, stage=Stage.BEGINNING)
    with Workspace.create(folder, PASSPHRASE, WORKER_NAME) as ws:
        ws.people.add(person)
        ws.concerns.add(concern)
        return ws.visits.begin(concern.id, load_guide().ref, date.today()).id


@pytest.fixture
def session(qtbot: QtBot, folder: Path, draft_visit: str) -> Iterator[Session]:
    running = Session(folder)
    running.start()
    yield running
    running.end()


def working_well_text(window: MainWindow) -> QPlainTextEdit:
    page = window.visit_page.current_step()
    assert page is not None
    assert page.step.id == "working"
    editor = page.blocks[0].editor.focus_target()
    assert isinstance(editor, QPlainTextEdit)
    return editor


def action_words(window: MainWindow) -> QPlainTextEdit:
    """The words of the first agreed action on the actions step."""
    page = window.visit_page.current_step()
    assert page is not None
    assert page.step.id == "actions"
    (actions,) = [e for e in page.repeating_editors() if e.question.id == "actions"]
    assert actions.forms, "the action was not there"
    editor = actions.forms[0].editors[0].focus_target()
    assert isinstance(editor, QPlainTextEdit)
    return editor


def the_action_is_kept_open(qtbot: QtBot, window: MainWindow, visit_id: str) -> None:
    """The draft holds the action exactly as typed, open, with nothing else answered."""
    worker = window.worker
    assert worker is not None
    (action,) = on_worker(qtbot, worker, lambda ws: ws.visits.get(visit_id).visit.actions)
    assert action.what is not None
    assert action.what.text == TYPED
    assert (action.owner, action.who, action.status) == (None, None, ActionStatus.OPEN)


def wait_for_visit_at(qtbot: QtBot, window: MainWindow, step: str) -> None:
    page = window.visit_page

    def there() -> bool:
        current = page.current_step()
        return (
            window.pages.currentWidget() is page
            and current is not None
            and (current.step.id == step)
        )

    qtbot.waitUntil(there, timeout=10_000)


def test_lock_and_unlock_return_to_the_same_step(
    qtbot: QtBot, session: Session, draft_visit: str
) -> None:
    window = unlock(qtbot, session)
    window.show_visit(draft_visit, "working")
    wait_for_visit_at(qtbot, window, "working")
    type_text(qtbot, working_well_text(window), TYPED)
    window.action("action.lock").trigger()  # locks at once, mid-sentence
    assert session.worker is None or session.worker.workspace is None
    assert window.visit_page.visit is None  # nothing of the record stays on screen

    window = unlock(qtbot, session)
    wait_for_visit_at(qtbot, window, "working")
    qtbot.waitUntil(lambda: working_well_text(window).toPlainText() == TYPED, timeout=5000)


def test_an_action_typed_and_left_without_a_status_survives_lock_and_unlock(
    qtbot: QtBot, session: Session, draft_visit: str
) -> None:
    window = unlock(qtbot, session)
    window.show_visit(draft_visit, "actions")
    wait_for_visit_at(qtbot, window, "actions")
    page = window.visit_page.current_step()
    assert page is not None
    (actions,) = [e for e in page.repeating_editors() if e.question.id == "actions"]
    actions.add_button.click()
    type_text(qtbot, action_words(window), TYPED)
    window.action("action.lock").trigger()  # at once: no owner, no status, no date

    window = unlock(qtbot, session)
    wait_for_visit_at(qtbot, window, "actions")
    qtbot.waitUntil(lambda: action_words(window).toPlainText() == TYPED, timeout=5000)
    the_action_is_kept_open(qtbot, window, draft_visit)


def kill_while_typing(folder: Path, visit_id: str, step: str) -> None:
    """Run the app in a child that types TYPED at ``step``, and kill it once saved."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MSP_PASSPHRASE": PASSPHRASE}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.visit_child", str(folder), visit_id, TYPED, step],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "saved"
    finally:
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up either way
        child.wait(timeout=30)
        child.stdout.close()


# The child is the real app in its own process, at the shipped Argon2id cost.
@pytest.mark.usefixtures("real_kdf_cost")
def test_killed_mid_visit_reopens_with_every_saved_word(
    qtbot: QtBot, folder: Path, draft_visit: str
) -> None:
    kill_while_typing(folder, draft_visit, "working")
    running = Session(folder)
    running.start()
    try:
        window = unlock(qtbot, running)
        wait_for_visit_at(qtbot, window, "working")
        qtbot.waitUntil(lambda: working_well_text(window).toPlainText() == TYPED, timeout=5000)
    finally:
        running.end()


@pytest.mark.usefixtures("real_kdf_cost")
def test_killed_after_typing_an_action_without_a_status_keeps_it(
    qtbot: QtBot, folder: Path, draft_visit: str
) -> None:
    kill_while_typing(folder, draft_visit, "actions")
    running = Session(folder)
    running.start()
    try:
        window = unlock(qtbot, running)
        wait_for_visit_at(qtbot, window, "actions")
        qtbot.waitUntil(lambda: action_words(window).toPlainText() == TYPED, timeout=5000)
        the_action_is_kept_open(qtbot, window, draft_visit)
    finally:
        running.end()
