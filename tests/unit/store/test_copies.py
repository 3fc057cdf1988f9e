"""The safety question's answer, document audit entries and the service on the copies."""

from __future__ import annotations

import json

import pytest

from msp_desktop.errors import InvalidInput, RecordNotFound, StorageFull
from msp_desktop.model import CopyChoice
from msp_desktop.store import VisitNotFinalised, Workspace
from msp_desktop.store import audit as audit_log
from msp_desktop.store.connection import DatabaseErrors
from msp_desktop.store.service_details import DEFAULT_SERVICE_NAME, DEFAULT_SERVICE_PHONE
from tests import builders

SHA = "ab" * 32


@pytest.fixture
def visit_id(workspace: Workspace) -> str:
    """A finalised visit (revision 1)."""
    person = builders.person()
    concern = builders.concern(person)
    workspace.people.add(person)
    workspace.concerns.add(concern)
    visit = builders.complete_visit(concern)
    workspace.visits.start(visit)
    workspace.visits.finalise(visit.id)
    return visit.id


def _revision_row(ws: Workspace, visit_id: str) -> tuple[object, ...] | None:
    return ws.db.one("SELECT * FROM visit_revisions WHERE visit_id = ?", (visit_id,))


def _actions(ws: Workspace, entity_id: str) -> list[str]:
    return [e.action for e in ws.audit_entries(entity_id)]


def test_a_decision_is_kept_for_the_finalised_revision_without_changing_it(
    workspace: Workspace, visit_id: str
) -> None:
    before = _revision_row(workspace, visit_id)

    given = workspace.copies.record(visit_id, CopyChoice.KEEP, "easy-read", "cy", True, SHA)

    assert (given.visit_id, given.revision, given.choice) == (visit_id, 1, CopyChoice.KEEP)
    assert (given.style, given.lang, given.neutral_title) == ("easy-read", "cy", True)
    assert given.given_by == "Test Worker"
    assert given.document_sha256 == SHA
    assert workspace.copies.for_visit(visit_id) == [given]
    assert _revision_row(workspace, visit_id) == before
    entry = workspace.audit_entries(visit_id)[-1]
    assert (entry.action, entry.entity, entry.revision) == ("copy_decision", "visit", 1)
    assert entry.detail == {
        "choice": "keep",
        "style": "easy-read",
        "lang": "cy",
        "neutral_title": True,
    }
    report = workspace.check()
    assert report.healthy, report.problems


def test_no_copy_has_no_format_and_no_document(workspace: Workspace, visit_id: str) -> None:
    given = workspace.copies.record(visit_id, "no_copy", None, "en")
    assert given.choice is CopyChoice.NO_COPY
    assert given.style is None
    assert given.document_sha256 is None
    assert workspace.audit_entries(visit_id)[-1].detail["style"] is None
    with pytest.raises(InvalidInput, match="no format"):
        workspace.copies.record(visit_id, CopyChoice.NO_COPY, "plain", "en")
    with pytest.raises(InvalidInput, match="no format"):
        workspace.copies.record(visit_id, CopyChoice.NO_COPY, None, "en", document_sha256=SHA)
    assert len(workspace.copies.for_visit(visit_id)) == 1


