"""Keeps the office-to-device benchmark runnable: a quick run writes every figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msp_desktop.office.caseload_csv import read_caseload
from tests.bench import bench_packs

pytestmark = pytest.mark.xdist_group("load")


def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results"

    assert bench_packs.main(["--quick", "--out", str(out), "--tmp-dir", str(tmp_path)]) == 0

    result = json.loads((out / "packs.json").read_text(encoding="utf-8"))
    for key in ("caseload_import_10000_rows_s", "caseload_import_s", "caseload_rows_per_s",
                "pack_apply_500_people_s", "pack_apply_s", "fhir_export_1000_visits_s",
                "fhir_export_s"):  # fmt: skip
        assert isinstance(result[key], float)
        assert result[key] > 0, key
    assert result["sizes"]["rows"] == bench_packs.QUICK["rows"]
    assert result["quick"] is True


def test_the_benchmark_export_reads_without_a_problem() -> None:
    from datetime import date

    read = read_caseload(bench_packs.caseload_csv(500, ["a", "b"]), today=date(2026, 12, 6))
    assert read.problems == []
    assert len(read.rows) == 500
    assert len({row.person["nhs_number"] for row in read.rows}) == 500
