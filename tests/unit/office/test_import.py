"""Importing bundles: records, receipts, the replay ledger, gaps, conflicts, audit chains."""

from __future__ import annotations

import json

import pytest

from msp_desktop.bundles import verify_receipt
from msp_desktop.office.errors import SequenceReplayed
from tests import builders
from tests.office_helpers import FakeDevice, caseload, envelope
from tests.platforms import assert_mode
from tests.unit.office.conftest import Office


def test_import_stores_records_and_writes_a_signed_receipt(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    sealed = device.bundle(office.inbox, case.envelopes(), audit=3)
    outcome = office.import_(sealed)

    assert outcome.checked.status == "imported"
    assert outcome.checked.reports == []
    assert outcome.receipt.name == f"laptop-7-000001-{sealed.sha256[:12]}.receipt.json"
    receipt = verify_receipt(
        outcome.receipt.read_bytes(), office.keys.signing.public_key, bundle_sha256=sealed.sha256
    )
    assert (receipt.status, receipt.device_id, receipt.sequence) == ("imported", "laptop-7", 1)
    assert receipt.office_key_id == office.config.office_key_id

    counts = office.store.counts()
    assert (counts.bundles, counts.records, counts.revisions, counts.audit_entries) == (1, 3, 3, 3)
    assert counts.conflicts == 0
    current = office.store.current("visit", case.visit.id)
    assert current is not None
    assert (current.revision, current.device_id, current.bundle_sequence) == (1, "laptop-7", 1)
    ledger = office.store.ledger_by_hash(sealed.sha256)
    assert ledger is not None
    assert (ledger.sequence, ledger.gap_before, ledger.note, ledger.records) == (1, 0, "", 3)


def test_the_envelope_is_kept_exactly_as_it_travelled(office: Office, device: FakeDevice) -> None:
    case = caseload()
    first = case.envelopes()[0]
    office.import_(device.bundle(office.inbox, [first]))
    [row] = office.sql("SELECT envelope FROM record_revisions WHERE record_id = ?", first.id)
    assert str(row[0]).encode() == first.to_bytes()


def test_the_same_bundle_again_is_a_no_op_with_a_fresh_receipt(
    office: Office, device: FakeDevice
) -> None:
    sealed = device.bundle(office.inbox, caseload().envelopes())
    first = office.import_(sealed)
    first.receipt.unlink()  # the receipt was lost on the way back to the device
    before, files = office.db_hash(), office.files()

    again = office.import_(sealed)

    assert again.checked.status == "already-imported"
    assert office.db_hash() == before
    assert office.files() == files | {str(again.receipt.relative_to(office.layout.root))}
    receipt = verify_receipt(again.receipt.read_bytes(), office.keys.signing.public_key)
    assert receipt.status == "already-imported"
    assert receipt.bundle_sha256 == sealed.sha256


def test_same_sequence_with_other_content_is_refused_and_alerted(
    office: Office, device: FakeDevice
) -> None:
    office.import_(device.bundle(office.inbox, caseload().envelopes()))
    other = device.bundle(office.inbox, caseload("Bryn Sample").envelopes(), sequence=1,
                          advance=False)  # fmt: skip
    before = office.db_hash()

    with pytest.raises(SequenceReplayed, match="sequence 1 was already imported") as caught:
        office.import_(other)

    assert caught.value.message.startswith("ALERT: ")
    assert "different content" in caught.value.message
    assert office.db_hash() == before
    lines = office.layout.alerts.read_text().splitlines()
    assert len(lines) == 1
    alert = json.loads(lines[0])
    assert alert["kind"] == "replay"
    assert (alert["device"], alert["sequence"]) == ("laptop-7", 1)
    assert alert["bundle_sha256"] == other.sha256
    assert alert["imported_sha256"] == device.last_sha256
    assert alert["time"]
    assert alert["message"]
    assert_mode(office.layout.alerts, 0o600)


def test_the_same_manifest_sealed_again_is_named_as_such(
    office: Office, device: FakeDevice
) -> None:
    files = device.files(caseload().envelopes(), device.audit_entries(1))
    first = device.bundle(office.inbox, files=files, audit=0)
    office.import_(first)
    resealed = device.bundle(
        office.inbox, files=files, audit=0, sequence=1, advance=False,
        bundle_id=first.manifest.bundle_id,
    )  # fmt: skip
    assert resealed.sha256 != first.sha256  # age encrypts with a fresh key every time
    with pytest.raises(SequenceReplayed, match="the same manifest sealed again"):
        office.import_(resealed)


def test_a_gap_is_imported_and_reported(office: Office, device: FakeDevice) -> None:
    office.import_(device.bundle(office.inbox, caseload().envelopes()))
    device.bundle(office.inbox, caseload("Bryn Sample").envelopes())  # sequence 2: lost
    third = device.bundle(office.inbox, caseload("Cai Madeup").envelopes())

    outcome = office.import_(third)

    assert outcome.checked.status == "imported"
    reports = outcome.checked.reports
    assert "sequence 2 of device laptop-7 not received yet (a gap before it)" in reports
    assert "the audit entries before entry 5 have not arrived yet" in reports
    ledger = office.store.ledger_by_hash(third.sha256)
    assert ledger is not None
    assert ledger.gap_before == 1
    assert "gap before it" in ledger.note


def test_a_late_bundle_fills_the_gap_out_of_order(office: Office, device: FakeDevice) -> None:
    case = caseload()
    first = device.bundle(office.inbox, case.envelopes())
    amended = envelope("visit", case.visit.revised(place="At the day centre"), 2, reason="Place")
    second = device.bundle(office.inbox, [amended])
    third = device.bundle(office.inbox, caseload("Cai Madeup").envelopes())
    office.import_(first)
    office.import_(third)

    outcome = office.import_(second)

    reports = outcome.checked.reports
    assert "it arrived out of order: sequence 2 after 3 had been imported" in reports
    assert not any("broken" in r or "gap" in r for r in reports), reports
    ledger = office.store.ledger_by_hash(second.sha256)
    assert ledger is not None
    assert ledger.gap_before == 0
    current = office.store.current("visit", case.visit.id)
    assert current is not None
    assert current.revision == 2
    assert office.store.counts().audit_entries == 6


def test_a_previous_hash_that_is_not_the_last_bundle_is_reported(
    office: Office, device: FakeDevice
) -> None:
    office.import_(device.bundle(office.inbox, caseload().envelopes()))
    forked = device.bundle(office.inbox, caseload("Bryn Sample").envelopes(), previous="a" * 64)
    outcome = office.import_(forked)
    assert any("the bundle chain is broken" in r for r in outcome.checked.reports)


def test_a_late_bundle_not_named_by_its_successor_is_reported(
    office: Office, device: FakeDevice
) -> None:
    device.bundle(office.inbox, caseload().envelopes())  # the genuine sequence 1
    second = device.bundle(office.inbox, caseload("Bryn Sample").envelopes())
    office.import_(second)
    impostor = device.bundle(office.inbox, caseload("Cai").envelopes(), sequence=1,
                             advance=False)  # fmt: skip
    outcome = office.import_(impostor)
    assert (
        "sequence 2, imported earlier, names a different previous bundle "
        "(the bundle chain is broken)"
    ) in outcome.checked.reports


def test_a_stale_revision_is_a_conflict_and_the_current_one_stays(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    v2 = envelope("visit", case.visit.revised(place="Home"), 2, reason="Where it happened")
    office.import_(device.bundle(office.inbox, [*case.envelopes(), v2]))
    other = FakeDevice(device_id="laptop-9", worker="Second Worker")
    office.enrol(other)
    stale = envelope("visit", case.visit.revised(place="Library"), 1)

    outcome = office.import_(other.bundle(office.inbox, [stale]))

    assert "conflict: visit " + case.visit.id + " revision 1 differs from the one held here" in (
        outcome.checked.reports
    )
    current = office.store.current("visit", case.visit.id)
    assert current is not None
    assert current.revision == 2
    [conflict] = office.store.conflicts()
    assert (conflict.kind, conflict.record_id, conflict.revision) == ("visit", case.visit.id, 1)
    assert conflict.device_id == "laptop-9"
    assert conflict.office_revision == 2
    [(stored,)] = office.sql("SELECT envelope FROM conflicts")
    assert str(stored).encode() == stale.to_bytes()


def test_an_older_revision_in_a_late_bundle_of_the_same_device_is_history(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    first = device.bundle(office.inbox, case.envelopes())
    second = device.bundle(office.inbox, [envelope("visit", case.visit.revised(place="A"), 2)])
    third = device.bundle(office.inbox, [envelope("visit", case.visit.revised(place="B"), 3)])
    office.import_(first)
    office.import_(third)

    outcome = office.import_(second)

    assert not any("conflict" in r for r in outcome.checked.reports)
    assert office.store.conflicts() == []
    assert office.store.revision("visit", case.visit.id, 2) is not None
    current = office.store.current("visit", case.visit.id)
    assert current is not None
    assert current.revision == 3


def test_an_older_unseen_revision_from_another_device_is_a_conflict(
    office: Office, device: FakeDevice
) -> None:
    person = builders.person("Dilys Fictional")
    office.import_(device.bundle(office.inbox, [envelope("person", person, 3)]))
    other = FakeDevice(device_id="laptop-9")
    office.enrol(other)
    older = envelope("person", person.revised(local_id="LC-9"), 2)

    outcome = office.import_(other.bundle(office.inbox, [older]))

    assert any("is older than revision 3 held here" in r for r in outcome.checked.reports)
    [conflict] = office.store.conflicts()
    assert conflict.reason == "older than the office's current revision 3"
    current = office.store.current("person", person.id)
    assert current is not None
    assert current.revision == 3


def test_the_same_revision_with_the_same_content_changes_nothing(
    office: Office, device: FakeDevice
) -> None:
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    outcome = office.import_(device.bundle(office.inbox, case.envelopes()[:1]))
    assert outcome.checked.plan is not None
    assert outcome.checked.plan.revisions == []
    assert office.store.counts().revisions == 3
    assert office.store.conflicts() == []


def test_revisions_in_one_bundle_end_at_the_highest(office: Office, device: FakeDevice) -> None:
    case = caseload()
    revisions = [
        envelope("visit", case.visit.revised(place=f"Place {n}"), n, reason=f"Amended {n}")
        for n in (2, 10, 3)
    ]
    office.import_(device.bundle(office.inbox, [*case.envelopes(), *revisions]))
    current = office.store.current("visit", case.visit.id)
    assert current is not None
    assert current.revision == 10
    assert office.store.conflicts() == []


def test_audit_entries_continue_the_chain_across_bundles(
    office: Office, device: FakeDevice
) -> None:
    office.import_(device.bundle(office.inbox, caseload().envelopes(), audit=3))
    outcome = office.import_(device.bundle(office.inbox, caseload("Bryn").envelopes(), audit=2))
    assert outcome.checked.reports == []
    rows = office.sql("SELECT seq, hash_ok FROM audit_entries ORDER BY seq")
    assert rows == [(1, True), (2, True), (3, True), (4, True), (5, True)]  # 1 on SQLite


def test_an_audit_chain_break_is_reported_not_refused(office: Office, device: FakeDevice) -> None:
    office.import_(device.bundle(office.inbox, caseload().envelopes(), audit=2))
    # The device's entries 1-2 are rewritten (say, a restored backup): 3 no longer follows.
    device.audit = FakeDevice(device_id="laptop-7", worker="Someone Else").audit_entries(2)
    outcome = office.import_(device.bundle(office.inbox, caseload("Bryn").envelopes(), audit=1))
    assert "audit entry 3 does not follow entry 2 held here (the audit chain is broken)" in (
        outcome.checked.reports
    )
    assert office.store.counts().audit_entries == 3


def test_an_audit_entry_whose_hash_is_wrong_is_reported_and_marked(
    office: Office, device: FakeDevice
) -> None:
    [item] = device.audit_entries(1)
    forged = item.model_copy(update={"actor": "Somebody Else"})
    files = device.files(caseload().envelopes(), [forged])
    outcome = office.import_(device.bundle(office.inbox, files=files, audit=0))
    assert "audit entry 1: its hash does not match its content" in outcome.checked.reports
    assert office.sql("SELECT hash_ok FROM audit_entries") == [(False,)]  # 0 on SQLite


def test_a_late_audit_batch_must_lead_into_what_arrived_before(
    office: Office, device: FakeDevice
) -> None:
    first = device.bundle(office.inbox, caseload().envelopes(), audit=2)
    second = device.bundle(office.inbox, caseload("Bryn").envelopes(), audit=2)
    third = device.bundle(office.inbox, caseload("Cai").envelopes(), audit=2)
    office.import_(first)
    office.import_(third)
    outcome = office.import_(second)
    assert not any("audit" in r for r in outcome.checked.reports), outcome.checked.reports
    assert office.store.counts().audit_entries == 6


def test_import_plans_again_when_another_import_commits_first(
    office: Office, device: FakeDevice
) -> None:
    first = device.bundle(office.inbox, caseload().envelopes())
    importer = office.importer()
    checked = importer.check(first.data)
    assert checked.plan is not None
    # Another msp-office imports the bundle in between (its own connection).
    other = office.open_store()
    try:
        assert other.apply(checked.plan, other.change_token())
    finally:
        other.close()
    before = office.db_hash()
    assert not office.store.apply(checked.plan, checked.token)
    assert office.db_hash() == before
    outcome = office.import_(first)
    assert outcome.checked.status == "already-imported"
