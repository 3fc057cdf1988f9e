"""Opening and creating workspaces: S5 (wrong passphrase), S6 (damage), refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from msp_desktop.errors import (
    InvalidInput,
    WorkspaceDamaged,
    WorkspaceExists,
    WorkspaceMissing,
    WrongPassphrase,
)
from msp_desktop.store import Workspace
from tests import builders
from tests.conftest import PASSPHRASE, snapshot

PAGE_SIZE = 4096


def _with_people(ws: Workspace, count: int) -> list[str]:
    ids = []
    for i in range(count):
        p = builders.person(f"Person {i} Example", local_id=f"LC-{i:05d}")
        ws.people.add(p)
        ids.append(p.id)
    return ids


def test_create_then_open_keeps_records(workspace: Workspace) -> None:
    ids = _with_people(workspace, 3)
    workspace.close()
    assert not workspace.is_open
    reopened = Workspace.open(workspace.folder, PASSPHRASE)
    try:
        assert sorted(p.id for p in reopened.people.search()) == sorted(ids)
        assert reopened.worker == "Test Worker"
    finally:
        reopened.close()


def test_create_refuses_an_existing_workspace_and_leaves_it(workspace: Workspace) -> None:
    _with_people(workspace, 1)
    workspace.close()
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceExists, match="already exists"):
        Workspace.create(workspace.folder, "another passphrase", "Someone Else")
    assert snapshot(workspace.folder) == before


def test_open_where_nothing_exists_says_how_to_create(workspace_dir: Path) -> None:
    with pytest.raises(WorkspaceMissing, match="msp init"):
        Workspace.open(workspace_dir, PASSPHRASE)
    assert not workspace_dir.exists()


def test_wrong_passphrase_leaves_every_file_byte_identical(workspace: Workspace) -> None:
    """S5: a clear message, and no byte of any file changes; nothing is recreated."""
    _with_people(workspace, 5)
    workspace.close()
    before = snapshot(workspace.folder)
    stats_before = {p.name: p.stat().st_mtime_ns for p in workspace.folder.iterdir()}
    for guess in ("wrong", "Correct horse battery staple", PASSPHRASE + " "):
        with pytest.raises(WrongPassphrase, match="Nothing was changed"):
            Workspace.open(workspace.folder, guess)
    assert snapshot(workspace.folder) == before
    assert {p.name: p.stat().st_mtime_ns for p in workspace.folder.iterdir()} == stats_before


def test_missing_database_is_damage_not_a_new_workspace(workspace: Workspace) -> None:
    workspace.close()
    Workspace.db_path(workspace.folder).unlink()
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceDamaged, match="database file is missing"):
        Workspace.open(workspace.folder, PASSPHRASE)
    assert snapshot(workspace.folder) == before


def _zero(path: Path, offset: int, length: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(b"\x00" * length)
        f.flush()
        os.fsync(f.fileno())


@pytest.mark.parametrize(
    ("offset", "label"),
    [(100, "page 1"), (PAGE_SIZE * 6 + 200, "a later page")],
    ids=["page-1", "later-page"],
)
def test_damaged_page_offers_the_last_verified_backup(
    workspace: Workspace, tmp_path: Path, offset: int, label: str
) -> None:
    """S6: right key, damaged file: files kept, plain words, the backup offered."""
    _with_people(workspace, 300)  # enough rows for several pages
    backup_file = tmp_path / "backups" / "monday.mspbackup"
    backup_file.parent.mkdir()
    workspace.backup(backup_file)
    workspace.close()
    db = Workspace.db_path(workspace.folder)
    assert db.stat().st_size > offset + PAGE_SIZE, "the database is too small for this test"
    _zero(db, offset, 64)
    before = snapshot(workspace.folder)

    with pytest.raises(WorkspaceDamaged) as caught:
        Workspace.open(workspace.folder, PASSPHRASE)

    message = caught.value.message
    assert "is damaged" in message, label
    assert "Nothing has been changed or deleted" in message
    assert str(backup_file) in message
    assert f"msp restore --from {backup_file}" in message
    assert snapshot(workspace.folder) == before


def test_damage_without_a_backup_says_to_contact_the_office(workspace: Workspace) -> None:
    workspace.close()
    _zero(Workspace.db_path(workspace.folder), 100, 64)
    with pytest.raises(WorkspaceDamaged, match="No verified backup is recorded"):
        Workspace.open(workspace.folder, PASSPHRASE)


def test_close_drops_the_key_and_the_connection(workspace: Workspace) -> None:
    workspace.close()
    assert not workspace.is_open
    with pytest.raises(Exception, match="closed"):
        workspace.db.connection.execute("SELECT 1")
    with pytest.raises(RuntimeError, match="locked"):
        workspace.backup(workspace.folder.parent / "never.db")


def test_the_place_is_remembered_across_unlocks(workspace: Workspace) -> None:
    assert workspace.remembered_place() is None
    workspace.remember_place({"page": "visit", "visit_id": "v-1", "step": "risks"})
    workspace.close()
    reopened = Workspace.open(workspace.folder, PASSPHRASE)
    try:
        assert reopened.remembered_place() == {"page": "visit", "visit_id": "v-1", "step": "risks"}
        reopened.remember_place(None)
        assert reopened.remembered_place() is None
    finally:
        reopened.close()


def test_the_worker_name_is_trimmed_so_bundles_and_enrolment_accept_it(
    workspace_dir: Path,
) -> None:
    with Workspace.create(workspace_dir, PASSPHRASE, "  Sam   Worker ") as ws:
        assert ws.worker == "Sam Worker"


@pytest.mark.parametrize("name", ["", "   ", "Sam\x00Worker", "Sam\nWorker\x1b", "x" * 201])
def test_an_unusable_worker_name_is_refused_before_anything_is_made(
    workspace_dir: Path, name: str
) -> None:
    with pytest.raises(InvalidInput, match="Give the worker's name"):
        Workspace.create(workspace_dir, PASSPHRASE, name)
    assert not Workspace.exists(workspace_dir)
