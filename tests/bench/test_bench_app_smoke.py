"""Keeps the app benchmark runnable: a tiny run must write every figure ``make bench`` reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_app
from tests.bench.bench_app_data import filter_queries
from tests.bench.bench_app_report import TARGETS, import_times
from tests.bench.bench_data import PREFERRED, build_caseload

# Puts load on the machine and times itself: on one worker, one at a time with the
# other tests of the "load" group, so no two of them share the machine (make test).
pytestmark = pytest.mark.xdist_group("load")

REQUIRED_NUMBERS = (
    "cold_start_s",
    "cold_start_first_s",
    "cold_start_painted_s",
    "python_startup_floor_s",
    "unlock_to_caseload_s",
    "filter_p50_ms",
    "filter_p95_ms",
    "filter_painted_p95_ms",
    "filter_debounced_p95_ms",
    "max_gui_stall_ms",
    "debounce_ms",
    "caseload_rows_shown",
    "step_switch_p95_ms",
    "condition_eval_p95_ms",
)


def _positive_number(value: object) -> bool:
    # bool is an int subclass; a True here would mean a figure was mixed up with a flag.
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


# The probe is the real app unlocking in its own process, at the shipped Argon2id cost.
@pytest.mark.usefixtures("real_kdf_cost")
def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results" / "nested"  # missing parents: the bench must create them

    assert bench_app.main(["--quick", "--out", str(out), "--tmp-dir", str(tmp_path)]) == 0

    result = json.loads((out / "app.json").read_text(encoding="utf-8"))
    for key in REQUIRED_NUMBERS:
        assert _positive_number(result[key]), key
    assert len(result["cold_start_runs_s"]) == bench_app.QUICK["cold_runs"]
    assert result["people"] == bench_app.QUICK["people"]
    # 300 people is more than the caseload's first page, which the summary says.
    assert result["caseload_rows_shown"] == result["search_limit"]
    assert str(bench_app.QUICK["people"]) in result["caseload_summary"]
    # The debounced figure waits for the typing delay; the raw one does not.
    assert result["filter_debounced_p50_ms"] >= result["debounce_ms"] * 0.9
    assert result["filter_p50_ms"] < result["filter_debounced_p50_ms"]
    assert result["targets"] == TARGETS
    assert set(result["meets_targets"]) == set(TARGETS)
    assert all(isinstance(v, bool) for v in result["meets_targets"].values())
    assert _positive_number(result["import_time"]["total_ms"])
    assert {"platform", "cpu_count", "python", "pyside6", "qt"} <= set(result["machine"])
    assert result["timestamp"]
    assert {"cold_start", "filter", "gui_stall"} <= set(result["notes"])
    # The temporary workspace is cleaned up; only pytest's own folders remain.
    assert not list(tmp_path.glob("msp-bench-app-*"))


def test_queries_are_typed_prefixes_of_people() -> None:
    people = build_caseload(40, 8, 8).people
    queries = filter_queries(people, 50, seed=1)
    assert len(queries) == 50
    # A preferred name is typed whether or not this person is recorded with it.
    names = [*(f"{p.name} {p.local_id}" for p in people), *PREFERRED.values()]
    words = " ".join(names).lower()
    assert all(q.split()[0].lower() in words for q in queries)


def test_import_times_sum_by_package() -> None:
    stderr = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:      1000 |       1000 |     pydantic.fields",
            "import time:      2000 |       3000 |   pydantic",
            "import time:       500 |       3500 | ui.session",
            "some other line",
        ]
    )
    result = import_times(stderr)
    assert result["total_ms"] == 3.5
    assert result["self_ms_by_package"] == {"pydantic": 3.0, "ui": 0.5}
    assert next(iter(result["slowest_cumulative_ms"])) == "ui.session"
