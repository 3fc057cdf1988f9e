"""The one owner of the database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from msp_desktop.errors import WrongPassphrase
from msp_desktop.store import Workspace
from tests.ui.helpers import PASSPHRASE, wait_idle
from ui import messages
from ui.db_worker import DbWorker, WorkspaceLocked


def open_on(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    failures: list[BaseException] = []
    with qtbot.waitSignal(worker.opened, timeout=10_000):
        worker.open_workspace(folder, PASSPHRASE, lambda _result: None, failures.append)
    assert not failures


def test_operations_run_on_the_worker_thread_and_answer_on_the_gui_thread(
    qtbot: QtBot, worker: DbWorker, existing: Path
) -> None:
    open_on(qtbot, worker, existing)
    gui = threading.get_ident()
    ran_on: list[int] = []
    answered_on: list[int] = []
    results: list[int] = []

    def count(ws: Workspace) -> int:
        ran_on.append(threading.get_ident())
        return ws.people.count()

    def done(result: int) -> None:
        answered_on.append(threading.get_ident())
        results.append(result)

    worker.submit(count, done)
    wait_idle(qtbot, worker)
    assert results == [3]
    assert ran_on != [gui]
    assert answered_on == [gui]


def test_errors_reach_on_error_or_the_message_module(
    qtbot: QtBot, worker: DbWorker, existing: Path, expect_logged_error: Callable[..., None]
) -> None:
    # The last case is a bug in a job (1 / 0): the bug guard logs it, scrubbed.
    expect_logged_error("msp.ui", "Unexpected error in the desktop app")
    errors: list[BaseException] = []
    worker.submit(lambda ws: ws.people.count(), on_error=errors.append)
    wait_idle(qtbot, worker)
    assert isinstance(errors[0], WorkspaceLocked)

    worker.open_workspace(existing, "wrong passphrase", lambda _r: None, errors.append)
    wait_idle(qtbot, worker)
    assert isinstance(errors[1], WrongPassphrase)

    messages.answer_next(messages.Button.Ok)
    worker.submit(lambda ws: 1 / 0)
    wait_idle(qtbot, worker)
    assert [shown.text for shown in messages.shown] == [
        "Something went wrong; your saved work is safe. Details are in the log."
    ]


def test_stop_closes_the_workspace_and_ends_the_thread(qtbot: QtBot, existing: Path) -> None:
    worker = DbWorker()
    open_on(qtbot, worker, existing)
    workspace = worker.workspace
    assert workspace is not None
    answers: list[object] = []
    worker.submit(lambda ws: ws.people.count(), answers.append)
    worker.stop()
    assert worker.worker_thread.isFinished()
    assert not workspace.is_open
    assert worker.workspace is None
    qtbot.wait(50)
    assert answers == []  # whoever asked has gone away
    worker.stop()  # twice is harmless
