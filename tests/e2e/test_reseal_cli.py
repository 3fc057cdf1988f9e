"""Stuck devices recovered, end to end (S24): after its key is revoked or replaced, a
device seals again with its new key whatever the old key signed and the office never
took, and the office imports it as one history: the same records once, no gap, no
replay alert. Both sides are the real programs (``msp``, ``msp-office``); the network
office is the real importer behind https (``tests.inbox_server``) on the same office
folder. Every refusal is checked for its words and for changing nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.store import Workspace
from tests.conftest import PASSPHRASE
from tests.e2e.conftest import MspRunner, OfficeRunner, ok
from tests.e2e.test_sync_network_cli import counts, keys_file, set_up
from tests.inbox_server import InboxServer, NetOffice, TlsFiles, make_tls
from tests.sync_helpers import DEVICE_ID, concern_for, finalised_visit


@pytest.fixture
def office(office_dir: Path) -> NetOffice:
    return NetOffice.create(office_dir)  # the folder msp-office works on too


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return make_tls(tmp_path / "tls")


@pytest.fixture
def server(office: NetOffice, tls: TlsFiles) -> Iterator[InboxServer]:
    with InboxServer(office, tls) as running:
        yield running


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


def _office_rows(office: NetOffice) -> tuple[object, ...]:
    """Everything the office imported: ledger, revisions, current records, audit."""
    with sqlite3.connect(f"file:{office.layout.database}?mode=ro", uri=True) as db:
        return tuple(
            db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("bundles", "record_revisions", "current_records", "audit_entries")
        )


def _ledger(office: NetOffice) -> list[tuple[int, str, str | None, str, int, str]]:
    with sqlite3.connect(f"file:{office.layout.database}?mode=ro", uri=True) as db:
        return db.execute(
            "SELECT sequence, sha256, previous_sha256, key_id, gap_before, note FROM bundles"
            " ORDER BY sequence"
        ).fetchall()


def _revisions(office: NetOffice) -> list[tuple[str, str, int]]:
    with sqlite3.connect(f"file:{office.layout.database}?mode=ro", uri=True) as db:
        return db.execute("SELECT kind, record_id, revision FROM record_revisions").fetchall()


def _alert_kinds(office: NetOffice) -> list[str]:
    alerts = office.layout.alerts
    if not alerts.exists():
        return []
    return [json.loads(line)["kind"] for line in alerts.read_text().splitlines() if line]


def _more_records(folder: Path) -> None:
    """Another concern and finalised visit for the first person (made in the app)."""
    with Workspace.open(folder, PASSPHRASE) as ws:
        (person,) = ws.people.search()
        finalised_visit(ws, concern_for(ws, ws.people.get(person.id)))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_revoked_device_is_told_what_to_do_and_its_new_key_sends_the_same_records(
    msp: MspRunner,
    msp_office: OfficeRunner,
    office: NetOffice,
    server: InboxServer,
    tls: TlsFiles,
    folder: Path,
    tmp_path: Path,
) -> None:
    keys = keys_file(office, tmp_path, "--inbox-url", server.url, "--tls-cert", str(tls.cert))
    set_up(msp, office, keys, folder, tmp_path)
    ok(msp("sync"))  # bundle 1, imported with the first key
    old_key = ok(msp("office-keys", "show")).split("Device key: ")[1].split()[0]
    _more_records(folder)

    # The office revokes the key; the device's next bundle is quarantined.
    ok(msp_office("devices", "revoke", DEVICE_ID, "--reason", "laptop reported lost"))
    office_before = _office_rows(office)
    status_before = counts(msp)
    refused = msp("sync")

    assert refused.returncode == 13
    said = _one_line(refused.stderr)
    assert (
        f"msp: The office has revoked this device's key {old_key}, so it did not take "
        "bundle 2 and takes nothing signed with that key. On this laptop, run msp enrol "
        "--new-key --out FILE and give FILE to the office, reading out the key id it prints "
        "(in person or by phone); the office enrols it with msp-office devices replace-lost "
        "FILE --confirm-key-id KEY_ID --reason TEXT. Then sync again: what the old key "
        "signed is sealed again with the new one. Nothing is lost: everything stays queued "
        "here."
    ) in said
    assert _office_rows(office) == office_before  # nothing imported
    # Sealed and queued here, nothing acknowledged, nothing lost.
    assert status_before["finalised"] == 3
    queued = {**status_before, "finalised": 0, "in-bundle": 3}
    assert counts(msp) == queued
    assert "revoked" in ok(msp_office("quarantine", "list"))
    again = msp("sync")  # asked again: the same words, and still nothing changes
    assert again.returncode == 13
    assert _one_line(again.stderr) == said
    assert _office_rows(office) == office_before
    assert counts(msp) == queued

    # The worker makes a new key; the office enrols it with the key id read out.
    enrolment = tmp_path / "enrolment-2.json"
    ok(msp("enrol", "--new-key", "--out", str(enrolment)))
    new_key = read_enrolment(enrolment.read_bytes()).key_id
    ok(msp_office("devices", "replace-lost", str(enrolment), "--confirm-key-id", new_key,
                  "--reason", "laptop found, key replaced"))  # fmt: skip

    synced = msp("sync")

    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.splitlines()[0].startswith(
        f"Bundle 2 was sealed again with this device's new key {new_key}: the same records"
    )
    ledger = _ledger(office)
    assert [(seq, key, gap, note) for seq, _sha, _prev, key, gap, note in ledger] == [
        (1, old_key, 0, ""),
        (2, new_key, 0, ""),  # no gap, no broken chain, nothing to report
    ]
    assert ledger[1][2] == ledger[0][1]
    revisions = _revisions(office)
    assert len(revisions) == len(set(revisions)) == 7  # every record, once
    assert "replay" not in _alert_kinds(office)
    assert counts(msp)["in-bundle"] == 0
    assert counts(msp)["acknowledged"] == 7


def test_a_replaced_key_seals_the_waiting_bundle_again_for_the_stick(
    msp: MspRunner,
    msp_office: OfficeRunner,
    office: NetOffice,
    folder: Path,
    tmp_path: Path,
) -> None:
    keys = keys_file(office, tmp_path)
    set_up(msp, office, keys, folder, tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    (old_file,) = ok(msp("export", "--to", str(stick))).splitlines()  # bundle 1, old key

    # A new key before the office imported bundle 1: the office enrols it (--replace).
    enrolment = tmp_path / "enrolment-2.json"
    ok(msp("enrol", "--new-key", "--out", str(enrolment)))
    new_key = read_enrolment(enrolment.read_bytes()).key_id
    ok(msp_office("devices", "add", str(enrolment), "--replace"))
    office_before = _office_rows(office)
    refused = msp_office("import", old_file)
    assert refused.returncode == 13
    assert "revoked" in refused.stderr
    assert _office_rows(office) == office_before

    exported = msp("export", "--to", str(stick))

    assert exported.returncode == 0, exported.stderr
    (new_file,) = exported.stdout.splitlines()
    assert new_file != old_file
    said = _one_line(exported.stderr)
    assert f"Bundle 1 was sealed again with this device's new key {new_key}" in said
    assert "Take the new files to the office, not the old ones" in said
    assert "msp-office devices add --replace FILE" in said
    assert ok(msp("export", "--to", str(stick))).strip().startswith("Nothing to export")

    ok(msp_office("import", new_file))
    ledger = _ledger(office)
    assert [(seq, key, gap) for seq, _sha, prev, key, gap, _note in ledger] == [(1, new_key, 0)]
    assert ledger[0][2] is None
    revisions = _revisions(office)
    assert len(revisions) == len(set(revisions)) == 4
    assert "replay" not in _alert_kinds(office)
    receipts = sorted(office.layout.receipts.glob("*.receipt.json"))
    ok(msp("receipts", "import", *map(str, receipts)))
    assert counts(msp)["acknowledged"] == 4
