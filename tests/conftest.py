"""Shared test fixtures: isolated folders for every test, and a real workspace."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.store import Workspace

PASSPHRASE = "correct horse battery staple"


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
