"""Alt+letter in the document preview (zoom, pages, print, save, close): no two controls
share a letter, and each letter, pressed, reaches its button (tests/ui/mnemonics.py)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.ui.documents.conftest import Docs
from tests.ui.mnemonics import check_window


def test_the_preview_window(qtbot: QtBot, docs: Docs) -> None:
    preview = docs.give(qtbot)
    assert preview is not None
    qtbot.waitUntil(preview.isVisible)
    found = {m.keys for m in check_window(qtbot, preview)}
    assert {"Alt+O", "Alt+I", "Alt+F", "Alt+R", "Alt+S", "Alt+C"} <= found
