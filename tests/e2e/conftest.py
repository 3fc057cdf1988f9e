"""Running the real ``msp`` program as a subprocess, as a worker or a script would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.office_helpers import office_command

__all__ = ["MspRunner", "OfficeRunner", "office_command", "one_plain_line"]

MspRunner = Callable[..., subprocess.CompletedProcess[str]]


def one_plain_line(stderr: str) -> str:
    """The one line ``msp`` printed to stderr: exactly one, no traceback, ``msp: `` first."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("msp: ")
    return lines[0]


def msp_command() -> list[str]:
    """The installed ``msp`` console script beside this Python, else the module."""
    script = Path(sys.executable).parent / "msp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "msp_desktop.cli.main"]


@pytest.fixture
def msp_env(tmp_path: Path) -> dict[str, str]:
    """An environment with its own workspace, log and temp folders and the passphrase."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSP_")}
    for name in ("tmpdir", "logs"):
        (tmp_path / name).mkdir(exist_ok=True)
    env.update(
        MSP_WORKSPACE=str(tmp_path / "workspace"),
        MSP_LOG_DIR=str(tmp_path / "logs"),
        MSP_PASSPHRASE=PASSPHRASE,
        # CI is root; msp-office refuses root unless allowed (tests/conftest.py).
        MSP_OFFICE_ALLOW_ROOT="1",
        # Alerts never reach the machine's real syslog from a test (tests/conftest.py).
        MSP_OFFICE_SYSLOG="off",
        TMPDIR=str(tmp_path / "tmpdir"),
    )
    return env


@pytest.fixture
def msp(msp_env: dict[str, str]) -> MspRunner:
    """Run ``msp ARGS`` with the test environment; never raises on a non-zero exit."""

    def run(
        *args: str, env: dict[str, str] | None = None, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        merged = {**msp_env, **(env or {}), **extra}
        return subprocess.run(
            [*msp_command(), *args],
            env=merged,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
            check=False,
        )

    return run


OfficeRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def office_dir(tmp_path: Path) -> Path:
    """Where the test's office lives (made by ``msp-office init``)."""
    return tmp_path / "office"


@pytest.fixture
def msp_office(msp_env: dict[str, str], office_dir: Path) -> OfficeRunner:
    """Run ``msp-office ARGS`` with the office in $MSP_OFFICE_DIR; never raises."""
    env = {**msp_env, "MSP_OFFICE_DIR": str(office_dir)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*office_command(), *args],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
            check=False,
        )

    return run
