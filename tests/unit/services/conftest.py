"""Fixtures for the services tests that talk to a real office inbox over the network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.inbox_server import InboxServer, NetOffice


@pytest.fixture
def office(tmp_path: Path) -> NetOffice:
    """A real office folder (SQLite), as ``msp-office init`` makes it."""
    return NetOffice.create(tmp_path / "office")


@pytest.fixture
def server(office: NetOffice) -> Iterator[InboxServer]:
    """``msp-office serve`` for ``office`` on a free local port, stopped afterwards."""
    with InboxServer(office) as running:
        yield running
