"""Finalising follows the visit's guide: hidden answers are kept in the draft and left
out of what is finalised (and so of what is sent and printed); the guide's own
required answers block finalising. Real SQLCipher workspace."""

from __future__ import annotations

import pytest

from msp_desktop.model import Note, PresentPerson, SupportToDecide
from msp_desktop.store import CannotFinalise, Workspace
from tests import builders


@pytest.fixture
def concern_id(workspace: Workspace) -> str:
    person = builders.person()
    concern = builders.concern(person)
    workspace.people.add(person)
    workspace.concerns.add(concern)
    return concern.id


def test_a_hidden_answer_stays_in_the_draft_and_is_left_out_when_finalised(
    workspace: Workspace, concern_id: str
) -> None:
    concern = workspace.concerns.get(concern_id)
    visit = builders.complete_visit(concern).revised(
        guide_id="msp-visit",
        support_to_decide=SupportToDecide(
            appropriate_person_available=False,
            appropriate_person=Note.third_party("Sam Sample, a neighbour"),
        ),
    )
    workspace.visits.start(visit)
    draft = workspace.visits.get(visit.id).visit
    assert draft.support_to_decide.appropriate_person is not None  # kept while a draft

    workspace.visits.finalise(visit.id)

    final = workspace.visits.get(visit.id)
    assert final.is_final
    assert final.visit.support_to_decide.appropriate_person is None
    assert final.visit.support_to_decide.appropriate_person_available is False
    untouched = {"support_to_decide"}
    assert final.visit.model_dump(exclude=untouched) == visit.model_dump(exclude=untouched)
    entry = next(e for e in workspace.audit_entries() if e.action == "finalise")
    assert entry.detail["left_out"] == ["support_to_decide.appropriate_person"]
    assert workspace.check().healthy  # the finalised content still hashes to its audit entry


def test_the_guide_s_required_answer_blocks_finalising_and_changes_nothing(
    workspace: Workspace, concern_id: str
) -> None:
    concern = workspace.concerns.get(concern_id)
    visit = builders.complete_visit(concern).revised(
        guide_id="msp-visit",
        present=[PresentPerson(name="Sam Sample")],
    )
    workspace.visits.start(visit)
    before = workspace.visits.get(visit.id)
    with pytest.raises(CannotFinalise) as refused:
        workspace.visits.finalise(visit.id)
    assert [f.code for f in refused.value.findings] == ["guide_required"]
    assert "Answer “Why they are here” (item 1) (Checking in)." in refused.value.message
    assert workspace.visits.get(visit.id) == before
