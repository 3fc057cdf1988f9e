"""WCAG 2.4.7 and 2.4.11: every Tab stop shows a focus mark, and focus is never hidden.

Each screen is walked with the Tab key, as a keyboard user would. At every stop the
focused control is drawn twice, focused and not, and the two pictures must differ by
a mark of at least 3:1 (WCAG 1.4.11 for focus indicators): at least as many changed
pixels as a 1-pixel line down one side and along the top, so a text cursor alone does
not count. Where the stop is inside a scroll area, it must be scrolled into view.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QDialog, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import ConcernStatus, Stage
from msp_desktop.settings import Settings
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.atspi_child import two_page_pdf
from tests.ui.contrast import image_of, mark_pixels
from tests.ui.helpers import PEOPLE, on_worker, wait_idle
from ui.db_worker import DbWorker
from ui.documents.copy_dialog import CopyDialog
from ui.documents.preview_window import PreviewWindow
from ui.main_window import MainWindow
from ui.person.close_concern_dialog import CloseConcernDialog
from ui.person.contact_dialog import ContactDialog
from ui.person.not_held_dialog import NotHeldDialog
from ui.person.raise_concern_dialog import RaiseConcernDialog
from ui.person.reopen_dialog import ReopenDialog
from ui.person.stage_dialog import StageDialog
from ui.settings_dialog import SettingsDialog
from ui.theme import apply_theme
from ui.unlock_dialog import UnlockDialog

THEMES = [pytest.param(False, id="normal"), pytest.param(True, id="high-contrast")]


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName()!r} {widget.accessibleName()!r}"


def tab_stops(qtbot: QtBot, start: QWidget, within: QWidget, limit: int = 120) -> list[QWidget]:
    """The controls inside ``within`` that Tab reaches, from ``start`` round to it again."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: focused() is start, timeout=2000)
    stops: list[QWidget] = []
    for _ in range(limit):
        widget = focused()
        if widget in stops:
            break
        if within.isAncestorOf(widget) or widget is within:
            stops.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert stops, "Tab reached nothing"
    return stops


def settled(qtbot: QtBot, widget: QWidget) -> None:
    """Wait until ``widget``'s size holds still: a page just shown may still be laying
    out (a wrapping button row settles a pass later), and two grabs must be alike but
    for the focus."""
    # A layout request is a posted event: deliver every pending one first, so a busy
    # machine cannot leave the first layout pass (a button row still on two lines) for
    # after the first grab.
    for _ in range(5):
        QApplication.sendPostedEvents()
        QApplication.processEvents()
    last = widget.size()
    for _ in range(20):
        qtbot.wait(25)
        if widget.size() == last:
            return
        last = widget.size()


def mark_of(qtbot: QtBot, widget: QWidget) -> int:
    """Pixels of ``widget`` that its focus changes by 3:1 or more."""
    settled(qtbot, widget)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    QApplication.processEvents()
    focused_image = image_of(widget)
    widget.clearFocus()
    qtbot.waitUntil(lambda: not widget.hasFocus(), timeout=2000)
    settled(qtbot, widget)
    unfocused_image = image_of(widget)
    return mark_pixels(unfocused_image, focused_image)


def unmarked(qtbot: QtBot, stops: list[QWidget]) -> list[str]:
    """The stops whose focus mark is missing or too faint."""
    faint = []
    for widget in stops:
        changed = mark_of(qtbot, widget)
        if changed < widget.width() + widget.height():
            faint.append(f"{describe(widget)}: {changed} px")
    return faint


def outside_view(widget: QWidget) -> str | None:
    """Why ``widget`` is not wholly in view in each scroll area around it (None if it is)."""
    parent = widget.parentWidget()
    while parent is not None:
        area = parent.parentWidget()
        if isinstance(area, QScrollArea) and parent is area.viewport():
            viewport = area.viewport()
            top_left = widget.mapTo(viewport, widget.rect().topLeft())
            shown = QRect(top_left, widget.size())
            visible_part = viewport.rect().intersected(shown)
            needed = min(shown.height(), viewport.height())
            if visible_part.height() < needed:
                return f"{describe(widget)} at y={shown.y()} in a view {viewport.height()} high"
        parent = parent.parentWidget()
    return None


def open_person_with_concern(qtbot: QtBot, window: MainWindow) -> str:
    """Give the first person a concern with a visit begun, show their record, and
    return the visit's id."""
    assert window.worker is not None
    person = PEOPLE[0]

    def add(ws: Workspace) -> str:
        concern = builders.concern(person)
        ws.concerns.add(concern)
        return ws.visits.begin(concern.id, window.guide.ref, date.today()).id

    visit_id = on_worker(qtbot, window.worker, add)
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.person.record is not None, timeout=5000)
    return visit_id


