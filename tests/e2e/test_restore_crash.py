"""Issue 15, item 3: a restore killed at any step leaves a workspace that opens.

The real ``msp restore`` is stopped dead (``os._exit`` through the test-only hook in
``msp_desktop.fault_points``) at each copy, fsync and rename in turn. The workspace
it replaces has records only in its ``-wal`` (its last writer was killed), which is
the hardest case: the WAL must leave together with its database. After each crash the
next ``msp`` command opens either the old workspace (a crash before the restore's plan
was written) or the new one (after), never a mixture, and the replaced files are all
in one ``replaced-...`` folder that itself opens, with the record from the WAL.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from msp_desktop.exit_codes import ExitCode
from msp_desktop.fault_points import CRASH_EXIT, ENV
from tests.e2e.conftest import log_and_passphrase_env, run_msp

# Each step where the restore can be stopped, in the order it reaches them.
BEFORE_THE_PLAN = ("copy-db-part", "fsync-copy-db", "copy-keys", "fsync-staging", "write-plan")
AFTER_THE_PLAN = (
    "mkdir-replaced",
    "move-old-keys",
    "place-new-keys",
    "fsync-keys",
    "move-old-workspace.db-wal",
    "move-old-workspace.db-shm",
    "move-old-workspace.db",
    "fsync-moved",
    "place-new-db",
    "fsync-placed",
    "remove-plan",
)

ADD_AND_DIE = """
import os, sys
from pathlib import Path
from msp_desktop.model import Person
from msp_desktop.store import Workspace
ws = Workspace.open(Path(sys.argv[1]), os.environ["MSP_PASSPHRASE"])
ws.people.add(Person(name="Bob Only In The Wal"))
os._exit(0)  # killed: the record is in the -wal, never checkpointed
"""


def _msp(env: dict[str, str], *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return run_msp({**env, **extra}, *args)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose last record is only in its WAL, and a backup from before it."""
    base = tmp_path_factory.mktemp("restore-template")
    env = log_and_passphrase_env(base)
    folder = base / "workspace"
    assert _msp(env, "init", "--worker", "T", "--workspace", str(folder)).returncode == 0
    assert _msp(env, "people", "add", "--name", "Ann In Both", "--workspace", str(folder))
    made = _msp(env, "backup", "--to", str(base / "backup.db"), "--workspace", str(folder))
    assert made.returncode == 0, made.stderr
    subprocess.run([sys.executable, "-c", ADD_AND_DIE, str(folder)], env=env, check=True)
    assert (folder / "workspace.db-wal").stat().st_size > 0
    return base


def _names(env: dict[str, str], folder: Path) -> str:
    listed = _msp(env, "people", "list", "--workspace", str(folder))
    assert listed.returncode == 0, listed.stderr
    return listed.stdout


@pytest.mark.parametrize("step", BEFORE_THE_PLAN + AFTER_THE_PLAN)
def test_a_restore_killed_at_any_step_leaves_the_old_or_the_new_workspace(
    template: Path, tmp_path: Path, step: str
) -> None:
    shutil.copytree(template / "workspace", tmp_path / "workspace")
    folder, env = tmp_path / "workspace", log_and_passphrase_env(tmp_path)
    backup = template / "backup.db"

    crashed = _msp(env, "restore", "--from", str(backup), "--workspace", str(folder), **{ENV: step})
    assert crashed.returncode == CRASH_EXIT, f"the restore never reached {step}: {crashed.stderr}"

    # The next command opens it (finishing a restore stopped past its plan) and finds
    # both integrity checks clean.
    checked = _msp(env, "check", "--workspace", str(folder))
    assert checked.returncode == 0, checked.stderr
    names = _names(env, folder)
    assert "Ann In Both" in names
    replaced = sorted(folder.glob("replaced-*"))
    assert not (folder / ".restoring").exists()  # finished, or its copy cleared
    if step in BEFORE_THE_PLAN:
        assert "Bob Only In The Wal" in names  # the old workspace, whole
        assert replaced == []
    else:
        assert "Bob Only In The Wal" not in names  # the backup, whole
        assert len(replaced) == 1, replaced
        assert {p.name for p in replaced[0].iterdir()} >= {"workspace.db", "workspace.keys.json"}
        assert "Bob Only In The Wal" in _names(env, replaced[0])  # the WAL went along

    if step == BEFORE_THE_PLAN[0]:  # and a restore runs whole after the stopped one
        again = _msp(env, "restore", "--from", str(backup), "--workspace", str(folder))
        assert again.returncode == ExitCode.OK, again.stderr
        assert not (folder / ".restoring").exists()
        assert len(list(folder.glob("replaced-*"))) == 1
