"""Child process for the SIGTERM tests: the real ``msp-desktop`` start, driven to a state.

Usage: ``python -m tests.ui.app_child FOLDER STATE`` with MSP_PASSPHRASE, MSP_CONFIG_DIR
and QT_QPA_PLATFORM=offscreen set. The app starts through ``ui.app.main`` (its signal
handling included); once it is in STATE the child prints ``ready`` and waits to be
stopped. STATE is one of:

- ``unlock``: the unlock window shows;
- ``unlocking``: the passphrase was sent, the database thread is deriving the key;
- ``main``: unlocked, the main window shows the caseload;
- ``modal``: unlocked, a question (a modal box with its own event loop) is open;
- ``busy``: unlocked, the database thread runs an operation that takes a minute;
- ``guide``: the guides folder named by MSP_TEST_GUIDES holds a broken guide and its
  window shows.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from msp_desktop.guide import catalogue, loader
from msp_desktop.store import Workspace
from ui import app, messages
from ui.session import Session
from ui.unlock_dialog import UnlockDialog


def _ready() -> None:
    print("ready", flush=True)


def _when(condition: Any, then: Any) -> None:
    """Call ``then`` once ``condition()`` is true (checked every 50 ms)."""
    if condition():
        then()
    else:
        QTimer.singleShot(50, lambda: _when(condition, then))


def _unlock(session: Session) -> None:
    dialog = session.dialog
    assert isinstance(dialog, UnlockDialog)
    dialog.passphrase_edit.setText(os.environ["MSP_PASSPHRASE"])
    dialog.unlock_button.click()


def _long_operation(_ws: Workspace) -> None:
    print("ready", flush=True)  # from the database thread, once it is busy
    time.sleep(60)


def drive(session: Session, state: str) -> None:
    """Bring the running app to ``state`` and print ``ready`` there."""
    unlocked = lambda: session.window is not None and session.window.worker is not None  # noqa: E731
    if state in ("unlock", "guide"):
        _when(lambda: QApplication.activeModalWidget() is not None, _ready)
    elif state == "unlocking":
        _unlock(session)
        _ready()
    elif state == "main":
        _unlock(session)
        _when(unlocked, _ready)
    elif state == "modal":
        _unlock(session)

        def ask() -> None:
            QTimer.singleShot(200, _ready)  # runs inside the question's own event loop
            messages.confirm(session.window, "Delete nothing?")

        _when(unlocked, ask)
    elif state == "busy":
        _unlock(session)

        def occupy() -> None:
            assert session.worker is not None
            session.worker.submit(_long_operation)

        _when(unlocked, occupy)
    else:
        raise SystemExit(f"unknown state {state!r}")


def main() -> int:
    """Start the app as ``msp-desktop --workspace FOLDER`` and drive it to STATE."""
    folder, state = sys.argv[1], sys.argv[2]
    guides = os.environ.get("MSP_TEST_GUIDES")
    if guides:
        root = Path(guides).parent  # stands in for resources/: guides/ is inside it
        # As the tests' monkeypatch does: the copy stands in for the shipped folder.
        setattr(catalogue, "resource_root", lambda: root)  # noqa: B010
        setattr(loader, "resource", lambda *parts: root.joinpath(*parts))  # noqa: B010
    start = Session.start

    def start_and_drive(session: Session) -> None:
        start(session)
        QTimer.singleShot(0, lambda: drive(session, state))

    setattr(Session, "start", start_and_drive)  # noqa: B010
    return app.main(["--workspace", folder])


if __name__ == "__main__":
    sys.exit(main())
