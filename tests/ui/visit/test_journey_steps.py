"""The journey's questions in the visit: who was there, consent to share, actions kept as
typed, what came forward from last time, the next visit date, and what Finalise asks for.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from msp_desktop.model import (
    ActionOwner,
    ActionStatus,
    ConsentDecision,
    Note,
    PresentRole,
    ShareBasis,
    Stage,
)
from msp_desktop.services.visits import suggested_next_date
from tests import builders
from tests.ui.helpers import type_text, wait_idle
from tests.ui.visit.conftest import Setting
from ui import messages
from ui.visit.editors import AnswerEditor, ChoiceEditor, DateEditor, TextEditor
from ui.visit.items import GroupEditor, ItemForm, RepeatingEditor
from ui.visit.step_page import StepPage
from ui.visit.visit_page import VisitPage


def editors(page: StepPage) -> dict[str, AnswerEditor]:
    """The step's editors by question id."""
    return {block.question.id: block.editor for block in page.blocks}


def parts(form: ItemForm) -> dict[str, Any]:
    """An item's editors by the id of each of its questions."""
    return {
        sub.id: editor for sub, editor in zip(form.question.item_fields, form.editors, strict=True)
    }


def choose(editor: Any, words: str) -> None:
    """Pick ``words`` in a drop-down, as the worker does."""
    assert isinstance(editor, ChoiceEditor)
    index = editor.combo.findText(words)
    assert index > 0, words
    editor.combo.setCurrentIndex(index)


def repeating(page: StepPage, question_id: str) -> RepeatingEditor:
    editor = editors(page)[question_id]
    assert isinstance(editor, RepeatingEditor)
    return editor


def add_item(qtbot: QtBot, page: StepPage, question_id: str) -> ItemForm:
    editor = repeating(page, question_id)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    return editor.forms[-1]


def hint(form: ItemForm) -> str:
    return form.hint.text() if form.hint.isVisibleTo(form) else ""


def test_who_was_present_each_with_their_role(qtbot: QtBot, beginning: Setting) -> None:
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id)
    page = beginning.step("check-in")
    assert repeating(page, "present").add_button.text() == "Add a person"
    form = add_item(qtbot, page, "present")
    assert form.title() == "Person 1"
    choose(parts(form)["present_role"], "Interpreter")
    # A role without a name is not a person yet: said in words, nothing kept.
    assert hint(form) == "Not saved yet: answer “Name”."
    assert beginning.stored(qtbot, visit_id).present == []
    type_text(qtbot, parts(form)["present_name"].line, "Mr Example (interpreter)")
    assert hint(form) == ""
    present = beginning.stored(qtbot, visit_id).present
    assert [(p.name, p.role) for p in present] == [
        ("Mr Example (interpreter)", PresentRole.INTERPRETER)
    ]


def test_consent_to_share_with_its_basis_when_shared_without_consent(
    qtbot: QtBot, beginning: Setting
) -> None:
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id)
    page = beginning.step("check-in")
    group = editors(page)["consent_to_share"]
    assert isinstance(group, GroupEditor)
    assert group.form.title() == ""  # the question is above it already, not said twice
    answers = parts(group.form)
    choose(answers["consent_decision"], "No")
    stored = beginning.stored(qtbot, visit_id).consent_to_share
    assert stored is not None
    assert stored.decision is ConsentDecision.NO

    # A basis ticked before "shared without consent" is answered is kept as ticked
    # (nothing waits for another answer); finalising asks the worker to check.
    dict(answers["share_basis"].boxes)[ShareBasis.CRIME].click()
    assert hint(group.form) == ""
    kept = beginning.stored(qtbot, visit_id).consent_to_share
    assert kept is not None
    assert kept.basis == [ShareBasis.CRIME]

    answers["shared_without_consent"].group.button(0).click()  # Yes
    dict(answers["share_basis"].boxes)[ShareBasis.RISK_TO_OTHERS].click()
    type_text(qtbot, answers["share_basis_detail"].text, "Her grandson has a key.")
    answers["share_person_told"].group.button(1).click()  # No
    assert hint(group.form) == ""
    consent = beginning.stored(qtbot, visit_id).consent_to_share
    assert consent is not None
    assert consent.decision is ConsentDecision.NO
    assert consent.shared_without_consent is True
    assert set(consent.basis) == {ShareBasis.CRIME, ShareBasis.RISK_TO_OTHERS}
    assert consent.basis_detail is not None
    assert consent.basis_detail.text == "Her grandson has a key."
    assert consent.person_told is False


