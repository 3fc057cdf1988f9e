"""The two sides of the comparison: the encrypted workspace and plain SQLite, and loading them."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from msp_desktop.model import Concern, ConcernStatus
from msp_desktop.store import Workspace
from msp_desktop.store.actions import ActionsRepository
from msp_desktop.store.clock import utc_now
from msp_desktop.store.concerns import ConcernsRepository
from msp_desktop.store.connection import apply_pragmas
from msp_desktop.store.database import Database
from msp_desktop.store.migrations import migrate
from msp_desktop.store.people import PeopleRepository
from msp_desktop.store.visits import VisitsRepository
from tests.bench.bench_config import LOAD_BATCH, SEED, WORKER
from tests.bench.bench_data import Caseload, fake_id


@dataclass
class Store:
    """One side of the comparison: a database and the repositories over it."""

    label: str
    db: Database
    people: PeopleRepository
    concerns: ConcernsRepository
    visits: VisitsRepository
    close: Callable[[], None]
    path: Path


def workspace_store(ws: Workspace) -> Store:
    return Store(
        "encrypted", ws.db, ws.people, ws.concerns, ws.visits, ws.close, ws.db_path(ws.folder)
    )


def stdlib_fts_needs_trusted_schema() -> bool:
    """True when this ``sqlite3`` refuses FTS5 writes from triggers with trusted_schema OFF.

    Older SQLite (3.40 here) treats the people_fts triggers as an "unsafe use of
    virtual table" under ``trusted_schema = OFF``; the SQLite inside sqlcipher3 does not.
    """
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("CREATE TABLE t (pk INTEGER PRIMARY KEY, a TEXT)")
        conn.execute("CREATE VIRTUAL TABLE f USING fts5(a, content='t', content_rowid='pk')")
        conn.execute(
            "CREATE TRIGGER ti AFTER INSERT ON t BEGIN"
            " INSERT INTO f (rowid, a) VALUES (new.pk, new.a); END"
        )
        try:
            conn.execute("INSERT INTO t (a) VALUES ('x')")
        except sqlite3.OperationalError:
            return True
        return False
    finally:
        conn.close()


def open_plain(path: Path, *, driver: str = "sqlite3", create: bool = False) -> Store:
    """The plain side: the app's pragmas, schema and repositories without encryption.

    ``driver`` "sqlite3" is the standard library; "sqlcipher3-nokey" is sqlcipher3 with
    no key, i.e. unencrypted SQLite of the same version as the encrypted side, which
    separates the cost of the cipher from differences between SQLite versions.
    """
    if driver == "sqlite3":
        conn: Any = sqlite3.connect(path, isolation_level=None)
    else:
        conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        # The same S3 settings as the encrypted side (WAL, synchronous=FULL, the 64 MiB
        # cache, secure_delete), asserted the same way, so only the cipher differs.
        apply_pragmas(conn)
        if driver == "sqlite3" and stdlib_fts_needs_trusted_schema():
            # Otherwise the old stdlib SQLite cannot write the people_fts triggers at
            # all; trusted_schema is a security switch with no cost to speed.
            conn.execute("PRAGMA trusted_schema = ON")
        db = Database(conn)
        migrate(db)
        if create:
            with db.transaction():
                for key, value in (
                    ("workspace_id", fake_id(random.Random(SEED))),
                    ("worker", WORKER),
                    ("created_at", utc_now()),
                ):
                    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
    except BaseException:
        conn.close()
        raise
    concerns = ConcernsRepository(db, WORKER)
    return Store(
        "plain",
        db,
        PeopleRepository(db, WORKER),
        concerns,
        VisitsRepository(db, WORKER, concerns, ActionsRepository(db, WORKER)),
        conn.close,
        path,
    )


def _opened(concern: Concern) -> Concern:
    if not concern.is_closed:
        return concern
    return concern.revised(
        status=ConcernStatus.OPEN, closed_on=None, action_result=None, risk_outcome=None
    )


def load(store: Store, caseload: Caseload) -> None:
    """Add the caseload through the repositories, many records per transaction.

    Each repository call opens its own transaction; wrapping a batch in an outer one
    makes them join it (``Database.transaction`` nests), so the audit chain and every
    check run as in the app, without one fsync per record.
    """
    # Closed concerns are added open and closed once their visits are in, as a worker
    # would: a closed concern takes no new visits.
    closed = [c for c in caseload.concerns if c.is_closed]
    records: list[Callable[[], object]] = [
        *(lambda p=p: store.people.add(p) for p in caseload.people),
        *(lambda c=c: store.concerns.add(_opened(c)) for c in caseload.concerns),
        *(lambda v=v: store.visits.start(v) for v in caseload.visits),
        *(lambda v=v: store.visits.finalise(v.id) for v in caseload.visits
          if v.id in caseload.finalise),
        *(lambda c=c: store.concerns.close(c) for c in closed),
    ]  # fmt: skip
    for start in range(0, len(records), LOAD_BATCH):
        with store.db.transaction():
            for record in records[start : start + LOAD_BATCH]:
                record()
