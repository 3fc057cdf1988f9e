"""The cases ``test_fits_screen`` runs in a Qt given a screen of one size.

Not collected on its own (the name does not start with ``test_``): the offscreen
platform's screen is chosen when the application starts, so ``test_fits_screen`` starts
pytest on this file once per screen, with ``QT_QPA_PLATFORM=offscreen:configfile=…`` and
``MSP_FIT_SCREEN`` saying the size it asked for. Each case opens the real app on a real
demo workspace at one text size and lists everything off the screen (see
``tests.ui.screen_fit``); the list must be empty.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QDialog, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.demo import fill_demo_caseload
from msp_desktop.model import ConcernStatus
from msp_desktop.settings import Settings
from msp_desktop.store import Workspace
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, on_worker, wait_idle
from tests.ui.screen_fit import problems
from ui.create_workspace_dialog import CreateWorkspaceDialog
from ui.db_worker import DbWorker
from ui.documents.copy_dialog import CopyDialog
from ui.documents.team_dialog import TeamDialog
from ui.main_window import MainWindow
from ui.person.close_concern_dialog import CloseConcernDialog
from ui.person.contact_dialog import ContactDialog
from ui.person.guide_choice_dialog import GuideChoiceDialog
from ui.person.not_held_dialog import NotHeldDialog
from ui.person.person_dialog import PersonDialog
from ui.person.raise_concern_dialog import RaiseConcernDialog
from ui.person.reopen_dialog import ReopenDialog
from ui.person.stage_dialog import StageDialog
from ui.settings_dialog import SettingsDialog
from ui.theme import apply_theme, reset_theme
from ui.unlock_dialog import UnlockDialog
from ui.visit.amend_dialog import AmendDialog

# (percent, high contrast). High contrast's thicker edges and focus outlines take room
# of their own, so it is measured too, at the two larger sizes, where room is shortest
# (not at 100 %, to keep each screen's run short: it starts a whole app per case).
TEXT_SIZES = (
    pytest.param((100, False), id="100"),
    pytest.param((150, False), id="150"),
    pytest.param((200, False), id="200"),
    pytest.param((150, True), id="150-high-contrast"),
    pytest.param((200, True), id="200-high-contrast"),
)
SCREEN = os.environ.get("MSP_FIT_SCREEN", "")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed workspace with the demo caseload (made once for all cases)."""
    folder = tmp_path_factory.mktemp("fit") / "workspace"
    workspace = Workspace.create(folder, PASSPHRASE, WORKER_NAME)
    try:
        fill_demo_caseload(workspace, people=25)  # as the audit saw it
    finally:
        workspace.close()
    return folder


@pytest.fixture
def room(qapp: QApplication) -> QRect:
    """The screen's available area, checked to be the size ``test_fits_screen`` asked."""
    if not SCREEN:
        pytest.skip("run by tests/ui/test_fits_screen.py, which chooses the screen size")
    screen = qapp.primaryScreen()
    assert f"{screen.size().width()}x{screen.size().height()}" == SCREEN
    return screen.availableGeometry()


@pytest.fixture
def text_size(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    percent, high_contrast = request.param
    apply_theme(qapp, Settings(text_scale_percent=percent, high_contrast=high_contrast))
    yield f"{percent} %" + (", high contrast" if high_contrast else "")
    reset_theme(qapp)


@pytest.fixture
def window(qtbot: QtBot, worker: DbWorker, demo: Path, text_size: str) -> Iterator[MainWindow]:
    with qtbot.waitSignal(worker.opened, timeout=20_000):
        worker.open_workspace(demo, PASSPHRASE, lambda _r: None, lambda _e: None)
    main = MainWindow()
    qtbot.addWidget(main)
    main.attach(worker)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.caseload.model.rowCount() == 25, timeout=10_000)
    yield main
    main.detach()


def settle(qtbot: QtBot, worker: DbWorker) -> None:
    wait_idle(qtbot, worker)
    qtbot.wait(50)  # layouts and fitting run from the event loop
    QApplication.processEvents()


def elided_cells(main: MainWindow) -> list[str]:
    """Caseload cells whose text is not drawn whole in the room the cell has."""
    table, model = main.caseload.table, main.caseload.model
    cut = []
    margin = table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 1
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            if table.isColumnHidden(column):
                continue
            index: QModelIndex = model.index(row, column)
            text = str(index.data() or "")
            if not text:
                continue
            font = index.data(Qt.ItemDataRole.FontRole) or table.font()
            metrics = QFontMetrics(font)
            rect = table.visualRect(index).adjusted(margin, 0, -margin, 0)
            flags = Qt.TextFlag.TextWordWrap if table.wordWrap() else Qt.TextFlag.TextSingleLine
            needed = metrics.boundingRect(QRect(0, 0, rect.width(), 10_000), flags, text)
            if needed.width() > rect.width() or needed.height() > rect.height():
                cut.append(f"row {row} column {column}: {text!r} in {rect.width()}x{rect.height()}")
    return cut


