"""Helpers for the S15-S17 tests."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.ui import helpers
from ui.main_window import MainWindow
from ui.session import Session

# Timers in these tests: one "minute" of idle time and one "second" of clipboard time.
TEST_MINUTE_MS = 400
TEST_SECOND_MS = 20


def unlock(qtbot: QtBot, session: Session) -> MainWindow:
    """Unlock and wait for the three people of the test caseload."""
    return helpers.unlock(qtbot, session, expect_people=3)
