"""Versioned schema: stepwise upgrades, and committed fixtures of released schemas."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from msp_desktop.bundles import KeyPair
from msp_desktop.bundles.pack import Change
from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.errors import WorkspaceDamaged
from msp_desktop.store import Workspace
from msp_desktop.store.backup import latest_backup
from msp_desktop.store.connection import DatabaseErrors, open_encrypted
from msp_desktop.store.database import Database
from msp_desktop.store.keyslots import load_key_file
from msp_desktop.store.migrations import LATEST_VERSION, migrate, schema_version
from msp_desktop.store.outbox import pending_records
from tests import builders
from tests.conftest import PASSPHRASE, snapshot
from tests.office_helpers import envelope
from tests.sync_helpers import Office

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_fixture_workspace_v1_upgrades_with_everything_intact(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "workspace-v1", folder)
    ws = Workspace.open(folder, "fixture passphrase v1")
    try:
        assert schema_version(ws.db) == LATEST_VERSION == 7
        # The search index (schema 2) was built from rows written under schema 1.
        assert [p.local_id for p in ws.people.search("fixture")] == ["FIX-001", "FIX-002"]
        assert [p.name for p in ws.people.search("bry")] == ["Bryn Fixture-Sample"]
        visits = ws.visits.list()
        assert sorted(v.status for v in visits) == ["draft", "draft"]
        amended = next(v for v in visits if v.revision == 2)
        first = ws.visits.get(amended.id, revision=1)
        assert first.is_final
        words = first.visit.desired_outcomes[0].words.text
        assert words == "Dw i eisiau teimlo'n ddiogel — ŵ ŷ â."
        assert ws.visits.revisions(amended.id)[1].reason == "Fixture amendment"
        # Schema 3: copy decisions start empty and work on the upgraded records.
        assert ws.db.scalar("SELECT count(*) FROM copies_given") == 0
        assert ws.copies.for_visit(amended.id) == []
        report = ws.check()
        assert report.healthy, report.problems
    finally:
        ws.close()
    # The workspace as it was before the upgrade is kept as a verified backup.
    (kept,) = (folder / "backups").glob("before-upgrade-from-v1-*.db")
    latest = latest_backup(folder)
    assert latest is not None
    assert latest.path == str(kept)
    key_file = load_key_file(Path(f"{kept}.keys.json"))
    old = Database(open_encrypted(kept, key_file.unwrap("fixture passphrase v1")))
    try:
        assert schema_version(old) == 1
        assert old.scalar("SELECT count(*) FROM people") == 2
    finally:
        old.close()


def test_fixture_workspace_v4_upgrades_to_the_journey(tmp_path: Path) -> None:
    folder = tmp_path / "v4"
    shutil.copytree(FIXTURES / "workspace-v4", folder)
    ws = Workspace.open(folder, "fixture passphrase v4")
    try:
        assert schema_version(ws.db) == 7
        cara = next(p for p in ws.people.search("cara"))
        (held,) = [v for v in ws.visits.list(person_id=cara.id) if v.status == "finalised"]
        visit = ws.visits.get(held.id).visit
        # Old answers read in their new shape, unchanged in meaning.
        assert [(p.name, p.role) for p in visit.present] == [("Sam Fixture-Neighbour", None)]
        assert visit.consent_to_share is not None
        assert visit.consent_to_share.decision == "yes"
        assert [a.status for a in visit.actions] == ["open", "done"]
        # The finalised visit's agreed actions became records of their own.
        actions = ws.actions.for_person(cara.id)
        assert sorted((a.what.text if a.what else "", a.status) for a in actions) == [
            ("Ask the bank about a second signatory.", "open"),
            ("Change the door lock.", "done"),
        ]
        assert {a.agreed_in_visit for a in actions} == {held.id}
        assert ws.people.summary(cara.id).overdue_actions == 1  # due 20 Nov 2026
        # A concern closed before closing dates existed still reads as closed.
        dai = next(p for p in ws.people.search("dai"))
        (closed,) = ws.concerns.for_person(dai.id)
        assert closed.is_closed
        assert closed.closed_on is None
        assert ws.contacts.for_person(cara.id) == []
        report = ws.check()
        assert report.healthy, report.problems
    finally:
        ws.close()
    (kept,) = (folder / "backups").glob("before-upgrade-from-v4-*.db")
    key_file = load_key_file(Path(f"{kept}.keys.json"))
    old = Database(open_encrypted(kept, key_file.unwrap("fixture passphrase v4")))
    try:
        assert schema_version(old) == 4
    finally:
        old.close()


def test_migrations_apply_one_step_at_a_time(workspace: Workspace) -> None:
    assert migrate(workspace.db) == []  # already current
    assert schema_version(workspace.db) == LATEST_VERSION


def test_a_newer_schema_is_refused_without_changes(workspace: Workspace) -> None:
    workspace.db.execute("PRAGMA user_version = 99")
    workspace.close()
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceDamaged, match="newer version of MSP Desktop"):
        Workspace.open(workspace.folder, PASSPHRASE)
    assert snapshot(workspace.folder) == before


def test_step_3_adds_copy_decisions_to_a_schema_2_workspace(tmp_path: Path) -> None:
    db = Database(open_encrypted(tmp_path / "v2.db", b"\x07" * 32))
    try:
        assert migrate(db, target=2) == [1, 2]
        assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'copies_given'") == 0
        assert migrate(db, target=3) == [3]
        assert schema_version(db) == 3
        columns = [r[1] for r in db.all("PRAGMA table_info(copies_given)")]
        assert columns == [
            "id",
            "visit_id",
            "revision",
            "choice",
            "style",
            "lang",
            "neutral_title",
            "given_at",
            "given_by",
            "document_sha256",
        ]
    finally:
        db.close()


def test_step_4_keeps_finalised_revisions_undeletable_except_under_a_purge_permit(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "workspace-v1", folder)
    ws = Workspace.open(folder, "fixture passphrase v1")
    try:
        assert ws.db.scalar("SELECT count(*) FROM bundles_sent") == 0
        visit_id, revision = ws.db.one(
            "SELECT visit_id, revision FROM visit_revisions WHERE status = 'finalised'"
        )
        with (
            pytest.raises(DatabaseErrors, match="finalised revisions are read-only"),
            ws.db.transaction(),
        ):
            ws.db.execute("DELETE FROM visit_revisions WHERE visit_id = ?", (visit_id,))
        assert (
            ws.db.scalar(
                "SELECT count(*) FROM visit_revisions WHERE visit_id = ? AND revision = ?",
                (visit_id, revision),
            )
            == 1
        )
        with ws.db.transaction():
            ws.db.execute("INSERT INTO purge_permits (visit_id) VALUES (?)", (visit_id,))
            ws.db.execute("DELETE FROM visit_revisions WHERE visit_id = ?", (visit_id,))
            ws.db.execute("DELETE FROM purge_permits")
        assert (
            ws.db.scalar("SELECT count(*) FROM visit_revisions WHERE visit_id = ?", (visit_id,))
            == 0
        )
    finally:
        ws.close()


def test_fixture_workspace_v5_upgrades_to_office_packs(tmp_path: Path) -> None:
    folder = tmp_path / "v5"
    shutil.copytree(FIXTURES / "workspace-v5", folder)
    office = Office(office_id="fixture-office", name="Fixture Office")
    office.key = KeyPair.from_secret_bytes((folder / "office.key").read_bytes())
    ws = Workspace.open(folder, "fixture passphrase v5")
    try:
        assert schema_version(ws.db) == LATEST_VERSION == 7
        [eira] = ws.people.search("eira")
        # The change made after bundle 1 still waits, as the next revision.
        [pending] = pending_records(ws.db)
        assert (pending.kind, pending.record_id, pending.revision) == ("person", eira.id, 2)
        for table in (
            "packs_received",
            "records_received",
            "pack_conflicts",
            "people_leaving",
            "shared_people",
            "pack_applying",
        ):
            assert ws.db.scalar(f"SELECT count(*) FROM {table}") == 0
        # Enrolled before packs: the next enrolment file carries a pack key, same device key.
        old = read_enrolment((folder / "enrolment.json").read_bytes())
        assert old.pack_key is None
        again = ws.sync.enrol()
        assert read_enrolment(again).key_id == old.key_id
        person = builders.person("Ffion Fixture-Sample")
        sent = envelope("person", person)
        pack = office.pack(again, [Change(change="allocate", kind="person", id=person.id,
                                          revision=1)], [sent])  # fmt: skip
        assert ws.sync.import_pack(pack.data).taken == {"person": 1}
        assert ws.check().healthy
    finally:
        ws.close()
