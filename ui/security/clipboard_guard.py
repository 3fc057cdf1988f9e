"""S17: text copied out of the app leaves the clipboard after a short time, and on lock.

Whatever the app puts on the clipboard is treated as personal. Copies reach us two
ways: through ``copy()`` (copy buttons), or as a clipboard change while the app owns the
clipboard or is the active application (Ctrl+C in any field). Only a SHA-256 of the
text is remembered, never the text. When ``clear_seconds`` have passed, or the
workspace locks, the clipboard is cleared *only if it still holds that text*: whatever
the person copied elsewhere since is theirs and is left alone.

``copy()`` also marks the data so clipboard histories do not keep a copy: KDE's
password-manager hint (Klipper and others), and on Windows the three formats Windows
documents for this ("ExcludeClipboardContentFromMonitorProcessing", and
"CanIncludeInClipboardHistory" and "CanUploadToCloudClipboard" set to 0), which keep
it out of Win+V's history and the cloud clipboard. Qt writes a MIME type of the form
``application/x-qt-windows-mime;value="<name>"`` as the Windows clipboard format of
that name.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QMimeData, QObject, Qt, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

MS_PER_SECOND = 1000
HISTORY_HINT = "x-kde-passwordManagerHint"


def _windows_format(name: str) -> str:
    return f'application/x-qt-windows-mime;value="{name}"'


# Windows' own: present (any data) to exclude, or a DWORD 0 to say "not allowed".
NOT_IN_HISTORY: dict[str, bytes] = {
    HISTORY_HINT: b"secret",
    _windows_format("ExcludeClipboardContentFromMonitorProcessing"): b"\x00\x00\x00\x00",
    _windows_format("CanIncludeInClipboardHistory"): b"\x00\x00\x00\x00",
    _windows_format("CanUploadToCloudClipboard"): b"\x00\x00\x00\x00",
}

Mode = QClipboard.Mode


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class ClipboardGuard(QObject):
    """Clears the app's own copies off the clipboard after ``clear_seconds`` and on lock.

    ``ms_per_second`` exists for tests, which need a "second" of a few milliseconds.
    """

    def __init__(
        self,
        clear_seconds: int,
        parent: QObject | None = None,
        *,
        ms_per_second: int = MS_PER_SECOND,
    ) -> None:
        super().__init__(parent)
        self._ms_per_second = ms_per_second
        self._clipboard = QGuiApplication.clipboard()
        self._modes = [Mode.Clipboard]
        if self._clipboard.supportsSelection():  # X11's middle-click selection
            self._modes.append(Mode.Selection)
        self._held: dict[Mode, bytes] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        self.set_seconds(clear_seconds)
        self._clipboard.changed.connect(self._changed)

    @property
    def guarding(self) -> bool:
        """True while a copy of ours is waiting to be cleared."""
        return bool(self._held)

    def set_seconds(self, seconds: int) -> None:
        """Change how long copies stay; a waiting copy keeps its current deadline."""
        if seconds < 1:
            raise ValueError("copies need at least a second on the clipboard")
        self._timer.setInterval(seconds * self._ms_per_second)

    def copy(self, text: str) -> None:
        """Put ``text`` on the clipboard for a short time (copy buttons use this)."""
        data = QMimeData()
        data.setText(text)
        for format_name, value in NOT_IN_HISTORY.items():
            data.setData(format_name, value)
        self._clipboard.setMimeData(data, Mode.Clipboard)
        # The changed signal may come late or not at all on some platforms.
        self._remember(Mode.Clipboard, text)

    def clear(self) -> None:
        """Clear every clipboard that still holds a copy of ours; forget the rest."""
        self._timer.stop()
        held, self._held = self._held, {}
        for mode, digest in held.items():
            if _digest(self._clipboard.text(mode)) == digest:
                self._clipboard.clear(mode)

    def close(self) -> None:
        """Clear our copies, then stop watching the clipboard (the app is ending)."""
        self.clear()
        self._clipboard.changed.disconnect(self._changed)

    def _ours(self, mode: Mode) -> bool:
        if mode == Mode.Clipboard and self._clipboard.ownsClipboard():
            return True
        if mode == Mode.Selection and self._clipboard.ownsSelection():
            return True
        # Some platforms (Wayland, offscreen) cannot say who owns it; a change while one
        # of our windows has the focus can only have come from us.
        return (
            QGuiApplication.focusWindow() is not None
            or QGuiApplication.applicationState() == Qt.ApplicationState.ApplicationActive
        )

    def _changed(self, mode: Mode) -> None:
        if mode not in self._modes:
            return
        text = self._clipboard.text(mode)
        if text and self._ours(mode):
            self._remember(mode, text)
        elif mode in self._held and _digest(text) != self._held[mode]:
            del self._held[mode]  # someone else's copy replaced ours: nothing to clear
            if not self._held:
                self._timer.stop()

    def _remember(self, mode: Mode, text: str) -> None:
        self._held[mode] = _digest(text)
        self._timer.start()
