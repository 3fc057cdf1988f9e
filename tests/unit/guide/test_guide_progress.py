"""The state of each step in words: not started, in progress, needs attention, done."""

from __future__ import annotations

import pytest

from msp_desktop.guide import Guide, load_guide
from msp_desktop.guide.conditions import evaluate
from msp_desktop.guide.progress import StepProgress, step_progress
from msp_desktop.model import (
    Advocate,
    AdvocateStatus,
    AdvocateType,
    CapacityStatus,
    DesiredOutcome,
    Note,
    OutcomeAchieved,
    OutcomeStatus,
    SG4aAsked,
    Stage,
    SubstantialDifficultyArea,
    SupportToDecide,
    Visit,
)
from msp_desktop.practice import Finding, Severity
from tests import builders


@pytest.fixture(scope="module")
def guide() -> Guide:
    return load_guide()


def _progress(
    guide: Guide,
    step_id: str,
    visit: Visit,
    stage: Stage = Stage.BEGINNING,
    findings: list[Finding] | None = None,
) -> StepProgress:
    state = evaluate(guide, stage, visit)
    return step_progress(guide.step(step_id), visit, None, state, findings or [])


def _visit(**fields: object) -> Visit:
    return builders.draft_visit(builders.concern(builders.person()), **fields)


def test_nothing_answered_is_not_started(guide: Guide) -> None:
    assert _progress(guide, "support-to-decide", _visit()) is StepProgress.NOT_STARTED


def test_some_answered_is_in_progress_and_all_shown_answered_is_done(guide: Guide) -> None:
    some = SupportToDecide(capacity=CapacityStatus.NOT_ASSESSED)
    assert (
        _progress(guide, "support-to-decide", _visit(support_to_decide=some))
        is StepProgress.IN_PROGRESS
    )
    assert (
        _progress(
            guide,
            "what-matters",
            _visit(desired_outcomes=[DesiredOutcome(words=Note(text="To feel safe"))]),
        )
        is StepProgress.IN_PROGRESS
    )


def test_hidden_questions_do_not_hold_a_step_back(guide: Guide) -> None:
    words = Note(text="To feel safe")
    visit = _visit(desired_outcomes=[DesiredOutcome(words=words)], sg4a_asked=SG4aAsked.EXPRESSED)
    assert _progress(guide, "what-matters", visit) is StepProgress.DONE
    # Who assessed capacity is hidden while it was not assessed, so it is not counted;
    # with "has capacity" it shows and, unanswered, keeps the step in progress.
    not_assessed = SupportToDecide(
        decision=Note(text="Where to live"),
        capacity=CapacityStatus.NOT_ASSESSED,
        substantial_difficulty=[SubstantialDifficultyArea.RETAINING],
        appropriate_person_available=False,
        advocates=[Advocate(type=AdvocateType.CARE_ACT_ADVOCATE, status=AdvocateStatus.OFFERED)],
    )
    state = evaluate(guide, Stage.BEGINNING, _visit(support_to_decide=not_assessed))
    assert not state.shows("capacity_assessed_by")
    assert _progress(guide, "support-to-decide", _visit(support_to_decide=not_assessed)) is (
        StepProgress.DONE
    )
    assessed = not_assessed.revised(capacity=CapacityStatus.HAS_CAPACITY)
    assert _progress(guide, "support-to-decide", _visit(support_to_decide=assessed)) is (
        StepProgress.IN_PROGRESS
    )


def test_an_item_is_answered_when_where_it_stands_is(guide: Guide) -> None:
    # "How is it going?": the person's view of progress may stay unwritten, but whether
    # each outcome is still wanted must be asked before the step is done.
    outcome = DesiredOutcome(words=Note(text="To feel safe"))
    step = guide.step("how-is-it-going")
    asked = SG4aAsked.EXPRESSED
    open_outcome = _visit(desired_outcomes=[outcome], sg4a_asked=asked)
    state = evaluate(guide, Stage.MIDDLE, open_outcome)
    assert step_progress(step, open_outcome, None, state) is StepProgress.IN_PROGRESS
    wanted = outcome.revised(status=OutcomeStatus.STILL_WANTED)
    reviewed = _visit(desired_outcomes=[wanted], sg4a_asked=asked)
    state = evaluate(guide, Stage.MIDDLE, reviewed)
    assert step_progress(step, reviewed, None, state) is StepProgress.DONE


def test_a_blocking_finding_on_the_step_needs_attention(guide: Guide) -> None:
    blocker = Finding("x", Severity.REQUIRED, "Record it.", "visit_date")
    warning = Finding("y", Severity.WARNING, "Think about it.", "visit_date")
    visit = _visit()
    assert _progress(guide, "check-in", visit, findings=[warning]) is StepProgress.NOT_STARTED
    assert _progress(guide, "check-in", visit, findings=[blocker]) is (StepProgress.NEEDS_ATTENTION)


def test_looking_back_counts_the_parts_asked_for_each_item(guide: Guide) -> None:
    # On Closing the outcomes are looked back at (their words are read-only): only a
    # rating counts as an answer.
    outcome = DesiredOutcome(words=Note(text="To feel safe"))
    step = guide.step("closing")
    bare = _visit(desired_outcomes=[outcome])
    state = evaluate(guide, Stage.END, bare)
    assert step_progress(step, bare, None, state) is StepProgress.NOT_STARTED
    rated = _visit(desired_outcomes=[outcome.revised(achieved=OutcomeAchieved.FULLY_ACHIEVED)])
    state = evaluate(guide, Stage.END, rated)
    assert step_progress(step, rated, None, state) is StepProgress.IN_PROGRESS


def test_nothing_to_look_back_at_is_done(guide: Guide) -> None:
    visit = _visit()
    state = evaluate(guide, Stage.MIDDLE, visit)
    assert step_progress(guide.step("review"), visit, None, state) is StepProgress.DONE
