"""Alt+letter on the visit page, at every step of a visit at each stage, and once the
visit is finalised: no two controls share a letter, and each letter, pressed, reaches
its control (tests/ui/mnemonics.py)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests import builders
from tests.ui.mnemonics import check_window
from tests.ui.visit.conftest import Setting
from ui.visit.amend_dialog import AmendDialog


@pytest.mark.parametrize("stage", ["beginning", "middle", "ending"])
def test_every_step_of_a_draft_visit(
    qtbot: QtBot, stage: str, request: pytest.FixtureRequest
) -> None:
    setting: Setting = request.getfixturevalue(stage)
    setting.open(qtbot, setting.begin(qtbot))
    page = setting.page
    for step in [p.step.id for p in page.pages]:
        setting.step(step)
        found = {m.keys for m in check_window(qtbot, page)}
        assert {"Alt+B", "Alt+F"} <= found, step  # Back to the person, Finalise


def test_a_finalised_visit(qtbot: QtBot, beginning: Setting) -> None:
    visit = builders.complete_visit(beginning.concern)

    def finalise(ws: object) -> None:
        ws.visits.start(visit)  # type: ignore[attr-defined]
        ws.visits.finalise(visit.id)  # type: ignore[attr-defined]

    beginning.run(qtbot, finalise)
    beginning.open(qtbot, visit.id)
    page = beginning.page
    for step in [p.step.id for p in page.pages]:
        beginning.step(step)
        found = {m.keys for m in check_window(qtbot, page)}
        assert {"Alt+M", "Alt+G"} <= found, step  # Amend…, Give the person a copy…


def test_the_amend_dialog(qtbot: QtBot) -> None:
    dialog = AmendDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    check_window(qtbot, dialog)
