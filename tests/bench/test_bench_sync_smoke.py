"""Keeps the sync benchmark runnable: a quick run writes every figure it reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import bench_sync

# Puts load on the machine and times itself: on one worker, one at a time with the
# other tests of the "load" group, so no two of them share the machine (make test).
pytestmark = pytest.mark.xdist_group("load")


def _positive_number(value: object) -> bool:
    # bool is an int subclass; a True here would mean a figure was mixed up with a flag.
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


@pytest.mark.posix_only(
    "stops msp-office serve with SIGTERM, as a service manager does, and expects a clean exit; "
    "Windows has no SIGTERM (TerminateProcess exits 1), and the office serves from Linux"
)
def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results" / "nested"  # missing parents: the bench must create them

    assert bench_sync.main(["--quick", "--out", str(out), "--tmp-dir", str(tmp_path)]) == 0

    result = json.loads((out / "sync.json").read_text(encoding="utf-8"))
    for key in ("uploads_per_s", "p95_upload_ms", "p50_upload_ms", "max_upload_ms", "total_s"):
        assert _positive_number(result[key]), key
    assert result["p50_upload_ms"] <= result["p95_upload_ms"] <= result["max_upload_ms"]
    assert isinstance(result["retries"], int)
    assert result["retries"] >= 0
    assert 0 <= result["uploads_retried"] <= result["retries"]
    quick = bench_sync.QUICK
    sizes = result["sizes"]
    assert (sizes["devices"], sizes["bundles_per_device"]) == (quick["devices"], quick["bundles"])
    assert sizes["bundles"] == quick["devices"] * quick["bundles"]
    assert sizes["bundle_bytes_max"] >= sizes["bundle_bytes_p50"] > 1000
    assert result["server"]["max-pending"] == quick["devices"]
    assert {"method", "same_machine", "retries", "correctness"} <= set(result["notes"])
    assert "same" in result["notes"]["same_machine"]
    assert {"platform", "cpu_count", "python", "httpx"} <= set(result["machine"])
    assert result["timestamp"]
    # The temporary office is cleaned up.
    assert not list(tmp_path.glob("msp-bench-sync-*"))
