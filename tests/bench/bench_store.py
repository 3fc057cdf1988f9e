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
import random
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from msp_desktop.store import Workspace
from tests.bench.bench_config import FULL, PASSPHRASE, QUICK, SEED, WARMUP_ROUNDS, WORKER
from tests.bench.bench_data import build_caseload
from tests.bench.bench_measure import (
    Timings,
    interleaved,
    measure_unlock,
    open_person_workload,
    same_length,
    save_workload,
    search_workload,
    time_ms,
)
from tests.bench.bench_output import log, phase, write_result
from tests.bench.bench_report import db_file_bytes, machine_info, report, summary_text
from tests.bench.bench_stores import load, open_plain, workspace_store

# -- the run ------------------------------------------------------------------------------


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
    log("store benchmark")
    with phase("generate", phases):
        caseload = build_caseload(args.people, args.concerns, args.visits, args.seed)
    with (
        tempfile.TemporaryDirectory(prefix="msp-bench-", dir=args.tmp_dir) as tmp,
        contextlib.ExitStack() as stack,
    ):
        folder = Path(tmp) / "encrypted"
        plain_path = Path(tmp) / "plain.db"
        with phase("load", phases):
            ws = Workspace.create(folder, PASSPHRASE, WORKER)
            try:
                load(workspace_store(ws), caseload)
            finally:
                ws.close()
            plain = open_plain(plain_path, driver=args.plain_driver, create=True)
            try:
                load(plain, caseload)
            finally:
                plain.close()

        with phase("unlock", phases):
            unlock = measure_unlock(folder, args.unlock_runs)

        # Both sides start from a freshly opened connection with an empty page cache.
        ws = Workspace.open(folder, PASSPHRASE)
        stack.callback(ws.close)
        encrypted = workspace_store(ws)
        plain = open_plain(plain_path, driver=args.plain_driver)
        stack.callback(plain.close)
        stores = (encrypted, plain)
        first_query = caseload.queries[0]
        first_search_ms = {
            s.label: time_ms(lambda s=s: s.people.search(first_query))[0] for s in stores
        }

        rng = random.Random(args.seed + 1)
        prepares = {
            "search": search_workload(caseload),
            "save": save_workload(caseload),
            "open_person": open_person_workload(caseload, rng),
        }
        with phase("warm-up", phases):
            for prepare in prepares.values():
                interleaved(stores, WARMUP_ROUNDS, prepare)
        workloads: dict[str, Timings] = {}
        with phase("measure", phases):
            for name, prepare in prepares.items():
                # Reads must agree between the stores; a save returns only its time stamp.
                check = None if name == "save" else same_length
                workloads[name] = interleaved(stores, args.samples, prepare, check)
        hits = [len(encrypted.people.search(q)) for q in caseload.queries]
        machine = machine_info(encrypted, plain, args.plain_driver, folder)
        db_bytes = {s.label: db_file_bytes(s.path) for s in stores}

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
    write_result(args.out, "store.json", result, summary_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
