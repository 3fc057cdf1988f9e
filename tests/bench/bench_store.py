"""The store benchmark behind ``make bench``: encrypted workspace against plain SQLite.

Both stores run exactly the same code (``Database`` and the three repositories); only
the connection differs: SQLCipher through ``Workspace`` on one side, the standard
library's ``sqlite3`` with the same pragmas and schema on the other. The same
fictional caseload is loaded into both, then each workload is timed on both with the
samples interleaved (encrypted, plain, then plain, encrypted, ...) so that machine
noise and drift land on both sides equally.

Run it from the repository root::

    .venv/bin/python -m tests.bench.bench_store --out bench-results
    .venv/bin/python -m tests.bench.bench_store --quick --out /tmp/bench   # seconds

It writes ``<out>/store.json`` and prints a short summary.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import cryptography
import sqlcipher3

from msp_desktop.model import (
    Action,
    Concern,
    ConcernStatus,
    DesiredOutcome,
    Note,
    Person,
    Risk,
    RiskLocation,
    RiskSource,
    RiskType,
    SG4aAsked,
    Stage,
    Visit,
)
from msp_desktop.practice import finalise_blockers
from msp_desktop.store import Workspace
from msp_desktop.store.clock import utc_now
from msp_desktop.store.concerns import ConcernsRepository
from msp_desktop.store.connection import (
    apply_pragmas,
    cipher_integrity_problems,
    open_encrypted,
)
from msp_desktop.store.database import Database
from msp_desktop.store.keyslots import load_key_file
from msp_desktop.store.migrations import migrate
from msp_desktop.store.people import PeopleRepository
from msp_desktop.store.visits import VisitsRepository

PASSPHRASE = "bench horse battery staple"
WORKER = "Bench Worker"
SEED = 20261126

# What the store is asked to achieve (docs: encrypted within 25% of plain SQLite, a
# search that keeps up with typing, a draft save the worker never waits for, and an
# unlock that feels instant).
TARGETS: dict[str, float] = {
    "encrypted_vs_plain_ratio": 1.25,
    "search_p95_ms": 30,
    "save_p95_ms": 15,
    "unlock_s": 1.0,
}

FULL = {"people": 10_000, "concerns": 2_000, "visits": 20_000, "samples": 300, "unlock_runs": 5}
QUICK = {"people": 200, "concerns": 40, "visits": 400, "samples": 20, "unlock_runs": 2}

# Rows per load transaction: big enough that fsync is not the cost of loading.
LOAD_BATCH = 2_000
WARMUP_ROUNDS = 10

# Obviously made-up people: ordinary first names, surnames nobody has.
FIRST_NAMES = [
    "Ada", "Bryn", "Siân", "Margaret", "Dewi", "Eira", "Gareth", "Harriet", "Idris",
    "Joan", "Kenneth", "Lowri", "Morfydd", "Nerys", "Owain", "Peggy", "Rhiannon",
    "Stanley", "Tegwen", "Vera", "Wilfred", "Yvonne", "Alun", "Beryl", "Cerys",
    "Doris", "Emrys", "Flora", "Glenys", "Hywel", "Iris", "Jack", "Elsie", "Arthur",
]  # fmt: skip
SURNAMES = [
    "Example", "Sample", "Specimen", "Exampleton", "Sampleford", "Placeholder",
    "Testcase", "Fixture", "Prawf", "Dummy", "Mockley", "Instance", "Demo",
    "Fictional", "Madeup", "Notreal", "Samplewood", "Specimens", "Examplar", "Stub",
]  # fmt: skip
PREFERRED = {"Margaret": "Peggy", "Kenneth": "Ken", "Harriet": "Hattie", "Wilfred": "Wilf"}

OUTCOME_WORDS = [
    "I want to feel safe in my own home.",
    "I want my nephew to stop taking money from my purse.",
    "I want to stay living here with my cat.",
    "I'd like someone to help me with the bank so I'm not worried all the time.",
    "I want the carers to come on time and talk to me properly.",
    "I want to see my grandchildren without him being there.",
    "I just want things to go back to how they were.",
    "I want to choose who comes into the house.",
]
RISK_VIEWS = [
    "She says she is not frightened but does not want him to have her card.",
    "He feels the missed calls are not his fault and he manages fine.",
    "She worries about what will happen if she says anything.",
    "He would rather keep things as they are and accept the risk.",
]
WORKER_VIEWS = [
    "Pattern of withdrawals matches the dates the visitor calls. Check with the bank.",
    "Presented well today; home cold; fridge nearly empty. Review food and heating.",
    "Appeared anxious when the door went; declined to discuss further with others present.",
]
ACTIONS = [
    "Ask the bank about a second signatory.",
    "Refer to the advocacy service for an independent advocate.",
    "Speak with the care agency about late and missed calls.",
    "Arrange a carer's assessment for the daughter.",
    "Make a referral to the fire service for a home safety check.",
]
WORKING_WELL = [
    "The neighbour pops in most mornings.",
    "Day centre on Tuesdays is a highlight of the week.",
    "Pharmacy delivers medication without a problem.",
]
NOT_WORKING = [
    "Nobody checks the post, so bills have been missed.",
    "Evening call is often after 9pm.",
    "Phone is often switched off, so family cannot get through.",
]
PLACES = ["Home, front room", "Home, kitchen", "Day centre quiet room", "Library meeting room"]


# -- the fictional caseload ---------------------------------------------------------------


@dataclass
class Caseload:
    """The records loaded into both stores, and what the workloads pick from."""

    people: list[Person]
    concerns: list[Concern]
    visits: list[Visit]
    finalise: set[str]
    queries: list[str]
    drafts: list[str]
    opened: list[str]


def _fake_id(rng: random.Random) -> str:
    # Seeded ids rather than new_id(): repeat runs load byte-identical content.
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _note(rng: random.Random, texts: Sequence[str]) -> Note:
    return Note(text=rng.choice(texts))


def _visit(rng: random.Random, concern: Concern, on: date | None, risk_type: RiskType) -> Visit:
    outcomes = [
        DesiredOutcome(id=_fake_id(rng), words=_note(rng, OUTCOME_WORDS))
        for _ in range(rng.randint(1, 3))
    ]
    risk = Risk(
        id=_fake_id(rng),
        risk_type=risk_type,
        location=rng.choice(list(RiskLocation)),
        source=rng.choice(list(RiskSource)),
        persons_view=_note(rng, RISK_VIEWS),
        workers_view=Note.internal(rng.choice(WORKER_VIEWS)),
    )
    action = Action(
        id=_fake_id(rng),
        what=_note(rng, ACTIONS),
        who="Bench Worker",
        by_when=(on or date.today()) + timedelta(days=rng.randint(7, 28)),
        outcome_ids=[outcomes[0].id],
    )
    return Visit(
        id=_fake_id(rng),
        concern_id=concern.id,
        person_id=concern.person_id,
        visit_date=on,
        place=rng.choice(PLACES),
        could_speak_privately=rng.random() < 0.8,
        consent_to_record=True,
        consent_to_share=rng.random() < 0.7,
        desired_outcomes=outcomes,
        sg4a_asked=SG4aAsked.EXPRESSED,
        working_well=[_note(rng, WORKING_WELL)],
        not_working=[_note(rng, NOT_WORKING)],
        risks=[risk],
        actions=[action],
    )


def build_caseload(n_people: int, n_concerns: int, n_visits: int, seed: int = SEED) -> Caseload:
    """Make the fictional people, concerns and visits (the same for both stores)."""
    rng = random.Random(seed)
    today = date.today()
    people: list[Person] = []
    for i in range(n_people):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        people.append(
            Person(
                id=_fake_id(rng),
                name=f"{first} {last}",
                preferred_name=PREFERRED.get(first) if rng.random() < 0.5 else None,
                local_id=f"BENCH-{i + 1:05d}",
                date_of_birth=date(1925, 1, 1) + timedelta(days=rng.randint(0, 50 * 365)),
            )
        )

    # Most people with a concern have one; some have an older, closed one too.
    n_concerns = min(n_concerns, n_people * 2)
    with_concern = rng.sample(people, min(n_people, max(1, int(n_concerns * 0.8))))
    owners = [*with_concern, *(rng.choice(with_concern) for _ in range(n_concerns))]
    concerns: list[Concern] = []
    risk_of: dict[str, RiskType] = {}
    for owner in owners[:n_concerns]:
        risk_type = rng.choice(list(RiskType))
        closed = rng.random() < 0.35
        concern = Concern(
            id=_fake_id(rng),
            person_id=owner.id,
            raised_on=today - timedelta(days=rng.randint(30, 3 * 365)),
            risk_types=[risk_type],
            status=ConcernStatus.CLOSED if closed else ConcernStatus.OPEN,
            stage=rng.choice([Stage.BEGINNING, Stage.MIDDLE, Stage.END]),
            lead_worker=WORKER,
        )
        concerns.append(concern)
        risk_of[concern.id] = risk_type

    # Every concern gets a visit; the rest are spread at random, so some concerns
    # (and so some person pages) have many more visits than the average of ten.
    owner_of_visit = [*concerns, *(rng.choice(concerns) for _ in range(n_visits))][:n_visits]
    by_concern: dict[str, list[Concern]] = {}
    for concern in owner_of_visit:
        by_concern.setdefault(concern.id, []).append(concern)
    visits: list[Visit] = []
    finalise: set[str] = set()
    drafts: list[str] = []
    for concern in concerns:
        count = len(by_concern.get(concern.id, []))
        on = concern.raised_on
        for k in range(count):
            on = min(today, on + timedelta(days=rng.randint(3, 21)))
            last = k == count - 1
            # The newest visit of an open concern is still being written up.
            is_draft = last and concern.status is ConcernStatus.OPEN
            # A few drafts have no date yet, as in a visit planned but not started.
            when = None if is_draft and rng.random() < 0.1 else on
            visit = _visit(rng, concern, when, risk_of[concern.id])
            visits.append(visit)
            if is_draft:
                drafts.append(visit.id)
            elif not finalise_blockers(visit, concern.stage, concern=concern):
                finalise.add(visit.id)
    if not drafts:
        raise ValueError("the caseload has no draft visits to save; use more concerns")

    # What a worker types: surnames letter by letter, first name plus surname
    # prefix, a preferred name, and local ids digit by digit.
    queries: list[str] = []
    for person in rng.sample(people, min(6, len(people))):
        first, last = person.name.split(" ", 1)
        queries += [last[:n] for n in range(2, min(len(last), 6) + 1)]
        queries += [f"{first[:3]} {last[:3]}", f"{first} {last[:4]}"]
    queries += ["peggy", "ken", "BENCH-0", "BENCH-004", "BENCH-0042", "00421", "sian pra"]
    opened = [c.person_id for c in concerns]
    return Caseload(people, concerns, visits, finalise, queries, drafts, opened)


# -- the two stores -----------------------------------------------------------------------


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


def _workspace_store(ws: Workspace) -> Store:
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
                    ("workspace_id", _fake_id(random.Random(SEED))),
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
        VisitsRepository(db, WORKER, concerns),
        conn.close,
        path,
    )


def load(store: Store, caseload: Caseload) -> None:
    """Add the caseload through the repositories, many records per transaction.

    Each repository call opens its own transaction; wrapping a batch in an outer one
    makes them join it (``Database.transaction`` nests), so the audit chain and every
    check run as in the app, without one fsync per record.
    """
    records: list[Callable[[], object]] = [
        *(lambda p=p: store.people.add(p) for p in caseload.people),
        *(lambda c=c: store.concerns.add(c) for c in caseload.concerns),
        *(lambda v=v: store.visits.start(v) for v in caseload.visits),
        *(lambda v=v: store.visits.finalise(v.id) for v in caseload.visits
          if v.id in caseload.finalise),
    ]  # fmt: skip
    for start in range(0, len(records), LOAD_BATCH):
        with store.db.transaction():
            for record in records[start : start + LOAD_BATCH]:
                record()


# -- timing -------------------------------------------------------------------------------


def _ms(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def p50(values: Sequence[float]) -> float:
    """The median."""
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method, so it is a value within the samples' range)."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]


@dataclass
class Timings:
    """Samples (ms) of one workload on each side."""

    encrypted: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)


def interleaved(
    stores: tuple[Store, Store],
    samples: int,
    prepare: Callable[[int, Store], Callable[[], object]],
    check: Callable[[object, object], None] | None = None,
) -> Timings:
    """Time sample ``i`` on both stores back to back, alternating which goes first.

    ``prepare`` builds the call for sample ``i`` outside the timed region, so only
    the store's work is measured. ``check`` compares the two results (same code, same
    data: they must agree).
    """
    timings = Timings()
    for i in range(samples):
        order = stores if i % 2 == 0 else stores[::-1]
        results: dict[str, object] = {}
        for store in order:
            call = prepare(i, store)
            elapsed, results[store.label] = _ms(call)
            getattr(timings, store.label).append(elapsed)
        if check is not None:
            check(results["encrypted"], results["plain"])
    return timings


def _same_length(a: object, b: object) -> None:
    if not isinstance(a, Sized) or not isinstance(b, Sized) or len(a) != len(b):
        raise AssertionError(f"encrypted and plain disagree: {a!r:.200} != {b!r:.200}")


def search_workload(caseload: Caseload) -> Callable[[int, Store], Callable[[], object]]:
    """Search-as-you-type: cycle through the typed prefixes."""

    def prepare(i: int, store: Store) -> Callable[[], object]:
        text = caseload.queries[i % len(caseload.queries)]
        return lambda: store.people.search(text)

    return prepare


def save_workload(caseload: Caseload) -> Callable[[int, Store], Callable[[], object]]:
    """A draft saved in place with a small change: one committed, fsynced transaction."""

    def prepare(i: int, store: Store) -> Callable[[], object]:
        visit_id = caseload.drafts[i % len(caseload.drafts)]
        current = store.visits.get(visit_id).visit
        changed = current.revised(place=f"Home, kitchen table (edit {i})")
        return lambda: store.visits.save_draft(changed)

    return prepare


def open_person_workload(
    caseload: Caseload, rng: random.Random
) -> Callable[[int, Store], Callable[[], object]]:
    """Everything the person page reads: details, caseload row, concerns, visits."""
    picks = [rng.choice(caseload.opened) for _ in range(4096)]

    def prepare(i: int, store: Store) -> Callable[[], object]:
        person_id = picks[i % len(picks)]

        def open_person() -> list[object]:
            return [
                store.people.get(person_id),
                store.people.summary(person_id),
                *store.concerns.for_person(person_id),
                *store.visits.list(person_id=person_id),
            ]

        return open_person

    return prepare


def measure_unlock(folder: Path, runs: int) -> tuple[list[float], dict[str, list[float]]]:
    """``Workspace.open`` of the closed workspace, then the same steps one by one.

    The steps are timed separately so a slow unlock says where the time goes:
    Argon2id (key file), opening plus pragmas, the HMAC check of every page, and the
    schema check.
    """
    totals: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        ws = Workspace.open(folder, PASSPHRASE)
        totals.append(time.perf_counter() - start)
        ws.close()
    steps: dict[str, list[float]] = {
        "argon2id_unwrap": [],
        "open_and_pragmas": [],
        "cipher_integrity_check": [],
        "migrate_check": [],
    }
    for _ in range(runs):
        t0 = time.perf_counter()
        raw_key = load_key_file(Workspace.keys_path(folder)).unwrap(PASSPHRASE)
        t1 = time.perf_counter()
        conn = open_encrypted(Workspace.db_path(folder), raw_key)
        try:
            t2 = time.perf_counter()
            if cipher_integrity_problems(conn):
                raise AssertionError("the benchmark workspace failed its page check")
            t3 = time.perf_counter()
            migrate(Database(conn))
            t4 = time.perf_counter()
        finally:
            conn.close()
        for name, seconds in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            steps[name].append(seconds)
    return totals, steps


# -- reporting ----------------------------------------------------------------------------


def _filesystem(path: Path) -> str:
    """The filesystem type the databases live on (fsync cost depends on it)."""
    best, kind = "", "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    return kind


def _db_bytes(path: Path) -> int:
    return sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


def _round(value: float) -> float:
    return round(value, 3)


def figures(t: Timings, side: str) -> dict[str, float]:
    """p50 and p95 (ms) of one side of one workload."""
    values = getattr(t, side)
    return {"p50": p50(values), "p95": p95(values)}


def report(
    *,
    sizes: dict[str, int],
    samples: int,
    workloads: dict[str, Timings],
    unlock: tuple[list[float], dict[str, list[float]]],
    first_search_ms: dict[str, float],
    machine: dict[str, Any],
    timings_s: dict[str, float],
    db_bytes: dict[str, int],
    mean_search_hits: float,
) -> dict[str, Any]:
    """The JSON document written to ``store.json``."""
    enc = {name: figures(t, "encrypted") for name, t in workloads.items()}
    pln = {name: figures(t, "plain") for name, t in workloads.items()}
    ratios = {name: enc[name]["p50"] / pln[name]["p50"] for name in workloads}
    ratio = sum(enc[n]["p50"] for n in workloads) / sum(pln[n]["p50"] for n in workloads)
    unlock_totals, unlock_steps = unlock
    result: dict[str, Any] = {
        "unlock_s": _round(statistics.median(unlock_totals)),
        "search_p50_ms": _round(enc["search"]["p50"]),
        "search_p95_ms": _round(enc["search"]["p95"]),
        "save_p50_ms": _round(enc["save"]["p50"]),
        "save_p95_ms": _round(enc["save"]["p95"]),
        "open_person_p50_ms": _round(enc["open_person"]["p50"]),
        "open_person_p95_ms": _round(enc["open_person"]["p95"]),
        "encrypted_vs_plain_ratio": _round(ratio),
        "ratios": {f"{name}_p50": _round(r) for name, r in ratios.items()},
        "plain": {
            "search_p50_ms": _round(pln["search"]["p50"]),
            "search_p95_ms": _round(pln["search"]["p95"]),
            "save_p50_ms": _round(pln["save"]["p50"]),
            "save_p95_ms": _round(pln["save"]["p95"]),
            "open_person_p50_ms": _round(pln["open_person"]["p50"]),
            "open_person_p95_ms": _round(pln["open_person"]["p95"]),
        },
        "unlock_runs_s": [_round(s) for s in unlock_totals],
        "unlock_breakdown_s": {
            name: _round(statistics.median(values)) for name, values in unlock_steps.items()
        },
        "first_search_after_open_ms": {k: _round(v) for k, v in first_search_ms.items()},
        "mean_search_hits": round(mean_search_hits, 1),
        "targets": TARGETS,
        "sizes": {**sizes, "samples_per_workload": samples},
        "db_bytes": db_bytes,
        "phase_seconds": {k: round(v, 1) for k, v in timings_s.items()},
        "machine": machine,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    result["meets_targets"] = {
        name: bool(result[name] <= target) for name, target in TARGETS.items()
    }
    result["notes"] = {
        "encrypted_vs_plain_ratio": (
            "(search p50 + save p50 + open_person p50, encrypted) / (the same three p50s, "
            "plain), all in ms; a ratio of sums, so the slowest workload (the fsynced "
            "save) weighs most. 'ratios' gives each workload's own encrypted p50 / plain "
            "p50."
        ),
        "workloads": (
            "search: PeopleRepository.search over typed prefixes (surnames letter by "
            "letter, first name + surname prefix, preferred names, local ids). save: "
            "VisitsRepository.save_draft of an existing draft with a changed place, one "
            "BEGIN IMMEDIATE..COMMIT with synchronous=FULL in WAL mode. open_person: "
            "people.get + people.summary + concerns.for_person + visits.list(person_id) "
            "for a person with at least one concern."
        ),
        "method": (
            "Both stores hold the same records loaded through the same repositories; "
            "the plain one is opened with apply_pragmas() and migrate(). Samples "
            "are taken in pairs, alternating which store goes first, after a warm-up; "
            "time.perf_counter around the repository call only. p95 uses "
            "statistics.quantiles(method='inclusive')."
        ),
        "unlock": (
            "Median of Workspace.open on the closed, populated workspace (OS file cache "
            "warm: a first unlock after boot reads the whole file from disk and is "
            "slower). unlock_breakdown_s times the same steps separately."
        ),
        "plain_side": (
            f"driver {machine['plain_driver']} (SQLite {machine['plain_sqlite_version']}, "
            f"trusted_schema {machine['plain_trusted_schema']}); the encrypted side runs "
            f"SQLite {machine['sqlcipher_sqlite_version']} inside sqlcipher3. With "
            "stdlib sqlite3 the two SQLite versions differ, so planner and engine changes "
            "are in the ratio too; --plain-driver sqlcipher3-nokey removes that. "
            "trusted_schema is ON on the plain side only when that SQLite cannot "
            "otherwise write the people_fts triggers; it does not affect speed."
        ),
    }
    return result


def machine_info(encrypted: Store, plain: Store, driver: str, folder: Path) -> dict[str, Any]:
    """Where the figures came from."""
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "sqlcipher_version": str(encrypted.db.scalar("PRAGMA cipher_version")),
        "sqlcipher_sqlite_version": str(encrypted.db.scalar("SELECT sqlite_version()")),
        "plain_driver": driver,
        "plain_sqlite_version": str(plain.db.scalar("SELECT sqlite_version()")),
        "plain_trusted_schema": "ON" if plain.db.scalar("PRAGMA trusted_schema") else "OFF",
        "cryptography": cryptography.__version__,
        "filesystem": _filesystem(folder),
    }


def summary_text(result: dict[str, Any]) -> str:
    """A few lines for the terminal."""
    plain, ok = result["plain"], result["meets_targets"]

    def mark(name: str) -> str:
        return "ok" if ok[name] else "MISSED"

    s = result["sizes"]
    return "\n".join(
        [
            f"store benchmark: {s['people']} people, {s['concerns']} concerns, "
            f"{s['visits']} visits, {s['samples_per_workload']} samples per workload",
            f"  unlock            {result['unlock_s']:.3f} s "
            f"(target {TARGETS['unlock_s']} s: {mark('unlock_s')}) "
            f"{result['unlock_breakdown_s']}",
            f"  search  p50/p95   {result['search_p50_ms']:.2f} / {result['search_p95_ms']:.2f}"
            f" ms (plain {plain['search_p50_ms']:.2f} / {plain['search_p95_ms']:.2f}; "
            f"target p95 {TARGETS['search_p95_ms']}: {mark('search_p95_ms')})",
            f"  save    p50/p95   {result['save_p50_ms']:.2f} / {result['save_p95_ms']:.2f}"
            f" ms (plain {plain['save_p50_ms']:.2f} / {plain['save_p95_ms']:.2f}; "
            f"target p95 {TARGETS['save_p95_ms']}: {mark('save_p95_ms')})",
            f"  open    p50/p95   {result['open_person_p50_ms']:.2f} / "
            f"{result['open_person_p95_ms']:.2f} ms (plain {plain['open_person_p50_ms']:.2f}"
            f" / {plain['open_person_p95_ms']:.2f})",
            f"  encrypted/plain   {result['encrypted_vs_plain_ratio']:.3f} "
            f"(target {TARGETS['encrypted_vs_plain_ratio']}: "
            f"{mark('encrypted_vs_plain_ratio')}) per workload {result['ratios']}",
        ]
    )


# -- the run ------------------------------------------------------------------------------


def _log(message: str) -> None:
    print(message, flush=True)


@contextlib.contextmanager
def _phase(name: str, into: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into[name] = time.perf_counter() - start
    _log(f"  {name}: {into[name]:.1f} s")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; ``--quick`` changes the defaults, explicit values still win."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_store", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--people", type=int, help=f"default {FULL['people']}")
    parser.add_argument("--concerns", type=int, help=f"default {FULL['concerns']}")
    parser.add_argument("--visits", type=int, help=f"default {FULL['visits']}")
    parser.add_argument("--samples", type=int, help=f"per workload, default {FULL['samples']}")
    parser.add_argument("--unlock-runs", type=int, help=f"default {FULL['unlock_runs']}")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--tmp-dir", type=Path, default=None, help="where to build the stores (disk matters)"
    )
    parser.add_argument(
        "--plain-driver",
        choices=("sqlite3", "sqlcipher3-nokey"),
        default="sqlite3",
        help="the plain side: stdlib sqlite3, or unkeyed sqlcipher3 (same SQLite version)",
    )
    parser.add_argument("--quick", action="store_true", help="a tiny run for the smoke test")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if min(args.people, args.concerns, args.visits, args.samples, args.unlock_runs) < 1:
        parser.error("sizes, samples and runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Build both stores, time the workloads, write ``<out>/store.json``."""
    args = parse_args(argv)
    phases: dict[str, float] = {}
    _log("store benchmark")
    with _phase("generate", phases):
        caseload = build_caseload(args.people, args.concerns, args.visits, args.seed)
    with (
        tempfile.TemporaryDirectory(prefix="msp-bench-", dir=args.tmp_dir) as tmp,
        contextlib.ExitStack() as stack,
    ):
        folder = Path(tmp) / "encrypted"
        plain_path = Path(tmp) / "plain.db"
        with _phase("load", phases):
            ws = Workspace.create(folder, PASSPHRASE, WORKER)
            try:
                load(_workspace_store(ws), caseload)
            finally:
                ws.close()
            plain = open_plain(plain_path, driver=args.plain_driver, create=True)
            try:
                load(plain, caseload)
            finally:
                plain.close()

        with _phase("unlock", phases):
            unlock = measure_unlock(folder, args.unlock_runs)

        # Both sides start from a freshly opened connection with an empty page cache.
        ws = Workspace.open(folder, PASSPHRASE)
        stack.callback(ws.close)
        encrypted = _workspace_store(ws)
        plain = open_plain(plain_path, driver=args.plain_driver)
        stack.callback(plain.close)
        stores = (encrypted, plain)
        first_query = caseload.queries[0]
        first_search_ms = {
            s.label: _ms(lambda s=s: s.people.search(first_query))[0] for s in stores
        }

        rng = random.Random(args.seed + 1)
        prepares = {
            "search": search_workload(caseload),
            "save": save_workload(caseload),
            "open_person": open_person_workload(caseload, rng),
        }
        with _phase("warm-up", phases):
            for prepare in prepares.values():
                interleaved(stores, WARMUP_ROUNDS, prepare)
        workloads: dict[str, Timings] = {}
        with _phase("measure", phases):
            for name, prepare in prepares.items():
                # Reads must agree between the stores; a save returns only its time stamp.
                check = None if name == "save" else _same_length
                workloads[name] = interleaved(stores, args.samples, prepare, check)
        hits = [len(encrypted.people.search(q)) for q in caseload.queries]
        machine = machine_info(encrypted, plain, args.plain_driver, folder)
        db_bytes = {s.label: _db_bytes(s.path) for s in stores}

    result = report(
        sizes={"people": args.people, "concerns": args.concerns, "visits": args.visits},
        samples=args.samples,
        workloads=workloads,
        unlock=unlock,
        first_search_ms=first_search_ms,
        machine=machine,
        timings_s=phases,
        db_bytes=db_bytes,
        mean_search_hits=statistics.mean(hits),
    )
    args.out.mkdir(parents=True, exist_ok=True)
    out_file = args.out / "store.json"
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _log(summary_text(result))
    _log(f"written {out_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
