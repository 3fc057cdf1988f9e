"""Nothing lost: a locked or killed app reopens the visit where it was, every saved word.

The kill test runs the real app in a child process (tests/ui/visit_child.py), lets it
type into a visit until "Saved", kills it with SIGKILL, and unlocks again here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from msp_desktop.guide import load_guide
from msp_desktop.model import Stage
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, type_text, unlock
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


# The child is the real app in its own process, at the shipped Argon2id cost.
@pytest.mark.usefixtures("real_kdf_cost")
def test_killed_mid_visit_reopens_with_every_saved_word(
    qtbot: QtBot, folder: Path, draft_visit: str
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MSP_PASSPHRASE": PASSPHRASE}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.visit_child", str(folder), draft_visit, TYPED],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "saved"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()

    running = Session(folder)
    running.start()
    try:
        window = unlock(qtbot, running)
        wait_for_visit_at(qtbot, window, "working")
        qtbot.waitUntil(lambda: working_well_text(window).toPlainText() == TYPED, timeout=5000)
    finally:
        running.end()
