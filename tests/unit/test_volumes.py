"""Whether a folder's volume is read-only, asked of the system (issue 15, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.volumes import on_read_only_volume
from tests.disk_faults import remount_read_only, small_tmpfs


def test_an_ordinary_folder_is_on_a_writable_volume(tmp_path: Path) -> None:
    # On Windows this asks GetVolumeInformationW of the real volume (under Wine too).
    assert on_read_only_volume(tmp_path) is False


def test_a_folder_the_system_cannot_find_is_not_called_read_only(tmp_path: Path) -> None:
    assert on_read_only_volume(tmp_path / "not" / "there") is False


@pytest.mark.posix_only(reason="mounts a real tmpfs read-only (a locked stick)")
def test_a_volume_mounted_read_only_is_seen_even_by_root(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "stick", "1m") as stick:
        (stick / "workspace").mkdir()
        assert on_read_only_volume(stick / "workspace") is False
        remount_read_only(stick)
        assert on_read_only_volume(stick / "workspace") is True
