"""The guided visit: pages from the guide, words verbatim, findings, finalise, amend."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QCheckBox, QPlainTextEdit, QPushButton, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import Stage
from tests import builders
from tests.ui.helpers import type_text, wait_idle
from tests.ui.visit.conftest import Setting
from ui import messages
from ui.visit.amend_dialog import AmendDialog
from ui.visit.items import RepeatingEditor
from ui.visit.step_page import StepPage

WORDS = "I want  my grandson to stop — ŵ ŷ â — taking my pension!"


def _begin(setting: Setting, qtbot: QtBot) -> str:
    ref = setting.guide.ref
    visit = setting.run(qtbot, lambda ws: ws.visits.begin(setting.concern.id, ref, date.today()))
    return visit.id


def _step(setting: Setting, step_id: str) -> StepPage:
    row = [p.step.id for p in setting.page.pages].index(step_id)
    setting.page.steps.setCurrentRow(row)
    page = setting.page.current_step()
    assert page is not None
    assert page.step.id == step_id
    return page


def test_pages_follow_the_concern_stage(qtbot: QtBot, beginning: Setting) -> None:
    beginning.open(qtbot, _begin(beginning, qtbot))
    ids = [p.step.id for p in beginning.page.pages]
    assert ids == [s.id for s in beginning.guide.steps_for(Stage.BEGINNING)]
    assert "review" not in ids
    assert "closing" not in ids
    assert ids[0] == "check-in"
    assert beginning.page.steps.count() == len(ids)
    # The date of the visit is filled in when it begins: the step is under way.
    assert beginning.page.steps.item(0).text() == "1. Checking in — in progress"
    assert beginning.page.steps.item(1).text() == "2. What matters to you — not started"


def test_closing_step_at_the_end_stage(qtbot: QtBot, ending: Setting) -> None:
    ending.open(qtbot, _begin(ending, qtbot))
    ids = [p.step.id for p in ending.page.pages]
    assert ids[-2:] == ["closing", "principles"]  # the reflection comes last
    assert "what-matters" not in ids


def test_the_persons_words_are_saved_verbatim(qtbot: QtBot, beginning: Setting) -> None:
    visit_id = _begin(beginning, qtbot)
    beginning.open(qtbot, visit_id)
    page = _step(beginning, "what-matters")
    outcomes = page.repeating_editors()[0]
    assert outcomes.add_button.text() == "Add an outcome"
    qtbot.mouseClick(outcomes.add_button, Qt.MouseButton.LeftButton)
    assert outcomes.add_button.text() == "Add another outcome"
    words = outcomes.forms[0].editors[0].focus_target()
    assert isinstance(words, QPlainTextEdit)
    type_text(qtbot, words, WORDS)
    qtbot.waitUntil(lambda: beginning.page.status.text().startswith("Saved at"), timeout=3000)
    wait_idle(qtbot, beginning.worker)
    stored = beginning.run(qtbot, lambda ws: ws.visits.get(visit_id).visit)
    assert [o.words.text for o in stored.desired_outcomes] == [WORDS]


def test_findings_show_where_they_arise_in_plain_words(qtbot: QtBot, beginning: Setting) -> None:
    beginning.open(qtbot, _begin(beginning, qtbot))
    page = _step(beginning, "support-to-decide")
    assert not page.findings.isVisibleTo(page)
    boxes = {b.text(): b for b in page.findChildren(QCheckBox)}
    boxes["Remembering information"].click()
    no = next(
        b
        for b in page.findChildren(QRadioButton)
        if b.accessibleName().startswith("Is there someone you trust") and b.text() == "No"
    )
    no.click()
    texts = page.findings.texts()
    assert any(
        t.startswith("Needed before finalising:") and "Care Act advocate must be arranged" in t
        for t in texts
    ), texts
    assert not any("(Support to decide)" in t for t in texts)  # we are on that step
    assert page.findings.isVisibleTo(page)


def test_finalise_explains_what_is_missing_and_goes_there(qtbot: QtBot, beginning: Setting) -> None:
    visit_id = _begin(beginning, qtbot)
    beginning.open(qtbot, visit_id)
    _step(beginning, "principles")
    messages.answer_next(messages.Button.Ok)
    qtbot.mouseClick(beginning.page.finalise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages.shown), timeout=5000)
    shown = messages.shown[-1].text
    assert shown.startswith("Some things are still needed:")
    assert "Record whether the person agreed to notes being made" in shown or "consent" in shown
    current = beginning.page.current_step()
    assert current is not None
    assert current.step.id == "check-in"
    status = beginning.run(qtbot, lambda ws: ws.visits.get(visit_id).info.status)
    assert status == "draft"


def test_finalised_visit_is_read_only_and_amend_asks_why(qtbot: QtBot, beginning: Setting) -> None:
    # Held at the beginning: its steps stay the beginning's after the concern moves on.
    visit = builders.complete_visit(beginning.concern).revised(stage=Stage.BEGINNING)
    beginning.run(qtbot, lambda ws: ws.visits.start(visit))
    beginning.run(qtbot, lambda ws: ws.visits.finalise(visit.id))
    beginning.open(qtbot, visit.id, "what-matters")
    assert beginning.page.final
    assert beginning.page.amend_button.isVisibleTo(beginning.page)
    assert not beginning.page.finalise_button.isVisibleTo(beginning.page)
    page = _step(beginning, "what-matters")
    words = page.repeating_editors()[0].forms[0].editors[0].focus_target()
    assert isinstance(words, QPlainTextEdit)
    assert words.isReadOnly()

    beginning.page.amend()
    dialog = beginning.page.findChild(AmendDialog)
    assert dialog is not None
    dialog.ok_button.click()
    assert dialog.error.text() == "Say why the visit is being amended."
    qtbot.keyClicks(dialog.reason, "The bank's name was wrong")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not beginning.page.final and bool(beginning.page.pages), timeout=5000)
    revisions = beginning.run(qtbot, lambda ws: ws.visits.revisions(visit.id))
    assert [(r.revision, r.status, r.reason) for r in revisions] == [
        (1, "finalised", None),
        (2, "draft", "The bank's name was wrong"),
    ]
    page = _step(beginning, "what-matters")
    words = page.repeating_editors()[0].forms[0].editors[0].focus_target()
    assert isinstance(words, QPlainTextEdit)
    assert not words.isReadOnly()


def test_moving_between_steps_reports_the_place(qtbot: QtBot, beginning: Setting) -> None:
    visit_id = _begin(beginning, qtbot)
    beginning.open(qtbot, visit_id)
    with qtbot.waitSignal(beginning.page.place_changed) as moved:
        qtbot.mouseClick(beginning.page.next_button, Qt.MouseButton.LeftButton)
    assert moved.args == [visit_id, beginning.page.pages[1].step.id]
    assert beginning.page.previous_button.isEnabled()


def _interactive(page: StepPage) -> list[QWidget]:
    """Every control a keyboard can reach on the page, in the order Tab visits them."""
    return [
        w
        for w in page.widget().findChildren(QWidget)
        if w.isVisibleTo(page) and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def _open_every_kind_of_answer(qtbot: QtBot, ending: Setting) -> None:
    visit = builders.complete_visit(ending.concern)
    ending.run(qtbot, lambda ws: ws.visits.start(visit))
    ending.open(qtbot, visit.id)
    for row in range(len(ending.page.pages)):
        ending.page.steps.setCurrentRow(row)
        page = ending.page.current_step()
        assert page is not None
        for editor in page.findChildren(RepeatingEditor):
            if editor.question.new_items:
                editor.add_button.click()
    qtbot.wait(20)  # Qt shows widgets added to a shown layout on the next event loop turn


def test_every_control_on_every_step_has_an_accessible_name(qtbot: QtBot, ending: Setting) -> None:
    """What a screen reader announces, read through QAccessible, for every control."""
    _open_every_kind_of_answer(qtbot, ending)
    unnamed: list[str] = []
    checked = 0
    for page in ending.page.pages:
        ending.page.stack.setCurrentWidget(page)
        for widget in _interactive(page):
            interface = QAccessible.queryAccessibleInterface(widget)
            assert interface is not None
            checked += 1
            if not interface.text(QAccessible.Text.Name).strip():
                unnamed.append(f"{page.step.id}: {type(widget).__name__} {widget.objectName()}")
    assert checked > 100  # every step, every kind of answer
    assert unnamed == []
    for widget in ending.page.findChildren(QPushButton):
        if widget.isVisibleTo(ending.page):
            assert QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)


def test_tab_order_follows_reading_order(qtbot: QtBot, ending: Setting) -> None:
    _open_every_kind_of_answer(qtbot, ending)
    for row, page in enumerate(ending.page.pages):
        ending.page.steps.setCurrentRow(row)
        qtbot.wait(20)  # the page re-chains its tab order on the next event loop turn
        body = page.widget()
        first = page.first_field()
        if first is None:  # everything on it is hidden for these answers: no tab stops
            assert not [w for w in _interactive(page) if w.isVisibleTo(page)], page.step.id
            continue
        order: list[QWidget] = []
        widget: QWidget = first
        reachable = set(_interactive(page))
        while widget in reachable and widget not in order:
            order.append(widget)
            widget = widget.nextInFocusChain()
            while widget not in reachable and body.isAncestorOf(widget):
                widget = widget.nextInFocusChain()
        tops = [w.mapTo(body, w.rect().topLeft()).y() for w in order]
        assert tops == sorted(tops), page.step.id
        assert len(order) == len(reachable), page.step.id
