"""The office's signed receipts (S25) and where every record stands on its way there.

Only a receipt signed by the provisioned office key, for a bundle this device sent,
for this device and bundle number, changes anything; every refusal leaves the
workspace byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.bundles import KeyPair, ReceiptRejected
from msp_desktop.bundles.signed import MAX_SIGNED_BYTES
from msp_desktop.model import Concern, ContactKind, Person, Visit
from msp_desktop.services.contacts import add_contact
from msp_desktop.services.export import export_bundles
from msp_desktop.store import Workspace
from msp_desktop.store.sync_keys import NotReadyToSync
from msp_desktop.store.sync_status import RecordState
from tests.sync_helpers import (
    DEVICE_ID,
    Office,
    draft_visit,
    finalised_visit,
    person_with_concern,
    ready,
    sha256,
    stored,
)


@pytest.fixture
def office() -> Office:
    return Office()


class Sent:
    """A ready workspace that has exported one bundle: a person, a concern, a visit and
    the action agreed at it."""

    def __init__(self, ws: Workspace, office: Office, folder: Path) -> None:
        self.enrolment = ready(ws, office)
        self.person, self.concern = person_with_concern(ws)
        self.visit = finalised_visit(ws, self.concern)
        folder.mkdir()
        (written,) = export_bundles(ws, folder).written
        self.path = written.path
        self.data = written.path.read_bytes()


@pytest.fixture
def sent(workspace: Workspace, office: Office, tmp_path: Path) -> Sent:
    return Sent(workspace, office, tmp_path / "stick")


def _bundle_row(ws: Workspace, sequence: int = 1) -> tuple[object, ...] | None:
    return ws.db.one(
        "SELECT acknowledged_at IS NOT NULL, receipt IS NOT NULL, data IS NOT NULL"
        " FROM bundles_sent WHERE sequence = ?",
        (sequence,),
    )


def test_a_valid_receipt_acknowledges_the_bundle(
    workspace: Workspace, office: Office, sent: Sent
) -> None:
    assert workspace.sync.status().counts == {
        "draft": 0,
        "finalised": 0,
        "in-bundle": 4,
        "acknowledged": 0,
    }
    assert _bundle_row(workspace) == (0, 0, 1)
    receipt = office.receipt(sent.data, sent.enrolment)

    result = workspace.sync.import_receipt(receipt)

    assert (result.sequence, result.records, result.already) == (1, 4, False)
    status = workspace.sync.status()
    assert status.counts == {"draft": 0, "finalised": 0, "in-bundle": 0, "acknowledged": 4}
    assert status.waiting_bundles == 0
    assert _bundle_row(workspace) == (1, 1, 0)  # the sealed bytes are dropped
    assert workspace.db.scalar("SELECT receipt FROM bundles_sent") == receipt.decode()
    entry = workspace.audit_entries()[-1]
    assert (entry.action, entry.entity, entry.detail) == (
        "receipt",
        "bundle",
        {"sequence": 1, "status": "imported"},
    )
    assert entry.entity_id == office.open(sent.data, sent.enrolment).manifest.bundle_id
    assert workspace.check().healthy


def test_the_same_receipt_again_is_already_and_changes_nothing(
    workspace: Workspace, office: Office, sent: Sent
) -> None:
    receipt = office.receipt(sent.data, sent.enrolment)
    workspace.sync.import_receipt(receipt)
    before = stored(workspace.folder)
    entries = len(workspace.audit_entries())

    again = workspace.sync.import_receipt(receipt)

    assert (again.sequence, again.records, again.already) == (1, 4, True)
    assert stored(workspace.folder) == before
    assert len(workspace.audit_entries()) == entries
    # The office's "already imported" receipt for the same bundle is fine too.
    later = office.receipt(sent.data, sent.enrolment, status="already-imported")
    assert workspace.sync.import_receipt(later).already
    assert stored(workspace.folder) == before


def test_an_already_imported_receipt_acknowledges_as_well(
    workspace: Workspace, office: Office, sent: Sent
) -> None:
    receipt = office.receipt(sent.data, sent.enrolment, status="already-imported")
    assert not workspace.sync.import_receipt(receipt).already
    assert workspace.sync.status().counts["acknowledged"] == 4
    assert workspace.audit_entries()[-1].detail == {"sequence": 1, "status": "already-imported"}


def _refused(ws: Workspace, receipt: bytes, message: str) -> None:
    before = stored(ws.folder)
    counts = ws.sync.status().counts
    with pytest.raises(ReceiptRejected) as caught:
        ws.sync.import_receipt(receipt)
    assert caught.value.message == message or caught.value.message.startswith(message)
    assert caught.value.exit_code == 13
    assert stored(ws.folder) == before
    assert ws.sync.status().counts == counts
    assert _bundle_row(ws) == (0, 0, 1)


def test_a_receipt_signed_by_another_key_is_refused(
    workspace: Workspace, office: Office, sent: Sent
) -> None:
    forged = office.receipt(sent.data, sent.enrolment, signer=KeyPair.generate())
    _refused(workspace, forged, "The receipt was refused:")


def test_a_receipt_from_another_office_is_refused(
    workspace: Workspace, office: Office, sent: Sent
) -> None:
    # Another office that somehow holds our inbox identity still cannot acknowledge.
    other = Office()
    other.inbox = office.inbox
    _refused(workspace, other.receipt(sent.data, sent.enrolment), "The receipt was refused:")


def test_a_receipt_for_a_bundle_never_sent_is_refused(
    workspace: Workspace, office: Office, sent: Sent
) -> None:
    unknown = office.receipt(sent.data, sent.enrolment, bundle_sha256=sha256(b"another bundle"))
    _refused(
        workspace,
        unknown,
        "The receipt is for a bundle this device never sent. Nothing was changed.",
    )


@pytest.mark.parametrize(
    "changes", [{"device_id": "laptop-8"}, {"sequence": 2}], ids=["device", "sequence"]
)
def test_a_receipt_for_another_device_or_number_is_refused(
    workspace: Workspace, office: Office, sent: Sent, changes: dict[str, object]
) -> None:
    wrong = office.receipt(sent.data, sent.enrolment, **changes)
    _refused(
        workspace,
        wrong,
        "The receipt names another device or bundle number. Nothing was changed.",
    )


def test_a_receipt_naming_another_bundle_id_is_refused(
    workspace: Workspace, office: Office, sent: Sent
) -> None:
    wrong = office.receipt(
        sent.data, sent.enrolment, bundle_id="0b6f3c1e-8a55-4f1c-9d5e-2f8a7c3b1d42"
    )
    _refused(
        workspace,
        wrong,
        "The receipt names another device or bundle number. Nothing was changed.",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b" " * (MAX_SIGNED_BYTES + 1), "The receipt is larger than any such file can be."),
        (b"", "The receipt"),
        (b"not json at all", "The receipt"),
        (b"\xff\xfe\x00garbage", "The receipt"),
        (b'{"receipt":{},"signature":""}', "The receipt"),
        (b"[1,2,3]", "The receipt is not an MSP receipt file."),
    ],
    ids=["oversized", "empty", "text", "binary", "empty-receipt", "array"],
)
def test_a_garbage_or_oversized_receipt_is_refused(
    workspace: Workspace, sent: Sent, data: bytes, message: str
) -> None:
    _refused(workspace, data, message)


def test_a_tampered_receipt_is_refused(workspace: Workspace, office: Office, sent: Sent) -> None:
    receipt = office.receipt(sent.data, sent.enrolment)
    tampered = receipt.replace(b'"status":"imported"', b'"status":"already-imported"')
    assert tampered != receipt
    _refused(workspace, tampered, "The receipt was refused:")


def test_receipts_need_the_office_keys(workspace: Workspace) -> None:
    before = stored(workspace.folder)
    with pytest.raises(NotReadyToSync, match="no office keys"):
        workspace.sync.import_receipt(b"{}")
    assert stored(workspace.folder) == before


def test_a_receipt_for_the_second_bundle_leaves_the_first_waiting(
    workspace: Workspace, office: Office, sent: Sent
) -> None:
    finalised_visit(workspace, sent.concern, "Another visit.")
    (second,) = export_bundles(workspace, sent.path.parent).written
    result = workspace.sync.import_receipt(office.receipt(second.path.read_bytes(), sent.enrolment))
    assert (result.sequence, result.records) == (2, 2)  # the visit and its new action
    assert _bundle_row(workspace, 1) == (0, 0, 1)
    assert _bundle_row(workspace, 2) == (1, 1, 0)
    assert workspace.sync.status().waiting_bundles == 1


# -- status ------------------------------------------------------------------------------


def _rows(ws: Workspace) -> set[RecordState]:
    return set(ws.sync.status().records)


def _person(
    p: Person, state: str, revision: int | None = None, bundle: int | None = None
) -> RecordState:
    return RecordState("person", p.id, revision, state, bundle)  # type: ignore[arg-type]


def _concern(
    c: Concern, state: str, revision: int | None = None, bundle: int | None = None
) -> RecordState:
    return RecordState("concern", c.id, revision, state, bundle)  # type: ignore[arg-type]


def _visit(v: Visit, revision: int, state: str, bundle: int | None = None) -> RecordState:
    return RecordState("visit", v.id, revision, state, bundle)  # type: ignore[arg-type]


def _action(
    v: Visit, state: str, revision: int | None = None, bundle: int | None = None
) -> RecordState:
    """The action agreed at ``v`` (the builders' visit agrees exactly one)."""
    (action,) = v.actions
    return RecordState("action", action.id, revision, state, bundle)  # type: ignore[arg-type]


def test_status_follows_every_record_from_draft_to_acknowledged(
    workspace: Workspace, office: Office, tmp_path: Path
) -> None:
    empty = workspace.sync.status()
    assert (empty.office, empty.office_key_id, empty.device_id) == (None, None, None)
    assert empty.counts == {"draft": 0, "finalised": 0, "in-bundle": 0, "acknowledged": 0}

    enrolment = ready(workspace, office)
    person, concern = person_with_concern(workspace)
    visit = draft_visit(workspace, concern)
    status = workspace.sync.status()
    assert (status.office, status.office_key_id, status.device_id) == (
        "North Office",
        office.key.key_id,
        DEVICE_ID,
    )
    assert set(status.records) == {
        _person(person, "finalised"),
        _concern(concern, "finalised"),
        _visit(visit, 1, "draft"),
    }
    assert status.counts == {"draft": 1, "finalised": 2, "in-bundle": 0, "acknowledged": 0}

    # The action agreed in the draft travels once the visit is finalised, as a record
    # of its own.
    workspace.visits.finalise(visit.id)
    assert {_visit(visit, 1, "finalised"), _action(visit, "finalised")} <= _rows(workspace)
    assert workspace.sync.status().counts["finalised"] == 4

    stick = tmp_path / "stick"
    stick.mkdir()
    (written,) = export_bundles(workspace, stick).written
    status = workspace.sync.status()
    assert set(status.records) == {
        _person(person, "in-bundle", 1, 1),
        _concern(concern, "in-bundle", 1, 1),
        _visit(visit, 1, "in-bundle", 1),
        _action(visit, "in-bundle", 1, 1),
    }
    (bundle,) = status.bundles
    data = written.path.read_bytes()
    assert (bundle.sequence, bundle.sha256, bundle.records) == (1, sha256(data), 4)
    assert bundle.written_to == str(written.path)
    assert bundle.written_at is not None
    assert bundle.acknowledged_at is None
    assert status.waiting_bundles == 1

    workspace.sync.import_receipt(office.receipt(data, enrolment))
    assert _rows(workspace) == {
        _person(person, "acknowledged", 1, 1),
        _concern(concern, "acknowledged", 1, 1),
        _visit(visit, 1, "acknowledged", 1),
        _action(visit, "acknowledged", 1, 1),
    }
    assert workspace.sync.status().bundles[0].acknowledged_at is not None

    # Amending: revision 1 stays acknowledged, revision 2 is a draft.
    workspace.visits.amend(visit.id, "A date was wrong")
    workspace.people.update(person.model_copy(update={"preferred_name": "Ada"}))
    note = add_contact(workspace, person.id, ContactKind.PHONE, "Rang to fix the next visit.")
    status = workspace.sync.status()
    assert set(status.records) == {
        _person(person, "finalised"),
        _concern(concern, "acknowledged", 1, 1),
        _visit(visit, 1, "acknowledged", 1),
        _visit(visit, 2, "draft"),
        _action(visit, "acknowledged", 1, 1),
        RecordState("contact", note.id, None, "finalised", None),
    }
    assert status.counts == {"draft": 1, "finalised": 2, "in-bundle": 0, "acknowledged": 3}
    as_json = status.to_json()
    assert as_json["counts"] == status.counts
    assert as_json["device_id"] == DEVICE_ID
    assert len(as_json["records"]) == 6  # type: ignore[arg-type]

    # The amendment keeps the action as it was: nothing new of it to send.
    workspace.visits.finalise(visit.id)
    export_bundles(workspace, stick)
    assert _rows(workspace) == {
        _person(person, "in-bundle", 2, 2),
        _concern(concern, "acknowledged", 1, 1),
        _visit(visit, 1, "acknowledged", 1),
        _visit(visit, 2, "in-bundle", 2),
        _action(visit, "acknowledged", 1, 1),
        RecordState("contact", note.id, 1, "in-bundle", 2),
    }
