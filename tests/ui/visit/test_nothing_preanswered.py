"""No silent defaults: on a new visit, no answer is shown chosen unless the record holds it.

The walk goes through every question of every step the guide shows at each stage, into
every item and group, and compares what the widgets show with the record: a drop-down
on anything but "Not answered yet", a radio button or a tick box that is on, must be
the record's own answer. It runs on a first visit (nothing before it) and on a visit
that brings the plan and the open actions forward, whose review questions (outcomes,
carried actions, each part of the plan) must all start unanswered.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from msp_desktop.guide import read_answer
from msp_desktop.model import (
    Action,
    ActionOwner,
    Advocate,
    AdvocateStatus,
    AdvocateType,
    CapacityStatus,
    Note,
    Risk,
    RiskType,
    Stage,
    SupportToDecide,
    UndueInfluence,
    Visit,
)
from tests import builders
from tests.ui.visit.conftest import Setting
from ui.visit.editors import (
    NOT_ANSWERED,
    AnswerEditor,
    ChoiceEditor,
    DateEditor,
    LinesEditor,
    MultiChoiceEditor,
    OutcomeLinksEditor,
    ScaleEditor,
    ShortTextEditor,
    TextEditor,
    YesNoEditor,
)
from ui.visit.items import GroupEditor, ItemForm, RepeatingEditor


class Walk:
    """Counts what was compared, so the test cannot pass by looking at nothing."""

    def __init__(self) -> None:
        self.choices = 0  # drop-downs and rows of radio buttons: one answer each
        self.boxes = 0  # tick boxes
        self.unanswered = 0
        self.ticked = 0

    def editor(self, editor: AnswerEditor, held: Any, where: str) -> None:
        """Check one editor against ``held``, the record's answer (``None``: none)."""
        if isinstance(editor, RepeatingEditor):
            # Every item of the record has its form; a form just added holds nothing yet.
            kept = [form.saved for form in editor.forms if form.saved is not None]
            assert kept == list(held or []), where
            for number, form in enumerate(editor.forms):
                self.form(form, form.saved, f"{where}.{number}")
        elif isinstance(editor, GroupEditor):
            self.form(editor.form, held, where)
        elif isinstance(editor, ChoiceEditor):
            self.choices += 1
            if held is None:
                self.unanswered += 1
                assert editor.combo.currentIndex() == 0, where
                assert editor.combo.currentText() == NOT_ANSWERED, where
            else:
                assert editor.value() == held, where
        elif isinstance(editor, YesNoEditor | ScaleEditor):
            self.choices += 1
            checked = [b for b in editor.group.buttons() if b.isChecked()]
            if held is None:
                self.unanswered += 1
                assert checked == [], f"{where}: {[b.text() for b in checked]}"
            else:
                assert editor.value() == held, where
        elif isinstance(editor, MultiChoiceEditor | OutcomeLinksEditor):
            boxes: list[QAbstractButton] = [box for _value, box in editor.boxes]
            self.boxes += len(boxes)
            self.ticked += sum(b.isChecked() for b in boxes)
            assert set(editor.value()) == set(held or []), where
            assert sum(b.isChecked() for b in boxes) == len(set(held or [])), where
        elif isinstance(editor, TextEditor):
            assert editor.text.toPlainText() == (held.text if held is not None else ""), where
        elif isinstance(editor, LinesEditor):
            assert [getattr(v, "text", v) for v in editor.value()] == [
                getattr(v, "text", v) for v in held or []
            ], where
        elif isinstance(editor, ShortTextEditor | DateEditor):
            assert editor.value() == held, where
        else:  # a new kind of editor must be added to this walk
            raise AssertionError(f"{where}: {type(editor).__name__} is not checked")

    def form(self, form: ItemForm, item: Any, where: str) -> None:
        for sub, editor in zip(form.question.item_fields, form.editors, strict=True):
            held = getattr(item, sub.field) if item is not None else None
            self.editor(editor, held, f"{where}.{sub.field}")


