"""Fixtures for the desktop app tests: real workspaces on tmp_path, no store mocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from msp_desktop.store import Workspace
from tests.ui.helpers import PASSPHRASE, PEOPLE, WORKER_NAME
from ui import messages
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.theme import reset_theme


@pytest.fixture(autouse=True)
def _fresh_messages() -> Iterator[None]:
    messages.reset()
    yield
    messages.reset()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where a test's workspace lives (nothing there yet)."""
    return tmp_path / "workspace"


@pytest.fixture
def existing(folder: Path) -> Path:
    """A closed workspace holding three fictional people."""
    workspace = Workspace.create(folder, PASSPHRASE, WORKER_NAME)
    try:
        for person in PEOPLE:
            workspace.people.add(person)
    finally:
        workspace.close()
    return folder


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[DbWorker]:
    """A database worker that is stopped (and its thread finished) after the test."""
    db_worker = DbWorker()
    yield db_worker
    db_worker.stop()
    assert db_worker.worker_thread.isFinished()


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """The test application; each test applies the theme it checks. Reset afterwards."""
    assert isinstance(qapp, QApplication)
    reset_theme(qapp)
    yield qapp
    reset_theme(qapp)


@pytest.fixture
def window(qtbot: QtBot, worker: DbWorker, existing: Path) -> Iterator[MainWindow]:
    """The main window on the three people of ``existing``, shown and active."""
    with qtbot.waitSignal(worker.opened, timeout=10_000):
        worker.open_workspace(existing, PASSPHRASE, lambda _r: None, lambda _e: None)
    main = MainWindow()
    qtbot.addWidget(main)
    main.attach(worker)
    main.resize(1280, 800)
    main.show()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    qtbot.waitUntil(lambda: main.caseload.model.rowCount() == 3, timeout=5_000)
    yield main
    main.detach()


@pytest.fixture
def spoken(monkeypatch: pytest.MonkeyPatch) -> list[tuple[QObject, str]]:
    """Every announcement sent to Qt's accessibility layer, as (object, words): what a
    screen reader would be given. tests/ui/test_announcements.py hears them on the bus."""
    said: list[tuple[QObject, str]] = []
    sent = QAccessible.updateAccessibility

    def record(event: QAccessibleEvent) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            said.append((event.object(), event.message()))
        sent(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(record))
    return said
