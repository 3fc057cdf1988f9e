"""S4 and S13: the raw key, its Argon2id + AES-256-GCM slot, and passphrase change."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from msp_desktop.errors import InvalidInput, WorkspaceDamaged, WrongPassphrase
from msp_desktop.store import Workspace, keyslots
from msp_desktop.store.keyslots import load_key_file
from tests import builders
from tests.conftest import PASSPHRASE, SHIPPED_KDF_COST, TEST_KDF_COST, snapshot
from tests.e2e.conftest import run_msp


def test_the_shipped_cost_meets_s4_and_the_suite_lowers_it_only_in_this_process() -> None:
    # The constants as the module defines them, read before the suite's in-process patch.
    assert SHIPPED_KDF_COST == {
        "ARGON2_MEMORY_KIB": 64 * 1024,
        "ARGON2_ITERATIONS": 3,
        "ARGON2_LANES": 4,
        "ARGON2_MIN_MEMORY_KIB": 64 * 1024,
        "ARGON2_MIN_ITERATIONS": 3,
    }
    assert {name: getattr(keyslots, name) for name in TEST_KDF_COST} == TEST_KDF_COST


def test_passphrase_slot_uses_argon2id_and_aes_gcm_at_required_cost(
    real_kdf_cost: None, workspace: Workspace
) -> None:
    doc = json.loads(Workspace.keys_path(workspace.folder).read_text())
    (slot,) = doc["slots"]
    assert slot["type"] == "passphrase"
    assert slot["kdf"]["name"] == "argon2id"
    assert slot["kdf"]["memory_kib"] >= 64 * 1024
    assert slot["kdf"]["iterations"] >= 3
    assert slot["kdf"]["lanes"] == 4
    assert len(base64.b64decode(slot["kdf"]["salt"])) == 16
    assert slot["cipher"]["name"] == "aes-256-gcm"
    key_file = load_key_file(Workspace.keys_path(workspace.folder))
    raw_key = key_file.unwrap(PASSPHRASE)
    assert len(raw_key) == 32
    # The raw key is random, not derived from the passphrase: a second workspace with
    # the same passphrase gets a different key.
    other = Workspace.create(workspace.folder.parent / "other", PASSPHRASE, "Test Worker")
    other.close()
    assert load_key_file(Workspace.keys_path(other.folder)).unwrap(PASSPHRASE) != raw_key


@pytest.mark.posix_only("mode bits; on Windows owner-only is the file's ACL, not st_mode")
def test_key_file_is_owner_only(workspace: Workspace) -> None:
    mode = Workspace.keys_path(workspace.folder).stat().st_mode & 0o777
    assert mode == 0o600
    assert Workspace.db_path(workspace.folder).stat().st_mode & 0o077 == 0


def test_wrong_passphrase_is_refused_with_a_plain_message(workspace: Workspace) -> None:
    key_file = load_key_file(Workspace.keys_path(workspace.folder))
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        key_file.unwrap("not the passphrase")


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [("memory_kib", 1024, "1024 KiB and 3 passes"), ("iterations", 2, "65536 KiB and 2 passes")],
    ids=["memory", "passes"],
)
def test_a_slot_below_the_shipped_cost_is_refused_and_nothing_changes(
    real_kdf_cost: None, workspace: Workspace, field: str, value: int, shown: str
) -> None:
    path = Workspace.keys_path(workspace.folder)
    workspace.close()
    doc = json.loads(path.read_text())
    doc["slots"][0]["kdf"][field] = value
    path.write_text(json.dumps(doc))
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceDamaged) as refused:
        Workspace.open(workspace.folder, PASSPHRASE)
    assert refused.value.message == (
        f"The key file {path} guards the passphrase more weakly than MSP Desktop allows "
        f"(Argon2id with {shown}; it needs at least 65536 KiB and 3 passes), so it was not "
        "used and nothing was changed; restore it from a backup or ask the office to "
        "recover the workspace."
    )
    with pytest.raises(WorkspaceDamaged, match="more weakly"):
        Workspace.change_passphrase(workspace.folder, PASSPHRASE, "a brand new passphrase")
    assert snapshot(workspace.folder) == before


def test_the_real_program_refuses_a_workspace_sealed_at_the_test_cost(
    workspace: Workspace, tmp_path: Path
) -> None:
    # The suite's token cost is an in-process patch: `msp`, a separate process started
    # with the suite's environment, has the shipped floor and will not use such a slot.
    workspace.close()
    before = snapshot(workspace.folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSP_")}
    env.update(MSP_PASSPHRASE=PASSPHRASE, MSP_LOG_DIR=str(tmp_path / "logs"))
    refused = run_msp(env, "check", "--workspace", str(workspace.folder))
    assert refused.returncode != 0
    assert refused.stdout == ""
    assert "guards the passphrase more weakly than MSP Desktop allows" in refused.stderr
    assert "(Argon2id with 8 KiB and 1 pass;" in refused.stderr
    assert snapshot(workspace.folder) == before


def test_a_slot_with_unsafe_settings_is_refused_and_nothing_changes(workspace: Workspace) -> None:
    path = Workspace.keys_path(workspace.folder)
    workspace.close()
    doc = json.loads(path.read_text())
    doc["slots"][0]["kdf"]["iterations"] = 65
    path.write_text(json.dumps(doc))
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceDamaged, match="outside the safe range"):
        Workspace.open(workspace.folder, PASSPHRASE)
    assert snapshot(workspace.folder) == before


def test_slot_copied_from_another_workspace_does_not_open(workspace_dir: Path) -> None:
    first = Workspace.create(workspace_dir / "a", PASSPHRASE, "Test Worker")
    second = Workspace.create(workspace_dir / "b", PASSPHRASE, "Test Worker")
    first.close()
    second.close()
    doc_a = json.loads(Workspace.keys_path(first.folder).read_text())
    doc_b = json.loads(Workspace.keys_path(second.folder).read_text())
    doc_a["slots"] = doc_b["slots"]  # the slot's authenticated data names workspace b
    Workspace.keys_path(first.folder).write_text(json.dumps(doc_a))
    with pytest.raises(WrongPassphrase):
        Workspace.open(first.folder, PASSPHRASE)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "not readable JSON"),
        (b"{not json", "not readable JSON"),
        (b'{"format": "something-else"}', "not an MSP Desktop key file"),
        (b'{"format": "msp-desktop-keyslots", "version": 1}', "workspace id or slots"),
    ],
    ids=["empty", "not-json", "foreign", "no-slots"],
)
def test_damaged_key_file_says_so_and_changes_nothing(
    workspace: Workspace, content: bytes, why: str
) -> None:
    workspace.close()
    Workspace.keys_path(workspace.folder).write_bytes(content)
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceDamaged, match=why):
        Workspace.open(workspace.folder, PASSPHRASE)
    assert snapshot(workspace.folder) == before


def test_passphrase_change_rewrites_only_the_key_file(workspace: Workspace) -> None:
    workspace.people.add(builders.person())
    workspace.close()
    db_files_before = {
        k: v for k, v in snapshot(workspace.folder).items() if k.startswith("workspace.db")
    }
    keys_before = Workspace.keys_path(workspace.folder).read_bytes()

    Workspace.change_passphrase(workspace.folder, PASSPHRASE, "a brand new passphrase")

    after = snapshot(workspace.folder)
    assert {k: v for k, v in after.items() if k.startswith("workspace.db")} == db_files_before
    assert Workspace.keys_path(workspace.folder).read_bytes() != keys_before
    assert not [name for name in after if name.endswith(".tmp")]
    with pytest.raises(WrongPassphrase):
        Workspace.open(workspace.folder, PASSPHRASE)
    reopened = Workspace.open(workspace.folder, "a brand new passphrase")
    try:
        assert reopened.people.count() == 1
    finally:
        reopened.close()


def test_passphrase_change_with_wrong_old_passphrase_changes_nothing(
    workspace: Workspace,
) -> None:
    workspace.close()
    before = snapshot(workspace.folder)
    with pytest.raises(WrongPassphrase):
        Workspace.change_passphrase(workspace.folder, "wrong guess!", "a brand new passphrase")
    assert snapshot(workspace.folder) == before


def test_too_short_new_passphrase_is_refused(workspace: Workspace) -> None:
    workspace.close()
    before = snapshot(workspace.folder)
    with pytest.raises(InvalidInput, match="at least 8 characters"):
        Workspace.change_passphrase(workspace.folder, PASSPHRASE, "short")
    assert snapshot(workspace.folder) == before
