"""Taking office packs on the device (issue 17, item 3; docs/bundle-format.md §9), with a
real encrypted workspace and real packs: a pack is applied whole or not at all, in
order; the worker's words are never overwritten; a record the office allocated goes
back to it as the revision after the office's."""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.bundles import KeyPair
from msp_desktop.bundles.age import AgeIdentity
from msp_desktop.bundles.errors import DecryptionRejected, SignatureRejected
from msp_desktop.bundles.pack import Change, SealedPack, write_pack
from msp_desktop.bundles.pack_receipt import read_pack_receipt
from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.bundles.records import RecordEnvelope, RecordKind
from msp_desktop.services.contacts import chronology
from msp_desktop.services.export import export_bundles
from msp_desktop.store import Workspace
from msp_desktop.store.outbox import pending_records
from msp_desktop.store.packs import PackRefused
from msp_desktop.store.sync_keys import NotReadyToSync
from tests import builders
from tests.office_helpers import envelope
from tests.sync_helpers import Office, bundle_files, ready, records_of

_TABLES = ("people", "concerns", "packs_received", "records_received", "pack_conflicts",
           "people_leaving", "audit")  # fmt: skip


def _state(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    return {t: sorted(ws.db.all(f"SELECT * FROM {t}")) for t in _TABLES}


def _made_at_office(kind: RecordKind, record: dict[str, object]) -> RecordEnvelope:
    return RecordEnvelope.wrap(
        kind, 1, record, saved_at="2026-12-06T09:00:00Z", saved_by="the office",
        reason="from the council's caseload export",
    )  # fmt: skip


def _office_records() -> tuple[RecordEnvelope, RecordEnvelope]:
    person = builders.person("Ada Example", local_id="M-1001")
    concern = builders.concern(person)
    return (
        _made_at_office("person", person.model_dump(mode="json")),
        _made_at_office("concern", concern.model_dump(mode="json")),
    )


def _correction(
    office: Office,
    enrolment: bytes,
    first: SealedPack,
    person: RecordEnvelope,
    reason: str,
    **changes: object,
) -> SealedPack:
    """Pack 2, after ``first``: the office's revision 2 of ``person`` with ``changes``."""
    corrected = RecordEnvelope.wrap(
        "person", 2, {**person.record, **changes}, saved_at="2026-12-06T10:00:00Z",
        saved_by="the office", reason=reason,
    )  # fmt: skip
    change = Change(change="correct", kind="person", id=person.id, revision=2, reason=reason)
    return office.pack(enrolment, [change], [corrected], sequence=2, previous=first.sha256)


def _allocate(*records: RecordEnvelope) -> list[Change]:
    return [Change(change="allocate", kind=r.kind, id=r.id, revision=r.revision) for r in records]


def test_an_allocated_person_arrives_and_goes_back_as_the_next_revision(
    workspace: Workspace,
) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = _office_records()
    pack = office.pack(enrolment, _allocate(person, concern), [person, concern])

    result = workspace.sync.import_pack(pack.data)

    assert (result.sequence, result.taken, result.kept_aside) == (
        1,
        {"person": 1, "concern": 1},
        [],
    )
    assert workspace.people.get(person.id).name == "Ada Example"
    assert workspace.concerns.get(concern.id).person_id == person.id
    # Nothing to send: the office has exactly these, and the sync status says so.
    assert pending_records(workspace.db) == []
    status = workspace.sync.status()
    states = {(r.kind, r.record_id): (r.state, r.from_office, r.revision) for r in status.records}
    assert states[("person", person.id)] == ("acknowledged", True, 1)
    assert states[("concern", concern.id)] == ("acknowledged", True, 1)
    [taken] = status.packs
    assert (taken.sequence, taken.changes, taken.records) == (1, 2, 2)
    assert status.to_json()["office_versions_kept"] == 0
    # The worker changes the person: revision 2 goes to the office.
    changed = workspace.people.get(person.id).revised(phone="01632 960002")
    workspace.people.update(changed)
    [pending] = pending_records(workspace.db)
    assert (pending.kind, pending.record_id, pending.revision) == ("person", person.id, 2)
    # The same pack again changes nothing.
    before = _state(workspace)
    again = workspace.sync.import_pack(pack.data)
    assert again.already
    assert _state(workspace) == before


def test_packs_are_taken_in_order_and_a_replay_or_rollback_changes_nothing(
    workspace: Workspace,
) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = _office_records()
    first = office.pack(enrolment, _allocate(person), [person])
    workspace.sync.import_pack(first.data)
    second = office.pack(
        enrolment, _allocate(concern), [concern], sequence=2, previous=first.sha256
    )
    third = office.pack(enrolment, [Change(change="remove", kind="person", id="someone")], [],
                        sequence=3, previous=second.sha256)  # fmt: skip
    before = _state(workspace)
    with pytest.raises(
        PackRefused, match="This is office pack 3; the next this device can take is pack 2"
    ):
        workspace.sync.import_pack(third.data)
    other_first = office.pack(enrolment, _allocate(concern), [concern])
    with pytest.raises(PackRefused, match="pack 1 has been applied here already"):
        workspace.sync.import_pack(other_first.data)
    forged = office.pack(enrolment, _allocate(concern), [concern], sequence=2,
                         previous=first.sha256, signer=KeyPair.generate())  # fmt: skip
    with pytest.raises(SignatureRejected, match="not by the office key"):
        workspace.sync.import_pack(forged.data)
    assert _state(workspace) == before
    workspace.sync.import_pack(second.data)
    result = workspace.sync.import_pack(third.data)
    assert result.leaving == ["someone"]


def test_the_workers_words_are_kept_and_the_offices_kept_beside_them(
    workspace: Workspace,
) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = _office_records()
    first = office.pack(enrolment, _allocate(person, concern), [person, concern])
    workspace.sync.import_pack(first.data)
    mine = workspace.people.get(person.id).revised(preferred_name="Addie")
    workspace.people.update(mine)  # not yet sent to the office
    second = _correction(
        office, enrolment, first, person, "name corrected", name="Ada Exampel-Corrected"
    )

    result = workspace.sync.import_pack(second.data)

    assert result.kept_aside == [("person", person.id)]
    assert workspace.sync.status().office_versions_kept == 1
    assert workspace.people.get(person.id) == mine
    [row] = workspace.db.all(
        "SELECT kind, record_id, person_id, revision, settled_at FROM pack_conflicts"
    )
    assert row == ("person", person.id, person.id, 2, None)


def test_a_correction_to_an_unchanged_record_is_taken(workspace: Workspace) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = _office_records()
    first = office.pack(enrolment, _allocate(person, concern), [person, concern])
    workspace.sync.import_pack(first.data)
    second = _correction(office, enrolment, first, person, "new phone number", phone="01632 960003")

    assert workspace.sync.import_pack(second.data).taken == {"person": 1}
    assert workspace.people.get(person.id).phone == "01632 960003"
    assert pending_records(workspace.db) == []
    # The person's chronology says the office corrected them, and why.
    [entry] = [e for e in chronology(workspace, person.id) if e.kind == "office"]
    assert (entry.title, entry.text) == (
        "Corrected by the office",
        "Their details: new phone number",
    )
    assert entry.on is not None


def test_a_device_without_a_pack_key_says_what_to_do(workspace: Workspace) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, _ = _office_records()
    pack = office.pack(enrolment, _allocate(person), [person])
    with workspace.db.transaction():
        workspace.db.execute("DELETE FROM meta WHERE key = 'device_pack_identity'")
    before = _state(workspace)
    with pytest.raises(NotReadyToSync, match="no key for office packs yet"):
        workspace.sync.import_pack(pack.data)
    assert _state(workspace) == before


def test_a_device_record_the_office_sends_back_unchanged_is_not_sent_again(
    workspace: Workspace, tmp_path: Path
) -> None:
    # A person this device made and sent (revision 1), then brought back by a pack.
    office = Office()
    enrolment = ready(workspace, office)
    person = builders.person("Cai Other")
    workspace.people.add(person)
    folder = tmp_path / "usb"
    folder.mkdir()
    export_bundles(workspace, folder)
    [sent] = bundle_files(folder)
    assert set(records_of(office.open(sent.read_bytes(), enrolment))) == {
        f"records/person.{person.id}.r1.json"
    }
    back = envelope("person", person)
    pack = office.pack(enrolment, _allocate(back), [back])
    assert workspace.sync.import_pack(pack.data).taken == {}


def test_each_pack_taken_has_a_receipt_signed_by_the_device_key(workspace: Workspace) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = _office_records()
    pack = office.pack(enrolment, _allocate(person, concern), [person, concern])
    workspace.sync.import_pack(pack.data)

    [(sequence, name, data)] = workspace.sync.pack_receipts_to_write()

    enrolled = read_enrolment(enrolment)
    receipt = read_pack_receipt(data, lambda _body: enrolled.public_key)
    assert (sequence, name) == (1, f"{enrolled.device_id}-pack-000001.pack-receipt.json")
    assert (receipt.sequence, receipt.pack_sha256, receipt.kept_aside) == (1, pack.sha256, 0)
    workspace.sync.mark_pack_receipt_written(1)
    assert workspace.sync.pack_receipts_to_write() == []
    assert [s for s, _n, _d in workspace.sync.pack_receipts_to_write(again=True)] == [1]


def test_a_record_that_gains_default_fields_when_read_is_not_a_change_here(
    workspace: Workspace,
) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person = builders.person("Dai Example").model_dump(mode="json")
    for name in ("household", "communication_needs", "preferred_format"):
        person.pop(name)  # as a device from before these fields sent it
    sent = _made_at_office("person", person)
    pack = office.pack(enrolment, _allocate(sent), [sent])
    assert workspace.sync.import_pack(pack.data).taken == {"person": 1}
    assert pending_records(workspace.db) == []
    status = {(r.kind, r.record_id): r.state for r in workspace.sync.status().records}
    assert status[("person", sent.id)] == "acknowledged"


def test_a_pack_sealed_before_the_device_changed_its_key_is_still_taken(
    workspace: Workspace,
) -> None:
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = _office_records()
    first = office.pack(enrolment, _allocate(person, concern), [person, concern])
    workspace.sync.import_pack(first.data)
    # The office seals pack 2 to the pack key it holds; the laptop then makes new keys.
    second = _correction(office, enrolment, first, person, "new phone number", phone="01632 960004")
    renewed = read_enrolment(workspace.sync.enrol(new_key=True))
    assert renewed.pack_key != read_enrolment(enrolment).pack_key

    assert workspace.sync.import_pack(second.data).taken == {"person": 1}
    assert workspace.people.get(person.id).phone == "01632 960004"
    # A pack sealed to neither key is still refused, and changes nothing.
    stranger = AgeIdentity.generate()
    other = write_pack(
        [Change(change="remove", kind="person", id=person.id)], [], office_id=office.office_id,
        device_id=renewed.device_id, sequence=3, previous_pack_sha256=second.sha256,
        office_key=office.key, recipient=stranger.recipient,
    )  # fmt: skip
    before = _state(workspace)
    with pytest.raises(DecryptionRejected, match="not sealed to this device's pack key"):
        workspace.sync.import_pack(other.data)
    assert _state(workspace) == before
