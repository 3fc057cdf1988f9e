"""The preview of a document, read from memory: nothing of it is written to disk.

``QPdfDocument`` reads the PDF through a ``QBuffer`` over the bytes made on the
database thread. One page at a time, so "Page 1 of N" always says what is on screen;
Page Up/Down turn pages, Ctrl++ / Ctrl+- zoom and Ctrl+0 fits the page.

The preview is a window of its own (parented to the main window, so it stays above
it and closes with it); the privacy screen only hides the main window's parts, so the
preview hides itself while ``set_private(True)`` is in force. When closed, the buffer
is overwritten with zeros so the document does not linger in Qt's memory.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.a11y import StatusLabel, mark_heading, named, plain
from ui.i18n import tr
from ui.screen_fit import fit_to_screen

ZOOM_STEP = 1.25
ZOOM_RANGE = (0.25, 4.0)


class PreviewWindow(QDialog):
    """Shows one PDF; asks for it to be printed or saved by signal."""

    print_requested = Signal()
    save_requested = Signal()

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("window.preview")
        self.setWindowTitle(title)  # a kind of document, never a person's name
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # A page's height where the screen has it; never below the screen's edge, so
        # Print, Save and Close stay in sight (a 768 px laptop has no 900 px to give).
        fit_to_screen(self, QSize(820, 900))
        self._private = False
        self._released = False
        self.printer: QPrinter | None = None  # made on the first "Print…", kept for the next
        self._shown_before_private = False
        # The bytes stay in Qt's memory for as long as the document reads them.
        self._data = QByteArray(pdf)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

        self.view = QPdfView(self)
        self.view.setObjectName("preview.view")
        named(self.view, tr("The document, page by page"))
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self._build(title)
        self._page_changed(0)

    def _button(self, text: str, name: str, slot: object, keys: str = "") -> QPushButton:
        """A button showing ``text`` (already translated); ``keys`` is its shortcut."""
        button = QPushButton(text, self)
        button.setObjectName(name)
        spoken = plain(text).rstrip("…")
        named(button, spoken, tr("Shortcut: {keys}", keys=keys) if keys else "")
        if keys:
            button.setToolTip(tr("{action} ({keys})", action=spoken, keys=keys))
        button.clicked.connect(slot)
        return button

    def _build(self, title: str) -> None:
        self.heading = QLabel(title, self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        mark_heading(self.heading, 1)
        self.page_label = StatusLabel(tr("Page shown"), self)
        self.page_label.setObjectName("preview.page")
        self.zoom_out_button = self._button(
            tr("Zoom &out"), "preview.zoom_out", self.zoom_out, "Ctrl+-"
        )
        self.zoom_in_button = self._button(
            tr("Zoom &in"), "preview.zoom_in", self.zoom_in, "Ctrl++"
        )
        self.fit_button = self._button(tr("&Fit page"), "preview.fit", self.fit, "Ctrl+0")
        self.previous_button = self._button(
            tr("&Previous page"), "preview.previous", self.previous_page, "Page Up"
        )
        self.next_button = self._button(
            tr("&Next page"), "preview.next", self.next_page, "Page Down"
        )
        self.print_button = self._button(tr("P&rint…"), "preview.print", self.print_requested.emit)
        self.save_button = self._button(
            tr("&Save as PDF…"), "preview.save", self.save_requested.emit
        )
        self.close_button = self._button(tr("&Close"), "preview.close", self.close)
        # The page is a picture: its words, in a text view a screen reader can read
        # (WCAG 1.1.1), beside it on demand.
        self.words_button = self._button(tr("Show the &words"), "preview.words", self.show_words)
        self.words_button.setCheckable(True)
        self.words = QPlainTextEdit(self)
        self.words.setObjectName("preview.text")
        self.words.setReadOnly(True)
        self.words.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        named(self.words, tr("The document's words"), tr("Every page, as text"))
        self.words.hide()
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            ("Ctrl+=", self.zoom_in),  # "+" needs Shift on most keyboards
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            ("Ctrl+0", self.fit),
            ("PgDown", self.next_page),
            ("PgUp", self.previous_page),
        ):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.addAction(action)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        for widget in (
            self.words_button,
            self.zoom_out_button,
            self.zoom_in_button,
            self.fit_button,
        ):
            top.addWidget(widget)
        pages = QHBoxLayout()
        pages.addWidget(self.previous_button)
        pages.addWidget(self.page_label)
        pages.addWidget(self.next_button)
        pages.addStretch(1)
        pages.addWidget(self.print_button)
        pages.addWidget(self.save_button)
        pages.addSpacing(24)  # closing is not an output: keep it apart
        pages.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        middle = QHBoxLayout()
        middle.addWidget(self.view, 3)
        middle.addWidget(self.words, 2)
        layout.addLayout(middle, 1)
        layout.addLayout(pages)
        self.print_button.setDefault(False)
        self.print_button.setAutoDefault(False)  # Enter must never print by accident
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- pages and zoom ----------------------------------------------------------------

    def page_count(self) -> int:
        """The number of pages of the document."""
        return self.document.pageCount()

    def current_page(self) -> int:
        """The page on screen, counting from 0."""
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        """Show ``page`` (counting from 0), kept within the document."""
        page = max(0, min(page, self.page_count() - 1))
        self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())

    def next_page(self) -> None:
        """Turn to the next page."""
        self.go_to(self.current_page() + 1)

    def previous_page(self) -> None:
        """Turn back a page."""
        self.go_to(self.current_page() - 1)

    def _page_changed(self, page: int) -> None:
        words = tr("Page {page} of {count}", page=page + 1, count=max(self.page_count(), 1))
        self.page_label.set_status(words)
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.page_count() - 1)

    def zoom(self) -> float:
        """How large the page is drawn: 1.0 is its printed size."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return self.view.zoomFactor()
        # Fitted: work out the factor from the page and the space it fills.
        page = self.document.pagePointSize(max(self.current_page(), 0))
        dots = self.logicalDpiX() / 72.0
        space = self.view.viewport().size()
        if page.width() <= 0 or page.height() <= 0:
            return 1.0
        return min(space.width() / (page.width() * dots), space.height() / (page.height() * dots))

    def _set_zoom(self, factor: float) -> None:
        low, high = ZOOM_RANGE
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(low, min(high, factor)))

    def zoom_in(self) -> None:
        """Draw the page larger."""
        self._set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        """Draw the page smaller."""
        self._set_zoom(self.zoom() / ZOOM_STEP)

    def fit(self) -> None:
        """Show the whole page in the window."""
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def text(self) -> str:
        """The document's words, page by page, as its PDF holds them."""
        pages = []
        for page in range(self.page_count()):
            words = self.document.getAllText(page).text().strip()
            pages.append(tr("Page {page}", page=page + 1) + "\n\n" + words)
        return "\n\n".join(pages)

    def show_words(self) -> None:
        """Show the document's words beside the page (and go to them), or hide them."""
        on = self.words_button.isChecked()
        if on and not self.words.toPlainText():
            self.words.setPlainText(self.text())
        self.words.setVisible(on)
        self.words_button.setText(tr("Hide the &words") if on else tr("Show the &words"))
        self.words_button.setAccessibleName(plain(self.words_button.text()))
        (self.words if on else self.view).setFocus(Qt.FocusReason.OtherFocusReason)

    # -- privacy and closing -----------------------------------------------------------

    def present(self, private: bool = False) -> None:
        """Show the preview, or keep it hidden until the privacy screen goes off."""
        if private:
            self._private = self._shown_before_private = True
            return
        self.show()
        self.raise_()
        self.activateWindow()
        self.view.setFocus(Qt.FocusReason.ActiveWindowFocusReason)  # the keys turn pages

    def set_private(self, on: bool) -> None:
        """Hide (True) while the privacy screen is on; show again as it was (False)."""
        if on == self._private:
            return
        self._private = on
        if on:
            self._shown_before_private = self.isVisible()
            self.hide()
        elif self._shown_before_private:
            self.show()
            self.raise_()

    @property
    def private(self) -> bool:
        """True while hidden by the privacy screen."""
        return self._private

    def release(self) -> None:
        """Forget the document and overwrite its bytes (the window is going away)."""
        if self._released:
            return
        self._released = True
        self.words.clear()
        self.document.close()
        self._buffer.close()
        self._data.fill(0)

    def done(self, result: int) -> None:
        self.release()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.release()
        super().closeEvent(event)
