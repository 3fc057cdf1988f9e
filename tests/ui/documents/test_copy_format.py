"""The copy dialog starts on the format the person asked for, says so, and can still be
changed (issue 14, item 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from msp_desktop.model import CopyChoice, CopyFormat, Language
from tests.ui.documents.conftest import Docs, make_docs
from tests.ui.helpers import wait_idle
from tests.ui.mnemonics import check_window
from ui.documents.copy_dialog import CopyDialog

from .controls import assert_every_control_named, save_grab

ASKED = "(the format they asked for)"


@pytest.fixture
def large_print(qtbot: QtBot, folder: Path) -> Iterator[Docs]:
    """Ada Example, whose recorded need is large print."""
    yield from make_docs(qtbot, folder, Language.EN, preferred_format=CopyFormat.LARGE_PRINT)


def test_the_dialog_starts_on_large_print_for_a_person_who_asked_for_it(
    qtbot: QtBot, large_print: Docs, tmp_path: Path
) -> None:
    dialog = large_print.copy_dialog(qtbot)
    assert dialog.asked_style == "large-print"
    assert dialog.style_buttons["large-print"].isChecked()
    assert not dialog.style_buttons["plain"].isChecked()
    said = dialog.style_buttons["large-print"]
    assert said.text() == f"&Large print {ASKED}"
    assert said.accessibleName() == f"Large print {ASKED}"
    # Said beside the format they asked for only.
    assert [k for k, r in dialog.style_buttons.items() if ASKED in r.text()] == ["large-print"]
    assert_every_control_named(dialog)
    dialog.choice_buttons[CopyChoice.KEEP].click()
    save_grab(dialog, tmp_path / "copy_dialog_large_print.png")
    # Made as it starts: the copy recorded is large print.
    dialog.ok_button.click()
    wait_idle(qtbot, large_print.worker)
    copies = large_print.run(qtbot, lambda ws: ws.copies.for_visit(large_print.visit_id))
    assert [c.style for c in copies] == ["large-print"]


def test_the_worker_can_still_choose_another_format(qtbot: QtBot, large_print: Docs) -> None:
    preview = large_print.give(qtbot, CopyChoice.KEEP, style="easy-read")
    assert preview is not None
    copies = large_print.run(qtbot, lambda ws: ws.copies.for_visit(large_print.visit_id))
    assert [c.style for c in copies] == ["easy-read"]


def test_a_person_not_yet_asked_gets_plain_english_without_the_words(
    qtbot: QtBot, docs: Docs
) -> None:
    assert docs.person.preferred_format is None
    dialog = docs.copy_dialog(qtbot)
    assert dialog.asked_style is None
    assert dialog.style_buttons["plain"].isChecked()
    assert not any(ASKED in r.text() for r in dialog.style_buttons.values())
    dialog.reject()


@pytest.mark.parametrize("asked", ["plain", "large-print", "easy-read"])
def test_each_format_asked_for_is_where_it_starts(qtbot: QtBot, asked: str) -> None:
    dialog = CopyDialog("en", asked_style=asked)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    chosen = [k for k, r in dialog.style_buttons.items() if r.isChecked()]
    assert chosen == [asked]
    dialog.choice_buttons[CopyChoice.KEEP].click()
    request = dialog.request()
    assert request is not None
    assert request.style == asked
    check_window(qtbot, dialog)  # the words beside it keep the format's Alt+letter
