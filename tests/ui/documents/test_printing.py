"""Printing through the print dialog: pages rendered at up to 300 dpi, audited.

The printer itself is the edge we cannot own, so the test's printer writes PDF to a
file, which is read back with poppler: the right number of pages, none of them blank.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from pytestqt.qtbot import QtBot

from msp_desktop.model import CopyChoice
from tests.platforms import assert_mode
from tests.tools import require_tools
from tests.ui.documents.conftest import Docs
from tests.ui.helpers import wait_idle
from tests.unit.documents import pdftools
from ui import messages
from ui.documents.preview_window import PreviewWindow
from ui.documents.printing import MAX_DPI, fitted, page_image


def _pdf_files(tree: Path, *folders: Path) -> set[Path]:
    found = set(tree.rglob("*.pdf"))
    return found | {p for folder in folders for p in folder.glob("*.pdf")}


def _ink(png: Path) -> float:
    """The share of pixels that are not white."""
    image = QImage(str(png)).convertToFormat(QImage.Format.Format_Grayscale8)
    inked = sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).value() < 200
    )
    return inked / ((image.width() // 2) * (image.height() // 2))


def _print_through_dialog(qtbot: QtBot, docs: Docs, preview: PreviewWindow) -> None:
    with qtbot.waitSignal(docs.window.documents.print_dialog_opened, timeout=5000) as opened:
        preview.print_button.click()
    dialog = opened.args[0]
    assert isinstance(dialog, QPrintDialog)
    assert dialog.isVisible()  # opened with open(): the test carries on meanwhile
    dialog.accept()
    wait_idle(qtbot, docs.worker)


def test_printing_renders_every_page_and_is_audited(
    qtbot: QtBot, docs: Docs, tmp_path: Path
) -> None:
    require_tools("pdfinfo", "pdftoppm", package="poppler-utils")
    preview = docs.give(qtbot, CopyChoice.TRUSTED_PERSON, style="large-print")
    assert preview is not None
    made = docs.window.documents.made
    assert made is not None
    out = tmp_path / "printed" / "printer.pdf"
    out.parent.mkdir()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    preview.printer = printer
    messages.answer_next(messages.Button.Save)  # printing to a file: the same warning
    _print_through_dialog(qtbot, docs, preview)

    assert out.exists()
    assert_mode(out, 0o600)
    assert [p.name for p in out.parent.iterdir()] == ["printer.pdf"]  # no temporary left
    printed = out.read_bytes()
    pages = int(pdftools.info(printed)["Pages"])
    assert pages == preview.page_count() == int(pdftools.info(made.pdf)["Pages"])
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True, timeout=60
    )
    images = sorted(tmp_path.glob("page*.png"))
    assert len(images) == pages
    for image in images:
        assert 0.005 < _ink(image) < 0.6, image.name
    audit = docs.audit(qtbot, docs.visit_id)
    action, detail = audit[-1]
    assert action == "print"
    assert detail["pages"] == pages
    assert detail["to_file"] is True
    assert detail["sha256"] == made.sha256
    assert messages.shown[-1].text == f"Printed {pages} pages."


@pytest.mark.interactive_desktop(
    "shows the print dialog, which on Windows is the native one: Wine without a display shows none"
)
def test_declining_the_file_warning_prints_nothing(
    qtbot: QtBot, docs: Docs, tmp_path: Path
) -> None:
    preview = docs.give(qtbot)
    assert preview is not None
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "no.pdf"))
    preview.printer = printer
    messages.answer_next(messages.Button.Cancel)
    _print_through_dialog(qtbot, docs, preview)
    assert not list(tmp_path.glob("*no.pdf*"))
    assert "print" not in [a for a, _ in docs.audit(qtbot, docs.visit_id)]


def test_no_plaintext_file_is_written_by_preview_or_print(
    qtbot: QtBot, docs: Docs, tmp_path: Path
) -> None:
    if QPrinterInfo.availablePrinters():
        pytest.skip("a real printer is installed: this test must not send it a job")
    watched = (tmp_path, Path(tempfile.gettempdir()), Path.cwd())
    before = _pdf_files(*watched)
    preview = docs.give(qtbot)
    assert preview is not None
    made = docs.window.documents.made
    assert made is not None
    # A printer that is not a file. With no printer installed (as here) it cannot start:
    # the person is told, and nothing falls back to writing a file.
    printer = QPrinter()
    printer.setOutputFileName("")
    docs.window.documents.print_on(preview, made, printer)
    wait_idle(qtbot, docs.worker)
    assert _pdf_files(*watched) == before
    assert messages.shown[-1].kind in ("error", "info")
    if messages.shown[-1].kind == "error":
        assert "Nothing was printed" in messages.shown[-1].text
        assert "print" not in [a for a, _ in docs.audit(qtbot, docs.visit_id)]


def test_pages_are_rendered_at_no_more_than_300_dpi(qtbot: QtBot, docs: Docs) -> None:
    preview = docs.give(qtbot)
    assert preview is not None
    image = page_image(preview.document, 0, MAX_DPI)
    assert image.size() == QSize(2480, 3508)  # A4 at 300 dpi
    assert QPrinter(QPrinter.PrinterMode.HighResolution).resolution() >= MAX_DPI


def test_a_page_is_fitted_to_the_paper_keeping_its_shape() -> None:
    area = QRect(0, 0, 1000, 1000)
    placed = fitted(QSize(2480, 3508), area)
    assert placed.height() == 1000
    assert abs(placed.width() / placed.height() - 2480 / 3508) < 0.01
    assert placed.center().x() in (499, 500)
