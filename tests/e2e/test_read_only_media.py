"""Issue 15, item 4: read-only media are read, not called damaged.

A backup is verified on a private copy beside the workspace, so the backup itself is
only read: its folder stays byte-identical (no ``-wal``/``-shm``, no header change) and
a good backup on a read-only stick restores. A workspace on a read-only disk opens to
read, says so, and refuses changes with one sentence (exit 10), changing nothing.

Read-only is made real with a tmpfs remounted ``ro`` (root ignores permission bits, so
``chmod`` would prove nothing in CI); where this machine may not mount, those tests skip
with the reason and the byte-identical test still runs everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.exit_codes import ExitCode
from tests.conftest import snapshot
from tests.disk_faults import remount_read_only, small_tmpfs
from tests.e2e.conftest import MspRunner


@pytest.fixture
def with_backup(msp: MspRunner, msp_env: dict[str, str], tmp_path: Path) -> Path:
    """A workspace with Ann, backed up to ``stick/backup.db``, then Bob added."""
    (tmp_path / "stick").mkdir()
    assert msp("init", "--worker", "Test Worker").returncode == 0
    assert msp("people", "add", "--name", "Ann In Backup").returncode == 0
    made = msp("backup", "--to", str(tmp_path / "stick" / "backup.db"))
    assert made.returncode == 0, made.stderr
    assert msp("people", "add", "--name", "Bob Not In Backup").returncode == 0
    return tmp_path / "stick" / "backup.db"


def test_restoring_only_reads_the_backup(msp: MspRunner, with_backup: Path) -> None:
    stick = with_backup.parent
    before = snapshot(stick)

    restored = msp("restore", "--from", str(with_backup))

    assert restored.returncode == 0, restored.stderr
    assert snapshot(stick) == before  # not one byte written, no -wal or -shm made
    assert "Bob Not In Backup" not in msp("people", "list").stdout


@pytest.fixture
def stick(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "usb-stick", "4m") as mount_point:
        yield mount_point


def test_a_good_backup_on_a_read_only_stick_restores(
    msp: MspRunner, with_backup: Path, stick: Path
) -> None:
    for name in (with_backup.name, f"{with_backup.name}.keys.json"):
        (stick / name).write_bytes((with_backup.parent / name).read_bytes())
    remount_read_only(stick)

    restored = msp("restore", "--from", str(stick / with_backup.name))

    assert restored.returncode == 0, restored.stderr
    names = msp("people", "list").stdout
    assert "Ann In Backup" in names
    assert "Bob Not In Backup" not in names


def test_a_workspace_on_a_read_only_disk_opens_to_read_and_refuses_changes(
    msp: MspRunner, msp_env: dict[str, str], stick: Path, with_backup: Path
) -> None:
    folder = stick / "workspace"
    env = {**msp_env, "MSP_WORKSPACE": str(folder)}
    assert msp("init", "--worker", "Test Worker", env=env).returncode == 0
    assert msp("people", "add", "--name", "Ann On The Stick", env=env).returncode == 0
    remount_read_only(stick)
    before = snapshot(folder)
    note = (
        f"msp: the workspace in {folder} is on read-only media: it is open to read only, "
        "and nothing can be changed."
    )

    listed = msp("people", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Ann On The Stick" in listed.stdout
    assert listed.stderr.strip() == note
    checked = msp("check", env=env)
    assert checked.returncode == 0, checked.stderr

    added = msp("people", "add", "--name", "Bob", env=env)
    assert added.returncode == ExitCode.STORAGE_FULL, added.stderr
    assert added.stderr.strip().splitlines()[-1] == (
        f"msp: The workspace in {folder} is on read-only media, so it is open to read only "
        "and nothing can be changed. Copy the folder to a writable disk to work in it."
    )
    for args in (("restore", "--from", str(with_backup)), ("passwd",), ("rekey",)):
        refused = msp(*args, env=env, MSP_NEW_PASSPHRASE="a brand new passphrase for it")
        assert refused.returncode == ExitCode.STORAGE_FULL, refused.stderr
        assert "is on read-only media. Nothing was changed" in refused.stderr
    assert snapshot(folder) == before
