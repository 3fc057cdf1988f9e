"""The Qt side of the app probe: sees the unlock dialog appear, then (in drive mode) unlocks.

Imported by ``bench_app_probe`` only once the app's ``QApplication`` exists, so every
module named here is already loaded by the app itself and importing it costs nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, qVersion
from PySide6.QtWidgets import QApplication

from tests.bench.bench_config import PASSPHRASE
from ui.main_window import MainWindow
from ui.unlock_dialog import UnlockDialog

if TYPE_CHECKING:
    from tests.bench.bench_app_drive import CaseloadRun

Emit = Callable[[dict[str, Any]], None]

STALL_TICK_MS = 10
FREEZE_MS = 100  # a pause people notice as the window "hanging"
TYPE_PAUSE_MS = 100  # between the dialog appearing and typing, as a person would pause
WATCHDOG_MS = 180_000


class StallMeter(QObject):
    """A 10 ms timer on the GUI thread that notes how late each tick is.

    Lateness is the time the GUI thread spent on something else (a blocked event
    loop), so the worst lateness in a phase is the longest the window froze in it.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.phase: str | None = None
        self.worst_ms: dict[str, float] = {}
        self.freezes: dict[str, int] = {}
        self._last = time.perf_counter()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(STALL_TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self, phase: str) -> None:
        """Attribute ticks from now on to ``phase`` (starting the timer if needed)."""
        if self.phase is not None:
            # A freeze that ends just before the switch has not been ticked yet; it
            # belongs to the phase that caused it, not to the next one.
            self._account(time.perf_counter())
        self.phase = phase
        self.worst_ms.setdefault(phase, 0.0)
        self.freezes.setdefault(phase, 0)
        if not self._timer.isActive():
            self._last = time.perf_counter()
            self._timer.start()

    def stop(self) -> None:
        """Stop measuring."""
        self._timer.stop()
        self.phase = None

    def _tick(self) -> None:
        self._account(time.perf_counter())

    def _account(self, now: float) -> None:
        late = max(0.0, (now - self._last) * 1000 - STALL_TICK_MS)
        self._last = now
        if self.phase is None:
            return
        self.worst_ms[self.phase] = max(self.worst_ms[self.phase], late)
        if late > FREEZE_MS:
            self.freezes[self.phase] += 1


class Probe(QObject):
    """Finds the unlock dialog, then times its first Show and Paint.

    A Python event filter on the whole application is costly: PySide wraps every
    event and its receiver for the call, which made building the caseload table
    several times slower in a trial. So the application-wide filter lives only until
    the first event reaches the unlock dialog (while its first child is being added),
    and the probe then watches the dialog alone.
    """

    def __init__(
        self, app: QApplication, options: argparse.Namespace, marks: dict[str, float], emit: Emit
    ) -> None:
        super().__init__(app)
        self.app = app
        self.options = options
        self.marks = marks
        self.emit = emit
        self.dialog: UnlockDialog | None = None
        self.searching = True
        self.run: CaseloadRun | None = None
        self.stall = StallMeter(self)
        self.unlock_t0 = 0.0
        self.finished = False
        QTimer.singleShot(WATCHDOG_MS, self._timed_out)
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.searching:
            if not isinstance(watched, UnlockDialog):
                return False
            self.searching = False
            self.app.removeEventFilter(self)
            self.dialog = watched
            watched.installEventFilter(self)
        if watched is not self.dialog:
            return False
        kind = event.type()
        if kind == QEvent.Type.Show and "dialog_shown" not in self.marks:
            self.marks["dialog_shown"] = time.time()
            # Connected after the session's own slot, so this runs once the window exists.
            watched.accepted.connect(self._accepted)
        elif kind == QEvent.Type.Paint and "dialog_painted" not in self.marks:
            self.marks["dialog_painted"] = time.time()
            QTimer.singleShot(0, self._dialog_ready)
        return False

    def _dialog_ready(self) -> None:
        if self.options.mode == "cold":
            self.finish({})
            return
        QTimer.singleShot(TYPE_PAUSE_MS, self._unlock)

    def _unlock(self) -> None:
        """Type the passphrase and press Return, as a person would."""
        # Imported here, not at the top, so that cold runs do not pay for QtTest.
        from PySide6.QtTest import QTest

        from tests.bench.bench_app_drive import type_text

        assert self.dialog is not None
        edit = self.dialog.passphrase_edit
        type_text(edit, PASSPHRASE)
        self.stall.start("unlock")
        self.unlock_t0 = time.perf_counter()
        QTest.keyClick(edit, Qt.Key.Key_Return)

    def _accepted(self) -> None:
        # The session has built and attached the window; the caseload's first search
        # is on its way to the database thread and answers through the event loop.
        from tests.bench.bench_app_drive import CaseloadRun

        self.dialog = None  # deleted on close; nothing more to see there
        windows = [w for w in self.app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows:
            self.finish({"error": "no main window after the unlock"})
            return

        queries: list[str] = []
        if self.options.queries is not None:
            queries = json.loads(self.options.queries.read_text(encoding="utf-8"))
        self.run = CaseloadRun(
            windows[0],
            self.unlock_t0,
            queries,
            filter_samples=self.options.filter_samples,
            debounced_samples=self.options.debounced_samples,
            start_phase=self.stall.start,
            done=self.finish,
        )

    def finish(self, figures: dict[str, Any]) -> None:
        """Report ``figures`` with the marks and the freezes, then quit the app."""
        if self.finished:
            return
        self.finished = True
        self.stall.stop()
        self.emit(
            {
                "mode": self.options.mode,
                "marks": self.marks,
                "qt_version": qVersion(),
                "stall_max_ms": {k: round(v, 3) for k, v in self.stall.worst_ms.items()},
                "freezes_over_100ms": self.stall.freezes,
                **figures,
            }
        )
        # Quitting runs the session's own shutdown (aboutToQuit -> Session.end).
        QTimer.singleShot(0, QApplication.quit)

    def _timed_out(self) -> None:
        if not self.finished:
            phase = self.run.phase if self.run is not None else "before the caseload"
            self.finish({"error": f"timed out during {phase}"})


def attach(
    app: QApplication, options: argparse.Namespace, marks: dict[str, float], emit: Emit
) -> Probe:
    """Start watching ``app``; the probe reports through ``emit`` and then quits the app."""
    return Probe(app, options, marks, emit)
