"""The safe-copy check: the question, the four answers, and what each one records."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from msp_desktop.model import SAFETY_QUESTION, CopyChoice
from tests.ui.documents.conftest import Docs
from tests.ui.helpers import wait_idle
from ui import messages
from ui.documents.copy_dialog import CopyDialog
from ui.documents.preview_window import PreviewWindow
from ui.visit.visit_page import VisitPage

from .controls import assert_every_control_named, save_grab


def test_the_dialog_asks_the_question_with_no_answer_chosen(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = CopyDialog("en")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.question.title() == SAFETY_QUESTION
    spoken = [dialog.choice_buttons[c].accessibleName() for c in CopyChoice]
    # Named as shown, with the number that is also its Alt+number key (WCAG 2.5.3).
    assert spoken == [f"{n} {c.label}" for n, c in enumerate(CopyChoice, start=1)]
    # Nothing is chosen for the person: the check cannot be clicked through.
    assert dialog.choice() is None
    assert not dialog.ok_button.isEnabled()
    assert dialog.lang_buttons["en"].isChecked()
    assert dialog.style_buttons["plain"].isChecked()
    assert_every_control_named(dialog)
    dialog.choice_buttons[CopyChoice.KEEP].click()
    save_grab(dialog, tmp_path / "copy_dialog.png")


def test_no_copy_switches_the_format_off_and_says_nothing_is_printed(qtbot: QtBot) -> None:
    dialog = CopyDialog("cy")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.lang_buttons["cy"].isChecked()  # the person's preferred language
    dialog.neutral_title.setChecked(True)
    dialog.choice_buttons[CopyChoice.NO_COPY].click()
    assert not dialog.format_box.isEnabled()
    assert dialog.lang_box.isEnabled()
    assert "no copy" in dialog.ok_button.text()
    assert "Nothing will be printed" in dialog.note.text()
    request = dialog.request()
    assert request is not None
    assert request.neutral_title is False  # nothing is made, so there is no title


def test_the_keyboard_reaches_every_answer(qtbot: QtBot) -> None:
    dialog = CopyDialog("en")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    first = dialog.choice_buttons[CopyChoice.KEEP]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Space)
    assert dialog.choice() is CopyChoice.KEEP
    # The arrow keys move through the answers, choosing as they go.
    qtbot.keyClick(first, Qt.Key.Key_Down)
    assert dialog.choice() is CopyChoice.NO_COPY
    assert not dialog.format_box.isEnabled()


@pytest.mark.parametrize("choice", list(CopyChoice))
def test_each_answer_is_recorded(qtbot: QtBot, docs: Docs, choice: CopyChoice) -> None:
    preview = docs.give(qtbot, choice, style="large-print")
    copies = docs.run(qtbot, lambda ws: ws.copies.for_visit(docs.visit_id))
    assert [c.choice for c in copies] == [choice]
    given = copies[0]
    assert given.lang == "en"
    if choice.makes_document:
        assert isinstance(preview, PreviewWindow)
        made = docs.window.documents.made
        assert made is not None
        assert given.style == "large-print"
        assert given.document_sha256 == hashlib.sha256(made.pdf).hexdigest()
        assert preview.page_count() >= 1
    else:
        # "No copy": the answer is kept, nothing is made and nothing opens.
        assert preview is None
        assert docs.window.documents.made is None
        assert given.style is None
        assert given.document_sha256 is None
        assert messages.shown[-1].kind == "info"
        assert "No copy was made" in messages.shown[-1].text
    actions = [action for action, _ in docs.audit(qtbot, docs.visit_id)]
    assert actions.count("copy_decision") == 1
    assert "print" not in actions
    assert "save_pdf" not in actions


def test_the_language_defaults_to_the_persons(qtbot: QtBot, welsh_docs: Docs) -> None:
    dialog = welsh_docs.copy_dialog(qtbot)
    assert dialog.lang_buttons["cy"].isChecked()
    dialog.reject()


def test_a_finalised_visit_offers_a_copy_and_a_draft_does_not(qtbot: QtBot, docs: Docs) -> None:
    page: VisitPage = docs.window.visit_page
    docs.window.show_visit(docs.draft_id)
    qtbot.waitUntil(lambda: bool(page.pages), timeout=5000)
    wait_idle(qtbot, docs.worker)
    assert not page.copy_button.isEnabled()
    assert "Finalise the visit first" in page.copy_button.accessibleDescription()

    docs.window.show_visit(docs.visit_id)
    qtbot.waitUntil(lambda: page.final and page.copy_button.isEnabled(), timeout=5000)
    with qtbot.waitSignal(docs.window.documents.copy_dialog_opened, timeout=10_000) as opened:
        page.copy_button.click()
    assert isinstance(opened.args[0], CopyDialog)
    opened.args[0].reject()
