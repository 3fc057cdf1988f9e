"""The office database on PostgreSQL: what only it has, and imports racing each other.

Every other office test runs on PostgreSQL too (``conftest.office`` is parametrized);
here are the races (many connections importing at once, on both backends), the
constraints that make "exactly once" hold even for a writer that skipped the lock,
and PostgreSQL's own ``init --db``, opening, versions, read-only mode and lock wait.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest

from msp_desktop.bundles import ContentRejected, SealedBundle
from msp_desktop.errors import InvalidInput
from msp_desktop.office.cli.main import main
from msp_desktop.office.db import postgres
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.db.postgres import PostgresOfficeStore
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from msp_desktop.office.db.store import OfficeStore
from msp_desktop.office.errors import OfficeBusy, OfficeDamaged, OfficeExists, OfficeMissing
from msp_desktop.office.importer import Importer
from msp_desktop.office.keys import OfficeLayout
from tests.office_helpers import FakeDevice, caseload
from tests.office_pg import PostgresServer, with_options
from tests.unit.office.conftest import NOW, Office

T = TypeVar("T")

on_postgres = pytest.mark.parametrize("office", ["postgres"], indirect=True)


def _all_at_once(count: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``work(0..count-1)`` on ``count`` threads released together; results in order."""
    barrier = threading.Barrier(count)
    results: list[T | BaseException] = [RuntimeError("did not run")] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _import_on_own_connection(office: Office, data: bytes, receipts: Path) -> str:
    """One msp-office process: its own connection, its own importer."""
    store: OfficeStore = office.open_store()
    try:
        importer = Importer(store, office.keys, office.layout, clock=lambda: NOW)
        outcome = importer.import_bundle(data, source="race.mspbundle", receipts=receipts)
        return outcome.checked.status
    finally:
        store.close()


def test_twenty_connections_importing_one_bundle_import_it_once(
    office: Office, device: FakeDevice, tmp_path: Path
) -> None:
    sealed = device.bundle(office.inbox, caseload().envelopes(), audit=3)

    results = _all_at_once(
        20, lambda i: _import_on_own_connection(office, sealed.data, tmp_path / f"r{i}")
    )

    assert Counter(map(str, results)) == {"imported": 1, "already-imported": 19}, results
    assert office.sql("SELECT count(*) FROM bundles") == [(1,)]
    counts = office.store.counts()
    assert (counts.bundles, counts.records, counts.revisions, counts.audit_entries) == (1, 3, 3, 3)


def test_ten_devices_sending_three_bundles_at_once_import_each_once(
    office: Office, tmp_path: Path
) -> None:
    devices = [FakeDevice(device_id=f"laptop-{n}", worker=f"Worker {n}") for n in range(10)]
    bundles: list[SealedBundle] = []
    for device in devices:
        office.enrol(device)
        bundles += [
            device.bundle(office.inbox, caseload(f"Person {device.device_id} {n}").envelopes())
            for n in range(3)
        ]

    busy: list[int] = []

    def upload(index: int) -> str:
        # A device told "busy" (503, Retry-After) sends the bundle again a little later.
        for attempt in range(50):
            try:
                return _import_on_own_connection(office, bundles[index].data, tmp_path / "r")
            except OfficeBusy:
                busy.append(attempt)
                time.sleep(random.uniform(0.0, 0.05))
        raise AssertionError("still busy after 50 tries")

    first = _all_at_once(len(bundles), upload)
    again = _all_at_once(len(bundles), upload)  # every bundle a second time, at once too

    assert first == ["imported"] * 30, first
    assert again == ["already-imported"] * 30, again
    ledger = office.store.ledger()
    assert sorted((e.device_id, e.sequence) for e in ledger) == sorted(
        (d.device_id, n) for d in devices for n in (1, 2, 3)
    )
    assert {e.sha256 for e in ledger} == {b.sha256 for b in bundles}
    assert office.store.counts().records == 90
    print(f"busy answers: {len(busy)}, most for one upload: {max(busy, default=-1) + 1}")


