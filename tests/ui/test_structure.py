"""Structure a screen reader can use (WCAG 1.3.1, 4.1.2), read over the AT-SPI bus.

The beginning visit in the real app, in a child process with Qt's AT-SPI bridge on
(tests/ui/atspi.py): headings have the heading role, every drop-down is labelled by its
question, every "who may read" button names the answer it belongs to.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.atspi import (
    ROLE_HEADING,
    require_bus,
    run_child,
    workspace_for_a_child,
)
from tests.ui.helpers import PASSPHRASE


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_bus()
    folder = tmp_path_factory.mktemp("atspi") / "workspace"
    visit_id = workspace_for_a_child(folder)
    return run_child("structure", str(folder), visit_id, env={"MSP_PASSPHRASE": PASSPHRASE})


def test_the_visit_and_every_step_title_are_headings(tree: dict[str, Any]) -> None:
    headings = tree["headings"]
    assert len(headings) >= 5  # the visit's title and each step's
    assert headings[0]["text"].startswith("Conversation with")
    assert [h for h in headings if h["role"] != ROLE_HEADING] == []


def test_every_drop_down_is_labelled_by_its_question(tree: dict[str, Any]) -> None:
    # Over AT-SPI, Qt names a drop-down by its current value ("Not answered yet"),
    # whatever setAccessibleName says; the question reaches the screen reader through
    # the labelled-by relation, which Orca reads before the value.
    combos = tree["combos"]
    assert combos, "the beginning visit has drop-downs"
    for combo in combos:
        assert combo["labelled_by"], f"{combo} has no label"
        assert all(label.strip() for label in combo["labelled_by"]), combo


def test_every_who_may_read_button_names_its_answer(tree: dict[str, Any]) -> None:
    buttons = tree["visibility"]
    assert len(buttons) >= 5
    for button in buttons:
        assert button["name"].startswith("Who may read: "), button
        assert ", for the answer to “" in button["name"], button
