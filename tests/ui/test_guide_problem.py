"""A broken guide file: the app says which guide, which line and what is wrong, in a
window, with the workspace closed, and ends with the guide's exit code when it closes.

A guide is broken in practice when a practice lead (or the IT team packaging the app)
edits ``resources/guides/<id>.toml`` in the installed app, or adds a new guide there.
These tests stand a copy of the shipped guides folder in for the app's own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from msp_desktop.exit_codes import ExitCode
from msp_desktop.guide import catalogue, loader
from msp_desktop.resources import resource_root
from msp_desktop.store import Workspace
from tests.ui.helpers import PASSPHRASE
from ui.session import Session
from ui.unlock_dialog import UnlockDialog

BROKEN_FROM = 'title = "Checking in"'


def copy_guides(tmp_path: Path) -> Path:
    """A copy of the shipped guides folder (``<tmp>/resources/guides``)."""
    guides = tmp_path / "resources" / "guides"
    guides.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(Path(str(resource_root() / "guides")), guides)
    return guides


def break_guide(guides: Path, to: str = "msp-visit.toml") -> int:
    """Write the MSP visit guide to ``to`` with a quote left open on a step's title, as
    a hurried edit would; returns that line."""
    text = (guides / "msp-visit.toml").read_text(encoding="utf-8")
    assert BROKEN_FROM in text, "the guide changed: pick another line to break"
    broken = text.replace(BROKEN_FROM, 'title = "Checking in', 1)
    (guides / to).write_text(broken, encoding="utf-8")
    return 1 + text[: text.index(BROKEN_FROM)].count("\n")


@pytest.fixture
def guides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = copy_guides(tmp_path)
    monkeypatch.setattr(catalogue, "resource_root", lambda: folder.parent)
    monkeypatch.setattr(loader, "resource", lambda *parts: folder.parent.joinpath(*parts))
    catalogue._loaded.cache_clear()
    yield folder
    catalogue._loaded.cache_clear()


@pytest.fixture
def session(qtbot: QtBot, existing: Path, tmp_path: Path) -> Iterator[Session]:
    running = Session(existing, settings_path=tmp_path / "settings.json")
    yield running
    running.end()


def problem_box(qtbot: QtBot) -> QMessageBox:
    def shown() -> QMessageBox | None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "message.guide_problem" and widget.isVisible():
                assert isinstance(widget, QMessageBox)
                return widget
        return None

    qtbot.waitUntil(lambda: shown() is not None, timeout=10_000)
    box = shown()
    assert box is not None
    return box


def assert_names_the_problem(box: QMessageBox, line: int, guides: Path) -> None:
    words = f"{box.text()}\n{box.informativeText()}"
    assert "msp-visit.toml" in words
    assert f"line {line}" in words
    assert "not valid TOML" in words
    assert str(guides / "msp-visit.toml") in words  # where to find the file to fix it
    assert "Your workspace is closed" in words
    assert box.accessibleName() == "The conversation guide has a problem"
    assert "msp-visit.toml" in box.accessibleDescription()


def test_a_broken_guide_is_shown_before_the_passphrase_is_asked(
    qtbot: QtBot, session: Session, guides: Path
) -> None:
    line = break_guide(guides)
    ended: list[bool] = []
    session.finished.connect(lambda: ended.append(True))
    session.start()
    box = problem_box(qtbot)
    assert_names_the_problem(box, line, guides)
    assert not isinstance(session.dialog, UnlockDialog)  # no passphrase for nothing
    assert session.worker is None  # the workspace was never opened
    box.accept()
    qtbot.waitUntil(lambda: ended == [True])
    assert session.exit_code == ExitCode.GUIDE_INVALID


def test_a_guide_broken_after_the_start_closes_the_workspace_before_it_shows(
    qtbot: QtBot, session: Session, guides: Path, existing: Path
) -> None:
    session.start()
    dialog = session.dialog
    assert isinstance(dialog, UnlockDialog)
    worker = session.worker
    assert worker is not None
    # While the unlock window shows, a new guide (with a mistake) is put in the folder.
    line = break_guide(guides, to="msp-home.toml")
    dialog.passphrase_edit.setText(PASSPHRASE)
    dialog.unlock_button.click()
    box = problem_box(qtbot)
    words = f"{box.text()}\n{box.informativeText()}"
    assert "msp-home.toml" in words
    assert f"line {line}" in words
    assert "not valid TOML" in words
    assert "Your workspace is closed" in words
    # Closed before the window showed: the database thread has ended, nothing holds it.
    assert worker.worker_thread.isFinished()
    assert worker.workspace is None
    assert session.window is None
    Workspace.open(existing, PASSPHRASE).close()
    box.accept()
    assert session.exit_code == ExitCode.GUIDE_INVALID