@pytest.mark.parametrize("text_size", TEXT_SIZES, indirect=True)
def test_pages_fit(
    qtbot: QtBot, worker: DbWorker, window: MainWindow, room: QRect, text_size: str
) -> None:
    found: list[str] = []
    settle(qtbot, worker)
    found += [f"caseload: {line}" for line in problems(window, room)]
    found += [f"caseload cell {line}" for line in elided_cells(window)]
    # Typed into, the search shows its "Clear search" button: measured too.
    window.caseload.search_edit.setText("DEMO-100")
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() < 25, timeout=5_000)
    settle(qtbot, worker)
    clear = [b for b in window.caseload.search_edit.children() if isinstance(b, QToolButton)]
    assert [b.accessibleName() for b in clear if b.isVisible()] == ["Clear search"]
    found += [f"searched: {line}" for line in problems(window, room)]
    window.caseload.search_edit.clear()

    people = on_worker(qtbot, worker, lambda ws: ws.people.search(""))
    with_concern = on_worker(qtbot, worker, lambda ws: [c.person_id for c in ws.concerns.listed()])
    window.open_person(with_concern[0])
    settle(qtbot, worker)
    found += [f"person: {line}" for line in problems(window, room)]

    visits = on_worker(qtbot, worker, lambda ws: ws.visits.list())
    drafts = [v.id for v in visits if v.status != "finalised"] or [visits[0].id]
    window.show_visit(drafts[0])
    settle(qtbot, worker)
    found += [f"visit: {line}" for line in problems(window, room)]

    window.open_sync()
    settle(qtbot, worker)
    found += [f"sync: {line}" for line in problems(window, room)]
    assert people
    assert found == [], f"{SCREEN} at {text_size}:\n" + "\n".join(found)


def _dialogs(main: MainWindow, worker: DbWorker, qtbot: QtBot, folder: Path) -> list[QWidget]:
    concerns = on_worker(qtbot, worker, lambda ws: ws.concerns.listed())
    open_one = next(c for c in concerns if c.status is ConcernStatus.OPEN)
    closed = [c for c in concerns if c.status is not ConcernStatus.OPEN]
    person = on_worker(qtbot, worker, lambda ws: ws.people.get(open_one.person_id))
    makers: list[Callable[[], QWidget]] = [
        lambda: CopyDialog("en", main),
        lambda: TeamDialog(worker, main),
        lambda: PersonDialog(worker, None, main),
        lambda: PersonDialog(worker, person, main),
        lambda: RaiseConcernDialog(worker, person, main),
        lambda: CloseConcernDialog(worker, open_one, main),
        lambda: StageDialog(worker, open_one, main),
        lambda: NotHeldDialog(worker, open_one, main.guide.ref, main),
        lambda: ContactDialog(worker, person, [(open_one.id, "A concern")], main, date.today()),
        lambda: GuideChoiceDialog(main.guides, main.guide, main),
        lambda: AmendDialog(main),
        lambda: SettingsDialog(Settings(), None, main, workspace_open=True),
        lambda: CreateWorkspaceDialog(worker, folder),
        lambda: UnlockDialog(worker, folder),
    ]
    if closed:
        makers.append(lambda: ReopenDialog(worker, closed[0], main))
    return [make() for make in makers]


@pytest.mark.parametrize("text_size", TEXT_SIZES, indirect=True)
def test_dialogs_fit(
    qtbot: QtBot,
    worker: DbWorker,
    window: MainWindow,
    room: QRect,
    text_size: str,
    tmp_path: Path,
) -> None:
    found: list[str] = []
    for dialog in _dialogs(window, worker, qtbot, tmp_path / "new"):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        settle(qtbot, worker)
        found += problems(dialog, room)
        if isinstance(dialog, QDialog):
            dialog.reject()
        dialog.close()

    # The print preview of a concern's office record, as the person's page opens it.
    concerns = on_worker(qtbot, worker, lambda ws: ws.concerns.listed())
    window.documents.open_document("office_record", concerns[0].id)
    qtbot.waitUntil(lambda: window.documents.preview is not None, timeout=20_000)
    preview = window.documents.preview
    assert preview is not None
    qtbot.waitExposed(preview)
    settle(qtbot, worker)
    found += problems(preview, room)
    window.documents.close_preview()
    assert found == [], f"{SCREEN} at {text_size}:\n" + "\n".join(found)
