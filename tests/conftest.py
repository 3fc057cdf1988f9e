"""Shared test fixtures: isolated folders and logs, the test-only Argon2id cost, and a
real workspace."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.store import Workspace, keyslots

PASSPHRASE = "correct horse battery staple"

# Argon2id at 64 MiB and 3 passes takes some 0.15 s (more on a busy machine) for every
# workspace made, opened or re-keyed: about 40 % of the suite's time. In this process
# the suite seals and accepts slots at a token cost instead. Only this in-process patch
# sets it; the app reads no file or variable that could, and another process (``msp``,
# ``msp-office``, a test's child) always has the shipped cost and refuses such a slot.
TEST_KDF_COST = {
    "ARGON2_MEMORY_KIB": 8,
    "ARGON2_ITERATIONS": 1,
    "ARGON2_LANES": 1,
    "ARGON2_MIN_MEMORY_KIB": 8,
    "ARGON2_MIN_ITERATIONS": 1,
}
SHIPPED_KDF_COST = {name: getattr(keyslots, name) for name in TEST_KDF_COST}


@pytest.fixture(scope="session", autouse=True)
def token_kdf_cost() -> Iterator[None]:
    """Every test seals and opens passphrase slots at the token ``TEST_KDF_COST``."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in TEST_KDF_COST.items():
            patch.setattr(keyslots, name, value)
        yield


@pytest.fixture
def real_kdf_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped Argon2id cost for one test (``usefixtures("real_kdf_cost")``).

    For the tests of S4's cost itself, and for every test whose workspace (or backup)
    another process opens: the real ``msp`` program or a child cannot open a workspace
    sealed at the test cost, by design. Such a test makes its workspace after this.
    """
    for name, value in SHIPPED_KDF_COST.items():
        monkeypatch.setattr(keyslots, name, value)


@pytest.fixture(autouse=True)
def isolated_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real workspace, log or settings of this machine."""
    base = tmp_path_factory.mktemp("isolated")
    monkeypatch.setenv("MSP_WORKSPACE", str(base / "default-workspace"))
    monkeypatch.setenv("MSP_LOG_DIR", str(base / "logs"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("MSP_CONFIG_DIR", str(base / "config"))
    monkeypatch.delenv("MSP_PASSPHRASE", raising=False)
    monkeypatch.delenv("MSP_NEW_PASSPHRASE", raising=False)


@pytest.fixture(autouse=True)
def isolated_logging() -> Iterator[None]:
    """A test that configures the app's log (an in-process ``msp`` run) leaves none behind."""
    logger = logging.getLogger("msp")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    for handler in logger.handlers:
        if handler not in saved[0]:
            handler.close()
    logger.handlers[:], logger.level, logger.propagate = saved


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    """A folder for a workspace that does not exist yet."""
    return tmp_path / "workspace"


@pytest.fixture
def workspace(workspace_dir: Path) -> Iterator[Workspace]:
    """A fresh, real, encrypted workspace, closed after the test."""
    ws = Workspace.create(workspace_dir, PASSPHRASE, "Test Worker")
    yield ws
    ws.close()


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (relative path -> hash)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
