"""A person the office moved to another device leaves this one only when everything of
theirs is at the office (issue 17, item 2): a real encrypted workspace, real packs and
receipts signed with real keys. Released at once when the office holds it all, at the
receipt that acknowledges the last record otherwise, never while a visit is a draft."""

from __future__ import annotations

from pathlib import Path

from msp_desktop.bundles.pack import Change, SealedPack
from msp_desktop.cli.output import pack_sentence
from msp_desktop.services.export import export_bundles
from msp_desktop.store import Workspace
from msp_desktop.store.leaving import Leaving, leaving_status
from msp_desktop.store.outbox import pending_records
from msp_desktop.store.packs import PackResult
from tests.sync_helpers import (
    Office,
    draft_visit,
    finalised_visit,
    person_with_concern,
    ready,
    send_and_acknowledge,
)


def _remove(office: Office, enrolment: bytes, person_id: str, sequence: int = 1,
            previous: SealedPack | None = None) -> SealedPack:  # fmt: skip
    change = Change(change="remove", kind="person", id=person_id)
    return office.pack(enrolment, [change], [], sequence=sequence,
                       previous=previous.sha256 if previous else None)  # fmt: skip


def _held(ws: Workspace, person_id: str) -> dict[str, int]:
    counts = {}
    for table in ("people", "concerns", "visits", "actions", "contacts"):
        column = "id" if table == "people" else "person_id"
        counts[table] = int(ws.db.scalar(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?",
                                         (person_id,)))  # fmt: skip
    return counts


def _released_entries(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.db.all("SELECT entity_id, detail FROM audit WHERE action = 'release'")


def test_a_person_whose_records_the_office_holds_leaves_with_the_pack(
    workspace: Workspace, tmp_path: Path
) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    send_and_acknowledge(workspace, office, enrolment, tmp_path / "out")
    assert _held(workspace, person.id)["visits"] == 1
    other, _ = person_with_concern(workspace, "Bryn Sample")

    result = workspace.sync.import_pack(_remove(office, enrolment, person.id).data)

    assert (result.leaving, result.released) == ([person.id], [person.id])
    assert _held(workspace, person.id) == dict.fromkeys(_held(workspace, person.id), 0)
    assert _held(workspace, other.id)["people"] == 1  # nobody else goes
    [(entity, detail)] = _released_entries(workspace)
    assert entity == person.id
    assert '"visits":1' in str(detail)
    assert leaving_status(workspace.db) == []
    assert pack_sentence(result) == (
        "office pack 1 taken. 1 person the office gave to another worker has left this "
        "laptop: everything about them is at the office."
    )


def test_a_person_with_words_not_yet_at_the_office_stays_until_the_receipt(
    workspace: Workspace, tmp_path: Path
) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = person_with_concern(workspace)
    send_and_acknowledge(workspace, office, enrolment, tmp_path / "first")
    finalised_visit(workspace, concern, "I want my own key back.")  # not yet sent

    result = workspace.sync.import_pack(_remove(office, enrolment, person.id).data)

    assert (result.leaving, result.released) == ([person.id], [])
    # Not yet at the office: the visit, the action agreed at it, the concern it moved on.
    waiting = sorted((r.kind, r.revision) for r in pending_records(workspace.db))
    assert waiting == [("action", 1), ("concern", 2), ("visit", 1)]
    assert leaving_status(workspace.db) == [Leaving(person.id, drafts=0, not_yet_at_office=3)]
    assert _held(workspace, person.id)["visits"] == 1
    assert "they stay on this laptop until everything about them" in pack_sentence(result)
    # The next export carries the visit; its receipt lets the person go.
    out = tmp_path / "second"
    out.mkdir()
    [written] = export_bundles(workspace, out).written
    taken = workspace.sync.import_receipt(office.receipt(written.path.read_bytes(), enrolment))
    assert taken.released == (person.id,)
    assert _held(workspace, person.id)["people"] == 0


def test_a_draft_visit_keeps_the_person_here(workspace: Workspace, tmp_path: Path) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = person_with_concern(workspace)
    draft_visit(workspace, concern)
    send_and_acknowledge(workspace, office, enrolment, tmp_path / "out")

    result: PackResult = workspace.sync.import_pack(_remove(office, enrolment, person.id).data)

    assert result.released == []
    assert leaving_status(workspace.db) == [Leaving(person.id, drafts=1, not_yet_at_office=0)]
    assert _held(workspace, person.id)["visits"] == 1
    assert _released_entries(workspace) == []
    # msp sync status says who is waiting to leave, and why.
    assert workspace.sync.status().to_json()["leaving"] == [
        {"person_id": person.id, "drafts": 1, "not_yet_at_office": 0}]  # fmt: skip


def test_a_record_changed_after_the_office_had_it_keeps_the_person_here(
    workspace: Workspace, tmp_path: Path
) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, _concern = person_with_concern(workspace)
    send_and_acknowledge(workspace, office, enrolment, tmp_path / "out")
    workspace.people.update(person.model_copy(update={"preferred_name": "Addie"}))

    result = workspace.sync.import_pack(_remove(office, enrolment, person.id).data)

    assert result.released == []
    assert leaving_status(workspace.db) == [Leaving(person.id, drafts=0, not_yet_at_office=1)]
    assert workspace.people.get(person.id).preferred_name == "Addie"
