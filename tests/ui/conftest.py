"""Fixtures for the desktop app tests: real workspaces on tmp_path, no store mocks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from msp_desktop.model import Person
from msp_desktop.store import Workspace
from ui import messages
from ui.db_worker import DbWorker

PASSPHRASE = "lantern otter copper"
WORKER_NAME = "Jo Worker"
PEOPLE = (
    Person(name="Ada Example", date_of_birth=date(1941, 2, 3), local_id="LC-1001"),
    Person(name="Bryn Sample", preferred_name="Bryn", local_id="LC-1002"),
    Person(name="Siân Prawf", date_of_birth=date(1950, 11, 30), local_id="LC-1003"),
)


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


def wait_idle(qtbot: QtBot, worker: DbWorker) -> None:
    """Wait until every operation sent to ``worker`` has come back."""
    qtbot.waitUntil(lambda: not worker.busy, timeout=10_000)


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in ``folder``, to prove nothing was written."""
    import hashlib

    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }
