"""Notice SIGTERM and Ctrl+C while Qt's event loop runs, so the app can end cleanly.

Python runs a signal handler only when the interpreter gets control, and inside
``QApplication.exec()`` (or a modal box's own loop) it may not for a long time: a
logout's SIGTERM went unanswered, or the default action killed the process with the
workspace open. Here Python's C-level handler writes the signal's number to one end of
a socket pair (``signal.set_wakeup_fd``); a ``QSocketNotifier`` on the other end wakes
the event loop, whichever loop is running, and ``stop_requested`` is emitted there.

On Windows there is no SIGTERM from other programs; Ctrl+C in a console (SIGINT) and
SIGBREAK are what exist, and a socket pair works there too.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, Signal

__all__ = ["StopSignals"]

_NAMES = ("SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK")


def _ignore(_signum: int, _frame: FrameType | None) -> None:
    """Python's part of the handler: the work happens in ``StopSignals._woken``."""


class StopSignals(QObject):
    """Emits ``stop_requested(signal number)`` on the GUI thread for each stop signal."""

    stop_requested = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self._previous: dict[int, object] = {}
        for name in _NAMES:
            number = getattr(signal, name, None)
            if number is not None:
                self._previous[number] = signal.signal(number, _ignore)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        try:
            received = self._reader.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        for number in received:
            if number in self._previous:
                self.stop_requested.emit(number)

    def uninstall(self) -> None:
        """Give the signals back their previous handlers and close the socket pair."""
        self._notifier.setEnabled(False)
        for number, handler in self._previous.items():
            with contextlib.suppress(TypeError, ValueError):
                signal.signal(number, handler)  # type: ignore[arg-type]
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()
