"""What the app benchmark reports: the ``app.json`` document, import times and the summary."""

from __future__ import annotations

import os
import platform
import re
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from tests.bench.bench_measure import p50, p95

TARGETS: dict[str, float] = {
    "cold_start_s": 1.5,
    "filter_p95_ms": 50,
    "step_switch_p95_ms": 50,
    "condition_eval_p95_ms": 5,
}

_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")


def import_times(stderr: str, top: int = 12) -> dict[str, Any]:
    """Summarise ``python -X importtime`` output: totals, per package, slowest modules."""
    by_package: dict[str, float] = {}
    cumulative: list[tuple[float, str]] = []
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match is None:
            continue
        self_us, cumulative_us, _indent, name = match.groups()
        root = name.split(".")[0]
        by_package[root] = by_package.get(root, 0.0) + int(self_us) / 1000
        cumulative.append((int(cumulative_us) / 1000, name))
    ranked = sorted(by_package.items(), key=lambda item: -item[1])
    return {
        "total_ms": round(sum(by_package.values()), 1),
        "self_ms_by_package": {name: round(ms, 1) for name, ms in ranked[:top]},
        "slowest_cumulative_ms": {
            name: round(ms, 1) for ms, name in sorted(cumulative, reverse=True)[:top]
        },
    }


def _round(value: float, places: int = 3) -> float:
    return round(value, places)


def _median(values: Sequence[float]) -> float:
    return _round(statistics.median(values))


def _worst(records: Sequence[dict[str, Any]], key: str) -> dict[str, float]:
    """The worst value of each phase of ``key`` across the runs."""
    worst: dict[str, float] = {}
    for record in records:
        for phase, value in record[key].items():
            worst[phase] = max(worst.get(phase, 0), value)
    return worst


def cold_figures(runs: Sequence[tuple[float, dict[str, Any]]]) -> dict[str, Any]:
    """Cold start from (parent's start time, probe record) pairs, first run included."""
    shown = [r["marks"]["dialog_shown"] - t0 for t0, r in runs]
    painted = [r["marks"]["dialog_painted"] - t0 for t0, r in runs]
    steps = {
        "process_start_to_python_code": [r["marks"]["probe_started"] - t0 for t0, r in runs],
        "imports_and_qapplication": [
            r["marks"]["qapplication_seen"] - r["marks"]["probe_started"] for _, r in runs
        ],
        "qapplication_to_dialog_shown": [
            r["marks"]["dialog_shown"] - r["marks"]["qapplication_seen"] for _, r in runs
        ],
    }
    return {
        "cold_start_s": _median(shown),
        "cold_start_first_s": _round(shown[0]),
        "cold_start_runs_s": [_round(s) for s in shown],
        "cold_start_painted_s": _median(painted),
        "cold_start_breakdown_s": {name: _median(v) for name, v in steps.items()},
    }


def drive_figures(unlocks: Sequence[dict[str, Any]], full: dict[str, Any]) -> dict[str, Any]:
    """Unlock, filter and freeze figures from the probe records (``full`` ran the filter)."""
    runs = [*unlocks, full]
    unlock_s = [r["unlock_to_caseload_s"] for r in runs]
    stalls = _worst(runs, "stall_max_ms")
    filter_ms, debounced_ms = full["filter_ms"], full["debounced_ms"]
    painted_ms = full["filter_painted_ms"] or filter_ms
    return {
        "unlock_to_caseload_s": _median(unlock_s),
        "unlock_to_caseload_runs_s": [_round(s) for s in unlock_s],
        "unlock_to_caseload_painted_s": _median(
            [r.get("unlock_to_caseload_painted_s", r["unlock_to_caseload_s"]) for r in runs]
        ),
        "caseload_rows_shown": full["caseload_rows"],
        "caseload_summary": full["caseload_summary"],
        "search_limit": full["search_limit"],
        "filter_p50_ms": _round(p50(filter_ms)),
        "filter_p95_ms": _round(p95(filter_ms)),
        "filter_max_ms": _round(max(filter_ms)),
        "filter_painted_p50_ms": _round(p50(painted_ms)),
        "filter_painted_p95_ms": _round(p95(painted_ms)),
        "filter_mean_rows": round(statistics.mean(full["filter_rows"]), 1),
        "debounce_ms": full["search_delay_ms"],
        "filter_debounced_p50_ms": _round(p50(debounced_ms)) if debounced_ms else None,
        "filter_debounced_p95_ms": _round(p95(debounced_ms)) if debounced_ms else None,
        "max_gui_stall_ms": _round(max(stalls.values())),
        "gui_stall_ms_by_phase": stalls,
        "gui_freezes_over_100ms": _worst(runs, "freezes_over_100ms"),
    }


def machine_info(qt_version: str, qpa: str) -> dict[str, Any]:
    """Where the figures came from."""
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "pyside6": metadata.version("PySide6-Essentials"),
        "qt": qt_version,
        "qt_qpa_platform": qpa,
    }