def test_an_action_with_only_its_words_is_kept_open(qtbot: QtBot, beginning: Setting) -> None:
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id)
    page = beginning.step("actions")
    form = add_item(qtbot, page, "actions")
    answers = parts(form)
    status = answers["action_status"]
    assert isinstance(status, ChoiceEditor)
    assert status.combo.currentText() == "Not answered yet"  # nothing typed, nothing kept
    type_text(qtbot, answers["what"].text, "Ring the bank about the card.")
    assert hint(form) == ""  # nothing held back waiting for an answer
    assert status.combo.currentText() == "Still to do"  # what is kept is what is shown
    (action,) = beginning.stored(qtbot, visit_id).actions
    assert action.what is not None
    assert action.what.text == "Ring the bank about the card."
    assert (action.owner, action.status, action.carried) == (None, ActionStatus.OPEN, False)

    # A date half typed holds back only itself: the words still save as they change.
    type_text(qtbot, answers["by_when"].line, "3/1")
    assert hint(form) == "Not saved yet: “3/1” is not a date like 26/11/2026."
    type_text(qtbot, answers["what"].text, " And the card.")
    (action,) = beginning.stored(qtbot, visit_id).actions
    assert action.what is not None
    assert action.what.text == "Ring the bank about the card. And the card."
    assert action.by_when is None
    type_text(qtbot, answers["by_when"].line, "/2027")
    assert hint(form) == ""
    assert beginning.stored(qtbot, visit_id).actions[0].by_when == date(2027, 1, 3)


def test_an_action_without_an_owner_survives_a_refused_finalise(
    qtbot: QtBot, beginning: Setting
) -> None:
    complete = builders.complete_visit(beginning.concern).revised(
        actions=[], visit_date=date.today()
    )
    beginning.run(qtbot, lambda ws: ws.visits.start(complete))
    beginning.open(qtbot, complete.id)
    page = beginning.step("actions")
    form = add_item(qtbot, page, "actions")
    type_text(qtbot, parts(form)["what"].text, "Ask the bank for a new card.")
    beginning.stored(qtbot, complete.id)

    messages.answer_next(messages.Button.Ok)
    qtbot.mouseClick(beginning.page.finalise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages.shown), timeout=5000)
    assert messages.shown[-1].text == (
        "Some things are still needed:\n"
        "• Say who will do agreed action 1: you, the person, or someone named "
        "(What we agreed to do)."
    )
    assert beginning.run(qtbot, lambda ws: ws.visits.get(complete.id).info.status) == "draft"
    assert beginning.run(qtbot, lambda ws: ws.actions.for_concern(beginning.concern.id)) == []
    current = beginning.page.current_step()
    assert current is not None
    assert current.step.id == "actions"
    # The step says what is still needed, without naming itself.
    assert any(
        t.startswith("Needed before finalising: Say who will do agreed action 1")
        and "(What we agreed to do)" not in t
        for t in current.findings.texts()
    ), current.findings.texts()

    form = repeating(current, "actions").forms[0]
    choose(parts(form)["owner"], "The person")
    assert not any("Say who will do" in t for t in current.findings.texts())
    messages.answer_next(messages.Button.Ok)
    qtbot.mouseClick(beginning.page.finalise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: beginning.page.final, timeout=5000)
    (kept,) = beginning.run(qtbot, lambda ws: ws.actions.for_concern(beginning.concern.id))
    assert kept.what is not None
    assert kept.what.text == "Ask the bank for a new card."
    assert (kept.owner, kept.status) == (ActionOwner.PERSON, ActionStatus.OPEN)


