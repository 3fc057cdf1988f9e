"""What the benchmark reports: the ``store.json`` document, the machine and the summary."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cryptography

from tests.bench.bench_config import TARGETS
from tests.bench.bench_measure import Timings, p50, p95
from tests.bench.bench_stores import Store


def _filesystem(path: Path) -> str:
    """The filesystem type the databases live on (fsync cost depends on it)."""
    best, kind = "", "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    return kind


def fsync_ms(folder: Path, rounds: int = 20) -> float:
    """Median cost of a 4 KiB write plus fsync where the stores live.

    A draft save is one WAL append and one fsync, so this is the floor under the
    save figures; virtual disks with a host write cache make it far cheaper than a
    laptop SSD, which is worth knowing before comparing machines.
    """
    path = folder / "fsync-probe"
    times: list[float] = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for _ in range(rounds):
            start = time.perf_counter()
            os.lseek(fd, 0, os.SEEK_SET)  # os.pwrite is POSIX only
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    return statistics.median(times)


def db_file_bytes(path: Path) -> int:
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


def _headline(by_workload: dict[str, dict[str, float]]) -> dict[str, float]:
    """The p50 and p95 (ms) of search, save and open_person, rounded, as the JSON names them."""
    return {
        f"{name}_{q}_ms": _round(by_workload[name][q])
        for name in ("search", "save", "open_person")
        for q in ("p50", "p95")
    }


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
        **_headline(enc),
        "encrypted_vs_plain_ratio": _round(ratio),
        "ratios": {f"{name}_p50": _round(r) for name, r in ratios.items()},
        "plain": _headline(pln),
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
            "plain), all in ms. A ratio of sums weights each workload by its time, so the "
            "slowest one dominates (search on a machine with a cheap fsync, the save on "
            "one with a slow fsync). 'ratios' gives each workload's own encrypted p50 / "
            "plain p50."
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
        "fsync_4k_p50_ms": round(fsync_ms(folder.parent), 3),
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
