"""Paths, the resource loader, the scrubbed log and atomic writes."""

from __future__ import annotations

import errno
import logging
import os
import stat
from pathlib import Path

import pytest

from msp_desktop import logs, paths, resources
from msp_desktop.atomic import write_atomic
from msp_desktop.errors import InvalidInput, StorageFull
from tests.platforms import assert_mode


def test_workspace_folder_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MSP_WORKSPACE", str(tmp_path / "from-env"))
    assert paths.workspace_folder(tmp_path / "explicit") == tmp_path / "explicit"
    assert paths.workspace_folder() == tmp_path / "from-env"
    monkeypatch.delenv("MSP_WORKSPACE")
    default = paths.workspace_folder()
    assert default == paths.default_workspace()
    assert "MSP Desktop" in str(default)


def test_resources_are_found_and_unknown_names_raise() -> None:
    icon = resources.resource("icons", "app.svg")
    assert icon.read_text(encoding="utf-8").lstrip().startswith("<svg")
    with pytest.raises(FileNotFoundError, match=r"icons/no-such\.svg"):
        resources.resource("icons", "no-such.svg")


def test_scrubbed_traceback_keeps_places_and_drops_messages() -> None:
    def fails_with_personal_data() -> None:
        try:
            raise KeyError("Ada Example, 1 Example Street")
        except KeyError as inner:
            raise ValueError("date of birth 1941-05-02 rejected") from inner

    with pytest.raises(ValueError, match="rejected") as caught:
        fails_with_personal_data()
    text = logs.scrubbed_traceback(caught.value)
    assert "fails_with_personal_data" in text
    assert "builtins.ValueError" in text
    assert "builtins.KeyError" in text
    assert "caused by:" in text
    assert "Ada" not in text
    assert "1941" not in text


def test_log_file_is_owner_only(tmp_path: Path) -> None:
    path = logs.configure_logging(tmp_path / "logs")
    assert path is not None
    logging.getLogger("msp.test").info("hello")
    assert_mode(path, 0o600)
    assert "hello" in path.read_text()


def test_atomic_write_replaces_whole_and_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "keys.json"
    target.write_bytes(b"old")
    write_atomic(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert_mode(target, 0o600)
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]


def test_atomic_write_on_a_full_disk_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk is the edge we cannot own: make every write fail as a full disk does.
    target = tmp_path / "keys.json"
    target.write_bytes(b"old")

    def disk_full(fd: int, data: bytes | memoryview) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(StorageFull, match="disk is full"):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]


@pytest.mark.posix_only(reason="named pipes are POSIX")
def test_atomic_write_never_replaces_a_device_or_pipe(tmp_path: Path) -> None:
    # As root, renaming over /dev/zero replaced the device with a file (issue 15): a
    # pipe stands for every node that is not an ordinary file.
    pipe = tmp_path / "out.pdf"
    os.mkfifo(pipe)
    with pytest.raises(InvalidInput, match="is a device or a pipe, not a file that can be"):
        write_atomic(pipe, b"%PDF")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]
    with pytest.raises(InvalidInput, match="is a folder, not a file that can be written"):
        write_atomic(tmp_path, b"%PDF")


def test_configuring_the_log_again_closes_the_old_file(tmp_path: Path) -> None:
    logs.configure_logging(tmp_path / "first")
    (first,) = logging.getLogger("msp").handlers
    assert isinstance(first, logging.FileHandler)
    logs.configure_logging(tmp_path / "second")
    assert first.stream is None or first.stream.closed
    (second,) = logging.getLogger("msp").handlers
    assert second is not first