def walk_every_step(setting: Setting, walk: Walk, *, go: bool = True) -> None:
    """Go to each step in turn (or with ``go=False`` look at each as it is, so items
    just added stay) and check every question on it against the record."""
    page = setting.page
    for row, step in enumerate(page.pages):
        if go:
            page.steps.setCurrentRow(row)
            assert page.current_step() is step
        assert page.visit is not None
        for block in step.blocks:
            if block.isHidden():
                continue  # a review of a part of the plan that was not brought forward
            held = read_answer(page.visit, page.concern, block.question)
            walk.editor(block.editor, held, f"{step.step.id}: {block.question.id}")


def add_one_of_each(setting: Setting) -> None:
    """Press every "Add" button once: a new item starts with nothing chosen either."""
    for step in setting.page.pages:
        for editor in step.repeating_editors():
            if editor.question.new_items:
                editor.add_button.click()


def planned_visit(setting: Setting) -> Visit:
    """A first visit with every part of the plan and two actions (one done)."""
    earlier = builders.complete_visit(setting.concern, words="I want to keep my own money.")
    outcome_ids = [earlier.desired_outcomes[0].id]
    return earlier.revised(
        risks=[Risk(risk_type=RiskType.FINANCIAL_OR_MATERIAL)],
        safety_plan=Note(text="Ring my daughter if he asks for money again."),
        support_to_decide=SupportToDecide(
            decision=Note(text="Whether to open a new bank account."),
            capacity=CapacityStatus.HAS_CAPACITY,
            capacity_assessed_by="Jo Worker",
            capacity_assessed_on=date(2026, 11, 2),
            advocates=[Advocate(type=AdvocateType.FRIEND, status=AdvocateStatus.OFFERED)],
        ),
        undue_influence=UndueInfluence(
            person_declined_help=False, planned_support=Note(text="Speak to Ada alone.")
        ),
        actions=[
            earlier.actions[0].revised(owner=ActionOwner.WORKER),
            Action(
                what=Note(text="Ada keeps her bank card upstairs."),
                owner=ActionOwner.PERSON,
                outcome_ids=outcome_ids,
                status="done",
            ),
        ],
    )


@pytest.mark.parametrize("stage", [Stage.BEGINNING, Stage.MIDDLE, Stage.END])
def test_a_first_visit_shows_no_answer_chosen(
    qtbot: QtBot, beginning: Setting, stage: Stage
) -> None:
    beginning.run(qtbot, lambda ws: ws.concerns.set_stage(beginning.concern.id, stage))
    beginning.open(qtbot, beginning.begin(qtbot))
    walk = Walk()
    walk_every_step(beginning, walk)
    add_one_of_each(beginning)
    walk_every_step(beginning, walk, go=False)  # new, empty items: nothing chosen in them
    assert walk.choices > 25
    assert walk.boxes > 20
    # Nothing came before this visit: every single choice is unanswered, no box ticked.
    assert walk.unanswered == walk.choices
    assert walk.ticked == 0


@pytest.mark.parametrize("stage", [Stage.MIDDLE, Stage.END])
def test_what_is_brought_forward_is_shown_and_its_reviews_start_unanswered(
    qtbot: QtBot, beginning: Setting, stage: Stage
) -> None:
    beginning.held_before(qtbot, planned_visit(beginning), stage)
    beginning.open(qtbot, beginning.begin(qtbot))
    walk = Walk()
    walk_every_step(beginning, walk)
    visit = beginning.page.visit
    assert visit is not None
    # The plan came forward as it was (it is the plan, not an answer)...
    assert visit.support_to_decide.capacity is CapacityStatus.HAS_CAPACITY
    assert visit.safety_plan is not None
    # ...and every question about it starts unanswered.
    assert [a.status for a in visit.actions] == [None]  # the done one is not brought back
    assert [o.status for o in visit.desired_outcomes] == [None]
    assert [o.achieved for o in visit.desired_outcomes] == [None]
    assert visit.undue_influence.person_declined_help is None
    assert visit.plan_review.model_dump() == dict.fromkeys(visit.plan_review.model_dump())
    assert walk.choices > 25
    assert walk.ticked > 0  # the plan's own answers do show
    add_one_of_each(beginning)
    walk_every_step(beginning, walk, go=False)