def test_a_carried_action_is_marked_and_reviewed_not_removed(
    qtbot: QtBot, beginning: Setting
) -> None:
    beginning.held_before(qtbot, builders.complete_visit(beginning.concern), Stage.MIDDLE)
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id)
    page = beginning.step("actions")
    (form,) = repeating(page, "actions").forms
    assert form.title() == "Action 1: agreed last time"
    assert form.carried_note.isVisibleTo(page)
    assert form.carried_note.text().startswith("Agreed at an earlier visit.")
    assert form.remove_button is not None
    assert not form.remove_button.isVisibleTo(page)
    status = parts(form)["action_status"]
    assert status.combo.currentText() == "Not answered yet"
    # Its words are there from last time; touching them does not answer the review.
    words = parts(form)["what"].text
    words.moveCursor(QTextCursor.MoveOperation.End)
    type_text(qtbot, words, " Today.")
    assert status.combo.currentText() == "Not answered yet"
    assert beginning.stored(qtbot, visit_id).actions[0].status is None
    choose(status, "Done")
    (action,) = beginning.stored(qtbot, visit_id).actions
    assert (action.status, action.carried) == (ActionStatus.DONE, True)
    assert action.what is not None
    assert action.what.text == "Ask the bank about a second signatory. Today."


def _shown(page: StepPage) -> list[str]:
    return [block.question.id for block in page.blocks if block.isVisibleTo(page)]


def test_looking_back_asks_only_about_what_came_forward(qtbot: QtBot, beginning: Setting) -> None:
    earlier = builders.complete_visit(beginning.concern).revised(
        safety_plan=Note(text="Ring my daughter.")
    )
    beginning.held_before(qtbot, earlier, Stage.MIDDLE)
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id)
    assert beginning.page.visit is not None
    assert beginning.page.visit.plan_carried == ["safety_plan", "consent"]
    review = beginning.step("review")
    assert _shown(review) == ["plan_review_safety_plan", "plan_review_consent"]
    # Where the plan is kept, it is marked as coming from the last visit.
    check_in = beginning.step("check-in")
    marked = [b.question.id for b in check_in.blocks if b.carried.isVisibleTo(check_in)]
    assert marked == ["consent_to_share"]
    risks = beginning.step("risks")
    marked = [b.question.id for b in risks.blocks if b.carried.isVisibleTo(risks)]
    assert marked == ["safety_plan"]
    assert risks.blocks[-1].carried.text() == (
        "From the last visit: check with the person that it is still right."
    )


def test_looking_back_with_nothing_before_says_so(qtbot: QtBot, middle: Setting) -> None:
    middle.open(qtbot, middle.begin(qtbot))
    going = middle.step("how-is-it-going")
    assert _shown(going) == ["outcomes_reviewed", "sg4a_at_review"]
    outcomes = repeating(going, "outcomes_reviewed")
    assert outcomes.forms == []
    # Nothing to look back at, but anything new the person wants can be added here.
    assert outcomes.add_button.isVisibleTo(going)
    assert _shown(middle.step("review")) == []  # nothing of the plan came forward


def test_the_suggested_next_date_is_filled_in_only_when_asked(
    qtbot: QtBot, beginning: Setting
) -> None:
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id)
    page = beginning.step("actions")
    editor = editors(page)["next_visit_on"]
    assert isinstance(editor, DateEditor)
    visit = beginning.stored(qtbot, visit_id)
    expected = beginning.run(qtbot, lambda ws: suggested_next_date(ws, visit))
    assert expected == date.today() + timedelta(days=28)  # raised well before today
    qtbot.waitUntil(lambda: editor.suggest.isVisibleTo(page))
    day = expected.day
    assert editor.suggest.text().startswith(f"Use the suggested date ({day} ")
    assert editor.suggest.text().endswith(f" {expected.year})")
    assert editor.suggest.accessibleName() == editor.suggest.text()
    assert editor.value() is None  # offered, not filled in
    assert beginning.stored(qtbot, visit_id).next_visit_on is None

    qtbot.mouseClick(editor.suggest, Qt.MouseButton.LeftButton)
    assert editor.value() == expected
    assert beginning.stored(qtbot, visit_id).next_visit_on == expected

    # Without a date for this visit there is nothing to suggest.
    date_editor = editors(beginning.step("check-in"))["visit_date"]
    assert isinstance(date_editor, DateEditor)
    date_editor.line.clear()
    date_editor.edited.emit()
    wait_idle(qtbot, beginning.worker)
    qtbot.waitUntil(lambda: not editor.suggest.isVisibleTo(page))
    assert beginning.stored(qtbot, visit_id).next_visit_on == expected  # what was chosen stays


