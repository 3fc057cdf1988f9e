"""The preview: read from memory, pages and zoom by keyboard, hidden by the privacy screen."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtPdfWidgets import QPdfView
from pytestqt.qtbot import QtBot

from msp_desktop.model import CopyChoice
from tests.tools import require_tools
from tests.ui.documents.conftest import Docs
from tests.unit.documents import pdftools
from ui.documents.preview_window import PreviewWindow

from .controls import assert_every_control_named, save_grab


def _preview(qtbot: QtBot, docs: Docs, style: str = "easy-read") -> PreviewWindow:
    preview = docs.give(qtbot, CopyChoice.KEEP, style=style)
    assert isinstance(preview, PreviewWindow)
    qtbot.waitExposed(preview)
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow, timeout=5000)
    return preview


def test_the_preview_shows_every_page_of_the_bytes_made(
    qtbot: QtBot, docs: Docs, tmp_path: Path
) -> None:
    require_tools("pdfinfo", package="poppler-utils")
    preview = _preview(qtbot, docs)
    made = docs.window.documents.made
    assert made is not None
    assert preview.page_count() == int(pdftools.info(made.pdf)["Pages"])
    assert preview.page_label.text() == f"Page 1 of {preview.page_count()}"
    assert "Ada" not in preview.windowTitle()  # task bars and window lists show the title
    assert_every_control_named(preview)
    save_grab(preview, tmp_path / "preview.png")


def test_pages_and_zoom_work_by_keyboard(qtbot: QtBot, docs: Docs) -> None:
    preview = _preview(qtbot, docs)
    count = preview.page_count()
    assert count >= 2, "easy read of a visit runs to more than one page"
    assert not preview.previous_button.isEnabled()
    qtbot.keyClick(preview.view, Qt.Key.Key_PageDown)
    assert preview.current_page() == 1
    assert preview.page_label.text() == f"Page 2 of {count}"
    assert preview.page_label.accessibleName() == preview.page_label.text()
    qtbot.keyClick(preview.view, Qt.Key.Key_PageUp)
    assert preview.current_page() == 0
    qtbot.keyClick(preview.view, Qt.Key.Key_PageUp)  # stays on the first page
    assert preview.current_page() == 0

    fitted = preview.zoom()
    qtbot.keyClick(preview.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert preview.zoom() > fitted
    qtbot.keyClick(preview.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    larger = preview.zoom()
    qtbot.keyClick(preview.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert preview.zoom() < larger
    qtbot.keyClick(preview.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitInView


def test_the_privacy_screen_hides_the_preview(qtbot: QtBot, docs: Docs) -> None:
    preview = _preview(qtbot, docs)
    # F12 works with the preview in front: the window's privacy action is shared.
    qtbot.keyClick(preview.view, Qt.Key.Key_F12)
    assert docs.privacy.on
    assert not preview.isVisible()
    assert preview.private
    docs.privacy.set_on(False)
    assert preview.isVisible()
    assert docs.window.documents.preview is preview


def test_a_preview_made_under_the_privacy_screen_stays_hidden(qtbot: QtBot, docs: Docs) -> None:
    dialog = docs.copy_dialog(qtbot)
    dialog.choice_buttons[CopyChoice.KEEP].click()
    docs.privacy.set_on(True)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: docs.window.documents.preview is not None, timeout=10_000)
    preview = docs.window.documents.preview
    assert preview is not None
    assert not preview.isVisible()
    docs.privacy.set_on(False)
    assert preview.isVisible()


def test_locking_closes_the_preview(qtbot: QtBot, docs: Docs) -> None:
    preview = _preview(qtbot, docs)
    docs.window.detach()
    assert not preview.isVisible()
    assert preview.page_count() == 0  # the document was closed and its bytes wiped
    assert docs.window.documents.preview is None
    assert docs.window.documents.made is None
    docs.window.attach(docs.worker)  # the fixture locks again at the end


def test_the_words_of_the_document_open_beside_it_by_keyboard(qtbot: QtBot, docs: Docs) -> None:
    # WCAG 1.1.1: the page is drawn as a picture; its words are offered as text a
    # screen reader reads, the same words the PDF itself holds (as pdftotext reads it).
    require_tools("pdftotext", package="poppler-utils")
    preview = _preview(qtbot, docs)
    made = docs.window.documents.made
    assert made is not None
    assert not preview.words.isVisible()
    qtbot.keyClick(preview, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(preview.words.isVisible, timeout=3000)  # a mnemonic clicks after a moment
    assert preview.words.hasFocus()
    assert preview.words.isReadOnly()
    assert (
        QAccessible.queryAccessibleInterface(preview.words).text(QAccessible.Text.Name)
        == "The document's words"
    )
    shown = preview.words.toPlainText()
    assert shown.startswith("Page 1\n")
    assert f"Page {preview.page_count()}\n" in shown
    pages = re.split(r"^Page \d+\n", shown, flags=re.MULTILINE)
    assert pages[0] == ""
    assert len(pages) == preview.page_count() + 1
    assert " ".join(" ".join(pages).split()) == pdftools.text(made.pdf)
    assert preview.words_button.accessibleName() == "Hide the words"
    qtbot.keyClick(preview, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not preview.words.isVisible(), timeout=3000)
    assert preview.view.hasFocus()
