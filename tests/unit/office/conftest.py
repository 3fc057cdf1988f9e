"""A real office (keys on disk, a database) and a device enrolled in it.

``office`` runs every test that uses it twice: on the SQLite database in the office
folder and on an empty PostgreSQL database of its own (a fresh schema of
``tests.office_pg``'s throwaway cluster or of ``$MSP_TEST_POSTGRES_DSN``; skipped
without PostgreSQL outside CI, failed under ``CI=true``). ``db_hash``
is the file's hash on SQLite and the hash of a dump of every table on PostgreSQL, so
"a refusal leaves the database unchanged" is checked on both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from msp_desktop.bundles import AgeRecipient, SealedBundle
from msp_desktop.office import devices
from msp_desktop.office.cli.main import main
from msp_desktop.office.db.backends import create_store, open_store
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.db.store import OfficeStore
from msp_desktop.office.importer import Importer, ImportOutcome
from msp_desktop.office.keys import (
    OfficeConfig,
    OfficeKeys,
    OfficeLayout,
    create_office_keys,
    load_keys,
)
from tests.office_helpers import FakeDevice
from tests.office_pg import postgres_server, postgres_url  # noqa: F401 - fixtures

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@dataclass
class Office:
    """An office folder made by the same code as ``msp-office init``."""

    layout: OfficeLayout
    config: OfficeConfig
    keys: OfficeKeys
    store: OfficeStore
    db_url: str | None = None
    """The PostgreSQL database's URL (``--db``); None for OFFICE/office.db."""

    @property
    def inbox(self) -> AgeRecipient:
        """What devices seal bundles to."""
        return self.keys.inbox.recipient

    @property
    def root(self) -> str:
        """The folder, for ``--dir``."""
        return str(self.layout.root)

    def db_state(self) -> object:
        """SQLite: the SHA-256 of office.db. PostgreSQL: every table's rows, sorted."""
        if self.db_url is None:
            return hashlib.sha256(self.layout.database.read_bytes()).hexdigest()
        import psycopg

        with psycopg.connect(self.db_url, autocommit=True) as conn:
            tables = [
                name
                for (name,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "ORDER BY tablename"
                )
            ]
            return {
                table: sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"'))
                for table in tables
            }

    def db_hash(self) -> str:
        """A hash of ``db_state``, to show a refusal left the database unchanged."""
        return hashlib.sha256(repr(self.db_state()).encode()).hexdigest()

    def sql(self, query: str, *params: object) -> list[tuple[object, ...]]:
        """Rows of a query on the database (``?`` placeholders, as SQLite writes them)."""
        if self.db_url is None:
            conn = SqliteOfficeStore.open(self.layout.database, read_only=True)
            try:
                return list(conn._conn.execute(query, params).fetchall())
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.db_url, autocommit=True) as pg:
            return list(pg.execute(query.replace("?", "%s"), params).fetchall())

    def open_store(self) -> OfficeStore:
        """Another connection to this office's database (another msp-office)."""
        return open_store(self.layout.root, self.db_url, read_only=False)

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
        """``msp-office ARGS --dir OFFICE [--db URL]`` in this process (ARGS' own --db wins)."""
        db = ["--db", self.db_url] if self.db_url and "--db" not in args else []
        return main([*args, "--dir", self.root, *db])

    def files(self) -> set[str]:
        """Every file in the office folder (to show nothing appeared, e.g. a journal)."""
        return {str(p.relative_to(self.layout.root)) for p in self.layout.root.rglob("*")}


@pytest.fixture(params=["sqlite", "postgres"])
def office(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Office]:
    monkeypatch.delenv("MSP_OFFICE_DB", raising=False)
    layout = OfficeLayout(tmp_path / "office")
    config = create_office_keys(layout, office_id="north-council", name="North Council", now=NOW)
    url: str | None = (
        request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    )
    create_store(layout.root, url)
    store = open_store(layout.root, url, read_only=False)
    yield Office(layout, config, load_keys(layout, config), store, url)
    store.close()


@pytest.fixture
def device(office: Office) -> FakeDevice:
    """A device enrolled in ``office``."""
    enrolled = FakeDevice()
    office.enrol(enrolled)
    return enrolled


@pytest.fixture
def other(office: Office) -> FakeDevice:
    """A second enrolled device, B (``laptop-b``)."""
    enrolled = FakeDevice(device_id="laptop-b", worker="Second Worker")
    office.enrol(enrolled)
    return enrolled
