"""Issue 15, item 1: one owner of a workspace at a time.

A real ``msp`` and a real child holding the workspace open (as the desktop app or as a
command does) on a real SQLCipher workspace: ``restore`` and ``passwd`` refuse with
exit 7 and name the holder, change nothing, and the holder's saves keep landing in the
live workspace; files replaced under an open workspace stop its saves.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.exit_codes import ExitCode
from tests.conftest import snapshot
from tests.e2e.conftest import MspRunner

DB_NAME, KEYS_NAME = "workspace.db", "workspace.keys.json"


class Holder:
    """A child process with the workspace open; ``add`` asks it to save a person."""

    def __init__(self, folder: Path, kind: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.hold_child", str(folder), kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line:
            assert self.process.stderr is not None
            raise AssertionError(f"the child stopped: {self.process.stderr.read()}")
        return line

    def add(self, name: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(f"add {name}\n")
        self.process.stdin.flush()
        return self._line()

    def quit(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=60)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def folder(msp: MspRunner, msp_env: dict[str, str], tmp_path: Path) -> Path:
    """A real workspace (made by ``msp init``) with one person, and a backup of it."""
    assert msp("init", "--worker", "Test Worker").returncode == 0
    assert msp("people", "add", "--name", "Ann Before").returncode == 0
    assert msp("backup", "--to", str(tmp_path / "backup.db")).returncode == 0
    return Path(msp_env["MSP_WORKSPACE"])


@pytest.fixture
def holders(msp_env: dict[str, str]) -> Iterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for holder in started:
        holder.quit()


def _names(msp: MspRunner) -> str:
    listed = msp("people", "list")
    assert listed.returncode == 0, listed.stderr
    return listed.stdout


def test_restore_while_the_app_is_unlocked_is_refused_and_no_save_is_lost(
    msp: MspRunner, msp_env: dict[str, str], folder: Path, holders: list[Holder], tmp_path: Path
) -> None:
    app = Holder(folder, "app", msp_env)
    holders.append(app)
    assert app.add("Bob Saved Before").startswith("saved ")
    before = snapshot(folder)

    restored = msp("restore", "--from", str(tmp_path / "backup.db"))

    assert restored.returncode == ExitCode.BUSY, restored.stderr
    assert restored.stderr.strip() == (
        f"msp: Cannot restore a backup: the desktop app has the workspace in {folder} open; "
        "close MSP Desktop (or lock it) and try again. Nothing was changed."
    )
    assert snapshot(folder) == before
    assert not list(folder.glob("replaced-*"))
    assert app.add("Cara Saved After").startswith("saved ")
    app.quit()
    names = _names(msp)
    assert "Bob Saved Before" in names
    assert "Cara Saved After" in names


@pytest.mark.parametrize("command", [["passwd"], ["restore", "--from", "BACKUP"]])
def test_passwd_and_restore_refuse_while_a_command_has_it_open(
    msp: MspRunner,
    msp_env: dict[str, str],
    folder: Path,
    holders: list[Holder],
    tmp_path: Path,
    command: list[str],
) -> None:
    holders.append(Holder(folder, "command", msp_env))
    before = snapshot(folder)
    args = [str(tmp_path / "backup.db") if a == "BACKUP" else a for a in command]

    refused = msp(*args, MSP_NEW_PASSPHRASE="a brand new passphrase for it")

    assert refused.returncode == ExitCode.BUSY, refused.stderr
    assert "an msp command has the workspace in" in refused.stderr
    assert "wait for that command to finish and try again. Nothing was changed." in refused.stderr
    assert snapshot(folder) == before


@pytest.mark.posix_only(
    "Windows refuses to move a file another program has open (a sharing violation), "
    "so a workspace's files cannot be replaced under the app there"
)
def test_the_app_stops_saving_when_its_files_are_replaced_under_it(
    msp: MspRunner, msp_env: dict[str, str], folder: Path, holders: list[Holder], tmp_path: Path
) -> None:
    app = Holder(folder, "app", msp_env)
    holders.append(app)
    # What a restore by a program that ignores the lock (or a file manager) does: the
    # open files are moved aside and the backup put in their place.
    aside = folder / "moved-aside"
    aside.mkdir()
    for name in (f"{DB_NAME}-wal", f"{DB_NAME}-shm", DB_NAME, KEYS_NAME):
        if (folder / name).exists():
            os.replace(folder / name, aside / name)
    (folder / DB_NAME).write_bytes((tmp_path / "backup.db").read_bytes())
    (folder / KEYS_NAME).write_bytes((tmp_path / "backup.db.keys.json").read_bytes())
    moved = snapshot(aside)

    answer = app.add("Dan Typed Later")

    assert answer == (
        f"refused The workspace files in {folder} were replaced by another program (for "
        "example a restore) while they were open here, so nothing more is saved. Copy any "
        "unsaved text, then close MSP Desktop and unlock again."
    )
    app.quit()
    assert snapshot(aside) == moved  # nothing was written where no one would look
    assert "Dan Typed Later" not in _names(msp)
