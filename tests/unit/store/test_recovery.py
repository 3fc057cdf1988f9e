"""S14: the raw key is also sealed to the office recovery key; it opens a copy, no other key can."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from msp_desktop.bundles.age import AgeIdentity
from msp_desktop.errors import InvalidInput, WorkspaceDamaged, WrongPassphrase, WrongRecoveryKey
from msp_desktop.store import Workspace
from msp_desktop.store.keyslots import load_key_file, seal_passphrase_slot
from msp_desktop.store.recovery import seal_recovery_slot
from tests import builders
from tests.conftest import PASSPHRASE, snapshot
from tests.tools import require_tools

NEW_PASSPHRASE = "a new passphrase from the office"


@pytest.fixture
def office() -> AgeIdentity:
    """The office's recovery identity (its public half is provisioned to devices)."""
    return AgeIdentity.generate()


def _with_recovery(folder: Path, office: AgeIdentity, name: str = "Ada Example") -> None:
    """A closed workspace in ``folder`` holding one person and a recovery slot."""
    with Workspace.create(folder, PASSPHRASE, "Test Worker") as ws:
        ws.people.add(builders.person(name=name))
        ws.add_recovery_slot(office.recipient)


def _names(folder: Path, passphrase: str) -> list[str]:
    with Workspace.open(folder, passphrase) as ws:
        return [p.name for p in ws.people.search("")]


def _recovery_slots(folder: Path) -> list[dict[str, Any]]:
    doc = json.loads(Workspace.keys_path(folder).read_text())
    return [s for s in doc["slots"] if s["type"] == "age-recovery"]


def test_recovery_slot_is_added_and_the_passphrase_still_opens(
    workspace_dir: Path, office: AgeIdentity
) -> None:
    _with_recovery(workspace_dir, office)
    (slot,) = _recovery_slots(workspace_dir)
    assert slot["recipient"] == office.recipient.text
    assert slot["recipient_key_id"] == office.recipient.key_id
    assert slot["cipher"]["name"] == "age-x25519"
    assert set(slot["cipher"]) == {"name", "ciphertext"}
    doc = json.loads(Workspace.keys_path(workspace_dir).read_text())
    assert [s["type"] for s in doc["slots"]] == ["passphrase", "age-recovery"]
    assert _names(workspace_dir, PASSPHRASE) == ["Ada Example"]
    with Workspace.open(workspace_dir, PASSPHRASE) as ws:
        added = [e for e in ws.audit_entries() if e.action == "recovery_key_added"]
        assert [(e.actor, e.entity, e.entity_id, e.detail) for e in added] == [
            (
                "Test Worker",
                "workspace",
                ws.workspace_id,
                {"recipient_key_id": office.recipient.key_id},
            )
        ]
        assert ws.check().healthy


