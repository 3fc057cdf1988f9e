"""Child process: the real app, its status lines, and what the AT-SPI bus hears of them.

Usage (through ``tests.ui.atspi.run_child``): ``python -m tests.ui.atspi_child statuses
FOLDER VISIT_ID`` with MSP_PASSPHRASE set, under xvfb-run and dbus-run-session. Prints
one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QPlainTextEdit,
    QRadioButton,
)

from tests.ui.atspi import Listener, wait_until
from ui.documents.copy_dialog import CopyDialog
from ui.documents.preview_window import PreviewWindow
from ui.main_window import MainWindow
from ui.session import Session
from ui.unlock_dialog import UnlockDialog
from ui.visit.visibility_control import VisibilityButton


def two_page_pdf() -> bytes:
    """A small real PDF of two pages, made by Qt."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(20, 20, 20, 20))
    painter = QPainter(writer)
    painter.drawText(200, 400, "First page: what we talked about")
    writer.newPage()
    painter.drawText(200, 400, "Second page: what happens next")
    painter.end()
    buffer.close()
    return bytes(data.data())


def unlocked(folder: Path) -> MainWindow:
    session = Session(folder)
    session.start()
    dialog = session.dialog
    assert isinstance(dialog, UnlockDialog)
    wait_until(dialog.isVisible)
    dialog.passphrase_edit.setText(os.environ["MSP_PASSPHRASE"])
    dialog.unlock_button.click()
    wait_until(lambda: session.window is not None and session.window.isVisible())
    window = session.window
    assert window is not None
    window._session = session  # type: ignore[attr-defined]  # kept alive for the run
    return window


def statuses(folder: Path, visit_id: str) -> dict[str, Any]:
    """Search the caseload, type into a visit, turn a preview's page: what is heard."""
    listener = Listener()
    window = unlocked(folder)
    out: dict[str, Any] = {}
    listener.learn_app_bus(window)

    # The caseload's count, as the worker searches.
    wait_until(lambda: window.caseload.model.rowCount() > 0)
    window.caseload.search_edit.setFocus()
    QTest.keyClicks(window.caseload.search_edit, "Ada")
    wait_until(lambda: any("of" in h["message"] for h in listener.heard))
    out["search"] = {
        "heard": list(listener.heard),
        "label_path": listener.path_of(window.people_label),
        "label_text": window.people_label.text(),
        "name": listener.name(window.people_label),
    }
    listener.heard.clear()

    # The visit's autosave.
    window.show_visit(visit_id, "working")
    page = window.visit_page
    wait_until(lambda: (step := page.current_step()) is not None and step.step.id == "working")
    step = page.current_step()
    assert step is not None
    editor = step.blocks[0].editor.focus_target()
    assert isinstance(editor, QPlainTextEdit)
    editor.setFocus()
    saves: list[str] = []
    autosaver = page.autosaver
    assert autosaver is not None
    autosaver.saved.connect(saves.append)
    QTest.keyClicks(editor, "Likes the garden")
    wait_until(lambda: len(saves) >= 1)
    wait_until(lambda: any(h["message"].startswith("Saved at") for h in listener.heard))
    first = list(listener.heard)
    first_name = listener.name(page.status)
    listener.heard.clear()
    QTest.keyClicks(editor, " and the cat")
    wait_until(lambda: len(saves) >= 2)
    wait_until(lambda: page.status.text().startswith("Saved at") and not autosaver.unsaved)
    QTest.qWait(300)  # time for an announcement to arrive, were one sent
    out["save"] = {
        "first": first,
        "label_path": listener.path_of(page.status),
        "first_name": first_name,
        "description": listener.description(page.status),
        "second": list(listener.heard),
        "text_after": page.status.text(),
        "name_after": listener.name(page.status),
    }
    listener.heard.clear()

    # The preview's page number.
    preview = PreviewWindow(two_page_pdf(), "A copy to keep", window)
    preview.present()
    wait_until(preview.isVisible)
    wait_until(lambda: preview.page_count() == 2)
    preview.next_page()
    wait_until(lambda: any(h["message"] == "Page 2 of 2" for h in listener.heard))
    out["preview"] = {
        "heard": list(listener.heard),
        "label_path": listener.path_of(preview.page_label),
        "name": listener.name(preview.page_label),
    }
    preview.close()
    return out


def heard_on(listener: Listener, widget: Any) -> list[dict[str, Any]]:
    """What was announced on ``widget``'s object."""
    path = listener.path_of(widget)
    return [h for h in listener.heard if h["path"] == path]


