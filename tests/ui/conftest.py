"""Fixtures for the desktop app tests: real workspaces on tmp_path, no store mocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from msp_desktop.store import Workspace
from tests.ui.helpers import PASSPHRASE, PEOPLE, WORKER_NAME
from ui import messages
from ui.db_worker import DbWorker


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
