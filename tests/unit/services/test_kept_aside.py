"""The worker hears what the office kept aside from a bundle: whose records, which
device the office holds them for, and what to do (``store/kept_aside``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.bundles.receipt import MAX_RECEIPT_CONFLICTS, ReceiptConflict
from msp_desktop.cli.output import kept_aside_sentence
from msp_desktop.services.export import export_bundles, import_receipts
from msp_desktop.store import Workspace
from tests.sync_helpers import Office, finalised_visit, person_with_concern, ready

OWNED = "the record belongs to device laptop-8"


@pytest.fixture
def sent(workspace: Workspace, tmp_path: Path) -> tuple[Office, bytes, Path]:
    """An office, this device's enrolment, and one bundle written to a stick."""
    office = Office()
    enrolment = ready(workspace, office)
    _, concern = person_with_concern(workspace, "Ada Example")
    finalised_visit(workspace, concern)
    stick = tmp_path / "stick"
    stick.mkdir()
    (written,) = export_bundles(workspace, stick).written
    return office, enrolment, written.path


def _conflict(kind: str, record_id: str, owner: str | None = "laptop-8") -> ReceiptConflict:
    return ReceiptConflict(kind=kind, id=record_id, revision=1, owner=owner, reason=OWNED)


def test_a_receipt_with_kept_aside_revisions_names_the_person(
    workspace: Workspace, sent: tuple[Office, bytes, Path], tmp_path: Path
) -> None:
    office, enrolment, bundle = sent
    person = workspace.people.search("Ada")[0]
    concern = workspace.concerns.for_person(person.id)[0]
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(
        office.receipt(
            bundle.read_bytes(), enrolment,
            conflicts=[_conflict("person", person.id), _conflict("concern", concern.id, None)],
        )
    )  # fmt: skip
    [outcome] = import_receipts(workspace, [receipt])
    assert outcome.result is not None
    assert [(k.kind, k.person, k.owner) for k in outcome.result.kept_aside] == [
        ("person", "Ada Example", "laptop-8"),
        ("concern", "Ada Example", None),
    ]
    assert kept_aside_sentence(outcome.result) == (
        f"The office kept 2 changes from bundle {outcome.result.sequence} aside instead of "
        "taking them: Ada Example's details, which the office holds for device laptop-8; "
        "Ada Example's concern. Nothing is lost: the office holds them. Ask the office "
        "which version is right before you change these records again."
    )
    receipts = [e for e in workspace.audit_entries() if e.action == "receipt"]
    assert receipts[-1].detail["kept_aside"] == 2
    # The same receipt again says it again: the worker may have missed it.
    [again] = import_receipts(workspace, [receipt])
    assert again.result is not None
    assert again.result.already
    assert again.result.kept_aside == outcome.result.kept_aside
    # Where every record stands: acknowledged, and these two marked as kept aside.
    marked = {(r.kind, r.record_id) for r in workspace.sync.status().records if r.kept_aside}
    assert marked == {("person", person.id), ("concern", concern.id)}


def test_a_record_this_device_does_not_hold_is_named_by_kind_and_id(
    workspace: Workspace, sent: tuple[Office, bytes, Path], tmp_path: Path
) -> None:
    office, enrolment, bundle = sent
    many = [_conflict("visit", f"v-{n}") for n in range(MAX_RECEIPT_CONFLICTS + 3)]
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(office.receipt(bundle.read_bytes(), enrolment, conflicts=many))
    [outcome] = import_receipts(workspace, [receipt])
    assert outcome.result is not None
    assert outcome.result.kept_aside_total == MAX_RECEIPT_CONFLICTS + 3
    assert len(outcome.result.kept_aside) == MAX_RECEIPT_CONFLICTS
    assert {k.person for k in outcome.result.kept_aside} == {None}
    text = kept_aside_sentence(outcome.result)
    assert "a visit (v-0), which the office holds for device laptop-8" in text
    assert text.count("a visit (") == MAX_RECEIPT_CONFLICTS
    assert "; 3 more. Nothing is lost" in text
    # None of them is a record this device holds: no row is marked.
    assert not any(r.kept_aside for r in workspace.sync.status().records)


def test_a_receipt_without_conflicts_says_nothing_more(
    workspace: Workspace, sent: tuple[Office, bytes, Path], tmp_path: Path
) -> None:
    office, enrolment, bundle = sent
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(office.receipt(bundle.read_bytes(), enrolment))
    [outcome] = import_receipts(workspace, [receipt])
    assert outcome.result is not None
    assert outcome.result.kept_aside == ()
    assert outcome.result.kept_aside_total == 0
    receipts = [e for e in workspace.audit_entries() if e.action == "receipt"]
    assert "kept_aside" not in receipts[-1].detail
    assert not any(r.kept_aside for r in workspace.sync.status().records)
