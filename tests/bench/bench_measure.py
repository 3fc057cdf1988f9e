"""Timing: percentiles, interleaved samples on both stores, the workloads and the unlock."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence, Sized
from dataclasses import dataclass, field
from pathlib import Path

from msp_desktop.store import Workspace
from msp_desktop.store.connection import cipher_integrity_problems, open_encrypted
from msp_desktop.store.database import Database
from msp_desktop.store.keyslots import load_key_file
from msp_desktop.store.migrations import migrate
from tests.bench.bench_config import PASSPHRASE
from tests.bench.bench_data import Caseload
from tests.bench.bench_stores import Store


def time_ms(fn: Callable[[], object]) -> tuple[float, object]:
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
            elapsed, results[store.label] = time_ms(call)
            getattr(timings, store.label).append(elapsed)
        if check is not None:
            check(results["encrypted"], results["plain"])
    return timings


def same_length(a: object, b: object) -> None:
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