def more_statuses(folder: Path, visit_id: str) -> dict[str, Any]:
    """The sync page's status, the copy dialog's note, a step's findings count: heard."""
    listener = Listener()
    window = unlocked(folder)
    listener.learn_app_bus(window)
    out: dict[str, Any] = {}

    # The sync status, as an operation starts and as it is reported.
    window.open_sync()
    sync = window.sync_page
    wait_until(lambda: sync.view is not None)
    done: list[object] = []
    sync.run("Reading the records again…", lambda ws: ws.people.count(), done.append)
    wait_until(lambda: bool(done))
    sync.status_line.setText(f"{done[0]} people read.")
    wait_until(lambda: len(heard_on(listener, sync.status_line)) >= 2)
    out["sync"] = {
        "heard": heard_on(listener, sync.status_line),
        "name": listener.name(sync.status_line),
        "description": listener.description(sync.status_line),
    }
    listener.heard.clear()

    # The copy dialog's note, as the person's answer is chosen.
    dialog = CopyDialog(window)
    dialog.show()
    wait_until(dialog.isVisible)
    first_words = dialog.note.text()
    makes = [b for choice, b in dialog.choice_buttons.items() if choice.makes_document]
    no_copy = [b for choice, b in dialog.choice_buttons.items() if not choice.makes_document]
    makes[0].click()
    wait_until(lambda: bool(heard_on(listener, dialog.note)))
    no_copy[0].click()
    wait_until(lambda: len(heard_on(listener, dialog.note)) >= 2)
    out["copy"] = {
        "first_words": first_words,
        "heard": heard_on(listener, dialog.note),
        "name": listener.name(dialog.note),
    }
    dialog.reject()
    listener.heard.clear()

    # The findings count, as an answer raises a finding on the step.
    window.show_visit(visit_id, "support-to-decide")
    page = window.visit_page
    wait_until(
        lambda: (step := page.current_step()) is not None and step.step.id == "support-to-decide"
    )
    step = page.current_step()
    assert step is not None
    boxes = {box.text(): box for box in step.findChildren(QCheckBox)}
    boxes["Remembering information"].click()
    no = next(
        b
        for b in step.findChildren(QRadioButton)
        if b.accessibleName().startswith("Is there someone you trust") and b.text() == "No"
    )
    no.click()
    wait_until(lambda: bool(heard_on(listener, step.findings)))
    out["findings"] = {
        "heard": heard_on(listener, step.findings),
        "lines": step.findings.texts(),
        "name": listener.name(step.findings),
    }
    return out


def structure(folder: Path, visit_id: str) -> dict[str, Any]:
    """Headings, drop-downs and who-may-read buttons of the beginning visit, as read
    over the bus: role, name and what each drop-down is labelled by."""
    listener = Listener()
    window = unlocked(folder)
    listener.learn_app_bus(window)
    out: dict[str, Any] = {"headings": [], "combos": [], "visibility": []}
    window.show_visit(visit_id)
    page = window.visit_page
    wait_until(lambda: page.current_step() is not None)
    out["headings"].append({"text": page.heading.text(), "role": listener.role(page.heading)})
    for row, step in enumerate(page.pages):
        page.steps.setCurrentRow(row)
        wait_until(partial(lambda row: page.current_step() is page.pages[row], row))
        out["headings"].append({"text": step.title.text(), "role": listener.role(step.title)})
        for combo in step.findChildren(QComboBox):
            if not combo.isVisibleTo(step):
                continue
            labels = [listener.name(path) for path in listener.labelled_by(combo)]
            out["combos"].append(
                {"step": step.step.id, "name": listener.name(combo), "labelled_by": labels}
            )
        for button in step.findChildren(VisibilityButton):
            if button.isVisibleTo(step):
                out["visibility"].append(
                    {
                        "step": step.step.id,
                        "name": listener.name(button),
                        "role": listener.role(button),
                    }
                )
    return out


def main() -> None:
    """Run the scenario named on the command line; print what was heard as JSON."""
    app = QApplication([])
    scenario, *args = sys.argv[1:]
    if scenario == "statuses":
        result = statuses(Path(args[0]), args[1])
    elif scenario == "more_statuses":
        result = more_statuses(Path(args[0]), args[1])
    elif scenario == "structure":
        result = structure(Path(args[0]), args[1])
    else:
        raise SystemExit(f"no scenario {scenario!r}")
    print(json.dumps(result), flush=True)
    app.closeAllWindows()
    os._exit(0)  # the session's threads and the bus go with the process


if __name__ == "__main__":
    main()