@on_postgres
def test_a_writer_that_skipped_the_token_check_still_cannot_import_twice(
    office: Office, device: FakeDevice
) -> None:
    sealed = device.bundle(office.inbox, caseload().envelopes())
    checked = office.importer().check(sealed.data)
    assert checked.plan is not None
    assert office.store.apply(checked.plan, checked.token)
    state = office.db_hash()

    # The same plan again with a fresh token: only the constraints stand in the way.
    other = office.open_store()
    try:
        assert not other.apply(checked.plan, other.change_token())
    finally:
        other.close()

    assert office.db_hash() == state
    assert office.import_(sealed).checked.status == "already-imported"


@on_postgres
def test_the_ledger_constraints_are_in_the_database(office: Office, device: FakeDevice) -> None:
    sealed = device.bundle(office.inbox, caseload().envelopes())
    office.import_(sealed)
    assert office.db_url is not None
    copy = (
        "INSERT INTO bundles SELECT {sha}, bundle_id, device_id, sequence, previous_sha256, "
        "manifest_sha256, key_id, worker, created, imported_at, records, audit_entries, "
        "gap_before, note, epoch FROM bundles"
    )
    with psycopg.connect(office.db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.UniqueViolation, match="device_id, epoch, sequence"):
            conn.execute(copy.format(sha="'" + "f" * 64 + "'"))
        with pytest.raises(psycopg.errors.UniqueViolation, match="bundles_pkey"):
            conn.execute(copy.replace("SELECT {sha}, bundle_id", "SELECT sha256, bundle_id"))


@on_postgres
def test_the_change_token_moves_with_every_write_and_only_then(
    office: Office, device: FakeDevice
) -> None:
    token = office.store.change_token()
    office.store.counts()
    office.store.ledger()
    assert office.store.change_token() == token
    office.import_(device.bundle(office.inbox, caseload().envelopes()))
    assert office.store.change_token() == token + 1
    office.store.revoke_key(device.key.key_id, at="2026-11-21T08:00:00Z", reason="lost")
    assert office.store.change_token() == token + 2


