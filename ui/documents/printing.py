"""Printing a document: every page rendered at up to 300 dpi and painted onto the printer.

Pages are rasterised by QtPdf (pdfium) rather than handed to the printer as PDF, so
what is printed is exactly what the preview showed, on any printer driver. 300 dpi is
plenty for 12 pt and larger type and keeps an A4 page image to about 35 MB.

A printer that writes a file (the print dialog's "Print to file") follows the same
rule as "Save as PDF" (S11, docs/security.md): it is written owner-only under a temporary
name in the same folder and renamed into place only when complete.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from PySide6.QtCore import QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from msp_desktop.atomic import fsync_directory
from msp_desktop.errors import KnownError
from msp_desktop.owner_only import create_private_file
from ui.i18n import tr

MAX_DPI = 300
POINTS_PER_INCH = 72


class PrintFailed(KnownError):
    """The printer could not be opened or did not take the pages."""


def new_printer(document: QPdfDocument) -> QPrinter:
    """A printer set up for ``document``'s page size (the print dialog can change it)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if document.pageCount():
        size = QPageSize(document.pagePointSize(0), QPageSize.Unit.Point)
        printer.setPageSize(size)
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setDocName(tr("MSP Desktop document"))  # print queues show this: no names
    return printer


def page_image(document: QPdfDocument, page: int, dpi: int) -> QImage:
    """Page ``page`` rendered at ``dpi`` dots per inch."""
    points: QSizeF = document.pagePointSize(page)
    pixels = QSize(
        round(points.width() * dpi / POINTS_PER_INCH),
        round(points.height() * dpi / POINTS_PER_INCH),
    )
    return document.render(page, pixels)


def fitted(image: QSize, area: QRect) -> QRect:
    """The largest rectangle with ``image``'s shape inside ``area``, centred."""
    scaled = image.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    left = area.left() + (area.width() - scaled.width()) // 2
    top = area.top() + (area.height() - scaled.height()) // 2
    return QRect(left, top, scaled.width(), scaled.height())


def pages_to_print(document: QPdfDocument, printer: QPrinter) -> range:
    """The pages chosen in the print dialog (``fromPage``/``toPage`` count from 1)."""
    count = document.pageCount()
    if printer.fromPage() > 0:
        first = min(printer.fromPage(), count)
        last = min(max(printer.toPage(), first), count)
        return range(first - 1, last)
    return range(count)


def paint_pages(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint the chosen pages onto ``printer``; the number of pages printed."""
    pages = pages_to_print(document, printer)
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(tr("The printer could not be used. Nothing was printed."))
    try:
        for position, page in enumerate(pages):
            if position and not printer.newPage():
                raise PrintFailed(tr("The printer stopped taking pages. Check what was printed."))
            image = page_image(document, page, dpi)
            area = painter.viewport()  # the printable area, in printer pixels
            painter.drawImage(fitted(image.size(), area), image)
    finally:
        ended = painter.end()
    if not ended:
        raise PrintFailed(tr("The printer did not finish. Check what was printed."))
    return len(pages)


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Print ``document`` on ``printer``; to a file only atomically and owner-only."""
    target = printer.outputFileName()
    if not target:
        return paint_pages(document, printer)
    path = Path(target)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        # Created owner-only before Qt writes a byte: Qt truncates it, keeping the mode
        # (or, on Windows, the DACL).
        create_private_file(temporary)
        printer.setOutputFileName(str(temporary))
        pages = paint_pages(document, printer)
        # Through a write handle: Windows' FlushFileBuffers refuses a read-only one.
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
        fsync_directory(path.parent)
    except OSError as exc:
        raise PrintFailed(
            tr(
                "Could not print to {name}: {reason}. Nothing was written.",
                name=path.name,
                reason=exc.strerror or "error",
            )
        ) from exc
    finally:
        printer.setOutputFileName(target)
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return pages
