"""Child process for the kill test: the real app types into a visit, then waits to die.

Usage: ``python -m tests.ui.visit_child FOLDER VISIT_ID TEXT [STEP]`` with MSP_PASSPHRASE
set and QT_QPA_PLATFORM=offscreen. Prints ``saved`` once the text is committed. STEP is
``working`` (the default: TEXT goes into "What is going well") or ``actions`` (a new
action is added and TEXT typed as what will be done, nothing else answered).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from ui.main_window import MainWindow
from ui.session import Session
from ui.unlock_dialog import UnlockDialog


def main() -> None:
    """Unlock, open the visit at the step, type, report once saved."""
    folder, visit_id, text = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    step = sys.argv[4] if len(sys.argv) > 4 else "working"
    app = QApplication([])
    session = Session(folder)
    session.start()
    dialog = session.dialog
    assert isinstance(dialog, UnlockDialog)

    def type_into(window: MainWindow) -> None:
        page = window.visit_page.current_step()
        if page is None or page.step.id != step:
            QTimer.singleShot(100, lambda: type_into(window))
            return
        autosaver = window.visit_page.autosaver
        assert autosaver is not None
        autosaver.saved.connect(lambda _at: print("saved", flush=True))
        if step == "actions":
            (actions,) = [e for e in page.repeating_editors() if e.question.id == "actions"]
            actions.add_button.click()
            editor = actions.forms[-1].editors[0].focus_target()
        else:
            editor = page.blocks[0].editor.focus_target()
        assert isinstance(editor, QPlainTextEdit)
        editor.setFocus()
        editor.insertPlainText(text)  # as a keyboard or input method delivers it

    def opened() -> None:
        window = session.window
        assert window is not None
        window.show_visit(visit_id, step)
        type_into(window)

    dialog.accepted.connect(lambda: QTimer.singleShot(0, opened))
    dialog.passphrase_edit.setText(os.environ["MSP_PASSPHRASE"])
    QTimer.singleShot(0, lambda: QTest.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return))
    app.exec()


if __name__ == "__main__":
    main()
