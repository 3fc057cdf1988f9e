"""Fixtures for the S15-S17 tests: an isolated settings folder and a running session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.security.helpers import TEST_MINUTE_MS, TEST_SECOND_MS
from ui.session import Session


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings are read from and saved to a folder of this test only."""
    folder = tmp_path / "config"
    monkeypatch.setenv("MSP_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def session(qtbot: QtBot, existing: Path) -> Iterator[Session]:
    """A session on the three-person workspace, with short guard timers."""
    running = Session(existing, ms_per_minute=TEST_MINUTE_MS, ms_per_second=TEST_SECOND_MS)
    running.start()
    yield running
    running.end()
    assert running.worker is None or running.worker.worker_thread.isFinished()
