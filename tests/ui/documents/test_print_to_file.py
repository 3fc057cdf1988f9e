"""Printing to a file (``print_pdf``) on every platform: whole, owner-only, no temporary.

On Windows the file is flushed to disk through a write handle: FlushFileBuffers (what
``os.fsync`` calls there) refuses a read-only one with "Permission denied".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from msp_desktop.owner_only import readable_by_others
from ui.documents.printing import print_pdf


def _two_page_pdf(path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    painter.drawText(QPointF(100, 100), "Page one")
    writer.newPage()
    painter.drawText(QPointF(100, 100), "Page two")
    painter.end()


def test_print_to_a_file_writes_the_whole_pdf_owner_only(qtbot: QtBot, tmp_path: Path) -> None:
    source = tmp_path / "source.pdf"
    _two_page_pdf(source)
    document = QPdfDocument()
    assert document.load(str(source)) == QPdfDocument.Error.None_
    out_folder = tmp_path / "printed"
    out_folder.mkdir()
    out = out_folder / "printed.pdf"
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))

    assert print_pdf(document, printer) == 2

    printed = out.read_bytes()
    assert printed.startswith(b"%PDF-")
    assert printed.rstrip().endswith(b"%%EOF")
    assert [p.name for p in out_folder.iterdir()] == ["printed.pdf"]  # no temporary left
    assert not readable_by_others(out)
    assert printer.outputFileName() == str(out)  # the printer is given back as it was
    again = QPdfDocument()
    assert again.load(str(out)) == QPdfDocument.Error.None_
    assert again.pageCount() == 2
