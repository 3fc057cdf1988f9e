"""S9: kill -9 at random moments while a child writes; no acknowledged record is lost.

"kill -9" is ``Popen.kill()``: SIGKILL on POSIX, TerminateProcess on Windows; neither
lets the child run any clean-up.

The child prints a person's id only after its transaction has committed. Every round
starts a child on the workspace the last one was killed in (so it must open), and at
the end every id any child printed must be in the workspace and both integrity checks
must pass, in this process and in the real ``msp check``.

It takes minutes, so it is marked ``slow``: ``make test-slow`` runs it (after ``make
test`` in CI), not ``make test``. ``MSP_KILL_ROUNDS`` sets the number of rounds (500 by
default); the children are separate processes, so they open the workspace at the
shipped Argon2id cost, as the app does.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from msp_desktop.store import Workspace
from tests.conftest import PASSPHRASE
from tests.e2e.conftest import msp_command

ROUNDS = int(os.environ.get("MSP_KILL_ROUNDS", "500"))


def _one_round(folder: Path, rng: random.Random, env: dict[str, str]) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.kill_child", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert child.stdout is not None
    try:
        if rng.random() < 0.1:
            # Sometimes kill during start-up: opening must survive it too.
            time.sleep(rng.uniform(0.0, 0.3))
        else:
            assert child.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.0, 0.15))
    finally:
        # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up either way. Reaped
        # before reading, so nothing is left holding the pipe (or pytest's output).
        child.kill()
        child.wait(timeout=30)
        out = child.stdout.read()
        child.stdout.close()
    # Only whole lines are acknowledgements; a half-printed id was never promised.
    return [line for line in out.split("\n")[:-1] if line and line != "ready"]


@pytest.mark.slow
@pytest.mark.timeout(max(300, 3 * ROUNDS))  # about 0.5 s a round on a busy 2-core machine
@pytest.mark.usefixtures("real_kdf_cost")
def test_kill_minus_9_loses_no_acknowledged_record(workspace_dir: Path) -> None:
    Workspace.create(workspace_dir, PASSPHRASE, "Test Worker").close()
    env = {**os.environ, "MSP_PASSPHRASE": PASSPHRASE}
    rng = random.Random(9)
    acknowledged: list[str] = []
    for _ in range(ROUNDS):
        acknowledged += _one_round(workspace_dir, rng, env)

    assert len(acknowledged) > ROUNDS, "the child should have committed many records"
    ws = Workspace.open(workspace_dir, PASSPHRASE)
    try:
        stored = {row[0] for row in ws.db.all("SELECT id FROM people")}
        missing = [i for i in acknowledged if i not in stored]
        assert missing == []
        report = ws.check()
        assert report.healthy, report.problems
        assert "encrypted pages" in report.checked
        assert "database structure" in report.checked
    finally:
        ws.close()
    checked = subprocess.run(
        [*msp_command(), "check", "--workspace", str(workspace_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "The workspace is healthy." in checked.stdout