@on_postgres
def test_a_writer_waiting_too_long_for_the_lock_is_told_the_office_is_busy(
    office: Office, device: FakeDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert office.db_url is not None
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT", "200ms")
    store = PostgresOfficeStore.open(office.db_url)
    sealed = device.bundle(office.inbox, caseload().envelopes())
    importer = Importer(store, office.keys, office.layout, clock=lambda: NOW)
    try:
        with psycopg.connect(office.db_url) as holder:  # another msp-office, mid-write
            holder.execute("SELECT change_count FROM office_lock FOR UPDATE")
            before = office.db_hash()
            with pytest.raises(OfficeBusy, match="Another msp-office is writing"):
                importer.import_bundle(sealed.data, source="x", receipts=office.layout.receipts)
            assert office.db_hash() == before
        assert (
            importer.import_bundle(
                sealed.data, source="x", receipts=office.layout.receipts
            ).checked.status
            == "imported"
        )
    finally:
        store.close()


@on_postgres
def test_writes_are_read_committed_whatever_the_server_default(office: Office) -> None:
    assert office.db_url is not None
    url = with_options(office.db_url, "-c default_transaction_isolation=serializable")
    store = PostgresOfficeStore.open(url)
    try:
        with store._conn.transaction():
            row = store._conn.execute("SHOW transaction_isolation").fetchone()
        assert row == ("read committed",)
    finally:
        store.close()


@on_postgres
def test_a_read_only_store_cannot_write(office: Office) -> None:
    assert office.db_url is not None
    store = open_store(office.layout.root, office.db_url, read_only=True)
    try:
        assert store.counts().devices == 0
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            store.revoke_key("0" * 16, at="2026-11-21T08:00:00Z", reason="x")
    finally:
        store.close()


def test_an_audit_entry_with_a_nul_character_is_refused_before_writing(
    office: Office, device: FakeDevice
) -> None:
    # Both backends: the format refuses U+0000, which PostgreSQL text cannot hold.
    entries = device.audit_entries(1, actor="Test\x00Worker")  # JSON: "Test\u0000Worker"
    sealed = device.bundle(office.inbox, files=device.files(caseload().envelopes(), entries))
    before = office.db_hash()
    with pytest.raises(ContentRejected, match=r"U\+0000"):
        office.import_(sealed)
    assert office.db_hash() == before


@on_postgres
def test_a_newer_schema_version_is_refused_and_left_alone(office: Office) -> None:
    assert office.db_url is not None
    newer = SCHEMA_VERSION + 1
    with psycopg.connect(office.db_url, autocommit=True) as conn:
        conn.execute("UPDATE schema_version SET version = %s", (newer,))
    before = office.db_hash()
    with pytest.raises(OfficeDamaged, match=f"has database version {newer}; this msp-office reads"):
        PostgresOfficeStore.open(office.db_url)
    with pytest.raises(OfficeDamaged, match=f"has database version {newer}"):
        PostgresOfficeStore.upgrade(office.db_url)
    assert office.db_hash() == before


def test_init_on_postgres_then_the_commands_use_it(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "office"
    args = ["--dir", str(folder), "--db", postgres_url]
    assert main(["init", *args, "--office-id", "north-council", "--name", "North"]) == 0
    out = capsys.readouterr().out
    assert "PostgreSQL database postgres on /" in out
    assert "office.db" not in out
    assert sorted(p.name for p in folder.iterdir()) == ["keys", "office.json"]

    assert main(["status", "--json", *args]) == 0
    assert '"bundles": 0' in capsys.readouterr().out
    assert main(["status", "--dir", str(folder)]) == 3  # no --db: the folder has no office.db
    assert "There is no office database at" in capsys.readouterr().err


def test_init_refuses_a_database_that_holds_an_office_before_making_keys(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    PostgresOfficeStore.create(postgres_url)
    folder = tmp_path / "second"
    code = main(["init", "--dir", str(folder), "--db", postgres_url, "--office-id", "south",
                 "--name", "South"])  # fmt: skip
    assert code == OfficeExists.exit_code
    assert "already holds an office database" in capsys.readouterr().err
    assert not folder.exists()
    with pytest.raises(OfficeExists):
        PostgresOfficeStore.create(postgres_url)


def test_opening_an_empty_database_says_how_to_make_an_office(
    postgres_url: str, tmp_path: Path
) -> None:
    with pytest.raises(OfficeMissing, match="no office database in the PostgreSQL database"):
        open_store(tmp_path, postgres_url, read_only=True)


def test_a_server_that_is_not_there_is_one_sentence(tmp_path: Path) -> None:
    url = f"postgresql://nobody@/office?host={tmp_path}&port=1&connect_timeout=2"
    with pytest.raises(OfficeMissing, match="Cannot connect to the office's PostgreSQL"):
        open_store(tmp_path, url, read_only=True)


def test_other_database_urls_are_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="must start with sqlite:/// or postgresql://"):
        open_store(tmp_path, "mysql://office", read_only=True)
    with pytest.raises(InvalidInput, match="not postgresql\\+psycopg:"):
        open_store(tmp_path, "postgresql+psycopg://office", read_only=True)


def test_the_throwaway_server_makes_separate_databases(postgres_server: PostgresServer) -> None:
    first, second = postgres_server.new_schema(), postgres_server.new_schema()
    try:
        PostgresOfficeStore.create(first)
        with pytest.raises(OfficeMissing):
            PostgresOfficeStore.open(second)
        store = open_store(OfficeLayout(Path("/nonexistent")).root, first, read_only=True)
        assert store.counts().bundles == 0
        store.close()
    finally:
        postgres_server.drop_schema(first)
        postgres_server.drop_schema(second)
