"""S15: lock the workspace after a quiet spell, or when the computer's screen locks.

An event filter on each of the app's windows (``QWindow``: where the platform delivers
the person's key presses, clicks, mouse moves, wheel turns and touches before Qt hands
them to a widget) restarts a single-shot timer; when the timer runs out, ``idle`` is
emitted and the session locks (the same path as Ctrl+L). Filtering the windows rather
than the whole application keeps Python out of the millions of paint, layout and
child events that building a page sends, which made the app several times slower. Like
KeePassXC's ``InactivityTimer``, only the person's own input counts: a search result
arriving or a repaint does not keep the workspace open.

The OS screen lock reaches us through ``screen_locked()``; on Linux a D-Bus watch
(``ui.security.screen_lock``) calls it. Where the platform does not report screen locks,
the idle timer is the only automatic lock.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QWindow

from ui.security.screen_lock import ScreenLockWatch

MS_PER_MINUTE = 60_000

# The person's own input; window activation, paints and timers are not activity.
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.ShortcutOverride,
    }
)


class IdleLock(QObject):
    """Emits ``idle`` after ``minutes`` without input, ``os_locked`` when the screen locks.

    ``ms_per_minute`` exists for tests, which need a "minute" of a few milliseconds.
    ``watch_os`` starts the D-Bus screen-lock watch (where the platform has one).
    """

    idle = Signal()
    os_locked = Signal()

    def __init__(
        self,
        minutes: int,
        parent: QObject | None = None,
        *,
        ms_per_minute: int = MS_PER_MINUTE,
        watch_os: bool = True,
    ) -> None:
        super().__init__(parent)
        self._ms_per_minute = ms_per_minute
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self._running = False
        self._watched: list[QWindow] = []
        self.set_minutes(minutes)
        self.screen_watch: ScreenLockWatch | None = None
        if watch_os:
            self.screen_watch = ScreenLockWatch(self)
            self.screen_watch.locked.connect(self.screen_locked)

    @property
    def running(self) -> bool:
        """True between ``start`` and ``stop`` (while the workspace is unlocked)."""
        return self._running

    @property
    def interval_ms(self) -> int:
        """How long the app may sit untouched before it locks."""
        return self._timer.interval()

    def set_minutes(self, minutes: int) -> None:
        """Change the idle time; a running countdown starts again from now."""
        if minutes < 1:
            raise ValueError("the idle lock needs at least one minute")
        self._timer.setInterval(minutes * self._ms_per_minute)
        if self._running:
            self._timer.start()

    def start(self) -> None:
        """Begin watching for input (the workspace has just been unlocked)."""
        app = QGuiApplication.instance()
        if self._running or not isinstance(app, QGuiApplication):
            return
        self._running = True
        # Windows opened later (a dialog) are watched from when they take the focus.
        app.focusWindowChanged.connect(self._watch)
        for window in QGuiApplication.topLevelWindows():
            self._watch(window)
        self._timer.start()

    def _watch(self, window: QWindow | None) -> None:
        if window is None or window in self._watched:
            return
        window.installEventFilter(self)
        self._watched.append(window)
        window.destroyed.connect(lambda _=None, w=window: self._forget(w))

    def _forget(self, window: QWindow) -> None:
        if window in self._watched:
            self._watched.remove(window)

    def stop(self) -> None:
        """Stop watching (the workspace is locked or the app is ending)."""
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.disconnect(self._watch)
        for window in self._watched:
            window.removeEventFilter(self)
        self._watched = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Restart the countdown on the person's input; never swallows an event."""
        if event.type() in _INPUT_EVENTS and self._running:
            self._timer.start()
        return False

    @Slot()
    def screen_locked(self) -> None:
        """The computer's screen was locked: lock the workspace too (when it is open)."""
        if self._running:
            self.stop()
            self.os_locked.emit()

    def _timed_out(self) -> None:
        if self._running:
            self.stop()
            self.idle.emit()