def test_recover_sets_a_new_passphrase_and_keeps_the_records(
    workspace_dir: Path, office: AgeIdentity
) -> None:
    _with_recovery(workspace_dir, office)
    Workspace.recover(workspace_dir, office, NEW_PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        Workspace.open(workspace_dir, PASSPHRASE)
    assert _names(workspace_dir, NEW_PASSPHRASE) == ["Ada Example"]
    with Workspace.open(workspace_dir, NEW_PASSPHRASE) as ws:
        (entry,) = [e for e in ws.audit_entries() if e.action == "recovered"]
        assert entry.actor == "office recovery"
        assert entry.detail["recipient_key_id"] == office.recipient.key_id
        assert ws.check().healthy
    # The recovery slot is kept, so the office can recover again later.
    assert len(_recovery_slots(workspace_dir)) == 1
    Workspace.recover(workspace_dir, office, "yet another passphrase")
    assert _names(workspace_dir, "yet another passphrase") == ["Ada Example"]


def test_a_copy_of_the_workspace_opens_with_the_recovery_key(
    tmp_path: Path, office: AgeIdentity
) -> None:
    original = tmp_path / "device"
    _with_recovery(original, office)
    before = snapshot(original)
    copy = tmp_path / "at-the-office"
    copy.mkdir()
    for path in (Workspace.db_path(original), Workspace.keys_path(original)):
        shutil.copy2(path, copy / path.name)

    Workspace.recover(copy, office, NEW_PASSPHRASE)

    assert _names(copy, NEW_PASSPHRASE) == ["Ada Example"]
    assert snapshot(original) == before
    assert _names(original, PASSPHRASE) == ["Ada Example"]


def test_no_other_key_opens_it_and_nothing_changes(tmp_path: Path, office: AgeIdentity) -> None:
    folder = tmp_path / "workspace"
    _with_recovery(folder, office)
    before = snapshot(folder)
    stranger = AgeIdentity.generate()
    with pytest.raises(WrongRecoveryKey, match="That recovery key does not open") as caught:
        Workspace.recover(folder, stranger, NEW_PASSPHRASE)
    assert caught.value.exit_code == 4
    assert "Nothing was changed" in caught.value.message
    assert snapshot(folder) == before
    key_file = load_key_file(Workspace.keys_path(folder))
    with pytest.raises(WrongRecoveryKey):
        key_file.unwrap_with_recovery(stranger)
    assert key_file.unwrap_with_recovery(office) == key_file.unwrap(PASSPHRASE)


def test_workspace_without_a_recovery_slot_says_so(
    workspace: Workspace, office: AgeIdentity
) -> None:
    workspace.close()
    before = snapshot(workspace.folder)
    with pytest.raises(WrongRecoveryKey, match="has no office recovery key"):
        Workspace.recover(workspace.folder, office, NEW_PASSPHRASE)
    assert snapshot(workspace.folder) == before
    assert load_key_file(Workspace.keys_path(workspace.folder)).recovery_slot() is None


def test_slot_copied_from_another_workspace_is_refused(tmp_path: Path, office: AgeIdentity) -> None:
    # Both devices were provisioned with the same office recovery key.
    _with_recovery(tmp_path / "a", office, name="Ada Example")
    _with_recovery(tmp_path / "b", office, name="Bryn Sample")
    keys_a = Workspace.keys_path(tmp_path / "a")
    doc_a = json.loads(keys_a.read_text())
    (slot_b,) = _recovery_slots(tmp_path / "b")
    doc_a["slots"] = [s for s in doc_a["slots"] if s["type"] != "age-recovery"] + [slot_b]
    keys_a.write_text(json.dumps(doc_a))
    before = snapshot(tmp_path / "a")
    with pytest.raises(WorkspaceDamaged, match="belongs to another workspace"):
        Workspace.recover(tmp_path / "a", office, NEW_PASSPHRASE)
    assert snapshot(tmp_path / "a") == before
    assert _names(tmp_path / "a", PASSPHRASE) == ["Ada Example"]


def test_weak_new_passphrase_is_refused_and_nothing_changes(
    workspace_dir: Path, office: AgeIdentity
) -> None:
    _with_recovery(workspace_dir, office)
    before = snapshot(workspace_dir)
    with pytest.raises(InvalidInput, match="at least 8 characters"):
        Workspace.recover(workspace_dir, office, "short")
    assert snapshot(workspace_dir) == before


def test_damaged_recovery_slot_is_refused_and_nothing_changes(
    workspace_dir: Path, office: AgeIdentity
) -> None:
    _with_recovery(workspace_dir, office)
    path = Workspace.keys_path(workspace_dir)
    doc = json.loads(path.read_text())
    slot = doc["slots"][1]
    sealed = bytearray(base64.b64decode(slot["cipher"]["ciphertext"]))
    sealed[-5] ^= 0x01
    slot["cipher"]["ciphertext"] = base64.b64encode(bytes(sealed)).decode("ascii")
    path.write_text(json.dumps(doc))
    before = snapshot(workspace_dir)
    with pytest.raises(WorkspaceDamaged, match=r"recovery slot .* is damaged"):
        Workspace.recover(workspace_dir, office, NEW_PASSPHRASE)
    assert snapshot(workspace_dir) == before


def test_passphrase_change_keeps_the_recovery_slot(
    workspace_dir: Path, office: AgeIdentity
) -> None:
    _with_recovery(workspace_dir, office)
    slots_before = _recovery_slots(workspace_dir)
    Workspace.change_passphrase(workspace_dir, PASSPHRASE, "the worker's new one")
    assert _recovery_slots(workspace_dir) == slots_before
    Workspace.recover(workspace_dir, office, NEW_PASSPHRASE)
    assert _names(workspace_dir, NEW_PASSPHRASE) == ["Ada Example"]


def test_key_file_slot_operations(workspace_dir: Path, office: AgeIdentity) -> None:
    _with_recovery(workspace_dir, office)
    key_file = load_key_file(Workspace.keys_path(workspace_dir))
    raw_key = key_file.unwrap(PASSPHRASE)
    passphrase_slot = key_file.passphrase_slot()
    other = seal_recovery_slot(raw_key, AgeIdentity.generate().recipient, key_file.workspace_id)
    replaced = key_file.with_recovery_slot(other)
    assert replaced.recovery_slot() == other
    assert replaced.passphrase_slot() == passphrase_slot
    assert len(replaced.slots) == 2
    doubled = type(key_file)(key_file.path, key_file.workspace_id, (*replaced.slots, other))
    with pytest.raises(WorkspaceDamaged, match="more than one office recovery slot"):
        doubled.recovery_slot()


def test_office_rotating_its_recovery_key_replaces_the_slot(
    workspace_dir: Path, office: AgeIdentity
) -> None:
    _with_recovery(workspace_dir, office)
    rotated = AgeIdentity.generate()
    with Workspace.open(workspace_dir, PASSPHRASE) as ws:
        ws.add_recovery_slot(rotated.recipient)
    (slot,) = _recovery_slots(workspace_dir)
    assert slot["recipient"] == rotated.recipient.text
    with pytest.raises(WrongRecoveryKey):
        Workspace.recover(workspace_dir, office, NEW_PASSPHRASE)
    Workspace.recover(workspace_dir, rotated, NEW_PASSPHRASE)
    assert _names(workspace_dir, NEW_PASSPHRASE) == ["Ada Example"]


def test_adding_the_slot_keeps_a_passphrase_changed_since_unlocking(
    workspace: Workspace, office: AgeIdentity
) -> None:
    # `msp passwd` now refuses while the workspace is open (the owner lock), so the key
    # file is rewritten here as a program that ignores the lock would.
    on_disk = load_key_file(Workspace.keys_path(workspace.folder))
    raw_key = on_disk.unwrap(PASSPHRASE)
    on_disk.with_passphrase_slot(
        seal_passphrase_slot(raw_key, "changed while open", on_disk.workspace_id)
    ).save()
    workspace.add_recovery_slot(office.recipient)
    workspace.close()
    with pytest.raises(WrongPassphrase):
        Workspace.open(workspace.folder, PASSPHRASE)
    Workspace.open(workspace.folder, "changed while open").close()


def test_backup_key_file_carries_the_recovery_slot(
    workspace: Workspace, office: AgeIdentity, tmp_path: Path
) -> None:
    workspace.add_recovery_slot(office.recipient)
    info = workspace.backup(tmp_path / "backup.mspdb")
    keys = load_key_file(Path(f"{info.path}.keys.json"))
    assert keys.unwrap_with_recovery(office) == keys.unwrap(PASSPHRASE)


def test_stock_age_opens_the_slot_and_shows_the_binding(
    workspace_dir: Path, office: AgeIdentity, tmp_path: Path
) -> None:
    require_tools("age", package="age")
    _with_recovery(workspace_dir, office)
    key_file = load_key_file(Workspace.keys_path(workspace_dir))
    slot = key_file.recovery_slot()
    assert slot is not None
    sealed = tmp_path / "slot.age"
    sealed.write_bytes(base64.b64decode(slot["cipher"]["ciphertext"]))
    identity_file = tmp_path / "recovery.key"
    identity_file.write_text(office.to_text())
    identity_file.chmod(0o600)
    plain = subprocess.run(
        ["age", "-d", "-i", identity_file, sealed], capture_output=True, check=True
    ).stdout
    doc = json.loads(plain)
    assert doc["format"] == "msp-desktop-recovery"
    assert doc["workspace_id"] == key_file.workspace_id
    assert base64.b64decode(doc["raw_key"]) == key_file.unwrap(PASSPHRASE)
    stranger = tmp_path / "stranger.key"
    stranger.write_text(AgeIdentity.generate().to_text())
    refused = subprocess.run(["age", "-d", "-i", stranger, sealed], capture_output=True)
    assert refused.returncode != 0
