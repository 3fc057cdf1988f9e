"""The settings dialog: shows, checks, saves and applies the four settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.settings import Settings, load_settings
from tests.ui.test_accessibility import unnamed
from ui import messages
from ui.settings_dialog import SettingsDialog
from ui.theme import base_point_size, reset_theme

CHOSEN = Settings(
    idle_lock_minutes=10, clipboard_clear_seconds=60, text_scale_percent=150, high_contrast=True
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.json"


@pytest.fixture
def dialog(qtbot: QtBot, path: Path) -> SettingsDialog:
    settings_dialog = SettingsDialog(Settings(), path)
    qtbot.addWidget(settings_dialog)
    settings_dialog.open()
    return settings_dialog


@pytest.fixture
def clean_theme(qapp: QApplication) -> Iterator[None]:
    assert isinstance(qapp, QApplication)
    reset_theme(qapp)
    yield
    reset_theme(qapp)


def choose(qtbot: QtBot, dialog: SettingsDialog, settings: Settings) -> None:
    """Type the values in, as a person would."""
    for spin, value in (
        (dialog.idle_spin, settings.idle_lock_minutes),
        (dialog.clipboard_spin, settings.clipboard_clear_seconds),
        (dialog.scale_spin, settings.text_scale_percent),
    ):
        spin.selectAll()
        qtbot.keyClicks(spin, str(value))
    if dialog.contrast_check.isChecked() != settings.high_contrast:
        qtbot.mouseClick(dialog.contrast_check, Qt.MouseButton.LeftButton)


def test_shows_the_current_settings(qtbot: QtBot, path: Path) -> None:
    dialog = SettingsDialog(CHOSEN, path)
    qtbot.addWidget(dialog)
    assert dialog.chosen() == CHOSEN
    assert dialog.idle_spin.value() == 10
    assert dialog.contrast_check.isChecked()


def test_ranges_come_from_the_model(dialog: SettingsDialog) -> None:
    assert (dialog.idle_spin.minimum(), dialog.idle_spin.maximum()) == (1, 60)
    assert (dialog.clipboard_spin.minimum(), dialog.clipboard_spin.maximum()) == (5, 300)
    assert (dialog.scale_spin.minimum(), dialog.scale_spin.maximum()) == (100, 200)


def test_save_writes_the_file_and_says_so(qtbot: QtBot, dialog: SettingsDialog, path: Path) -> None:
    choose(qtbot, dialog, CHOSEN)
    with qtbot.waitSignal(dialog.applied) as applied:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert applied.args == [CHOSEN]
    assert load_settings(path) == CHOSEN
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_cancel_saves_nothing(qtbot: QtBot, dialog: SettingsDialog, path: Path) -> None:
    choose(qtbot, dialog, CHOSEN)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not path.exists()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_failed_save_keeps_the_dialog_open(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    dialog = SettingsDialog(Settings(), blocker / "settings.json")
    qtbot.addWidget(dialog)
    dialog.open()
    messages.answer_next(messages.Button.Ok)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [shown.kind for shown in messages.shown] == ["error"]
    assert "could not be saved" in messages.shown[0].text
    assert dialog.isVisible()
    assert dialog.saved is None


def test_every_control_has_an_accessible_name(dialog: SettingsDialog) -> None:
    assert unnamed(dialog) == []
    for control in (
        dialog.idle_spin,
        dialog.clipboard_spin,
        dialog.scale_spin,
        dialog.contrast_check,
        dialog.save_button,
        dialog.cancel_button,
    ):
        assert control.accessibleName()
    assert dialog.idle_spin.accessibleDescription()  # the field's description, spoken


def test_labels_move_focus_to_their_fields(dialog: SettingsDialog) -> None:
    from PySide6.QtWidgets import QLabel

    labels = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
    assert len(labels) == 3
    assert all(isinstance(label.buddy(), QWidget) for label in labels)


@pytest.mark.usefixtures("clean_theme")
def test_ctrl_comma_opens_it_and_saving_applies_at_once(
    qtbot: QtBot, existing: Path, path: Path, qapp: QApplication
) -> None:
    from tests.ui.security.helpers import unlock
    from ui.session import Session

    session = Session(existing, settings_path=path)
    session.start()
    try:
        window = unlock(qtbot, session)
        base = base_point_size(qapp)  # type: ignore[arg-type]
        action = window.action("action.settings")
        assert action.shortcut().toString() == "Ctrl+,"
        qtbot.keyClick(window.caseload.table, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
        dialog = session.settings_dialog
        assert isinstance(dialog, SettingsDialog)
        assert dialog.isVisible()
        choose(qtbot, dialog, CHOSEN)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert session.settings == CHOSEN
        assert session.idle_lock.interval_ms == 10 * 60_000
        assert qapp.font().pointSizeF() == pytest.approx(base * 1.5)
        assert qapp.styleSheet()  # high contrast is on
        assert session.settings_dialog is None
        assert load_settings(path) == CHOSEN
    finally:
        session.end()


def test_buttons_have_no_icons(dialog: SettingsDialog) -> None:
    assert dialog.save_button.icon().isNull()  # Fusion would show a floppy disk
    assert dialog.cancel_button.icon().isNull()  # and a red cross
