"""Visits with revisions: drafts save in place, finalised is read-only, amend adds one."""

from __future__ import annotations

from datetime import date

import pytest

from msp_desktop.errors import InvalidInput, RecordNotFound, RecordReadOnly
from msp_desktop.model import Note, Stage, Visit
from msp_desktop.store import CannotFinalise, Workspace
from tests import builders


@pytest.fixture
def concern_id(workspace: Workspace) -> str:
    p = builders.person()
    c = builders.concern(p)
    workspace.people.add(p)
    workspace.concerns.add(c)
    return c.id


def _started(workspace: Workspace, concern_id: str, visit: Visit | None = None) -> Visit:
    concern = workspace.concerns.get(concern_id)
    visit = visit or builders.complete_visit(concern)
    changes = workspace.visits.start(visit)
    assert changes.visits == {visit.id}
    return visit


def test_draft_saves_in_place_and_returns_what_changed(
    workspace: Workspace, concern_id: str
) -> None:
    visit = _started(
        workspace, concern_id, builders.draft_visit(workspace.concerns.get(concern_id))
    )
    edited = visit.model_copy(update={"place": "Kitchen table"})
    changes = workspace.visits.save_draft(edited)
    assert changes.visits == {visit.id}
    assert changes.saved_at is not None
    record = workspace.visits.get(visit.id)
    assert record.visit.place == "Kitchen table"
    assert record.info.revision == 1
    assert record.info.status == "draft"
    assert len(workspace.visits.revisions(visit.id)) == 1


def test_finalise_is_refused_with_what_is_missing(workspace: Workspace, concern_id: str) -> None:
    visit = _started(
        workspace, concern_id, builders.draft_visit(workspace.concerns.get(concern_id))
    )
    with pytest.raises(CannotFinalise) as caught:
        workspace.visits.finalise(visit.id)
    codes = {f.code for f in caught.value.findings}
    assert {"visit_date_missing", "consent_to_record_missing", "outcomes_asked_missing"} <= codes
    assert caught.value.message.startswith("This visit cannot be finalised yet.")
    assert workspace.visits.get(visit.id).info.status == "draft"


def test_finalised_visit_is_read_only(workspace: Workspace, concern_id: str) -> None:
    visit = _started(workspace, concern_id)
    workspace.visits.finalise(visit.id)
    record = workspace.visits.get(visit.id)
    assert record.is_final
    assert record.info.finalised_by == "Test Worker"
    assert record.info.content_sha256 is not None

    with pytest.raises(RecordReadOnly, match="Amend"):
        workspace.visits.save_draft(visit.model_copy(update={"place": "changed"}))
    with pytest.raises(RecordReadOnly):
        workspace.visits.finalise(visit.id)
    assert workspace.visits.get(visit.id).visit == visit


def test_database_itself_refuses_to_edit_a_finalised_revision(
    workspace: Workspace, concern_id: str
) -> None:
    visit = _started(workspace, concern_id)
    workspace.visits.finalise(visit.id)
    with pytest.raises(Exception, match="read-only"):
        workspace.db.execute(
            "UPDATE visit_revisions SET data = '{}' WHERE visit_id = ?", (visit.id,)
        )
    with pytest.raises(Exception, match="read-only"):
        workspace.db.execute("DELETE FROM visit_revisions WHERE visit_id = ?", (visit.id,))


def test_amend_makes_a_new_revision_with_reason_author_and_time(
    workspace: Workspace, concern_id: str
) -> None:
    visit = _started(workspace, concern_id)
    workspace.visits.finalise(visit.id)

    with pytest.raises(InvalidInput, match="Say why"):
        workspace.visits.amend(visit.id, "   ")
    workspace.visits.amend(visit.id, "Spelling of the bank's name")

    revisions = workspace.visits.revisions(visit.id)
    assert [(r.revision, r.status) for r in revisions] == [(1, "finalised"), (2, "draft")]
    assert revisions[1].reason == "Spelling of the bank's name"
    assert revisions[1].author == "Test Worker"
    assert revisions[1].created_at.endswith("Z")

    amended = visit.model_copy(update={"check_in_notes": Note.internal("Bank is Lloyds.")})
    workspace.visits.save_draft(amended)
    workspace.visits.finalise(visit.id)
    assert workspace.visits.get(visit.id, revision=1).visit == visit
    assert workspace.visits.get(visit.id).visit == amended
    assert [r.status for r in workspace.visits.revisions(visit.id)] == ["finalised"] * 2


