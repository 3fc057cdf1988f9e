"""Re-sealing after a new device key (S24; ``store.outbox``): what a replaced key signed
and the office never took is sealed again with the new key, same sequence, same
records, and the office imports it as the next link of one history. Against a real
office (the importer on SQLite, behind ``tests.inbox_server`` for the network), a real
encrypted workspace, real age and minisign.

And what the device says when the office refuses its key (``services.key_refusal``):
the exact steps for the worker and the office, with nothing changed on either side.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.errors import WorkspaceDamaged
from msp_desktop.network.uploader import KeyRefused
from msp_desktop.office import devices
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.errors import BundleQuarantined
from msp_desktop.office.importer import Importer
from msp_desktop.services.export import export_bundles
from msp_desktop.services.network_sync import sync_now
from msp_desktop.store import Workspace, outbox
from tests import builders
from tests.inbox_server import InboxServer, NetOffice
from tests.sync_helpers import DEVICE_ID, concern_for, finalised_visit, person_with_concern

NOW = "2026-11-20T10:00:00Z"


def _no_sleep(_seconds: float) -> None:
    raise AssertionError("a refusal is never retried")


def _office_db(office: NetOffice) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{office.layout.database}?mode=ro", uri=True)


def _ledger(office: NetOffice) -> list[tuple[int, str, str | None, str, int, str]]:
    """(sequence, sha256, previous, key id, gap before, note) of each imported bundle."""
    with _office_db(office) as db:
        return db.execute(
            "SELECT sequence, sha256, previous_sha256, key_id, gap_before, note FROM bundles"
            " ORDER BY sequence"
        ).fetchall()


def _revisions(office: NetOffice) -> list[tuple[str, str, int]]:
    with _office_db(office) as db:
        return db.execute(
            "SELECT kind, record_id, revision FROM record_revisions ORDER BY 1, 2, 3"
        ).fetchall()


def _office_state(office: NetOffice) -> tuple[object, ...]:
    with _office_db(office) as db:
        tables = ("bundles", "record_revisions", "current_records", "audit_entries")
        return tuple(
            db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in tables
        )


def _queue(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.db.all(
        "SELECT sequence, bundle_id, sha256, data, acknowledged_at FROM bundles_sent"
        " ORDER BY sequence"
    )


def _office_step(office: NetOffice, step: str, enrolment: bytes, key_id: str = "") -> None:
    """``msp-office devices add --replace``, ``replace-lost`` or ``revoke``."""
    store = SqliteOfficeStore.open(office.layout.database)
    try:
        if step == "replace":
            devices.enrol(store, enrolment, replace=True, now=NOW)
        elif step == "replace-lost":
            devices.replace_lost(
                store, enrolment, confirm_key_id=key_id, reason="laptop back", now=NOW
            )
        else:
            devices.revoke(store, DEVICE_ID, reason="laptop reported lost", now=NOW)
    finally:
        store.close()


def _provision(ws: Workspace, office: NetOffice, url: str | None) -> None:
    ws.import_office_keys(office.provisioning(url), office.key_id)
    office.enrol(ws.sync.enrol(DEVICE_ID))


def test_a_bundle_the_replaced_key_signed_is_sealed_again_and_the_office_sees_one_history(
    workspace: Workspace, office: NetOffice, server: InboxServer, tmp_path: Path
) -> None:
    _provision(workspace, office, server.url)
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    assert sync_now(workspace, sleep=_no_sleep).ok  # bundle 1, imported with the first key
    stick = tmp_path / "stick"
    stick.mkdir()
    finalised_visit(workspace, concern_for(workspace, person))
    (old_file,) = [w.path for w in export_bundles(workspace, stick).written]  # bundle 2
    old_sha256 = workspace.db.scalar("SELECT sha256 FROM bundles_sent WHERE sequence = 2")

    # The worker makes a new key; the office enrols it, revoking the old one.
    old_key = workspace.sync.device_key_id()
    enrolment = workspace.sync.enrol(new_key=True)
    new_key = read_enrolment(enrolment).key_id
    assert outbox.old_key_bundles(workspace.db) == [2]
    _office_step(office, "replace", enrolment)

    report = sync_now(workspace, sleep=_no_sleep)

    assert report.ok, report.failure_lines()
    assert (report.resealed, report.key_id) == ((2,), new_key)
    assert report.done_lines()[0].startswith(
        f"Bundle 2 was sealed again with this device's new key {new_key}: the same records"
    )
    ledger = _ledger(office)
    assert [(seq, key, gap, note) for seq, _sha, _prev, key, gap, note in ledger] == [
        (1, old_key, 0, ""),
        (2, new_key, 0, ""),  # no gap, no broken chain, nothing reported
    ]
    assert ledger[1][2] == ledger[0][1]  # bundle 2 follows bundle 1
    assert ledger[1][1] != old_sha256
    assert not office.layout.alerts.exists()  # no replay alert
    revisions = _revisions(office)
    assert len(revisions) == len(set(revisions))
    assert {kind for kind, _id, _rev in revisions} >= {"person", "concern", "visit"}
    assert outbox.old_key_bundles(workspace.db) == []
    assert (
        workspace.db.scalar("SELECT count(*) FROM bundles_sent WHERE sha256 = ?", (old_sha256,))
        == 0
    )
    resealed = [e for e in workspace.audit_entries() if e.action == "bundle_resealed"]
    assert [e.detail["sequence"] for e in resealed] == [2]
    assert resealed[0].detail["replaces_sha256"] == old_sha256
    assert resealed[0].detail["key_id"] == new_key

    # The old file, still on the stick, is evidence only: the office never takes it.
    store = SqliteOfficeStore.open(office.layout.database)
    try:
        importer = Importer(store, office.keys, office.layout)
        before = _office_state(office)
        with pytest.raises(BundleQuarantined, match="revoked"):
            importer.import_bundle(
                old_file.read_bytes(), source=str(old_file), receipts=tmp_path / "receipts"
            )
        assert _office_state(office) == before
    finally:
        store.close()


def test_a_revoked_key_is_refused_with_the_steps_and_the_new_key_carries_the_records(
    workspace: Workspace, office: NetOffice, server: InboxServer
) -> None:
    _provision(workspace, office, server.url)
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    assert sync_now(workspace, sleep=_no_sleep).ok
    _office_step(office, "revoke", b"")
    finalised_visit(workspace, concern_for(workspace, person))
    office_before = _office_state(office)

    refused = sync_now(workspace, sleep=_no_sleep)

    (error,) = refused.errors
    assert isinstance(error, KeyRefused)
    old_key = workspace.sync.device_key_id()
    assert error.message == (
        f"The office has revoked this device's key {old_key}, so it did not take bundle 2 "
        "and takes nothing signed with that key. On this laptop, run msp enrol --new-key "
        "--out FILE and give FILE to the office, reading out the key id it prints (in "
        "person or by phone); the office enrols it with msp-office devices replace-lost "
        "FILE --confirm-key-id KEY_ID --reason TEXT. Then sync again: what the old key "
        "signed is sealed again with the new one. Nothing is lost: everything stays "
        "queued here."
    )
    assert refused.exit_code == 13
    assert _office_state(office) == office_before  # nothing changed at the office
    queued = _queue(workspace)
    assert [row[0] for row in queued if row[4] is None] == [2]  # still queued here
    assert sync_now(workspace, sleep=_no_sleep).errors[0].message == error.message
    assert _queue(workspace) == queued  # a second refusal changes nothing either

    enrolment = workspace.sync.enrol(new_key=True)
    new_key = read_enrolment(enrolment).key_id
    _office_step(office, "replace-lost", enrolment, new_key)
    report = sync_now(workspace, sleep=_no_sleep)

    assert report.ok, report.failure_lines()
    assert report.resealed == (2,)
    assert [(row[0], row[3], row[4]) for row in _ledger(office)] == [
        (1, old_key, 0),
        (2, new_key, 0),
    ]
    assert not office.layout.alerts.exists() or "replay" not in office.layout.alerts.read_text()
    revisions = _revisions(office)
    assert len(revisions) == len(set(revisions))


def test_until_the_office_enrols_the_new_key_the_device_says_so_and_loses_nothing(
    workspace: Workspace, office: NetOffice, server: InboxServer
) -> None:
    _provision(workspace, office, server.url)
    _person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    enrolment = workspace.sync.enrol(new_key=True)  # before bundle 1 ever left
    new_key = read_enrolment(enrolment).key_id
    office_before = _office_state(office)

    refused = sync_now(workspace, sleep=_no_sleep)

    assert refused.resealed == ()  # bundle 1 was sealed with the new key already
    (error,) = refused.errors
    assert isinstance(error, KeyRefused)
    assert error.message == (
        f"The office has not enrolled this device's new key {new_key} yet, so it did not "
        "take bundle 1. On this laptop, run msp enrol --out FILE (it makes no new key) and "
        "give FILE to the office, reading out the key id it prints; the office enrols it "
        "with msp-office devices add --replace FILE. Then sync again. Nothing is lost: "
        "everything stays queued here."
    )
    assert _office_state(office) == office_before
    queued = _queue(workspace)
    assert [row[0] for row in queued if row[4] is None] == [1]

    _office_step(office, "replace", workspace.sync.enrol())  # the same key, file made again
    report = sync_now(workspace, sleep=_no_sleep)
    assert report.ok, report.failure_lines()
    assert report.resealed == ()
    assert [row[0] for row in _ledger(office)] == [1]


def test_an_export_seals_again_and_writes_the_new_file(
    workspace: Workspace, office: NetOffice, tmp_path: Path
) -> None:
    _provision(workspace, office, None)
    person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    stick = tmp_path / "stick"
    stick.mkdir()
    (first,) = export_bundles(workspace, stick).written
    enrolment = workspace.sync.enrol(new_key=True)
    _office_step(office, "replace", enrolment)

    # A change to the person after bundle 1 was sealed goes as it is now, in the same
    # revision: the office never had the earlier one, and nothing is sent twice.
    changed = builders.person(name="Ada Renamed").model_copy(update={"id": person.id})
    workspace.people.update(changed)
    result = export_bundles(workspace, stick)

    assert result.resealed == (1,)
    assert result.sealed is None  # nothing new: the change travels in bundle 1
    (again,) = result.written
    assert again.sequence == 1
    assert again.path != first.path
    store = SqliteOfficeStore.open(office.layout.database)
    try:
        importer = Importer(store, office.keys, office.layout)
        outcome = importer.import_bundle(
            again.path.read_bytes(), source=str(again.path), receipts=tmp_path / "receipts"
        )
        workspace.sync.import_receipt(outcome.receipt.read_bytes())
        person_row = store.current("person", person.id)
    finally:
        store.close()
    assert person_row is not None
    assert person_row.revision == 1
    with _office_db(office) as db:
        (text,) = db.execute(
            "SELECT envelope FROM record_revisions WHERE kind = 'person' AND record_id = ?",
            (person.id,),
        ).fetchone()
    assert json.loads(text)["record"]["name"] == "Ada Renamed"
    assert outbox.pending_records(workspace.db) == []


def test_a_bundle_that_cannot_be_rebuilt_changes_nothing(
    workspace: Workspace, office: NetOffice, tmp_path: Path
) -> None:
    _provision(workspace, office, None)
    _person, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    stick = tmp_path / "stick"
    stick.mkdir()
    export_bundles(workspace, stick)
    workspace.sync.enrol(new_key=True)
    # A record the bundle carried is gone (a damaged or edited workspace).
    workspace.db.execute("PRAGMA foreign_keys = OFF")
    workspace.db.execute("DELETE FROM concerns WHERE id = ?", (concern.id,))
    before = _queue(workspace)
    audit_before = len(workspace.audit_entries())

    with pytest.raises(WorkspaceDamaged, match="cannot be sealed again"):
        outbox.reseal_old_key_bundles(workspace.db, "Test Worker")

    assert _queue(workspace) == before
    assert len(workspace.audit_entries()) == audit_before
    assert outbox.old_key_bundles(workspace.db) == [1]