@pytest.mark.parametrize(
    ("choice", "style", "lang", "sha", "message"),
    [
        ("maybe", "plain", "en", None, "not an answer"),
        (CopyChoice.KEEP, None, "en", None, "format of the copy"),
        (CopyChoice.TRUSTED_PERSON, "huge-print", "en", None, "format of the copy"),
        (CopyChoice.COLLECT_LATER, "plain", "fr", None, "language of the copy"),
        (CopyChoice.KEEP, "plain", "en", "not-a-hash", "SHA-256"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_kept(
    workspace: Workspace,
    visit_id: str,
    choice: str,
    style: str | None,
    lang: str,
    sha: str | None,
    message: str,
) -> None:
    entries = len(workspace.audit_entries())
    with pytest.raises(InvalidInput, match=message):
        workspace.copies.record(visit_id, choice, style, lang, False, sha)
    assert workspace.copies.for_visit(visit_id) == []
    assert len(workspace.audit_entries()) == entries


def test_a_draft_is_never_given(workspace: Workspace, visit_id: str) -> None:
    concern_id = workspace.visits.get(visit_id).visit.concern_id
    draft = builders.draft_visit(workspace.concerns.get(concern_id))
    workspace.visits.start(draft)
    workspace.visits.amend(visit_id, "A date was wrong")  # revision 2 is a draft
    for vid in (draft.id, visit_id):
        with pytest.raises(VisitNotFinalised, match="still a draft") as raised:
            workspace.copies.record(vid, CopyChoice.KEEP, "plain", "en")
        assert raised.value.exit_code == 9
        with pytest.raises(VisitNotFinalised):
            workspace.copies.record(vid, CopyChoice.NO_COPY, None, "en")
        assert workspace.copies.for_visit(vid) == []
        assert "copy_decision" not in _actions(workspace, vid)


def test_the_revision_the_copy_was_made_from_must_still_be_current(
    workspace: Workspace, visit_id: str
) -> None:
    workspace.copies.record(visit_id, CopyChoice.KEEP, "plain", "en", revision=1)
    workspace.visits.amend(visit_id, "Spelling")
    workspace.visits.finalise(visit_id)
    with pytest.raises(InvalidInput, match="changed while the copy was being made"):
        workspace.copies.record(visit_id, CopyChoice.KEEP, "plain", "en", revision=1)
    again = workspace.copies.record(visit_id, CopyChoice.KEEP, "plain", "en", revision=2)
    assert [c.revision for c in workspace.copies.for_visit(visit_id)] == [1, 2]
    assert again.revision == 2


def test_unknown_visit(workspace: Workspace) -> None:
    with pytest.raises(RecordNotFound):
        workspace.copies.record("no-such-visit", CopyChoice.KEEP, "plain", "en")


def test_decision_and_audit_entry_commit_together(
    workspace: Workspace, visit_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise StorageFull("full")

    monkeypatch.setattr(audit_log, "append", full)
    with pytest.raises(StorageFull):
        workspace.copies.record(visit_id, CopyChoice.KEEP, "plain", "en")
    monkeypatch.undo()
    assert workspace.copies.for_visit(visit_id) == []


def test_the_database_keeps_decisions_as_recorded(workspace: Workspace, visit_id: str) -> None:
    workspace.copies.record(visit_id, CopyChoice.KEEP, "plain", "en")
    for sql in ("UPDATE copies_given SET choice = 'no_copy'", "DELETE FROM copies_given"):
        with pytest.raises(DatabaseErrors, match="kept as recorded"):
            workspace.db.execute(sql)
    # The table's own checks refuse what the repository refuses.
    with pytest.raises(DatabaseErrors, match="CHECK"):
        workspace.db.execute(
            "INSERT INTO copies_given (id, visit_id, revision, choice, style, lang,"
            " neutral_title, given_at, given_by) VALUES ('x', ?, 1, 'no_copy', 'plain',"
            " 'en', 0, 'now', 'me')",
            (visit_id,),
        )


@pytest.mark.parametrize("action", ["print", "save_pdf", "office_record", "feedback_form"])
def test_documents_are_audited(workspace: Workspace, visit_id: str, action: str) -> None:
    concern_id = workspace.visits.get(visit_id).visit.concern_id
    entity, entity_id = ("concern", concern_id) if "form" in action else ("visit", visit_id)
    entry = workspace.audit_document(
        action, entity, entity_id, {"lang": "cy", "sha256": SHA}, revision=None
    )
    assert workspace.audit_entries(entity_id)[-1] == entry
    assert (entry.action, entry.entity, entry.detail) == (
        action,
        entity,
        {"lang": "cy", "sha256": SHA},
    )
    assert workspace.check().healthy


def test_document_audit_refuses_what_it_does_not_know(workspace: Workspace, visit_id: str) -> None:
    entries = len(workspace.audit_entries())
    with pytest.raises(InvalidInput, match="not a document action"):
        workspace.audit_document("email", "visit", visit_id)
    with pytest.raises(InvalidInput, match="visit or a concern"):
        workspace.audit_document("print", "person", visit_id)
    with pytest.raises(RecordNotFound):
        workspace.audit_document("print", "concern", visit_id)
    with pytest.raises(InvalidInput, match="plain value"):
        workspace.audit_document("print", "visit", visit_id, {"words": ["a", "list"]})
    assert len(workspace.audit_entries()) == entries


def test_service_defaults_until_set_then_kept(workspace: Workspace) -> None:
    first = workspace.service()
    assert (first.name, first.phone, first.email, first.is_set) == (
        DEFAULT_SERVICE_NAME,
        DEFAULT_SERVICE_PHONE,
        None,
        False,
    )
    saved = workspace.set_service(
        "  Sampletown   Adult Social Care ", "01234 567890", "a@b.example"
    )
    assert (saved.name, saved.phone, saved.email, saved.is_set) == (
        "Sampletown Adult Social Care",
        "01234 567890",
        "a@b.example",
        True,
    )
    assert workspace.service() == saved
    assert workspace.set_service("Team", "0800", None).email is None
    entry = workspace.audit_entries("service")[-1]
    assert entry.action == "update"
    assert "0800" not in json.dumps(entry.detail)
    for name, phone in (("", "0800"), ("Team", "  "), ("x" * 201, "0800")):
        with pytest.raises(InvalidInput):
            workspace.set_service(name, phone)
    assert workspace.service().name == "Team"


def test_visits_of_one_concern(workspace: Workspace, visit_id: str) -> None:
    other_person = builders.person("Bryn Sample")
    other = builders.concern(other_person)
    workspace.people.add(other_person)
    workspace.concerns.add(other)
    workspace.visits.start(builders.draft_visit(other))
    concern_id = workspace.visits.get(visit_id).visit.concern_id
    assert [v.id for v in workspace.visits.list(concern_id=concern_id)] == [visit_id]
    assert len(workspace.visits.list()) == 2


def test_the_return_address_is_kept_replaced_whole_and_audited_without_its_words(
    workspace: Workspace,
) -> None:
    assert workspace.service().return_address is None
    address = "Freepost RTXX-ABCD,  Adult Social Care, Town Hall"
    saved = workspace.set_service("Team", "0800", None, address)
    assert saved.return_address == "Freepost RTXX-ABCD, Adult Social Care, Town Hall"
    assert workspace.service() == saved
    entry = workspace.audit_entries("service")[-1]
    assert entry.detail == {"email": False, "return_address": True}
    # The details are replaced whole, as the email is: not given, it is removed.
    assert workspace.set_service("Team", "0800").return_address is None
    with pytest.raises(InvalidInput, match="return address is longer than 200"):
        workspace.set_service("Team", "0800", None, "x" * 201)
    assert workspace.service().return_address is None
