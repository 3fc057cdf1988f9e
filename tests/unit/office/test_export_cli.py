"""``msp-office export`` on the command line: the folder it writes, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msp_desktop.exit_codes import ExitCode
from msp_desktop.office.export.csv_export import COLUMNS
from tests.disk_faults import remount_read_only, small_tmpfs
from tests.office_helpers import FakeDevice
from tests.platforms import assert_mode
from tests.unit.office.conftest import Office
from tests.unit.office.export_records import rated, send


@pytest.fixture
def held(office: Office, device: FakeDevice) -> Office:
    """An office holding two people's records."""
    send(office, device, rated("Ada Example", 1))
    send(office, device, rated("Bea Example", 2))
    return office


def test_fhir_writes_one_owner_only_bundle_per_person_into_a_new_folder(
    held: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new" / "export"
    assert held.run("export", "--format", "fhir", "--out", str(out)) == 0
    files = sorted(out.iterdir())
    assert len(files) == 2
    for path in files:
        assert path.name.startswith("patient-")
        assert json.loads(path.read_bytes())["resourceType"] == "Bundle"
        assert_mode(path, 0o600)
    printed = capsys.readouterr().out
    assert f"Wrote 2 FHIR bundles to {out}: 2 people, one bundle each." in printed


def test_csv_writes_the_five_files_into_an_empty_folder(
    held: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert held.run("export", "--format", "csv", "--out", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(COLUMNS)
    assert "Wrote 5 CSV files" in capsys.readouterr().out


def test_since_is_said_in_the_summary(
    held: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert held.run("export", "--format", "fhir", "--since", "2030-01-01", "--out", str(out)) == 0
    assert list(out.iterdir()) == []
    assert "0 people with changes on or after 2030-01-01" in capsys.readouterr().out


def test_a_folder_holding_files_is_refused_and_nothing_is_written(
    held: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "used"
    out.mkdir()
    (out / "notes.txt").write_text("someone's file")
    code = held.run("export", "--format", "fhir", "--out", str(out))
    assert code == ExitCode.INVALID_INPUT
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    err = capsys.readouterr().err
    assert "already holds files" in err
    assert err.count("\n") == 1


def test_a_file_given_as_the_folder_is_refused(held: Office, tmp_path: Path) -> None:
    out = tmp_path / "file.json"
    out.write_text("{}")
    assert held.run("export", "--format", "csv", "--out", str(out)) == ExitCode.INVALID_INPUT
    assert out.read_text() == "{}"


@pytest.mark.posix_only(reason="mounts a real tmpfs read-only (a locked stick)")
def test_a_folder_that_cannot_be_written_is_refused(
    held: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A read-only volume: even root cannot write there (CI runs as root).
    with small_tmpfs(tmp_path / "stick", "1m") as stick:
        remount_read_only(stick)
        capsys.readouterr()
        code = held.run("export", "--format", "csv", "--out", str(stick / "out"))
        assert code == ExitCode.INVALID_INPUT
        assert f"The folder {stick} is on a read-only disk" in capsys.readouterr().err
        assert list(stick.iterdir()) == []


@pytest.mark.parametrize("since", ["2026-02-30", "tomorrow", "2026/11/01"])
def test_a_since_that_is_not_a_date_is_refused_before_anything_is_written(
    held: Office, tmp_path: Path, since: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = held.run("export", "--format", "fhir", "--since", since, "--out", str(out))
    assert code == ExitCode.INVALID_INPUT
    assert not out.exists()
    assert "write --since as YYYY-MM-DD" in capsys.readouterr().err
