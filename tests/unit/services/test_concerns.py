"""A concern from raised to closed and reopened, through the services (real SQLCipher)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from msp_desktop.errors import InvalidInput, RecordReadOnly
from msp_desktop.model import (
    AskedBy,
    ExperienceFeedback,
    OutcomeAchieved,
    RiskOutcome,
    RiskType,
    SG2cActionResult,
    Stage,
)
from msp_desktop.services import concerns
from msp_desktop.store import Workspace
from tests import builders

CEASED = SG2cActionResult.CEASED_AT_REQUEST
TAKEN = SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN
GUIDE = ("msp-visit", "2.0.0")


@pytest.fixture
def person_id(workspace: Workspace) -> str:
    person = builders.person("Eira Example")
    workspace.people.add(person)
    return person.id


def _raised(workspace: Workspace, person_id: str) -> str:
    return concerns.raise_concern(
        workspace,
        person_id,
        raised_on=date.today() - timedelta(days=30),
        types=[RiskType.FINANCIAL_OR_MATERIAL],
        summary="The bank rang about large withdrawals.",
    ).id


def _walk_to_the_end(workspace: Workspace, concern_id: str) -> None:
    """A beginning visit finalised (moves to the middle), then an end visit rated."""
    beginning = workspace.visits.begin(concern_id, GUIDE, date.today() - timedelta(days=20))
    complete = builders.complete_visit(workspace.concerns.get(concern_id))
    workspace.visits.save_draft(
        complete.model_copy(
            update={
                "id": beginning.id,
                "visit_date": beginning.visit_date,
                "stage": Stage.BEGINNING,
            }
        )
    )
    workspace.visits.finalise(beginning.id)
    concerns.move_stage(workspace, concern_id, Stage.END)
    end = workspace.visits.begin(concern_id, GUIDE, date.today() - timedelta(days=2))
    rated = end.revised(
        consent_to_record=True,
        desired_outcomes=[
            o.revised(achieved=OutcomeAchieved.FULLY_ACHIEVED) for o in end.desired_outcomes
        ],
        undue_influence=end.undue_influence.revised(person_declined_help=False),
        actions=[a.revised(status="done") for a in end.actions],
        plan_review=end.plan_review.revised(**dict.fromkeys(end.plan_carried, "same")),
        experience=ExperienceFeedback(asked_by=AskedBy.INDEPENDENT),
    )
    workspace.visits.save_draft(rated)
    workspace.visits.finalise(end.id)


def test_raise_then_close_at_the_end_with_the_national_result(
    workspace: Workspace, person_id: str
) -> None:
    concern_id = _raised(workspace, person_id)
    _walk_to_the_end(workspace, concern_id)

    closed = concerns.close_concern(workspace, concern_id, TAKEN, risk_outcome=RiskOutcome.REDUCED)

    stored = workspace.concerns.get(concern_id)
    assert stored == closed
    assert (stored.status, stored.closed_on, stored.action_result, stored.risk_outcome) == (
        "closed",
        date.today(),
        TAKEN,
        RiskOutcome.REDUCED,
    )
    assert [e.action for e in workspace.audit_entries(concern_id)][-1] == "close"
    # Read-only until reopened: no change, no new visit.
    with pytest.raises(RecordReadOnly, match="closed on"):
        workspace.concerns.update(stored.revised(lead_worker="Someone Else"))
    with pytest.raises(RecordReadOnly, match="closed on"):
        workspace.visits.begin(concern_id, GUIDE, date.today())


def test_the_closing_conversation_is_the_end_visit_that_was_held(
    workspace: Workspace, person_id: str
) -> None:
    concern_id = _raised(workspace, person_id)
    assert concerns.closing_conversation(workspace, concern_id) is None
    _walk_to_the_end(workspace, concern_id)
    found = concerns.closing_conversation(workspace, concern_id)
    assert found is not None
    assert found.stage is Stage.END
    assert [o.achieved for o in found.desired_outcomes] == [OutcomeAchieved.FULLY_ACHIEVED]
    assert found == concerns.closing_check(workspace, concern_id, TAKEN, None, None).end_visit


def test_closing_says_everything_missing_in_words_and_changes_nothing(
    workspace: Workspace, person_id: str
) -> None:
    concern_id = _raised(workspace, person_id)
    workspace.visits.begin(concern_id, GUIDE, date.today())  # a draft is open
    before = (workspace.concerns.get(concern_id), len(workspace.audit_entries()))
    with pytest.raises(InvalidInput) as refused:
        concerns.close_concern(workspace, concern_id, TAKEN)
    assert refused.value.message == (
        "The concern cannot be closed yet. A visit of this concern is still a draft "
        f"({date.today().isoformat()}): finalise it first, so nothing typed is left behind. "
        "Hold the closing conversation first (a visit at the end stage): rate each outcome "
        'with the person and ask about their experience. Only "Enquiry ceased at '
        "individual's request and no action taken\" closes earlier. Say whether the risk "
        "remained, was reduced or was removed."
    )
    assert (workspace.concerns.get(concern_id), len(workspace.audit_entries())) == before


def test_a_risk_outcome_only_with_action_taken(workspace: Workspace, person_id: str) -> None:
    concern_id = _raised(workspace, person_id)
    check = concerns.closing_check(
        workspace, concern_id, CEASED, RiskOutcome.REMOVED, "She asked us to stop."
    )
    assert check.missing == [
        'A risk outcome is recorded only when the result is "Risk identified and action taken".'
    ]


def test_ceased_at_request_closes_at_any_stage_with_a_reason_and_reopens_audited(
    workspace: Workspace, person_id: str
) -> None:
    concern_id = _raised(workspace, person_id)
    with pytest.raises(InvalidInput, match="Say why the person asked for the enquiry to stop"):
        concerns.close_concern(workspace, concern_id, CEASED)
    closed = concerns.close_concern(
        workspace, concern_id, CEASED, reason="Eira asked us to stop; she has capacity."
    )
    assert closed.stage is Stage.BEGINNING
    assert closed.closed_on == date.today()

    reopened = concerns.reopen_concern(workspace, concern_id, "She asked for help again.")

    assert reopened.status == "open"
    assert reopened.closed_on is None
    assert reopened.action_result is None
    (reopening,) = reopened.reopenings
    assert (reopening.was_closed_on, reopening.was_result) == (date.today(), CEASED)
    assert reopening.reason.text == "She asked for help again."
    entry = workspace.audit_entries(concern_id)[-1]
    assert (entry.action, entry.detail["status"]) == ("reopen", "open")
    with pytest.raises(InvalidInput, match="Say why"):
        concerns.reopen_concern(workspace, concern_id, "   ")


def test_the_stage_moves_on_but_never_back_by_accident(
    workspace: Workspace, person_id: str
) -> None:
    concern_id = _raised(workspace, person_id)
    concerns.move_stage(workspace, concern_id, Stage.END)
    with pytest.raises(InvalidInput, match="must be chosen on purpose"):
        concerns.move_stage(workspace, concern_id, Stage.MIDDLE)
    concerns.move_stage(workspace, concern_id, Stage.MIDDLE, back=True)
    assert workspace.concerns.get(concern_id).stage is Stage.MIDDLE
    becauses = [e.detail.get("because") for e in workspace.audit_entries(concern_id)]
    assert becauses[-2:] == ["chosen", "chosen"]


def test_labels_are_letter_exact() -> None:
    assert concerns.label(RiskType, "Self-Neglect", "type") is RiskType.SELF_NEGLECT
    with pytest.raises(InvalidInput, match='"self-neglect" is not a type label'):
        concerns.label(RiskType, "self-neglect", "type")
