"""A real office (keys on disk, a SQLite database) and a device enrolled in it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from msp_desktop.bundles import AgeRecipient, SealedBundle
from msp_desktop.office import devices
from msp_desktop.office.cli import main
from msp_desktop.office.database import SqliteOfficeStore
from msp_desktop.office.importer import Importer, ImportOutcome
from msp_desktop.office.keys import (
    OfficeConfig,
    OfficeKeys,
    OfficeLayout,
    create_office_keys,
    load_keys,
)
from tests.office_helpers import FakeDevice

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@dataclass
class Office:
    """An office folder made by the same code as ``msp-office init``."""

    layout: OfficeLayout
    config: OfficeConfig
    keys: OfficeKeys
    store: SqliteOfficeStore

    @property
    def inbox(self) -> AgeRecipient:
        """What devices seal bundles to."""
        return self.keys.inbox.recipient

    @property
    def root(self) -> str:
        """The folder, for ``--dir``."""
        return str(self.layout.root)

    def db_hash(self) -> str:
        """SHA-256 of office.db, to show a refusal left it byte for byte unchanged."""
        return hashlib.sha256(self.layout.database.read_bytes()).hexdigest()

    def importer(self) -> Importer:
        """An importer on this office's database, with a fixed clock."""
        return Importer(self.store, self.keys, self.layout, clock=lambda: NOW)

    def enrol(self, device: FakeDevice, *, replace: bool = False) -> None:
        """``devices add`` for ``device``."""
        devices.enrol(self.store, device.enrolment(), replace=replace, now="2026-11-20T09:00:00Z")

    def import_(self, sealed: SealedBundle, source: str = "bundle.mspbundle") -> ImportOutcome:
        """Import one bundle; receipts go to OFFICE/receipts."""
        return self.importer().import_bundle(
            sealed.data, source=source, receipts=self.layout.receipts
        )

    def write(self, sealed: SealedBundle, name: str = "bundle.mspbundle") -> Path:
        """Save a bundle next to the office, as a file to pass to the command line."""
        path = self.layout.root.parent / name
        path.write_bytes(sealed.data)
        return path

    def run(self, *args: str) -> int:
        """``msp-office ARGS --dir OFFICE`` in this process."""
        return main([*args, "--dir", self.root])

    def files(self) -> set[str]:
        """Every file in the office folder (to show nothing appeared, e.g. a journal)."""
        return {str(p.relative_to(self.layout.root)) for p in self.layout.root.rglob("*")}


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    layout = OfficeLayout(tmp_path / "office")
    config = create_office_keys(layout, office_id="north-council", name="North Council", now=NOW)
    SqliteOfficeStore.create(layout.database)
    store = SqliteOfficeStore.open(layout.database)
    yield Office(layout, config, load_keys(layout, config), store)
    store.close()


@pytest.fixture
def device(office: Office) -> FakeDevice:
    """A device enrolled in ``office``."""
    enrolled = FakeDevice()
    office.enrol(enrolled)
    return enrolled
