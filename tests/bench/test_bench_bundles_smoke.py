"""Keeps the bundles benchmark runnable: a quick run writes every figure it reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.bench import bench_bundles

# Puts load on the machine and times itself: on one worker, one at a time with the
# other tests of the "load" group, so no two of them share the machine (make test).
pytestmark = pytest.mark.xdist_group("load")


def _positive_number(value: object) -> bool:
    # bool is an int subclass; a True here would mean a figure was mixed up with a flag.
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results" / "nested"  # missing parents: the bench must create them

    assert bench_bundles.main(["--quick", "--out", str(out), "--tmp-dir", str(tmp_path)]) == 0

    result = json.loads((out / "bundles.json").read_text(encoding="utf-8"))
    for key in ("export_1000_s", "import_1000_s", "encrypt_ours_ms"):
        assert _positive_number(result[key]), key
    quick = bench_bundles.QUICK
    assert len(result["export_runs_s"]) == len(result["import_runs_s"]) == quick["runs"]
    assert len(result["encrypt_ours_runs_ms"]) == quick["rounds"]
    if shutil.which("age"):
        for key in ("encrypt_vs_age_ratio", "encrypt_age_cli_ms", "age_process_start_ms"):
            assert _positive_number(result[key]), key
        assert len(result["encrypt_age_cli_runs_ms"]) == quick["rounds"]
        assert isinstance(result["meets_targets"]["encrypt_vs_age_ratio"], bool)
    else:  # not measured, and the JSON says why
        assert result["encrypt_vs_age_ratio"] is None
        assert result["meets_targets"]["encrypt_vs_age_ratio"] is None
        assert "age" in result["notes"]
    assert result["targets"] == bench_bundles.TARGETS
    assert set(result["meets_targets"]) == set(bench_bundles.TARGETS)
    assert isinstance(result["meets_targets"]["export_1000_s"], bool)
    assert isinstance(result["meets_targets"]["import_1000_s"], bool)
    sizes = result["sizes"]
    # Five visits of one concern of one person, all in the first bundle.
    assert sizes["visits"] == quick["visits"]
    assert (sizes["people"], sizes["concerns"]) == (1, 1)
    # Every visit agrees at least one action, and each travels as a record of its own.
    assert sizes["actions"] >= quick["visits"]
    assert sizes["records"] == 1 + 1 + quick["visits"] + sizes["actions"]
    assert sizes["audit_entries"] > 0
    assert sizes["bundle_bytes"] > sizes["archive_bytes"] > 1000
    assert "scale" in result["notes"]
    assert {"platform", "cpu_count", "python", "sqlcipher_version", "pyrage"} <= set(
        result["machine"]
    )
    assert result["timestamp"]
    # The temporary workspaces and offices are cleaned up.
    assert not list(tmp_path.glob("msp-bench-bundles-*"))
