"""Temporaries a killed run left behind are removed by the next write there, and
nothing else ever is (issue 15, item 9)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from msp_desktop.atomic import write_atomic
from msp_desktop.temp_files import STALE_AFTER_SECONDS, remove_stale, temporary_name


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_temporary_name_is_hidden_beside_its_target_with_this_process_id(
    tmp_path: Path,
) -> None:
    name = temporary_name(tmp_path / "b1")
    assert name.parent == tmp_path
    assert name.name.startswith(f".b1.{os.getpid()}-")
    assert name.name.endswith(".tmp")


def test_a_leftover_of_a_dead_process_goes_at_once(tmp_path: Path) -> None:
    left = tmp_path / f".backup-2026.{_dead_pid()}-0123456789ab.tmp"
    left.write_bytes(b"half a backup")
    assert remove_stale(tmp_path) == [left]
    assert not left.exists()


def test_a_leftover_untouched_for_over_an_hour_goes_even_without_a_process_id(
    tmp_path: Path,
) -> None:
    old = tmp_path / ".workspace.keys.json.0123456789ab.tmp"  # the earlier naming
    old.write_bytes(b"{")
    _age(old, STALE_AFTER_SECONDS + 60)
    assert remove_stale(tmp_path) == [old]


def test_a_live_write_and_everything_not_ours_stay(tmp_path: Path) -> None:
    live = temporary_name(tmp_path / "bundle-3.mspbundle")  # this process: alive
    live.write_bytes(b"being written")
    recent = tmp_path / ".receipt.json.0123456789ab.tmp"  # no pid, changed just now
    recent.write_bytes(b"{")
    theirs = [tmp_path / n for n in ("notes.tmp", ".notes.tmp", ".a.12-short.tmp", "b1")]
    for path in theirs:
        path.write_bytes(b"a person's file")
        _age(path, STALE_AFTER_SECONDS * 10)
    folder = tmp_path / ".x.1-0123456789ab.tmp"
    folder.mkdir()  # a folder by that name is not a file we wrote
    _age(folder, STALE_AFTER_SECONDS * 10)
    assert remove_stale(tmp_path) == []
    assert all(p.exists() for p in (live, recent, *theirs, folder))


def test_a_folder_that_cannot_be_listed_is_left_alone(tmp_path: Path) -> None:
    assert remove_stale(tmp_path / "not-there") == []


def test_writing_a_file_clears_what_a_killed_write_of_it_left(tmp_path: Path) -> None:
    left = tmp_path / f".office-keys.json.{_dead_pid()}-00000000abcd.tmp"
    left.write_bytes(b"half")
    write_atomic(tmp_path / "office-keys.json", b"whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office-keys.json"]
