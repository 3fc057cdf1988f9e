"""``msp-desktop`` stops cleanly on SIGTERM (a logout, a shutdown, ``kill``) at any point.

Each test starts the real app in a child process (``tests.ui.app_child``, offscreen),
brings it to one state, sends SIGTERM and checks that it ends within two seconds with
a clean exit status, no traceback, and the workspace closed: it opens again at once.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from msp_desktop.exit_codes import ExitCode
from msp_desktop.store import Workspace
from tests.ui.helpers import PASSPHRASE
from tests.ui.test_guide_problem import break_guide, copy_guides

pytestmark = pytest.mark.posix_only("SIGTERM is a POSIX signal: Windows ends a process without one")

PROJECT = Path(__file__).resolve().parents[2]
STOP_WITHIN = 2.0  # seconds from SIGTERM to the process having ended


@pytest.fixture
def workspace(real_kdf_cost: None, existing: Path) -> Path:
    """The three people of ``existing``, sealed at the shipped cost the child opens."""
    return existing


def start_child(
    folder: Path, state: str, tmp_path: Path, guides: Path | None = None
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "MSP_PASSPHRASE": PASSPHRASE,
        "MSP_CONFIG_DIR": str(tmp_path / "config"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    if guides is not None:
        env["MSP_TEST_GUIDES"] = str(guides)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.ui.app_child", str(folder), state],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    # The child prints "ready" once in the state; a minute is far more than it needs.
    readable, _, _ = select.select([child.stdout], [], [], 60)
    line = child.stdout.readline() if readable else "(nothing within 60 s)"
    if line.strip() != "ready":
        child.kill()
        _out, err = child.communicate()
        pytest.fail(f"the app did not reach its state: {line!r}\n{err}")


def stop(child: subprocess.Popen[str]) -> tuple[float, int, str]:
    """SIGTERM the child; how long it took to end, its exit status and its stderr."""
    time.sleep(0.3)  # let the state settle (a box painted, an operation under way)
    sent = time.monotonic()
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        pytest.fail("the app was still running 15 s after SIGTERM")
    took = time.monotonic() - sent
    _out, err = child.communicate()
    return took, child.returncode, err


@pytest.mark.parametrize("state", ["unlock", "unlocking", "main", "modal", "busy"])
def test_sigterm_ends_the_app_cleanly(state: str, workspace: Path, tmp_path: Path) -> None:
    child = start_child(workspace, state, tmp_path)
    wait_ready(child)
    took, status, err = stop(child)
    assert status == ExitCode.OK, err
    assert took < STOP_WITHIN, f"ended {took:.2f} s after SIGTERM"
    assert "Traceback" not in err
    assert "QThread" not in err  # no thread torn down while running
    Workspace.open(workspace, PASSPHRASE).close()  # closed, and not damaged


def test_sigterm_while_the_guide_problem_shows(workspace: Path, tmp_path: Path) -> None:
    guides = copy_guides(tmp_path)
    break_guide(guides)
    child = start_child(workspace, "guide", tmp_path, guides)
    wait_ready(child)
    took, status, err = stop(child)
    # The guide's problem was already the outcome of this run: its code stays.
    assert status == ExitCode.GUIDE_INVALID, err
    assert took < STOP_WITHIN, f"ended {took:.2f} s after SIGTERM"
    assert "Traceback" not in err
