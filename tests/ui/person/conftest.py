"""The main window on a real workspace, for the tests of the person page's dialogs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.helpers import PASSPHRASE
from ui.db_worker import DbWorker
from ui.main_window import MainWindow


@pytest.fixture
def app(qtbot: QtBot, worker: DbWorker, existing: Path) -> Iterator[MainWindow]:
    """The main window on the workspace of ``existing`` (three people), shown and active."""
    with qtbot.waitSignal(worker.opened, timeout=10_000):
        worker.open_workspace(existing, PASSPHRASE, lambda _r: None, lambda _e: None)
    main = MainWindow()
    qtbot.addWidget(main)
    main.attach(worker)
    main.show()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    qtbot.waitUntil(lambda: main.caseload.model.rowCount() == 3, timeout=5_000)
    yield main
    main.detach()
