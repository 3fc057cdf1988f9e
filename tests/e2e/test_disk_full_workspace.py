"""Issue 15, item 2: a full disk is a full disk, never "damaged".

Two real disks that refuse writes, under the real ``msp``: a file-size limit on the
process (``RLIMIT_FSIZE``: the kernel refuses every write past 4 KB, as a disk with
4 KB free would; any POSIX system, no privileges) and, where the test may mount one, a
real 2 MB tmpfs filled to its last bytes. Every command says the disk is full or
refused (exit 10), never "damaged", never advises a restore, and changes nothing;
once there is room again the workspace is whole.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.exit_codes import ExitCode
from tests.disk_faults import small_tmpfs
from tests.e2e.conftest import MspRunner, run_msp

pytestmark = pytest.mark.posix_only("resource limits and tmpfs mounts are POSIX")

DATA_FILES = ("workspace.db", "workspace.keys.json")


def _limited(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _run_limited(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_msp(env, *args, preexec_fn=lambda: _limited(4096))  # in the child only


def _data(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in DATA_FILES}


def _never_called_damage(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == ExitCode.STORAGE_FULL, result.stderr
    assert "damaged" not in result.stderr
    assert "restore" not in result.stderr.replace("restore the backup", "")
    assert "Nothing has been changed or deleted" in result.stderr


def test_with_4_kb_left_every_command_says_the_disk_and_changes_nothing(
    msp: MspRunner, msp_env: dict[str, str], tmp_path: Path
) -> None:
    assert msp("init", "--worker", "Test Worker").returncode == 0
    assert msp("people", "add", "--name", "Ann Kept").returncode == 0
    assert msp("backup", "--to", str(tmp_path / "backup.db")).returncode == 0
    assert msp("people", "add", "--name", "Bob After Backup").returncode == 0
    folder = Path(msp_env["MSP_WORKSPACE"])
    before = _data(folder)

    for args in (
        ("check",),
        ("people", "list"),
        ("people", "add", "--name", "Cara"),
        ("restore", "--from", str(tmp_path / "backup.db")),
    ):
        result = _run_limited(msp_env, *args)
        _never_called_damage(result)
        assert "refused to read or write" in result.stderr or "is full" in result.stderr
        assert _data(folder) == before, args
    assert not list(folder.glob("replaced-*"))
    assert not (folder / ".restoring").exists()

    checked = msp("check")
    assert checked.returncode == 0, checked.stderr
    names = msp("people", "list").stdout
    assert "Ann Kept" in names
    assert "Bob After Backup" in names


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB tmpfs, where this test may mount one (root on Linux)."""
    with small_tmpfs(tmp_path / "small-disk") as mount_point:
        yield mount_point


def _fill(disk: Path) -> Path:
    """Fill ``disk`` to its last few bytes with one file, returned to free it later."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        while True:  # tmpfs hands out whole pages: leave none
            extra = os.open(disk / f"filler-{os.urandom(4).hex()}", os.O_WRONLY | os.O_CREAT)
            try:
                os.write(extra, b"\0")
            finally:
                os.close(extra)
    assert shutil.disk_usage(disk).free <= 4096
    return filler


def test_a_really_full_disk_says_how_much_space_is_needed(
    msp: MspRunner, msp_env: dict[str, str], small_disk: Path
) -> None:
    folder = small_disk / "workspace"
    env = {**msp_env, "MSP_WORKSPACE": str(folder)}
    assert msp("init", "--worker", "Test Worker", env=env).returncode == 0
    assert msp("people", "add", "--name", "Ann Kept", env=env).returncode == 0
    before = _data(folder)
    _fill(small_disk)

    for args in (("check",), ("people", "add", "--name", "Cara")):
        result = msp(*args, env=env)
        _never_called_damage(result)
        assert f"the disk holding {folder} is full (" in result.stderr
        assert "is needed" in result.stderr
        assert _data(folder) == before

    for leftover in small_disk.glob("filler*"):
        leftover.unlink()
    assert msp("check", env=env).returncode == 0
    assert "Ann Kept" in msp("people", "list", env=env).stdout