def test_finalise_names_each_step_as_the_guide_does(qtbot: QtBot, beginning: Setting) -> None:
    beginning.held_before(qtbot, builders.complete_visit(beginning.concern), Stage.MIDDLE)
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id, "principles")
    messages.answer_next(messages.Button.Ok)
    qtbot.mouseClick(beginning.page.finalise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages.shown), timeout=5000)
    shown = messages.shown[-1].text
    for line in (
        "• Ask about outcome 1: still wanted, changed, no longer wanted or achieved "
        "(How is it going?).",
        "• Check the decision about sharing information from last time with the person: "
        "still the same, changed or no longer applies (The plan from last time).",
        "• Say what happened with action 1 agreed before: done, not done, no longer needed, "
        "or still open (What we agreed to do).",
        "• Record whether the person agreed to notes being made (Checking in).",
        "• Record whether the person has said they do not want help (Making your own choices).",
    ):
        assert line in shown.splitlines(), shown
    current = beginning.page.current_step()
    assert current is not None
    assert current.step.id == "check-in"  # the first thing needed, where it is asked
    # From now on each step lists what is still needed on it, without naming itself.
    assert (
        "Needed before finalising: Record whether the person agreed to notes being "
        "made." in current.findings.texts()
    )
    texts = beginning.step("how-is-it-going").findings.texts()
    assert (
        "Needed before finalising: Ask about outcome 1: still wanted, changed, no longer "
        "wanted or achieved." in texts
    ), texts
    assert not any("agreed to notes" in t for t in texts)


def step_of(page: VisitPage, path: str) -> str | None:
    holder = page.page_for(path)
    return holder.step.id if holder is not None else None


def test_an_outcome_rating_is_asked_for_on_the_closing_step(
    qtbot: QtBot, beginning: Setting
) -> None:
    beginning.held_before(qtbot, builders.complete_visit(beginning.concern), Stage.END)
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id)
    page = beginning.page
    assert step_of(page, "desired_outcomes.0.achieved") == "closing"
    assert step_of(page, "desired_outcomes.0.status") is None  # no status at the end
    assert step_of(page, "experience") == "closing"
    assert step_of(page, "concern.closing_view") == "closing"
    assert step_of(page, "actions.0.status") == "actions"
    assert step_of(page, "plan_review.consent") == "review"
    assert step_of(page, "consent_to_share.basis") == "check-in"
    assert step_of(page, "risks.0.positive_risk.understood") == "risks"


def test_an_experience_answer_before_who_asked_is_kept_at_once(
    qtbot: QtBot, ending: Setting
) -> None:
    visit_id = ending.begin(qtbot)
    ending.open(qtbot, visit_id)
    page = ending.step("closing")
    blocks = {block.question.id: block for block in page.blocks}
    comment = blocks["experience_comment"].editor
    assert isinstance(comment, TextEditor)
    type_text(qtbot, comment.text, "They listened.")
    problem = blocks["experience_comment"].problem
    assert not problem.isVisibleTo(page)
    kept = ending.stored(qtbot, visit_id).experience
    assert kept is not None
    assert kept.asked_by is None  # asked for at finalising, never assumed
    assert kept.comment is not None
    assert kept.comment.text == "They listened."
    choose(blocks["experience_asked_by"].editor, "Someone independent")
    experience = ending.stored(qtbot, visit_id).experience
    assert experience is not None
    assert experience.comment is not None
    assert experience.comment.text == "They listened."  # the words typed first are kept


def test_a_wish_from_last_time_is_reviewed_not_removed(qtbot: QtBot, beginning: Setting) -> None:
    beginning.held_before(qtbot, builders.complete_visit(beginning.concern), Stage.MIDDLE)
    visit_id = beginning.begin(qtbot)
    beginning.open(qtbot, visit_id)
    going = beginning.step("how-is-it-going")
    outcomes = repeating(going, "outcomes_reviewed")
    (earlier,) = outcomes.forms
    assert earlier.title() == "Outcome 1: from an earlier visit"
    assert earlier.carried_note.isVisibleTo(going)
    assert earlier.carried_note.text().startswith("Said at an earlier visit")
    assert earlier.remove_button is not None
    assert not earlier.remove_button.isVisibleTo(going)
    # Something new the person wants can be added here, and removed again.
    qtbot.mouseClick(outcomes.add_button, Qt.MouseButton.LeftButton)
    new = outcomes.forms[-1]
    assert not new.carried
    assert new.remove_button is not None
    assert new.remove_button.isVisibleTo(going)
