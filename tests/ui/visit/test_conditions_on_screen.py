"""The visit screen follows the guide's conditions, with real widgets: questions and
parts of items come and go with the answers, typed text is kept (and the screen says
so), findings show on the step they concern, the step list says where each step is up
to, and the top of the screen shows how the person wants to talk and what the concern
is about."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import CommunicationNeed, Note, Stage
from tests import builders
from tests.ui.helpers import type_text
from tests.ui.visit.conftest import Setting
from ui import messages
from ui.visit.items import GroupEditor
from ui.visit.step_page import QuestionBlock, StepPage
from ui.visit.voice import show_prompt


def _block(page: StepPage, question_id: str) -> QuestionBlock:
    return next(b for b in page.blocks if b.question.id == question_id)


def _shown(page: StepPage, question_id: str) -> bool:
    return _block(page, question_id).isVisibleTo(page)


def _choose(editor: QWidget, words: str) -> None:
    combo = editor.findChild(QComboBox)
    assert combo is not None
    index = combo.findText(words)
    assert index >= 0, words
    combo.setCurrentIndex(index)


def _radio(page: QWidget, name_starts: str, answer: str) -> QRadioButton:
    return next(
        b
        for b in page.findChildren(QRadioButton)
        if b.accessibleName().startswith(name_starts) and b.text() == answer
    )


def _kept_lines(page: StepPage) -> list[str]:
    return [label.text() for label in page.findChildren(QLabel, "kept") if label.isVisibleTo(page)]


def _row(setting: Setting, step_id: str) -> str:
    row = [p.step.id for p in setting.page.pages].index(step_id)
    return setting.page.steps.item(row).text()


def test_lacks_capacity_shows_the_imca_question(qtbot: QtBot, beginning: Setting) -> None:
    beginning.open(qtbot, beginning.begin(qtbot))
    page = beginning.step("support-to-decide")
    assert not _shown(page, "imca_criteria_apply")
    assert not _shown(page, "capacity_assessed_by")
    _choose(_block(page, "capacity").editor, "Lacks capacity for this decision")
    assert _shown(page, "imca_criteria_apply")
    assert _shown(page, "capacity_assessed_by")
    assert _shown(page, "capacity_assessed_on")
    _choose(_block(page, "capacity").editor, "Has capacity for this decision")
    assert not _shown(page, "imca_criteria_apply")
    assert _shown(page, "capacity_assessed_by")


def test_no_appropriate_person_hides_the_name_and_keeps_it(
    qtbot: QtBot, beginning: Setting
) -> None:
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id)
    page = beginning.step("support-to-decide")
    assert not _shown(page, "appropriate_person")
    _radio(page, "Is there someone you trust", "Yes").click()
    assert _shown(page, "appropriate_person")
    assert _kept_lines(page) == []
    type_text(qtbot, _block(page, "appropriate_person").editor.focus_target(), "Sam")
    _radio(page, "Is there someone you trust", "No").click()
    assert not _shown(page, "appropriate_person")
    assert _kept_lines(page) == [
        "Your answer to “Who they are, and how they know the person” is hidden now, because of an "
        "answer above. It is kept while this visit is a draft and left out when you finalise."
    ]
    # Kept in the editor and in the draft: changing the answer back loses nothing.
    stored = beginning.stored(qtbot, visit_id)
    assert stored.support_to_decide.appropriate_person is not None
    assert stored.support_to_decide.appropriate_person.text == "Sam"
    _radio(page, "Is there someone you trust", "Yes").click()
    assert _shown(page, "appropriate_person")
    assert _kept_lines(page) == []
    assert _block(page, "appropriate_person").editor.value().text == "Sam"


def test_parts_of_an_item_follow_its_own_answers(qtbot: QtBot, beginning: Setting) -> None:
    beginning.open(qtbot, beginning.begin(qtbot))
    page = beginning.step("actions")
    actions = page.repeating_editors()[0]
    qtbot.mouseClick(actions.add_button, Qt.MouseButton.LeftButton)
    form = actions.forms[0]
    parts = {
        sub.id: editor for sub, editor in zip(form.question.item_fields, form.editors, strict=True)
    }
    assert not parts["who"].isVisibleTo(page)  # waits until someone else is chosen
    type_text(qtbot, parts["what"].focus_target(), "Ring the bank")
    _choose(parts["owner"], "Someone else")
    assert parts["who"].isVisibleTo(page)
    _choose(parts["owner"], "The person")
    assert not parts["who"].isVisibleTo(page)
    # The consent group on Checking in: "with whom" only when sharing partly.
    check_in = beginning.step("check-in")
    consent = _block(check_in, "consent_to_share").editor
    assert isinstance(consent, GroupEditor)
    by_id = dict(
        zip((s.id for s in consent.question.item_fields), consent.form.editors, strict=True)
    )
    assert not by_id["consent_with_whom"].isVisibleTo(check_in)
    _choose(by_id["consent_decision"], "Partly")
    assert by_id["consent_with_whom"].isVisibleTo(check_in)


def test_the_step_list_says_where_each_step_is_up_to(qtbot: QtBot, beginning: Setting) -> None:
    beginning.open(qtbot, beginning.begin(qtbot))
    assert _row(beginning, "support-to-decide") == "5. Support to decide — not started"
    page = beginning.step("support-to-decide")
    _choose(_block(page, "capacity").editor, "Not assessed")
    assert _row(beginning, "support-to-decide") == "5. Support to decide — in progress"
    row = [p.step.id for p in beginning.page.pages].index("support-to-decide")
    spoken = beginning.page.steps.item(row).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "Step 5, Support to decide: in progress"
    what = beginning.step("what-matters")
    outcomes = what.repeating_editors()[0]
    qtbot.mouseClick(outcomes.add_button, Qt.MouseButton.LeftButton)
    type_text(qtbot, outcomes.forms[0].editors[0].focus_target(), "To feel safe")
    _choose(_block(what, "sg4a_asked").editor, "Yes they were asked and outcomes were expressed")
    assert _row(beginning, "what-matters") == "2. What matters to you — done"
    # A blocking finding on a step is named as such (the advocacy duty here).
    page = beginning.step("support-to-decide")
    tick = next(b for b in page.findChildren(QCheckBox) if b.text() == "Remembering information")
    tick.click()
    _radio(page, "Is there someone you trust", "No").click()
    assert _row(beginning, "support-to-decide") == "5. Support to decide — needs attention"


def test_a_finding_about_closing_shows_on_closing(qtbot: QtBot, beginning: Setting) -> None:
    beginning.held_before(qtbot, builders.complete_visit(beginning.concern), Stage.END)
    beginning.open(qtbot, beginning.begin(qtbot))
    messages.answer_next(messages.Button.Ok)
    qtbot.mouseClick(beginning.page.finalise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages.shown), timeout=5000)
    assert "(Closing)" in messages.shown[-1].text  # the real step's name
    assert _row(beginning, "closing").endswith("— needs attention")
    closing = beginning.step("closing")
    texts = closing.findings.texts()
    assert any("experience" in t for t in texts), texts
    assert not any("(Closing)" in t for t in texts)  # on that very step, no name


def test_the_top_shows_communication_needs_and_the_concern(
    qtbot: QtBot, beginning: Setting
) -> None:
    person = beginning.person.revised(
        communication_needs=[CommunicationNeed.BSL],
        communication_notes=Note(text="Prefers mornings"),
    )
    concern = beginning.concern.revised(summary=Note.internal("Money taken by a lodger"))

    def change(ws):  # type: ignore[no-untyped-def]
        ws.people.update(person)
        ws.concerns.update(concern)

    beginning.run(qtbot, change)
    beginning.open(qtbot, beginning.begin(qtbot))
    context = beginning.page.context.text()
    assert "British Sign Language" in context
    assert "Prefers mornings" in context
    assert "Money taken by a lodger" in context
    assert "Financial" in context
    assert context.count("\n") == 1  # two compact lines


def test_a_groups_words_show_once(qtbot: QtBot, beginning: Setting) -> None:
    beginning.open(qtbot, beginning.begin(qtbot))
    page = beginning.step("risks")
    risks = page.repeating_editors()[0]
    qtbot.mouseClick(risks.add_button, Qt.MouseButton.LeftButton)
    words = "Is the person choosing to live with this risk?"
    seen = []
    for widget in page.findChildren(QWidget):
        if not widget.isVisibleTo(page):
            continue
        for getter in ("text", "title"):
            value = getattr(widget, getter, None)
            if callable(value) and isinstance(value(), str) and words in value():
                seen.append(widget)
        if words in widget.accessibleName():
            seen.append(widget)
    assert len(set(seen)) == 1, seen  # one box, titled once, named once


def test_ask_and_record_questions_look_different(qtbot: QtBot, beginning: Setting) -> None:
    beginning.open(qtbot, beginning.begin(qtbot))
    page = beginning.step("check-in")
    kinds = {b.question.voice: b.prompt for b in page.blocks}
    if "ask" not in kinds:
        # Until the guide is tagged, make one question an "ask" one to look at.
        block = _block(page, "place")
        show_prompt(block.prompt, block.question.model_copy(update={"voice": "ask"}))
        kinds["ask"] = block.prompt
    ask, record = kinds["ask"], kinds["record"]
    assert ask.text().startswith("“")
    assert ask.text().endswith("”")
    assert not record.text().startswith("“")
    assert not ask.font().bold()
    assert record.font().bold()
    assert ask.accessibleDescription() != record.accessibleDescription()
