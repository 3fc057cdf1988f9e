"""Keeps the documents benchmark runnable: a quick run writes every figure it reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_documents

# Puts load on the machine and times itself: on one worker, one at a time with the
# other tests of the "load" group, so no two of them share the machine (make test).
pytestmark = pytest.mark.xdist_group("load")

STYLES = {"plain", "large-print", "easy-read"}


def _positive_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results" / "nested"  # missing parents: the bench must create them

    assert bench_documents.main(["--quick", "--out", str(out), "--tmp-dir", str(tmp_path)]) == 0

    result = json.loads((out / "documents.json").read_text(encoding="utf-8"))
    for key in ("summary_p50_ms", "summary_p95_ms", "office_record_50_visits_s"):
        assert _positive_number(result[key]), key
    assert set(result["summary_p50_ms_by_style"]) == STYLES
    assert all(_positive_number(v) for v in result["summary_p50_ms_by_style"].values())
    assert result["slowest_style"] in STYLES
    assert result["slowest_style_p50_ms"] == max(result["summary_p50_ms_by_style"].values())
    each = result["summary_p50_ms_by_style_and_language"]
    assert set(each) == {f"{s}/{lang}" for s in STYLES for lang in ("en", "cy")}
    assert result["slowest_style_and_language_p50_ms"] == max(each.values())
    assert result["meets_targets"]["summary_p50_ms"] == (
        max(each.values()) <= bench_documents.TARGETS["summary_p50_ms"]
    )
    assert result["targets"] == bench_documents.TARGETS
    assert set(result["meets_targets"]) == set(bench_documents.TARGETS)
    assert all(isinstance(v, bool) for v in result["meets_targets"].values())
    assert result["sizes"]["visits"] == 50
    # Every fifth visit was amended once: 50 visits hold 60 revisions.
    assert result["sizes"]["revisions"] == 60
    assert result["sizes"]["summary_samples_per_style"] == bench_documents.QUICK["summary_samples"]
    assert all(n > 1000 for n in result["sizes"]["summary_bytes"].values())
    assert result["timestamp"]
    # The temporary workspace is cleaned up.
    assert not list(tmp_path.glob("msp-bench-docs-*"))