@pytest.mark.parametrize("high_contrast", THEMES)
def test_every_stop_on_the_caseload_is_marked(
    qtbot: QtBot, themed: QApplication, window: MainWindow, high_contrast: bool
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    stops = tab_stops(qtbot, window.caseload.search_edit, window)
    assert window.caseload.table in stops
    assert unmarked(qtbot, stops) == []


@pytest.mark.parametrize("high_contrast", THEMES)
def test_every_stop_on_the_persons_record_is_marked(
    qtbot: QtBot, themed: QApplication, window: MainWindow, high_contrast: bool
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    open_person_with_concern(qtbot, window)
    stops = tab_stops(qtbot, window.person.back_button, window.person)
    # The record pane stays a Tab stop: PgDn and the arrows scroll it for reading.
    assert window.person.record_view in stops
    assert unmarked(qtbot, stops) == []


@pytest.mark.parametrize("high_contrast", THEMES)
def test_every_stop_of_a_visit_step_is_marked_and_in_view(
    qtbot: QtBot, themed: QApplication, window: MainWindow, high_contrast: bool
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    visit_id = open_person_with_concern(qtbot, window)
    window.show_visit(visit_id)
    page = window.visit_page
    qtbot.waitUntil(lambda: bool(page.pages), timeout=5000)
    step = page.current_step()
    assert step is not None
    stops = tab_stops(qtbot, page.steps, page)
    assert step in stops  # the step pane, for reading by PgDn
    assert unmarked(qtbot, stops) == []


def test_tab_from_the_steps_list_brings_the_first_question_into_view(
    qtbot: QtBot, themed: QApplication, window: MainWindow
) -> None:
    apply_theme(themed, Settings())
    visit_id = open_person_with_concern(qtbot, window)
    window.resize(1000, 600)
    window.show_visit(visit_id)
    page = window.visit_page
    qtbot.waitUntil(lambda: bool(page.pages), timeout=5000)
    step = page.current_step()
    assert step is not None
    bar = step.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    qtbot.wait(100)  # the smaller window laid out
    bar.setValue(bar.maximum())  # read to the end, then back to the list of steps
    page.steps.setFocus(Qt.FocusReason.TabFocusReason)
    lost = []
    for _ in range(60):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        QApplication.processEvents()  # as the screen is drawn after each key
        widget = focused()
        if not page.isAncestorOf(widget) or widget is page.steps:
            break
        if (why := outside_view(widget)) is not None:
            lost.append(why)
    assert lost == []


@pytest.mark.parametrize("high_contrast", THEMES)
def test_every_stop_on_the_sync_page_is_marked(
    qtbot: QtBot, themed: QApplication, window: MainWindow, high_contrast: bool
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    window.open_sync()
    assert window.worker is not None
    wait_idle(qtbot, window.worker)
    sync = window.sync_page
    first = next(w for w in sync.findChildren(QWidget) if w.isVisible() and w.focusPolicy())
    stops = tab_stops(qtbot, first, sync)
    assert sync.table in stops
    assert unmarked(qtbot, stops) == []


def dialog_stops(qtbot: QtBot, dialog: QDialog) -> list[QWidget]:
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    first = focused() if dialog.isAncestorOf(focused()) else dialog
    return tab_stops(qtbot, first, dialog)


@pytest.mark.parametrize("high_contrast", THEMES)
def test_every_stop_of_the_main_dialogs_is_marked(
    qtbot: QtBot,
    themed: QApplication,
    window: MainWindow,
    folder: Path,
    high_contrast: bool,
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    assert window.worker is not None
    unlock_worker = DbWorker()
    dialogs: list[QDialog] = [
        UnlockDialog(unlock_worker, folder),
        SettingsDialog(Settings(), folder / "settings.json", workspace_open=True),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
    window.add_person()  # closed, it deletes itself
    assert window.person_dialog is not None
    dialogs.append(window.person_dialog)
    faint = []
    for dialog in dialogs:
        stops = dialog_stops(qtbot, dialog)
        faint += unmarked(qtbot, stops)
        dialog.reject()
    unlock_worker.stop()
    assert faint == []


@pytest.mark.parametrize("high_contrast", THEMES)
def test_every_stop_of_the_copy_concern_and_preview_windows_is_marked(
    qtbot: QtBot, themed: QApplication, window: MainWindow, high_contrast: bool
) -> None:
    apply_theme(themed, Settings(high_contrast=high_contrast))
    worker = window.worker
    assert worker is not None
    person = PEOPLE[0]
    open_one = builders.concern(person)
    closed = builders.concern(person, stage=Stage.END, status=ConcernStatus.CLOSED)

    def add(ws: Workspace) -> None:
        ws.concerns.add(open_one)
        ws.concerns.add(closed)

    on_worker(qtbot, worker, add)
    dialogs: list[QDialog] = [
        CopyDialog("en", window),
        RaiseConcernDialog(worker, person, window),
        CloseConcernDialog(worker, open_one, window),
        StageDialog(worker, open_one, window),
        NotHeldDialog(worker, open_one, window.guide.ref, window),
        ReopenDialog(worker, closed, window),
        ContactDialog(worker, person, [(open_one.id, "A concern")], window, date.today()),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
    # Not added to qtbot: the preview deletes itself when closed.
    dialogs.append(PreviewWindow(two_page_pdf(), "A copy to keep", window))
    faint = []
    walked = []
    for dialog in dialogs:
        stops = dialog_stops(qtbot, dialog)
        walked.append(f"{type(dialog).__name__}: {len(stops)}")
        faint += [f"{type(dialog).__name__}: {line}" for line in unmarked(qtbot, stops)]
        dialog.reject()
    assert all(not line.endswith(": 0") for line in walked), walked
    assert faint == []
