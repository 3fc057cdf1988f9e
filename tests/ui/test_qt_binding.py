"""The Qt binding keeps Python's reference counts right.

PySide6 6.12.0 on Python 3.11 dropped a reference to ``True`` on every signal emitted
from Python and one to ``None`` on every Qt signal delivered to a Python slot; the
app then aborted ("deallocating True or False") after a few hundred signals. This
guards the pinned version: a regression would show up here, not on a home visit.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

ROUNDS = 200  # far fewer than would abort, but every one would show in the counts


class _Source(QObject):
    ping = Signal(int)


def test_python_emits_keep_the_count_of_true() -> None:
    source = _Source()
    source.ping.connect(lambda _n: None)
    before = sys.getrefcount(True)
    for n in range(ROUNDS):
        source.ping.emit(n)
    assert sys.getrefcount(True) - before > -ROUNDS // 2


def test_qt_signals_into_python_keep_the_count_of_none(qtbot: QtBot) -> None:
    line = QLineEdit()
    qtbot.addWidget(line)
    line.textChanged.connect(lambda _text: None)
    before = sys.getrefcount(None)
    for n in range(ROUNDS):
        line.setText(str(n))
    assert sys.getrefcount(None) - before > -ROUNDS // 2