NOTES = {
    "cold_start": (
        "time.time() in the bench just before starting `python -m "
        "tests.bench.bench_app_probe cold`, to time.time() in the app process at the first "
        "QEvent.Show of the UnlockDialog (cold_start_painted_s: its first Paint). The probe "
        "runs ui.app.main() exactly as the msp-desktop script does; its only addition is an "
        "audit hook that, once the QApplication exists, installs an application event "
        "filter until the first event reaches the UnlockDialog and then watches the dialog "
        "alone (about 5 ms of probe imports are inside the figure). cold_start_s is the "
        "median of all runs including the first; "
        "cold_start_first_s is the first run of this bench, which is the first to load Qt "
        "but is not a true cold disk cache (the page cache is not dropped)."
    ),
    "unlock_to_caseload": (
        "From the Return key on the typed passphrase to the caseload model's "
        "first modelReset with rows (Argon2id and SQLCipher open on the database thread, "
        "MainWindow built on the GUI thread, the first search). The caseload loads the "
        "first search_limit people by name, not all of them; caseload_summary is the "
        "status line the worker sees. Median of the runs."
    ),
    "filter": (
        "filter_*: from QLineEdit.setText(prefix) + CaseloadPage.refresh() (what the "
        "debounce timer calls) to CaseloadModel.modelReset, i.e. the round trip GUI -> "
        "database thread (people.search + people.count) -> model, without the typing "
        "delay; filter_painted_*: to the table's next paint. filter_debounced_*: the text "
        "typed key by key (one QKeyEvent per letter) and the debounce timer (debounce_ms) left "
        "to fire by itself, which is what the worker waits after the last key. Prefixes: "
        "surnames letter by letter, first name + surname start, preferred names, local "
        "ids with and without the BENCH- prefix. p95: statistics.quantiles inclusive."
    ),
    "gui_stall": (
        "A 10 ms PreciseTimer on the GUI thread records how late each tick is; the worst "
        "lateness per phase is the longest the event loop was blocked. Phases: unlock "
        "(Return to the caseload painted), settle (the 300 ms after), filter, debounced. "
        "max_gui_stall_ms is the worst over all phases and runs."
    ),
    "import_time": (
        "One extra cold run under python -X importtime (not counted in the cold start). "
        "self_ms_by_package sums each module's own import time by top-level package."
    ),
}


def report(
    *,
    sizes: dict[str, int],
    cold: dict[str, Any],
    drive: dict[str, Any],
    python_floor_s: float,
    imports: dict[str, Any],
    qt_version: str,
    qpa: str,
    phase_seconds: dict[str, float],
    visit: dict[str, Any],
) -> dict[str, Any]:
    """The JSON document written to ``app.json`` (``visit``: ``bench_visit``'s figures)."""
    result: dict[str, Any] = {
        **cold,
        "python_startup_floor_s": _round(python_floor_s),
        **drive,
        **visit,
        "import_time": imports,
        "targets": TARGETS,
        "people": sizes["people"],
        "sizes": sizes,
        "machine": machine_info(qt_version, qpa),
        "phase_seconds": {k: round(v, 1) for k, v in phase_seconds.items()},
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "notes": NOTES,
    }
    result["meets_targets"] = {
        name: bool(result[name] <= target) for name, target in TARGETS.items()
    }
    return result


def summary_text(r: dict[str, Any]) -> str:
    """A few lines for the terminal."""

    def mark(name: str) -> str:
        return "ok" if r["meets_targets"][name] else "MISSED"

    b = r["cold_start_breakdown_s"]
    return "\n".join(
        [
            f"app benchmark: {r['people']} people, {r['sizes']['cold_runs']} cold starts, "
            f"{r['sizes']['filter_samples']} filter samples",
            f"  cold start        {r['cold_start_s']:.3f} s median, first "
            f"{r['cold_start_first_s']:.3f} s (target {TARGETS['cold_start_s']} s: "
            f"{mark('cold_start_s')}); python alone {r['python_startup_floor_s']:.3f} s, "
            f"imports+QApplication {b['imports_and_qapplication']:.3f} s, "
            f"then dialog {b['qapplication_to_dialog_shown']:.3f} s",
            f"  unlock->caseload  {r['unlock_to_caseload_s']:.3f} s ({r['caseload_summary']})",
            f"  filter  p50/p95   {r['filter_p50_ms']:.2f} / {r['filter_p95_ms']:.2f} ms "
            f"(target p95 {TARGETS['filter_p95_ms']}: {mark('filter_p95_ms')}); with the "
            f"{r['debounce_ms']} ms debounce {r['filter_debounced_p50_ms']} / "
            f"{r['filter_debounced_p95_ms']} ms",
            f"  GUI stall max     {r['max_gui_stall_ms']:.1f} ms {r['gui_stall_ms_by_phase']}",
            f"  visit step switch p95 {r['step_switch_p95_ms']:.1f} ms "
            f"(target {TARGETS['step_switch_p95_ms']}: {mark('step_switch_p95_ms')}); "
            f"conditions p95 {r['condition_eval_p95_ms']:.3f} ms "
            f"(target {TARGETS['condition_eval_p95_ms']}: {mark('condition_eval_p95_ms')})",
        ]
    )
