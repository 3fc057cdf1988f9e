"""Keeps the store benchmark runnable: a tiny run must write every figure ``make bench`` reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_store
from tests.bench.bench_config import QUICK, TARGETS
from tests.bench.bench_data import build_caseload
from tests.bench.bench_stores import load, open_plain

# Puts load on the machine and times itself: on one worker, one at a time with the
# other tests of the "load" group, so no two of them share the machine (make test).
pytestmark = pytest.mark.xdist_group("load")

REQUIRED_NUMBERS = (
    "unlock_s",
    "search_p50_ms",
    "search_p95_ms",
    "save_p50_ms",
    "save_p95_ms",
    "open_person_p95_ms",
    "encrypted_vs_plain_ratio",
)

PLAIN_NUMBERS = ("search_p50_ms", "search_p95_ms", "save_p50_ms", "save_p95_ms")


def _positive_number(value: object) -> bool:
    # bool is an int subclass; a True here would mean a figure was mixed up with a flag.
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results" / "nested"  # missing parents: the bench must create them

    assert bench_store.main(["--quick", "--out", str(out), "--tmp-dir", str(tmp_path)]) == 0

    result = json.loads((out / "store.json").read_text(encoding="utf-8"))
    for key in REQUIRED_NUMBERS:
        assert _positive_number(result[key]), key
    for key in PLAIN_NUMBERS:
        assert _positive_number(result["plain"][key]), key
    assert result["targets"] == TARGETS
    assert set(result["meets_targets"]) == set(TARGETS)
    assert all(isinstance(v, bool) for v in result["meets_targets"].values())
    assert result["sizes"]["people"] == QUICK["people"]
    assert {"platform", "cpu_count", "python", "sqlcipher_version"} <= set(result["machine"])
    assert result["timestamp"]
    assert "encrypted_vs_plain_ratio" in result["notes"]
    # The temporary stores are cleaned up; only pytest's own folders remain.
    assert not list(tmp_path.glob("msp-bench-*"))


def test_both_stores_hold_the_same_caseload(tmp_path: Path) -> None:
    caseload = build_caseload(30, 6, 60)
    plain = open_plain(tmp_path / "plain.db", create=True)
    try:
        load(plain, caseload)
        assert plain.people.count() == 30
        assert plain.concerns.count() == 6
        assert plain.visits.count() == 60
        # Search-as-you-type over the fictional names finds people.
        assert plain.people.search("BENCH-0001")
        assert any(plain.people.search(q) for q in caseload.queries)
    finally:
        plain.close()
