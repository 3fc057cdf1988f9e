"""Running the real ``msp`` program as a subprocess, as a worker or a script would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from msp_desktop.bundles.provisioning import read_provisioning
from tests.conftest import PASSPHRASE
from tests.office_helpers import office_command

__all__ = [
    "MspRunner",
    "OfficeRunner",
    "demo_device",
    "log_and_passphrase_env",
    "new_office",
    "office_command",
    "ok",
    "one_plain_line",
    "run_msp",
    "run_program",
]

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


def run_program(
    command: list[str], env: dict[str, str], **popen: Any
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with ``env``, stdin empty, output captured as text; never raises
    on a non-zero exit (``popen``: more for ``subprocess.run``, such as ``preexec_fn``)."""
    return subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
        **popen,
    )


def run_msp(env: dict[str, str], *args: str, **popen: Any) -> subprocess.CompletedProcess[str]:
    """The real ``msp ARGS`` with ``env`` (``run_program``)."""
    return run_program([*msp_command(), *args], env, **popen)


def log_and_passphrase_env(base: Path) -> dict[str, str]:
    """This environment without MSP_ settings, with a log folder under ``base`` and the
    test passphrase (for module-scoped set-ups, which cannot use ``msp_env``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSP_")}
    (base / "logs").mkdir(exist_ok=True)
    env.update(MSP_LOG_DIR=str(base / "logs"), MSP_PASSPHRASE=PASSPHRASE)
    return env


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
        return run_msp({**msp_env, **(env or {}), **extra}, *args)

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
        return run_program([*office_command(), *args], env)

    return run


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The output of a run that must succeed (its stderr shown when it did not)."""
    assert result.returncode == 0, result.stderr
    return result.stdout


def new_office(msp_office: OfficeRunner, folder: Path) -> tuple[Path, str]:
    """``msp-office init`` and ``provisioning``: the office keys file (in ``folder``) and
    the office key id read out with it."""
    ok(msp_office("init", "--office-id", "north", "--name", "North Borough ASC"))
    keys = folder / "office-keys.json"
    ok(msp_office("provisioning", "--out", str(keys)))
    return keys, read_provisioning(keys.read_bytes()).office_key_id


def demo_device(
    msp: MspRunner, office: tuple[Path, str], enrolment: Path, device_id: str, **env: str
) -> None:
    """A workspace with the demo caseload (``env``: another ``MSP_WORKSPACE``) that trusts
    ``office`` and wrote its enrolment file to ``enrolment`` as ``device_id``."""
    keys, key_id = office
    ok(msp("demo", env=env))
    ok(msp("office-keys", "import", str(keys), "--office-key-id", key_id, env=env))
    ok(msp("enrol", "--out", str(enrolment), "--device-id", device_id, env=env))
