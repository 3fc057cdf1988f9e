"""Status lines are spoken: heard as AT-SPI announcements on the bus, named by their words.

WCAG 4.1.3 (status messages) and 4.1.2 (name): each test runs the real app in a child
process with Qt's AT-SPI bridge on, and listens on the accessibility bus as a screen
reader does (tests/ui/atspi.py says why there and not inside Qt).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.atspi import POLITE, require_bus, run_child, workspace_for_a_child
from tests.ui.helpers import PASSPHRASE


@pytest.fixture(scope="module")
def heard(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_bus()
    folder = tmp_path_factory.mktemp("atspi") / "workspace"
    visit_id = workspace_for_a_child(folder)
    return run_child("statuses", str(folder), visit_id, env={"MSP_PASSPHRASE": PASSPHRASE})


def test_the_search_count_is_announced_and_names_its_line(heard: dict[str, Any]) -> None:
    search = heard["search"]
    assert search["label_text"] == "1 of 3 people"
    assert {"path": search["label_path"], "message": "1 of 3 people", "politeness": POLITE} in (
        search["heard"]
    )
    assert search["name"] == "1 of 3 people"


def test_the_first_save_is_announced_and_the_line_reads_it(heard: dict[str, Any]) -> None:
    save = heard["save"]
    said = [h for h in save["first"] if h["path"] == save["label_path"]]
    # Opening the draft says how it is kept, then the first save says when.
    assert [h["message"][: len("Saved at")] for h in said] == [
        "Draft: saved as you type"[: len("Saved at")],
        "Saved at",
    ]
    said = said[1:]
    assert said[0]["politeness"] == POLITE
    assert save["first_name"] == said[0]["message"]  # not just "Save status"
    assert save["description"] == "Save status"
    # "Saving…" is never spoken: it would talk over the worker at every pause.
    assert not [h for h in save["first"] if h["message"] == "Saving…"]


def test_later_saves_change_the_words_without_talking_over_the_worker(
    heard: dict[str, Any],
) -> None:
    save = heard["save"]
    assert save["second"] == []
    assert save["text_after"].startswith("Saved at")
    assert save["name_after"] == save["text_after"]


def test_turning_a_preview_page_is_announced(heard: dict[str, Any]) -> None:
    preview = heard["preview"]
    assert {"path": preview["label_path"], "message": "Page 2 of 2", "politeness": POLITE} in (
        preview["heard"]
    )
    assert preview["name"] == "Page 2 of 2"


@pytest.fixture(scope="module")
def more(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_bus()
    folder = tmp_path_factory.mktemp("atspi") / "workspace"
    visit_id = workspace_for_a_child(folder)
    return run_child("more_statuses", str(folder), visit_id, env={"MSP_PASSPHRASE": PASSPHRASE})


def test_the_sync_status_is_announced_and_names_its_line(more: dict[str, Any]) -> None:
    sync = more["sync"]
    assert [h["message"] for h in sync["heard"]] == ["Reading the records again…", "3 people read."]
    assert {h["politeness"] for h in sync["heard"]} == {POLITE}
    assert sync["name"] == "3 people read."
    assert sync["description"] == "Sync status"


def test_the_copy_dialogs_note_is_announced_as_the_answer_changes(more: dict[str, Any]) -> None:
    copy = more["copy"]
    said = [h["message"] for h in copy["heard"]]
    assert copy["first_words"] == "Choose the person's answer first."
    assert said == [
        "The copy opens in a preview; nothing is printed or saved yet.",
        "Nothing will be printed. Tell the person what was agreed.",
    ]
    assert copy["name"] == said[-1]


def test_the_findings_count_is_announced_on_the_step(more: dict[str, Any]) -> None:
    findings = more["findings"]
    count = len(findings["lines"])
    words = f"{count} thing to think about" if count == 1 else f"{count} things to think about"
    assert [h["message"] for h in findings["heard"]][-1] == words
    assert {h["politeness"] for h in findings["heard"]} == {POLITE}
    assert findings["name"] == "Things to think about"
