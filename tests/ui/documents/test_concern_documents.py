"""The office record and the feedback form, from a concern on the person page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.tools import require_tools
from tests.ui.documents.conftest import Docs
from tests.ui.helpers import wait_idle
from tests.unit.documents import pdftools
from ui import messages
from ui.documents import saving
from ui.documents.preview_window import PreviewWindow


def _buttons(qtbot: QtBot, docs: Docs) -> dict[str, QPushButton]:
    with qtbot.waitSignal(docs.window.person.loaded, timeout=10_000):
        docs.window.open_person(docs.person.id)
    found: dict[str, QPushButton] = {}
    for push in docs.window.person.findChildren(QPushButton):
        if push.objectName() in ("concern.office_record", "concern.feedback_form"):
            card = push.parentWidget()
            assert card is not None
            found[f"{push.objectName()}@{card.objectName()}"] = push
    return found


def test_every_concern_offers_its_record_and_the_ended_one_a_feedback_form(
    qtbot: QtBot, docs: Docs
) -> None:
    buttons = _buttons(qtbot, docs)
    ended = f"concern.{docs.concern.id}"
    assert len([k for k in buttons if k.startswith("concern.office_record")]) == 2
    assert [k for k in buttons if k.startswith("concern.feedback_form")] == [
        f"concern.feedback_form@{ended}"
    ]
    for push in buttons.values():
        assert push.accessibleName().startswith(("Office record of", "Feedback form for"))


def test_the_office_record_is_previewed_and_audited_when_saved(
    qtbot: QtBot, docs: Docs, tmp_path: Path
) -> None:
    require_tools("pdftotext", package="poppler-utils")
    push = _buttons(qtbot, docs)[f"concern.office_record@concern.{docs.concern.id}"]
    with qtbot.waitSignal(docs.window.documents.preview_opened, timeout=10_000) as opened:
        push.click()
    preview = opened.args[0]
    assert isinstance(preview, PreviewWindow)
    assert preview.windowTitle() == "Preview: office record"
    made = docs.window.documents.made
    assert made is not None
    assert made.document == "office_record"
    assert "feel safe at home" in pdftools.text(made.pdf)
    messages.answer_next(messages.Button.Save)
    saving.answer_next_path(tmp_path / "record.pdf")
    preview.save_button.click()
    wait_idle(qtbot, docs.worker)
    action, detail = docs.audit(qtbot, docs.concern.id)[-1]
    assert (action, detail["output"]) == ("office_record", "save_pdf")


def test_the_feedback_form_is_in_the_persons_language(qtbot: QtBot, welsh_docs: Docs) -> None:
    docs = welsh_docs
    push = _buttons(qtbot, docs)[f"concern.feedback_form@concern.{docs.concern.id}"]
    with qtbot.waitSignal(docs.window.documents.preview_opened, timeout=10_000):
        push.click()
    made = docs.window.documents.made
    assert made is not None
    assert made.document == "feedback_form"
    assert made.detail["lang"] == "cy"
