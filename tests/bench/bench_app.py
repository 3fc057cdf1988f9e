"""The app benchmark behind ``make bench``: cold start, unlock and the caseload filter.

It builds an encrypted workspace of fictional people in a temporary folder, then
starts the real program (``ui.app.main`` through ``bench_app_probe``) as a separate
process again and again, with ``QT_QPA_PLATFORM=offscreen``:

* ``cold``: from just before the process starts to the unlock dialog shown;
* ``drive``: types the passphrase, presses Return, waits for the caseload, then times
  the caseload filter prefix after prefix while a GUI-thread timer watches for freezes.

Run it from the repository root::

    .venv/bin/python -m tests.bench.bench_app --out bench-results
    .venv/bin/python -m tests.bench.bench_app --quick --out /tmp/bench   # seconds

It writes ``<out>/app.json`` and prints a short summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.bench.bench_app_data import build_workspace, filter_queries
from tests.bench.bench_app_probe import MARK
from tests.bench.bench_app_report import (
    cold_figures,
    drive_figures,
    import_times,
    report,
    summary_text,
)
from tests.bench.bench_config import SEED
from tests.bench.bench_output import log, phase, write_result
from tests.bench.bench_visit import MARK as VISIT_MARK

ROOT = Path(__file__).resolve().parents[2]
PROBE = "tests.bench.bench_app_probe"
PROBE_TIMEOUT_S = 300

FULL = {
    "people": 10_000,
    "concerns": 3_000,
    "cold_runs": 7,
    "unlock_runs": 5,
    "filter_samples": 200,
    "debounced_samples": 40,
    "visit_samples": 200,
}
QUICK = {
    "people": 300,
    "concerns": 60,
    "cold_runs": 2,
    "unlock_runs": 1,
    "filter_samples": 20,
    "debounced_samples": 3,
    "visit_samples": 20,
}


class ProbeFailed(RuntimeError):
    """The app under the probe did not get as far as it should have."""


def probe_env(tmp: Path, qpa: str) -> dict[str, str]:
    """The app's environment: offscreen Qt, and settings and log kept out of the profile."""
    env = {k: v for k, v in os.environ.items() if k not in {"MSP_WORKSPACE", "MSP_PASSPHRASE"}}
    env.update(
        QT_QPA_PLATFORM=qpa,
        MSP_CONFIG_DIR=str(tmp / "config"),
        MSP_LOG_DIR=str(tmp / "logs"),
    )
    return env


def run_probe(
    args: Sequence[str], env: dict[str, str], flags: Sequence[str] = ()
) -> tuple[float, dict[str, Any], str]:
    """Run the probe; returns the start time, its record and its stderr."""
    command = [sys.executable, *flags, "-m", PROBE, *args]
    started = time.time()  # the probe's marks are time.time() too, in the child
    proc = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT_S,
        check=False,
    )
    records = [
        json.loads(line.removeprefix(MARK))
        for line in proc.stdout.splitlines()
        if line.startswith(MARK)
    ]
    if proc.returncode != 0 or not records or "error" in records[-1]:
        found = records[-1] if records else "no record"
        raise ProbeFailed(
            f"probe {args[0]} failed (exit {proc.returncode}): {found}\n{proc.stderr[-2000:]}"
        )
    return started, records[-1], proc.stderr


def run_visit_bench(env: dict[str, str], samples: int) -> dict[str, Any]:
    """``bench_visit``'s figures (step switching, conditions), from its own process."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_visit", "--samples", str(samples)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT_S,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith(VISIT_MARK):
            figures: dict[str, Any] = json.loads(line.removeprefix(VISIT_MARK))
            return figures
    raise ProbeFailed(f"the visit benchmark gave no figures: {done.stderr[-2000:]}")


def python_floor(env: dict[str, str], runs: int) -> float:
    """Median wall time of ``python -c pass``: the part of the cold start no app can save."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; ``--quick`` changes the defaults, explicit values still win."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_app", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    for name, value in FULL.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, help=f"default {value}")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where to build the workspace")
    parser.add_argument("--qpa", default="offscreen", help="QT_QPA_PLATFORM for the app")
    parser.add_argument("--quick", action="store_true", help="a tiny run for the smoke test")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if min(args.people, args.concerns, args.cold_runs, args.unlock_runs, args.filter_samples) < 1:
        parser.error("sizes, runs and samples must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Build the workspace, time the app, write ``<out>/app.json``."""
    args = parse_args(argv)
    phases: dict[str, float] = {}
    log("app benchmark")
    with tempfile.TemporaryDirectory(prefix="msp-bench-app-", dir=args.tmp_dir) as name:
        tmp = Path(name)
        folder = tmp / "workspace"
        with phase("build", phases):
            people = build_workspace(folder, args.people, args.concerns, args.seed)
        queries = tmp / "queries.json"
        queries.write_text(json.dumps(filter_queries(people, args.filter_samples, args.seed + 2)))
        env = probe_env(tmp, args.qpa)
        workspace = ["--workspace", str(folder)]

        with phase("cold start", phases):
            cold_runs = [run_probe(["cold", *workspace], env)[:2] for _ in range(args.cold_runs)]
            floor_s = python_floor(env, 1 if args.quick else 5)
            _, _, stderr = run_probe(["cold", *workspace], env, flags=("-X", "importtime"))
        with phase("unlock", phases):
            # The filter run below unlocks too; these are the other unlock samples.
            extra = range(args.unlock_runs - 1)
            unlocks = [run_probe(["drive", *workspace], env)[1] for _ in extra]
        with phase("filter", phases):
            _, full, _ = run_probe(
                [
                    "drive",
                    *workspace,
                    "--queries",
                    str(queries),
                    "--filter-samples",
                    str(args.filter_samples),
                    "--debounced-samples",
                    str(args.debounced_samples),
                ],
                env,
            )

        with phase("visit", phases):
            visit = run_visit_bench(env, args.visit_samples)

    result = report(
        sizes={
            "people": args.people,
            "concerns": args.concerns,
            "visits": args.concerns,
            "cold_runs": args.cold_runs,
            "unlock_runs": args.unlock_runs,
            "filter_samples": args.filter_samples,
            "debounced_samples": args.debounced_samples,
        },
        cold=cold_figures(cold_runs),
        drive=drive_figures(unlocks, full),
        python_floor_s=floor_s,
        imports=import_times(stderr),
        qt_version=full["qt_version"],
        qpa=args.qpa,
        phase_seconds=phases,
        visit=visit,
    )
    write_result(args.out, "app.json", result, summary_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
