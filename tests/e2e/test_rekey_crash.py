"""Issue 16, item 5: a re-key killed at any step leaves a workspace that opens.

The real ``msp rekey`` is stopped dead (``os._exit`` through the test-only hook in
``msp_desktop.fault_points``) at each step in turn: the export, the staged key file,
the plan, the marking of the backups, each rename of the swap, the check of the new
workspace and the removal of the old files. After each crash the next ``msp`` command
opens either the old workspace with the old passphrase (a crash before the plan) or
the new one with the new passphrase (after), never a mixture, with every record; and
after the new one has opened, no old key file is left that opens it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from msp_desktop.exit_codes import ExitCode
from msp_desktop.fault_points import CRASH_EXIT, ENV
from msp_desktop.store.backup import list_backups
from msp_desktop.store.connection import open_encrypted
from msp_desktop.store.keyslots import load_key_file
from tests.conftest import PASSPHRASE
from tests.e2e.conftest import log_and_passphrase_env, run_msp

NEW = "a passphrase nobody has seen yet"
NAMES = ("Ann Before", "Bob Before")

# Each step where the re-key can be stopped, in the order it reaches them. The old
# database's -wal and -shm are gone by the swap (its connection was closed), so the
# swap's steps for them are not reached.
BEFORE_THE_PLAN = ("rekey-exported", "rekey-write-keys", "rekey-fsync-staging", "rekey-write-plan")
AFTER_THE_PLAN = (
    "rekey-mark-backups",
    "mkdir-replaced",
    "move-old-keys",
    "place-new-keys",
    "fsync-keys",
    "move-old-workspace.db",
    "fsync-moved",
    "place-new-db",
    "fsync-placed",
    "remove-plan",
    "rekey-verify-new",
    "rekey-remove-old",
)


def _msp(env: dict[str, str], *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return run_msp({**env, **extra}, *args)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with two people and one backup, made by the real ``msp``."""
    base = tmp_path_factory.mktemp("rekey-template")
    env = log_and_passphrase_env(base)
    folder = base / "workspace"
    assert _msp(env, "init", "--worker", "T", "--workspace", str(folder)).returncode == 0
    for name in NAMES:
        assert _msp(env, "people", "add", "--name", name, "--workspace", str(folder))
    made = _msp(env, "backup", "--to", str(base / "backup.db"), "--workspace", str(folder))
    assert made.returncode == 0, made.stderr
    return base


def _opens_with(folder: Path, key_file: Path, passphrase: str) -> bool:
    """Whether ``key_file`` with ``passphrase`` opens the database now in ``folder``."""
    raw_key = load_key_file(key_file).unwrap(passphrase)
    try:
        open_encrypted(folder / "workspace.db", raw_key).close()
    except Exception:  # noqa: BLE001 - any refusal means it does not open
        return False
    return True


@pytest.mark.parametrize("step", BEFORE_THE_PLAN + AFTER_THE_PLAN)
def test_a_rekey_killed_at_any_step_leaves_the_old_or_the_new_workspace(
    template: Path, tmp_path: Path, step: str
) -> None:
    shutil.copytree(template / "workspace", tmp_path / "workspace")
    folder, env = tmp_path / "workspace", log_and_passphrase_env(tmp_path)
    old_keys = tmp_path / "old.keys.json"
    shutil.copyfile(folder / "workspace.keys.json", old_keys)

    crashed = _msp(env, "rekey", "--workspace", str(folder), MSP_NEW_PASSPHRASE=NEW, **{ENV: step})
    assert crashed.returncode == CRASH_EXIT, f"the re-key never reached {step}: {crashed.stderr}"

    works, refused = (PASSPHRASE, NEW) if step in BEFORE_THE_PLAN else (NEW, PASSPHRASE)
    wrong = _msp(env, "people", "list", "--workspace", str(folder), MSP_PASSPHRASE=refused)
    assert wrong.returncode == ExitCode.WRONG_KEY, wrong.stderr
    checked = _msp(env, "check", "--workspace", str(folder), MSP_PASSPHRASE=works)
    assert checked.returncode == 0, checked.stderr
    listed = _msp(env, "people", "list", "--workspace", str(folder), MSP_PASSPHRASE=works)
    assert listed.returncode == 0, listed.stderr
    assert all(name in listed.stdout for name in NAMES)
    left = {p.name for p in folder.iterdir()}
    assert not left & {".rekeying", ".rekeyed-old", ".restoring"}
    (backup,) = list_backups(folder)
    if step in BEFORE_THE_PLAN:
        assert _opens_with(folder, old_keys, PASSPHRASE)  # the old workspace, whole
        assert not backup.opens_with_old_passphrase
    else:
        assert not _opens_with(folder, old_keys, PASSPHRASE)  # the new key, whole
        assert _opens_with(folder, folder / "workspace.keys.json", NEW)
        assert backup.opens_with_old_passphrase

    if step == BEFORE_THE_PLAN[0]:  # and a re-key runs whole after the stopped one
        again = _msp(env, "rekey", "--workspace", str(folder), MSP_NEW_PASSPHRASE=NEW)
        assert again.returncode == ExitCode.OK, again.stderr
        assert not _opens_with(folder, old_keys, PASSPHRASE)
