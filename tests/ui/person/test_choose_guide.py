"""Starting a visit with a chosen conversation guide, in the real main window on a real
workspace: the choice is offered, the visit walks that guide's steps and keeps its id
and version, and the next visit of the concern offers the same guide first."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QRadioButton
from pytestqt.qtbot import QtBot

from msp_desktop.guide import load_guide
from msp_desktop.model import Stage
from msp_desktop.services.concerns import raise_concern
from tests.ui.helpers import PEOPLE, on_worker, wait_idle
from tests.ui.person.journey_helpers import open_person
from tests.ui.test_accessibility import unnamed
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.person.guide_choice_dialog import GuideChoiceDialog

ADA = PEOPLE[0]


def start_pressed(qtbot: QtBot, app: MainWindow, concern_id: str) -> GuideChoiceDialog:
    """Press "Start a visit" on the concern's card; the guide choice it opens."""
    card = app.person.findChild(QPushButton, "concern.start_visit")
    assert card is not None
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.guide_dialog is not None, timeout=5_000)
    dialog = app.guide_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def radio(dialog: GuideChoiceDialog, guide_id: str) -> QRadioButton:
    found = dialog.findChild(QRadioButton, f"guide.{guide_id}")
    assert found is not None
    return found


def test_a_visit_started_with_the_self_neglect_guide_walks_its_steps(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = on_worker(
        qtbot,
        worker,
        lambda ws: raise_concern(ws, ADA.id, raised_on=date.today() - timedelta(days=3)).id,
    )
    open_person(qtbot, app, ADA.id)

    dialog = start_pressed(qtbot, app, concern_id)
    # Both shipped guides are offered, the MSP visit first and chosen; named for a reader.
    assert [b.text() for b in dialog.buttons] == [
        "Making Safeguarding Personal visit",
        "Self-neglect conversation",
    ]
    assert radio(dialog, "msp-visit").isChecked()
    assert radio(dialog, "msp-visit").hasFocus()
    assert "fire" in radio(dialog, "self-neglect").accessibleDescription()
    assert unnamed(dialog) == []

    qtbot.mouseClick(radio(dialog, "self-neglect"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    page = app.visit_page
    qtbot.waitUntil(lambda: app.pages.currentWidget() is page and bool(page.pages), timeout=5_000)
    guide = load_guide("self-neglect")
    # Each entry is the step's title and then its state ("1. Checking in — in progress").
    titles = [page.steps.item(row).text().split(" — ")[0] for row in range(page.steps.count())]
    assert titles == [
        f"{number}. {step.title}"
        for number, step in enumerate(guide.steps_for(Stage.BEGINNING), start=1)
    ]
    assert titles[1] == "2. Your home and your day"
    assert page.guide is guide or page.guide == guide
    assert page.visit is not None
    visit_id = page.visit.id
    stored = on_worker(qtbot, worker, lambda ws: ws.visits.get(visit_id).visit)
    assert (stored.guide_id, stored.guide_version) == ("self-neglect", guide.version)

    # Back to Ada: the next visit of this concern offers the self-neglect guide first.
    with qtbot.waitSignal(app.person.loaded, timeout=5_000):
        page.leave()
    wait_idle(qtbot, worker)
    dialog = start_pressed(qtbot, app, concern_id)
    assert radio(dialog, "self-neglect").isChecked()
    # Cancel starts nothing.
    before = on_worker(qtbot, worker, lambda ws: ws.visits.count())
    cancel = [b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"]
    assert len(cancel) == 1
    qtbot.mouseClick(cancel[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.guide_dialog is None)
    wait_idle(qtbot, worker)
    assert on_worker(qtbot, worker, lambda ws: ws.visits.count()) == before
    assert app.pages.currentWidget() is app.person


def test_a_visit_of_the_msp_guide_is_walked_with_it_after_a_self_neglect_one(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = on_worker(
        qtbot,
        worker,
        lambda ws: raise_concern(ws, ADA.id, raised_on=date.today() - timedelta(days=3)).id,
    )
    self_neglect = load_guide("self-neglect")
    first = on_worker(
        qtbot,
        worker,
        lambda ws: ws.visits.begin(concern_id, self_neglect.ref, date.today()).id,
    )
    app.show_visit(first)
    page = app.visit_page
    qtbot.waitUntil(lambda: bool(page.pages), timeout=5_000)
    assert [p.step.id for p in page.pages][:2] == ["check-in", "home-and-day"]
    msp = load_guide()
    second = on_worker(
        qtbot, worker, lambda ws: ws.visits.begin(concern_id, msp.ref, date.today()).id
    )
    app.show_visit(second)
    qtbot.waitUntil(lambda: page.visit is not None and page.visit.id == second, timeout=5_000)
    assert [p.step.id for p in page.pages] == [s.id for s in msp.steps_for(Stage.BEGINNING)]


def test_locking_while_the_guide_is_chosen_starts_nothing(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    concern_id = on_worker(
        qtbot,
        worker,
        lambda ws: raise_concern(ws, ADA.id, raised_on=date.today() - timedelta(days=3)).id,
    )
    open_person(qtbot, app, ADA.id)
    dialog = start_pressed(qtbot, app, concern_id)
    chosen: list[object] = []
    dialog.chosen.connect(chosen.append)
    app.detach()  # the session locks the workspace
    assert app.guide_dialog is None
    assert not dialog.isVisible()
    assert chosen == []
    assert app.pages.currentWidget() is app.caseload
    visits = on_worker(qtbot, worker, lambda ws: ws.visits.list(concern_id=concern_id))
    assert visits == []
