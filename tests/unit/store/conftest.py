"""Fixtures for the workspace tests: a second worker's laptop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.store import Workspace
from tests.conftest import PASSPHRASE


@pytest.fixture
def colleague(tmp_path: Path) -> Iterator[Workspace]:
    """A second real workspace (another worker's laptop), beside ``workspace``."""
    with Workspace.create(tmp_path / "colleague", PASSPHRASE, "Second Worker") as ws:
        yield ws
