"""Drives the unlocked caseload: times its first fill, then the filter, query after query.

Each sample is timed from the moment the search text is set to the caseload model's
``modelReset`` (the model holds the answer) and on to the table's next paint (the
worker sees it). ``filter`` calls the page's own ``refresh()`` right after setting
the text, which is what the debounce timer calls when it fires, so the figure is the
search round trip (GUI -> database thread -> model) without the typing delay;
``debounced`` types the text key by key and lets the debounce timer fire by itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from ui.caseload import caseload_page
from ui.main_window import MainWindow

GAP_MS = 20  # between one answer and the next query, as between a person's pauses
SETTLE_MS = 300  # after the caseload first shows: the session's own start-up work ends
PAINT_WAIT_MS = 500  # a reset that changes nothing visible may never be painted


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 3)


def type_text(widget: QWidget, text: str) -> None:
    """Send ``text`` to ``widget`` key by key, as typing it does.

    Not ``QTest.keyClicks``: it only knows ASCII and aborts the process on a letter
    such as the â of Siân.
    """
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


class CaseloadRun(QObject):
    """Follows the caseload of ``window`` from the unlock to the last filter sample."""

    def __init__(
        self,
        window: MainWindow,
        unlock_t0: float,
        queries: list[str],
        *,
        filter_samples: int,
        debounced_samples: int,
        start_phase: Callable[[str], None],
        done: Callable[[dict[str, Any]], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.page = window.caseload
        self.queries = queries
        self.plan = [("filter", filter_samples), ("debounced", debounced_samples)]
        self.start_phase = start_phase
        self.done = done
        self.phase = "unlock"
        self.index = 0
        self.t0 = unlock_t0
        self.model_at: float | None = None
        self.figures: dict[str, Any] = {
            "search_delay_ms": caseload_page.SEARCH_DELAY_MS,
            "search_limit": caseload_page.SEARCH_LIMIT,
            "filter_ms": [],
            "filter_painted_ms": [],
            "filter_rows": [],
            "debounced_ms": [],
            "debounced_painted_ms": [],
        }
        self._paint_wait = QTimer(self)
        self._paint_wait.setSingleShot(True)
        self._paint_wait.setInterval(PAINT_WAIT_MS)
        self._paint_wait.timeout.connect(lambda: self._painted(None))
        self.page.model.modelReset.connect(self._reset)
        self.page.table.viewport().installEventFilter(self)

    # -- one sample: text set -> model reset -> table painted ---------------------------

    def _reset(self) -> None:
        now = time.perf_counter()
        if self.model_at is not None or self.phase == "settle":
            return
        if self.phase == "unlock":
            if not self.page.model.rowCount():
                return  # not the caseload's first answer yet
            self.figures["unlock_to_caseload_s"] = round(now - self.t0, 4)
            self.figures["caseload_rows"] = self.page.model.rowCount()
        else:
            self.figures[f"{self.phase}_ms"].append(_ms(self.t0, now))
            if self.phase == "filter":
                self.figures["filter_rows"].append(self.page.model.rowCount())
        self.model_at = now
        self._paint_wait.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.model_at is not None:
            self._painted(time.perf_counter())
        return False

    def _painted(self, at: float | None) -> None:
        if self.model_at is None:
            return
        self._paint_wait.stop()
        self.model_at = None
        if self.phase == "unlock":
            if at is not None:
                self.figures["unlock_to_caseload_painted_s"] = round(at - self.t0, 4)
            self.figures["caseload_summary"] = self.window.people_label.text()
            self.phase = "settle"
            self.start_phase("settle")
            QTimer.singleShot(SETTLE_MS, self._next)
            return
        if at is not None:
            self.figures[f"{self.phase}_painted_ms"].append(_ms(self.t0, at))
        QTimer.singleShot(GAP_MS, self._next)

    # -- the plan ----------------------------------------------------------------------

    def _next(self) -> None:
        while self.plan and self.index >= self.plan[0][1]:
            self.plan.pop(0)
            self.index = 0
        if not self.plan or not self.queries:
            self.done(self.figures)
            return
        phase = self.plan[0][0]
        if phase != self.phase:
            self.phase = phase
            self.start_phase(phase)
        # The debounced samples start at the other end of the list, so they are not
        # simply a repeat of the first queries.
        offset = 0 if phase == "filter" else len(self.queries) // 2
        text = self.queries[(self.index + offset) % len(self.queries)]
        self.index += 1
        edit = self.page.search_edit
        self.t0 = time.perf_counter()
        if phase == "filter":
            edit.setText(text)
            self.page.refresh()  # what the debounce timer would call, without waiting
        else:
            edit.selectAll()
            type_text(edit, text)  # each key restarts the debounce, as in the app
