"""Owner-only files and folders, and the checks that a secret file is private.

POSIX uses mode bits; Windows a protected DACL for the current user alone, read back
here through advapi32. The privacy checks (passphrase file, office keys) refuse a file
others may read on both, each with the way to fix it on that platform.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

import pytest

from msp_desktop.cli.passphrase import current_passphrase
from msp_desktop.errors import InvalidInput
from msp_desktop.office.errors import OfficeDamaged
from msp_desktop.office.keys import OfficeLayout, load_config
from msp_desktop.owner_only import (
    create_private_file,
    how_to_make_private,
    make_private,
    make_private_folder,
    readable_by_others,
)
from tests.conftest import PASSPHRASE

posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX mode bits; Windows ignores them (DACL tests below)"
)


def _windows_dacls_kept() -> bool:
    if sys.platform != "win32":
        return False
    from msp_desktop import windows_acl

    return windows_acl.dacls_are_kept()


windows_only = pytest.mark.skipif(
    not _windows_dacls_kept(),
    reason="needs Windows keeping file DACLs (not POSIX; not upstream Wine 8, which "
    "accepts a DACL and forgets it)",
)


def _share_with_others(path: Path) -> None:
    """Let others read ``path`` with the platform's own means."""
    if sys.platform != "win32":
        os.chmod(path, 0o644)
        return
    # Windows: add an allow-ACE for Everyone (S-1-1-0) to a copy of the current DACL.
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    void_p = ctypes.c_void_p
    advapi32.GetNamedSecurityInfoW.argtypes = [ctypes.c_wchar_p, *[ctypes.c_uint32] * 2,
                                               *[void_p] * 5]  # fmt: skip
    advapi32.SetEntriesInAclW.argtypes = [ctypes.c_uint32, void_p, void_p, void_p]
    advapi32.SetNamedSecurityInfoW.argtypes = [ctypes.c_wchar_p, *[ctypes.c_uint32] * 2,
                                               *[void_p] * 4]  # fmt: skip
    advapi32.BuildExplicitAccessWithNameW.argtypes = [void_p, ctypes.c_wchar_p,
                                                      *[ctypes.c_uint32] * 3]  # fmt: skip
    kernel32.LocalFree.argtypes = [void_p]
    old, descriptor, new = void_p(), void_p(), void_p()
    assert not advapi32.GetNamedSecurityInfoW(
        str(path), 1, 4, None, None, ctypes.byref(old), None, ctypes.byref(descriptor)
    )
    access = ctypes.create_string_buffer(64)  # EXPLICIT_ACCESS_W (48 bytes on 64-bit)
    generic_read, grant_access, no_inheritance = 0x80000000, 1, 0
    advapi32.BuildExplicitAccessWithNameW(
        access, "Everyone", generic_read, grant_access, no_inheritance
    )
    assert not advapi32.SetEntriesInAclW(1, access, old, ctypes.byref(new))
    assert not advapi32.SetNamedSecurityInfoW(str(path), 1, 4, None, None, new, None)
    kernel32.LocalFree(new)
    kernel32.LocalFree(descriptor)


@posix_only
def test_posix_files_and_folders_are_made_owner_only(tmp_path: Path) -> None:
    made = tmp_path / "made"
    create_private_file(made)
    assert made.stat().st_mode & 0o777 == 0o600
    folder = tmp_path / "a" / "b"
    make_private_folder(folder)
    assert folder.stat().st_mode & 0o777 == 0o700
    shared = tmp_path / "shared"
    shared.write_text("x")
    shared.chmod(0o644)
    assert readable_by_others(shared)
    make_private(shared)
    assert shared.stat().st_mode & 0o777 == 0o600
    assert not readable_by_others(shared)
    assert how_to_make_private(shared) == f"chmod 600 {shared}"


@windows_only
def test_windows_private_file_has_one_ace_for_the_current_user(tmp_path: Path) -> None:
    from msp_desktop import windows_acl

    me = windows_acl.current_user_sid()
    made = tmp_path / "made"
    create_private_file(made)
    assert windows_acl.allowed_sids(made) == [me]
    assert not readable_by_others(made)
    folder = tmp_path / "private"
    make_private_folder(folder)
    assert windows_acl.allowed_sids(folder) == [me]
    inside = folder / "inside.txt"
    inside.write_bytes(b"x")  # made by anyone's code: inherits the folder's one ACE
    assert windows_acl.allowed_sids(inside) == [me]


@pytest.mark.skipif(sys.platform != "win32", reason="reads a Windows DACL through advapi32")
def test_windows_dacl_is_read_and_judged(tmp_path: Path) -> None:
    # Runs under Wine too: its DACL of a plain file (SYSTEM, the user, Everyone, made up
    # from the Unix mode bits) is walked like a real one, and Everyone is not accepted.
    from msp_desktop import windows_acl

    me = windows_acl.current_user_sid()
    assert me.startswith("S-1-5-21-")
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"x")
    sids = windows_acl.allowed_sids(plain)
    assert sids is not None
    assert me in sids
    assert windows_acl.only_trusted(sids) == ("S-1-1-0" not in sids)
    assert windows_acl.only_trusted([me, "S-1-5-18", "S-1-5-32-544"])
    assert not windows_acl.only_trusted([me, "S-1-1-0"])
    assert not windows_acl.only_trusted([me, "S-1-5-32-545"])  # Users
    assert not windows_acl.only_trusted([me, "?"])  # an allow-ACE of an unread kind
    assert not windows_acl.only_trusted(None)  # no DACL: everyone may


@windows_only
def test_windows_file_with_an_everyone_ace_is_not_private(tmp_path: Path) -> None:
    made = tmp_path / "made"
    create_private_file(made)
    _share_with_others(made)
    assert readable_by_others(made)
    assert "Security" in how_to_make_private(made)
    make_private(made)
    assert not readable_by_others(made)


@pytest.mark.skipif(
    sys.platform == "win32" and not _windows_dacls_kept(),
    reason="Wine 8 keeps no DACLs: every file looks shared, so there is no check to test",
)
def test_a_shared_passphrase_file_is_refused_and_a_private_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "pass.txt"
    create_private_file(secret)
    secret.write_bytes(PASSPHRASE.encode() + b"\r\n")
    assert current_passphrase(secret) == PASSPHRASE
    _share_with_others(secret)
    with pytest.raises(InvalidInput, match="can be read by other users") as refused:
        current_passphrase(secret)
    assert how_to_make_private(secret) in str(refused.value)


@pytest.mark.skipif(
    sys.platform == "win32" and not _windows_dacls_kept(),
    reason="Wine 8 keeps no DACLs: every file looks shared, so there is no check to test",
)
def test_a_shared_office_file_is_refused(tmp_path: Path) -> None:
    layout = OfficeLayout(tmp_path / "office")
    make_private_folder(layout.root)
    create_private_file(layout.config)
    _share_with_others(layout.config)
    with pytest.raises(OfficeDamaged, match="can be read by other users"):
        load_config(layout)


def test_a_passphrase_is_never_asked_without_an_interactive_console(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The NUL device counts as a terminal for isatty() on Windows, where getpass would
    # then wait for keys from a console that is not there.
    with open(os.devnull, encoding="utf-8") as nothing:
        monkeypatch.setattr(sys, "stdin", nothing)
        with pytest.raises(InvalidInput, match="set MSP_PASSPHRASE"):
            current_passphrase(None)
