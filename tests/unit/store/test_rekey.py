"""Issue 16, item 5: ``msp rekey`` replaces the database key itself (real SQLCipher).

The finding: changing the passphrase rewraps the same database key, so an older
``workspace.keys.json`` (beside a backup on a USB stick, say) opened with the old
passphrase still yields a key that opens the CURRENT database. After a re-key it
must not, while the new passphrase opens every record.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from msp_desktop.errors import (
    InvalidInput,
    WorkspaceBusy,
    WorkspaceDamaged,
    WrongPassphrase,
)
from msp_desktop.store import Workspace, rekey
from msp_desktop.store.backup import BACKUPS_LIST, list_backups, row_counts
from msp_desktop.store.connection import open_encrypted
from msp_desktop.store.database import Database
from msp_desktop.store.keyslots import load_key_file
from msp_desktop.store.owner_lock import Holder
from tests import builders
from tests.conftest import PASSPHRASE, snapshot
from tests.sync_helpers import Office

NEW = "a passphrase nobody has seen"
NAMES = ["Ada Example", "Bea Example", "Cal Example"]


def _filled(folder: Path, tmp_path: Path) -> Path:
    """A closed workspace with three people and one backup; returns the backup."""
    with Workspace.create(folder, PASSPHRASE, "Test Worker") as ws:
        for name in NAMES:
            ws.people.add(builders.person(name=name))
        backup = tmp_path / "stick" / "backup.db"
        backup.parent.mkdir()
        ws.backup(backup)
    return backup


def _opens_current_db(folder: Path, raw_key: bytes) -> bool:
    try:
        Database(open_encrypted(Workspace.db_path(folder), raw_key)).close()
    except WorkspaceDamaged:
        return False
    return True


def _names(folder: Path, passphrase: str) -> list[str]:
    with Workspace.open(folder, passphrase) as ws:
        return sorted(p.name for p in ws.people.search(""))


def test_a_passphrase_change_alone_leaves_an_older_key_file_opening_the_database(
    workspace_dir: Path, tmp_path: Path
) -> None:
    # The finding, as it stands after `msp passwd`: why `msp rekey` exists.
    backup = _filled(workspace_dir, tmp_path)
    Workspace.change_passphrase(workspace_dir, PASSPHRASE, NEW)
    old_key = load_key_file(Path(f"{backup}.keys.json")).unwrap(PASSPHRASE)
    assert _opens_current_db(workspace_dir, old_key)
    # ... and the list of backups says the backup opens with the old passphrase.
    assert [b.opens_with_old_passphrase for b in list_backups(workspace_dir)] == [True]


def test_after_rekey_an_older_key_file_and_the_old_passphrase_do_not_open_the_database(
    workspace_dir: Path, tmp_path: Path
) -> None:
    backup = _filled(workspace_dir, tmp_path)
    old_key_file = tmp_path / "old.keys.json"
    shutil.copyfile(Workspace.keys_path(workspace_dir), old_key_file)
    with Workspace.open(workspace_dir, PASSPHRASE) as ws:
        counts_before = row_counts(ws.db)

    result = Workspace.rekey(workspace_dir, PASSPHRASE, NEW)

    for older in (old_key_file, Path(f"{backup}.keys.json")):
        old_key = load_key_file(older).unwrap(PASSPHRASE)
        assert not _opens_current_db(workspace_dir, old_key)
    with pytest.raises(WrongPassphrase):
        Workspace.open(workspace_dir, PASSPHRASE)
    assert _names(workspace_dir, NEW) == NAMES
    with Workspace.open(workspace_dir, NEW) as ws:
        assert ws.check().healthy
        counts_after = row_counts(ws.db)
        (entry,) = [e for e in ws.audit_entries() if e.action == "rekeyed"]
        assert entry.detail == {"backups_marked": 1, "recovery_key_id": None}
    # Every record is there: only the audit log (the re-key's own line) grew.
    assert {t: n for t, n in counts_after.items() if t != "audit"} == {
        t: n for t, n in counts_before.items() if t != "audit"
    }
    assert counts_after["audit"] == counts_before["audit"] + 1
    assert result == rekey.RekeyResult(backups_marked=1, recovery_renewed=False)
    # The old files were removed once the new ones opened; no staging is left.
    leftovers = {p.name for p in workspace_dir.iterdir()}
    assert not leftovers & {rekey.STAGING, rekey.ASIDE}
    # The backup still opens with the old passphrase (it is the old key's), and says so.
    (info,) = list_backups(workspace_dir)
    assert info.opens_with_old_passphrase
    doc = json.loads((workspace_dir / BACKUPS_LIST).read_text())
    assert doc["backups"][0]["opens_with_old_passphrase"] is True
    restored = tmp_path / "restored"
    Workspace.restore(restored, backup, PASSPHRASE)
    assert _names(restored, PASSPHRASE) == NAMES


def test_the_damaged_message_says_the_last_backup_opens_with_the_old_passphrase(
    workspace_dir: Path, tmp_path: Path
) -> None:
    backup = _filled(workspace_dir, tmp_path)
    Workspace.rekey(workspace_dir, PASSPHRASE, NEW)
    Workspace.db_path(workspace_dir).unlink()
    with pytest.raises(WorkspaceDamaged) as damaged:
        Workspace.open(workspace_dir, NEW)
    assert f"Your last verified backup is {backup} (made " in damaged.value.message
    assert (
        "UTC; it opens only with the passphrase of that day, from before the passphrase or "
        f"key was last changed); to use it run: msp restore --from {backup}"
    ) in damaged.value.message


def test_rekey_renews_the_office_recovery_slot_for_the_trusted_office(
    workspace_dir: Path,
) -> None:
    office = Office()
    with Workspace.create(workspace_dir, PASSPHRASE, "Test Worker") as ws:
        ws.people.add(builders.person(name="Ada Example"))
        ws.import_office_keys(office.provisioning(), office.key.key_id)
    old_slot = load_key_file(Workspace.keys_path(workspace_dir)).recovery_slot()

    result = Workspace.rekey(workspace_dir, PASSPHRASE, NEW)

    assert result.recovery_renewed
    assert not result.recovery_dropped
    key_file = load_key_file(Workspace.keys_path(workspace_dir))
    assert key_file.recovery_slot() != old_slot
    recovered_key = key_file.unwrap_with_recovery(office.recovery)
    assert recovered_key == key_file.unwrap(NEW)
    assert _opens_current_db(workspace_dir, recovered_key)
    Workspace.recover(workspace_dir, office.recovery, "set by the office today")
    assert _names(workspace_dir, "set by the office today") == ["Ada Example"]


def test_a_recovery_slot_without_trusted_office_keys_is_not_renewed_and_is_said(
    workspace_dir: Path,
) -> None:
    office = Office()
    with Workspace.create(workspace_dir, PASSPHRASE, "Test Worker") as ws:
        ws.add_recovery_slot(office.recovery.recipient)  # the slot alone, no office keys
    result = Workspace.rekey(workspace_dir, PASSPHRASE, NEW)
    assert result == rekey.RekeyResult(0, recovery_renewed=False, recovery_dropped=True)
    assert load_key_file(Workspace.keys_path(workspace_dir)).recovery_slot() is None


@pytest.mark.parametrize(
    ("old", "new", "error", "message"),
    [
        (
            PASSPHRASE,
            PASSPHRASE,
            InvalidInput,
            "The new passphrase must differ from the current one, which may be known. "
            "Nothing was changed.",
        ),
        ("not the passphrase", NEW, WrongPassphrase, "Wrong passphrase for the workspace in"),
        (PASSPHRASE, "short", InvalidInput, "Choose a passphrase of at least 8 characters"),
    ],
)
def test_bad_input_is_refused_in_a_sentence_and_changes_nothing(
    workspace_dir: Path,
    tmp_path: Path,
    old: str,
    new: str,
    error: type[Exception],
    message: str,
) -> None:
    _filled(workspace_dir, tmp_path)
    before = snapshot(workspace_dir)
    with pytest.raises(error) as refused:
        Workspace.rekey(workspace_dir, old, new)
    assert str(refused.value).startswith(message)
    assert snapshot(workspace_dir) == before


@pytest.mark.parametrize("holder", list(Holder))
def test_rekey_refuses_while_the_workspace_is_open_naming_the_holder(
    workspace_dir: Path, tmp_path: Path, holder: Holder
) -> None:
    _filled(workspace_dir, tmp_path)
    with Workspace.open(workspace_dir, PASSPHRASE, holder):
        before = snapshot(workspace_dir)
        with pytest.raises(WorkspaceBusy) as refused:
            Workspace.rekey(workspace_dir, PASSPHRASE, NEW)
        assert refused.value.message.startswith(
            f"Cannot change the database key: {holder.value} has the workspace in "
        )
        assert snapshot(workspace_dir) == before
    assert _names(workspace_dir, PASSPHRASE) == NAMES


def test_a_failed_export_leaves_the_workspace_as_it_was(
    workspace_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _filled(workspace_dir, tmp_path)
    before = snapshot(workspace_dir)

    def differs(*args: object, **kwargs: object) -> None:
        raise WorkspaceDamaged("The backup the re-keyed copy did not verify: it differs.")

    monkeypatch.setattr(rekey.backups, "verify_copy", differs)
    with pytest.raises(WorkspaceDamaged, match="did not verify"):
        Workspace.rekey(workspace_dir, PASSPHRASE, NEW)
    assert not (workspace_dir / rekey.STAGING).exists()
    assert snapshot(workspace_dir) == before
    assert _names(workspace_dir, PASSPHRASE) == NAMES


def test_old_files_left_aside_by_a_crash_go_at_the_next_unlock_with_the_new_passphrase(
    workspace_dir: Path, tmp_path: Path
) -> None:
    _filled(workspace_dir, tmp_path)
    with Workspace.open(workspace_dir, PASSPHRASE) as ws:
        key_file = load_key_file(Workspace.keys_path(workspace_dir))
        rekey.prepare_rekey(workspace_dir, ws.db, key_file, NEW, ws.worker)
    # As if killed just after the swap, before the new workspace was verified.
    (workspace_dir / rekey.STAGING / rekey.PLAN).write_text(json.dumps({"replaced": rekey.ASIDE}))
    assert rekey.finish_interrupted_rekey(workspace_dir)
    aside = workspace_dir / rekey.ASIDE
    assert (aside / "workspace.keys.json").exists()
    with pytest.raises(WrongPassphrase):  # the old passphrase opens nothing, and keeps them
        Workspace.open(workspace_dir, PASSPHRASE)
    assert aside.exists()
    assert _names(workspace_dir, NEW) == NAMES
    assert not aside.exists()