def test_amend_of_a_draft_is_refused(workspace: Workspace, concern_id: str) -> None:
    visit = _started(workspace, concern_id)
    with pytest.raises(InvalidInput, match="still a draft"):
        workspace.visits.amend(visit.id, "reason")


def test_unknown_visit_and_wrong_links(workspace: Workspace, concern_id: str) -> None:
    with pytest.raises(RecordNotFound, match="No visit"):
        workspace.visits.get("no-such-visit")
    concern = workspace.concerns.get(concern_id)
    stranger = builders.person("Bryn Sample")
    workspace.people.add(stranger)
    wrong = builders.draft_visit(concern).model_copy(update={"person_id": stranger.id})
    with pytest.raises(InvalidInput, match="another person"):
        workspace.visits.start(wrong)
    assert workspace.visits.count() == 0


def test_visits_list_is_newest_first(workspace: Workspace, concern_id: str) -> None:
    first = _started(workspace, concern_id)
    second = _started(
        workspace,
        concern_id,
        builders.complete_visit(workspace.concerns.get(concern_id)).model_copy(
            update={"visit_date": first.visit_date.replace(day=20) if first.visit_date else None}
        ),
    )
    listed = workspace.visits.list()
    assert [v.id for v in listed] == [second.id, first.id]
    assert listed[0].person_name == "Ada Example"


def test_finalising_a_beginning_visit_moves_the_concern_to_the_middle(
    workspace: Workspace, concern_id: str
) -> None:
    first = _started(workspace, concern_id)
    workspace.visits.finalise(first.id)
    assert workspace.concerns.get(concern_id).stage is Stage.MIDDLE
    stage_entry = [e for e in workspace.audit_entries(concern_id) if e.action == "stage"][-1]
    assert stage_entry.detail == {
        "stage": "middle",
        "status": "open",
        "from_stage": "beginning",
        "because": "visit_finalised",
    }


def test_begin_brings_forward_outcomes_unanswered_and_every_open_action(
    workspace: Workspace, concern_id: str
) -> None:
    first = _started(workspace, concern_id)
    workspace.visits.finalise(first.id)
    ref = ("msp-visit", "2.0.0")

    middle = workspace.visits.begin(concern_id, ref, date(2026, 11, 20))

    assert middle.stage is Stage.MIDDLE
    assert (middle.guide_id, middle.guide_version) == ref
    assert [o.id for o in middle.desired_outcomes] == [o.id for o in first.desired_outcomes]
    assert [o.words for o in middle.desired_outcomes] == [o.words for o in first.desired_outcomes]
    # The review and the rating are this visit's questions: nothing is answered for them.
    assert all(o.status is None and o.achieved is None for o in middle.desired_outcomes)
    assert middle.sg4a_asked == first.sg4a_asked
    (carried,) = middle.actions
    assert carried.id == first.actions[0].id
    assert carried.what == first.actions[0].what
    assert (carried.carried, carried.status) == (True, None)
    assert workspace.visits.get(middle.id).info.status == "draft"


def test_closing_answers_on_the_concern_save_with_the_draft(
    workspace: Workspace, concern_id: str
) -> None:
    visit = _started(
        workspace, concern_id, builders.draft_visit(workspace.concerns.get(concern_id))
    )
    concern = workspace.concerns.get(concern_id)
    closing = concern.revised(closing_view=Note(text="Happy for it to close."))
    workspace.visits.save_draft(visit.revised(place="Home"), closing)
    assert workspace.concerns.get(concern_id) == closing
    assert workspace.visits.get(visit.id).visit.place == "Home"


def test_a_refused_draft_save_leaves_the_concern_too(workspace: Workspace, concern_id: str) -> None:
    visit = _started(workspace, concern_id)
    workspace.visits.finalise(visit.id)
    concern = workspace.concerns.get(concern_id)
    with pytest.raises(RecordReadOnly):
        workspace.visits.save_draft(
            visit.revised(place="x"), concern.revised(closing_view=Note(text="No."))
        )
    assert workspace.concerns.get(concern_id) == concern
