"""S12: backups are kept only once verified; restore moves the old files aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msp_desktop.errors import InvalidInput, WorkspaceDamaged, WrongPassphrase
from msp_desktop.exit_codes import ExitCode
from msp_desktop.store import Workspace
from msp_desktop.store.backup import latest_backup, list_backups
from msp_desktop.store.migrations import LATEST_VERSION
from tests import builders
from tests.conftest import PASSPHRASE, snapshot
from tests.platforms import assert_mode


def test_backup_is_verified_recorded_and_restorable(workspace: Workspace, tmp_path: Path) -> None:
    ada = builders.person()
    workspace.people.add(ada)
    target = tmp_path / "out" / "backup.db"
    target.parent.mkdir()
    info = workspace.backup(target)

    assert info.path == str(target)
    assert info.row_counts["people"] == 1
    assert info.user_version == LATEST_VERSION
    assert_mode(target, 0o600)
    assert not target.read_bytes().startswith(b"SQLite format 3")
    assert Path(f"{target}.keys.json").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["backup.db", "backup.db.keys.json"]
    assert latest_backup(workspace.folder) == info
    listed = json.loads((workspace.folder / "backups.json").read_text())
    assert listed["backups"][0]["path"] == str(target)

    # Records added after the backup are not in it; restore brings back the backup.
    workspace.people.add(builders.person("Bryn Sample"))
    workspace.close()
    aside = Workspace.restore(workspace.folder, target, PASSPHRASE)
    assert (aside / "workspace.db").exists()
    restored = Workspace.open(workspace.folder, PASSPHRASE)
    try:
        assert [p.id for p in restored.people.search()] == [ada.id]
        assert restored.check().healthy
    finally:
        restored.close()


def test_backup_never_overwrites(workspace: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "existing.db"
    target.write_bytes(b"precious")
    # Exit 2 (what was given is not acceptable), never 5: nothing is damaged (issue 15).
    with pytest.raises(InvalidInput, match="already exists; choose a new name") as refused:
        workspace.backup(target)
    assert refused.value.exit_code == ExitCode.INVALID_INPUT
    assert target.read_bytes() == b"precious"
    assert list_backups(workspace.folder) == []


def test_restore_with_wrong_passphrase_changes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    target = tmp_path / "backup.db"
    workspace.backup(target)
    workspace.close()
    before = snapshot(workspace.folder)
    with pytest.raises(WrongPassphrase):
        Workspace.restore(workspace.folder, target, "not it at all")
    assert snapshot(workspace.folder) == before


def test_damaged_backup_is_not_restored(workspace: Workspace, tmp_path: Path) -> None:
    workspace.people.add(builders.person())
    target = tmp_path / "backup.db"
    workspace.backup(target)
    workspace.close()
    with open(target, "r+b") as f:
        f.seek(5000)
        f.write(b"\x00" * 32)
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceDamaged):
        Workspace.restore(workspace.folder, target, PASSPHRASE)
    assert snapshot(workspace.folder) == before


def test_a_backup_to_a_missing_folder_is_refused_in_one_sentence(
    workspace: Workspace, tmp_path: Path
) -> None:
    before = snapshot(workspace.folder)
    missing = tmp_path / "no-stick" / "backup.db"
    with pytest.raises(InvalidInput) as caught:
        workspace.backup(missing)
    assert caught.value.message == (
        f"The folder {missing.parent} does not exist (is the USB stick plugged in?). "
        "No backup was made."
    )
    assert not missing.parent.exists()
    assert latest_backup(workspace.folder) is None
    assert snapshot(workspace.folder) == before
