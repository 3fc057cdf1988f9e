"""Save as PDF…: warned first, written atomically and owner-only, audited; never silently
over another file; a full disk leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from msp_desktop.model import CopyChoice
from tests.disk_faults import full_disk_under
from tests.platforms import assert_mode
from tests.ui.documents.conftest import Docs
from tests.ui.helpers import wait_idle
from ui import messages
from ui.documents import saving
from ui.documents.preview_window import PreviewWindow


def _save(qtbot: QtBot, docs: Docs, preview: PreviewWindow) -> None:
    preview.save_button.click()
    wait_idle(qtbot, docs.worker)


def _actions(qtbot: QtBot, docs: Docs) -> list[str]:
    return [action for action, _ in docs.audit(qtbot, docs.visit_id)]


@pytest.fixture
def preview(qtbot: QtBot, docs: Docs) -> PreviewWindow:
    shown = docs.give(qtbot, CopyChoice.COLLECT_LATER, style="plain")
    assert shown is not None
    return shown


def test_saving_warns_then_writes_an_owner_only_file(
    qtbot: QtBot, docs: Docs, preview: PreviewWindow, tmp_path: Path
) -> None:
    target = tmp_path / "copy.pdf"
    messages.answer_next(messages.Button.Save)
    saving.answer_next_path(target)
    _save(qtbot, docs, preview)
    assert "will not be encrypted" in messages.shown[0].text
    made = docs.window.documents.made
    assert made is not None
    assert target.read_bytes() == made.pdf
    assert_mode(target, 0o600)
    assert not list(tmp_path.glob(".copy.pdf.*"))  # no temporary file left
    assert "Saved copy.pdf" in messages.shown[-1].text
    action, detail = docs.audit(qtbot, docs.visit_id)[-1]
    assert action == "save_pdf"
    assert detail["sha256"] == made.sha256
    assert str(tmp_path) not in str(detail)  # no paths in the audit log


def test_declining_the_warning_asks_nothing_more(
    qtbot: QtBot, docs: Docs, preview: PreviewWindow, tmp_path: Path
) -> None:
    messages.answer_next(messages.Button.Cancel)
    saving.answer_next_path(tmp_path / "copy.pdf")
    _save(qtbot, docs, preview)
    assert not (tmp_path / "copy.pdf").exists()
    assert len(messages.shown) == 1
    assert "save_pdf" not in _actions(qtbot, docs)


def test_an_existing_file_is_replaced_only_when_the_worker_says_so(
    qtbot: QtBot, docs: Docs, preview: PreviewWindow, tmp_path: Path
) -> None:
    target = tmp_path / "copy.pdf"
    target.write_bytes(b"someone else's file")
    messages.answer_next(messages.Button.Save, messages.Button.Cancel)
    saving.answer_next_path(target)
    _save(qtbot, docs, preview)
    assert "already exists" in messages.shown[-1].text
    assert target.read_bytes() == b"someone else's file"
    assert "save_pdf" not in _actions(qtbot, docs)

    messages.answer_next(messages.Button.Save, messages.Button.Yes)
    saving.answer_next_path(target)
    _save(qtbot, docs, preview)
    assert target.read_bytes().startswith(b"%PDF")
    assert_mode(target, 0o600)
    assert _actions(qtbot, docs).count("save_pdf") == 1


def test_a_full_disk_leaves_nothing_and_says_so(
    qtbot: QtBot,
    docs: Docs,
    preview: PreviewWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "copy.pdf"
    full_disk_under(monkeypatch, tmp_path)
    messages.answer_next(messages.Button.Save)
    saving.answer_next_path(target)
    _save(qtbot, docs, preview)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == [docs.folder.name]
    assert messages.shown[-1].kind == "error"
    assert "disk is full" in messages.shown[-1].text
    assert "save_pdf" not in _actions(qtbot, docs)


def test_the_file_dialog_opens_without_blocking(
    qtbot: QtBot, docs: Docs, preview: PreviewWindow
) -> None:
    messages.answer_next(messages.Button.Save)
    preview.save_button.click()
    flow = docs.window.documents.save_flow
    assert flow is not None
    assert flow.dialog is not None
    assert flow.dialog.isVisible()
    assert flow.dialog.testOption(flow.dialog.Option.DontConfirmOverwrite)
    flow.dialog.reject()
    assert "save_pdf" not in _actions(qtbot, docs)
