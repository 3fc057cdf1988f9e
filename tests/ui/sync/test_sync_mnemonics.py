"""Alt+letter on the page that sends records to the office, set up and not yet set up:
no two controls share a letter, and each letter, pressed, reaches its control
(tests/ui/mnemonics.py)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.ui.mnemonics import check_window
from tests.ui.sync.conftest import Sync


def test_the_sync_page(qtbot: QtBot, sync: Sync) -> None:
    found = {m.keys for m in check_window(qtbot, sync.window)}
    assert {"Alt+W", "Alt+E", "Alt+R"} <= found  # the menu, Export…, Import receipts…


def test_the_sync_page_before_the_office_is_set_up(qtbot: QtBot, fresh: Sync) -> None:
    found = {m.keys for m in check_window(qtbot, fresh.window)}
    assert {"Alt+W", "Alt+I"} <= found  # the menu, Import the office keys…
