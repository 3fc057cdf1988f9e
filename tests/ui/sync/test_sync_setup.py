"""The sync page's one-off set-up: importing the office keys, then enrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from msp_desktop.bundles.provisioning import read_enrolment
from tests.platforms import assert_mode
from tests.ui.sync.conftest import OFFICE_NAME, Sync
from ui import messages


def test_without_office_keys_the_page_says_what_to_do(qtbot: QtBot, fresh: Sync) -> None:
    page = fresh.page
    assert page.setup.isVisibleTo(page)
    assert page.setup.import_button.isVisibleTo(page)
    assert page.setup.enrol_button.isVisibleTo(page)
    assert "Import the office keys" in page.setup.keys_step.text()
    assert "not set up" in page.office_line.text()
    assert not page.export_button.isEnabled()
    assert not page.receipts_button.isEnabled()
    assert page.counts.labels["finalised"].text() == "6 finalised records are waiting to be sent."


def test_importing_the_office_keys_and_enrolling(
    qtbot: QtBot, fresh: Sync, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page = fresh.page
    keys = tmp_path / "office-keys.json"
    keys.write_bytes(fresh.office.keys_file)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(keys), ""))
    messages.answer_next(messages.Button.Yes)
    text = fresh.click(qtbot, page.setup.import_button)
    question = messages.shown[0]
    assert question.kind == "question"
    assert fresh.office.key.key_id in question.text  # checked with the office first
    assert text.startswith(f"This workspace now sends records to {OFFICE_NAME}.")
    provisioning = fresh.run(qtbot, lambda ws: ws.sync.office_keys())
    assert provisioning is not None
    assert provisioning.office_key_id == fresh.office.key.key_id
    assert not page.setup.import_button.isVisibleTo(page)
    assert "Done" in page.setup.keys_step.text()
    assert not page.export_button.isEnabled()  # not enrolled yet

    target = tmp_path / "enrolment.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    text = fresh.click(qtbot, page.setup.enrol_button)
    device_id = fresh.run(qtbot, lambda ws: ws.sync.device_id())
    assert device_id
    assert text.startswith(f"Saved enrolment.json for the device {device_id}.")
    assert read_enrolment(target.read_bytes()).device_id == device_id
    assert_mode(target, 0o644)
    assert not page.setup.isVisibleTo(page)
    assert page.export_button.isEnabled()
    assert device_id in page.office_line.text()


def test_keys_not_confirmed_are_not_imported(
    qtbot: QtBot, fresh: Sync, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    keys = tmp_path / "office-keys.json"
    keys.write_bytes(fresh.office.keys_file)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(keys), ""))
    messages.answer_next(messages.Button.Cancel)
    text = fresh.click(qtbot, fresh.page.setup.import_button)
    assert text.startswith("The office keys were not imported: nothing was changed.")
    assert fresh.run(qtbot, lambda ws: ws.sync.office_keys()) is None
    assert fresh.page.setup.import_button.isVisibleTo(fresh.page)


def test_a_damaged_keys_file_is_refused_in_words(
    qtbot: QtBot, fresh: Sync, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    keys = tmp_path / "office-keys.json"
    keys.write_bytes(fresh.office.keys_file.replace(b"Example", b"Exampel"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(keys), ""))
    text = fresh.click(qtbot, fresh.page.setup.import_button)
    assert text.startswith("The office keys file")
    assert messages.shown[-1].kind == "error"
    assert [m.kind for m in messages.shown] == ["error"]  # no question about a bad file
    assert fresh.run(qtbot, lambda ws: ws.sync.office_keys()) is None
